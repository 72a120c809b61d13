"""The national hub's tables: the provinces it registers, every snapshot version each
one published, and the log of what arrived (or failed to). They live in the same
schema as a province's tables and stay empty in a province."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from data_layer.models import utcnow


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class IngestVia(StrEnum):
    """How a snapshot reached the hub."""

    PUSH = "push"  # the province POSTed it
    PULL = "pull"  # the hub's scheduled job fetched it


class IngestOutcome(StrEnum):
    """What became of one attempt."""

    STORED = "stored"  # a new version kept
    SAME = "same"  # the version already held, same content: nothing to do
    REFUSED = "refused"  # bad token, signature, checksum, format, older version, size
    FAILED = "failed"  # the province could not be reached, or answered with an error


class HubProvince(SQLModel, table=True):
    """A province the hub receives snapshots from. Its token is never stored: the hub
    keeps its sha256 (to check a push) and a salt from which, with HUB_TOKEN_KEY from
    the environment, the same token is derived again when the hub pulls."""

    __tablename__ = "hub_province"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)  # ascii slug, as in the snapshot
    name: str = Field(max_length=120)
    pull_url: str = Field(default="", max_length=500)  # "" : the province only pushes
    token_salt: str = Field(max_length=64)
    token_hash: str = Field(max_length=64, unique=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1


class HubSnapshot(SQLModel, table=True):
    """One published version of a province's snapshot; never changed or deleted.
    `summary` holds the figures the national page reads; the exact body is kept apart in
    hub_snapshot_body, so reading the summaries never walks a body (SQLite keeps a long
    value in a chain of pages that reading a later column of its row would walk)."""

    __tablename__ = "hub_snapshot"
    __table_args__ = (
        UniqueConstraint("province_id", "version", name="uq_hub_snapshot_version"),
        CheckConstraint(_in("via", IngestVia), name="ck_hub_snapshot_via"),
        CheckConstraint("version >= 1", name="ck_hub_snapshot_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    province_id: int = Field(foreign_key="hub_province.id")
    version: int
    published_at: datetime
    as_of: date
    received_at: datetime = Field(default_factory=utcnow)
    via: str = Field(max_length=10)
    content_sha256: str = Field(max_length=64)
    size: int
    summary: str = Field(sa_column=Column(Text, nullable=False))


class HubSnapshotBody(SQLModel, table=True):
    """A kept version's exact body as the province sent it (read only to open that
    version), one row per hub_snapshot row, written in the same transaction."""

    __tablename__ = "hub_snapshot_body"

    snapshot_id: int = Field(foreign_key="hub_snapshot.id", primary_key=True)
    body: str = Field(sa_column=Column(Text, nullable=False))


class HubIngestLog(SQLModel, table=True):
    """One attempt to receive or fetch a snapshot, with its Persian outcome for the
    hub's administrator (written in a transaction of its own, so a refusal is kept)."""

    __tablename__ = "hub_ingest_log"
    __table_args__ = (
        CheckConstraint(_in("via", IngestVia), name="ck_hub_log_via"),
        CheckConstraint(_in("outcome", IngestOutcome), name="ck_hub_log_outcome"),
        Index("ix_hub_ingest_log_at", "at"),
        Index("ix_hub_ingest_log_province", "province_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    province_id: int | None = Field(default=None, foreign_key="hub_province.id")
    via: str = Field(max_length=10)
    outcome: str = Field(max_length=10)
    http_status: int | None = None
    version: int | None = None
    message: str = Field(sa_column=Column(Text, nullable=False))
