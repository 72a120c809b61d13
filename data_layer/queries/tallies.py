"""Counts the writes keep, read instead of counted: the claims waiting for the
secretariat per agency (`claim_tally`, moved by triggers on assignment in the writing
transaction; migration 0018), and the full recount they must always equal."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.models import Assignment, ClaimTally, Verification


def claims_waiting(session: Session) -> int:
    """Every claim not yet ruled on, from the tally: one row per agency is read,
    whatever the number of claims."""
    total = session.execute(select(func.sum(col(ClaimTally.waiting)))).scalar_one()
    return int(total or 0)


def claim_tally(session: Session) -> dict[int, int]:
    """agency id -> its claims waiting, as kept (agencies at zero left out)."""
    rows = session.execute(
        select(col(ClaimTally.agency_id), col(ClaimTally.waiting)).where(
            col(ClaimTally.waiting) != 0
        )
    ).all()
    return {int(a): int(n) for a, n in rows}


def claim_recount(session: Session) -> dict[int, int]:
    """agency id -> its claims waiting, counted row by row (every claim is read)."""
    rows = session.execute(
        select(col(Assignment.agency_id), func.count())
        .where(
            col(Assignment.withdrawn).is_(False),
            col(Assignment.reported_at).is_not(None),
            col(Assignment.verification) == Verification.UNVERIFIED.value,
        )
        .group_by(col(Assignment.agency_id))
    ).all()
    return {int(a): int(n) for a, n in rows}


def claim_tally_drift(session: Session) -> dict[int, tuple[int, int]]:
    """agency id -> (kept, counted) of every agency whose tally is wrong (empty: none)."""
    kept, counted = claim_tally(session), claim_recount(session)
    return {
        a: (kept.get(a, 0), counted.get(a, 0))
        for a in sorted(kept.keys() | counted.keys())
        if kept.get(a, 0) != counted.get(a, 0)
    }
