"""What an uploaded file may expand to is bounded before it is read, in every reader:
a workbook or Word file that unpacks past its limit or has too many parts, a sheet
or CSV of more cells than an import may hold, a logo of too many pixels — each is
refused with a Persian message that names the limit. The files are made here, small
on disk and large once opened, as an attacker would make them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from PIL import Image

from data_layer.errors import ValidationError
from data_layer.input import files
from data_layer.input.check import Check
from data_layer.input.files import (
    MAX_CELLS,
    MAX_EXPANDED_BYTES,
    MAX_PARTS,
    FileProblem,
    read_tables,
)
from data_layer.input.minutes import read_minutes_file
from data_layer.input.profile import MAX_LOGO_PIXELS, ProfileInput, validate_profile
from data_layer.input.sheet import Column, read_sheet
from data_layer.jalali import format_number

MB = 1024 * 1024
_SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:XFD1048576"/><sheetData>'
)


def _template() -> dict[str, bytes]:
    """The parts of a real one-sheet workbook, written by openpyxl."""
    book = Workbook()
    book.active["A1"] = "شماره"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return {name: package.read(name) for name in package.namelist()}


def _workbook(sheet_chunks: Iterator[bytes]) -> bytes:
    """A workbook whose first sheet's XML is streamed from `sheet_chunks` (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in _template().items():
            if name == _SHEET:
                with package.open(name, "w", force_zip64=True) as part:
                    for chunk in sheet_chunks:
                        part.write(chunk)
            else:
                package.writestr(name, data)
    return out.getvalue()


def _empty_cells(rows: int, columns: int) -> Iterator[bytes]:
    """Rows of empty (styled) cells: blank to an importer, each one a cell to a reader."""
    yield _HEAD
    letters = [get_column_letter(c).encode() for c in range(1, columns + 1)]
    for number in range(1, rows + 1):
        cells = b"".join(b'<c r="%s%d" s="0"/>' % (letter, number) for letter in letters)
        yield b'<row r="%d">' % number + cells + b"</row>"
    yield b"</sheetData></worksheet>"


def _padding(size: int) -> Iterator[bytes]:
    """A sheet of one cell followed by `size` bytes of whitespace (deflates to nearly
    nothing; unpacks to `size`)."""
    yield _HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    block = b" " * MB
    for _ in range(size // MB):
        yield block
    yield b"</sheetData></worksheet>"


@pytest.fixture
def cells() -> Iterator[int]:
    """A smaller cell limit (the same code path, a faster test): MAX_CELLS's own size is
    checked once, in test_the_cell_limit_holds_a_province_sized_sheet."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "MAX_CELLS", 20_000)
        yield 20_000


def test_the_limits_hold_a_full_neighborhood_import() -> None:
    """50,000 rows (the import's most) of 15 columns, as openpyxl writes them."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"ستون {i}" for i in range(15)])
    tail = ["۱۴۰۲/۰۷/۲۹", "بله", "خیر", 35.7, 51.4, "توضیح کوتاه برای این محله"]
    for r in range(50_000):
        head = ["شهرستان نمونه", f"محله شماره {r}", 12345 + r, 3456, "حاشیه‌نشین", r % 100]
        sheet.append([*head, *tail, r, "x", "y"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        unpacked = sum(info.file_size for info in package.infolist())
    assert unpacked < MAX_EXPANDED_BYTES[".xlsx"] * 0.75, unpacked
    assert MAX_CELLS >= 50_001 * 15


def _problem(filename: str, content: bytes, **options: object) -> str:
    with pytest.raises(FileProblem) as raised:
        read_tables(
            filename,
            content,
            allowed=(".xlsx", ".csv", ".docx"),
            max_bytes=20 * MB,
            max_rows=50_000,
            **options,  # type: ignore[arg-type]
        )
    return raised.value.message


@pytest.mark.parametrize("merged", [False, True])
def test_a_workbook_that_unpacks_past_the_limit_is_refused_unread(merged: bool) -> None:
    limit = MAX_EXPANDED_BYTES[".xlsx"]
    content = _workbook(_padding(limit + MB))
    assert len(content) < limit // 100  # small on disk
    message = _problem("bomb.xlsx", content, merged_cells=merged)
    assert "bomb.xlsx" in message and format_number(limit // MB) in message
    assert "مگابایت" in message


@pytest.mark.parametrize("merged", [False, True])
def test_a_sheet_of_more_cells_than_allowed_is_refused(merged: bool, cells: int) -> None:
    content = _workbook(_empty_cells(cells // 50 + 10, 50))
    message = _problem("cells.xlsx", content, merged_cells=merged)
    assert format_number(cells) in message and "خانه" in message


def test_the_cell_limit_holds_for_the_whole_workbook(cells: int) -> None:
    book = Workbook(write_only=True)
    for _ in range(2):  # each sheet within the limit, both together past it
        sheet = book.create_sheet()
        for _ in range(cells * 6 // 10 // 10):
            sheet.append([None] * 9 + ["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert format_number(cells) in _problem("two.xlsx", buffer.getvalue())


def test_minutes_and_sheet_imports_say_the_same(cells: int) -> None:
    content = _workbook(_empty_cells(cells // 50 + 10, 50))
    with pytest.raises(ValidationError) as raised:
        read_minutes_file("minutes.xlsx", content, [])
    assert format_number(cells) in raised.value.message
    columns = [Column("name", "نام محله", required=True)]
    sheet = read_sheet(
        "hoods.xlsx", content, columns, max_bytes=20 * MB, max_rows=50_000, what="محله"
    )
    assert sheet.errors and format_number(cells) in sheet.errors[0].message


def test_a_csv_of_more_cells_than_allowed_is_refused(cells: int) -> None:
    wide = b"a" + b"," * cells + b"\n"
    message = _problem("wide.csv", wide)
    assert format_number(cells) in message
    long = b"\n".join([b"a,b"] + [b","] * cells) + b"\n"  # blank rows count too
    assert format_number(cells) in _problem("long.csv", long)


def test_a_word_file_that_unpacks_past_the_limit_is_refused() -> None:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    limit = MAX_EXPANDED_BYTES[".docx"]
    body = parts["word/document.xml"]
    at = body.rindex(b"</w:body>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in parts.items():
            if name == "word/document.xml":
                with package.open(name, "w", force_zip64=True) as part:
                    part.write(body[:at])
                    for _ in range(limit // MB + 1):
                        part.write(b" " * MB)
                    part.write(body[at:])
            else:
                package.writestr(name, data)
    message = _problem("minutes.docx", out.getvalue())
    assert format_number(limit // MB) in message


def test_a_package_of_too_many_parts_is_refused() -> None:
    content = _workbook(_empty_cells(1, 1))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        with zipfile.ZipFile(io.BytesIO(content)) as source:
            for name in source.namelist():
                package.writestr(name, source.read(name))
        for n in range(MAX_PARTS):
            package.writestr(f"xl/media/x{n}.bin", b"")
    message = _problem("parts.xlsx", out.getvalue())
    assert format_number(MAX_PARTS) in message


def test_merged_ranges_still_spread_when_streamed() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["شماره", "شرح", "مسوول"])
    sheet.append([1, "ادغام", "الف"])
    sheet.append([None, None, "ب"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    buffer = io.BytesIO()
    book.save(buffer)
    [table] = read_tables(
        "m.xlsx",
        buffer.getvalue(),
        allowed=(".xlsx",),
        max_bytes=MB,
        max_rows=10,
        merged_cells=True,
    )
    assert table[2][:3] == [1, "ادغام", "ب"]


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def test_a_logo_of_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    base = {"province": "استان نمونه", "governorate": "استانداری نمونه"}
    base["group_name"] = "کارگروه اجتماعی استان"
    small, huge = _png(200, 100), _png(5000, 5000)
    assert len(huge) < 100_000 and MAX_LOGO_PIXELS < 5000 * 5000
    check = Check({"logo": "نشان"})
    clean = validate_profile(ProfileInput(**base, logo_name="l.png", logo=small), check)
    assert not check.errors and clean["logo"] == small
    check = Check({"logo": "نشان"})
    clean = validate_profile(ProfileInput(**base, logo_name="l.png", logo=huge), check)
    assert "logo" not in clean
    assert [e.field for e in check.errors] == ["logo"]
    assert format_number(MAX_LOGO_PIXELS) in check.errors[0].message
