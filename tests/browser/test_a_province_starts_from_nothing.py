"""A province starts from an empty database, in a real Chromium, on SQLite and PostgreSQL:
the setup code from the server's log → the administrator and the province profile →
five agencies from Excel → their liaisons from Excel (and their sign-in sheets) → the
7th meeting's minutes → a liaison signs in with the one-time password, changes it and
updates a row → the follow-up letter carries the province's name and the head's title."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from playwright.sync_api import Page, expect
from sqlalchemy import select

from data_layer.db import dispose_engine, read_session
from data_layer.models import Agency, Assignment, Meeting, Resolution, User
from tests.browser.conftest import running_app, screenshot_path
from tests.browser.steps import (
    XLSX,
    act,
    choose,
    minutes_docx,
    open_from_menu,
    open_tab,
    sign_in,
    upload,
    visit,
)
from tests.conftest import _create_postgres_database, _drop_postgres_database

VIEWPORT = {"width": 1366, "height": 768}
ADMIN_PASSWORD = "ostan-admin-1405"
NEW_PASSWORD = "rabet-amoozesh-1405"
PROVINCE = "خراسان جنوبی"
GOVERNORATE = "استانداری خراسان جنوبی"
EDUCATION_HEAD = "مدیرکل محترم آموزش و پرورش استان خراسان جنوبی"
AGENCIES = [
    (
        "دفتر امور اجتماعی استانداری",
        "امور اجتماعی استانداری",
        "استانداری / فرمانداری",
        "مدیرکل محترم دفتر امور اجتماعی استانداری",
        "وزارت کشور؛ استانداری",
    ),
    ("اداره کل آموزش و پرورش", "آموزش و پرورش", "اداره کل", EDUCATION_HEAD, "آموزش و پرورش"),
    (
        "کانون پرورش فکری کودکان و نوجوانان",
        "کانون پرورش فکری",
        "اداره کل",
        "مدیرکل محترم کانون پرورش فکری",
        "کانون",
    ),
    ("اداره کل بهزیستی استان", "بهزیستی", "اداره کل", "", ""),
    ("کمیته امداد امام خمینی (ره) استان", "کمیته امداد", "بنیاد / نهاد عمومی", "", ""),
]
LIAISONS = [
    ("رابط امور اجتماعی", "social.rabet", "امور اجتماعی استانداری", "09151234501"),
    ("حسین محمدی", "edu.rabet", "آموزش و پرورش", "۰۹۱۵۱۲۳۴۵۰۲"),
    ("رابط کانون", "kanoon.rabet", "کانون پرورش فکری", ""),
    ("رابط بهزیستی", "behzisti.rabet", "بهزیستی", ""),
    ("رابط کمیته امداد", "emdad.rabet", "کمیته امداد", ""),
]


def _xlsx(header: list[str], rows: list[tuple[object, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return re.sub(r"\s+", " ", re.sub("[\u200c\u200e\u200f\u2066-\u2069]", "", out))


class Province:
    """A server started on an empty database, its log and its database."""

    def __init__(self, base: str, database_url: str, log: Path) -> None:
        self.base, self.database_url, self.log = base, database_url, log

    def setup_code(self) -> str:
        found = re.findall(r"^\s+([0-9a-f]{4}(?:-[0-9a-f]{4}){3})\s*$", self.log.read_text(), re.M)
        assert found, "the server printed no setup code"
        return found[-1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def province(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Province]:
    url = f"sqlite:///{tmp_path / 'dashboard.db'}" if request.param == "sqlite" else None
    url = url or _create_postgres_database()
    log = tmp_path / "server.log"
    try:
        with running_app(url, log, seed="none") as base:
            yield Province(base, url, log)
    finally:
        dispose_engine(url)
        if request.param == "postgresql":
            _drop_postgres_database(url)


def _set_up(page: Page, province: Province) -> None:
    visit(page, province.base)
    expect(page.get_by_role("heading", name="راه‌اندازی سامانه")).to_be_visible()
    form = page.locator("[data-testid='stForm']")
    form.get_by_label("کد راه‌اندازی", exact=True).fill(province.setup_code())
    form.get_by_label("نام استان", exact=True).fill(PROVINCE)
    form.get_by_label("نام استانداری (در سربرگ و نامه‌ها)", exact=True).fill(GOVERNORATE)
    form.get_by_label("نام و نام خانوادگی مدیر", exact=True).fill("مدیر سامانه استان")
    form.get_by_label("گذرواژه (دست‌کم ۱۰ نویسه)", exact=True).fill(ADMIN_PASSWORD)
    form.get_by_label("تکرار گذرواژه", exact=True).fill(ADMIN_PASSWORD)
    page.screenshot(path=str(screenshot_path("setup-1366.png")))
    act(page, form.get_by_role("button", name="راه‌اندازی").click)
    expect(page.get_by_text("راه‌اندازی کامل شد").first).to_be_visible()


def _make_secretariat(page: Page, province: Province) -> str:
    """The administrator makes the secretariat's account; its one-time password."""
    sign_in(page, province.base, "admin", ADMIN_PASSWORD)
    open_from_menu(page, "مدیریت", "کاربران")
    form = page.locator("[data-testid='stForm']").filter(has_text="ساخت حساب").first
    form.get_by_label("نام کاربری (حروف لاتین کوچک، رقم، . _ -)", exact=True).fill("dabir")
    form.get_by_label("نام و نام خانوادگی", exact=True).fill("دبیرخانه کارگروه")
    choose(page, "نقش", "دبیرخانه", scope=form)
    act(page, form.get_by_role("button", name="ساخت حساب").click)
    return page.locator("[data-testid='stCode'] code").first.inner_text().strip()


def _first_sign_in(page: Page, province: Province, username: str, once: str, new: str) -> None:
    """Sign in with a one-time password: only «حساب من» opens until it is changed."""
    visit(page, f"{province.base}/sign_in")
    page.get_by_label("نام کاربری", exact=True).fill(username)
    page.get_by_label("گذرواژه", exact=True).fill(once)
    act(page, page.get_by_role("button", name="ورود").click)
    expect(page.get_by_text("گذرواژهٔ شما یک‌بارمصرف است")).to_be_visible()
    expect(page.get_by_role("heading", name="حساب من")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    form = page.locator("[data-testid='stForm']")
    form.get_by_label("گذرواژهٔ فعلی", exact=True).fill(once)
    form.get_by_label("گذرواژهٔ تازه (دست‌کم ۱۰ نویسه)", exact=True).fill(new)
    form.get_by_label("تکرار گذرواژهٔ تازه", exact=True).fill(new)
    act(page, form.get_by_role("button", name="تغییر گذرواژه").click)
    expect(page.get_by_text("گذرواژه تغییر کرد").first).to_be_visible()
    expect(page.get_by_role("link", name="حساب من")).to_be_visible()  # the menu is back


def _sign_out(page: Page) -> None:
    act(page, page.get_by_role("link", name="حساب من").click)
    act(page, page.get_by_role("button", name="خروج از سامانه").click)


def _agencies_from_excel(page: Page) -> None:
    open_from_menu(page, "مدیریت", "دستگاه‌ها")
    panel = open_tab(page, "ورود از اکسل")
    header = ["نام کامل دستگاه", "نام کوتاه", "نوع دستگاه", "عنوان مخاطب نامه", "نام‌های دیگر"]
    act(page, lambda: upload(panel, "members.xlsx", _xlsx(header, AGENCIES), XLSX))
    expect(panel.get_by_text("۵ دستگاه بی‌خطا آمادهٔ ورود است.")).to_be_visible()
    act(page, panel.get_by_role("button", name="ورود همهٔ دستگاه‌ها").click)
    # Flashed at the top and kept above the fresh uploader.
    expect(page.get_by_text("۵ دستگاه وارد شد.").first).to_be_visible()


def _liaisons_from_excel(page: Page, tmp_path: Path) -> dict[str, str]:
    """The administrator imports the liaisons; username -> one-time password, read from
    the sign-in sheets the page hands out."""
    open_from_menu(page, "مدیریت", "کاربران")
    panel = open_tab(page, "ورود رابط‌ها از اکسل")
    header = ["نام و نام خانوادگی", "نام کاربری", "دستگاه", "تلفن همراه"]
    act(page, lambda: upload(panel, "liaisons.xlsx", _xlsx(header, LIAISONS), XLSX))
    act(page, panel.get_by_role("button", name="ساخت حساب‌ها").click)
    with page.expect_download() as info:
        page.get_by_role("button", name="دریافت برگه‌های همهٔ دستگاه‌ها (zip)").click()
    bundle = tmp_path / "sheets.zip"
    info.value.save_as(bundle)
    passwords: dict[str, str] = {}
    with zipfile.ZipFile(bundle) as zf:
        assert len(zf.namelist()) == len(LIAISONS)
        for member in zf.namelist():
            pdf = tmp_path / member
            pdf.write_bytes(zf.read(member))
            text = _pdf_text(pdf)
            assert GOVERNORATE.split()[-1] in text
            (username,) = [u for _, u, _, _ in LIAISONS if u in text]
            tokens = re.findall(r"(?<![\w.])[a-zA-Z2-9]{14}(?![\w.])", text)
            assert len(tokens) == 1, tokens
            passwords[username] = tokens[0]
    return passwords


def _minutes_as_meeting_7(page: Page) -> None:
    open_from_menu(page, "پیگیری مصوبات", "جلسات")
    panel = open_tab(page, "جلسهٔ تازه")
    panel.get_by_label("شماره جلسه", exact=True).fill("۷")
    panel.get_by_label("تاریخ", exact=True).fill("۱۴۰۲/۰۷/۲۹")
    panel.get_by_label("رئیس جلسه", exact=True).fill("معاون سیاسی، امنیتی و اجتماعی استانداری")
    act(page, panel.get_by_role("button", name="ثبت جلسه").click)
    expect(page.get_by_text("جلسه ۷ ثبت شد")).to_be_visible()
    panel = open_tab(page, "ورود مصوبات از صورتجلسه")
    choose(page, "مصوبات برای کدام جلسه است؟", "جلسه ۷ — ۱۴۰۲/۰۷/۲۹", scope=panel)
    act(page, lambda: upload(panel, "minutes-7.docx", minutes_docx()))
    expect(panel.get_by_text("جور نشد")).to_have_count(0)
    act(page, panel.get_by_role("button", name="ثبت ۱۴ مصوبه").click)
    expect(page.get_by_text("۱۴ مصوبه ثبت شد.")).to_be_visible()


def _liaison_updates_a_row(page: Page) -> None:
    open_from_menu(page, "پیگیری مصوبات", "دستگاه من")
    expect(page.get_by_role("heading", name="دستگاه من — آموزش و پرورش")).to_be_visible()
    page.get_by_role("tab", name="فرم کامل یک ردیف").click()
    choose(page, "ردیف", "جلسه ۷، مصوبه ۱۰ — ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)")
    form = page.locator("[data-testid='stForm']").first
    choose(page, "وضعیت", "در حال انجام", scope=form)
    form.get_by_label("پیشرفت ٪", exact=True).fill("40")
    form.get_by_label("گام بعدی", exact=True).fill("اعزام گروه دوم معلمان در آذر")
    act(page, form.get_by_role("button", name="ذخیرهٔ این ردیف").click)
    expect(page.get_by_text("ردیف ذخیره شد.")).to_be_visible()


def _letter_to_education(page: Page, tmp_path: Path, short_name: str) -> str:
    """Education's due letter from «نامه‌ها», numbered and registered; its text."""
    open_from_menu(page, "پیگیری مصوبات", "نامه‌ها")
    choose(page, "یا نامهٔ یک دستگاه", short_name)
    act(page, page.get_by_role("button", name="ساخت و ثبت این نامه", exact=True).click)
    zipped = page.get_by_role("button", name=re.compile("^دریافت zip ۱ نامه"))
    # By the keyboard: a table's hover toolbar above it can take a mouse click.
    with page.expect_download() as info:
        zipped.focus()
        page.keyboard.press("Enter")
    bundle = tmp_path / "letters.zip"
    info.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as zf:
        (member,) = zf.namelist()
        letter = tmp_path / "letter.pdf"
        letter.write_bytes(zf.read(member))
    return _pdf_text(letter)


def test_a_province_sets_itself_up_from_an_empty_database(
    page: Page, province: Province, tmp_path: Path
) -> None:
    page.set_viewport_size(VIEWPORT)
    _set_up(page, province)
    dabir_once = _make_secretariat(page, province)
    _sign_out(page)
    _first_sign_in(page, province, "dabir", dabir_once, "dabir-ostan-1405")
    _agencies_from_excel(page)
    _minutes_as_meeting_7(page)
    _sign_out(page)

    sign_in(page, province.base, "admin", ADMIN_PASSWORD)
    passwords = _liaisons_from_excel(page, tmp_path)
    _sign_out(page)

    _first_sign_in(page, province, "edu.rabet", passwords["edu.rabet"], NEW_PASSWORD)
    _liaison_updates_a_row(page)
    page.screenshot(path=str(screenshot_path("new-province-liaison-1366.png")))
    _sign_out(page)

    sign_in(page, province.base, "dabir", "dabir-ostan-1405")
    text = _letter_to_education(page, tmp_path, "آموزش و پرورش")
    assert "خراسان" in text and "جنوبی" in text
    # A first reminder goes to Education's liaison (step 3 to the registry's title of its
    # head: tests/data_layer/commands/test_ladder.py).
    assert "رابط" in text and "آموزش و پرورش" in text

    with read_session(province.database_url) as s:
        agencies = s.execute(select(Agency.short_name)).scalars().all()
        rows = s.execute(select(Assignment).join(Resolution).join(Meeting)).scalars().all()
        liaison = s.execute(select(User).where(User.username == "edu.rabet")).scalar_one()
    assert sorted(agencies) == sorted(a[1] for a in AGENCIES)
    assert len(rows) == 12 * 5 + 2 + 1  # «all members»: the five members on 1402/07/29
    assert not liaison.must_change_password and liaison.phone == "09151234502"
    assert any(r.progress == 40 and r.status == "in_progress" for r in rows)
