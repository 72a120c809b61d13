"""«کاربران» › «ورود رابط‌ها از اکسل» through AppTest: upload, preview, make the accounts,
then the sign-in sheets' download buttons, shown once."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlmodel import col, func, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import HistoryEntry, User
from tests.pages.conftest import messages, press, sign_in

HEADER = ["نام و نام خانوادگی", "نام کاربری", "دستگاه", "تلفن همراه"]
ROWS = [
    ["مریم احمدی", "behzisti.ahmadi", "بهزیستی", "۰۹۱۲۱۲۳۴۵۶۷"],
    ["علی رضایی", "varzesh.rezaei", "اداره کل ورزش و جوانان استان", ""],
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts(url: str) -> tuple[int, int]:
    with read_session(url) as s:
        return (
            s.exec(select(func.count()).select_from(User)).one(),
            s.exec(select(func.count()).select_from(HistoryEntry)).one(),
        )


def upload(at: AppTest, content: bytes, name: str = "liaisons.xlsx") -> AppTest:
    at.file_uploader(key="people_file_0").set_value((name, content, XLSX))
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_admin_imports_liaisons_and_downloads_their_sheets_once(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    assert at.download_button(key="people_template").label == "دریافت الگوی اکسل"
    upload(at, xlsx([[*HEADER, "گذرواژه"], *ROWS]))
    assert not at.error, messages(at.error)
    assert any("۲ رابط بی‌خطا" in m for m in messages(at.success))
    assert any("«گذرواژه»" in m for m in messages(at.info))  # nothing dropped unsaid
    before = counts(seeded_url)

    at.button(key="people_import").click().run()

    assert not at.exception and not at.error, messages(at.error)
    assert counts(seeded_url) == (before[0] + 2, before[1] + 2)
    with read_session(seeded_url) as s:
        made = s.exec(select(User).where(col(User.username).in_(["behzisti.ahmadi"]))).one()
        assert made.role == "agency_editor" and made.must_change_password
        assert made.phone == "09121234567"
    assert any("۲ حساب" in m for m in messages(at.success))
    assert any("فقط همین حالا" in m for m in messages(at.warning))
    archive = at.download_button(key="people_sheets_zip")
    assert archive.label.endswith("(zip)")
    sheets = [at.download_button(key=f"people_sheet_{n}") for n in (1, 2)]
    assert [b.label for b in sheets] == ["اداره کل بهزیستی استان", "اداره کل ورزش و جوانان استان"]
    # A fresh uploader: the file just imported is not read (and refused) again.
    assert at.file_uploader(key="people_file_1").value is None

    at.run()  # any later run of the page has forgotten the passwords
    assert not at.exception
    keys = [b.key for b in at.download_button]
    assert "people_sheets_zip" not in keys and "people_sheet_1" not in keys


def test_a_bad_file_lists_every_problem_and_offers_no_button(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    before = counts(seeded_url)
    rows = [["مریم احمدی", "agency01", "اداره کل هواشناسی", "123"]]
    upload(at, xlsx([HEADER, *rows]))
    assert any("۳ خطا" in m for m in messages(at.error))
    table = at.dataframe[-1].value
    assert list(table["ستون"]) == ["نام کاربری", "دستگاه", "تلفن همراه"]
    assert set(table["سطر"]) == {"۲"}
    assert all(m.startswith("سطر ۲: ") for m in table["خطا"])
    assert not [b for b in at.button if b.key == "people_import"]
    assert counts(seeded_url) == before


def test_a_username_taken_after_the_upload_is_caught_before_anything_is_made(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    upload(at, xlsx([HEADER, *ROWS]))
    assert [b for b in at.button if b.key == "people_import"]
    at.text_input(key="nu_username").input("varzesh.rezaei")  # «حساب تازه» takes the name
    at.text_input(key="nu_full_name").input("کسی دیگر")
    press(at, "ساخت حساب").run()
    before = counts(seeded_url)
    # The file is checked again on every run of the page: the row is refused by name.
    assert any("۱ خطا" in m for m in messages(at.error))
    [message] = at.dataframe[-1].value["خطا"]
    assert message.startswith("سطر ۳: ") and "varzesh.rezaei" in message
    assert not [b for b in at.button if b.key == "people_import"]
    assert counts(seeded_url) == before


def test_no_one_but_the_administrator_sees_the_import(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    for who in ("dabir", "agency01", "chair"):
        at = sign_in(make_app(seeded_url).run(), who, then="pages/users.py")
        assert any("مدیر سامانه" in m for m in messages(at.error)), who
        assert not at.file_uploader and not at.download_button, who
