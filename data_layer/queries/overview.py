"""Reads behind the chair's overview: headline figures, scorecards, gaps, recent change.

Every aggregate is computed in SQL; only small results (one row per agency, a
limited list, a count per day) cross into pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import (
    Date,
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.models import (
    Agency,
    Assignment,
    AssignmentStatus,
    County,
    DeliveryStatus,
    Evidence,
    HistoryEntry,
    Letter,
    Meeting,
    Neighborhood,
    Resolution,
    ServiceDelivery,
    ServiceType,
    Verification,
)
from data_layer.queries.resolutions import effective_due, is_overdue

# Days without a report after which a row counts as stale in the headline.
STALE_DAYS = 30
_COUNTING = (DeliveryStatus.ACTIVE.value, DeliveryStatus.COMPLETED.value)
_RAG_ORDER = {"red": 0, "amber": 1, "green": 2}


@dataclass(frozen=True)
class Thresholds:
    """Where an agency's scorecard turns red, amber or green (shares are 0-1)."""

    green_done_share: float = 0.6
    red_done_share: float = 0.3
    amber_overdue: int = 1
    red_overdue: int = 3
    stale_days: int = 30


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _live() -> ColumnElement[bool]:
    return col(Assignment.withdrawn).is_(False)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0 on no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _not_done() -> ColumnElement[bool]:
    return col(Assignment.status) != AssignmentStatus.DONE.value


def _stale_since(today: date, days: int) -> datetime:
    """Start (UTC) of the day `days` before today: older reports are stale."""
    return datetime.combine(today - timedelta(days=days), time(0), tzinfo=UTC)


# --- headline ----------------------------------------------------------------------


def headline(
    session: Session,
    today: date,
    stale_days: int = STALE_DAYS,
    *,
    meeting_id: int | None = None,
) -> dict[str, int]:
    """The overview's top figures over live rows (of one meeting, if given), plus the
    number of meetings."""
    status = col(Assignment.status)
    verified = (Verification.DOCUMENT_SEEN.value, Verification.FIELD_VERIFIED.value)
    reported = col(Assignment.reported_at)
    stale = and_(_not_done(), or_(reported.is_(None), reported < _stale_since(today, stale_days)))
    figures: dict[str, ColumnElement[Any]] = {
        "resolutions": func.count(func.distinct(col(Assignment.resolution_id))),
        "rows": func.count(col(Assignment.id)),
        "done_verified": _count_if(
            and_(status == AssignmentStatus.DONE.value, col(Assignment.verification).in_(verified))
        ),
        **{s.value: _count_if(status == s.value) for s in AssignmentStatus},
        "overdue": _count_if(is_overdue(today)),
        "stale": _count_if(stale),
        "meetings": select(func.count(col(Meeting.id))).scalar_subquery(),
    }
    stmt = (
        select(*(v.label(k) for k, v in figures.items()))
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .where(_live())
    )
    if meeting_id is not None:
        stmt = stmt.where(col(Resolution.meeting_id) == meeting_id)
    row = session.execute(stmt).one()
    return {k: int(v or 0) for k, v in zip(figures, row, strict=True)}


# --- agency scorecards ---------------------------------------------------------------


def _with_evidence_ids() -> Any:
    """Rows that have at least one non-withdrawn uploaded document."""
    return (
        select(col(Evidence.assignment_id).label("assignment_id"))
        .where(col(Evidence.withdrawn).is_(False))
        .group_by(col(Evidence.assignment_id))
        .subquery()
    )


def _scorecard_counts(session: Session, today: date) -> pd.DataFrame:
    """Per agency owning live rows: rows, done, overdue, with evidence, last report."""
    docs = _with_evidence_ids()
    has_evidence = (col(Assignment.evidence_url) != "") | docs.c.assignment_id.is_not(None)
    stmt = (
        select(
            col(Agency.id),
            col(Agency.short_name),
            func.count(col(Assignment.id)),
            _count_if(col(Assignment.status) == AssignmentStatus.DONE.value),
            _count_if(is_overdue(today)),
            _count_if(has_evidence),
            func.max(col(Assignment.reported_at)),
        )
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .outerjoin(docs, docs.c.assignment_id == col(Assignment.id))
        .where(_live())
        .group_by(col(Agency.id), col(Agency.short_name))
    )
    cols = ["agency_id", "agency", "rows", "done", "overdue", "with_evidence", "last_update"]
    df = _frame(session.execute(stmt).all(), cols)
    for name in cols[2:6]:
        df[name] = df[name].astype(int)
    return df


def rag_for(share_done: float, overdue: int, days_since_update: int | None, t: Thresholds) -> str:
    """One agency's colour; see `agency_scorecards` for the rule."""
    silent = days_since_update is None or days_since_update > 2 * t.stale_days
    if share_done < t.red_done_share or overdue >= t.red_overdue or silent:
        return "red"
    fresh = days_since_update is not None and days_since_update <= t.stale_days
    if share_done >= t.green_done_share and overdue < t.amber_overdue and fresh:
        return "green"
    return "amber"


def letters_by_agency(session: Session) -> dict[int, tuple[int, int]]:
    """Per agency: follow-up letters it received, and how many it has not answered."""
    unanswered = col(Letter.replied_on).is_(None)
    stmt = select(
        col(Letter.agency_id), func.count(col(Letter.id)), _count_if(unanswered)
    ).group_by(col(Letter.agency_id))
    return {int(a): (int(n), int(u)) for a, n, u in session.execute(stmt).all()}


def agency_scorecards(session: Session, today: date, thresholds: Thresholds) -> pd.DataFrame:
    """One row per agency with live rows, worst first, coloured by `thresholds`.

    Also `letters` (follow-up letters received) and `unanswered` (of those).
    red: share_done < red_done_share, or overdue >= red_overdue, or no report at all
    or none for more than 2 x stale_days; green: share_done >= green_done_share and
    overdue < amber_overdue and a report within stale_days; amber otherwise.
    """
    df = _scorecard_counts(session, today)
    days = [None if pd.isna(d) else (today - d.date()).days for d in df["last_update"]]
    df["days_since_update"] = pd.Series(days, index=df.index, dtype=object)
    df["share_done"] = (df["done"] / df["rows"]).astype(float)
    df["share_on_time"] = (1 - df["overdue"] / df["rows"]).astype(float)
    df["share_evidence"] = (df["with_evidence"] / df["rows"]).astype(float)
    df["rag"] = [
        rag_for(s, int(o), d, thresholds)
        for s, o, d in zip(df["share_done"], df["overdue"], days, strict=True)
    ]
    letters = letters_by_agency(session)
    df["letters"] = [letters.get(int(i), (0, 0))[0] for i in df["agency_id"]]
    df["unanswered"] = [letters.get(int(i), (0, 0))[1] for i in df["agency_id"]]
    df["_rank"] = df["rag"].map(_RAG_ORDER)
    df = df.sort_values(
        ["_rank", "share_done", "overdue", "agency"], ascending=[True, True, False, True]
    )
    return df.drop(columns="_rank").reset_index(drop=True)


# --- overdue rows and recent change ----------------------------------------------------


def overdue_rows(session: Session, today: date, limit: int = 50, offset: int = 0) -> pd.DataFrame:
    """Live rows past their date and not done: most days late first, then agency; `limit`
    of them from `offset` (a page of the list; headline()["overdue"] counts them all)."""
    due = effective_due()
    stmt = (
        select(
            col(Assignment.id),
            col(Meeting.number),
            col(Resolution.number),
            col(Resolution.text),
            col(Agency.short_name),
            due,
            col(Assignment.reschedule_count),
            col(Assignment.status),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(_live(), is_overdue(today))
        .order_by(due, col(Agency.short_name), col(Assignment.id))
        .limit(limit)
        .offset(offset)
    )
    cols = ["id", "meeting_number", "resolution_number", "resolution_text", "agency", "due"]
    df = _frame(session.execute(stmt).all(), [*cols, "reschedule_count", "status"])
    df.insert(6, "days_late", pd.Series([(today - d).days for d in df["due"]], dtype=int))
    return df


def changes_since(session: Session, since: datetime) -> dict[str, int]:
    """How many rows were completed, started, rescheduled or changed at all since then."""
    h = HistoryEntry
    is_status = col(h.field) == "status"
    not_started = AssignmentStatus.NOT_STARTED.value

    def rows_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.count(func.distinct(case((condition, col(h.entity_id)))))

    figures = {
        "completed": rows_where(and_(is_status, col(h.new_value) == AssignmentStatus.DONE.value)),
        "started": rows_where(
            and_(is_status, col(h.old_value) == not_started, col(h.new_value) != not_started)
        ),
        "moved": rows_where(and_(col(h.field) == "planned_date", col(h.old_value).is_not(None))),
        "since_meeting_rows_changed": func.count(func.distinct(col(h.entity_id))),
    }
    stmt = select(*figures.values()).where(
        col(h.entity) == "assignment", col(h.changed_at) >= since
    )
    row = session.execute(stmt).one()
    return {k: int(v or 0) for k, v in zip(figures, row, strict=True)}


def last_meeting(
    session: Session, today: date, *, with_resolutions: bool = False
) -> dict[str, Any] | None:
    """The latest meeting held on or before today (with `with_resolutions`, the latest
    that passed any: the one whose follow-up a session reviews): id, number, held_on."""
    stmt = (
        select(col(Meeting.id), col(Meeting.number), col(Meeting.held_on))
        .where(col(Meeting.held_on) <= today)
        .order_by(col(Meeting.held_on).desc(), col(Meeting.number).desc())
        .limit(1)
    )
    if with_resolutions:
        passed = select(col(Resolution.id)).where(col(Resolution.meeting_id) == col(Meeting.id))
        stmt = stmt.where(passed.exists())
    row = session.execute(stmt).first()
    return None if row is None else {"id": row[0], "number": row[1], "held_on": row[2]}


# --- neighbourhoods and service gaps ---------------------------------------------------


def _counting_delivery() -> ColumnElement[bool]:
    return and_(
        col(ServiceDelivery.withdrawn).is_(False), col(ServiceDelivery.status).in_(_COUNTING)
    )


def neighborhood_count(session: Session) -> int:
    """How many target neighbourhoods are active."""
    stmt = select(func.count(col(Neighborhood.id))).where(col(Neighborhood.active).is_(True))
    return int(session.execute(stmt).scalar_one())


def neighborhoods_without_active_service(session: Session) -> pd.DataFrame:
    """Active neighbourhoods with no active or completed delivery, by priority then size."""
    served = (
        select(col(ServiceDelivery.id))
        .where(col(ServiceDelivery.neighborhood_id) == col(Neighborhood.id), _counting_delivery())
        .exists()
    )
    rank = col(Neighborhood.priority_rank)
    stmt = (
        select(
            col(Neighborhood.id),
            col(County.name),
            col(Neighborhood.name),
            col(Neighborhood.population),
            col(Neighborhood.kind),
            rank,
        )
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .where(col(Neighborhood.active).is_(True), ~served)
        .order_by(
            case((rank.is_(None), 1), else_=0),
            rank,
            col(Neighborhood.population).desc(),
            col(Neighborhood.id),
        )
    )
    cols = ["id", "county", "name", "population", "kind", "priority_rank"]
    df = _frame(session.execute(stmt).all(), cols)
    df["priority_rank"] = df["priority_rank"].astype("Int64")  # unranked: <NA>, not NaN
    return df


def _delivered() -> Any:
    """Units delivered (active or completed, not withdrawn) per neighbourhood x service."""
    return (
        select(
            col(ServiceDelivery.neighborhood_id).label("neighborhood_id"),
            col(ServiceDelivery.service_type_id).label("service_type_id"),
            func.sum(col(ServiceDelivery.units)).label("units"),
        )
        .where(_counting_delivery())
        .group_by(col(ServiceDelivery.neighborhood_id), col(ServiceDelivery.service_type_id))
        .subquery()
    )


def largest_gaps(session: Session, limit: int = 10) -> pd.DataFrame:
    """Neighbourhood x service pairs furthest below their norm, by unmet share then gap."""
    d = _delivered()
    owner = aliased(Agency)
    need = col(ServiceType.norm_per_1000) * col(Neighborhood.population) / 1000.0
    delivered = func.coalesce(d.c.units, literal(0.0, Float))
    gap = need - delivered
    unmet = gap / func.nullif(need, 0)
    stmt = (
        select(
            col(Neighborhood.id),
            col(County.name),
            col(Neighborhood.name),
            col(ServiceType.name),
            col(ServiceType.unit),
            col(owner.short_name),
            need,
            delivered,
            gap,
            unmet,
        )
        .select_from(Neighborhood)
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .join(ServiceType, true())
        .outerjoin(owner, col(owner.id) == col(ServiceType.owner_agency_id))
        .outerjoin(
            d,
            and_(
                d.c.neighborhood_id == col(Neighborhood.id),
                d.c.service_type_id == col(ServiceType.id),
            ),
        )
        .where(
            col(Neighborhood.active).is_(True),
            col(ServiceType.active).is_(True),
            col(ServiceType.norm_per_1000).is_not(None),
            gap > 0,
        )
        .order_by(unmet.desc(), gap.desc(), col(Neighborhood.id), col(ServiceType.name))
        .limit(limit)
    )
    cols = ["neighborhood_id", "county", "neighborhood", "service", "unit", "owner_agency"]
    df = _frame(session.execute(stmt).all(), [*cols, "need", "delivered", "gap", "unmet_share"])
    for name in ("need", "delivered", "gap", "unmet_share"):
        df[name] = df[name].astype(float)
    return df


# --- completion over time -------------------------------------------------------------


def utc_day(session: Session, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp column, portably (SQLite or PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        # A bare cast would use the connection's TimeZone; pin the day to UTC.
        # The zone is inlined so that SELECT and GROUP BY hold the very same expression.
        return cast(func.timezone(literal_column("'UTC'"), column), Date)
    return func.date(column, type_=Date)


def completion_by_month(session: Session) -> pd.DataFrame:
    """Rows whose status became done, per UTC day (the page buckets them by Jalali month)."""
    day = utc_day(session, col(HistoryEntry.changed_at)).label("changed_on")
    stmt = (
        select(day, func.count(func.distinct(col(HistoryEntry.entity_id))))
        .where(
            col(HistoryEntry.entity) == "assignment",
            col(HistoryEntry.field) == "status",
            col(HistoryEntry.new_value) == AssignmentStatus.DONE.value,
        )
        .group_by(day)
        .order_by(day)
    )
    df = _frame(session.execute(stmt).all(), ["changed_on", "completed"])
    df["completed"] = df["completed"].astype(int)
    return df
