"""Reads of the outbox and the people's channels, for the administrator."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.models import User
from data_layer.models_messages import ContactChannel, OutboxMessage

MESSAGE_COLUMNS = [
    "id",
    "state",
    "kind",
    "channel",
    "address",
    "person",
    "subject",
    "attempts",
    "next_attempt_at",
    "last_error",
    "provider_id",
    "created_at",
    "sent_at",
]


def message_counts(session: Session) -> dict[str, int]:
    """How many messages are in each state."""
    rows = session.execute(
        select(col(OutboxMessage.state), func.count(col(OutboxMessage.id))).group_by(
            col(OutboxMessage.state)
        )
    ).all()
    return {str(state): int(n) for state, n in rows}


def outbox_messages(session: Session, state: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The newest messages (of one state, if given), with whom each is for."""
    stmt = (
        select(
            col(OutboxMessage.id),
            col(OutboxMessage.state),
            col(OutboxMessage.kind),
            col(OutboxMessage.channel),
            col(OutboxMessage.address),
            col(User.full_name),
            col(OutboxMessage.subject),
            col(OutboxMessage.attempts),
            col(OutboxMessage.next_attempt_at),
            col(OutboxMessage.last_error),
            col(OutboxMessage.provider_id),
            col(OutboxMessage.created_at),
            col(OutboxMessage.sent_at),
        )
        .outerjoin(User, col(User.id) == col(OutboxMessage.user_id))
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
    )
    if state is not None:
        stmt = stmt.where(col(OutboxMessage.state) == state)
    return pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=MESSAGE_COLUMNS)


def confirmed_channels(session: Session) -> pd.DataFrame:
    """Every active person and the channels each has confirmed (email, sms: the address
    or "")."""
    people = session.execute(
        select(col(User.id), col(User.full_name), col(User.username), col(User.role))
        .where(col(User.active).is_(True))
        .order_by(col(User.full_name))
    ).all()
    channels = session.execute(
        select(
            col(ContactChannel.user_id), col(ContactChannel.kind), col(ContactChannel.address)
        ).where(col(ContactChannel.confirmed_at).is_not(None))
    ).all()
    found: dict[tuple[int, str], str] = {(int(u), str(k)): str(a) for u, k, a in channels}
    return pd.DataFrame(
        [
            (
                int(i),
                name,
                username,
                role,
                found.get((int(i), "email"), ""),
                found.get((int(i), "sms"), ""),
            )
            for i, name, username, role in people
        ],
        columns=["user_id", "full_name", "username", "role", "email", "sms"],
    )
