"""The county governorate's reader in Chromium at 1366×768: signs in and sees only its
county (overview, coverage, the dossier picker), is refused the province's screens,
another county's dossier by URL and another county's feed, proposes its
neighborhoods' priority order (resolution 2), and the secretariat accepts it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from data_layer.auth import SAMPLE_COUNTY
from data_layer.db import read_session
from data_layer.jalali import format_number
from data_layer.models import County, Neighborhood
from data_layer.models_priority import PriorityProposal
from data_layer.permissions import OTHER_COUNTY
from tests.browser.conftest import screenshot_path
from tests.browser.steps import act, open_tab, sign_in, visit

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def database_url(app_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app server's database (conftest keeps it at <basetemp>/app<N>/dashboard.db)."""
    base = tmp_path_factory.getbasetemp()
    found = sorted({p.resolve() / "dashboard.db" for p in base.glob("app*") if p.is_dir()})
    assert len(found) == 1, f"expected the app server's one database, found {found}"
    yield f"sqlite:///{found[0]}"


def _county(url: str, name: str) -> tuple[int, dict[int, str]]:
    with read_session(url) as s:
        county = s.exec(select(County).where(County.name == name)).one()
        hoods = s.exec(
            select(Neighborhood)
            .where(Neighborhood.county_id == county.id, col(Neighborhood.active).is_(True))
            .order_by(col(Neighborhood.id))
        ).all()
        return int(county.id or 0), {int(h.id or 0): h.name for h in hoods}


def test_a_county_reader_sees_its_county_proposes_and_the_secretariat_accepts(
    page: Page, app_server: str, database_url: str
) -> None:
    page.set_viewport_size(VIEWPORT)
    visit(page, app_server)
    county, hoods = _county(database_url, SAMPLE_COUNTY)
    other, foreign = _county(database_url, "مرکز استان")
    note = f"همهٔ ارقام این صفحه از محلات هدف شهرستان {SAMPLE_COUNTY} است."

    # Signed in, the county reader lands on its county's overview.
    sign_in(page, app_server, "farmandari")
    visit(page, app_server)
    expect(page.get_by_text(note)).to_be_visible()
    expect(page.get_by_text(f"از {format_number(len(hoods))} محله هدف")).to_be_visible()
    menu = page.get_by_role("navigation")
    expect(menu.get_by_text("پیگیری مصوبات", exact=True)).to_have_count(0)  # the province's
    page.screenshot(path=str(screenshot_path("county-reader-overview-1366x768.png")))

    # Coverage: its county's neighborhoods only.
    visit(page, f"{app_server}/coverage")
    expect(page.locator("tr[data-hood]")).to_have_count(len(hoods))
    shown = {
        int(x)
        for x in page.locator("tr[data-hood]").evaluate_all("rows => rows.map(r => r.dataset.hood)")
    }
    assert shown == set(hoods)

    # Another county by URL: its dossier, and a province screen.
    visit(page, f"{app_server}/dossier?id={next(iter(foreign))}")
    expect(page.get_by_text(OTHER_COUNTY)).to_be_visible()
    for name in foreign.values():
        expect(page.get_by_text(name)).to_have_count(0)
    visit(page, f"{app_server}/resolutions")
    expect(page.get_by_text("حساب شما «فرمانداری» است.")).to_be_visible()

    # The feeds through its own sign-in: its county's, and another county refused.
    own = page.request.get(f"{app_server}/api/feeds/coverage.csv")
    assert own.status == 200
    rows = list(csv.reader(io.StringIO(own.body().decode("utf-8-sig"))))
    at = rows[0].index("کد محله")
    assert {int(r[at]) for r in rows[2:]} == set(hoods)
    refused = page.request.get(f"{app_server}/api/feeds/coverage.csv?county={other}")
    assert refused.status == 403
    assert OTHER_COUNTY in refused.text()

    # Resolution 2: the county proposes its order, the most crowded first.
    order = list(reversed(hoods.values()))
    visit(page, f"{app_server}/neighborhoods")
    panel = open_tab(page, "اولویت‌بندی محلات (مصوبه ۲)")
    for name in order:
        panel.locator("[data-testid='stMultiSelect']").first.click()
        act(page, page.get_by_role("option", name=name, exact=True).click)
    page.keyboard.press("Escape")
    for n, name in enumerate(order, start=1):
        box = panel.get_by_label(f"دلیل اولویت {format_number(n)}: {name}")
        box.fill(f"جمعیت زیاد و نبود خدمت پایه در {name}")
        act(page, lambda box=box: box.press("Enter"))  # type: ignore[misc]
    act(page, panel.get_by_role("button", name="فرستادن پیشنهاد به دبیرخانه").click)
    expect(page.get_by_text("پیشنهاد اولویت محلات به دبیرخانه فرستاده شد.")).to_be_visible()
    with read_session(database_url) as s:
        (sent,) = s.exec(select(PriorityProposal).where(PriorityProposal.county_id == county))
        assert sent.state == "pending"

    # The secretariat finds it in its inbox and accepts it.
    page.context.clear_cookies()
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/inbox")
    expect(page.get_by_text("پیشنهاد اولویت محلات از فرمانداری‌ها")).to_be_visible()
    visit(page, f"{app_server}/neighborhoods")
    panel = open_tab(page, "اولویت‌بندی فرمانداری‌ها")
    act(page, panel.get_by_role("button", name="پذیرفتن").click)
    expect(page.get_by_text(f"اولویت‌بندی فرمانداری {SAMPLE_COUNTY} پذیرفته شد.")).to_be_visible()
    with read_session(database_url) as s:
        decided = s.get(PriorityProposal, sent.id)
        assert decided is not None and decided.state == "accepted"

    # The county sees its accepted order.
    page.context.clear_cookies()
    sign_in(page, app_server, "farmandari")
    visit(page, f"{app_server}/neighborhoods")
    panel = open_tab(page, "اولویت‌بندی محلات (مصوبه ۲)")
    expect(panel.get_by_text("پذیرفته در")).to_be_visible()
    page.screenshot(path=str(screenshot_path("county-reader-priorities-1366x768.png")))
