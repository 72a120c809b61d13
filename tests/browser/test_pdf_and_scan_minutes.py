"""The secretariat imports the 7th meeting's minutes as the offices send them: the
Word minutes printed to PDF by LibreOffice, and a 300 dpi scan of that PDF (read by
OCR in the background, its cells corrected beside their pictures), in a real
Chromium; the stored resolutions are the minutes' texts and owners."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bench.minutes_files import scanned
from data_layer.db import read_session
from data_layer.input.ocr import read_scan
from data_layer.jalali import format_jalali, local_today, to_ascii_digits, to_fa_digits
from data_layer.models import Agency, Assignment, Meeting, Resolution
from data_layer.seed_data import MEETING_7
from tests.browser.conftest import screenshot_path
from tests.browser.steps import act, choose, open_from_menu, open_tab, sign_in, upload
from tests.data_layer.input.test_ocr_minutes import corrected
from tests.data_layer.input.test_pdf_minutes import grid_docx

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("tesseract") is None,
    reason="LibreOffice and tesseract-ocr",
)
VIEWPORT = {"width": 1366, "height": 1000}
PDF = "application/pdf"


@pytest.fixture(scope="module")
def office_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The Word minutes (Word's «Table Grid») printed to PDF by LibreOffice."""
    folder = tmp_path_factory.mktemp("office-browser")
    (folder / "minutes.docx").write_bytes(grid_docx())
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), "minutes.docx"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return (folder / "minutes.pdf").read_bytes()


@pytest.fixture(scope="module")
def database_url(app_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.getbasetemp()
    found = sorted({p.resolve() / "dashboard.db" for p in base.glob("app*") if p.is_dir()})
    assert len(found) == 1, f"expected the app server's one database, found {found}"
    yield f"sqlite:///{found[0]}"


def stored(url: str, number: int) -> list[tuple[int, str, frozenset[str]]]:
    """(number, text, owner agency names) of a meeting's resolutions."""
    with read_session(url) as s:
        rows = s.execute(
            select(Resolution.number, Resolution.text, Agency.name)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .join(Assignment, Assignment.resolution_id == Resolution.id)
            .join(Agency, Agency.id == Assignment.agency_id)
            .where(Meeting.number == number, Assignment.withdrawn == False)  # noqa: E712
        ).all()
    out: dict[tuple[int, str], set[str]] = {}
    for n, text, agency in rows:
        out.setdefault((n, text), set()).add(agency)
    return sorted((n, t, frozenset(a)) for (n, t), a in out.items())


def new_meeting(page: Page) -> tuple[int, str]:
    """Records the next meeting under the number the form proposes (the browser
    modules of a worker share one app server, so another journey may have taken 8)."""
    panel = open_tab(page, "جلسهٔ تازه")
    number = int(to_ascii_digits(panel.get_by_label("شماره جلسه").input_value()))
    panel.get_by_label("رئیس جلسه").fill("معاون سیاسی، امنیتی و اجتماعی استانداری")
    act(page, panel.get_by_role("button", name="ثبت جلسه").click)
    expect(page.get_by_text(f"جلسه {to_fa_digits(number)} ثبت شد")).to_be_visible()
    return number, f"جلسه {to_fa_digits(number)} — {format_jalali(local_today())}"


def test_secretariat_imports_the_minutes_from_a_pdf_and_from_its_scan(
    page: Page, app_server: str, database_url: str, office_pdf: bytes
) -> None:
    page.set_viewport_size(VIEWPORT)
    sign_in(page, app_server, "dabir")
    open_from_menu(page, "پیگیری مصوبات", "جلسات")
    seventh = stored(database_url, 7)
    assert len(seventh) == 14

    # 1. The PDF with a text layer: read from its glyphs, the same preview as Word.
    number, meeting = new_meeting(page)
    panel = open_tab(page, "ورود مصوبات از صورتجلسه")
    choose(page, "مصوبات برای کدام جلسه است؟", meeting, scope=panel)
    act(page, lambda: upload(panel, "صورتجلسه-۱۴۰۲-۰۷-۲۹.pdf", office_pdf, PDF))
    expect(panel.get_by_text("جور نشد")).to_have_count(0)
    expect(panel.get_by_text("ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)")).to_be_visible()
    page.screenshot(path=str(screenshot_path("minutes-import-pdf-1366.png")))
    act(page, panel.get_by_role("button", name="ثبت ۱۴ مصوبه").click)
    expect(page.get_by_text("۱۴ مصوبه ثبت شد.")).to_be_visible()
    eighth = stored(database_url, number)
    # texts and owners exactly, every ZWNJ too (LibreOffice names each through the
    # /ActualText of the zero-advance glyph it draws for it)
    assert eighth == seventh

    # 2. A 300 dpi scan of it: OCR in the background, progress shown, cells corrected.
    scan = scanned(office_pdf, 300)
    fix, changes = corrected(read_scan(".pdf", scan, max_pages=20))  # what to retype
    number, meeting = new_meeting(page)
    panel = open_tab(page, "ورود مصوبات از صورتجلسه")
    choose(page, "مصوبات برای کدام جلسه است؟", meeting, scope=panel)
    act(page, lambda: upload(panel, "اسکن-صورتجلسه.pdf", scan, PDF))
    expect(panel.get_by_text(re.compile("خواندن تصویر صورتجلسه"))).to_be_visible()
    read = panel.get_by_role("button", name="خواندن جدول اصلاح‌شده")
    expect(read).to_be_visible(timeout=300_000)
    expect(panel.get_by_text(re.compile("خوانش مطمئنی ندارد"))).to_be_visible()
    expect(panel.locator("[data-testid='stImage']")).to_have_count(sum(len(r) for r in fix))
    page.screenshot(path=str(screenshot_path("minutes-import-scan-cells-1366.png")))
    typed = 0
    for r, row in enumerate(fix):
        for c, value in enumerate(row):
            label = re.compile(f"ردیف {to_fa_digits(r + 1)}، ستون {to_fa_digits(c + 1)}$")
            box = panel.get_by_label(label)
            if box.input_value() != value:
                box.fill(value)
                act(page, lambda box=box: box.press("Control+Enter"))
                typed += 1
    assert typed == changes
    act(page, read.click)
    expect(panel.get_by_text("جور نشد")).to_have_count(0)
    page.screenshot(path=str(screenshot_path("minutes-import-scan-preview-1366.png")))
    act(page, panel.get_by_role("button", name="ثبت ۱۴ مصوبه").click)
    expect(page.get_by_text("۱۴ مصوبه ثبت شد.")).to_be_visible()
    ninth = stored(database_url, number)
    assert [(n, t, a) for n, t, a in ninth] == [(n, t, a) for n, t, a in seventh]
    assert [t for _, t, _ in ninth] == [r.text for r in MEETING_7.resolutions]
