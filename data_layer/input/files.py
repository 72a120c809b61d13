"""Reading the files people upload: spreadsheets (.xlsx, .csv) and Word documents (.docx).

Every reader hands back plain tables (rows of cell values) and turns any failure
into a `FileProblem` whose Persian message says what to do; no reader writes.

What a file may expand to is bounded before it is read, whatever its size on disk
(a 1.7 MB workbook can hold 431 MB of sheet XML): a Word or Excel package may hold
at most `MAX_PARTS` parts and `MAX_EXPANDED_BYTES` once unpacked, as its zip
directory declares them (zipfile never yields more than a part declares); a sheet is
streamed (openpyxl's read-only mode, merged ranges read from the sheet's XML by
expat) and a table may hold at most `MAX_CELLS` cells, a CSV included.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath
from typing import Any
from xml.parsers import expat

from data_layer.jalali import format_number
from data_layer.text import tidy

__all__ = [
    "MAX_CELLS",
    "MAX_EXPANDED_BYTES",
    "MAX_PARTS",
    "FileProblem",
    "MergedCell",
    "Table",
    "blank",
    "cell_text",
    "file_name",
    "read_tables",
]

Table = list[list[object]]

_DELIMITERS = (",", ";", "\t", "؛")
_KIND_NAMES = {".xlsx": "xlsx", ".csv": "csv", ".docx": "docx", ".pdf": "pdf"}
_OLD_FORMATS = {
    ".xls": " (پرونده‌های قدیمی .xls را در Excel با قالب .xlsx ذخیره کنید)",
    ".doc": " (پروندهٔ doc قدیمی را در Word با قالب docx ذخیره کنید)",
}


# A full neighborhood import (50,000 rows of 15 columns: 750,000 cells) unpacks to
# about 57 MB; a year of minutes in Word is a few megabytes of document XML. Sheets
# are streamed, so what stays in memory is the shared-strings part (at most a few
# times its size as Python strings) and the rows read.
MAX_CELLS = 1_000_000
MAX_EXPANDED_BYTES = {".xlsx": 96 * 1024 * 1024, ".docx": 16 * 1024 * 1024}
MAX_PARTS = 2_000
MAX_MERGED_RANGES = 20_000
_EOCD = b"PK\x05\x06"  # the end of a zip's central directory


class FileProblem(Exception):
    """The file as a whole cannot be used; the message says why, in Persian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MergedCell:
    """A cell of a merged range below its first row (`merged_cells=True`): `value` is
    the merged cell's, so a reader can tell a merged cell from a value typed again
    (isinstance); it compares equal to its value, like the spread value it stands for."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return bool(self.value == (other.value if isinstance(other, MergedCell) else other))

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"MergedCell({self.value!r})"


def file_name(filename: str) -> str:
    """The name of an uploaded file without any folder a browser sent with it."""
    return PurePath(filename.replace("\\", "/")).name.strip()


def cell_text(value: object) -> str:
    """A cell as tidied text (a whole float such as 3.0 as 3)."""
    if isinstance(value, MergedCell):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return tidy(str(value))


def blank(value: object) -> bool:
    """True for an empty cell."""
    if isinstance(value, MergedCell):
        value = value.value
    return value is None or (isinstance(value, str) and not tidy(value))


def _too_many_cells() -> FileProblem:
    return FileProblem(
        f"بیش از {format_number(MAX_CELLS)} خانه دارد (حداکثری که خوانده می‌شود)؛"
        " ستون‌ها و سطرهای اضافه را حذف کنید یا آن را در چند پرونده بفرستید."
    )


def _limited(rows: Iterable[Sequence[object]], max_rows: int, read: int = 0) -> Table:
    """The rows, stopping once more non-empty ones were read than an import may hold;
    FileProblem past MAX_CELLS cells with the `read` ones of the file's other tables
    (an empty row counts as one)."""
    taken: Table = []
    filled, cells = 0, read
    for row in rows:
        cells += max(1, len(row))
        if cells > MAX_CELLS:
            raise _too_many_cells()
        taken.append(list(row))
        filled += not all(map(blank, row))
        if filled > max_rows:
            break
    return taken


def _megabytes(size: int) -> str:
    return format_number(size // 1024 // 1024)


def _check_package(content: bytes, ext: str) -> None:
    """Refuse a Word/Excel package that has too many parts or unpacks to too much,
    reading only its zip directory."""
    tail = content[-(65_535 + 22) :]
    at = tail.rfind(_EOCD)
    if at >= 0 and len(tail) >= at + 22:
        parts = struct.unpack("<H", tail[at + 10 : at + 12])[0]
        if parts > MAX_PARTS:  # 0xFFFF (zip64) included: no real document has that many
            raise FileProblem(
                f"بیش از {format_number(MAX_PARTS)} بخش دارد و پروندهٔ عادی Word یا Excel"
                " نیست؛ آن را دوباره ذخیره کنید."
            )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            expanded = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return  # not a package at all: the reader says the file is unreadable
    limit = MAX_EXPANDED_BYTES[ext]
    if expanded > limit:
        raise FileProblem(
            f"پس از باز شدن {_megabytes(expanded)} مگابایت می‌شود و بیش از"
            f" {_megabytes(limit)} مگابایت خوانده نمی‌شود؛ برگه‌ها، ستون‌ها یا سطرهای خالی"
            " و اضافه را حذف کنید یا آن را در چند پرونده بفرستید."
        )


def _xlsx(content: bytes, max_rows: int, merged: bool) -> list[Table]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        # Read-only mode streams a sheet row by row instead of building it in memory.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as e:  # a file from outside: any failure means "unreadable"
        raise FileProblem(
            "خوانده نشد؛ ممکن است آسیب دیده یا با رمز عبور قفل شده باشد."
            " آن را در Excel باز کنید و دوباره با قالب .xlsx ذخیره کنید."
        ) from e
    try:
        if not book.worksheets:
            raise FileProblem("هیچ برگه‌ای ندارد.")
        tables = []
        read = 0  # cells of the sheets before: MAX_CELLS holds for the whole file
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some programs write a wrong size; read every row
            grid = _limited(sheet.iter_rows(values_only=True), max_rows, read)
            read += sum(max(1, len(row)) for row in grid)
            if merged:
                _spread_merged(_merged_ranges(sheet), grid)
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
        book.close()


def _merged_ranges(sheet: Any) -> list[Any]:
    """The merged ranges of a read-only sheet, from its XML by expat (no tree is built;
    read-only mode does not read them)."""
    from openpyxl.worksheet.cell_range import CellRange  # type: ignore[import-untyped]

    refs: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(" ")[2] == "mergeCell" and "ref" in attrs:
            if len(refs) >= MAX_MERGED_RANGES:
                raise FileProblem(
                    f"بیش از {format_number(MAX_MERGED_RANGES)} گسترهٔ ادغام‌شده دارد؛"
                    " ادغام خانه‌ها را بردارید و دوباره بارگذاری کنید."
                )
            refs.append(attrs["ref"])

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    with sheet._get_source() as source:
        parser.ParseFile(source)
    return [CellRange(ref) for ref in refs]


def _spread_merged(ranges: Iterable[Any], grid: Table) -> None:
    """Give every cell of a merged range the value of its top-left cell, as a MergedCell
    below the range's first row (a streamed row stops at its last written cell: it is
    padded to the range, within MAX_CELLS)."""
    cells = sum(max(1, len(row)) for row in grid)
    for merged in ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(merged.max_row, len(grid))):
            row = grid[r]
            if len(row) < merged.max_col:
                cells += merged.max_col - len(row)
                if cells > MAX_CELLS:
                    raise _too_many_cells()
                row.extend([None] * (merged.max_col - len(row)))
            for c in range(left, merged.max_col):
                row[c] = value if r == top else MergedCell(value)


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


def _docx(content: bytes, max_rows: int, merged: bool) -> list[Table]:
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
        tables: list[Table] = []
        seen: set[int] = set()

        read = 0

        def walk(items: Sequence[Any]) -> None:
            nonlocal read
            for table in items:
                grid: Table = []
                nested: list[Any] = []
                first_row: dict[Any, int] = {}  # a cell's element -> the row it starts in
                for r, row in enumerate(table.rows[:max_rows]):
                    cells = row.cells
                    read += max(1, len(cells))
                    if read > MAX_CELLS:
                        raise _too_many_cells()
                    texts: list[object] = []
                    for c in cells:
                        start = first_row.setdefault(c._tc, r)
                        texts.append(MergedCell(c.text) if merged and start < r else c.text)
                    grid.append([""] * row.grid_cols_before + texts)
                    for c in cells:
                        if id(c._tc) not in seen:
                            seen.add(id(c._tc))
                            nested.extend(c.tables)
                tables.append(grid)
                walk(nested)

        walk(document.tables)
    except FileProblem:
        raise
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
    another type, an empty one, one over `max_bytes`, one that unpacks past
    MAX_EXPANDED_BYTES or holds more than MAX_CELLS cells, or one that cannot be read
    raises FileProblem. At most `max_rows` non-empty rows (and one more) are read of
    a table, so the caller can say that a file is too long. With `merged_cells` a
    merged range of a sheet or a Word table gives its value to each of its cells,
    those below its first row as MergedCell.
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
        if ext in MAX_EXPANDED_BYTES:
            _check_package(content, ext)
        if ext == ".xlsx":
            return _xlsx(content, max_rows, merged_cells)
        if ext == ".csv":
            return _csv(content, max_rows)
        return _docx(content, max_rows, merged_cells)
    except FileProblem as e:
        raise FileProblem(f"پروندهٔ «{name}» {e.message}") from None
