"""An agency of the registry as typed in its form or read from a member-list spreadsheet.

`validate_agency` checks one agency, `validate_periods` its membership periods
(every form and every row of an import go through them); `read_agency_file` reads
and checks a whole member list into an `AgencyImportPreview` without writing.
Names are compared with `match_key`, so «اداره كل» typed with an Arabic kaf is the
same agency as «اداره کل».
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from data_layer.errors import FieldError
from data_layer.input.check import Check
from data_layer.input.pipeline import ImportPreview, SheetImport, check_each
from data_layer.input.sheet import Column
from data_layer.jalali import format_jalali, format_number
from data_layer.labels import AGENCY_KIND_LABELS
from data_layer.text import match_key, tidy

__all__ = [
    "AGENCY_COLUMNS",
    "AGENCY_IMPORT",
    "AGENCY_LABELS",
    "AgencyImportPreview",
    "AgencyInput",
    "NameKeys",
    "Period",
    "check_agency_rows",
    "duplicate_names",
    "period_text",
    "periods_text",
    "read_agency_file",
    "split_aliases",
    "validate_agency",
    "validate_periods",
]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 500
Period = tuple[date | None, date | None]  # member from / to; None: open

AGENCY_COLUMNS: tuple[Column, ...] = (
    Column("name", "نام کامل دستگاه", True, "#org+name", ("نام دستگاه", "دستگاه", "name")),
    Column("short_name", "نام کوتاه", False, "#org+name+short", ("short name", "نام اختصاری")),
    Column("kind", "نوع دستگاه", True, "#org+type", ("نوع", "kind", "type")),
    Column("head_title", "عنوان مخاطب نامه", False, "#contact+title", ("مخاطب", "عنوان رئیس")),
    Column("aliases", "نام‌های دیگر", False, "#org+name+alias", ("aliases", "نام دیگر")),
    Column("member_from", "عضو از", False, "#date+start", ("از تاریخ", "تاریخ عضویت")),
    Column("member_to", "عضو تا", False, "#date+end", ("تا تاریخ", "پایان عضویت")),
    Column("sort_order", "ترتیب", False, "#meta+order", ("ردیف", "order")),
)
AGENCY_LABELS: dict[str, str] = {
    **{c.field: c.label for c in AGENCY_COLUMNS},
    "periods": "دوره‌های عضویت",
    "reason": "دلیل",
    "target": "دستگاه مقصد",
    "on": "تاریخ",
}
MAX_ORDER = 100_000
SHORT_NAME_LIMIT = 80


@dataclass(frozen=True)
class AgencyInput:
    """An agency as typed (not yet checked); `aliases` separated by «;» or «؛» or new lines."""

    name: str
    short_name: str
    kind: object
    head_title: str = ""
    aliases: str = ""
    sort_order: object = None


def split_aliases(text: str) -> list[str]:
    """The aliases of a cell or a form, tidied, without repeats."""
    parts = [tidy(p) for p in text.replace("؛", ";").replace("\n", ";").split(";")]
    return list(dict.fromkeys(p for p in parts if p))


def validate_agency(data: AgencyInput, check: Check) -> dict[str, Any]:
    """Column values of an agency; problems go to `check`."""
    clean: dict[str, Any] = {
        "name": check.text("name", data.name, limit=200, required=True, min_length=3),
        "short_name": check.text(
            "short_name", data.short_name, limit=SHORT_NAME_LIMIT, min_length=2
        ),
        "kind": check.choice("kind", data.kind, AGENCY_KIND_LABELS),
        "head_title": check.text("head_title", data.head_title, limit=200),
        "sort_order": check.whole(
            "sort_order", data.sort_order, low=0, high=MAX_ORDER, required=False
        ),
    }
    if not clean["short_name"] and clean["name"] and not check.has("name"):
        # No short name: the agency goes by its full name, when that fits a short name.
        if len(clean["name"]) > SHORT_NAME_LIMIT:
            check.add(
                "short_name",
                f"«نام کوتاه» را بنویسید: نام کامل بیش از {format_number(SHORT_NAME_LIMIT)}"
                " نویسه است و جای نام کوتاه را نمی‌گیرد.",
            )
        clean["short_name"] = clean["name"]
    aliases = split_aliases(check.text("aliases", data.aliases, limit=500, multiline=True))
    clean["aliases"] = ";".join(aliases)
    if len(clean["aliases"]) > 500:
        check.add("aliases", "«نام‌های دیگر» روی هم بیش از ۵۰۰ نویسه است؛ کوتاه‌ترشان کنید.")
    return clean


def period_text(period: Period) -> str:
    """«از ۱۴۰۱/۰۱/۰۱ تا اکنون»: one membership period as people read it."""
    start, end = period
    since = format_jalali(start) if start else "آغاز"
    until = format_jalali(end) if end else "اکنون"
    return f"از {since} تا {until}"


def periods_text(periods: Sequence[Period]) -> str:
    """Every period of an agency (screens and history); none: not a member."""
    return "؛ ".join(map(period_text, periods)) if periods else "عضو نیست (مدعو)"


def validate_periods(periods: Sequence[tuple[object, object]], check: Check) -> list[Period]:
    """Membership periods as typed (Jalali text or dates; empty = open), checked: each ends
    on or after it starts, and no two overlap. Sorted oldest first."""
    clean: list[Period] = []
    for start_text, end_text in periods:
        start = check.date("member_from", start_text, required=False)
        end = check.date("member_to", end_text, required=False)
        if check.has("member_from", "member_to"):
            continue
        if start is not None and end is not None and end < start:
            check.add(
                "periods",
                f"دورهٔ عضویت {period_text((start, end))} پیش از آغازش پایان یافته است؛"
                " «عضو تا» باید همان روز یا پس از «عضو از» باشد.",
            )
            continue
        clean.append((start, end))
    clean.sort(key=lambda p: p[0] or date.min)
    for before, after in itertools.pairwise(clean):
        if before[1] is None or (after[0] is None or after[0] <= before[1]):
            check.add(
                "periods",
                f"دوره‌های عضویت {period_text(before)} و {period_text(after)} روی هم"
                " افتاده‌اند؛ هر روز فقط در یک دوره باشد.",
            )
    open_ended = [p for p in clean if p[1] is None]
    if len(open_ended) > 1 and not check.has("periods"):
        check.add("periods", "فقط یک دورهٔ عضویت می‌تواند بی‌پایان (تا اکنون) باشد.")
    return clean


# --- duplicates ---------------------------------------------------------------------------

NameKeys = dict[str, tuple[int, str]]  # match_key(name or short name) -> (agency id, name)


def duplicate_names(
    clean: dict[str, Any], keys: NameKeys, check: Check, exclude_id: int | None = None
) -> None:
    """An agency whose name or short name, normalised, is another agency's name or short name."""
    for fld in ("name", "short_name"):
        found = keys.get(match_key(clean.get(fld) or ""))
        if found is not None and found[0] != exclude_id and clean.get(fld):
            check.add(
                fld,
                f"«{clean[fld]}» همان نام دستگاه «{found[1]}» است (با یکسان‌سازی ی/ک و فاصله‌ها)؛"
                " نام دیگری بنویسید یا همان دستگاه را ویرایش کنید.",
            )


# --- the member-list import ---------------------------------------------------------------


class AgencyImportPreview(ImportPreview[dict[str, object], dict[str, Any]]):
    """What a member-list spreadsheet holds, checked, before anything is written.

    `clean[i]` holds row i's agency values plus `periods` (one period per row).
    """


def _row(
    raw: dict[str, object], number: int, check: Check, keys: NameKeys, seen: NameKeys
) -> dict[str, Any]:
    data = AgencyInput(
        name=str(raw.get("name") or ""),
        short_name=str(raw.get("short_name") or ""),
        kind=raw.get("kind"),
        head_title=str(raw.get("head_title") or ""),
        aliases=str(raw.get("aliases") or ""),
        sort_order=raw.get("sort_order"),
    )
    clean = validate_agency(data, check)
    clean["periods"] = validate_periods([(raw.get("member_from"), raw.get("member_to"))], check)
    if not check.has("name", "short_name"):
        duplicate_names(clean, keys, check)
    if not check.has("name", "short_name", "aliases"):
        _repeated_in_file(clean, number, check, seen)
    return clean


def _repeated_in_file(clean: dict[str, Any], number: int, check: Check, seen: NameKeys) -> None:
    """A name, short name or alias that another row of the file already uses, refused on
    this row's column. A short name equal to its own row's full name is no repeat."""
    mine: dict[str, str] = {}  # match_key -> this row's field that first holds it
    values = [("name", clean["name"]), ("short_name", clean["short_name"])]
    values += [("aliases", a) for a in split_aliases(clean["aliases"])]
    for fld, value in values:
        key = match_key(value)
        if key in mine:
            continue  # the same row naming itself twice
        mine[key] = fld
        other = seen.get(key)
        if other is not None and other[0] != number:
            check.add(
                fld,
                f"«{value}» در سطر {format_number(other[0])} همین پرونده هم آمده است"
                f" (دستگاه «{other[1]}»)؛ هر نام، نام کوتاه یا نام دیگر فقط از آنِ یک"
                " دستگاه است. یکی از دو سطر را درست کنید.",
            )
    for key in mine:
        seen.setdefault(key, (number, clean["name"]))


def check_agency_rows(
    rows: Sequence[dict[str, object]], numbers: Sequence[int], keys: NameKeys
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Every row validated; names repeated in the file or already registered found."""
    seen: NameKeys = {}
    return check_each(
        rows,
        numbers,
        AGENCY_LABELS,
        lambda raw, number, check: _row(raw, number, check, keys, seen),
    )


def _check(preview: AgencyImportPreview, keys: NameKeys) -> None:
    preview.clean, preview.errors = check_agency_rows(preview.rows, preview.row_numbers, keys)


AGENCY_IMPORT = SheetImport(
    AGENCY_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, "دستگاه", AgencyImportPreview, _check
)


def read_agency_file(filename: str, content: bytes, keys: NameKeys) -> AgencyImportPreview:
    """Read and check a member list (.xlsx or .csv); nothing is written."""
    return AGENCY_IMPORT.read(filename, content, keys)
