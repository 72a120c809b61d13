"""The resolutions screen in a real Chromium: Persian, right to left, the 7th meeting."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from data_layer.seed_data import MEETING_7
from tests.browser.conftest import screenshot_path, wait_for_app
from tests.browser.steps import visit

RESOLUTION_10 = next(r.text for r in MEETING_7.resolutions if r.number == 10)


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1280, 720)])
def test_resolutions_screen_shows_resolution_10_right_to_left(
    page: Page, app_server: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    visit(page, f"{app_server}/resolutions")

    expect(page.get_by_text(RESOLUTION_10, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="پیگیری مصوبات جلسه ۷")).to_be_visible()
    direction = page.evaluate(
        "getComputedStyle(document.querySelector(\"[data-testid='stMain']\")).direction"
    )
    assert direction == "rtl"
    # The matrix's first column (agency names) sits on the right-hand side.
    table = page.locator("table.matrix").bounding_box()
    first_header = page.locator("table.matrix thead th").first.bounding_box()
    assert table and first_header
    assert first_header["x"] + first_header["width"] > table["x"] + table["width"] - 2
    # Digits on screen are Persian.
    assert "شنبه ۲۹ مهر ۱۴۰۲" in page.locator("[data-testid='stMain']").inner_text()
    page.screenshot(path=str(screenshot_path(f"resolutions-{width}x{height}.png")))


def test_filtering_by_agency_leaves_only_that_agencys_row(page: Page, app_server: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    visit(page, f"{app_server}/resolutions")
    page.locator("[data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="آموزش و پرورش").click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    rows = page.locator("table.matrix tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th")).to_have_text("آموزش و پرورش")
