"""The hostile corpus in every document and export: letters and the meeting report
(their HTML and their PDF), the report workbook, and the coverage workbook and CSVs.

Nothing typed becomes a tag, a link or an image in a printed document, and no cell
is a formula a spreadsheet would run.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import select

from data_layer.commands.neighborhoods import create_neighborhood
from data_layer.db import read_session, write_session
from data_layer.documents.letters import follow_up_letter_pdf, letter_html
from data_layer.documents.report import (
    meeting_report_html,
    meeting_report_pdf,
    meeting_report_xlsx,
)
from data_layer.exports import all_tables, to_csv_with_hxl, to_xlsx
from data_layer.input.neighborhoods import NeighborhoodInput
from data_layer.models import Agency, Meeting, User
from data_layer.output import strip_bidi
from data_layer.permissions import Actor
from tests.conftest import AS_OF
from tests.hostile import CORPUS, Planted, plant, plant_registry

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+cmd|'/c calc'!A0", "@SUM(1+1)*cmd", "-2+3")
SMUGGLED_TAGS = {"script", "img", "iframe", "a", "object", "embed", "link"}


class _Tags(HTMLParser):
    """Every tag and attribute of a document, as a browser (or WeasyPrint) parses it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(k, v or "") for k, v in attrs]


@pytest.fixture
def planted(seeded_url: str) -> tuple[str, Planted, int]:
    p = plant(seeded_url)
    with write_session(seeded_url) as s:  # names a spreadsheet would run as formulas
        dabir = s.exec(select(User).where(User.username == "dabir")).one()
        actor = Actor(dabir.id, dabir.username, dabir.full_name, dabir.role)  # type: ignore[arg-type]
        for formula in FORMULAS:
            data = NeighborhoodInput(formula, formula, 100, 10, "حاد")
            create_neighborhood(s, actor=actor, data=data)
    with read_session(seeded_url) as s:
        meeting_id = s.exec(select(Meeting.id).where(Meeting.number == 7)).one()
    return seeded_url, p, int(meeting_id)


def _no_markup_from_the_corpus(html: str) -> None:
    parsed = _Tags()
    parsed.feed(html)
    assert not SMUGGLED_TAGS & set(parsed.tags), SMUGGLED_TAGS & set(parsed.tags)
    assert not [k for k, _ in parsed.attributes if k.startswith("on")]
    assert not [v for _, v in parsed.attributes if "javascript:" in v.lower()]
    assert "\u202e" not in html and "\u2067" not in html


def _pdf_links_and_images(pdf: bytes) -> tuple[int, int]:
    return pdf.count(b"/URI"), pdf.count(b"/Subtype /Image") + pdf.count(b"/Subtype/Image")


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail("pdftotext (poppler-utils) is not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    done = subprocess.run([exe, "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return strip_bidi(done.stdout.decode("utf-8"))


def test_the_letter_prints_the_corpus_as_text(
    planted: tuple[str, Planted, int], tmp_path: Path
) -> None:
    url, p, _ = planted
    with read_session(url) as s:
        html = letter_html(s, agency_id=p.agency_id, today=AS_OF)
        pdf = follow_up_letter_pdf(s, agency_id=p.agency_id, today=AS_OF)
    _no_markup_from_the_corpus(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # there, escaped
    assert _pdf_links_and_images(pdf) == (0, 0)
    text = _pdf_text(pdf, tmp_path)  # printed as the characters typed
    assert "HYPERLINK" in text and "alert" in text and "onerror" in text


def test_the_meeting_report_prints_the_corpus_as_text(
    planted: tuple[str, Planted, int], tmp_path: Path
) -> None:
    url, _, meeting_id = planted
    with read_session(url) as s:
        html = meeting_report_html(s, meeting_id=meeting_id, today=AS_OF)
        pdf = meeting_report_pdf(s, meeting_id=meeting_id, today=AS_OF)
    _no_markup_from_the_corpus(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert _pdf_links_and_images(pdf) == (0, 0)
    text = _pdf_text(pdf, tmp_path)
    assert "javascript" in text and "alert" in text


def _cells(book: bytes) -> list[object]:
    wb = load_workbook(io.BytesIO(book))
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                found.append(cell.value)
    return found


def test_no_workbook_cell_is_a_formula(planted: tuple[str, Planted, int]) -> None:
    url, p, meeting_id = planted
    with read_session(url) as s:
        report = meeting_report_xlsx(s, meeting_id=meeting_id, today=AS_OF)
        coverage = to_xlsx(all_tables(s))
    texts = [str(v) for v in _cells(report) + _cells(coverage) if isinstance(v, str)]
    joined = "\n".join(texts)
    # The typed formulas are there, as text, exactly as typed.
    assert all(f in joined for f in FORMULAS)
    assert p.texts["hood"] in joined and p.texts["service"] in joined


def test_no_csv_cell_starts_a_formula(planted: tuple[str, Planted, int]) -> None:
    url, p, _ = planted
    with read_session(url) as s:
        tables = all_tables(s)
    seen = []
    for name, (df, tags) in tables.items():
        text = to_csv_with_hxl(df, tags).decode("utf-8-sig")
        for row in list(csv.reader(io.StringIO(text)))[2:]:
            for cell in row:
                assert not cell.startswith(FORMULA_START) or _is_number(cell), (name, cell)
                seen.append(cell)
    assert all("'" + f in seen for f in FORMULAS)  # quoted, so never run
    assert p.texts["hood"] in seen


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_the_corpus_is_not_trivial() -> None:
    assert len(CORPUS) >= 20


def test_letters_and_the_report_print_the_registry_and_profile_as_text(
    seeded_url: str, tmp_path: Path
) -> None:
    typed = plant_registry(seeded_url)
    with read_session(seeded_url) as s:
        education = s.exec(select(Agency).where(Agency.short_name == typed["short_name"])).one()
        meeting_7 = s.exec(select(Meeting.id).where(Meeting.number == 7)).one()
        letter = letter_html(s, agency_id=education.id, today=AS_OF)  # type: ignore[arg-type]
        report = meeting_report_html(s, meeting_id=meeting_7, today=AS_OF)
        pdf = follow_up_letter_pdf(s, agency_id=education.id, today=AS_OF)  # type: ignore[arg-type]
    for html in (letter, report):
        _no_markup_from_the_corpus(html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # there, escaped
    assert _pdf_links_and_images(pdf) == (0, 0)
