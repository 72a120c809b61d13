"""The outbox and its one sender, against a real SMTP server and a real HTTP server in
the SMS gateway's place: sent once, retried with growing waits, failures in Persian,
and a sender killed between sending and marking sends one duplicate at most."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from data_layer import clock
from data_layer.commands.messages import queue_message, retry_message
from data_layer.config import MailSettings, SmsSettings
from data_layer.db import read_session, write_session
from data_layer.models import Role
from data_layer.models_messages import OutboxMessage
from data_layer.sender import LEASE, MAX_ATTEMPTS, Transports, send_due, sender_turn, wait_after
from data_layer.transport.email import send_email
from data_layer.transport.sms import send_sms
from tests.data_layer.commands import add_user
from tests.servers import kavenegar_error, kavenegar_ok, sms_gateway, smtp_server

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
DAY = date(2026, 11, 28)


def mail(port: int, password: str = "") -> MailSettings:
    return MailSettings(
        "127.0.0.1", port, "none", "dabir" if password else "", password, "dabir@ostan.example", 5.0
    )


def sms(url: str, provider: str = "kavenegar", timeout: float = 5.0) -> SmsSettings:
    return SmsSettings(provider, url, "KEY-123", "10004346", timeout)


def by_email(port: int, password: str = "") -> Transports:
    settings = mail(port, password)
    return Transports(email=lambda m: send_email(settings, m))


def by_sms(settings: SmsSettings) -> Transports:
    return Transports(sms=lambda m: send_sms(settings, m))


def queue(
    url: str,
    key: str,
    *,
    channel: str = "email",
    address: str = "rabet@ostan.example",
    **more: object,
) -> bool:
    with write_session(url) as s:
        return queue_message(
            s,
            key=key,
            kind="digest",
            day=DAY,
            channel=channel,
            address=address,
            subject="یادآوری: ۲ ردیف سررسید فردا",
            body_text="متن ساده",
            **more,  # type: ignore[arg-type]
        )


def stored(url: str) -> list[OutboxMessage]:
    with read_session(url) as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def later(by: timedelta) -> Callable[[], datetime]:
    moment = clock.now() + by
    return lambda: moment


def test_an_email_arrives_once_with_its_persian_subject_html_and_pdf(db_url: str) -> None:
    assert queue(
        db_url,
        "digest/1/2026-11-28/email",
        body_html="<p dir='rtl'>سلام</p>",
        attachment=PDF,
        attachment_name="نامه-۱۴۰۵-۱۲.pdf",
        copy_to="chair@ostan.example",
    )
    assert not queue(db_url, "digest/1/2026-11-28/email")  # the same decision again
    with smtp_server() as (port, box):
        done = send_due(db_url, transports=by_email(port))
        assert (done.sent, done.failed) == (1, 0)
        assert send_due(db_url, transports=by_email(port)).sent == 0  # nothing left
    [got] = box.messages
    assert got["Subject"] == "یادآوری: ۲ ردیف سررسید فردا"
    assert box.recipients[0] == ["rabet@ostan.example", "chair@ostan.example"]
    html = got.get_body(preferencelist=("html",))
    assert html is not None and "سلام" in html.get_content()
    [pdf] = list(got.iter_attachments())
    assert pdf.get_filename() == "نامه-۱۴۰۵-۱۲.pdf" and pdf.get_content() == PDF
    [row] = stored(db_url)
    assert row.state == "sent" and row.provider_id == got["Message-ID"] and row.attempts == 1


def test_a_refused_password_is_retried_with_growing_waits_then_given_up(db_url: str) -> None:
    queue(db_url, "k1")
    with smtp_server(password="right-one") as (port, box):
        waits = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            moment = clock.now() + timedelta(days=attempt)  # past any wait
            done = send_due(db_url, transports=by_email(port, "wrong-one"), now=lambda m=moment: m)
            [row] = stored(db_url)
            assert row.attempts == attempt
            assert "گذرواژه" in row.last_error
            waits.append(row.next_attempt_at - moment)
            assert row.state == ("failed" if attempt == MAX_ATTEMPTS else "queued")
        assert done.failed == 1 and not box.messages
    assert waits[:3] == [wait_after(1), wait_after(2), wait_after(3)]
    assert waits[0] < waits[1] < waits[2]
    # Nothing is tried before its wait is over.
    queue(db_url, "k2")
    with smtp_server(password="right-one") as (port, box):
        send_due(db_url, transports=by_email(port, "wrong-one"))
        assert send_due(db_url, transports=by_email(port, "right-one")).sent == 0
        later_on = later(wait_after(1) + timedelta(seconds=1))
        assert send_due(db_url, transports=by_email(port, "right-one"), now=later_on).sent == 1
        assert len(box.messages) == 1


def test_the_administrator_sends_a_failed_message_again(db_url: str) -> None:
    with write_session(db_url) as s:
        admin = add_user(s, "admin2", "مدیر", Role.ADMIN.value)
        liaison = add_user(s, "dabir2", "دبیرخانه", Role.SECRETARIAT.value)
    queue(db_url, "k1", channel="sms", address="09120000000")
    send_due(db_url, transports=Transports())  # SMS not configured: kept, tried again later
    [row] = stored(db_url)
    assert "پیامک پیکربندی نشده" in row.last_error
    with write_session(db_url) as s:
        s.get(OutboxMessage, row.id).state = "failed"  # type: ignore[union-attr]
    with write_session(db_url) as s, pytest.raises(Exception, match="مدیر سامانه"):
        retry_message(s, actor=liaison, message_id=int(row.id or 0))
    with write_session(db_url) as s:
        retry_message(s, actor=admin, message_id=int(row.id or 0))
    [row] = stored(db_url)
    assert (row.state, row.attempts) == ("queued", 0)


@pytest.mark.parametrize(
    ("answer", "state", "reason"),
    [
        (kavenegar_error(418), "queued", "اعتبار حساب سامانهٔ پیامک کافی نیست"),
        (kavenegar_error(411), "failed", "شمارهٔ گیرنده"),
        (kavenegar_error(403), "queued", "SMS_API_KEY"),
        ((503, None, 0.0), "queued", "خطای داخلی"),
        ((200, kavenegar_ok(1), 1.5), "queued", "در زمان مقرر پاسخ نداد"),
    ],
    ids=["no credit", "bad number", "bad key", "down", "slow"],
)
def test_the_gateways_documented_errors_end_as_persian_reasons(
    sqlite_url: str, answer: tuple[int, object, float], state: str, reason: str
) -> None:
    queue(sqlite_url, "k", channel="sms", address="09121234567")
    with sms_gateway() as gateway:
        gateway.script.append(answer)
        done = send_due(sqlite_url, transports=by_sms(sms(gateway.url, timeout=0.5)))
        assert done.sent == 0
    [row] = stored(sqlite_url)
    assert row.state == state and reason in row.last_error


def test_an_sms_goes_to_kavenegar_and_to_a_webhook(sqlite_url: str) -> None:
    queue(sqlite_url, "a", channel="sms", address="09121234567")
    with sms_gateway() as gateway:
        gateway.default = (200, kavenegar_ok(8812), 0.0)
        assert send_due(sqlite_url, transports=by_sms(sms(gateway.url))).sent == 1
        [request] = gateway.requests
        assert request["path"] == "/v1/KEY-123/sms/send.json"
        assert request["body"] == {
            "receptor": "09121234567",
            "message": "متن ساده",
            "sender": "10004346",
        }
    assert stored(sqlite_url)[0].provider_id == "8812"
    queue(sqlite_url, "b", channel="sms", address="09121234567")
    with sms_gateway() as gateway:
        gateway.default = (202, {"id": "w-1"}, 0.0)
        assert send_due(sqlite_url, transports=by_sms(sms(gateway.url, "webhook"))).sent == 1
        [request] = gateway.requests
        assert request["body"]["text"] == "متن ساده" and request["auth"] == "Bearer KEY-123"
    assert stored(sqlite_url)[1].provider_id == "w-1"


def test_one_sender_at_a_time(db_url: str) -> None:
    queue(db_url, "k")
    with smtp_server() as (port, box), sender_turn(db_url) as mine:
        assert mine
        # Another sender (a thread here stands for another replica or process).
        result: list[object] = []
        other = threading.Thread(
            target=lambda: result.append(send_due(db_url, transports=by_email(port)))
        )
        other.start()
        other.join()
        assert result[0].skipped and not box.messages  # type: ignore[attr-defined]


def test_a_sender_killed_between_sending_and_marking_sends_one_duplicate_at_most(
    db_url: str,
) -> None:
    for i in range(3):
        queue(db_url, f"k{i}", address=f"rabet{i}@ostan.example")
    with smtp_server() as (port, box):
        box.hold = threading.Event()  # the server keeps its "250 OK" until released
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none",
            "SMTP_FROM": "dabir@ostan.example",
        }
        sender = subprocess.Popen(
            [sys.executable, "-m", "data_layer.sender", "--once"], cwd=ROOT, env=env
        )
        try:
            assert box.arrived.wait(60), "the first message never reached the server"
            sender.send_signal(signal.SIGKILL)  # sent, not yet marked
            sender.wait(30)
        finally:
            box.hold.set()
        box.hold = None
        assert [r.state for r in stored(db_url)] == ["sending", "queued", "queued"]
        # Before its lease ends, nobody takes the abandoned message again.
        send_due(db_url, transports=by_email(port))
        assert len(box.to("rabet0@ostan.example")) == 1
        send_due(db_url, transports=by_email(port), now=later(LEASE + timedelta(minutes=1)))
    counts = [len(box.to(f"rabet{i}@ostan.example")) for i in range(3)]
    assert counts == [2, 1, 1]  # the one measured duplicate; nothing lost
    assert [r.state for r in stored(db_url)] == ["sent", "sent", "sent"]
