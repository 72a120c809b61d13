"""Reads behind the meetings screen: the meetings list, attendance, carry-over, the calendar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer import clock
from data_layer.jalali import format_number, jalali_month_bounds
from data_layer.models import (
    Agency,
    Assignment,
    AssignmentStatus,
    Meeting,
    MeetingAttendance,
    Resolution,
)
from data_layer.queries.membership import member_on
from data_layer.rules.lateness import days_late, effective_due, is_overdue

MEETINGS_COLUMNS = [
    "id",
    "number",
    "held_on",
    "place",
    "chair",
    "resolutions",
    "rows",
    "done",
    "overdue",
    "present",
    "absent",
    "is_sample",
]
ATTENDANCE_COLUMNS = ["agency_id", "agency", "name", "is_member", "present", "representative"]
CARRY_OVER_COLUMNS = [
    "meeting_id",
    "meeting_number",
    "held_on",
    "resolution_id",
    "resolution_number",
    "text",
    "rows",
    "done",
    "not_done",
    "carried",
    "days_late",
    "is_sample",
]
CALENDAR_COLUMNS = [
    "date",
    "kind",
    "label",
    "agency",
    "status",
    "meeting_id",
    "resolution_id",
    "assignment_id",
    "is_sample",
]


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _live() -> ColumnElement[bool]:
    return col(Assignment.withdrawn).is_(False)


def _as_date(value: object) -> date | None:
    """A date from the driver (SQLite may hand back ISO text for an aggregate)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def meetings_table(session: Session, today: date) -> pd.DataFrame:
    """Every meeting, newest first: resolutions, rows, done, overdue, present and absent."""
    done = case((col(Assignment.status) == AssignmentStatus.DONE.value, 1), else_=0)
    resolutions = (
        select(
            col(Resolution.meeting_id).label("meeting_id"),
            func.count(col(Resolution.id)).label("n"),
        )
        .group_by(col(Resolution.meeting_id))
        .subquery()
    )
    rows = (
        select(
            col(Resolution.meeting_id).label("meeting_id"),
            func.count(col(Assignment.id)).label("rows"),
            func.sum(done).label("done"),
            func.sum(case((is_overdue(today), 1), else_=0)).label("overdue"),
        )
        .join(Assignment, col(Assignment.resolution_id) == col(Resolution.id))
        .where(_live())
        .group_by(col(Resolution.meeting_id))
        .subquery()
    )
    attendance = (
        select(
            col(MeetingAttendance.meeting_id).label("meeting_id"),
            func.sum(case((col(MeetingAttendance.present).is_(True), 1), else_=0)).label("present"),
            func.sum(case((col(MeetingAttendance.present).is_(False), 1), else_=0)).label("absent"),
        )
        .group_by(col(MeetingAttendance.meeting_id))
        .subquery()
    )
    stmt = (
        select(
            col(Meeting.id),
            col(Meeting.number),
            col(Meeting.held_on),
            col(Meeting.place),
            col(Meeting.chair),
            func.coalesce(resolutions.c.n, 0),
            func.coalesce(rows.c.rows, 0),
            func.coalesce(rows.c.done, 0),
            func.coalesce(rows.c.overdue, 0),
            func.coalesce(attendance.c.present, 0),
            func.coalesce(attendance.c.absent, 0),
            col(Meeting.is_sample),
        )
        .outerjoin(resolutions, resolutions.c.meeting_id == col(Meeting.id))
        .outerjoin(rows, rows.c.meeting_id == col(Meeting.id))
        .outerjoin(attendance, attendance.c.meeting_id == col(Meeting.id))
        .order_by(col(Meeting.held_on).desc(), col(Meeting.number).desc())
    )
    df = _frame(session.execute(stmt).all(), MEETINGS_COLUMNS)
    for name in ("resolutions", "rows", "done", "overdue", "present", "absent"):
        df[name] = df[name].astype(int)
    df["is_sample"] = df["is_sample"].astype(bool)
    return df


def meeting_attendance(session: Session, meeting_id: int) -> pd.DataFrame:
    """Every agency that was a member on the meeting's day (and any with a record).

    `present` is True, False, or None when nothing was recorded for the agency.
    """
    held_on = session.execute(
        select(col(Meeting.held_on)).where(col(Meeting.id) == meeting_id)
    ).scalar_one_or_none()
    member = member_on(held_on or clock.today())
    stmt = (
        select(
            col(Agency.id),
            col(Agency.short_name),
            col(Agency.name),
            member.label("is_member"),
            col(MeetingAttendance.present),
            col(MeetingAttendance.representative),
        )
        .outerjoin(
            MeetingAttendance,
            and_(
                col(MeetingAttendance.agency_id) == col(Agency.id),
                col(MeetingAttendance.meeting_id) == meeting_id,
            ),
        )
        .where(
            or_(
                member,
                col(MeetingAttendance.meeting_id).is_not(None),
            )
        )
        .order_by(col(Agency.sort_order), col(Agency.id))
    )
    rows = [
        (r[0], r[1], r[2], bool(r[3]), None if r[4] is None else bool(r[4]), r[5] or "")
        for r in session.execute(stmt).all()
    ]
    df = _frame(rows, ATTENDANCE_COLUMNS)
    df["present"] = df["present"].astype(object)
    return df


def _order_key(meeting: Any) -> tuple[Any, Any]:
    return (meeting.held_on, meeting.number)


def _held_before(target: Meeting) -> ColumnElement[bool]:
    """Meetings held before `target`; the number breaks a tie on the same day."""
    return or_(
        col(Meeting.held_on) < target.held_on,
        and_(col(Meeting.held_on) == target.held_on, col(Meeting.number) < target.number),
    )


def _unfinished_resolutions(
    session: Session, before: ColumnElement[bool], today: date
) -> Sequence[Any]:
    """Resolutions of the earlier meetings with a live row not done: counts, first late due."""
    not_done = case((col(Assignment.status) != AssignmentStatus.DONE.value, 1), else_=0)
    first_late_due = func.min(case((is_overdue(today), effective_due()), else_=None))
    meeting = (col(Meeting.id), col(Meeting.number), col(Meeting.held_on))
    resolution = (col(Resolution.id), col(Resolution.number), col(Resolution.text))
    done = func.sum(case((col(Assignment.status) == AssignmentStatus.DONE.value, 1), else_=0))
    stmt = (
        select(
            *meeting,
            *resolution,
            func.count(col(Assignment.id)),
            done,
            first_late_due,
            col(Resolution.is_sample),
        )
        .join(Resolution, col(Resolution.meeting_id) == col(Meeting.id))
        .join(Assignment, and_(col(Assignment.resolution_id) == col(Resolution.id), _live()))
        .where(before)
        .group_by(*meeting, *resolution, col(Resolution.is_sample))
        .having(func.sum(not_done) > 0)
    )
    return session.execute(stmt).all()


def _owing_agencies(session: Session, before: ColumnElement[bool]) -> dict[int, list[str]]:
    """Short names of the agencies still owing each resolution, in the group's order."""
    owing: dict[int, list[str]] = {}
    names = session.execute(
        select(col(Assignment.resolution_id), col(Agency.short_name))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .where(before, _live(), col(Assignment.status) != AssignmentStatus.DONE.value)
        .order_by(col(Assignment.resolution_id), col(Agency.sort_order), col(Agency.id))
    ).all()
    for resolution_id, short_name in names:
        owing.setdefault(resolution_id, []).append(short_name)
    return owing


def _meeting_ranks(session: Session) -> dict[int, int]:
    """Each meeting's position in the order the meetings were held."""
    order = session.execute(
        select(col(Meeting.id), col(Meeting.held_on), col(Meeting.number)).order_by(
            col(Meeting.held_on), col(Meeting.number)
        )
    ).all()
    return {m.id: i for i, m in enumerate(order)}


def _carry_over_row(
    r: Any, *, owing: dict[int, list[str]], rank: dict[int, int], target_rank: int, today: date
) -> tuple[Any, ...]:
    """One carry-over row (in CARRY_OVER_COLUMNS order) from an unfinished-resolution row."""
    late_since = _as_date(r[8])
    return (
        r[0],
        r[1],
        _as_date(r[2]),
        r[3],
        r[4],
        r[5],
        int(r[6]),
        int(r[7] or 0),
        "، ".join(owing.get(r[3], [])),
        target_rank - rank[r[0]],
        days_late(late_since, today),
        bool(r[9]),
    )


def carry_over(session: Session, meeting_id: int, today: date) -> pd.DataFrame:
    """Unfinished resolutions of the meetings held before this one (one live row not done).

    `carried` is how many meetings, up to and including this one, have been held
    since the resolution's meeting; `days_late` the most days any of its rows is
    past its effective due date (0 if none is late). Most carried, then latest, first.
    """
    target = session.get(Meeting, meeting_id)
    if target is None:
        return _frame([], CARRY_OVER_COLUMNS)
    before = _held_before(target)
    found = _unfinished_resolutions(session, before, today)
    if not found:
        return _frame([], CARRY_OVER_COLUMNS)

    owing = _owing_agencies(session, before)
    rank = _meeting_ranks(session)
    target_rank = rank[meeting_id]
    out = [
        _carry_over_row(r, owing=owing, rank=rank, target_rank=target_rank, today=today)
        for r in found
    ]
    df = _frame(out, CARRY_OVER_COLUMNS)
    return df.sort_values(
        ["carried", "days_late", "held_on", "meeting_number", "resolution_number"],
        ascending=[False, False, True, True, True],
    ).reset_index(drop=True)


def _meeting_items(session: Session, start: date, end: date) -> list[tuple[Any, ...]]:
    """Calendar items (kind 'meeting') for the meetings held between start and end."""
    meetings = session.execute(
        select(col(Meeting.id), col(Meeting.number), col(Meeting.held_on), col(Meeting.is_sample))
        .where(col(Meeting.held_on) >= start, col(Meeting.held_on) <= end)
        .order_by(col(Meeting.held_on), col(Meeting.number))
    ).all()
    items: list[tuple[Any, ...]] = []
    for m in meetings:
        label = f"جلسه {format_number(m[1])}"
        items.append((_as_date(m[2]), "meeting", label, "", "", m[0], None, None, bool(m[3])))
    return items


def _due_row_items(session: Session, start: date, end: date) -> list[tuple[Any, ...]]:
    """Calendar items (kind 'due') for the live rows whose effective due falls in the range."""
    due = effective_due()
    rows = session.execute(
        select(
            due,
            col(Meeting.id),
            col(Meeting.number),
            col(Resolution.id),
            col(Resolution.number),
            col(Assignment.id),
            col(Agency.short_name),
            col(Assignment.status),
            col(Assignment.is_sample),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(_live(), due >= start, due <= end)
        .order_by(due, col(Meeting.number), col(Resolution.number), col(Agency.sort_order))
    ).all()
    items: list[tuple[Any, ...]] = []
    for r in rows:
        label = f"مصوبه {format_number(r[4])} جلسه {format_number(r[2])}"
        items.append((_as_date(r[0]), "due", label, r[6], r[7], r[1], r[3], r[5], bool(r[8])))
    return items


def _bare_resolution_items(session: Session, start: date, end: date) -> list[tuple[Any, ...]]:
    """Calendar items (kind 'due', no agency) for resolutions due in the range with no live row."""
    has_live_row = exists(
        select(col(Assignment.id)).where(
            col(Assignment.resolution_id) == col(Resolution.id), _live()
        )
    )
    bare = session.execute(
        select(
            col(Resolution.due_date),
            col(Meeting.id),
            col(Meeting.number),
            col(Resolution.id),
            col(Resolution.number),
            col(Resolution.is_sample),
        )
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .where(
            col(Resolution.due_date) >= start,
            col(Resolution.due_date) <= end,
            ~has_live_row,
        )
    ).all()
    items: list[tuple[Any, ...]] = []
    for b in bare:
        label = f"مصوبه {format_number(b[4])} جلسه {format_number(b[2])}"
        items.append((_as_date(b[0]), "due", label, "", "", b[1], b[3], None, bool(b[5])))
    return items


def due_in_month(session: Session, year: int, month: int) -> pd.DataFrame:
    """A Jalali month's calendar: meetings held in it and live rows due in it.

    One item per meeting (kind 'meeting') and per live row whose effective due
    date falls in the month (kind 'due', with its agency and status); a resolution
    due in the month with no live row is one 'due' item without an agency.
    """
    start, end = jalali_month_bounds(year, month)
    items = [
        *_meeting_items(session, start, end),
        *_due_row_items(session, start, end),
        *_bare_resolution_items(session, start, end),
    ]
    df = _frame(items, CALENDAR_COLUMNS)
    if df.empty:
        return df
    for name in ("resolution_id", "assignment_id"):  # None for a meeting: nullable ints
        df[name] = df[name].astype("Int64")
    # Meetings sort before the rows due on the same day.
    df["_kind"] = (df["kind"] != "meeting").astype(int)
    return (
        df.sort_values(["date", "_kind", "meeting_id", "resolution_id"], kind="stable")
        .drop(columns="_kind")
        .reset_index(drop=True)
    )
