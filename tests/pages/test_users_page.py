"""«کاربران» through AppTest: the administrator creates an account."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import User
from tests.pages.conftest import press, sign_in


def test_admin_creates_an_agency_liaison_and_sees_the_password_once(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    at.text_input(key="nu_username").input("welfare.liaison")
    at.text_input(key="nu_full_name").input("مریم احمدی")
    at.selectbox(key="nu_role").set_value("agency_editor")
    agency = next(o for o in at.selectbox(key="nu_agency").options if o == "بهزیستی")
    at.selectbox(key="nu_agency").select(agency)
    press(at, "ساخت حساب").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    password = at.code[0].value
    assert len(password) >= 12
    with read_session(seeded_url) as s:
        user = s.exec(select(User).where(User.username == "welfare.liaison")).one()
        assert user.role == "agency_editor" and user.must_change_password
        assert password not in user.password_hash


def test_a_bad_username_is_refused_with_a_persian_message(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    at.text_input(key="nu_username").input("علی")
    at.text_input(key="nu_full_name").input("علی رضایی")
    press(at, "ساخت حساب").run()
    assert at.error and "نام کاربری" in at.error[0].value
    with read_session(seeded_url) as s:
        assert s.exec(select(User).where(User.full_name == "علی رضایی")).first() is None
