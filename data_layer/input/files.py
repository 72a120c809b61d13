"""Reading the files people upload: spreadsheets (.xlsx, .csv) and Word documents (.docx).

Every reader hands back plain tables (rows of cell values) and turns any failure
into a `FileProblem` whose Persian message says what to do; no reader writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath
from typing import Any

from data_layer.jalali import format_number
from data_layer.text import tidy

__all__ = ["FileProblem", "Table", "blank", "cell_text", "file_name", "read_tables"]

Table = list[list[object]]

_DELIMITERS = (",", ";", "\t", "؛")
_KIND_NAMES = {".xlsx": "xlsx", ".csv": "csv", ".docx": "docx"}
_OLD_FORMATS = {
    ".xls": " (پرونده‌های قدیمی .xls را در Excel با قالب .xlsx ذخیره کنید)",
    ".doc": " (پروندهٔ doc قدیمی را در Word با قالب docx ذخیره کنید)",
}


class FileProblem(Exception):
    """The file as a whole cannot be used; the message says why, in Persian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_name(filename: str) -> str:
    """The name of an uploaded file without any folder a browser sent with it."""
    return PurePath(filename.replace("\\", "/")).name.strip()


def cell_text(value: object) -> str:
    """A cell as tidied text (a whole float such as 3.0 as 3)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return tidy(str(value))


def blank(value: object) -> bool:
    """True for an empty cell."""
    return value is None or (isinstance(value, str) and not tidy(value))


def _limited(rows: Iterable[Sequence[object]], max_rows: int) -> Table:
    """The rows, stopping once more non-empty ones were read than an import may hold."""
    taken: Table = []
    filled = 0
    for row in rows:
        taken.append(list(row))
        filled += not all(map(blank, row))
        if filled > max_rows:
            break
    return taken


def _xlsx(content: bytes, max_rows: int, merged: bool) -> list[Table]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        # Read-only mode streams a large sheet quickly but knows nothing of merged cells.
        book = load_workbook(io.BytesIO(content), read_only=not merged, data_only=True)
    except Exception as e:  # a file from outside: any failure means "unreadable"
        raise FileProblem(
            "خوانده نشد؛ ممکن است آسیب دیده یا با رمز عبور قفل شده باشد."
            " آن را در Excel باز کنید و دوباره با قالب .xlsx ذخیره کنید."
        ) from e
    try:
        if not book.worksheets:
            raise FileProblem("هیچ برگه‌ای ندارد.")
        tables = []
        for sheet in book.worksheets:
            if not merged:
                sheet.reset_dimensions()  # some programs write a wrong size; read every row
            grid = _limited(sheet.iter_rows(values_only=True), max_rows)
            if merged:
                _spread_merged(sheet, grid)
            tables.append(grid)
        return tables
    except FileProblem:
        raise
    except Exception as e:
        raise FileProblem(
            "تا پایان خوانده نشد؛ ممکن است آسیب دیده باشد."
            " آن را در Excel باز کنید و دوباره ذخیره کنید."
        ) from e
    finally:
        if not merged:
            book.close()


def _spread_merged(sheet: Any, grid: Table) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(merged.max_row, len(grid))):
            for c in range(left, min(merged.max_col, len(grid[r]))):
                grid[r][c] = value


def _decode(content: bytes) -> str:
    hint = "پرونده را با «CSV UTF-8» یا قالب Excel (.xlsx) ذخیره کنید."
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as e:
            raise FileProblem("نویسه‌هایش خوانا نیست. " + hint) from e
    if content.startswith(b"PK\x03\x04"):
        raise FileProblem("در واقع یک پروندهٔ Excel است؛ پسوند نام آن را .xlsx بگذارید.")
    if b"\x00" in content or content.startswith(b"%PDF"):
        raise FileProblem("خوانا نیست (محتوای دودویی دارد). " + hint)
    for encoding in ("utf-8-sig", "cp1256"):  # cp1256: what older Excel saves as CSV
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("نویسه‌هایش خوانا نیست. " + hint)


def _csv(content: bytes, max_rows: int) -> list[Table]:
    text = _decode(content)
    head = [line for line in text.splitlines() if line.strip()][:20]
    delimiter = max(_DELIMITERS, key=lambda d: sum(line.count(d) for line in head))
    try:
        rows: Iterator[list[str]] = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [_limited(rows, max_rows)]
    except csv.Error as e:
        raise FileProblem(
            "خوانا نیست (نقل‌قول‌ها یا سطرهای آن به هم ریخته است)؛"
            " آن را دوباره با «CSV UTF-8» ذخیره کنید."
        ) from e


def _docx(content: bytes, max_rows: int) -> list[Table]:
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
        tables: list[Table] = []
        seen: set[int] = set()

        def walk(items: Sequence[Any]) -> None:
            for table in items:
                grid: Table = []
                nested: list[Any] = []
                for row in table.rows[:max_rows]:
                    cells = row.cells
                    grid.append([""] * row.grid_cols_before + [c.text for c in cells])
                    for c in cells:
                        if id(c._tc) not in seen:
                            seen.add(id(c._tc))
                            nested.extend(c.tables)
                tables.append(grid)
                walk(nested)

        walk(document.tables)
    except Exception as e:  # python-docx raises many kinds on a damaged package
        raise FileProblem(
            "خراب است یا یک پروندهٔ docx واقعی نیست؛ آن را در Word باز کنید،"
            " دوباره با قالب docx ذخیره کنید و بارگذاری کنید."
        ) from e
    return tables


def read_tables(
    filename: str,
    content: bytes,
    *,
    allowed: Sequence[str],
    max_bytes: int,
    max_rows: int,
    merged_cells: bool = False,
) -> list[Table]:
    """Every table of an uploaded file (each sheet, each Word table, or the one CSV).

    `allowed` are the suffixes accepted (".xlsx", ".csv", ".docx"); a file of
    another type, an empty one, one over `max_bytes`, or one that cannot be read
    raises FileProblem. At most `max_rows` non-empty rows (and one more) are read of
    a table, so the caller can say that a file is too long.
    """
    name = file_name(filename) or "بی‌نام"
    ext = PurePath(name).suffix.lower()
    if ext not in allowed:
        kinds = [_KIND_NAMES[a] for a in allowed]
        listed = "، ".join(kinds[:-1]) + " یا " + kinds[-1] if len(kinds) > 1 else kinds[0]
        raise FileProblem(
            f"نوع پرونده «{ext or 'بدون پسوند'}» پذیرفته نیست؛ پرونده را به صورت {listed}"
            f" بارگذاری کنید{_OLD_FORMATS.get(ext, '')}."
        )
    if not content:
        raise FileProblem(f"پروندهٔ «{name}» خالی است (۰ بایت)؛ پروندهٔ درست را انتخاب کنید.")
    if len(content) > max_bytes:
        raise FileProblem(
            f"حجم پرونده بیش از {format_number(max_bytes // 1024 // 1024)} مگابایت است؛"
            " آن را در چند پروندهٔ کوچک‌تر بفرستید."
        )
    try:
        if ext == ".xlsx":
            return _xlsx(content, max_rows, merged_cells)
        if ext == ".csv":
            return _csv(content, max_rows)
        return _docx(content, max_rows)
    except FileProblem as e:
        raise FileProblem(f"پروندهٔ «{name}» {e.message}") from None
