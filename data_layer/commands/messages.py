"""The outbox's writes: a message is queued in the transaction that decides to send it,
once per key; the administrator sends a failed one again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from data_layer.errors import ConflictError, NotFound
from data_layer.models import utcnow
from data_layer.models_messages import MessageState, OutboxMessage
from data_layer.permissions import Action, Actor, require


def queue_message(
    session: Session,
    *,
    key: str,
    kind: str,
    day: date,
    channel: str,
    address: str,
    body_text: str,
    user_id: int | None = None,
    subject: str = "",
    body_html: str = "",
    copy_to: str = "",
    attachment: bytes | None = None,
    attachment_name: str = "",
    letter_id: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Queue one message unless its key is already in the outbox; True when queued.

    INSERT … ON CONFLICT DO NOTHING: two deciders racing on one key queue it once, and
    neither transaction fails."""
    values: dict[str, object] = {
        "dedupe_key": key,
        "user_id": user_id,
        "kind": kind,
        "day": day,
        "channel": channel,
        "address": address,
        "copy_to": copy_to,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "attachment": attachment,
        "attachment_name": attachment_name,
        "letter_id": letter_id,
    }
    return queue_messages(session, [values], now=now) == 1


QUEUED_DEFAULTS = {"copy_to": "", "subject": "", "body_html": "", "attachment": None}
CHUNK = 400  # rows per INSERT (SQLite allows 32,766 bound values; a row binds 22)


def queue_messages(
    session: Session, messages: Sequence[dict[str, object]], *, now: datetime | None = None
) -> int:
    """Queue many messages in as few statements as possible; how many were new (a key
    already in the outbox is skipped: INSERT … ON CONFLICT DO NOTHING)."""
    moment = now or utcnow()
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    rows = [
        {
            "user_id": None,
            "attachment_name": "",
            "letter_id": None,
            **QUEUED_DEFAULTS,
            **m,
            "state": MessageState.QUEUED.value,
            "attempts": 0,
            "next_attempt_at": moment,
            "last_error": "",
            "provider_id": "",
            "created_at": moment,
        }
        for m in messages
    ]
    queued = 0
    for start in range(0, len(rows), CHUNK):
        stmt = (
            insert(OutboxMessage)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(col(OutboxMessage.id))
        )
        queued += len(session.execute(stmt).all())
    return queued


def retry_message(session: Session, *, actor: Actor, message_id: int) -> None:
    """Send a failed message again (attempts start over); anything else is refused."""
    require(session, actor, Action.MANAGE_MESSAGES)
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("این پیام دیگر در صف پیام‌ها نیست.")
    if message.state != MessageState.FAILED.value:
        raise ConflictError("این پیام دیگر «ناموفق» نیست؛ فهرست را دوباره بخوانید.")
    moved = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.state) == "failed")
        .values(state=MessageState.QUEUED.value, attempts=0, next_attempt_at=utcnow())
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        raise ConflictError("این پیام دیگر «ناموفق» نیست؛ فهرست را دوباره بخوانید.")
