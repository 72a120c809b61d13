"""Reading the resolutions table of a meeting's minutes (.docx, .xlsx, .csv, .pdf with a
text layer: data_layer/input/pdf_minutes.py); writes nothing.

The preview holds every resolution with its owner text understood part by part:
which names matched an agency (and how), and which did not, with the reason and
the agencies they resemble. The commit (commands/minutes.py) takes the preview and
the person's decision for each name that did not match.

An optional column «مسئول اصلی» names the lead owner: matched to one agency like
the owners, it must be one of that row's owners; otherwise the row carries a
problem that the preview shows and the commit refuses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from data_layer.errors import FieldError, ValidationError
from data_layer.input.check import Check
from data_layer.input.files import FileProblem, cell_text, file_name, read_tables
from data_layer.input.owners import OwnerMatch, OwnerMatcher, owner_matcher
from data_layer.input.pdf_minutes import read_pdf
from data_layer.jalali import format_number, to_ascii_digits
from data_layer.queries.agencies import AgencyRef
from data_layer.text import match_key, tidy

__all__ = [
    "MINUTES_TYPES",
    "MinutesPreview",
    "PreviewRow",
    "minutes_from_grids",
    "read_minutes_file",
    "unmatched_reason",
]

MAX_MINUTES_BYTES = 10 * 1024 * 1024
MINUTES_TYPES = (".docx", ".xlsx", ".csv", ".pdf")
MAX_PDF_PAGES = 20
MAX_TABLE_ROWS = 2000
TEXT_LIMIT = 4000
OWNERS_LIMIT = 500
FILE_FIELD = "file"
_LABELS = {
    "text": "شرح مصوبه",
    "owners_as_written": "مسوول پیگیری",
    "number": "شماره مصوبه",
    "lead": "مسئول اصلی",
}


@dataclass(frozen=True)
class PreviewRow:
    """One resolution read from the minutes, with how its owners were understood."""

    number: int
    text: str
    owners_as_written: str
    match: OwnerMatch
    position: int  # its row in the table (1 = first row under the header)
    lead_as_written: str = ""  # the «مسئول اصلی» cell, if the table has one
    lead: int | None = None  # the agency it matched, when it is one of the owners
    lead_problem: str = ""  # why the lead cell cannot be used, in Persian


@dataclass(frozen=True)
class MinutesPreview:
    """What a minutes file holds, before anything is written."""

    filename: str
    kind: str  # "docx" | "xlsx" | "csv" | "pdf" | "scan"
    rows: tuple[PreviewRow, ...]

    @property
    def unmatched(self) -> list[tuple[int, str]]:
        """(resolution number, owner text) for every owner name no agency was found for."""
        return [(r.number, part) for r in self.rows for part in r.match.unmatched]

    @property
    def lead_problems(self) -> list[tuple[int, str]]:
        """(resolution number, Persian problem) for every lead cell that cannot be used."""
        return [(r.number, r.lead_problem) for r in self.rows if r.lead_problem]


def unmatched_reason(match: OwnerMatch, part: str, names: dict[int, str]) -> str:
    """Why a name of an owner text did not match, in Persian (`names`: agency id -> name)."""
    suggested = [f"«{names[i]}»" for i in match.suggestions.get(part, []) if i in names]
    if not part:
        return "خانهٔ مسوول پیگیری خالی است؛ دستگاه را انتخاب کنید."
    if part in match.ambiguous:
        return f"این نام، نام بیش از یک دستگاه است ({' و '.join(suggested)})؛ یکی را انتخاب کنید."
    if suggested:
        return (
            "با هیچ دستگاهی دقیقاً جور نشد؛ شبیه "
            + " یا ".join(suggested)
            + " است. دستگاه درست را انتخاب کنید یا این نام را کنار بگذارید."
        )
    return (
        "دستگاهی با این نام یا نامی شبیه آن ثبت نشده است؛ دستگاه را انتخاب کنید"
        " یا این نام را کنار بگذارید."
    )


# --- finding the table ------------------------------------------------------------------

_RESPONSIBLE = re.compile("مس(?:ئو|ؤو|وو|و|ئ)ل")
_NUMBER_CELL = re.compile(r"\(?\s*(\d{1,5})\s*[).\-:]?")
_MISSING_COLUMN = {"text": "شرح مصوبه", "owner": "مسوول پیگیری"}


def _header_key(cell: str) -> str:
    return _RESPONSIBLE.sub("مسوول", match_key(cell)).replace(".", "").replace(":", "")


def _text_column(key: str) -> bool:
    return "شرحمصوب" in key or "متنمصوب" in key or key in ("مصوبه", "مصوبات", "شرح")


def _lead_column(key: str) -> bool:
    return "اصلی" in key and any(w in key for w in ("مسوول", "دستگاه", "مجری", "متولی"))


def _owner_column(key: str) -> bool:
    return "مسوول" in key or "پیگیریکننده" in key or key in ("مجری", "دستگاهمجری")


def _header_roles(cells: Sequence[str]) -> dict[str, int]:
    """Which column holds what, when this row looks like the resolutions header."""
    roles: dict[str, int] = {}
    by_row_word: int | None = None
    for i, cell in enumerate(cells):
        key = _header_key(cell)
        if not key:
            continue
        if "lead" not in roles and _lead_column(key):
            roles["lead"] = i
        elif "text" not in roles and _text_column(key):
            roles["text"] = i
        elif "owner" not in roles and _owner_column(key):
            roles["owner"] = i
        elif "number" not in roles and (key.startswith("شماره") or key in ("#", "ش", "no")):
            roles["number"] = i
        elif by_row_word is None and key.startswith("ردیف"):
            by_row_word = i
    if "number" not in roles and by_row_word is not None:
        roles["number"] = by_row_word
    if "owner" not in roles and "lead" in roles:  # «مسئول اصلی» is then the only owner column
        roles["owner"] = roles.pop("lead")
    return roles


_Grid = list[list[str]]


def _find_table(
    tables: list[_Grid], *, continued: bool
) -> tuple[list[tuple[_Grid, int]], dict[str, int]]:
    """The header position(s) of the resolutions table, or FileProblem saying what is missing.

    With `continued` (Word), later tables with the same header are the same table
    continued on another page; otherwise the first table found is the only one.
    """
    found: list[tuple[_Grid, int]] = []
    roles: dict[str, int] | None = None
    partial: dict[str, int] | None = None
    for table in tables:
        for r, row in enumerate(table[:8]):
            here = _header_roles(row)
            if "text" in here and "owner" in here:
                roles = roles or here
                if here == roles:
                    found.append((table, r))
                break
            if partial is None and ("text" in here or "owner" in here):
                partial = here
        if found and not continued:
            break
    if roles is not None:
        return found, roles
    if partial is not None:
        missing = next(name for role, name in _MISSING_COLUMN.items() if role not in partial)
        raise FileProblem(
            f"جدول مصوبات ستون «{missing}» را ندارد؛ ستونی با عنوان «{missing}» به جدول"
            " بیفزایید و پرونده را دوباره بارگذاری کنید."
        )
    raise FileProblem(
        "جدول مصوبات با ستون‌های شرح مصوبه و مسوول پیگیری پیدا نشد؛ پروندهٔ صورتجلسه‌ای را"
        " بارگذاری کنید که مصوبات در آن جدولی با این ستون‌ها باشند."
    )


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _raw_rows(found: list[tuple[_Grid, int]], roles: dict[str, int]) -> list[tuple[str, ...]]:
    """(number, text, owners, lead) of every resolution row under the header(s)."""
    rows: list[tuple[str, ...]] = []
    for table, header in found:
        for cells in table[header + 1 :]:
            given, text, owner, lead = (
                _cell(cells, roles.get(r)) for r in ("number", "text", "owner", "lead")
            )
            if not text and not owner:
                continue  # an empty (perhaps pre-numbered) row
            here = _header_roles(cells)
            if "text" in here and "owner" in here:
                continue  # the header repeated
            if text == owner and given in ("", text):
                continue  # a caption row merged across the table
            rows.append((given, text, owner, lead))
    return rows


# --- reading ----------------------------------------------------------------------------


def _number(check: Check, where: str, given: str, position: int) -> int:
    if not given:
        return position
    m = _NUMBER_CELL.fullmatch(to_ascii_digits(given).strip())
    if m is None or int(m.group(1)) < 1:
        check.add(
            "number",
            f"شماره مصوبه در {where} («{given}») عدد نیست؛ آن را عدد بنویسید یا خالی بگذارید.",
        )
        return position
    return int(m.group(1))


def _check_numbers(check: Check, rows: Sequence[PreviewRow]) -> None:
    for number, times in sorted(Counter(r.number for r in rows).items()):
        if times > 1:
            positions = " و ".join(format_number(r.position) for r in rows if r.number == number)
            check.add(
                "number",
                f"شماره مصوبه {format_number(number)} {format_number(times)} بار آمده است"
                f" (ردیف‌های {positions} جدول)؛ شماره‌ها را اصلاح کنید.",
            )


def _lead(
    matcher: OwnerMatcher, owners: OwnerMatch, text: str, names: dict[int, str]
) -> tuple[int | None, str]:
    """The «مسئول اصلی» cell: (agency id, "") when it names one of the row's owners, or
    (None, the Persian problem); (None, "") when the cell is empty.

    With «ادارات عضو کارگروه», or an owner name still to be decided, the commit checks
    the lead against the row's final owners.
    """
    if not match_key(text):
        return None, ""
    found = matcher.match(text)
    ids = list(dict.fromkeys(agency_id for _, agency_id, _ in found.matched))
    if found.all_members or found.unmatched or len(ids) != 1:
        like = [
            f"«{names[i]}»" for part in found.unmatched for i in found.suggestions.get(part, [])
        ]
        hint = f" (شبیه {' یا '.join(dict.fromkeys(like))})" if like else ""
        return None, (
            f"«مسئول اصلی» («{text}») باید نام دقیق یک دستگاه باشد{hint}؛ نام یکی از مسوولان"
            " پیگیری همین ردیف را بنویسید یا خانه را خالی بگذارید."
        )
    lead = ids[0]
    if owners.all_members or owners.unmatched or lead in {a for _, a, _ in owners.matched}:
        return lead, ""
    return None, (
        f"«مسئول اصلی» («{text}»، یعنی {names.get(lead, '?')}) در میان مسوولان پیگیری همین"
        " ردیف نیست؛ آن را به مسوول پیگیری بیفزایید یا مسئول اصلی دیگری بنویسید."
    )


def _preview_row(
    matcher: OwnerMatcher,
    names: dict[int, str],
    number: int,
    cells: tuple[str, ...],
    position: int,
) -> PreviewRow:
    """One resolution of the table with its owners and its lead understood."""
    _, text, owner, lead_text = cells
    match = matcher.match(owner)
    lead, problem = _lead(matcher, match, lead_text, names)
    return PreviewRow(number, text, owner, match, position, lead_text, lead, problem)


def _is_header(cells: list[str]) -> bool:
    roles = _header_roles([tidy(c) for c in cells])
    return "text" in roles and "owner" in roles


def _grids(name: str, ext: str, content: bytes) -> list[_Grid]:
    """The file's tables as rows of tidied cell strings (a PDF from its text layer)."""
    if ext == "pdf":
        tables: list[list[Any]] = read_pdf(
            name,
            content,
            max_bytes=MAX_MINUTES_BYTES,
            max_pages=MAX_PDF_PAGES,
            is_header=_is_header,
        )
    else:
        tables = read_tables(
            name,
            content,
            allowed=MINUTES_TYPES,
            max_bytes=MAX_MINUTES_BYTES,
            max_rows=MAX_TABLE_ROWS,
            merged_cells=True,
        )
    return [[[cell_text(c) for c in row] for row in table] for table in tables]


def read_minutes_file(
    filename: str, content: bytes, agencies: Sequence[AgencyRef]
) -> MinutesPreview:
    """Read the resolutions table of a minutes file and match its owners; writes nothing.

    Raises ValidationError (Persian, naming what to fix) for an unknown type, a
    damaged file, no resolutions table, a missing column, an empty table,
    duplicate numbers, an empty or over-long resolution text.
    """
    name = file_name(filename) or "بی‌نام"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        grids = _grids(name, ext, content)
    except FileProblem as e:
        raise ValidationError([FieldError(FILE_FIELD, e.message)]) from None
    return minutes_from_grids(name, ext, grids, agencies)


def minutes_from_grids(
    name: str, kind: str, grids: list[_Grid], agencies: Sequence[AgencyRef]
) -> MinutesPreview:
    """The preview of tables already read (a scan's cells as the secretariat corrected
    them, or a file's tables); the same checks as `read_minutes_file`."""
    try:
        grids = [[[tidy(c) for c in row] for row in table] for table in grids]
        found, roles = _find_table(grids, continued=kind == "docx")
    except FileProblem as e:
        raise ValidationError([FieldError(FILE_FIELD, e.message)]) from None
    raw = _raw_rows(found, roles)
    if not raw:
        raise ValidationError(
            [
                FieldError(
                    FILE_FIELD,
                    "جدول مصوبات هیچ ردیفی ندارد؛ مصوبات را زیر سرستون‌ها بنویسید"
                    " و دوباره بارگذاری کنید.",
                )
            ]
        )
    matcher = owner_matcher(agencies)
    names = {a.id: a.short_name or a.name for a in agencies}
    check = Check(_LABELS)
    rows: list[PreviewRow] = []
    for position, cells in enumerate(raw, start=1):
        given, text, owner, lead_text = cells
        where = f"ردیف {format_number(position)} جدول"
        number = _number(check, where, given, position)
        row_check = Check(_LABELS, row=number)
        if not text:
            check.add(
                "text",
                f"شرح مصوبه در {where} (مصوبه {format_number(number)}) خالی است؛ متن مصوبه را"
                " بنویسید یا ردیف را از جدول حذف کنید.",
            )
        row_check.text("text", text, limit=TEXT_LIMIT)
        row_check.text("owners_as_written", owner, limit=OWNERS_LIMIT)
        row_check.text("lead", lead_text, limit=OWNERS_LIMIT)
        check.extend(row_check.errors, prefix=f"{where} (مصوبه {format_number(number)}): ")
        rows.append(_preview_row(matcher, names, number, cells, position))
    _check_numbers(check, rows)
    check.raise_if_any()
    return MinutesPreview(name, kind, tuple(rows))
