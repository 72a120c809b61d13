"""Reads behind «سوابق و پالایش»: what an import of earlier resolutions must not clash
with, and the filtered list of rows the secretariat works through in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import case, literal, select
from sqlmodel import Session, col

from data_layer.models import Agency, Assignment, Meeting, Resolution
from data_layer.rules.lateness import effective_due, is_overdue
from data_layer.text import contains_fa

__all__ = ["BacklogFilter", "BacklogKeys", "backlog_keys", "backlog_rows"]


@dataclass(frozen=True)
class BacklogKeys:
    """What is stored already: meetings by number (their id and date), the resolution
    numbers each meeting has, and the active agencies (id -> short name)."""

    meetings: dict[int, tuple[int, date]]
    resolutions: frozenset[tuple[int, int]]  # (meeting number, resolution number)
    active: dict[int, str]


def backlog_keys(session: Session, *, lock: bool = False) -> BacklogKeys:
    """Read the keys once; with `lock`, the meeting rows stay locked until the
    transaction ends (PostgreSQL), so no meeting's date moves under an import."""
    meeting_stmt = select(col(Meeting.id), col(Meeting.number), col(Meeting.held_on))
    if lock:
        meeting_stmt = meeting_stmt.with_for_update()
    meetings = {int(n): (int(i), d) for i, n, d in session.execute(meeting_stmt).all()}
    numbers = session.execute(
        select(col(Meeting.number), col(Resolution.number)).join(
            Resolution, col(Resolution.meeting_id) == col(Meeting.id)
        )
    ).all()
    active = session.execute(
        select(col(Agency.id), col(Agency.short_name)).where(col(Agency.active).is_(True))
    ).all()
    return BacklogKeys(
        meetings,
        frozenset((int(m), int(r)) for m, r in numbers),
        {int(i): str(n) for i, n in active},
    )


@dataclass(frozen=True)
class BacklogFilter:
    """Which live rows the list holds; an empty choice means every one."""

    meeting_ids: tuple[int, ...] = ()
    agency_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    overdue_only: bool = False
    due_before: date | None = None  # due strictly before this day
    text: str = ""  # part of the resolution's text (compared with match_key)


_COLUMNS: dict[str, Any] = {
    "id": col(Assignment.id),
    "version": col(Assignment.version),
    "meeting_id": col(Meeting.id),
    "meeting_number": col(Meeting.number),
    "held_on": col(Meeting.held_on),
    "resolution_number": col(Resolution.number),
    "resolution_text": col(Resolution.text),
    "agency_id": col(Agency.id),
    "agency": col(Agency.short_name),
    "status": col(Assignment.status),
    "progress": col(Assignment.progress),
    "done_text": col(Assignment.done_text),
    "next_step": col(Assignment.next_step),
    "planned_date": col(Assignment.planned_date),
    "first_planned_date": col(Assignment.first_planned_date),
    "reschedule_count": col(Assignment.reschedule_count),
    "verification": col(Assignment.verification),
    "verification_note": col(Assignment.verification_note),
    "reported_at": col(Assignment.reported_at),
    "is_sample": col(Assignment.is_sample),
}


def backlog_rows(session: Session, today: date, where: BacklogFilter) -> pd.DataFrame:
    """Live rows matching the filter, oldest meeting first, with id and version, and
    what the list shows: meeting, resolution, agency, status, progress, the planned and
    first planned dates, times moved, the date due (`due`) and whether it is late."""
    overdue = case((is_overdue(today), literal(True)), else_=literal(False))
    stmt = (
        select(*_COLUMNS.values(), effective_due(), overdue)
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(col(Assignment.withdrawn).is_(False))
    )
    if where.meeting_ids:
        stmt = stmt.where(col(Meeting.id).in_(where.meeting_ids))
    if where.agency_ids:
        stmt = stmt.where(col(Agency.id).in_(where.agency_ids))
    if where.statuses:
        stmt = stmt.where(col(Assignment.status).in_(where.statuses))
    if where.overdue_only:
        stmt = stmt.where(is_overdue(today))
    if where.due_before is not None:
        stmt = stmt.where(effective_due() < where.due_before)
    stmt = stmt.order_by(
        col(Meeting.held_on),
        col(Meeting.number),
        col(Resolution.number),
        col(Agency.sort_order),
        col(Agency.id),
    )
    df = pd.DataFrame(
        [tuple(r) for r in session.execute(stmt).all()],
        columns=[*_COLUMNS, "due", "overdue"],
    )
    df["overdue"] = df["overdue"].astype(bool)
    if where.text.strip():
        keep = [contains_fa(text, where.text) for text in df["resolution_text"]]
        df = df[keep].reset_index(drop=True)
    return df
