"""A county governorate's proposed priority order of its neighborhoods (resolution 2 of
the 7th meeting), and the secretariat's decision on it.

Every sending is a row of its own and is never edited but for the decision, so the
rows of a county are its history: who proposed what and when, who accepted or returned
it, when and why. A returned proposal is revised by sending a new one that names it
(`revises_id`, unique: it is revised once). At most one proposal of a county waits for
a decision (a partial unique index, not a lock row).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from data_layer import clock


class ProposalState(StrEnum):
    """Where a proposal stands."""

    PENDING = "pending"  # sent, waiting for the secretariat
    ACCEPTED = "accepted"
    RETURNED = "returned"  # sent back with a reason; the county may revise it


PROPOSAL_STATE_LABELS: dict[str, str] = {
    ProposalState.PENDING: "در انتظار بررسی دبیرخانه",
    ProposalState.ACCEPTED: "پذیرفته شد",
    ProposalState.RETURNED: "برگشت داده شد",
}


class PriorityProposal(SQLModel, table=True):
    """One sending of a county's priority order, and the decision on it."""

    __tablename__ = "priority_proposal"
    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(repr(s.value) for s in ProposalState) + ")",
            name="ck_priority_proposal_state",
        ),
        Index(
            "uq_priority_proposal_pending",
            "county_id",
            unique=True,
            sqlite_where=sql_text("state = 'pending'"),
            postgresql_where=sql_text("state = 'pending'"),
        ),
        Index("ix_priority_proposal_county", "county_id", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    county_id: int = Field(foreign_key="county.id")
    state: str = Field(default=ProposalState.PENDING.value, max_length=20)
    revises_id: int | None = Field(default=None, foreign_key="priority_proposal.id", unique=True)
    sent_by_id: int = Field(foreign_key="app_user.id")
    sent_at: datetime = Field(default_factory=clock.now)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = None
    decision_reason: str = Field(default="", max_length=1000)
    version: int = 1  # a decision or a revision names the version it saw
    is_sample: bool = False


class PriorityProposalItem(SQLModel, table=True):
    """One neighborhood's place in a proposal, with the county's short reason."""

    __tablename__ = "priority_proposal_item"
    __table_args__ = (
        UniqueConstraint("proposal_id", "rank", name="uq_priority_proposal_rank"),
        CheckConstraint("rank >= 1", name="ck_priority_proposal_rank"),
    )

    proposal_id: int = Field(foreign_key="priority_proposal.id", primary_key=True)
    neighborhood_id: int = Field(foreign_key="neighborhood.id", primary_key=True)
    rank: int
    reason: str = Field(max_length=300)
    is_sample: bool = False
