"""The follow-up cycle in a real Chromium: an agency reports, the secretariat verifies,
and the resolutions screen shows it."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from data_layer.auth import SAMPLE_PASSWORD
from tests.browser.conftest import screenshot_path, wait_for_app


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign_in")
    wait_for_app(page)
    try:
        page.get_by_label("نام کاربری").fill(username, timeout=8000)
    except Exception:
        page.screenshot(path=str(screenshot_path("sign-in-failure.png")))
        raise
    page.get_by_label("گذرواژه").fill(SAMPLE_PASSWORD)
    page.get_by_role("button", name="ورود").click()
    wait_for_app(page)


def _open_from_menu(page: Page, section: str, item: str) -> None:
    """Open a screen from a section of the top menu (no reload: the sign-in stays)."""
    page.get_by_role("navigation").get_by_text(section, exact=True).click()
    page.get_by_role("menuitem", name=item).click()
    wait_for_app(page)


def _choose(page: Page, label: str, option: str, scope: Locator | None = None) -> None:
    box = (scope or page).get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)  # the select filters its options as one types
    page.keyboard.press("Enter")
    expect(box).to_have_value(option)
    wait_for_app(page)


def test_agency_reports_secretariat_verifies_resolutions_screen_shows_it(
    page: Page, app_server: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, app_server, "agency02")
    # Everyone lands on the overview; a liaison gets a link to its own rows there.
    expect(page.get_by_role("heading", name="نمای کلی پیگیری مصوبات")).to_be_visible()
    page.get_by_role("link", name="به‌روزرسانی ردیف‌های دستگاه من").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="دستگاه من — آموزش و پرورش")).to_be_visible()

    page.get_by_role("tab", name="فرم کامل یک ردیف").click()
    _choose(page, "ردیف", "جلسه ۷، مصوبه ۱۰ — ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)")
    form = page.locator("[data-testid='stForm']").first
    expect(form.get_by_label("پیشرفت ٪")).to_have_count(1)  # the previous row's form has gone
    _choose(page, "وضعیت", "انجام شده", scope=form)
    form.get_by_label("پیشرفت ٪").fill("100")
    form.get_by_label("اقدامات انجام‌شده").fill("۲۴ معلم توانمند به مدارس محلات هدف اعزام شدند.")
    form.get_by_role("button", name="ذخیرهٔ این ردیف").click()
    wait_for_app(page)
    expect(page.get_by_text("ردیف ذخیره شد.")).to_be_visible()
    page.screenshot(path=str(screenshot_path("my-agency-saved-1366.png")))

    # In-app navigation: a reload would start a new browser session, signed out.
    page.get_by_role("link", name="حساب من").click()
    wait_for_app(page)
    page.get_by_role("button", name="خروج از سامانه").click()
    wait_for_app(page)

    _sign_in(page, app_server, "dabir")
    _open_from_menu(page, "پیگیری مصوبات", "بررسی گزارش‌ها")
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
    claim.get_by_role("button", name="ثبت").click()
    wait_for_app(page)
    expect(page.get_by_text("«تأیید میدانی» برای آموزش و پرورش، مصوبه ۱۰ ثبت شد.")).to_be_visible()

    page.goto(f"{app_server}/resolutions")
    wait_for_app(page)
    row = page.locator("table.matrix tbody tr").filter(has_text="آموزش و پرورش")
    cell = row.locator("td.cell[title*='مصوبه ۱۰']")
    expect(cell).to_have_attribute("data-status", "done")
    expect(cell).to_have_attribute("title", __import__("re").compile("تأیید میدانی"))
    page.screenshot(path=str(screenshot_path("resolutions-after-verification-1366.png")))
