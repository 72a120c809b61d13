"""Reads behind the resolutions screen: meetings, resolutions, the follow-up matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.models import Agency, Assignment, AssignmentStatus, Meeting, Resolution
from data_layer.queries.county import row_in_county
from data_layer.queries.settings import get_lead_weight
from data_layer.rules.completeness import share_done_of
from data_layer.rules.lateness import effective_due, is_overdue
from data_layer.rules.progress import weighted_progress

# A pseudo-status for filters: a row past its date and not done.
OVERDUE = "overdue"


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def is_lead() -> ColumnElement[bool]:
    """True on the row of its resolution's lead owner (Resolution must be joined)."""
    lead = col(Assignment.agency_id) == col(Resolution.lead_agency_id)
    return case((lead, literal(True)), else_=literal(False))


def lead_name() -> Any:
    """The short name of the resolution's lead owner (NULL without one)."""
    lead = aliased(Agency, name="lead_agency")  # never the row's own agency
    return (
        select(col(lead.short_name))
        .where(col(lead.id) == col(Resolution.lead_agency_id))
        .correlate(Resolution)
        .scalar_subquery()
    )


def list_meetings(session: Session) -> pd.DataFrame:
    """Every meeting, newest first, with how many resolutions and rows it has."""
    res_count = (
        select(func.count(col(Resolution.id)))
        .where(col(Resolution.meeting_id) == col(Meeting.id))
        .scalar_subquery()
    )
    stmt = select(
        col(Meeting.id),
        col(Meeting.number),
        col(Meeting.held_on),
        col(Meeting.place),
        col(Meeting.is_sample),
        res_count.label("resolutions"),
    ).order_by(col(Meeting.held_on).desc(), col(Meeting.number).desc())
    return _frame(
        session.execute(stmt).all(),
        ["id", "number", "held_on", "place", "is_sample", "resolutions"],
    )


def meeting_header(session: Session, meeting_id: int) -> dict[str, Any] | None:
    """One meeting's facts as plain values (safe to cache and pickle)."""
    m = session.get(Meeting, meeting_id)
    if m is None:
        return None
    return m.model_dump()


def meeting_resolutions(
    session: Session, meeting_id: int, lead_weight: int | None = None
) -> pd.DataFrame:
    """A meeting's resolutions in order, with each one's row counts by outcome, its lead
    owner (`lead_agency_id`, `lead`: its short name or "") and `mean_progress`, the
    progress weighted by `weighted_progress` (the stored lead weight when None)."""
    if lead_weight is None:
        lead_weight = get_lead_weight(session)
    live = col(Assignment.withdrawn) == False  # noqa: E712
    stmt = (
        select(
            col(Resolution.id),
            col(Resolution.number),
            col(Resolution.text),
            col(Resolution.theme),
            col(Resolution.owners_as_written),
            col(Resolution.due_date),
            col(Resolution.is_sample),
            col(Resolution.version),
            col(Resolution.lead_agency_id),
            lead_name().label("lead"),
            func.count(col(Assignment.id)).label("rows"),
            func.sum(
                case((col(Assignment.status) == AssignmentStatus.DONE.value, 1), else_=0)
            ).label("done"),
            func.coalesce(weighted_progress(lead_weight), 0).label("mean_progress"),
        )
        .outerjoin(Assignment, and_(col(Assignment.resolution_id) == col(Resolution.id), live))
        .where(col(Resolution.meeting_id) == meeting_id)
        .group_by(col(Resolution.id))
        .order_by(col(Resolution.number))
    )
    df = _frame(
        session.execute(stmt).all(),
        [
            "id",
            "number",
            "text",
            "theme",
            "owners_as_written",
            "due_date",
            "is_sample",
            "version",
            "lead_agency_id",
            "lead",
            "rows",
            "done",
            "mean_progress",
        ],
    )
    df["lead_agency_id"] = df["lead_agency_id"].astype("Int64")
    df["lead"] = df["lead"].fillna("").astype(str)
    df["done"] = df["done"].fillna(0).astype(int)
    df["mean_progress"] = df["mean_progress"].astype(float)
    return df


def _row_filters(
    meeting_id: int | None,
    today: date,
    agency_ids: Sequence[int] | None,
    statuses: Sequence[str] | None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [col(Assignment.withdrawn) == False]  # noqa: E712
    if meeting_id is not None:
        where.append(col(Resolution.meeting_id) == meeting_id)
    if agency_ids:
        where.append(col(Assignment.agency_id).in_(list(agency_ids)))
    if statuses:
        real = [s for s in statuses if s != OVERDUE]
        either: list[ColumnElement[bool]] = []
        if real:
            either.append(col(Assignment.status).in_(real))
        if OVERDUE in statuses:
            either.append(is_overdue(today))
        where.append(or_(*either))
    return where


def follow_up_matrix(
    session: Session,
    meeting_id: int,
    today: date,
    agency_ids: Sequence[int] | None = None,
    statuses: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per (resolution, agency) of a meeting: status, progress, due, overdue, and
    `is_lead` on the row of the resolution's lead owner."""
    stmt = (
        select(
            col(Assignment.id),
            col(Resolution.number).label("resolution_number"),
            col(Assignment.agency_id),
            col(Agency.short_name).label("agency"),
            col(Agency.sort_order).label("agency_order"),
            col(Assignment.status),
            col(Assignment.progress),
            effective_due().label("due"),
            case((is_overdue(today), literal(True)), else_=literal(False)).label("overdue"),
            col(Assignment.verification),
            col(Assignment.reschedule_count),
            col(Assignment.reported_at),
            col(Assignment.is_sample),
            col(Agency.is_sample).label("agency_is_sample"),
            col(Assignment.done_text),
            is_lead().label("is_lead"),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(*_row_filters(meeting_id, today, agency_ids, statuses))
        .order_by(col(Agency.sort_order), col(Resolution.number))
    )
    df = _frame(
        session.execute(stmt).all(),
        [
            "id",
            "resolution_number",
            "agency_id",
            "agency",
            "agency_order",
            "status",
            "progress",
            "due",
            "overdue",
            "verification",
            "reschedule_count",
            "reported_at",
            "is_sample",
            "agency_is_sample",
            "done_text",
            "is_lead",
        ],
    )
    df["overdue"] = df["overdue"].astype(bool)
    df["is_lead"] = df["is_lead"].astype(bool)
    return df


def agency_status_summary(
    session: Session,
    meeting_id: int | None,
    today: date,
    agency_ids: Sequence[int] | None = None,
    *,
    county_id: int | None = None,
) -> pd.DataFrame:
    """Per agency, its rows (of one meeting, or all; of one county, if given) counted
    by status, plus overdue; worst first."""

    def count_status(status: AssignmentStatus) -> ColumnElement[Any]:
        return func.sum(case((col(Assignment.status) == status.value, 1), else_=0))

    stmt = (
        select(
            col(Agency.id).label("agency_id"),
            col(Agency.short_name).label("agency"),
            func.count(col(Assignment.id)).label("rows"),
            count_status(AssignmentStatus.DONE).label("done"),
            count_status(AssignmentStatus.IN_PROGRESS).label("in_progress"),
            count_status(AssignmentStatus.NOT_STARTED).label("not_started"),
            count_status(AssignmentStatus.BLOCKED).label("blocked"),
            count_status(AssignmentStatus.NEEDS_FOLLOW_UP).label("needs_follow_up"),
            func.sum(case((is_overdue(today), 1), else_=0)).label("overdue"),
            func.avg(col(Assignment.progress)).label("mean_progress"),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(
            *_row_filters(meeting_id, today, agency_ids, None),
            row_in_county(col(Assignment.id), county_id),
        )
        .group_by(col(Agency.id), col(Agency.short_name))
    )
    cols = STATUS_SUMMARY_COLUMNS
    df = _frame(session.execute(stmt).all(), cols)
    for name in cols[2:-1]:
        df[name] = df[name].astype(int)
    df["mean_progress"] = df["mean_progress"].astype(float)
    return _worst_first(df)


STATUS_SUMMARY_COLUMNS = ["agency_id", "agency", "rows", "done", "in_progress", "not_started"]
STATUS_SUMMARY_COLUMNS += ["blocked", "needs_follow_up", "overdue", "mean_progress"]


def _worst_first(df: pd.DataFrame) -> pd.DataFrame:
    df["done_share"] = share_done_of(df["done"], df["rows"])
    return df.sort_values(
        ["overdue", "done_share", "agency"], ascending=[False, True, True]
    ).reset_index(drop=True)


def status_summary_of(figures: pd.DataFrame) -> pd.DataFrame:
    """`agency_status_summary` over every meeting's rows, from the overview's
    `agency_figures` (of the same day and county) instead of counting the rows again."""
    return _worst_first(figures[STATUS_SUMMARY_COLUMNS].copy())


def agency_choices(session: Session, meeting_id: int) -> pd.DataFrame:
    """Agencies that own at least one row of a meeting (for the filter)."""
    stmt = (
        select(col(Agency.id), col(Agency.short_name), col(Agency.sort_order))
        .join(Assignment, col(Assignment.agency_id) == col(Agency.id))
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .where(col(Resolution.meeting_id) == meeting_id, col(Assignment.withdrawn) == False)  # noqa: E712
        .group_by(col(Agency.id), col(Agency.short_name), col(Agency.sort_order))
        .order_by(col(Agency.sort_order))
    )
    return _frame(session.execute(stmt).all(), ["id", "short_name", "sort_order"])


@dataclass(frozen=True)
class StoredResolution:
    """A resolution a meeting already has, as an import compares and updates it."""

    id: int
    version: int
    text: str


def stored_resolutions(session: Session, meeting_id: int) -> dict[int, StoredResolution]:
    """A meeting's resolutions by number (what a minutes file is compared with)."""
    rows = session.execute(
        select(
            col(Resolution.number),
            col(Resolution.id),
            col(Resolution.version),
            col(Resolution.text),
        ).where(col(Resolution.meeting_id) == meeting_id)
    ).all()
    return {int(r[0]): StoredResolution(int(r[1]), int(r[2]), str(r[3])) for r in rows}


@dataclass(frozen=True)
class OwnersOnRecord:
    """A resolution's owners as its minutes write them, beside the agencies they matched."""

    as_written: str  # the owner cell exactly as the file wrote it (or as typed)
    all_members: bool  # «ادارات عضو کارگروه»
    agencies: tuple[str, ...]  # short names of the agencies holding a live row, lead first
    lead: str  # the lead's short name, or ""


def owners_on_record(session: Session, meeting_id: int) -> dict[int, OwnersOnRecord]:
    """A meeting's resolutions by id: the owners as written and the agencies matched."""
    resolutions = session.execute(
        select(
            col(Resolution.id),
            col(Resolution.owners_raw),
            col(Resolution.owners_as_written),
            col(Resolution.all_members),
            col(Resolution.lead_agency_id),
        ).where(col(Resolution.meeting_id) == meeting_id)
    ).all()
    held = session.execute(
        select(col(Assignment.resolution_id), col(Agency.id), col(Agency.short_name))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .where(col(Resolution.meeting_id) == meeting_id, col(Assignment.withdrawn) == False)  # noqa: E712
        .order_by(col(Agency.sort_order), col(Agency.short_name))
    ).all()
    names: dict[int, list[tuple[int, str]]] = {}
    for resolution_id, agency_id, short in held:
        names.setdefault(int(resolution_id), []).append((int(agency_id), str(short)))
    out: dict[int, OwnersOnRecord] = {}
    for rid, raw, written, everyone, lead_id in resolutions:
        agencies = names.get(int(rid), [])
        lead = next((n for a, n in agencies if a == lead_id), "")
        ordered = ([lead] if lead else []) + [n for a, n in agencies if a != lead_id]
        out[int(rid)] = OwnersOnRecord(raw or written, bool(everyone), tuple(ordered), lead)
    return out
