"""Scanned minutes: the Word minutes (Word's «Table Grid» lines) printed by LibreOffice,
rasterised at 300 dpi as a scanner would, read by OCR; the secretariat corrects the
cells the OCR got wrong and commits, on SQLite and on PostgreSQL. Bad scans are
refused in Persian; the background job ends with the table or with the reason.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable

import pytest
from PIL import Image, ImageDraw

from bench.minutes_files import columns, rows_of, scanned
from data_layer.characters import ZWNJ
from data_layer.db import read_session
from data_layer.input.files import FileProblem
from data_layer.input.minutes import minutes_from_grids
from data_layer.input.ocr import ScanTable, is_scan, read_scan
from data_layer.input.scan_jobs import job, start_scan
from data_layer.queries.agencies import agency_refs
from tests.data_layer.commands.test_minutes_import import (
    MINUTES_ROWS,
    Setup,
    assert_is_the_minutes,
    commit,
    owners_by_number,
    setup,  # noqa: F401  (the fixture)
    stored_counts,
)
from tests.data_layer.input.test_pdf_minutes import office_pdfs  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr")


@pytest.fixture(scope="session")
def scan_300(office_pdfs: dict[str, bytes]) -> bytes:  # noqa: F811
    return scanned(office_pdfs["ruled"], 300)


@pytest.fixture(scope="session")
def read_300(scan_300: bytes) -> ScanTable:
    return read_scan(".pdf", scan_300, max_pages=20)


def corrected(table: ScanTable) -> tuple[list[list[str]], int]:
    """The OCR's grid as the secretariat leaves it, cell by cell in its own layout: the
    cells read wrong retyped, a row cut by the page break emptied and its text put in
    the row above. (grid, cells changed)."""
    grid = [list(row) for row in table.grid()]
    at = columns(grid[0])
    wanted = [["شماره مصوبه", "شرح مصوبه", "مسوول پیگیری"]]
    truth = iter(MINUTES_ROWS)
    for row in grid[1:]:
        if not row[at[0]]:  # the rest of the row above
            wanted.append(["", "", ""])
        else:
            n, text, owner = next(truth)
            wanted.append([str(n), text, owner])
    changes = 0
    for row, want in zip(grid, wanted, strict=True):
        for column, value in zip(at, want, strict=True):
            if row[column] != value:
                row[column] = value
                changes += 1
    return grid, changes


def test_a_300_dpi_scan_reads_the_fourteen_resolutions_before_correction(
    read_300: ScanTable,
) -> None:
    rows = rows_of(read_300.grid())
    assert [n for n, _, _ in rows] == [str(n) for n, _, _ in MINUTES_ROWS]
    assert read_300.pages == 2
    assert all(cell.crop.startswith(b"\x89PNG") for row in read_300.rows for cell in row)
    # the cells the model is unsure of are marked, and the clean ones are not all marked
    marks = [cell.doubtful for row in read_300.rows for cell in row]
    assert any(marks) and not all(marks)


def test_the_owners_of_a_300_dpi_scan_match_before_correction(
    setup: Setup,  # noqa: F811
    read_300: ScanTable,
) -> None:
    with read_session(setup.url) as session:
        refs = agency_refs(session)
    from data_layer.input.owners import owner_matcher

    matcher = owner_matcher(refs)
    for (_, _, owner), (n, _, true_owner) in zip(
        rows_of(read_300.grid()), MINUTES_ROWS, strict=True
    ):
        got, want = matcher.match(owner), matcher.match(true_owner)
        assert got.all_members == want.all_members, n
        assert [a for _, a, _ in got.matched] == [a for _, a, _ in want.matched], n


def test_the_corrected_scan_commits_the_minutes(setup: Setup, read_300: ScanTable) -> None:  # noqa: F811
    grid, changes = corrected(read_300)
    assert changes < 3 * 14  # the OCR got many cells right
    with read_session(setup.url) as session:
        preview = minutes_from_grids("scan.pdf", "scan", [grid], agency_refs(session))
    assert_is_the_minutes(preview, setup)
    assert commit(setup, preview) == 14
    with read_session(setup.url) as session:
        assert owners_by_number(session, 8) == owners_by_number(session, 7)


def test_a_scan_is_told_from_a_pdf_with_text(
    office_pdfs: dict[str, bytes],  # noqa: F811
    scan_300: bytes,
) -> None:
    assert is_scan("m.pdf", scan_300) and is_scan("m.JPG", b"")
    assert not is_scan("m.pdf", office_pdfs["plain"]) and not is_scan("m.docx", b"")


# --- bad scans ---------------------------------------------------------------------------


def _image(fmt: str, draw_table: bool = False) -> bytes:
    image = Image.new("L", (800, 600), 255)
    if draw_table:
        ImageDraw.Draw(image).text((100, 100), "no lines here", fill=0)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _pages(count: int) -> bytes:
    pages = [Image.new("L", (200, 280), 255) for _ in range(count)]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:])
    return out.getvalue()


@pytest.mark.parametrize(
    ("ext", "make", "said"),
    [
        (".png", lambda: _image("GIF"), "JPEG یا PNG"),
        (".jpg", lambda: _image("JPEG")[:300], "JPEG یا PNG"),
        (".png", lambda: b"not an image", "JPEG یا PNG"),
        (".png", lambda: _image("PNG", draw_table=True), "جدولی با خطوط"),
        (".pdf", lambda: _pages(40), "۴۰ صفحه دارد"),
        (".pdf", lambda: b"%PDF-1.4 broken", "آسیب دیده"),
        (".pdf", lambda: b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "مگابایت"),
        (".png", lambda: b"", "خالی است"),
    ],
    ids=[
        "gif",
        "truncated-jpeg",
        "not-an-image",
        "no-table",
        "40-pages",
        "broken",
        "too-big",
        "empty",
    ],
)
def test_bad_scans_are_refused_in_persian(ext: str, make: Callable[[], bytes], said: str) -> None:
    with pytest.raises(FileProblem) as refused:
        read_scan(ext, make(), max_pages=20)
    assert said in refused.value.message, refused.value.message


# --- the background job ------------------------------------------------------------------


def test_the_job_reads_outside_the_caller_and_ends_with_the_table(scan_300: bytes) -> None:
    job_id = start_scan("صورتجلسه.pdf", ".pdf", scan_300, max_pages=20)
    scan = job(job_id)
    assert scan is not None
    assert scan.ended.wait(timeout=600)  # waits on the job's end, not on a clock
    assert scan.finished and scan.problem == "" and scan.table is not None
    assert scan.done == scan.pages == 2
    assert len(rows_of(scan.table.grid())) == 14


def test_a_job_that_cannot_read_ends_with_the_persian_reason_and_stores_nothing(
    setup: Setup,  # noqa: F811
) -> None:
    before = stored_counts(setup.url)
    scan = job(start_scan("صورتجلسه.pdf", ".pdf", _pages(40), max_pages=20))
    assert scan is not None and scan.ended.wait(timeout=600)
    assert scan.table is None
    assert "«صورتجلسه.pdf»" in scan.problem and "۴۰ صفحه دارد" in scan.problem
    assert stored_counts(setup.url) == before


def test_zwnj_is_not_needed_for_matching(read_300: ScanTable) -> None:
    # what the OCR reads is tidied: no stray joiners beside spaces
    for row in read_300.rows:
        for cell in row:
            assert f"{ZWNJ} " not in cell.text and f" {ZWNJ}" not in cell.text
