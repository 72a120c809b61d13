"""«حساب من» through AppTest: a person adds an email, confirms it with the code sent
to it, and a mobile number typed wrongly is refused with the reason."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models_messages import OutboxMessage
from tests.pages.conftest import messages, page_html, press, sign_in


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_FROM", "dabir@ostan.example")
    monkeypatch.setenv("SMS_PROVIDER", "webhook")
    monkeypatch.setenv("SMS_URL", "http://127.0.0.1:9/sms")


def test_an_email_is_added_and_confirmed_with_its_code(
    make_app: Callable[[str], AppTest], seeded_url: str, configured: None
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/account.py")
    at.text_input(key="address_email").input("Rabet2@Ostan.example")
    press(at, "ثبت و فرستادن کد", form="set_email").run()
    assert not at.exception and "در انتظار تأیید" in page_html(at)
    with read_session(seeded_url) as s:
        sent = s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())).first()
        assert sent is not None and sent.address == "Rabet2@ostan.example"
        code = re.search(r"\((\d{6})\)", sent.body_text).group(1)  # type: ignore[union-attr]
    at.text_input(key="code_email").input("۰" + code[1:] if code[0] == "0" else code)
    press(at, "تأیید", form="confirm_email").run()
    assert "نشانی تأیید شد" in " ".join(messages(at.success))
    assert "تأییدشده" in page_html(at)


def test_a_mobile_typed_wrongly_is_refused_and_nothing_is_kept(
    make_app: Callable[[str], AppTest], seeded_url: str, configured: None
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/account.py")
    at.text_input(key="address_sms").input("۰۲۱-۸۸۷۷۶۶۵۵")
    press(at, "ثبت و فرستادن کد", form="set_sms").run()
    assert "شمارهٔ همراه باید شمارهٔ ایران باشد" in " ".join(messages(at.error))
    with read_session(seeded_url) as s:
        assert s.exec(select(OutboxMessage)).all() == []


def test_with_nothing_configured_the_page_says_so(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/account.py")
    assert "ارسال ایمیل در این سامانه پیکربندی نشده است" in " ".join(c.value for c in at.caption)
