"""The neighborhood's dossier as an A4 PDF, read back with pdftotext; the hostile corpus
in every new field is printed as text (no link, no image, no markup)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from data_layer.db import read_session
from data_layer.documents.dossier import dossier_html, dossier_pdf
from data_layer.errors import NotFound
from data_layer.output import strip_bidi
from tests.conftest import AS_OF
from tests.dossier_world import furnish, plant_dossier

_BIDI = re.compile("[\u200c\u202a-\u202e\u2066-\u2069]")


def _text(pdf: bytes, tmp_path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "dossier.pdf"
    source.write_bytes(pdf)
    done = subprocess.run([exe, "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    text = _BIDI.sub("", unicodedata.normalize("NFKC", done.stdout.decode("utf-8")))
    return " ".join(text.split())


def test_the_dossier_pdf_holds_its_sections(seeded_url: str, tmp_path: Path) -> None:
    hood = furnish(seeded_url)
    with read_session(seeded_url) as s:
        pdf = dossier_pdf(s, neighborhood_id=hood.id, today=AS_OF)
    Path("test-artifacts").mkdir(exist_ok=True)  # for a person to look at
    Path("test-artifacts/dossier.pdf").write_bytes(pdf)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = _text(pdf, tmp_path)
    for phrase in (
        "پرونده محله",
        "شاخص‌ها در برابر مبنا و هدف".replace("\u200c", ""),
        "نرخ ترک تحصیل",
        "دور از هدف",
        "بدتر از",
        "خدمات و کمبودها",
        "مطالعات و اسناد",
        "پیمایش محله",
        "کمبود فضای آموزشی",
        "۱۴۰۵/۱۲/۲۹",  # the target's date
    ):
        assert phrase in text, phrase


def test_an_unknown_neighborhood_has_no_dossier(seeded_url: str) -> None:
    with pytest.raises(NotFound), read_session(seeded_url) as s:
        dossier_pdf(s, neighborhood_id=10**7, today=AS_OF)


def test_hostile_text_in_every_new_field_is_printed_as_text(
    seeded_url: str, tmp_path: Path
) -> None:
    hood = plant_dossier(seeded_url)
    with read_session(seeded_url) as s:
        html = dossier_html(s, neighborhood_id=hood.id, today=AS_OF)
        pdf = dossier_pdf(s, neighborhood_id=hood.id, today=AS_OF)
    for tag in ("<script", "<img", "<iframe", "<a href", "<a "):
        assert tag not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\u202e" not in html and "\u2067" not in html
    assert pdf.count(b"/URI") == 0 and pdf.count(b"/Subtype /Image") == 0
    text = strip_bidi(_text(pdf, tmp_path))
    assert "HYPERLINK" in text and "onerror" in text and "javascript" in text
