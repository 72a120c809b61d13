"""Reads of the counties' proposed priority orders (resolution 2): a county's history,
what waits for the secretariat, and each county's accepted order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from data_layer.models import County, Neighborhood, User
from data_layer.models_priority import PriorityProposal, PriorityProposalItem, ProposalState
from data_layer.queries.county import hood_in_county


@dataclass(frozen=True)
class ProposedPlace:
    """One neighbourhood's place in a proposal."""

    rank: int
    neighborhood_id: int
    neighborhood: str
    reason: str


@dataclass(frozen=True)
class Proposal:
    """One sending of a county's order, with who sent it and the decision on it."""

    id: int
    version: int
    county_id: int
    county: str
    state: str
    sent_by: str
    sent_at: datetime
    decided_by: str
    decided_at: datetime | None
    decision_reason: str
    revises_id: int | None
    revised: bool  # a later proposal revises this one
    places: list[ProposedPlace] = field(default_factory=list)


def _proposals(session: Session, *where: object) -> list[Proposal]:
    sender, decider = aliased(User), aliased(User)
    later = aliased(PriorityProposal)
    revised = select(col(later.id)).where(col(later.revises_id) == col(PriorityProposal.id))
    stmt = (
        select(
            PriorityProposal,
            col(County.name),
            col(sender.full_name),
            func.coalesce(col(decider.full_name), ""),
            revised.exists(),
        )
        .join(County, col(County.id) == col(PriorityProposal.county_id))
        .join(sender, col(sender.id) == col(PriorityProposal.sent_by_id))
        .outerjoin(decider, col(decider.id) == col(PriorityProposal.decided_by_id))
        .where(*where)  # type: ignore[arg-type]
        .order_by(col(PriorityProposal.sent_at).desc(), col(PriorityProposal.id).desc())
    )
    rows = session.execute(stmt).all()
    ids = [int(p.id) for p, *_ in rows if p.id is not None]
    places: dict[int, list[ProposedPlace]] = defaultdict(list)
    if ids:
        items = session.execute(
            select(
                col(PriorityProposalItem.proposal_id),
                col(PriorityProposalItem.rank),
                col(Neighborhood.id),
                col(Neighborhood.name),
                col(PriorityProposalItem.reason),
            )
            .join(Neighborhood, col(Neighborhood.id) == col(PriorityProposalItem.neighborhood_id))
            .where(col(PriorityProposalItem.proposal_id).in_(ids))
            .order_by(col(PriorityProposalItem.proposal_id), col(PriorityProposalItem.rank))
        ).all()
        for pid, rank, hid, name, reason in items:
            places[int(pid)].append(ProposedPlace(int(rank), int(hid), name, reason))
    return [
        Proposal(
            id=int(p.id),
            version=p.version,
            county_id=p.county_id,
            county=county,
            state=p.state,
            sent_by=sent_by,
            sent_at=p.sent_at,
            decided_by=decided_by,
            decided_at=p.decided_at,
            decision_reason=p.decision_reason,
            revises_id=p.revises_id,
            revised=bool(is_revised),
            places=places[int(p.id)],
        )
        for p, county, sent_by, decided_by, is_revised in rows
    ]


def county_proposals(session: Session, county_id: int) -> list[Proposal]:
    """Every proposal of the county, newest first (its history)."""
    return _proposals(session, col(PriorityProposal.county_id) == county_id)


def every_proposal(session: Session) -> list[Proposal]:
    """Every county's proposals, newest first (the secretariat's history)."""
    return _proposals(session)


def waiting_proposals(session: Session) -> list[Proposal]:
    """Proposals waiting for the secretariat's decision, newest first."""
    return _proposals(session, col(PriorityProposal.state) == ProposalState.PENDING.value)


def waiting_count(session: Session) -> int:
    """How many proposals wait for the secretariat."""
    stmt = select(func.count(col(PriorityProposal.id))).where(
        col(PriorityProposal.state) == ProposalState.PENDING.value
    )
    return int(session.execute(stmt).scalar_one())


def accepted_orders(session: Session, county_id: int | None = None) -> list[Proposal]:
    """Each county's latest accepted proposal (of one county, if given), by county."""
    newest = (
        select(
            col(PriorityProposal.county_id).label("county_id"),
            func.max(col(PriorityProposal.decided_at)).label("decided_at"),
        )
        .where(col(PriorityProposal.state) == ProposalState.ACCEPTED.value)
        .group_by(col(PriorityProposal.county_id))
        .subquery()
    )
    ids = select(col(PriorityProposal.id)).join(
        newest,
        (newest.c.county_id == col(PriorityProposal.county_id))
        & (newest.c.decided_at == col(PriorityProposal.decided_at)),
    )
    found = _proposals(
        session,
        col(PriorityProposal.id).in_(ids),
        col(PriorityProposal.state) == ProposalState.ACCEPTED.value,
        hood_in_county(col(PriorityProposal.county_id), county_id),
    )
    return sorted(found, key=lambda p: p.county)
