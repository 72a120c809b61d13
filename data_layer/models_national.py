"""Tables of what the province publishes to the national level: each approved
publication (its exact bytes, frozen) and the push of each to the national hub.

Conventions as in data_layer.models: aware UTC timestamps, short strings for states.
A publication is never changed or deleted; a push is written in the approval's own
transaction and moved only by the sender (data_layer/national/push.py).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from data_layer.models import _in, utcnow


class PushState(StrEnum):
    """A push's life: queued → sending → sent, or failed (a refusal, or the limit)."""

    QUEUED = "queued"
    SENDING = "sending"  # claimed by the sender; a crash leaves it here until its lease ends
    SENT = "sent"
    FAILED = "failed"


class NationalPublication(SQLModel, table=True):
    """One approved snapshot of the province's follow-up, frozen: its body's exact bytes
    (format province-snapshot/1), numbered +1 per province code."""

    __tablename__ = "national_publication"
    __table_args__ = (
        UniqueConstraint("province_code", "version", name="uq_publication_version"),
        CheckConstraint("version >= 1", name="ck_publication_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    province_code: str = Field(max_length=40)
    version: int
    published_at: datetime
    as_of: date
    content_sha256: str = Field(max_length=64)
    body_sha256: str = Field(max_length=64)
    size_bytes: int
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    approved_by_id: int = Field(foreign_key="app_user.id")


class NationalPush(SQLModel, table=True):
    """The delivery of one publication to the hub; `dedupe_key` (province:version) is
    unique, so one publication is never queued twice."""

    __tablename__ = "national_push"
    __table_args__ = (
        CheckConstraint(_in("state", PushState), name="ck_push_state"),
        Index("ix_push_due", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=80, unique=True)
    publication_id: int = Field(foreign_key="national_publication.id", index=True)
    state: str = Field(default=PushState.QUEUED.value, max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    hub_status: int | None = None  # the hub's last HTTP status
    last_error: str = Field(default="", max_length=500)  # Persian, for the administrator
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
