"""Resolution 2: a county governorate proposes its neighbourhoods' priority order, the
secretariat accepts it or returns it with a reason, and a returned one is revised and
sent again. Every sending and every decision stays (the proposals are the history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_layer.commands.common import rowcount
from data_layer.commands.history import History
from data_layer.errors import ConflictError, FieldError, NotFound, PermissionDenied, ValidationError
from data_layer.models import Neighborhood, utcnow
from data_layer.models_priority import PriorityProposal, PriorityProposalItem, ProposalState
from data_layer.permissions import Action, Actor, require
from data_layer.text import tidy

__all__ = ["decide_priority_proposal", "propose_priority_order"]

REASON_MAX = 300
_NO_COUNTY = "این حساب به شهرستانی وابسته نیست و اولویتی پیشنهاد نمی‌کند."
_EMPTY = "دست‌کم یک محله را به ترتیب اولویت برگزینید."
_TWICE = "محله‌ای دو بار در فهرست آمده است؛ هر محله یک بار."
_FOREIGN = (
    "محله‌ای در فهرست هست که دیگر از محلات فعال شهرستان شما نیست؛"
    " صفحه را تازه کنید و دوباره بفرستید. چیزی فرستاده نشد."
)
_MISSING = "همهٔ محلات فعال شهرستان باید در فهرست باشند؛ این محلات جا مانده‌اند: {}."
_NO_REASON = "برای محلهٔ «{}» دلیلی کوتاه بنویسید."
_LONG_REASON = f"دلیل محلهٔ «{{}}» بیش از {REASON_MAX} نویسه است؛ کوتاه‌ترش کنید."
_PENDING = (
    "پیشنهاد قبلی این شهرستان هنوز در انتظار بررسی دبیرخانه است؛"
    " تا تصمیم دبیرخانه پیشنهاد تازه‌ای فرستاده نمی‌شود."
)
_GONE = "این پیشنهاد پیدا نشد؛ صفحه را تازه کنید."
_STALE = (
    "این پیشنهاد پس از باز شدن صفحهٔ شما بررسی یا بازنگری شده است و چیزی ذخیره نشد؛"
    " صفحه را تازه کنید و وضعیت تازه را ببینید."
)
_NOT_RETURNED = "فقط پیشنهادی که دبیرخانه برگردانده است بازنگری می‌شود."
_RETURN_REASON = "برای برگرداندن پیشنهاد، دلیل آن را بنویسید (دست‌کم ۲ نویسه)."
_LONG_DECISION = "دلیل تصمیم بیش از ۱۰۰۰ نویسه است؛ کوتاه‌ترش کنید."


def _county_of(actor: Actor) -> int:
    if actor.scope.county_id is None:
        raise PermissionDenied(_NO_COUNTY)
    return actor.scope.county_id


def _checked_items(
    session: Session, county_id: int, items: Sequence[tuple[int, str]]
) -> list[tuple[int, str]]:
    """The order as given, every neighbourhood of the county once, each with a reason."""
    if not items:
        raise ValidationError([FieldError("order", _EMPTY)])
    ids = [int(i) for i, _ in items]
    if len(set(ids)) != len(ids):
        raise ValidationError([FieldError("order", _TWICE)])
    active = {
        int(i): n
        for i, n in session.execute(
            select(col(Neighborhood.id), col(Neighborhood.name)).where(
                col(Neighborhood.county_id) == county_id, col(Neighborhood.active).is_(True)
            )
        ).all()
    }
    if not set(ids) <= set(active):
        raise ValidationError([FieldError("order", _FOREIGN)])
    left = [active[i] for i in sorted(set(active) - set(ids))]
    errors = [FieldError("order", _MISSING.format("، ".join(left)))] if left else []
    out: list[tuple[int, str]] = []
    for hood_id, typed in items:
        reason = tidy(typed)
        name = active[int(hood_id)]
        if not reason:
            errors.append(FieldError(f"reason_{hood_id}", _NO_REASON.format(name)))
        elif len(reason) > REASON_MAX:
            errors.append(FieldError(f"reason_{hood_id}", _LONG_REASON.format(name)))
        out.append((int(hood_id), reason))
    if errors:
        raise ValidationError(errors)
    return out


def _revised(
    session: Session, county_id: int, revises: tuple[int, int], now: datetime, actor: Actor
) -> int:
    """Take the returned proposal (id, version seen) for revision; refuse a stale one."""
    proposal_id, seen = revises
    old = session.get(PriorityProposal, proposal_id)
    if old is None or old.county_id != county_id:
        raise NotFound(_GONE)
    if old.state != ProposalState.RETURNED.value:
        raise ConflictError(message=_NOT_RETURNED if old.version == seen else _STALE)
    result = session.execute(
        update(PriorityProposal)
        .where(col(PriorityProposal.id) == proposal_id, col(PriorityProposal.version) == seen)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise ConflictError(message=_STALE)
    History(session, actor, now).add("priority_proposal", proposal_id, "revised", seen, seen + 1)
    return proposal_id


def propose_priority_order(
    session: Session,
    *,
    actor: Actor,
    items: Sequence[tuple[int, str]],
    revises: tuple[int, int] | None = None,
    now: datetime | None = None,
) -> PriorityProposal:
    """Send the county's order (neighbourhood id, short reason), first first; with
    `revises` (id, version seen) it revises a proposal the secretariat returned."""
    require(session, actor, Action.PROPOSE_PRIORITY)
    county_id = _county_of(actor)
    now = now or utcnow()
    order = _checked_items(session, county_id, items)
    revised = _revised(session, county_id, revises, now, actor) if revises else None
    proposal = PriorityProposal(
        county_id=county_id, revises_id=revised, sent_by_id=actor.user_id, sent_at=now
    )
    session.add(proposal)
    try:
        session.flush()  # the one-pending index and the one-revision rule hold here
    except IntegrityError as e:
        raise ConflictError(message=_PENDING if revised is None else _STALE) from e
    assert proposal.id is not None
    session.add_all(
        PriorityProposalItem(proposal_id=proposal.id, neighborhood_id=h, rank=n, reason=r)
        for n, (h, r) in enumerate(order, start=1)
    )
    History(session, actor, now).add(
        "priority_proposal", proposal.id, "sent", None, ",".join(str(h) for h, _ in order)
    )
    session.flush()
    return proposal


def decide_priority_proposal(
    session: Session,
    *,
    actor: Actor,
    proposal_id: int,
    expected_version: int,
    accept: bool,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """The secretariat accepts a waiting proposal, or returns it with a reason; a
    proposal decided or changed since the page showed it is refused."""
    require(session, actor, Action.DECIDE_PRIORITY)
    now = now or utcnow()
    reason = tidy(reason, multiline=True)
    if not accept and len(reason) < 2:
        raise ValidationError([FieldError("reason", _RETURN_REASON)])
    if len(reason) > 1000:
        raise ValidationError([FieldError("reason", _LONG_DECISION)])
    if session.get(PriorityProposal, proposal_id) is None:
        raise NotFound(_GONE)
    state = ProposalState.ACCEPTED if accept else ProposalState.RETURNED
    result = session.execute(
        update(PriorityProposal)
        .where(
            col(PriorityProposal.id) == proposal_id,
            col(PriorityProposal.version) == expected_version,
            col(PriorityProposal.state) == ProposalState.PENDING.value,
        )
        .values(
            state=state.value,
            decided_by_id=actor.user_id,
            decided_at=now,
            decision_reason=reason,
            version=expected_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise ConflictError(message=_STALE)
    History(session, actor, now).add(
        "priority_proposal", proposal_id, "state", ProposalState.PENDING.value, state.value
    )
    session.flush()
