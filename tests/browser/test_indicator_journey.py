"""The indicator journey in a real Chromium at 1366×768: the secretariat defines an
indicator and sets a neighborhood's baseline and target; Education's liaison reports
two periods from an Excel file in «دستگاه من»; the target then counts on or off track."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from data_layer.db import read_session
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue
from data_layer.queries.indicators import target_statuses
from tests.browser.conftest import screenshot_path
from tests.browser.steps import XLSX, act, choose, open_tab, sign_in, upload, visit

VIEWPORT = {"width": 1366, "height": 768}
NAME = "نرخ پوشش بیمهٔ سلامت"
HOOD = "کوی زاغه"


@pytest.fixture(scope="module")
def database_url(app_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app server's database (see test_services_and_meetings_journeys.py)."""
    base = tmp_path_factory.getbasetemp()
    found = sorted({p.resolve() / "dashboard.db" for p in base.glob("app*") if p.is_dir()})
    assert len(found) == 1, found
    yield f"sqlite:///{found[0]}"


def _values_sheet() -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["شهرستان", "محله", "شاخص", "دوره", "مقدار"])
    ws.append(["مرکز استان", HOOD, NAME, "بهار ۱۴۰۵", 46])
    ws.append(["مرکز استان", HOOD, NAME, "تابستان ۱۴۰۵", 49])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _secretariat_defines(page: Page, base: str) -> None:
    sign_in(page, base, "dabir")
    visit(page, f"{base}/indicators")
    page.get_by_text("افزودن شاخص تازه").click()
    form = page.locator("[data-testid='stForm']").filter(has_text="افزودن شاخص")
    form.get_by_label("نام شاخص").fill(NAME)
    form.get_by_label("واحد").fill("درصد")
    choose(page, "نوع شاخص", "درصد", scope=form)
    choose(page, "دستگاه گزارش‌دهنده", "آموزش و پرورش", scope=form)
    act(page, form.get_by_role("button", name="افزودن شاخص").click)
    expect(page.get_by_text("شاخص افزوده شد.")).to_be_visible()
    panel = open_tab(page, "مبنا و هدف")
    choose(page, "محله", f"{HOOD} (مرکز استان)", scope=panel)
    choose(page, "شاخص", NAME, scope=panel)
    target = panel.locator("[data-testid='stForm']")
    target.get_by_label("مقدار مبنا").fill("۴۰")
    target.get_by_label("دورهٔ مبنا (مانند «زمستان ۱۴۰۳» یا «۱۴۰۳»)").fill("زمستان ۱۴۰۴")
    target.get_by_label("مقدار هدف").fill("۶۰")
    target.get_by_label("تاریخ هدف").fill("۱۴۰۶/۱۲/۲۹")
    act(page, target.get_by_role("button", name="ذخیرهٔ مبنا و هدف").click)
    expect(page.get_by_text("مبنا و هدف ذخیره شد.")).to_be_visible()
    page.screenshot(path=screenshot_path("indicators-target-1366.png"))


def _liaison_reports(page: Page, base: str) -> None:
    sign_in(page, base, "agency02")
    visit(page, f"{base}/my_agency?tab=indicators")
    panel = page.get_by_role("tabpanel", name="شاخص‌های محلات", exact=True)
    expect(panel.get_by_text("ذخیرهٔ مقادیر")).to_be_visible()
    page.screenshot(path=screenshot_path("my-agency-indicators-1366.png"))
    act(page, lambda: upload(panel, "values.xlsx", _values_sheet(), XLSX))
    expect(panel.get_by_text("۲ مقدار بی‌اشکال است")).to_be_visible()
    act(page, panel.get_by_role("button", name="ثبت مقادیر").click)
    expect(page.get_by_text("۲ مقدار ثبت شد.").first).to_be_visible()  # flash and kept result


def test_define_target_report_two_periods_and_count_the_target(
    browser: Browser, app_server: str, database_url: str
) -> None:
    secretariat = browser.new_context(viewport=VIEWPORT, locale="fa-IR").new_page()
    _secretariat_defines(secretariat, app_server)
    liaison = browser.new_context(viewport=VIEWPORT, locale="fa-IR").new_page()
    _liaison_reports(liaison, app_server)
    with read_session(database_url) as s:
        ind = s.execute(select(Indicator).where(Indicator.name == NAME)).scalar_one()
        target = s.execute(
            select(IndicatorTarget).where(IndicatorTarget.indicator_id == ind.id)
        ).scalar_one()
        values = (
            s.execute(select(IndicatorValue.value).where(IndicatorValue.indicator_id == ind.id))
            .scalars()
            .all()
        )
        statuses = target_statuses(s)
    assert (target.baseline_value, target.target_value) == (40, 60)
    assert sorted(values) == [46, 49]
    mine = statuses[statuses["indicator_id"] == ind.id]
    # 49 by the end of summer 1405 (half a year into a two-year line from 40 to 60): on track
    assert list(mine["status"]) == ["on_track"]
