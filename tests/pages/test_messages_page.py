"""«پیام‌ها» through AppTest: the administrator sees the outbox and sends a failed
message again; with nothing configured the screen says the app works in-app only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.commands.messages import queue_message
from data_layer.db import read_session, write_session
from data_layer.models_messages import OutboxMessage
from tests.pages.conftest import messages, page_html, press, sign_in


@pytest.fixture
def failed_one(seeded_url: str) -> int:
    with write_session(seeded_url) as s:
        queue_message(
            s,
            key="digest/x/2026-11-28/sms",
            kind="digest",
            day=date(2026, 11, 28),
            channel="sms",
            address="09121234567",
            body_text="<b>متن</b>",
        )
        row = s.exec(select(OutboxMessage)).one()
        row.state, row.attempts = "failed", 5
        row.last_error = "اعتبار حساب سامانهٔ پیامک کافی نیست. (کد ۴۱۸) <script>"
        s.add(row)
        return int(row.id or 0)


def test_the_administrator_sees_why_a_message_failed_and_sends_it_again(
    make_app: Callable[[str], AppTest], seeded_url: str, failed_one: int
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/messages.py")
    body = page_html(at)
    assert "سامانه فقط درون خود (کارتابل) کار می‌کند" in " ".join(messages(at.info))
    assert "اعتبار حساب سامانهٔ پیامک کافی نیست" in body and "<script>" not in "".join(
        m.value for m in at.markdown
    )
    at.button(key=f"retry_{failed_one}").click().run()
    assert not at.exception
    assert "دوباره در صف" in " ".join(messages(at.success))
    with read_session(seeded_url) as s:
        row = s.get(OutboxMessage, failed_one)
        assert row is not None and (row.state, row.attempts) == ("queued", 0)


def test_the_secretariat_inbox_shows_the_failed_messages(
    make_app: Callable[[str], AppTest], seeded_url: str, failed_one: int
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/inbox.py")
    assert "۱ پیام فرستاده نشد" in page_html(at)


def test_a_liaison_cannot_open_the_messages(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/messages.py")
    assert "مدیر سامانه" in " ".join(messages(at.error))


def test_the_secretariat_saves_the_wording_and_an_unknown_placeholder_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/settings.py")
    at.text_input(key="tpl_sms").input("{name}: {count} کار در {محل} — {link}")
    press(at, "ذخیرهٔ متن‌ها", form="digest_templates").run()
    assert "جای‌نمای ناشناختهٔ {محل}" in " ".join(messages(at.error))
    at.text_input(key="tpl_sms").input("{count} کار در کارتابل: {link}")
    press(at, "ذخیرهٔ متن‌ها", form="digest_templates").run()
    assert "متن یادآوری‌ها ذخیره شد" in " ".join(messages(at.success))
    at.text_area(key="digest_holidays").input("۰۱/۰۱\n۱۴۰۵/۱۳/۰۱")
    press(at, "ذخیرهٔ زمان‌بندی", form="digest_schedule").run()
    assert "سطر ۲" in " ".join(messages(at.error))


def test_the_secretariat_reads_the_failures_but_leaves_retries_and_addresses_to_the_admin(
    make_app: Callable[[str], AppTest], seeded_url: str, failed_one: int
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/messages.py")
    assert "اعتبار حساب سامانهٔ پیامک کافی نیست" in page_html(at)
    assert not [b for b in at.button if str(b.key).startswith("retry_")]
    assert "راه‌های تأییدشدهٔ افراد" not in page_html(at)
