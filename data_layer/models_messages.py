"""Tables of what reaches people outside the app: their confirmed channels (email,
mobile) and the outbox every message goes through (see data_layer/sender.py).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from data_layer.models import _in, utcnow


class ChannelKind(StrEnum):
    """Where a message can go besides the app itself."""

    EMAIL = "email"
    SMS = "sms"


class MessageState(StrEnum):
    """An outbox message's life: queued → sending → sent, or failed after the limit."""

    QUEUED = "queued"
    SENDING = "sending"  # claimed by the sender; a crash leaves it here until its lease ends
    SENT = "sent"
    FAILED = "failed"


class ContactChannel(SQLModel, table=True):
    """A person's email address or mobile number, usable once confirmed with a code
    sent to it (only the code's hash is kept, with the tries left)."""

    __tablename__ = "contact_channel"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_channel_person_kind"),
        CheckConstraint(_in("kind", ChannelKind), name="ck_channel_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=10)
    address: str = Field(max_length=254)  # normalised: lower-case email, or 09xxxxxxxxx
    confirmed_at: datetime | None = None
    code_hash: str = Field(default="", max_length=128)
    code_sent_at: datetime | None = None
    tries_left: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class OutboxMessage(SQLModel, table=True):
    """One message to send, written in the transaction that decided to send it.

    `dedupe_key` (person, kind, day, channel — or the letter and its channel) is unique,
    so the same decision taken twice queues it once."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(_in("state", MessageState), name="ck_outbox_state"),
        CheckConstraint(_in("channel", ChannelKind), name="ck_outbox_channel"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=160, unique=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=20)  # "digest", "confirm", "letter"
    day: date
    channel: str = Field(max_length=10)
    address: str = Field(max_length=254)
    copy_to: str = Field(default="", max_length=254)  # the chair, on a ladder's last step
    subject: str = Field(default="", max_length=300)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    attachment: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    attachment_name: str = Field(default="", max_length=255)
    letter_id: int | None = Field(default=None, foreign_key="letter.id", index=True)
    state: str = Field(default=MessageState.QUEUED.value, max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)  # Persian, for the administrator
    provider_id: str = Field(default="", max_length=200)  # Message-ID or the gateway's id
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
