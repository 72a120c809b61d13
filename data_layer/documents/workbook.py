"""The one Excel writer: every workbook people download (the HXL exports, the meeting
report, the import templates) is written by `workbook_xlsx`, so every sheet is the same:

- right to left, its one header row bold on a pale blue fill and frozen (no HXL
  hashtag row: those belong to the HXL feeds and CSVs, not to sheets people read);
- printed landscape on A4, one page wide (as many pages down as it takes), the header
  rows repeated at the top of every page;
- each cell stored by its type: numbers as numbers (numpy and pandas scalars too),
  dates as Jalali dates a sheet can sort and filter: the number 14050907 shown
  1405/09/07 (a moment: 140509071030 shown 1405/09/07 10:30), never a Gregorian date
  nor a text that sorts wrong; yes/no as «بله»/«خیر», a missing value (None, NaN,
  NA, NaT) as an empty cell, and text exactly as typed minus what XML cannot hold,
  always as text: a cell that begins with «=» is never a formula (data_layer/output);
- text wider than the widest column wraps, and its row's text stands at the top;
  columns as wide as their text (8 to 60 characters) unless the sheet gives its own
  widths;
- sheet titles made legal and unique (31 characters, none of []:*?/\\).

A sheet may add drop-down lists (an import template's choices) and a filter on its
header row.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.properties import PageSetupProperties  # type: ignore[import-untyped]

from data_layer import clock
from data_layer.jalali import jalali_key
from data_layer.output import xlsx_text

__all__ = [
    "YES_NO",
    "DropDown",
    "JalaliCell",
    "SheetSpec",
    "cell_value",
    "is_missing",
    "sheet_title",
    "workbook_xlsx",
]

YES_NO = ("بله", "خیر")
MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_FORMAT = '0000"/"00"/"00'  # the number 14050907 shows as 1405/09/07
MOMENT_FORMAT = '0000"/"00"/"00" "00":"00'  # 140509071030 shows as 1405/09/07 10:30
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT = Alignment(vertical="top", horizontal="right")
WRAPPED = Alignment(vertical="top", horizontal="right", wrap_text=True)
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class JalaliCell:
    """A date (or a moment, in the working group's time zone when it has one) as the
    sortable Jalali number a cell holds and the format that shows it."""

    moment: date

    @property
    def stored(self) -> tuple[int, str]:
        moment = self.moment
        if isinstance(moment, datetime):
            if moment.tzinfo is not None:
                moment = moment.astimezone(clock.LOCAL_TZ)
            if (moment.hour, moment.minute) != (0, 0):
                key = jalali_key(moment.date()) * 10_000 + moment.hour * 100 + moment.minute
                return key, MOMENT_FORMAT
            moment = moment.date()
        return jalali_key(moment), DATE_FORMAT


@dataclass(frozen=True)
class DropDown:
    """A list to choose from in one column (0-based), for `rows` rows under the header."""

    column: int
    options: tuple[str, ...]
    error: str
    rows: int
    allow_blank: bool = True


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: its header row and its rows.

    `widths` fixes the columns' widths (else they fit the text); `filter` puts a filter
    on the header row.
    """

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]] = ()
    widths: Sequence[float] | None = None
    filter: bool = False
    drop_downs: Sequence[DropDown] = ()

    @property
    def header_rows(self) -> int:
        """The rows at the top that name the columns (frozen and printed on every page)."""
        return 1


def is_missing(value: object) -> bool:
    """None, NaN, pandas' NA and NaT: an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell_value(value: object) -> object:
    """What a cell stores for a value (see the module)."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return xlsx_text(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime | date):
        return JalaliCell(value)
    if hasattr(value, "item") and not isinstance(value, datetime | date):
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        return YES_NO[0] if value else YES_NO[1]
    if isinstance(value, int | float):
        return value
    return xlsx_text(str(value))


def _width(value: object) -> int:
    """The longest line of a value as text."""
    text = str(value)
    if "\n" not in text:
        return len(text)
    return max(len(line) for line in text.splitlines())


def sheet_title(name: str, used: set[str]) -> str:
    """A legal, unique sheet title (31 characters at most, no []:*?/\\); noted in `used`."""
    base = _TITLE_BAD.sub(" ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title in used:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _print_setup(ws: Any, header_rows: int) -> None:
    """Landscape A4, one page wide, the header rows on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"1:{header_rows}"


def _write(ws: Any, spec: SheetSpec) -> None:
    ws.sheet_view.rightToLeft = True
    header_rows = spec.header_rows
    ws.append(list(spec.header))
    widths = [_width(h) for h in spec.header]
    for number, row in enumerate(spec.rows, start=header_rows + 1):
        texts = []
        for i, raw in enumerate(row):
            value = cell_value(raw)
            if value is None:
                continue
            number_format = None
            if isinstance(value, JalaliCell):
                value, number_format = value.stored
            cell = ws.cell(row=number, column=i + 1, value=value)
            width = _width(value)
            if number_format:
                cell.number_format = number_format
                width = 16 if number_format == MOMENT_FORMAT else 10  # 1405/09/07 10:30
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever a person typed
                texts.append((cell, width))
            if i < len(widths):
                widths[i] = max(widths[i], width)
        if any(width > MAX_WIDTH for _, width in texts):  # a tall row: its text at the top
            for cell, width in texts:
                cell.alignment = WRAPPED if width > MAX_WIDTH else TEXT
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    fixed = spec.widths
    for i, width in enumerate(widths):
        shown = fixed[i] if fixed is not None else min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(i + 1)].width = shown
    ws.freeze_panes = f"A{header_rows + 1}"
    if spec.filter and spec.rows:
        ws.auto_filter.ref = ws.dimensions
    for drop in spec.drop_downs:
        letter = get_column_letter(drop.column + 1)
        validation = DataValidation(
            type="list", formula1=f'"{",".join(drop.options)}"', allow_blank=drop.allow_blank
        )
        validation.error = drop.error
        ws.add_data_validation(validation)
        first = header_rows + 1
        validation.add(f"{letter}{first}:{letter}{first + drop.rows - 1}")
    _print_setup(ws, header_rows)


def workbook_xlsx(sheets: Sequence[SheetSpec], *, title: str = "") -> bytes:
    """The workbook of these sheets, in this order (`title`: the file's own title)."""
    book = Workbook()
    default = book.active
    if sheets and default is not None:
        book.remove(default)
    if title:
        book.properties.title = xlsx_text(title)
    used: set[str] = set()
    for spec in sheets:
        _write(book.create_sheet(sheet_title(spec.title, used)), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
