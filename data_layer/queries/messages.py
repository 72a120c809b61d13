"""Reads of the outbox and the people's channels, for the administrator."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.models import Letter, User
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


def letter_deliveries(session: Session) -> dict[int, dict[str, str]]:
    """Each emailed letter's latest message: address, state, message id."""
    rows = session.execute(
        select(
            col(OutboxMessage.letter_id),
            col(OutboxMessage.address),
            col(OutboxMessage.state),
            col(OutboxMessage.provider_id),
        )
        .where(col(OutboxMessage.letter_id).is_not(None))
        .order_by(col(OutboxMessage.id))
    ).all()
    return {
        int(letter_id): {"address": address, "state": state, "message_id": provider_id}
        for letter_id, address, state, provider_id in rows
    }


def last_letter_addresses(session: Session, agency_id: int) -> tuple[str, str]:
    """The address the agency's last emailed letter went to, and the last chair copy."""
    to = session.execute(
        select(col(OutboxMessage.address))
        .join(Letter, col(Letter.id) == col(OutboxMessage.letter_id))
        .where(col(Letter.agency_id) == agency_id)
        .order_by(col(OutboxMessage.id).desc())
        .limit(1)
    ).scalar()
    chair = session.execute(
        select(col(OutboxMessage.copy_to))
        .where(col(OutboxMessage.letter_id).is_not(None), col(OutboxMessage.copy_to) != "")
        .order_by(col(OutboxMessage.id).desc())
        .limit(1)
    ).scalar()
    return str(to or ""), str(chair or "")
