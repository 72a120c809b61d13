"""The resolutions table of a meeting's minutes, understood on plain grids of cell text.

Every reader of minutes (Word, Excel, CSV, and any reader that turns a PDF or a scan
into tables) hands over the same thing: a list of tables, each a list of rows, each a
list of cell strings exactly as the file has them. A cell that continues a cell merged
from the row above is a `Continued` string (its text is the merged cell's), so a
number cell merged over two rows is told apart from a number typed twice.

Here the header is found (its wordings: `header_role`), every column the reading does
not use is named (never dropped in silence), and the rows under the header become
resolutions, a row without a number of its own (blank, or merged with the number
above) continuing the resolution above it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from data_layer.input.files import FileProblem
from data_layer.text import match_key, tidy

__all__ = [
    "Continued",
    "Grid",
    "TableLayout",
    "TableRow",
    "find_table",
    "header_role",
    "is_header",
    "table_rows",
]

Grid = list[list[str]]

ROLE_NAMES = {
    "number": "شماره مصوبه",
    "text": "شرح مصوبه",
    "owner": "مسوول پیگیری",
    "lead": "مسئول اصلی",
    "due": "مهلت اجرا",
}
_ROLES = ("number", "text", "owner", "lead", "due")
_SYNONYMS = {
    "text": "«شرح مصوبه»، «عنوان مصوبه»، «موضوع مصوبه»، «متن مصوبه» یا «مصوبه»",
    "owner": "«مسوول پیگیری»، «اقدام کننده»، «دستگاه متولی»، «دستگاه مسئول» یا «مسئول اجرا»",
}
_HEADER_ROWS = 8  # the header is looked for in the first rows of each table


class Continued(str):
    """A cell of a range merged from the row above: its text is that merged cell's."""

    __slots__ = ()


_RESPONSIBLE = re.compile("مس(?:ئو|ؤو|وو|و|ئ)ل")
_TEXT_PARTS = ("شرحمصوب", "متنمصوب", "عنوانمصوب", "موضوعمصوب")
_TEXT_WORDS = frozenset({"مصوبه", "مصوبات", "شرح", "عنوان"})
_OWNER_WORDS = frozenset(
    {"مجری", "دستگاهمجری", "متولی", "دستگاهمتولی", "اقدامکننده", "دستگاهاقدامکننده"}
)
_DUE_STARTS = ("مهلت", "سررسید", "موعد", "زمانبندی")
_DUE_WORDS = frozenset(
    {"زماناجرا", "تاریخانجام", "تاریخاجرا", "زمانانجام", "تاریخپایان", "زمانپایان"}
)


def _header_key(cell: str) -> str:
    return _RESPONSIBLE.sub("مسوول", match_key(cell)).replace(".", "").replace(":", "")


def header_role(cell: str) -> str | None:
    """What a header cell names: 'number', 'row' (a «ردیف» column), 'text', 'owner',
    'lead', 'due', or None for a column the minutes reading does not use."""
    key = _header_key(cell)
    if not key:
        return None
    if "اصلی" in key and any(w in key for w in ("مسوول", "دستگاه", "مجری", "متولی")):
        return "lead"
    if key.startswith(_DUE_STARTS) or key in _DUE_WORDS:
        return "due"
    if any(p in key for p in _TEXT_PARTS) or key in _TEXT_WORDS:
        return "text"
    if "مسوول" in key or "پیگیریکننده" in key or key in _OWNER_WORDS:
        return "owner"
    if key.startswith("شماره") or key in ("#", "ش", "no"):
        return "number"
    if key.startswith("ردیف"):
        return "row"
    return None


def _header_roles(cells: Sequence[str]) -> dict[str, int]:
    """Which column holds what, when this row looks like the resolutions header."""
    roles: dict[str, int] = {}
    row_word: int | None = None
    for i, cell in enumerate(cells):
        role = header_role(cell)
        if role == "row":
            row_word = i if row_word is None else row_word
        elif role is not None and role not in roles:
            roles[role] = i
    if "number" not in roles and row_word is not None:
        roles["number"] = row_word
    if "owner" not in roles and "lead" in roles:  # «مسئول اصلی» is then the only owner column
        roles["owner"] = roles.pop("lead")
    return roles


def is_header(cells: Sequence[str]) -> bool:
    """Whether this row is the resolutions table's header (a text and an owner column)."""
    roles = _header_roles([tidy(c) for c in cells])
    return "text" in roles and "owner" in roles


@dataclass(frozen=True)
class TableLayout:
    """Where the resolutions table is: its header row in each table that holds part of
    it, which column holds what, and the header text of every column."""

    found: list[tuple[Grid, int]]
    roles: dict[str, int]
    header: tuple[str, ...]

    @property
    def ignored(self) -> tuple[str, ...]:
        """The header text of every column the reading does not use."""
        used = set(self.roles.values())
        return tuple(tidy(h) for i, h in enumerate(self.header) if i not in used and match_key(h))

    def column(self, role: str) -> str:
        """The header of a role's column as the file writes it."""
        index = self.roles.get(role)
        if index is None or index >= len(self.header):
            return ROLE_NAMES[role]
        return tidy(self.header[index]) or ROLE_NAMES[role]


def _listed(cells: Sequence[str]) -> str:
    names = list(dict.fromkeys(tidy(c) for c in cells if match_key(c)))
    return "، ".join(f"«{n}»" for n in names[:12]) + ("، …" if len(names) > 12 else "")


def find_table(tables: Sequence[Grid], *, continued: bool) -> TableLayout:
    """The resolutions table of a file's tables, or FileProblem saying what is missing
    and naming the columns that were found.

    With `continued` (Word), later tables with the same header are the same table
    continued on another page; otherwise the first table found is the only one.
    """
    found: list[tuple[Grid, int]] = []
    roles: dict[str, int] | None = None
    header: tuple[str, ...] = ()
    partial: tuple[dict[str, int], list[str]] | None = None
    for table in tables:
        for r, row in enumerate(table[:_HEADER_ROWS]):
            here = _header_roles(row)
            if "text" in here and "owner" in here:
                if roles is None:
                    roles, header = here, tuple(row)
                if here == roles:
                    found.append((table, r))
                break
            if partial is None and ("text" in here or "owner" in here):
                partial = (here, row)
        if found and not continued:
            break
    if roles is not None:
        return TableLayout(found, roles, header)
    if partial is not None:
        missing = next(role for role in ("text", "owner") if role not in partial[0])
        name = ROLE_NAMES[missing]
        raise FileProblem(
            f"جدول مصوبات ستون «{name}» را ندارد؛ ستونی با عنوان «{name}» (یا"
            f" {_SYNONYMS[missing]}) به جدول بیفزایید و پرونده را دوباره بارگذاری کنید."
            f" ستون‌های این جدول: {_listed(partial[1])}."
        )
    firsts = [cell for table in tables for row in table[:1] for cell in row]
    seen = (
        f" ستون‌هایی که در پرونده پیدا شد: {_listed(firsts)}."
        if any(match_key(c) for c in firsts)
        else " پرونده هیچ جدولی با سرستون ندارد."
    )
    raise FileProblem(
        "جدول مصوبات با ستون‌های شرح مصوبه و مسوول پیگیری پیدا نشد؛ پروندهٔ صورتجلسه‌ای را"
        " بارگذاری کنید که مصوبات در آن جدولی با این ستون‌ها باشند." + seen
    )


@dataclass
class TableRow:
    """One resolution of the table: its cells as the file has them, a row that
    continues it adding its pieces (`joined`: those rows' positions)."""

    number: str
    position: int  # its row in the table (1 = the first row with anything in it)
    cells: dict[str, list[str]] = field(default_factory=dict)  # role -> pieces, in order
    joined: list[int] = field(default_factory=list)

    def pieces(self, role: str) -> list[str]:
        """The role's non-empty pieces (a cell merged over the rows counted once)."""
        return self.cells.get(role, [])


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _add(row: TableRow, role: str, value: str, *, continuing: bool) -> None:
    if not match_key(value) or (continuing and isinstance(value, Continued)):
        return  # empty, or the same merged cell as the row above
    row.cells.setdefault(role, []).append(value)


def table_rows(layout: TableLayout) -> list[TableRow]:
    """Every resolution under the header(s), continuation rows joined to the one above.

    A row continues the resolution above when the table numbers its resolutions and
    the row's number cell is empty or merged with the number above; the first row is
    never a continuation (without a number it is numbered by its position).
    """
    kept: list[dict[str, str]] = []
    for table, header in layout.found:
        for cells in table[header + 1 :]:
            values = {role: _cell(cells, layout.roles.get(role)) for role in _ROLES}
            text, owner, given = values["text"], values["owner"], values["number"]
            if not match_key(text) and not match_key(owner):
                continue  # an empty (perhaps pre-numbered) row
            here = _header_roles(cells)
            if "text" in here and "owner" in here:
                continue  # the header repeated
            if tidy(text) == tidy(owner) and tidy(given) in ("", tidy(text)):
                continue  # a caption row merged across the table
            kept.append(values)
    numbered = "number" in layout.roles and any(match_key(v["number"]) for v in kept)
    rows: list[TableRow] = []
    for position, values in enumerate(kept, start=1):
        given = values["number"]
        continuing = (
            bool(rows) and numbered and (not match_key(given) or isinstance(given, Continued))
        )
        if continuing:
            row = rows[-1]
            row.joined.append(position)
        else:
            row = TableRow(given, position)
            rows.append(row)
        for role in ("text", "owner", "lead", "due"):
            _add(row, role, values[role], continuing=continuing)
    return rows
