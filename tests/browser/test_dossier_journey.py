"""The neighborhood's indicators end to end, in Chromium at 1366×768: the secretariat
defines an indicator with a baseline and a target for a neighborhood; the owning
liaison reports two seasons (its spreadsheet import); the dossier shows the trend
against the target with its status, the overview counts it on track, and the dossier's
PDF says the same."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from data_layer.db import read_session
from data_layer.jalali import format_number
from data_layer.models import Agency, County, Neighborhood, User
from data_layer.models_indicators import Indicator
from data_layer.queries.indicators import neighborhood_indicators, target_status_counts
from tests.browser.conftest import screenshot_path
from tests.browser.steps import XLSX, act, choose, open_tab, sign_in, upload, visit

VIEWPORT = {"width": 1366, "height": 768}
NAME = "اشتغال زنان سرپرست خانوار"
_BIDI = re.compile("[\u200c\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def database_url(app_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app server's database (conftest keeps it at <basetemp>/app<N>/dashboard.db)."""
    base = tmp_path_factory.getbasetemp()
    found = sorted({p.resolve() / "dashboard.db" for p in base.glob("app*") if p.is_dir()})
    assert len(found) == 1, f"expected the app server's one database, found {found}"
    yield f"sqlite:///{found[0]}"


def _values_file(county: str, hood: str) -> bytes:
    """Two seasons of the new indicator, as the liaison fills the template."""
    book = Workbook()
    sheet = book.active
    sheet.append(["شهرستان", "محله", "شاخص", "دوره", "مقدار"])
    sheet.append([county, hood, NAME, "بهار ۱۴۰۵", "۴۵"])
    sheet.append([county, hood, NAME, "تابستان ۱۴۰۵", "۵۰"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "dossier.pdf"
    source.write_bytes(pdf)
    done = subprocess.run([exe, "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return " ".join(_BIDI.sub("", unicodedata.normalize("NFKC", done.stdout.decode())).split())


def test_an_indicator_from_definition_to_the_dossier_the_overview_and_the_pdf(
    page: Page, app_server: str, database_url: str, tmp_path: Path
) -> None:
    page.set_viewport_size(VIEWPORT)
    visit(page, app_server)  # the server seeds its database on the first visit
    with read_session(database_url) as s:
        liaison = s.exec(select(User).where(User.username == "agency02")).one()
        agency = s.get(Agency, liaison.agency_id)
        hood = s.exec(
            select(Neighborhood)
            .where(col(Neighborhood.active).is_(True))
            .order_by(col(Neighborhood.priority_rank), col(Neighborhood.id))
        ).first()
        assert agency is not None and hood is not None and hood.id is not None
        county = s.get(County, hood.county_id)
        assert county is not None
        before = target_status_counts(s)

    # The secretariat: the indicator, reported by the liaison's agency ...
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/indicators")
    panel = open_tab(page, "فهرست شاخص‌ها")
    panel.get_by_text("افزودن شاخص تازه").click()
    form = panel.locator("[data-testid=stExpander]").filter(has_text="افزودن شاخص تازه")
    form.get_by_label("نام شاخص", exact=True).fill(NAME)
    form.get_by_label("واحد", exact=True).fill("نفر")
    choose(page, "دستگاه گزارش‌دهنده", agency.short_name, scope=form)
    act(page, form.get_by_role("button", name="افزودن شاخص").click)
    expect(page.get_by_text("شاخص افزوده شد")).to_be_visible()
    with read_session(database_url) as s:
        assert s.exec(select(Indicator).where(Indicator.name == NAME)).one()

    # ... its baseline (winter 1404: 40) and target (60 by 1406/06/31) for the neighborhood
    panel = open_tab(page, "مبنا و هدف")
    choose(page, "محله", f"{hood.name} ({county.name})", scope=panel)
    choose(page, "شاخص", NAME, scope=panel)
    panel.get_by_label("مقدار مبنا").fill("۴۰")
    panel.get_by_label("دورهٔ مبنا (مانند «زمستان ۱۴۰۳» یا «۱۴۰۳»)").fill("زمستان ۱۴۰۴")
    panel.get_by_label("مقدار هدف").fill("۶۰")
    panel.get_by_label("تاریخ هدف").fill("۱۴۰۶/۰۶/۳۱")
    act(page, panel.get_by_role("button", name="ذخیرهٔ مبنا و هدف").click)
    expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)

    # The liaison reports two seasons from its spreadsheet.
    page.context.clear_cookies()
    sign_in(page, app_server, "agency02")
    visit(page, f"{app_server}/my_agency?tab=indicators")
    box = page.get_by_role("tabpanel", name="شاخص‌های محلات", exact=True)
    expect(box.get_by_text("ورود مقادیر از اکسل")).to_be_visible()
    act(page, lambda: upload(box, "values.xlsx", _values_file(county.name, hood.name), XLSX))
    commit = box.get_by_role("button", name="ثبت مقادیر")
    try:
        commit.wait_for(timeout=30_000)
    except Exception as exc:  # say what the preview said instead
        raise AssertionError(box.inner_text()) from exc
    act(page, commit.click)
    expect(page.get_by_text("۲ مقدار ثبت شد").first).to_be_visible()  # flash and kept result
    with read_session(database_url) as s:
        (mine,) = [i for i in neighborhood_indicators(s, hood.id) if i.name == NAME]
        after = target_status_counts(s)
    assert [v.value for v in mine.values] == [45.0, 50.0]
    assert mine.status == "on_track"  # 50 by summer 1405 against 46.8 expected by then
    assert after["on_track"] == before["on_track"] + 1

    # The dossier: the trend against the target, with its status by mark and word.
    visit(page, f"{app_server}/dossier?id={hood.id}")
    card = (
        page.locator("[data-testid=stVerticalBlock]")
        .filter(has=page.locator(".ind-head", has_text=NAME))
        .last
    )
    expect(card.locator(".ind-head")).to_contain_text("▲ در مسیر هدف")
    expect(card.locator(".ind-head")).to_contain_text("هدف ۶۰")
    chart = card.locator("[data-testid=stVegaLiteChart]")
    expect(chart).to_be_visible()
    expect(chart.locator("canvas, svg").first).to_be_visible()
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("dossier-indicators-1366x768.png")))

    # The dossier's PDF says the same.
    with page.expect_download() as download:
        page.get_by_role("button", name="دریافت پرونده (PDF)").click()
    text = _pdf_text(Path(download.value.path()).read_bytes(), tmp_path)
    assert NAME in text and "در مسیر هدف" in text and "۴۵" in text and "۵۰" in text

    # The overview counts it among the targets on track.
    visit(page, app_server + "/overview")
    kpi = page.locator(".kpi").filter(has_text="در مسیر هدف")
    expect(kpi.locator(".v")).to_have_text(format_number(after["on_track"]))
    kpi.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("overview-indicators-1366x768.png")))

    # The projector: the neighborhood's slide, legible at 1280×720 from the back of a hall.
    page.set_viewport_size({"width": 1280, "height": 720})
    visit(page, f"{app_server}/projector?hood={hood.id}")
    slide = page.locator(".deck")
    expect(slide).to_contain_text(f"محله {hood.name}")
    expect(slide.locator(".pind").filter(has_text=NAME)).to_contain_text("▲ در مسیر هدف")
    sizes = slide.locator(".pind, .psum, .pproblems").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 24, sizes
    box = slide.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 720  # no scrolling for the slide
    page.screenshot(path=str(screenshot_path("projector-neighborhood-1280x720.png")))
