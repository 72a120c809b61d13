"""A person's own channels, as «حساب من» shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from data_layer.models_messages import ContactChannel


@dataclass(frozen=True)
class ChannelState:
    """One channel of the person: its address, whether confirmed, tries left."""

    kind: str
    address: str
    confirmed: bool
    tries_left: int
    code_sent_at: datetime | None


def channels_of(session: Session, user_id: int) -> dict[str, ChannelState]:
    """The person's channels by kind ("email", "sms")."""
    rows = session.exec(select(ContactChannel).where(ContactChannel.user_id == user_id)).all()
    return {
        c.kind: ChannelState(
            c.kind, c.address, c.confirmed_at is not None, c.tries_left, c.code_sent_at
        )
        for c in rows
    }
