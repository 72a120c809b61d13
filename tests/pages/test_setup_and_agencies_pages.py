"""First-run setup, the province profile and the agency registry through AppTest."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Agency, ProvinceProfile, User
from data_layer.setup import setup_code
from tests.pages.conftest import page_html, press, sign_in


def test_an_empty_database_opens_on_setup_and_setup_makes_the_province(
    make_app: Callable[[str], AppTest], bare_url: str
) -> None:
    at = make_app(bare_url).run()
    assert not at.exception
    assert "راه‌اندازی سامانه" in page_html(at)
    assert not at.tabs  # nothing but the setup form
    code = setup_code(bare_url)
    assert code is not None
    at.text_input(key="setup_code").input("wrong-code")
    at.text_input(key="setup_province").input("خراسان جنوبی")
    at.text_input(key="setup_governorate").input("استانداری خراسان جنوبی")
    at.text_input(key="setup_full_name").input("مدیر سامانه")
    at.text_input(key="setup_pw").input("a-strong-password-1")
    at.text_input(key="setup_pw_again").input("a-strong-password-1")
    press(at, "راه‌اندازی").run()
    assert at.error and "کد راه‌اندازی درست نیست" in at.error[0].value
    with read_session(bare_url) as s:
        assert s.exec(select(User)).first() is None
    at.text_input(key="setup_code").input(code)
    press(at, "راه‌اندازی").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session(bare_url) as s:
        profile = s.get(ProvinceProfile, 1)
        admin = s.exec(select(User)).one()
    assert profile is not None and profile.governorate == "استانداری خراسان جنوبی"
    assert admin.role == "admin"
    assert "راه‌اندازی کامل شد" in "".join(e.value for e in at.success)


def test_the_secretariat_registers_an_agency_and_the_admin_only_reads(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/agencies.py")
    assert not at.exception
    at.text_input(key="agency_new_name").input("اداره کل هواشناسی استان")
    at.text_input(key="agency_new_short").input("هواشناسی")
    at.text_input(key="agency_new_head").input("مدیرکل محترم هواشناسی استان")
    press(at, "ثبت دستگاه").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        weather = s.exec(select(Agency).where(Agency.short_name == "هواشناسی")).one()
    assert weather.head_title == "مدیرکل محترم هواشناسی استان"
    at.text_input(key="agency_new_name").input("اداره كل هواشناسي استان")
    at.text_input(key="agency_new_short").input("هواشناسي")
    press(at, "ثبت دستگاه").run()
    assert at.error and "همان نام دستگاه" in at.error[0].value
    admin = sign_in(make_app(seeded_url).run(), "admin", then="pages/agencies.py")
    assert not admin.exception
    assert all(b.disabled for b in admin.button if b.label in ("ثبت دستگاه", "ثبت"))


def test_the_registry_lists_every_agency_under_eight_named_headers(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/agencies.py")
    table = next(m.value for m in at.markdown if 'class="grid registry"' in m.value)
    head = table[table.index("<thead>") : table.index("</thead>")]
    headers = [h.split("</th>")[0] for h in head.split("<th>")[1:]]
    assert headers == [
        "ترتیب",
        "نام کامل",
        "نام کوتاه",
        "نوع",
        "وضعیت",
        "دوره‌های عضویت",
        "عنوان مخاطب نامه",
        "نام‌های دیگر",
    ]
    with read_session(seeded_url) as s:
        count = len(s.exec(select(Agency)).all())
    assert table.count("<tr>") == count + 1  # the header row and one row an agency
