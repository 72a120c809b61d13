"""The secretariat rules on what agencies claimed, and marks what it has seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from data_layer.commands.assignments import conflict_for, load_assignment
from data_layer.commands.common import rowcount
from data_layer.commands.history import History
from data_layer.input.check import Check
from data_layer.labels import ASSIGNMENT_FIELD_LABELS, VERIFICATION_LABELS
from data_layer.models import AppSetting, Assignment, Verification, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.assignments import last_look_key

__all__ = ["VERDICTS", "mark_claims_seen", "verify_assignment"]

VERDICTS = (Verification.DOCUMENT_SEEN, Verification.FIELD_VERIFIED, Verification.REJECTED)
_VERDICT_LABELS = {v.value: VERIFICATION_LABELS[v] for v in VERDICTS}


def verify_assignment(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    expected_version: int,
    verdict: str,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Mark a claim: document seen, verified in the field, or rejected (with a reason)."""
    now = now or utcnow()
    require(session, actor, Action.VERIFY_ASSIGNMENT)
    asg, _ = load_assignment(session, assignment_id)
    if asg.version != expected_version:
        raise conflict_for(session, assignment_id)
    check = Check(ASSIGNMENT_FIELD_LABELS)
    note = check.text("note", note, limit=1000, multiline=True)
    chosen = check.choice("verification", verdict, _VERDICT_LABELS)
    if chosen == Verification.REJECTED and len(note) < 5:
        check.add("note", "برای رد گزارش، دلیل را بنویسید تا دستگاه بداند چه چیزی را اصلاح کند.")
    if asg.reported_at is None:
        check.add("verification", "این ردیف هنوز گزارشی از دستگاه ندارد که بررسی شود.")
    check.raise_if_any()
    result = session.execute(
        update(Assignment)
        .where(col(Assignment.id) == assignment_id, col(Assignment.version) == expected_version)
        .values(
            verification=chosen,
            verification_note=note,
            verified_at=now,
            verified_by_id=actor.user_id,
            # The last writer: a form this makes stale must name the secretariat.
            updated_at=now,
            updated_by_id=actor.user_id,
            version=expected_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise conflict_for(session, assignment_id)
    History(session, actor, now).add(
        "assignment", assignment_id, "verification", asg.verification, chosen, note
    )
    session.flush()


def mark_claims_seen(
    session: Session, *, actor: Actor, now: datetime | None = None, visit: bool = False
) -> None:
    """The secretariat member has seen every claim up to now (later ones show as new).

    With `visit`, the screen records a visit: the look is kept, with no history row
    (a visit changes no data)."""
    now = now or utcnow()
    require(session, actor, Action.VERIFY_ASSIGNMENT)
    key = last_look_key(actor.user_id)
    row = session.get(AppSetting, key)
    old = row.value if row is not None else None
    row = row or AppSetting(key=key, value=now.isoformat())
    row.value, row.updated_at, row.updated_by_id = now.isoformat(), now, actor.user_id
    session.add(row)
    if not visit:
        History(session, actor, now).add("user", actor.user_id, "claims_seen", old, row.value)
    session.flush()
