"""In Chromium, at 1366×768 and 1280×720: the Jalali picker stores the right Gregorian
date; numbers a person edits show Persian digits; the chart legend covers no bar; the
meeting's record drives a then → now slide; the ladder screen sends its letters.

The module runs its own app on its own database, since it records meetings and letters.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from data_layer import clock
from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.snapshots import freeze_meeting
from data_layer.db import read_session, write_session
from data_layer.jalali import format_jalali, local_today
from data_layer.models import Letter, Meeting, MeetingSnapshot, User
from data_layer.permissions import Actor
from data_layer.queries.ladder import due_today
from tests.browser.conftest import running_app, screenshot_path
from tests.browser.steps import act, choose, open_from_menu, open_tab, sign_in, visit
from tests.browser.test_projector_and_overview import (
    MEASURE_JS,
    MIN_FONT_PX,
    PROJECTOR_VIEWPORTS,
)
from tests.browser.test_projector_and_overview import _problems as slide_problems
from tests.conftest import Templates

SIZES = {"1366": {"width": 1366, "height": 768}, "1280": {"width": 1280, "height": 720}}
LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, str]]:
    """(web address, database URL) of this module's own app, on the sample province."""
    folder = tmp_path_factory.mktemp("widgets")
    url = templates.copy("seeded_url", folder / "dashboard.db")
    with running_app(url, folder / "app.log") as base:
        yield base, url


def _calendar(box: Locator) -> Locator:
    return box.locator("xpath=ancestor::*[contains(@class,'jcal-host')][1]")


@pytest.mark.parametrize("size", list(SIZES))
def test_the_picker_chooses_a_jalali_date_and_stores_the_right_day(
    page: Page, app: tuple[str, str], size: str
) -> None:
    base, url = app
    page.set_viewport_size(SIZES[size])
    sign_in(page, base, "dabir")
    open_from_menu(page, "پیگیری مصوبات", "جلسات")
    panel = open_tab(page, "جلسهٔ تازه")
    box = panel.get_by_label("تاریخ", exact=True)
    host = _calendar(box)
    # Esfand 1404 has 29 days: the calendar offers no 30th.
    box.fill("۱۴۰۴/۱۲/۰۱")
    host.get_by_role("button", name="تقویم").click()
    expect(host.locator(".jcal-title")).to_have_text("اسفند ۱۴۰۴")
    expect(host.locator(".jcal-day")).to_have_count(29)
    expect(host.get_by_role("button", name="۳۰ اسفند ۱۴۰۴")).to_have_count(0)
    # Back twelve months: Esfand 1403 has a 30th, and the week starts on Saturday.
    for _ in range(12):
        host.get_by_role("button", name="ماه پیش").click()
    expect(host.locator(".jcal-title")).to_have_text("اسفند ۱۴۰۳")
    expect(host.locator(".jcal-day")).to_have_count(30)
    expect(host.locator(".jcal-week span").first).to_have_text("ش")
    page.screenshot(path=str(screenshot_path(f"jalali-picker-{size}.png")))
    host.get_by_role("button", name="۳۰ اسفند ۱۴۰۳").click()
    expect(box).to_have_value("۱۴۰۳/۱۲/۳۰")
    number = 40 + int(size == "1280")
    panel.get_by_label("شماره جلسه", exact=True).fill(str(number))
    panel.get_by_label("رئیس جلسه", exact=True).fill("معاون استاندار")
    act(page, panel.get_by_role("button", name="ثبت جلسه").click)
    with read_session(url) as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == number)).one()
    assert meeting.held_on == date(2025, 3, 20)  # 1403/12/30


def _edited_numbers(page: Page) -> list[str]:
    """Every value a person can edit on the page: boxes, text areas, and grid cells (a
    web address aside: it is written as it is)."""
    values = page.evaluate(
        r"""() => [
            ...[...document.querySelectorAll('section.main input, section.main textarea,'
                + ' [data-testid=stMain] input, [data-testid=stMain] textarea')]
                .filter(e => !['file', 'password', 'checkbox', 'radio'].includes(e.type))
                // A web address (an evidence link) is typed as written, not a number.
                .filter(e => !/^https?:\/\//.test(e.value))
                .map(e => e.value),
            ...[...document.querySelectorAll('[data-testid=stDataFrame] td')]
                .map(c => c.textContent),
        ]"""
    )
    return [str(v) for v in values]


@pytest.mark.parametrize("size", list(SIZES))
def test_no_latin_digit_in_what_a_person_edits_on_my_agency_and_settings(
    page: Page, app: tuple[str, str], size: str
) -> None:
    base, _ = app
    page.set_viewport_size(SIZES[size])
    sign_in(page, base, "agency02")
    open_from_menu(page, "پیگیری مصوبات", "دستگاه من")
    grid = page.locator("[data-testid=stDataFrame]").first
    expect(grid).to_be_visible()
    expect(grid.locator("td").nth(20)).to_be_attached()  # the grid's cells, as text
    grid.screenshot(path=str(screenshot_path(f"my-agency-grid-{size}.png")))
    seen = _edited_numbers(page)
    open_tab(page, "فرم کامل یک ردیف")
    seen += _edited_numbers(page)
    assert any(re.search("[۰-۹]", v) for v in seen)
    assert not [v for v in seen if LATIN_DIGIT.search(v)], seen

    page.context.clear_cookies()
    sign_in(page, base, "dabir")
    open_from_menu(page, "مدیریت", "تنظیمات")
    expect(page.get_by_text("پلکان پیگیری: یادآوری‌ها و نامه به رئیس دستگاه")).to_be_visible()
    seen = _edited_numbers(page)
    assert any(re.search("[۰-۹]", v) for v in seen)
    assert not [v for v in seen if LATIN_DIGIT.search(v)], seen
    # No English hint under a box in a form («Press Enter to submit form»).
    page.get_by_label("گزارش تازه یعنی در چند روز اخیر").click()
    expect(page.locator("[data-testid=InputInstructions]:visible")).to_have_count(0)


LEGEND_AND_BARS = """svg => {
    const box = e => e.getBoundingClientRect();
    const legend = [...svg.querySelectorAll('.role-legend .role-legend-symbol path,'
        + ' .role-legend .role-legend-label text')].map(box);
    const bars = [...svg.querySelectorAll('.mark-rect path')].map(box)
        .filter(b => b.width > 0.5 && b.height > 0.5);
    const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
        && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const overlaps = legend.filter(l => bars.some(b => hit(l, b))).length;
    return [legend.length, bars.length, overlaps];
}"""


@pytest.mark.parametrize("size", list(SIZES))
def test_the_status_chart_legend_covers_no_bar(page: Page, app: tuple[str, str], size: str) -> None:
    base, _ = app
    page.set_viewport_size(SIZES[size])
    visit(page, f"{base}/")
    charts = page.locator("[data-testid=stVegaLiteChart] svg")
    expect(charts.first).to_be_visible()
    checked = 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        legend, bars, overlaps = chart.evaluate(LEGEND_AND_BARS)
        if legend and bars:
            checked += 1
            assert overlaps == 0, (i, legend, bars, overlaps)
    assert checked >= 1


def _actor(url: str, username: str) -> Actor:
    with read_session(url) as s:
        u = s.exec(select(User).where(User.username == username)).one()
        return Actor(int(u.id or 0), u.username, u.full_name, u.role, u.agency_id)


def test_the_record_drives_a_then_to_now_slide_and_the_ladder_sends_its_letters(
    page: Page, app: tuple[str, str], tmp_path: Path
) -> None:
    base, url = app
    dabir = _actor(url, "dabir")
    with read_session(url) as s:
        seventh = s.exec(select(Meeting).where(Meeting.number == 7)).one()
    with write_session(url) as s:  # meeting 7's record, replayed as of its start
        freeze_meeting(s, actor=dabir, meeting_id=int(seventh.id or 0), expected_version=None)
    with write_session(url) as s:
        eighth = create_meeting(
            s,
            actor=dabir,
            data=MeetingInput(
                number=8, held_on=local_today(), start_time="", place="استانداری", chair="معاون"
            ),
            now=clock.now() - timedelta(minutes=1),
        )
    page.set_viewport_size(SIZES["1366"])
    sign_in(page, base, "dabir")
    open_from_menu(page, "پیگیری مصوبات", "جلسات")
    panel = open_tab(page, "یک جلسه")
    choose(page, "جلسه", f"جلسه ۸ — {format_jalali(local_today())}", scope=panel)
    act(page, page.get_by_role("button", name="ثبت وضعیت پیگیری این جلسه").click)
    expect(page.get_by_text(re.compile("وضعیت ثبت‌شده در"))).to_be_visible()
    with read_session(url) as s:
        assert s.exec(select(MeetingSnapshot).where(MeetingSnapshot.meeting_id == eighth.id)).one()

    # The projector, in the session of meeting 8, reviews meeting 7 from its record.
    page.set_viewport_size(SIZES["1280"])
    visit(page, f"{base}/projector?slide=2")
    deck = page.locator(".deck")
    expect(deck).to_contain_text("آن روز ← اکنون: از جلسه ۷")
    expect(deck.locator("table.movement")).to_be_visible()
    page.screenshot(path=str(screenshot_path("projector-then-now-1280x720.png")))
    # The cover names the record's moment (.pstamp); read from the back of the room like
    # every slide: at both projector sizes, no text under 24 px, nothing clipped.
    for width, height in PROJECTOR_VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        visit(page, f"{base}/projector?slide=1")
        expect(deck.locator(".pstamp")).to_contain_text("وضعیت ثبت‌شده در")
        stamp_px = float(deck.locator(".pstamp").evaluate("e => getComputedStyle(e).fontSize")[:-2])
        assert stamp_px >= MIN_FONT_PX, (width, stamp_px)
        problems = slide_problems(page.evaluate(MEASURE_JS))
        assert not problems, f"{width}x{height}: " + "\n".join(problems)

    # The ladder screen: every due agency's letter in one click, registered, in one zip.
    with read_session(url) as s:
        due = due_today(s, local_today())
    page.set_viewport_size(SIZES["1366"])
    visit(page, f"{base}/letters")
    expect(page.get_by_text("پلکان پیگیری (")).to_be_visible()
    page.screenshot(path=str(screenshot_path("letters-ladder-1366.png")), full_page=True)
    act(page, page.get_by_role("button", name=re.compile("^ساخت و ثبت همهٔ")).click)
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("^دریافت zip")).click()
    bundle = tmp_path / "letters.zip"
    info.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as zf:
        assert len(zf.namelist()) == len(due)
    with read_session(url) as s:
        assert len(s.exec(select(Letter)).all()) == len(due)
