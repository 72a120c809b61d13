"""Three journeys in a real Chromium at 1366×768: an agency records a service and the
coverage matrix changes; the secretariat loads the next meeting's minutes from a Word
file; the secretariat downloads follow-up letters (one PDF, and a zip of all)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from data_layer.db import read_session
from data_layer.jalali import format_jalali, local_today, to_fa_digits
from data_layer.models import Letter, Meeting, Resolution
from data_layer.queries.ladder import due_today
from data_layer.seed_data import MEETING_7
from tests.browser.conftest import screenshot_path
from tests.browser.steps import (
    act,
    choose,
    expect_on_tab,
    minutes_docx,
    open_from_menu,
    open_tab,
    sign_in,
    upload,
    visit,
)

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def database_url(app_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app server's database, to count what a screen wrote (or did not write).

    conftest's app_server keeps its database at <basetemp>/app<N>/dashboard.db and
    yields only the URL of the web server; this finds that path.
    """
    base = tmp_path_factory.getbasetemp()
    # app0 (and its link appcurrent); the file itself appears on the first page load.
    found = sorted({p.resolve() / "dashboard.db" for p in base.glob("app*") if p.is_dir()})
    assert len(found) == 1, f"expected the app server's one database, found {found}"
    yield f"sqlite:///{found[0]}"


# --- helpers (as in test_follow_up_journey.py) ------------------------------------------


def _resolution_count(url: str, number: int) -> int:
    with read_session(url) as s:
        return int(
            s.execute(
                select(func.count(Resolution.id))
                .join(Meeting, Meeting.id == Resolution.meeting_id)
                .where(Meeting.number == number)
            ).scalar_one()
        )


def _next_number(url: str) -> int:
    """The number the «جلسهٔ تازه» form proposes: one after the highest stored."""
    with read_session(url) as s:
        return int(s.execute(select(func.max(Meeting.number))).scalar_one() or 0) + 1


def _pdf_text(path: Path) -> str:
    """pdftotext's reading, made comparable: no ZWNJ or bidi marks, NFKC.

    pdftotext gives the lam-alef ligature back as «ال» (reversed), so «لا» is
    folded to «ال» on both sides of a comparison; commas become spaces.
    """
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return _fold(out)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    text = re.sub("[،,:]", " ", text)  # pdftotext moves commas to the other side of a space
    return re.sub(r"\s+", " ", text.replace("لا", "ال")).strip()


# --- 1. a delivery changes the coverage matrix -------------------------------------------


def test_agency_records_a_delivery_and_the_coverage_matrix_changes(
    page: Page, app_server: str
) -> None:
    page.set_viewport_size(VIEWPORT)
    # The coverage screen is public; opening it by URL starts a signed-out session.
    visit(page, f"{app_server}/coverage")
    no_teacher = page.locator("td[data-level='none'][title^='پست معلم در ']")
    row = page.locator("tr[data-hood]").filter(has=no_teacher).first
    expect(row.locator("td[title^='پست معلم در ']")).to_contain_text("ندارد")
    hood_id = row.get_attribute("data-hood")
    hood_label = re.sub(r"\s+", " ", row.locator("th").inner_text()).strip()  # «نام (شهرستان)»

    sign_in(page, app_server, "agency02")
    expect(page.get_by_role("heading", name="کارتابل")).to_be_visible()
    act(page, page.get_by_role("link", name="به‌روزرسانی ردیف‌های دستگاه من").click)
    expect(page.get_by_role("heading", name="دستگاه من — آموزش و پرورش")).to_be_visible()

    panel = open_tab(page, "خدمات در محلات هدف")
    form = panel.locator("[data-testid='stForm']").first
    expect(form).to_contain_text("ثبت خدمت تازه")
    choose(page, "محله", hood_label, scope=form)
    choose(page, "خدمت", "پست معلم (نفر)", scope=form)
    form.get_by_label("مقدار (به واحد خدمت)").fill("۵۰۰")
    form.get_by_label("تعداد بهره‌مندان").fill("۱۲۰۰")
    form.get_by_label("توضیح (اختیاری)").fill("اعزام معلمان توانمند، مصوبه ۱۰ جلسه ۷")
    act(page, form.get_by_role("button", name="ثبت خدمت").click)
    expect(page.get_by_text("خدمت ثبت شد و در پوشش محله دیده می‌شود.")).to_be_visible()
    expect_on_tab(page, "خدمات در محلات هدف")
    # The agency's list of services gains the row (the grid's accessible rows): the one
    # with what was typed, whatever else the sample holds in that neighborhood.
    grid_rows = panel.locator("[data-testid='stDataFrame'] tr")
    new_row = (
        grid_rows.filter(has_text=hood_label)
        .filter(has_text="پست معلم")
        .filter(has_text=re.compile("۵۰۰(٫۰)? نفر"))
        .filter(has_text=re.compile("۱[٬,]?۲۰۰"))
    )
    expect(new_row).to_have_count(1)
    page.get_by_text("خدمت ثبت شد و در پوشش محله دیده می‌شود.").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("my-agency-services-1366.png")))

    open_from_menu(page, "محلات هدف", "پوشش خدمت")
    expect(page.get_by_role("heading", name="پوشش خدمت در محلات هدف")).to_be_visible()
    cell = page.locator(f"tr[data-hood='{hood_id}'] td[title^='پست معلم در ']")
    expect(cell).to_have_attribute("data-level", "met")
    expect(cell).to_contain_text("تأمین")
    cell.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("coverage-after-delivery-1366.png")))


# --- 2. the next meeting's minutes from a Word file -------------------------------------


def test_secretariat_creates_meeting_8_and_imports_its_minutes(
    page: Page, app_server: str, database_url: str
) -> None:
    page.set_viewport_size(VIEWPORT)
    today = format_jalali(local_today())
    # The next number after the highest stored (the browser modules of a worker share
    # one app server: on the sample province alone it is 8).
    n = _next_number(database_url)
    meeting_8 = f"جلسه {to_fa_digits(n)} — {today}"
    sign_in(page, app_server, "dabir")
    open_from_menu(page, "پیگیری مصوبات", "جلسات")
    expect(page.get_by_role("heading", name="جلسات و مصوبات")).to_be_visible()

    panel = open_tab(page, "جلسهٔ تازه")
    expect(panel.get_by_label("شماره جلسه")).to_have_value(to_fa_digits(n))
    expect(panel.get_by_label("تاریخ")).to_have_value(today)
    panel.get_by_label("رئیس جلسه").fill("معاون سیاسی، امنیتی و اجتماعی استانداری")
    act(page, panel.get_by_role("button", name="ثبت جلسه").click)
    expect(
        page.get_by_text(f"جلسه {to_fa_digits(n)} ثبت شد؛ اکنون مصوبات آن را وارد کنید.")
    ).to_be_visible()
    expect_on_tab(page, "جلسهٔ تازه")

    # A file with one owner no agency answers to: flagged, and nothing is written.
    panel = open_tab(page, "ورود مصوبات از صورتجلسه")
    choose(page, "مصوبات برای کدام جلسه است؟", meeting_8, scope=panel)
    expect_on_tab(page, "ورود مصوبات از صورتجلسه")  # though the message above has gone
    act(page, lambda: upload(panel, "minutes-8-draft.docx", minutes_docx({10: "ادارهٔ ناشناخته"})))
    flagged = panel.locator("[data-testid='stAlert']").filter(has_text="«ادارهٔ ناشناخته» جور نشد")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("کنار بگذارید")
    expect(panel.get_by_text("ضرورت اعزام معلمان توانمند")).to_be_visible()
    # Under it, a Persian picker with nothing chosen: the person must decide.
    fix = panel.locator("[data-testid='stSelectbox']").filter(has_text="ادارهٔ ناشناخته")
    expect(fix).to_contain_text("کدام دستگاه است")
    expect(fix.get_by_placeholder("دستگاه را انتخاب کنید یا نام را کنار بگذارید")).to_be_visible()
    expect(fix.get_by_placeholder("Choose an option")).to_have_count(0)
    before = _resolution_count(database_url, n)
    act(page, panel.get_by_role("button", name="ثبت ۱۴ مصوبه").click)
    error = panel.locator("[data-testid='stAlert']").filter(has_text="چیزی ذخیره نشد")
    expect(error).to_be_visible()
    expect(error).to_contain_text("ادارهٔ ناشناخته")
    assert _resolution_count(database_url, n) == before == 0

    # The real table: every owner matches; the preview lists the 14 resolutions.
    act(page, lambda: upload(panel, "minutes-8.docx", minutes_docx()))
    expect(panel.get_by_text("جور نشد")).to_have_count(0)
    for r in MEETING_7.resolutions:
        expect(panel.get_by_text(f"{to_fa_digits(r.number)}.", exact=True)).to_have_count(1)
    expect(panel.get_by_text("ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)")).to_be_visible()
    page.screenshot(path=str(screenshot_path("minutes-import-preview-1366.png")))
    act(page, panel.get_by_role("button", name="ثبت ۱۴ مصوبه").click)
    expect(page.get_by_text("۱۴ مصوبه ثبت شد.")).to_be_visible()
    expect_on_tab(page, "ورود مصوبات از صورتجلسه")
    assert _resolution_count(database_url, n) == 14

    panel = open_tab(page, "یک جلسه")
    choose(page, "جلسه", meeting_8, scope=panel)
    expect(panel.get_by_text("رئیس: معاون سیاسی، امنیتی و اجتماعی استانداری")).to_be_visible()
    grid = panel.locator("[data-testid='stDataFrame']").first
    expect(grid.locator("[role='grid']")).to_have_attribute("aria-rowcount", "15")  # + header
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path("meeting-8-resolutions-1366.png")))

    open_from_menu(page, "پیگیری مصوبات", "مصوبات")
    choose(page, "جلسه", meeting_8)
    expect(page.get_by_text("ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)").first).to_be_visible()


# --- 3. follow-up letters -----------------------------------------------------------------


def test_secretariat_sends_the_due_letters_of_the_ladder(
    page: Page, app_server: str, database_url: str, tmp_path: Path
) -> None:
    page.set_viewport_size(VIEWPORT)
    sign_in(page, app_server, "dabir")
    open_from_menu(page, "پیگیری مصوبات", "نامه‌ها")
    with read_session(database_url) as s:
        due = due_today(s, local_today())
    assert not due.empty

    # One agency's letter: numbered, registered, in a zip of one.
    name, short = due["name"].iloc[0], due["short_name"].iloc[0]
    choose(page, "یا نامهٔ یک دستگاه", short)
    act(page, page.get_by_role("button", name="ساخت و ثبت این نامه", exact=True).click)
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("^دریافت zip ۱ نامه")).click()
    bundle = tmp_path / info.value.suggested_filename
    info.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as zf:
        (member,) = zf.namelist()
        letter = tmp_path / member
        letter.write_bytes(zf.read(member))
    # A first reminder goes to the agency's liaison; each page's footer has the short name.
    assert _fold(short) in _pdf_text(letter) and _fold("رابط") in _pdf_text(letter)

    # Every other due agency's letter in one click, in one zip.
    rest = due.iloc[1:]
    build = page.get_by_role("button", name=f"ساخت و ثبت همهٔ {to_fa_digits(len(rest))} نامهٔ سررسید")
    act(page, build.click)
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("^دریافت zip")).click()
    bundle = tmp_path / info.value.suggested_filename
    info.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert len(names) == len(rest)
        for member in names:
            pdf = tmp_path / member
            pdf.write_bytes(zf.read(member))
            assert pdf.read_bytes().startswith(b"%PDF")
    with read_session(database_url) as s:
        numbers = sorted(s.execute(select(Letter.serial)).scalars())
    assert numbers == list(range(1, len(due) + 1)) and name
