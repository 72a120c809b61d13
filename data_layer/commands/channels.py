"""A person's own channels: add an email address or a mobile number, confirm it with
the code sent to it (a limited number of tries), or remove it. Nobody else edits them;
the administrator only sees which are confirmed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from data_layer import clock
from data_layer.commands.messages import queue_message
from data_layer.config import mail_settings, sms_settings
from data_layer.errors import ConflictError, UserFacingError
from data_layer.input.contact import normalise_address
from data_layer.jalali import to_ascii_digits, to_fa_digits
from data_layer.models_messages import ChannelKind, ContactChannel
from data_layer.permissions import Actor, check_person

CODE_TRIES = 5
CODE_LIFETIME = timedelta(minutes=30)
CODE_SUBJECT = "کد تأیید نشانی شما در داشبورد کارگروه"
KIND_WORDS = {ChannelKind.EMAIL.value: "ایمیل", ChannelKind.SMS.value: "پیامک"}


@dataclass(frozen=True)
class Confirmation:
    """How a typed code fared: confirmed, or the tries left (0: ask for a new code)."""

    confirmed: bool
    tries_left: int


def _hash(channel_id: int, address: str, code: str) -> str:
    return hashlib.sha256(f"{channel_id}:{address}:{code}".encode()).hexdigest()


def _configured(kind: str) -> bool:
    if kind == ChannelKind.EMAIL.value:
        return mail_settings().configured
    return sms_settings().configured


def add_channel(
    session: Session, *, actor: Actor, kind: str, typed: str, now: datetime | None = None
) -> ContactChannel:
    """Keep the address, unconfirmed, and queue a new code to it (it replaces the
    person's earlier address of that kind, which stops receiving until confirmed)."""
    now = now or clock.now()
    check_person(session, actor, now)
    address = normalise_address(kind, typed)
    if not _configured(kind):
        raise UserFacingError(
            f"ارسال {KIND_WORDS[kind]} در این سامانه پیکربندی نشده است؛ با مدیر سامانه تماس بگیرید."
        )
    channel = session.exec(
        select(ContactChannel).where(
            ContactChannel.user_id == actor.user_id, ContactChannel.kind == kind
        )
    ).first()
    channel = channel or ContactChannel(user_id=actor.user_id, kind=kind, address=address)
    code = f"{secrets.randbelow(1_000_000):06d}"
    channel.address, channel.confirmed_at = address, None
    channel.code_sent_at, channel.tries_left = now, CODE_TRIES
    channel.version = (channel.version or 0) + 1
    session.add(channel)
    session.flush()
    assert channel.id is not None
    channel.code_hash = _hash(channel.id, address, code)
    text = f"کد تأیید داشبورد کارگروه: {to_fa_digits(code)} ({code})"
    queue_message(
        session,
        key=f"confirm/{actor.user_id}/{kind}/{channel.version}",
        kind="confirm",
        day=clock.local_day(now),
        channel=kind,
        address=address,
        user_id=actor.user_id,
        subject=CODE_SUBJECT,
        body_text=text + "\nاگر شما این نشانی را وارد نکرده‌اید، این پیام را نادیده بگیرید.",
        now=now,
    )
    return channel


def confirm_channel(
    session: Session, *, actor: Actor, kind: str, code: str, now: datetime | None = None
) -> Confirmation:
    """Check a typed code (any digits); a wrong one uses up a try, and that is kept."""
    now = now or clock.now()
    check_person(session, actor, now)
    channel = session.exec(
        select(ContactChannel).where(
            ContactChannel.user_id == actor.user_id, ContactChannel.kind == kind
        )
    ).first()
    if channel is None or channel.id is None:
        raise ConflictError("نشانی‌ای برای تأیید نیست؛ نخست آن را وارد کنید.")
    if channel.confirmed_at is not None:
        return Confirmation(True, channel.tries_left)
    sent = channel.code_sent_at
    if channel.tries_left <= 0 or sent is None or not sent <= now <= sent + CODE_LIFETIME:
        raise UserFacingError("این کد دیگر پذیرفته نمی‌شود؛ «فرستادن کد تازه» را بزنید.")
    typed = to_ascii_digits(code).strip()
    if hmac.compare_digest(_hash(channel.id, channel.address, typed), channel.code_hash):
        channel.confirmed_at, channel.code_hash = now, ""
    else:
        channel.tries_left -= 1
    session.add(channel)
    return Confirmation(channel.confirmed_at is not None, channel.tries_left)


def remove_channel(session: Session, *, actor: Actor, kind: str) -> None:
    """Stop messages of this kind to the person."""
    check_person(session, actor, clock.now())
    channel = session.exec(
        select(ContactChannel).where(
            ContactChannel.user_id == actor.user_id, ContactChannel.kind == kind
        )
    ).first()
    if channel is not None:
        session.delete(channel)
