"""The meeting-report workbook and the coverage workbook at the sample province's size,
printed the way an office prints them: converted to PDF by LibreOffice headless and
read back with pypdf (pages) and pdftotext (what each page holds), on SQLite and
PostgreSQL.

Landscape, one page wide and the header row on every page keep the page count near
what the rows need: at most `ceil(rows / ROWS_PER_PAGE)` pages a sheet, where
ROWS_PER_PAGE is a floor on what a landscape A4 page holds (about 32 rows of 15 pt in
its printable height at 100 %, fewer when text wraps), plus one page a sheet for a
partly filled last page. Printed portrait and several pages wide, the same workbooks
took 58 and 41 pages.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader
from sqlmodel import col, select

from data_layer.db import read_session
from data_layer.documents.report import meeting_report_xlsx
from data_layer.exports import all_tables, to_xlsx
from data_layer.models import Meeting
from tests.conftest import AS_OF

ROWS_PER_PAGE = 20
# Persian words without digits or punctuation (poppler moves those across a space)
_PLAIN_WORD = re.compile("[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]+")
_CONTROLS = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="session")
def office_profile(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One LibreOffice user profile for the session (its first start is the slow part)."""
    return tmp_path_factory.mktemp("libreoffice").as_uri()


def _print(books: dict[str, bytes], folder: Path, profile: str) -> dict[str, Path]:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice prints the workbooks (apt-get install libreoffice-calc)"
    sources = []
    for name, content in books.items():
        source = folder / f"{name}.xlsx"
        source.write_bytes(content)
        sources.append(str(source))
    convert = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to"]
    subprocess.run(
        [*convert, "pdf", "--outdir", str(folder), *sources],
        capture_output=True,
        check=True,
        timeout=600,
    )
    return {name: folder / f"{name}.pdf" for name in books}


def _bound(content: bytes) -> int:
    """The most pages the workbook may print to (see the module)."""
    book = load_workbook(io.BytesIO(content))
    return sum(math.ceil((ws.max_row - 1) / ROWS_PER_PAGE) + 1 for ws in book.worksheets)


def _page_text(pdf: Path, page: int) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils reads the pages back"
    text = subprocess.run(
        [pdftotext, "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return " ".join(_CONTROLS.sub("", unicodedata.normalize("NFKC", text)).split())


def test_the_report_and_coverage_workbooks_print_in_few_landscape_pages(
    seeded_url: str, tmp_path: Path, office_profile: str
) -> None:
    with read_session(seeded_url) as s:
        meeting = s.exec(select(Meeting).where(col(Meeting.number) == 7)).one()
        assert meeting.id is not None
        books = {
            "report": meeting_report_xlsx(s, meeting_id=meeting.id, today=AS_OF),
            "coverage": to_xlsx(all_tables(s)),
        }
    printed = _print(books, tmp_path, office_profile)
    for name, content in books.items():
        reader = PdfReader(printed[name])
        pages = len(reader.pages)
        bound = _bound(content)
        assert 1 < pages <= bound, (name, pages, bound)
        for page in reader.pages:
            assert page.mediabox.width > page.mediabox.height, name  # landscape
    # «خلاصه» prints on one page: every label beside its value
    summary = load_workbook(io.BytesIO(books["report"]))["خلاصه"]
    first = _page_text(printed["report"], 1)
    for label, value in summary.iter_rows(min_row=2, values_only=True):
        words = _PLAIN_WORD.findall(_CONTROLS.sub("", f"{label} {value}"))
        # each word of the value on the same page (poppler reverses lam-alef: skipped)
        assert all(w in first for w in words if "ل" not in w), (label, value, first[:400])
        assert words, label
    # the header row repeats on every page of a sheet that runs onto several
    coverage = load_workbook(io.BytesIO(books["coverage"])).worksheets[0]
    header = str(coverage.cell(row=1, column=3).value)
    texts = [_page_text(printed["coverage"], n) for n in range(1, 4)]
    assert all(header in text for text in texts), header
