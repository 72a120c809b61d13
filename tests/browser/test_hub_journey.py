"""The national hub in a browser, on PostgreSQL (its deployment's database): a province
publishes (a POST from the test, as its server would send it), the hub shows it; a
second publication replaces it; a broken one is refused with a Persian reason and the
old one stays; the administrator reads the refusal in the ingest log."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import running_app, screenshot_path
from tests.browser.steps import sign_in, visit
from tests.conftest import Templates
from tests.hub_snapshots import body, headers
from tests.hub_world import HUB_KEY, hub_people, register

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def hub(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, str]]:
    """A hub server (APP_MODE=hub) on a fresh PostgreSQL database with Khuzestan
    registered: (its address, Khuzestan's token)."""
    url = templates.copy(None)
    os.environ["HUB_TOKEN_KEY"] = HUB_KEY  # registering derives the token from it
    try:
        token = register(url, hub_people(url), {"khuzestan": "خوزستان"})["khuzestan"]
        env = {"APP_MODE": "hub", "HUB_TOKEN_KEY": HUB_KEY}
        log = tmp_path_factory.getbasetemp() / "hub-server.log"
        with running_app(url, log, seed="none", env=env) as base:
            yield base, token
    finally:
        os.environ.pop("HUB_TOKEN_KEY", None)
        templates.drop_later(url)


def _publish(base: str, token: str, payload: bytes) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        f"{base}/api/hub/snapshots", data=payload, headers=headers(token, payload), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_a_province_publishes_the_hub_shows_it_and_keeps_the_last_good_version(
    hub: tuple[str, str], page: Page
) -> None:
    base, token = hub
    page.set_viewport_size(VIEWPORT)
    status, answer = _publish(base, token, body(version=1, as_of=date(2026, 10, 1)))
    assert status == 201, answer
    sign_in(page, base, "ministry")
    visit(page, f"{base}/")  # the hub opens on its national view
    row = page.locator("table.hub-national tbody tr").filter(has_text="خوزستان")
    expect(page.get_by_text("صفحه‌ای با این نشانی وجود ندارد")).to_have_count(0)
    expect(row).to_contain_text("۱۴۰۵/۰۷/۰۹")  # as of 2026-10-01
    expect(row.locator("td").nth(2)).to_have_text("۱")

    status, _ = _publish(base, token, body(version=2, as_of=date(2026, 11, 28)))
    assert status == 201
    visit(page, f"{base}/")  # the hub opens on its national view
    row = page.locator("table.hub-national tbody tr").filter(has_text="خوزستان")
    expect(row).to_contain_text("۱۴۰۵/۰۹/۰۷")
    expect(row.locator("td").nth(2)).to_have_text("۲")

    broken = body(version=3).replace("مصوبهٔ 1".encode(), "مصوبهٔ 7".encode(), 1)
    status, answer = _publish(base, token, broken)
    assert status == 400 and "چکیدهٔ محتوا" in str(answer["error"])
    visit(page, f"{base}/")  # the hub opens on its national view
    row = page.locator("table.hub-national tbody tr").filter(has_text="خوزستان")
    expect(row.locator("td").nth(2)).to_have_text("۲")
    expect(row).to_contain_text("۱۴۰۵/۰۹/۰۷")
    # A province's page is not served by the hub: its address opens the national view.
    visit(page, f"{base}/overview")
    expect(page.get_by_text("در سامانهٔ ملی وجود ندارد؛ نمای ملی باز شد")).to_be_visible()
    expect(page.locator("table.hub-national")).to_be_visible()
    page.get_by_role("tab", name="نسخه‌ها", exact=True).click()
    expect(page.locator("table.hub-versions tbody tr")).to_have_count(2)
    page.screenshot(path=str(screenshot_path("hub-national.png")), full_page=True)


def test_the_administrator_reads_the_refusal_in_the_ingest_log(
    hub: tuple[str, str], page: Page
) -> None:
    base, _ = hub
    page.set_viewport_size(VIEWPORT)
    sign_in(page, base, "hubadmin")
    visit(page, f"{base}/hub_provinces")
    log = page.locator("table.hub-log tbody tr")
    expect(log.first).to_contain_text("پذیرفته نشد")
    expect(log.first).to_contain_text("چکیدهٔ محتوا")
    expect(page.locator("table.hub-log")).not_to_contain_text("Traceback")
    page.screenshot(path=str(screenshot_path("hub-provinces.png")), full_page=True)
