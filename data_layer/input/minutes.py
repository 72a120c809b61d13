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
from datetime import date, datetime

from data_layer.errors import FieldError, ValidationError
from data_layer.input.check import Check
from data_layer.input.dates import DateProblem, parse_written_date
from data_layer.input.files import FileProblem, MergedCell, file_name, read_tables
from data_layer.input.minutes_table import (
    Continued,
    Grid,
    TableLayout,
    TableRow,
    find_table,
    is_header,
    table_rows,
)
from data_layer.input.owners import OwnerMatch, OwnerMatcher, owner_matcher
from data_layer.input.pdf_minutes import read_pdf
from data_layer.jalali import format_jalali, format_number, to_ascii_digits
from data_layer.queries.agencies import AgencyRef
from data_layer.text import match_key, tidy

__all__ = [
    "MINUTES_TYPES",
    "MinutesPreview",
    "PreviewRow",
    "as_written",
    "minutes_from_grids",
    "minutes_preview",
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
    "due": "مهلت اجرا",
}
_NUMBER_CELL = re.compile(r"\(?\s*(\d{1,5})\s*[).\-:]?")


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
    due: date | None = None  # the due date column, read as a Jalali date
    due_as_written: str = ""  # that cell as the file writes it («مستمر»: no due date)
    joined: tuple[int, ...] = ()  # the table rows that continue this one, joined to it
    text_as_written: str = ""  # the text exactly as in the file, where it differs
    owners_raw: str = ""  # the owner cell exactly as in the file, where it differs


@dataclass(frozen=True)
class MinutesPreview:
    """What a minutes file holds, before anything is written."""

    filename: str
    kind: str  # "docx" | "xlsx" | "csv" | "pdf" | "scan"
    rows: tuple[PreviewRow, ...]
    ignored_columns: tuple[str, ...] = ()  # header of every column that is not read

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


_ONGOING = frozenset(match_key(w) for w in ("مستمر", "دائمی", "دائم", "مداوم", "همواره"))
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def as_written(text: str) -> str:
    """A cell exactly as the file has it (only control characters, which no text can
    hold, taken out)."""
    return _CONTROL.sub("", text).strip("\n")


def _one(check: Check, where: str, role: str, pieces: list[str], layout: TableLayout) -> str:
    """The one value of a cell the joined rows of a resolution may give only once."""
    values = list(dict.fromkeys(tidy(p) for p in pieces))
    if len(values) > 1:
        shown_values = " و ".join(f"«{v}»" for v in values)
        check.add(
            role,
            f"{where}: ستون «{layout.column(role)}» در ردیف‌های به هم پیوستهٔ یک مصوبه دو مقدار"
            f" دارد ({shown_values})؛ یکی را نگه دارید.",
        )
    return values[0] if values else ""


def _due(check: Check, where: str, text: str, layout: TableLayout) -> date | None:
    """The due date cell read as a Jalali date; a problem naming row and column."""
    if not match_key(text) or match_key(text) in _ONGOING:
        return None
    try:
        return parse_written_date(text)
    except DateProblem as e:
        check.add(
            "due",
            f"{where}: «{text}» در ستون «{layout.column('due')}» تاریخ درستی نیست؛ {e.message}",
        )
        return None


def _preview_row(
    matcher: OwnerMatcher,
    names: dict[int, str],
    check: Check,
    row: TableRow,
    layout: TableLayout,
) -> PreviewRow:
    """One resolution of the table with its text, owners, lead and due date understood."""
    where = f"ردیف {format_number(row.position)} جدول"
    number = _number(check, where, tidy(row.number), row.position)
    where = f"{where} (مصوبه {format_number(number)})"
    texts = row.pieces("text")
    text = " ".join(tidy(p) for p in texts)
    raw_text = "\n".join(as_written(p) for p in texts)
    owner_pieces = list({match_key(p): p for p in reversed(row.pieces("owner"))}.values())[::-1]
    owner = " / ".join(tidy(p) for p in owner_pieces)
    raw_owner = " / ".join(as_written(p) for p in owner_pieces)
    lead_text = _one(check, where, "lead", row.pieces("lead"), layout)
    due_text = _one(check, where, "due", row.pieces("due"), layout)
    if not text:
        check.add(
            "text",
            f"شرح مصوبه در {where} خالی است؛ متن مصوبه را بنویسید یا ردیف را از جدول حذف کنید.",
        )
    row_check = Check(_LABELS, row=number)
    row_check.text("text", text, limit=TEXT_LIMIT)
    row_check.text("owners_as_written", owner, limit=OWNERS_LIMIT)
    row_check.text("lead", lead_text, limit=OWNERS_LIMIT)
    check.extend(row_check.errors, prefix=f"{where}: ")
    due = _due(check, where, due_text, layout)
    match = matcher.match(owner)
    lead, problem = _lead(matcher, match, lead_text, names)
    return PreviewRow(
        number,
        text,
        owner,
        match,
        row.position,
        lead_text,
        lead,
        problem,
        due=due,
        due_as_written=due_text,
        joined=tuple(row.joined),
        text_as_written=raw_text if raw_text != text else "",
        owners_raw=raw_owner if raw_owner != owner else "",
    )


def _grid_cell(value: object) -> str:
    """A cell of a read table as the text the file shows (a date cell as a Jalali date,
    a cell merged from the row above as Continued)."""
    if isinstance(value, MergedCell):
        return Continued(_grid_cell(value.value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_jalali(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _file_problem(message: str) -> ValidationError:
    return ValidationError([FieldError(FILE_FIELD, message)])


def read_minutes_file(
    filename: str, content: bytes, agencies: Sequence[AgencyRef]
) -> MinutesPreview:
    """Read the resolutions table of a minutes file and match its owners; writes nothing.

    Raises ValidationError (Persian, naming what to fix) for an unknown type, a
    damaged file, no resolutions table, a missing column, an empty table,
    duplicate numbers, an empty or over-long resolution text, a due date that is not
    a date.
    """
    name = file_name(filename) or "بی‌نام"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        if ext == "pdf":
            tables: Sequence[Sequence[Sequence[object]]] = read_pdf(
                name,
                content,
                max_bytes=MAX_MINUTES_BYTES,
                max_pages=MAX_PDF_PAGES,
                is_header=is_header,
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
    except FileProblem as e:
        raise _file_problem(e.message) from None
    grids = [[[_grid_cell(c) for c in row] for row in table] for table in tables]
    return minutes_preview(name, ext, grids, agencies, continued=ext == "docx")


def minutes_from_grids(
    name: str, kind: str, grids: Sequence[Grid], agencies: Sequence[AgencyRef]
) -> MinutesPreview:
    """The preview of tables already read (a scan's cells as the secretariat corrected
    them); the same checks as `read_minutes_file`."""
    return minutes_preview(name, kind, grids, agencies, continued=False)


def minutes_preview(
    filename: str,
    kind: str,
    grids: Sequence[Grid],
    agencies: Sequence[AgencyRef],
    *,
    continued: bool,
) -> MinutesPreview:
    """The preview of the resolutions table found in `grids` (tables of rows of cell
    text as the file has it, see input/minutes_table.py), whatever the file's format.

    `continued`: later tables with the same header continue the table (a document
    whose table runs over pages). Raises ValidationError as read_minutes_file.
    """
    try:
        layout = find_table(grids, continued=continued)
    except FileProblem as e:
        raise _file_problem(e.message) from None
    table = table_rows(layout)
    if not table:
        raise _file_problem(
            "جدول مصوبات هیچ ردیفی ندارد؛ مصوبات را زیر سرستون‌ها بنویسید و دوباره بارگذاری کنید."
        )
    matcher = owner_matcher(agencies)
    names = {a.id: a.short_name or a.name for a in agencies}
    check = Check(_LABELS)
    rows = [_preview_row(matcher, names, check, row, layout) for row in table]
    _check_numbers(check, rows)
    check.raise_if_any()
    return MinutesPreview(filename, kind, tuple(rows), layout.ignored)
