"""The secretariat freezes a meeting's follow-up: what the agencies had reported then.

At the meeting (on its day) the record is taken from the live rows, at that moment;
afterwards it is replayed from history as of the meeting's start. Either way it is
one transaction, one per meeting, and never changed again."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlmodel import Session, col

from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.meetings import GONE
from data_layer.errors import ConflictError, FieldError, ValidationError
from data_layer.jalali import format_jalali, local_day
from data_layer.models import Meeting, MeetingSnapshot, SnapshotRow, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.replay import live_state, meeting_moment, state_as_of

__all__ = ["ALREADY", "freeze_meeting"]

ALREADY = "وضعیت پیگیری این جلسه پیش‌تر ثبت شده است و ثبت جلسه تغییر نمی‌کند."
NOT_YET = "جلسهٔ {date} هنوز برگزار نشده است؛ وضعیت آن را در روز جلسه ثبت کنید."


def _tuples(frame: pd.DataFrame) -> list[Any]:
    return list(frame.itertuples(index=False))


def _day(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else value


def freeze_meeting(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    expected_version: int | None,
    now: datetime | None = None,
) -> MeetingSnapshot:
    """Store every live row as it stood for the meeting; refuse a second record."""
    now = now or utcnow()
    require(session, actor, Action.MANAGE_MEETINGS)
    meeting = load(session, Meeting, meeting_id, GONE, lock=True)
    check_version(meeting, expected_version, "این جلسه")
    taken = session.execute(
        select(col(MeetingSnapshot.id)).where(col(MeetingSnapshot.meeting_id) == meeting_id)
    ).first()
    if taken is not None:
        raise ConflictError(message=ALREADY)
    today = local_day(now)
    if meeting.held_on > today:
        raise ValidationError(
            [FieldError("held_on", NOT_YET.format(date=format_jalali(meeting.held_on)))]
        )
    if meeting.held_on == today:
        how, as_of, state = "live", now, live_state(session)
    else:
        how = "replay"
        as_of = meeting_moment(meeting.held_on, meeting.start_time)
        state = state_as_of(session, as_of)
    state = state[~state["withdrawn"].astype(bool)]
    snapshot = MeetingSnapshot(
        meeting_id=meeting_id,
        as_of=as_of,
        taken_at=now,
        taken_by_id=actor.user_id,
        how=how,
        rows=len(state),
        is_sample=meeting.is_sample,
    )
    session.add(snapshot)
    flush_unique(session, "meeting", ALREADY)
    rows = [
        {
            "snapshot_id": snapshot.id,
            "assignment_id": int(r.assignment_id),
            "resolution_id": int(r.resolution_id),
            "agency_id": int(r.agency_id),
            "status": r.status,
            "progress": int(r.progress),
            "planned_date": _day(r.planned_date),
            "due_date": _day(r.due_date),
            "verification": r.verification,
        }
        for r in _tuples(state)
    ]
    if rows:
        session.execute(insert(SnapshotRow), rows)
    session.flush()
    return snapshot
