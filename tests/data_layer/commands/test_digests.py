"""The daily digests: one per person, channel and day, at the secretariat's hour, never on
a Friday or a listed holiday, nothing when nothing is due; Persian email (text and RTL
HTML with each item's link) over a real SMTP server, SMS within 134 characters."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import col, select

from data_layer.clock import LOCAL_TZ
from data_layer.commands.digests import (
    parse_holidays,
    set_digest_schedule,
    set_digest_templates,
    template_problems,
)
from data_layer.config import MailSettings
from data_layer.db import read_session, write_session
from data_layer.errors import ValidationError
from data_layer.models import Agency, Role, User
from data_layer.models_messages import ContactChannel, OutboxMessage
from data_layer.queries.digests import SMS_LIMIT
from data_layer.sender import Transports, decide_digests, send_due
from data_layer.transport.email import send_email
from tests.data_layer.commands import add_user
from tests.servers import smtp_server

SATURDAY = date(2026, 11, 28)
BASE = "https://dashboard.ostan.example"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


@pytest.fixture(autouse=True)
def public_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_PUBLIC_URL", BASE)


def reach(url: str, username: str, kind: str, address: str) -> int:
    """The person's confirmed channel."""
    with write_session(url) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        s.add(
            ContactChannel(
                user_id=user.id, kind=kind, address=address, confirmed_at=at(SATURDAY, 1)
            )
        )
        return int(user.id or 0)


def outbox(url: str) -> list[OutboxMessage]:
    with read_session(url) as s:
        return list(s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def test_one_digest_a_day_at_the_secretariats_hour(seeded_url: str) -> None:
    reach(seeded_url, "agency02", "email", "rabet2@ostan.example")
    assert decide_digests(seeded_url, at(SATURDAY, 7, 59)) == 0
    assert decide_digests(seeded_url, at(SATURDAY, 8, 0)) == 1
    assert decide_digests(seeded_url, at(SATURDAY, 8, 1)) == 0  # decided for today
    assert decide_digests(seeded_url, at(SATURDAY, 17)) == 0
    assert decide_digests(seeded_url, at(SATURDAY + timedelta(days=1), 8)) == 1
    # A clock moved backwards finds its day decided: nothing twice.
    assert decide_digests(seeded_url, at(SATURDAY, 9)) == 0
    keys = [m.dedupe_key for m in outbox(seeded_url)]
    assert len(keys) == len(set(keys)) == 2


def test_none_on_a_friday_or_a_holiday(seeded_url: str) -> None:
    reach(seeded_url, "agency02", "email", "rabet2@ostan.example")
    friday = SATURDAY - timedelta(days=1)
    assert decide_digests(seeded_url, at(friday, 9)) == 0
    bahman_22 = date(2027, 2, 11)  # 1405/11/22, a fixed solar holiday seeded by default
    assert decide_digests(seeded_url, at(bahman_22, 9)) == 0
    with write_session(seeded_url) as s:
        dabir = add_user(s, "dabir2", "دبیرخانه", Role.SECRETARIAT.value)
        set_digest_schedule(s, actor=dabir, hour=10, holidays_text="۰۱/۰۱ نوروز\n1405/09/08 تاسوعا")
    sunday = SATURDAY + timedelta(days=1)  # 1405/09/08, listed for this year only
    assert decide_digests(seeded_url, at(sunday, 11)) == 0
    monday = SATURDAY + timedelta(days=2)
    assert decide_digests(seeded_url, at(monday, 9)) == 0  # before the new hour
    assert decide_digests(seeded_url, at(monday, 10)) == 1
    assert outbox(seeded_url)[0].day == monday


def test_nothing_is_sent_when_nothing_is_due_or_there_is_no_channel(seeded_url: str) -> None:
    with write_session(seeded_url) as s:
        agency = Agency(name="دستگاه بی‌ردیف", short_name="بی‌ردیف")
        s.add(agency)
        s.flush()
        idle = add_user(s, "idle", "رابط بی‌کار", Role.AGENCY_EDITOR.value, agency.id)
        s.add(
            ContactChannel(
                user_id=idle.user_id,
                kind="email",
                address="idle@ostan.example",
                confirmed_at=at(SATURDAY, 1),
            )
        )
        s.add(
            ContactChannel(
                user_id=int(s.exec(select(User.id).where(User.username == "agency03")).one() or 0),
                kind="email",
                address="not-confirmed@ostan.example",
            )
        )
    assert decide_digests(seeded_url, at(SATURDAY, 8)) == 0
    assert outbox(seeded_url) == []


def test_the_email_lists_each_item_with_its_link_and_arrives_in_persian(seeded_url: str) -> None:
    reach(seeded_url, "agency02", "email", "rabet2@ostan.example")
    with smtp_server() as (port, box):
        settings = MailSettings("127.0.0.1", port, "none", "", "", "dabir@ostan.example", 5.0)
        done = send_due(
            seeded_url,
            transports=Transports(email=lambda m: send_email(settings, m)),
            now=lambda: at(SATURDAY, 8, 5),
        )
        assert (done.digests, done.sent) == (1, 1)
    [mail] = box.messages
    assert mail["Subject"] == "کارتابل شما در داشبورد کارگروه — ۱۴۰۵/۰۹/۰۷"
    html = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert 'dir="rtl"' in html and "معوق: جلسه" in html
    links = re.findall(r'href="([^"]+)"', html)
    rows = [link for link in links if "/my_agency?row=" in link]
    assert rows and all(link.startswith(BASE + "/my_agency?row=") for link in rows)
    assert f"{BASE}/inbox" in links and f"{BASE}/account" in links
    assert all(link.replace("&amp;", "&") in text for link in rows)  # the same links in text


def test_the_sms_fits_in_134_characters_with_one_link(seeded_url: str) -> None:
    with write_session(seeded_url) as s:
        user = s.exec(select(User).where(User.username == "agency02")).one()
        user.full_name = "سیدمحمدحسین " * 9  # a long name (120) is shortened, not the link
        s.add(user)
    reach(seeded_url, "agency02", "sms", "09121234567")
    assert decide_digests(seeded_url, at(SATURDAY, 8)) == 1
    [sms] = outbox(seeded_url)
    assert len(sms.body_text) <= SMS_LIMIT
    assert re.findall(r"https?://\S+", sms.body_text) == [f"{BASE}/inbox"]


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("subject", "کارتابل {نام}", "جای‌نمای ناشناختهٔ {نام}"),
        ("intro", "{name} و {agency}", "جای‌نمای ناشناختهٔ {agency}"),
        ("sms", "{name}، {count} کار در انتظار شماست", "{link}"),
        ("sms", "{link} " + "ب" * 120, "نویسه"),
        ("intro", "سلام {name", "جفت نیستند"),
        ("subject", "{0} کار", "جای‌نمای ناشناختهٔ {0}"),
    ],
)
def test_a_template_with_an_unknown_placeholder_is_refused_when_saved(
    db_url: str, name: str, text: str, why: str
) -> None:
    assert any(why in p.message for p in template_problems(name, text))
    with write_session(db_url) as s:
        dabir = add_user(s, "dabir2", "دبیرخانه", Role.SECRETARIAT.value)
    with write_session(db_url) as s, pytest.raises(ValidationError):
        set_digest_templates(s, actor=dabir, templates={name: text})


def test_the_secretariats_wording_is_used(seeded_url: str) -> None:
    with write_session(seeded_url) as s:
        dabir = add_user(s, "dabir2", "دبیرخانه", Role.SECRETARIAT.value)
        set_digest_templates(s, actor=dabir, templates={"sms": "{count} کار: {link}"})
    reach(seeded_url, "agency02", "sms", "09121234567")
    decide_digests(seeded_url, at(SATURDAY, 8))
    assert re.fullmatch(
        r"[۰-۹]+ کار: " + re.escape(BASE + "/inbox"), outbox(seeded_url)[0].body_text
    )


def test_holidays_are_read_in_any_digits_and_a_wrong_line_is_named() -> None:
    assert parse_holidays("۱۲/۲۹ ملی شدن نفت\n\n1/13\n1405/1/1") == ["01/13", "12/29", "1405/01/01"]
    with pytest.raises(ValidationError) as refused:
        parse_holidays("01/01\n13/01")
    assert "سطر ۲" in refused.value.errors[0].message


def test_an_address_grown_too_long_for_the_wording_falls_back_to_the_shortest(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reach(seeded_url, "agency02", "sms", "09121234567")
    monkeypatch.setenv("APP_PUBLIC_URL", "https://" + "d" * 100 + ".example")
    assert decide_digests(seeded_url, at(SATURDAY, 8)) == 1
    [sms] = outbox(seeded_url)
    assert len(sms.body_text) <= SMS_LIMIT and sms.body_text.endswith(".example/inbox")
