"""Spreadsheet imports (.xlsx, .csv): columns found by their Persian header, their HXL
tag or a synonym; every problem reported with its row as Excel shows it and the
Persian name of its column.

An import declares its `Column`s; `read_sheet` gives the raw rows (one dict per
non-empty row, keyed by field) and `row_errors` a row's problems as every import
reports them. The import pipeline (input/pipeline.py) puts these together: an import
is a `SheetImport` of its columns and its check. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from data_layer.errors import FieldError
from data_layer.input.check import Check
from data_layer.input.files import FileProblem, blank, cell_text, file_name, read_tables
from data_layer.jalali import format_number
from data_layer.text import match_key

__all__ = ["FILE_FIELD", "Column", "RawSheet", "read_sheet", "row_errors"]

FILE_FIELD = "پرونده"  # FieldError.field of a problem with the whole file
SHEET_TYPES = (".xlsx", ".csv")


@dataclass(frozen=True)
class Column:
    """One column an import understands."""

    field: str
    label: str  # the Persian header of the template, and the name in messages
    required: bool = False  # the file must have this column
    hxl: str = ""  # the HXL tag of the template's second row
    synonyms: tuple[str, ...] = ()  # other headers accepted (compared with match_key)


@dataclass
class RawSheet:
    """The non-empty data rows of a sheet, before any check.

    `rows[i]` maps field -> cell value; `row_numbers[i]` is its row as Excel shows
    it (the header is row 1); `errors` holds problems with the file as a whole.
    """

    filename: str = ""
    rows: list[dict[str, object]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # Persian names, in the file's order
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def _header_keys(columns: Sequence[Column]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for c in columns:
        keys[match_key(c.label)] = c.field
        if c.hxl:
            keys[match_key(c.hxl)] = c.field
    for c in columns:
        for word in c.synonyms:
            keys.setdefault(match_key(word), c.field)
    return keys


def _field_of(cell: object, keys: dict[str, str]) -> str | None:
    key = match_key(cell_text(cell))
    if not key:
        return None
    found = keys.get(key)
    if found is None and key.startswith("#"):
        found = keys.get(key.split("+", 1)[0])  # an HXL tag with other attributes
    return found


def _is_hxl_row(row: Sequence[object]) -> bool:
    cells = [cell_text(c) for c in row if not blank(c)]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _map_columns(
    header: Sequence[object],
    hxl: Sequence[object] | None,
    columns: Sequence[Column],
    sheet: RawSheet,
) -> dict[str, int]:
    """Field -> column index; problems with the header go to sheet.errors."""
    keys = _header_keys(columns)
    labels = {c.field: c.label for c in columns}
    seen: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        found = _field_of(cell, keys)
        if found is None and hxl is not None and index < len(hxl):
            found = _field_of(hxl[index], keys)
        if found is not None:
            seen.setdefault(found, []).append(index)
        elif not blank(cell):
            sheet.ignored_columns.append(cell_text(cell))
    for key, indexes in seen.items():
        if len(indexes) > 1:
            letters = "، ".join(get_column_letter(i + 1) for i in indexes)
            sheet.errors.append(
                FieldError(
                    FILE_FIELD,
                    f"ستون «{labels[key]}» بیش از یک بار آمده است (ستون‌های {letters})؛"
                    " فقط یکی را نگه دارید.",
                )
            )
    missing = [c.label for c in columns if c.required and c.field not in seen]
    if missing:
        names = "، ".join(f"«{c}»" for c in missing)
        expected = "، ".join(c.label for c in columns)
        sheet.errors.append(
            FieldError(
                FILE_FIELD,
                f"ستون {names} در سطر سرستون‌ها پیدا نشد؛ سطر اول پرونده باید سرستون‌ها"
                f" را داشته باشد: {expected} (الگو را ببینید).",
            )
        )
    found_at = {key: indexes[0] for key, indexes in seen.items()}
    sheet.columns = [labels[k] for k in sorted(found_at, key=found_at.__getitem__)]
    return found_at


def _value(row: Sequence[object], index: int) -> object:
    value = row[index] if index < len(row) else None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_sheet(
    filename: str,
    content: bytes,
    columns: Sequence[Column],
    *,
    max_bytes: int,
    max_rows: int,
    what: str,
) -> RawSheet:
    """The first sheet's data rows by field; file-level problems in `errors`.

    The first non-empty row is the header; a second row of HXL hashtags is skipped.
    `what` names the rows in messages («محله», «دستگاه»).
    """
    sheet = RawSheet(filename=file_name(filename))
    try:
        table = read_tables(
            filename, content, allowed=SHEET_TYPES, max_bytes=max_bytes, max_rows=max_rows + 2
        )[0]
    except FileProblem as e:
        sheet.errors.append(FieldError(FILE_FIELD, e.message))
        return sheet
    start = next((i for i, row in enumerate(table) if not all(map(blank, row))), None)
    if start is None:
        sheet.errors.append(
            FieldError(FILE_FIELD, f"پرونده خالی است؛ سطر سرستون‌ها و ردیف‌های {what} را بنویسید.")
        )
        return sheet
    body = start + 1
    hxl = None
    if body < len(table) and _is_hxl_row(table[body]):
        hxl, body = table[body], body + 1
    found = _map_columns(table[start], hxl, columns, sheet)
    if sheet.errors:
        return sheet
    for index in range(body, len(table)):
        row = table[index]
        if all(map(blank, row)):
            continue
        sheet.rows.append({key: _value(row, i) for key, i in found.items()})
        sheet.row_numbers.append(index + 1)
    if not sheet.rows:
        sheet.errors.append(
            FieldError(
                FILE_FIELD,
                f"پرونده هیچ ردیف داده‌ای ندارد؛ زیر سطر سرستون‌ها دست‌کم یک {what} بنویسید.",
            )
        )
    elif len(sheet.rows) > max_rows:
        sheet.errors.append(
            FieldError(
                FILE_FIELD,
                f"پرونده بیش از {format_number(max_rows)} ردیف دارد؛ آن را در چند پرونده بفرستید.",
            )
        )
        sheet.rows.clear()
        sheet.row_numbers.clear()
    return sheet


def row_errors(check: Check, number: int) -> list[FieldError]:
    """A row's problems as an import reports them: Excel row, Persian column name."""
    where = f"سطر {format_number(number)}: "
    return [FieldError(check.label(e.field), where + e.message, number) for e in check.errors]
