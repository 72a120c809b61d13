"""The follow-up cycle in a real Chromium: an agency reports, the secretariat verifies,
and the resolutions screen shows it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot_path
from tests.browser.steps import act, choose, open_from_menu, sign_in, visit


def test_agency_reports_secretariat_verifies_resolutions_screen_shows_it(
    page: Page, app_server: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app_server, "agency02")
    # A liaison lands on the inbox, with a link to all of its agency's rows.
    expect(page.get_by_role("heading", name="کارتابل")).to_be_visible()
    act(page, page.get_by_role("link", name="به‌روزرسانی ردیف‌های دستگاه من").click)
    expect(page.get_by_role("heading", name="دستگاه من — آموزش و پرورش")).to_be_visible()

    page.get_by_role("tab", name="فرم کامل یک ردیف").click()
    choose(page, "ردیف", "جلسه ۷، مصوبه ۱۰ — ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)")
    form = page.locator("[data-testid='stForm']").first
    expect(form.get_by_label("پیشرفت ٪")).to_have_count(1)  # the previous row's form has gone
    choose(page, "وضعیت", "انجام شده", scope=form)
    form.get_by_label("پیشرفت ٪").fill("100")
    form.get_by_label("اقدامات انجام‌شده").fill("۲۴ معلم توانمند به مدارس محلات هدف اعزام شدند.")
    act(page, form.get_by_role("button", name="ذخیرهٔ این ردیف").click)
    expect(page.get_by_text("ردیف ذخیره شد.")).to_be_visible()
    page.screenshot(path=str(screenshot_path("my-agency-saved-1366.png")))
    # The history reads right to left: each entry's text starts beside its dot.
    timeline = page.locator("ol.timeline").first
    timeline.scroll_into_view_if_needed()
    line = timeline.locator("li").first.locator(".when")
    line_box, list_box = line.bounding_box(), timeline.bounding_box()
    assert line_box and list_box
    assert list_box["x"] + list_box["width"] - (line_box["x"] + line_box["width"]) < 40

    # In-app navigation: a reload would start a new browser session, signed out.
    act(page, page.get_by_role("link", name="حساب من").click)
    act(page, page.get_by_role("button", name="خروج از سامانه").click)

    sign_in(page, app_server, "dabir")
    open_from_menu(page, "پیگیری مصوبات", "بررسی گزارش‌ها")
    expect(page.get_by_role("heading", name="بررسی گزارش دستگاه‌ها")).to_be_visible()
    # The innermost bordered block holding a verdict form and this row's text.
    claim = (
        page.locator("[data-testid='stVerticalBlock']")
        .filter(has=page.locator("[data-testid='stForm']"))
        .filter(has_text="مصوبه ۱۰")
        .filter(has_text="آموزش و پرورش")
        .last
    )
    expect(claim).to_contain_text("۲۴ معلم توانمند")
    claim.get_by_text("تأیید میدانی").click()
    act(page, claim.get_by_role("button", name="ثبت").click)
    expect(page.get_by_text("«تأیید میدانی» برای آموزش و پرورش، مصوبه ۱۰ ثبت شد.")).to_be_visible()

    visit(page, f"{app_server}/resolutions")
    row = page.locator("table.matrix tbody tr").filter(has_text="آموزش و پرورش")
    cell = row.locator("td.cell[title*='مصوبه ۱۰']")
    expect(cell).to_have_attribute("data-status", "done")
    expect(cell).to_have_attribute("title", __import__("re").compile("تأیید میدانی"))
    page.screenshot(path=str(screenshot_path("resolutions-after-verification-1366.png")))


def test_the_liaisons_grid_fits_a_1280_projector_without_cutting_its_first_column(
    page: Page, app_server: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, app_server, "agency02")
    act(page, page.get_by_role("link", name="به‌روزرسانی ردیف‌های دستگاه من").click)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    scroller = grid.locator(".dvn-scroller").first
    # Nothing to scroll sideways: every column, the resolution's first, is in view.
    width, visible = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width <= visible + 1, (width, visible)
    page.screenshot(path=str(screenshot_path("my-agency-grid-1280x720.png")))


def test_the_grid_has_no_download_of_its_own_and_the_pages_csv_reads_right_to_left(
    page: Page, app_server: str
) -> None:
    """The grid's toolbar wrote the columns right to left and progress as text: its
    download is gone, the rest of the toolbar stays, and «دریافت CSV» beside the grid
    writes the resolution first and progress as a number."""
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, app_server, "agency02")
    act(page, page.get_by_role("link", name="به‌روزرسانی ردیف‌های دستگاه من").click)
    grid = page.locator("[class*='st-key-quick_editor_']").first
    grid.scroll_into_view_if_needed()
    grid.locator("[data-testid='stDataFrame']").hover()
    toolbar = grid.locator("[data-testid='stElementToolbar']")
    # Named in English by Streamlit, in Persian once the screen-reader script ran.
    expect(toolbar.get_by_role("button", name=re.compile("^(Search|جست‌وجو)"))).to_be_visible()
    expect(
        toolbar.get_by_role("button", name=re.compile("^(Download as CSV|دریافت CSV)"))
    ).to_have_count(0)
    button = page.get_by_test_id("stDownloadButton").filter(has_text="دریافت CSV")
    button.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("my-agency-grid-csv-1366.png")))
    with page.expect_download() as arrived:
        button.get_by_role("button").click()
    download = arrived.value
    assert download.failure() is None
    assert re.fullmatch(r"مصوبات-[\w-]+-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[0] == "مصوبه" and header[-1] == "تاریخ برنامه", header
    progress = header.index("پیشرفت ٪")
    assert lines and all(line[progress].isascii() and line[progress].isdigit() for line in lines)
