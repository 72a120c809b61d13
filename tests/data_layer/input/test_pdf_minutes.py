"""Minutes as a PDF with a text layer: the Word minutes printed to PDF by LibreOffice
(a table without lines, and one with Word's «Table Grid» lines) and the minutes drawn by
our own renderer (weasyprint, an RTL table with lines) give the 14 resolutions of
1402/07/29; bad PDFs are refused in Persian and nothing is written.

LibreOffice is slow to start: each PDF is made once per test process.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from PIL import Image
from sqlmodel import select

from data_layer.db import read_session
from data_layer.documents.html import document, el, join, render_pdf, table
from data_layer.input.rtl_lines import Glyph, group_lines, logical_text
from data_layer.jalali import to_fa_digits
from data_layer.models import Meeting, Resolution
from data_layer.seed_data import MEETING_7
from tests.data_layer.commands.test_minutes_import import (
    HEADER,
    MINUTES_ROWS,
    Setup,
    assert_is_the_minutes,
    commit,
    docx_file,
    owners_by_number,
    preview_of,
    refused,
    setup,  # noqa: F401  (the fixture)
    stored_counts,
)

needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice")


def _office_pdf(folder: Path, name: str, content: bytes, export: str = "pdf") -> bytes:
    source = folder / f"{name}.docx"
    source.write_bytes(content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", export, "--outdir", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return (folder / f"{name}.pdf").read_bytes()


def grid_docx() -> bytes:
    """The minutes as offices write them: Word's «Table Grid» style (lines on every cell)."""
    document_ = docx.Document(io.BytesIO(docx_file()))
    document_.tables[0].style = document_.styles["Table Grid"]
    out = io.BytesIO()
    document_.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def office_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The Word minutes printed to PDF by LibreOffice: plain table, ruled table, locked."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("office")
    locked = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"x"}}'
    )
    (folder / "locked").mkdir()
    return {
        "plain": _office_pdf(folder, "plain", docx_file()),
        "ruled": _office_pdf(folder, "ruled", grid_docx()),
        "locked": _office_pdf(folder / "locked", "locked", docx_file(), locked),
    }


def rendered_pdf(pages_before: int = 0, with_table: bool = True) -> bytes:
    """The minutes drawn by our renderer: a right-to-left page with a ruled table."""
    rows = [(to_fa_digits(n), text, owner) for n, text, owner in MINUTES_ROWS]
    parts = [el("h1", "صورتجلسه هفتمین جلسه کارگروه"), el("p", "مصوبات به شرح جدول زیر است:")]
    parts += [
        el("p", f"صفحهٔ {i}", attrs={"style": "break-after: page"}) for i in range(pages_before)
    ]
    if with_table:
        parts.append(
            table(HEADER, rows, cell_classes=["num", "", ""], widths=["10%", "60%", "30%"])
        )
    parts.append(el("p", "امضای اعضا"))
    return render_pdf(document("صورتجلسه", join(parts)))


def scan_pdf() -> bytes:
    """A PDF whose page is a picture: what a scanner makes."""
    out = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(out, "PDF", resolution=100)
    return out.getvalue()


# --- the minutes ---------------------------------------------------------------------------


def test_our_rendered_pdf_gives_the_fourteen_resolutions_exactly(setup: Setup) -> None:  # noqa: F811
    preview = preview_of(setup.url, "صورتجلسه.pdf", rendered_pdf())
    assert preview.kind == "pdf"
    assert_is_the_minutes(preview, setup)


@needs_office
@pytest.mark.parametrize("kind", ["plain", "ruled"])
def test_the_word_minutes_printed_by_libreoffice_give_the_fourteen_resolutions(
    setup: Setup,  # noqa: F811
    office_pdfs: dict[str, bytes],
    kind: str,
) -> None:
    preview = preview_of(setup.url, "minutes.pdf", office_pdfs[kind])
    assert preview.kind == "pdf"
    # Letter for letter, every ZWNJ too: LibreOffice draws a ZWNJ as a space glyph at
    # zero advance and names it through the /ActualText of its marked content.
    assert_is_the_minutes(preview, setup)


@needs_office
def test_committing_the_libreoffice_pdf_stores_the_resolutions_and_owners(
    setup: Setup,  # noqa: F811
    office_pdfs: dict[str, bytes],
) -> None:
    preview = preview_of(setup.url, "minutes.pdf", office_pdfs["ruled"])
    assert commit(setup, preview) == 14
    with read_session(setup.url) as session:
        assert owners_by_number(session, 8) == owners_by_number(session, 7)
        texts = session.exec(
            select(Resolution.number, Resolution.text)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .where(Meeting.number == 8)
            .order_by(Resolution.number)
        ).all()
    assert [tuple(t) for t in texts] == [(r.number, r.text) for r in MEETING_7.resolutions]


def test_a_table_broken_across_pages_is_one_table(setup: Setup) -> None:  # noqa: F811
    content = rendered_pdf(pages_before=1)  # the table starts low and runs onto page 3
    preview = preview_of(setup.url, "minutes.pdf", content)
    assert_is_the_minutes(preview, setup)


# --- bad PDFs: a Persian message, nothing written -------------------------------------------


@needs_office
def test_a_locked_pdf_is_refused(setup: Setup, office_pdfs: dict[str, bytes]) -> None:  # noqa: F811
    before = stored_counts(setup.url)
    assert "گذرواژه" in refused(setup.url, "minutes.pdf", office_pdfs["locked"])
    assert stored_counts(setup.url) == before


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda: rendered_pdf()[:4000], "آسیب دیده"),
        (lambda: b"%PDF-1.7\n" + b"\x00" * 200, "آسیب دیده"),
        (lambda: b"PK\x03\x04 a zip", "PDF نیست"),
        (lambda: rendered_pdf(with_table=False), "جدول مصوبات"),
        (scan_pdf, "اسکن"),
        (lambda: rendered_pdf(pages_before=20), "بیش از ۲۰ صفحه"),
        (lambda: b"%PDF-1.4" + b" " * (10 * 1024 * 1024), "مگابایت"),
        (lambda: b"", "خالی است"),
    ],
    ids=["truncated", "broken", "not-a-pdf", "no-table", "scan", "too-long", "too-big", "empty"],
)
def test_bad_pdfs_are_refused_in_persian_and_nothing_is_written(
    setup: Setup,  # noqa: F811
    make: Callable[[], bytes],
    said: str,
) -> None:
    before = stored_counts(setup.url)
    message = refused(setup.url, "صورتجلسه.pdf", make())
    assert said in message, message
    if said != "جدول مصوبات":  # the file as a whole: its name is said
        assert "«صورتجلسه.pdf»" in message, message
    assert "Traceback" not in message and "Error" not in message
    assert stored_counts(setup.url) == before


# --- reading order ---------------------------------------------------------------------------


def _glyphs(visual: str, x: float = 0.0) -> list[Glyph]:
    """One glyph per character, drawn left to right as `visual` spells them."""
    out = []
    for ch in visual:
        out.append(Glyph(ch, x, x + 5, 0, 10, "f", 10))
        x += 5
    return out


def test_visual_order_is_put_back_in_reading_order_with_numbers_left_to_right() -> None:
    # "مصوبه 12 در 1402/07/29" drawn: the words right to left, the numbers left to right
    visual = "1402/07/29 رد 12 هبوصم"
    assert logical_text(_glyphs(visual)) == "مصوبه 12 در 1402/07/29"


def test_a_left_to_right_paragraph_s_trailing_mark_goes_back_to_the_end() -> None:
    # Word's default paragraph is left to right: "است:" is drawn with ":" at the right
    assert logical_text(_glyphs("تسا:")) == "است:"
    assert logical_text(_glyphs("ردام»")) == "مادر»"


def test_a_zwnj_that_takes_no_room_goes_between_the_letters_it_stands_between() -> None:
    # «می‌شود» drawn: «دوشی» then «م» (the ZWNJ: a zero-width glyph named by the PDF's
    # /ActualText, drawn a hair right of where «ی» begins, as LibreOffice's kerning puts it)
    yeh, meem = Glyph("ی", 15, 24, 0, 10, "f", 10), Glyph("م", 24, 29, 0, 10, "f", 10)
    glyphs = [*_glyphs("دوش"), yeh, meem]
    zwnj = Glyph("\u200c", 15.1, 15.1, 0, 10, "f", 10)
    for order in ([*glyphs, zwnj], [zwnj, *glyphs]):
        (line,) = group_lines(order)
        assert logical_text(line.glyphs) == "می\u200cشود"
