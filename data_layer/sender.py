"""The outbox's one sender: it claims a due message, sends it, and marks it.

- One sender at a time: on PostgreSQL the replica holding an advisory lock, on SQLite
  the process holding a file lock beside the database; the others skip their turn.
- A claim (state `sending`, attempts + 1) is committed before the send, the mark
  after it. A crash in between leaves the message `sending`; once its lease ends it is
  claimed again, so it goes at most one extra time (tests/data_layer/test_sender.py
  kills a sender there and counts).
- Each pass first queues the day's digests when it is their hour
  (data_layer/commands/digests.py), so they are decided by the one sender too.
- Each pass also pushes the province's approved publications to the national hub
  (data_layer/national/push.py), in the same turn.
- A failure is kept with its Persian reason and tried again after a growing wait
  (1, 2, 4, 8 minutes…); after MAX_ATTEMPTS, or at once when retrying cannot help (a
  refused address), the message is `failed` and the administrator's «پیام‌ها» shows it.

Run inside the server (launcher.py starts `start(url)`, a thread like the warmer's) or
from a timer: `python -m data_layer.sender --once` (deploy/dashboard-sender@.timer).
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, text
from sqlmodel import col

from data_layer import clock
from data_layer.commands.digests import plan_digests, queue_digests
from data_layer.config import get_settings, mail_settings, sms_settings
from data_layer.db import get_engine, read_session, write_session
from data_layer.models_messages import ChannelKind, MessageState, OutboxMessage
from data_layer.national.push import PushPass, push_due
from data_layer.transport import Outgoing, SendFailure
from data_layer.transport.email import send_email
from data_layer.transport.sms import send_sms

log = logging.getLogger("dashboard.sender")
LEASE = timedelta(minutes=10)  # a claim older than this was abandoned by a crash
MAX_ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)
LOCK_KEY = 7_220_022  # the advisory lock the sending replica holds (PostgreSQL)
NOT_CONFIGURED = {
    ChannelKind.EMAIL.value: "ارسال ایمیل پیکربندی نشده است (SMTP_HOST و SMTP_FROM).",
    ChannelKind.SMS.value: "ارسال پیامک پیکربندی نشده است (SMS_PROVIDER و SMS_URL).",
}

Send = Callable[[Outgoing], str]
CODE_SENT = "(کد تأیید فرستاده شد؛ متن آن نگه داشته نمی‌شود.)"


@dataclass
class Transports:
    """How each channel goes out (None: not configured)."""

    email: Send | None = None
    sms: Send | None = None

    @classmethod
    def from_environment(cls) -> Transports:
        """SMTP and the SMS gateway as the environment configures them."""
        mail, sms = mail_settings(), sms_settings()
        return cls(
            email=(lambda m: send_email(mail, m)) if mail.configured else None,
            sms=(lambda m: send_sms(sms, m)) if sms.configured else None,
        )

    def of(self, channel: str) -> Send | None:
        """The transport of a channel."""
        return self.email if channel == ChannelKind.EMAIL.value else self.sms


@dataclass
class Pass:
    """What one pass of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: bool = False  # another sender holds the turn
    digests: int = 0  # digests queued by this pass
    pushes: PushPass = field(default_factory=PushPass)  # publications pushed to the hub
    reasons: list[str] = field(default_factory=list)


def wait_after(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` tries (1, 2, 4 … minutes)."""
    return FIRST_WAIT * int(2 ** max(attempts - 1, 0))


@contextmanager
def sender_turn(url: str) -> Iterator[bool]:
    """Hold the one sender's turn for a pass; yields False when another process holds it."""
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            held = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
            )
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
        return
    database = engine.url.database or ""
    if not database or database == ":memory:":
        yield True
        return
    fd = os.open(f"{database}.sender", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _claim(url: str, now: datetime) -> tuple[int, str, str, Outgoing, int] | None:
    """The next due message, claimed: (id, kind, channel, what to send, attempts so far)."""
    due = or_(
        and_(
            col(OutboxMessage.state) == MessageState.QUEUED.value,
            col(OutboxMessage.next_attempt_at) <= now,
        ),
        and_(
            col(OutboxMessage.state) == MessageState.SENDING.value,
            col(OutboxMessage.claimed_at) < now - LEASE,
        ),
    )
    with write_session(url) as s:
        msg = s.execute(
            select(OutboxMessage)
            .where(due)
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(1)
        ).scalar_one_or_none()
        if msg is None or msg.id is None:
            return None
        msg.state, msg.claimed_at, msg.attempts = MessageState.SENDING.value, now, msg.attempts + 1
        s.add(msg)
        outgoing = Outgoing(
            to=msg.address,
            subject=msg.subject,
            text=msg.body_text,
            html=msg.body_html,
            copy_to=msg.copy_to,
            attachment=msg.attachment,
            attachment_name=msg.attachment_name,
        )
        return msg.id, msg.kind, msg.channel, outgoing, msg.attempts


def _mark(url: str, message_id: int, **values: object) -> None:
    with write_session(url) as s:
        msg = s.get(OutboxMessage, message_id)
        if msg is None or msg.state != MessageState.SENDING.value:
            return  # the administrator or another pass has moved it since
        for name, value in values.items():
            setattr(msg, name, value)
        s.add(msg)


def _failed(url: str, message_id: int, attempts: int, failure: SendFailure, now: datetime) -> bool:
    """Keep the reason; queue the next try, or give up. True when given up."""
    give_up = failure.permanent or attempts >= MAX_ATTEMPTS
    _mark(
        url,
        message_id,
        state=(MessageState.FAILED if give_up else MessageState.QUEUED).value,
        last_error=failure.reason[:500],
        next_attempt_at=now + wait_after(attempts),
    )
    return give_up


def decide_digests(url: str, now: datetime) -> int:
    """Queue today's digests if it is time and they are not queued yet; how many."""
    with read_session(url) as s:
        plan = plan_digests(s, now)
    if plan.why_not:
        return 0
    with write_session(url) as s:
        return queue_digests(s, plan, now)


def send_due(
    url: str,
    *,
    transports: Transports | None = None,
    now: Callable[[], datetime] = clock.now,
    limit: int = 200,
    digests: bool = True,
    national: bool = True,
) -> Pass:
    """One pass, if this process has the turn: queue today's digests when due, send
    every due message (at most `limit`), then push the due publications to the hub."""
    transports = transports or Transports.from_environment()
    done = Pass()
    with sender_turn(url) as mine:
        if not mine:
            done.skipped = True
            return done
        if digests:
            done.digests = decide_digests(url, now())
        for _ in range(limit):
            claimed = _claim(url, now())
            if claimed is None:
                break
            message_id, kind, channel, outgoing, attempts = claimed
            send = transports.of(channel)
            try:
                if send is None:
                    raise SendFailure(NOT_CONFIGURED[channel])
                provider_id = send(outgoing)
            except SendFailure as failure:
                done.reasons.append(failure.reason)
                if _failed(url, message_id, attempts, failure, now()):
                    done.failed += 1
                else:
                    done.retried += 1
                continue
            # A confirmation code is not kept once it has gone (only its hash is).
            forget = {"body_text": CODE_SENT} if kind == "confirm" else {}
            _mark(
                url,
                message_id,
                state=MessageState.SENT.value,
                provider_id=provider_id[:200],
                sent_at=now(),
                last_error="",
                **forget,
            )
            done.sent += 1
        if national:
            done.pushes = push_due(url, now=now)
    return done


# --- running it ----------------------------------------------------------------------------

EVERY_SECONDS = 30
_running: dict[str, tuple[threading.Event, threading.Thread, threading.Event]] = {}


def _loop(url: str, stop: threading.Event, woken: threading.Event) -> None:
    while not stop.is_set():
        woken.clear()
        try:
            send_due(url)
        except Exception:  # logged for the administrator; the next pass tries again
            log.exception("the sender's pass failed")
        woken.wait(EVERY_SECONDS)


def wake(url: str) -> None:
    """Start the next pass now (a code was just queued), if this process runs the sender."""
    running = _running.get(url)
    if running is not None:
        running[2].set()


def runs_in_server() -> bool:
    """Whether the server runs the sender (SENDER_IN_SERVER, default yes; "0" when a
    systemd timer runs `python -m data_layer.sender --once` instead)."""
    return os.environ.get("SENDER_IN_SERVER", "1").strip() not in ("0", "false", "no")


def start(url: str) -> None:
    """Run the sender in a thread of this process (once per database)."""
    if url in _running:
        return
    stop, woken = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=_loop, args=(url, stop, woken), name="outbox-sender", daemon=True
    )
    _running[url] = (stop, thread, woken)
    thread.start()


def stop(url: str, wait: float = 5.0) -> None:
    """Stop the thread `start` began."""
    running = _running.pop(url, None)
    if running is not None:
        running[0].set()
        running[2].set()
        running[1].join(wait)


def main(argv: list[str] | None = None) -> int:
    """`python -m data_layer.sender --once`: one pass (for a systemd timer)."""
    parser = argparse.ArgumentParser(description="Send the outbox's due messages once.")
    parser.add_argument("--once", action="store_true", required=True)
    parser.parse_args(argv)
    url = get_settings().database_url
    done = send_due(url)
    print(
        f"sent {done.sent}, retry later {done.retried}, failed {done.failed},"
        f" skipped {done.skipped}; national pushes: sent {done.pushes.sent},"
        f" retry later {done.pushes.retried}, failed {done.pushes.failed}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
