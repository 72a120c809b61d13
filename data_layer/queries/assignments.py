"""Reads behind «دستگاه من» and the verification screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import case, func, literal, select
from sqlmodel import Session, col

from data_layer.models import (
    Agency,
    AppSetting,
    Assignment,
    Evidence,
    HistoryEntry,
    Meeting,
    Resolution,
    User,
    Verification,
)
from data_layer.models_dossier import AssignmentNeighborhood
from data_layer.queries.resolutions import is_lead, lead_name
from data_layer.rules.lateness import effective_due, is_overdue

_ROW_COLUMNS = [
    "id",
    "version",
    "meeting_number",
    "held_on",
    "resolution_number",
    "resolution_text",
    "agency_id",
    "agency",
    "status",
    "progress",
    "done_text",
    "next_step",
    "planned_date",
    "first_planned_date",
    "reschedule_count",
    "due",
    "overdue",
    "evidence_url",
    "verification",
    "verification_note",
    "reported_at",
    "evidence_count",
    "is_sample",
    "is_lead",  # the agency is the resolution's lead owner
    "lead_agency",  # the lead owner's short name, or None
]


def _evidence_count() -> Any:
    return (
        select(func.count(col(Evidence.id)))
        .where(
            col(Evidence.assignment_id) == col(Assignment.id), col(Evidence.withdrawn).is_(False)
        )
        .scalar_subquery()
    )


def _rows_stmt(today: date) -> Any:
    return (
        select(
            col(Assignment.id),
            col(Assignment.version),
            col(Meeting.number),
            col(Meeting.held_on),
            col(Resolution.number),
            col(Resolution.text),
            col(Assignment.agency_id),
            col(Agency.short_name),
            col(Assignment.status),
            col(Assignment.progress),
            col(Assignment.done_text),
            col(Assignment.next_step),
            col(Assignment.planned_date),
            col(Assignment.first_planned_date),
            col(Assignment.reschedule_count),
            effective_due(),
            case((is_overdue(today), literal(True)), else_=literal(False)),
            col(Assignment.evidence_url),
            col(Assignment.verification),
            col(Assignment.verification_note),
            col(Assignment.reported_at),
            _evidence_count(),
            col(Assignment.is_sample),
            is_lead(),
            lead_name(),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(col(Assignment.withdrawn).is_(False))
    )


def _frame(rows: Any) -> pd.DataFrame:
    df = pd.DataFrame([tuple(r) for r in rows], columns=_ROW_COLUMNS)
    df["overdue"] = df["overdue"].astype(bool)
    df["is_lead"] = df["is_lead"].astype(bool)
    return df


def agency_assignments(session: Session, agency_id: int, today: date) -> pd.DataFrame:
    """An agency's own rows: returned (rejected) first, then late, then by meeting."""
    return agencies_assignments(session, [agency_id], today)


def agencies_assignments(session: Session, agency_ids: Sequence[int], today: date) -> pd.DataFrame:
    """Several agencies' rows in one read: by agency, then as `agency_assignments`
    orders each agency's own."""
    returned = case((col(Assignment.verification) == Verification.REJECTED.value, 0), else_=1)
    late = case((is_overdue(today), 0), else_=1)
    stmt = (
        _rows_stmt(today)
        .where(col(Assignment.agency_id).in_(list(agency_ids)))
        .order_by(
            col(Assignment.agency_id),
            returned,
            late,
            col(Meeting.held_on).desc(),
            col(Resolution.number),
        )
    )
    return _frame(session.execute(stmt).all())


def neighborhood_assignments(session: Session, neighborhood_id: int, today: date) -> pd.DataFrame:
    """The live rows that name a neighborhood (its dossier): latest meeting first."""
    named = (
        select(col(AssignmentNeighborhood.assignment_id))
        .where(col(AssignmentNeighborhood.neighborhood_id) == neighborhood_id)
        .scalar_subquery()
    )
    stmt = (
        _rows_stmt(today)
        .where(col(Assignment.id).in_(named))
        .order_by(col(Meeting.held_on).desc(), col(Resolution.number), col(Agency.sort_order))
    )
    return _frame(session.execute(stmt).all())


def assignment_row(session: Session, assignment_id: int, today: date) -> dict[str, Any] | None:
    """One row with its resolution and meeting, as plain values."""
    row = session.execute(_rows_stmt(today).where(col(Assignment.id) == assignment_id)).first()
    return dict(zip(_ROW_COLUMNS, tuple(row), strict=True)) if row else None


def assignment_history(session: Session, assignment_id: int) -> pd.DataFrame:
    """Every change to a row, newest first, with who made it."""
    stmt = (
        select(
            col(HistoryEntry.changed_at),
            func.coalesce(col(User.full_name), "").label("who"),
            col(HistoryEntry.field),
            col(HistoryEntry.old_value),
            col(HistoryEntry.new_value),
            col(HistoryEntry.reason),
            col(HistoryEntry.is_sample),
        )
        .outerjoin(User, col(User.id) == col(HistoryEntry.user_id))
        .where(
            col(HistoryEntry.entity) == "assignment", col(HistoryEntry.entity_id) == assignment_id
        )
        .order_by(col(HistoryEntry.changed_at).desc(), col(HistoryEntry.id).desc())
    )
    return pd.DataFrame(
        [tuple(r) for r in session.execute(stmt).all()],
        columns=["changed_at", "who", "field", "old", "new", "reason", "is_sample"],
    )


def assignment_evidence(session: Session, assignment_id: int) -> pd.DataFrame:
    """The documents attached to a row (without their bytes)."""
    stmt = (
        select(
            col(Evidence.id),
            col(Evidence.filename),
            col(Evidence.content_type),
            col(Evidence.size_bytes),
            col(Evidence.uploaded_at),
            col(Evidence.withdrawn),
        )
        .where(col(Evidence.assignment_id) == assignment_id)
        .order_by(col(Evidence.uploaded_at).desc())
    )
    return pd.DataFrame(
        [tuple(r) for r in session.execute(stmt).all()],
        columns=["id", "filename", "content_type", "size_bytes", "uploaded_at", "withdrawn"],
    )


class EvidenceFile(NamedTuple):
    """One document with its bytes, for download."""

    id: int
    filename: str
    content_type: str
    content: bytes


def live_evidence(session: Session, assignment_ids: Sequence[int]) -> dict[int, list[EvidenceFile]]:
    """The documents of these rows that are not withdrawn, with their bytes, newest
    first, per row: one read for all the rows a screen shows (a row without any is
    absent)."""
    stmt = (
        select(
            col(Evidence.assignment_id),
            col(Evidence.id),
            col(Evidence.filename),
            col(Evidence.content_type),
            col(Evidence.content),
        )
        .where(
            col(Evidence.assignment_id).in_(list(assignment_ids)),
            col(Evidence.withdrawn).is_(False),
        )
        .order_by(col(Evidence.uploaded_at).desc())
    )
    found: dict[int, list[EvidenceFile]] = {}
    for assignment_id, *file in session.execute(stmt).all():
        found.setdefault(int(assignment_id), []).append(EvidenceFile(*file))
    return found


def last_look_key(user_id: int) -> str:
    """The setting that keeps when a secretariat member last marked the claims as seen."""
    return f"verification.last_look.{user_id}"


def last_look(session: Session, user_id: int) -> datetime | None:
    """When this secretariat member last marked the claims as seen."""
    row = session.get(AppSetting, last_look_key(user_id))
    return datetime.fromisoformat(row.value) if row else None


def _pending() -> list[Any]:
    return [
        col(Assignment.withdrawn).is_(False),
        col(Assignment.reported_at).is_not(None),
        col(Assignment.verification) == Verification.UNVERIFIED.value,
    ]


def claims_count(session: Session, since: datetime | None) -> tuple[int, int]:
    """(claims not ruled on, of which reported after `since`), counted in SQL."""
    newer = col(Assignment.reported_at) > since if since is not None else literal(True)
    total, new = session.execute(
        select(func.count(col(Assignment.id)), func.sum(case((newer, 1), else_=0))).where(
            *_pending()
        )
    ).one()
    return int(total or 0), int(new or 0)


def claims_to_verify(
    session: Session, today: date, since: datetime | None, limit: int = 300
) -> pd.DataFrame:
    """The newest `limit` reported rows the secretariat has not ruled on; `new` marks
    those reported after `since` (the person's last look)."""
    stmt = (
        _rows_stmt(today)
        .where(*_pending())
        .order_by(col(Assignment.reported_at).desc(), col(Assignment.id).desc())
        .limit(limit)
    )
    df = _frame(session.execute(stmt).all())
    reported = pd.to_datetime(df["reported_at"], utc=True)
    df["new"] = True if since is None else (reported > pd.Timestamp(since)).astype(bool)
    return df
