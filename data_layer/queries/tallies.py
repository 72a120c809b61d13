"""Counts the writes keep, read instead of counted (migration 0018: triggers move them
in the writing transaction), and the full recounts they must always equal:

- `claim_tally`: the claims waiting for the secretariat, per agency;
- `unplanned_due_tally`: an agency's open rows without a planned date, per their
  resolution's due date (the ladder's oldest such row is the agency's first entry).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.models import (
    Assignment,
    AssignmentStatus,
    ClaimTally,
    Resolution,
    UnplannedDueTally,
    Verification,
)

Drift = dict[Any, tuple[int, int]]  # key -> (kept, counted), only where they differ


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


def unplanned_due_tally(session: Session) -> dict[tuple[int, date], int]:
    """(agency id, due date) -> the agency's open unplanned rows due that day, as kept."""
    rows = session.execute(
        select(
            col(UnplannedDueTally.agency_id),
            col(UnplannedDueTally.due_on),
            col(UnplannedDueTally.open_rows),
        )
    ).all()
    return {(int(a), d): int(n) for a, d, n in rows}


def unplanned_due_recount(session: Session) -> dict[tuple[int, date], int]:
    """The same, counted row by row."""
    rows = session.execute(
        select(col(Assignment.agency_id), col(Resolution.due_date), func.count())
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .where(
            col(Assignment.status) != AssignmentStatus.DONE.value,
            col(Assignment.withdrawn).is_(False),
            col(Assignment.planned_date).is_(None),
            col(Resolution.due_date).is_not(None),
        )
        .group_by(col(Assignment.agency_id), col(Resolution.due_date))
    ).all()
    return {(int(a), d): int(n) for a, d, n in rows}


def _drift(kept: dict[Any, int], counted: dict[Any, int]) -> Drift:
    return {
        k: (kept.get(k, 0), counted.get(k, 0))
        for k in sorted(kept.keys() | counted.keys())
        if kept.get(k, 0) != counted.get(k, 0)
    }


def claim_tally_drift(session: Session) -> Drift:
    """agency id -> (kept, counted) of every agency whose claims' tally is wrong."""
    return _drift(claim_tally(session), claim_recount(session))


def unplanned_due_drift(session: Session) -> Drift:
    """(agency id, day) -> (kept, counted) wherever the unplanned rows' tally is wrong
    (a day kept at zero counts as wrong: the ladder reads an agency's first day)."""
    kept = unplanned_due_tally(session)
    wrong = _drift(kept, unplanned_due_recount(session))
    wrong.update({k: (0, 0) for k, n in kept.items() if n == 0})
    return wrong
