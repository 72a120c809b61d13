"""What a person sees while and after they act: the registry's headers at 1366 and 1280,
a save's confirmation where they are looking, and a notice while a page builds."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot_path
from tests.browser.steps import act, choose, sign_in, visit


@pytest.mark.parametrize("width,height", [(1366, 768), (1280, 720)])
def test_every_header_of_the_agency_registry_is_shown_whole(
    page: Page, app_server: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/agencies")
    table = page.locator("table.grid.registry")
    expect(table).to_be_visible()
    headers = table.locator("th")
    expect(headers).to_have_count(8)
    expect(headers.first).to_have_text("ترتیب")  # the reader's first column, on the right
    for i in range(8):
        th = headers.nth(i)
        assert th.inner_text().strip(), f"header {i} is empty"
        box = th.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box)
    right_edge = headers.first.bounding_box()
    assert right_edge is not None and right_edge["x"] > width / 2  # right to left
    page.screenshot(path=str(screenshot_path(f"agencies-{width}x{height}.png")))


def test_a_save_far_down_the_page_is_confirmed_where_the_person_is(
    page: Page, app_server: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, app_server, "agency02")
    visit(page, f"{app_server}/my_agency")
    page.get_by_role("tab", name="فرم کامل یک ردیف").click()
    choose(
        page, "ردیف", "جلسه ۷، مصوبه ۱۳ — پرهیز از عمل جزیره‌ای و تأکید به انجام در حوزه نظری و عملی"
    )
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("گام بعدی").fill("هماهنگی با دستگاه‌های هم‌محله در نشست ماهانه")
    button = form.get_by_role("button", name="ذخیرهٔ این ردیف")
    button.scroll_into_view_if_needed()
    act(page, button.click)
    saved = page.get_by_text("ردیف ذخیره شد.")
    expect(saved).to_be_visible()
    expect(saved).to_be_in_viewport()
    # Under the menu, not behind it.
    box, menu = saved.bounding_box(), page.get_by_role("navigation").bounding_box()
    assert box is not None and menu is not None and box["y"] >= menu["y"] + menu["height"] - 1
    page.screenshot(path=str(screenshot_path("my-agency-save-confirmed-1366.png")))


def test_a_page_that_takes_a_while_says_it_is_being_built(page: Page, app_server: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    visit(page, f"{app_server}/coverage")
    notice = """() => {
        const s = getComputedStyle(document.querySelector("[data-testid='stApp']"), "::after");
        return [s.visibility, s.content];
    }"""
    visibility, content = page.evaluate(notice)
    assert visibility == "hidden" and "در حال آماده‌سازی صفحه" in content
    # The state the app is in while its script runs (a slow page holds it for seconds).
    page.evaluate(
        "document.querySelector(\"[data-testid='stApp']\")"
        ".setAttribute('data-test-script-state', 'running')"
    )
    page.wait_for_function(
        "getComputedStyle(document.querySelector(\"[data-testid='stApp']\"), '::after')"
        ".visibility === 'visible'"
    )
    page.screenshot(path=str(screenshot_path("page-building-notice-1366.png")))
