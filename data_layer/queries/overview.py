"""Reads behind the chair's overview: headline figures, scorecards, gaps, recent change.

Every aggregate is computed in SQL; only small results (one row per agency, a
limited list, a count per day) cross into pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Date, and_, case, cast, func, literal_column, select, true, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.models import (
    Agency,
    Assignment,
    AssignmentStatus,
    County,
    Evidence,
    HistoryEntry,
    Letter,
    Meeting,
    Neighborhood,
    Resolution,
    ServiceDelivery,
    Verification,
)
from data_layer.queries.county import hood_in_county, row_in_county
from data_layer.queries.coverage import gaps
from data_layer.rules import coverage
from data_layer.rules.completeness import share_done_of
from data_layer.rules.lateness import (
    STALE_DAYS,
    days_late,
    days_since,
    effective_due,
    is_overdue,
    is_stale,
    not_done,
)
from data_layer.rules.scorecard import RAG_ORDER, Thresholds, rag_for


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _live() -> ColumnElement[bool]:
    return col(Assignment.withdrawn).is_(False)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0 on no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- headline ----------------------------------------------------------------------


def done_and_verified() -> ColumnElement[bool]:
    """A row reported done whose claim the secretariat has seen or verified in the field."""
    verified = (Verification.DOCUMENT_SEEN.value, Verification.FIELD_VERIFIED.value)
    return and_(
        col(Assignment.status) == AssignmentStatus.DONE.value,
        col(Assignment.verification).in_(verified),
    )


def headline(
    session: Session,
    today: date,
    stale_days: int = STALE_DAYS,
    *,
    meeting_id: int | None = None,
    county_id: int | None = None,
) -> dict[str, int]:
    """The overview's top figures over live rows (of one meeting, of one county's
    neighbourhoods, if given), plus the number of meetings."""
    status = col(Assignment.status)
    figures: dict[str, ColumnElement[Any]] = {
        "resolutions": func.count(func.distinct(col(Assignment.resolution_id))),
        "rows": func.count(col(Assignment.id)),
        "done_verified": _count_if(done_and_verified()),
        **{s.value: _count_if(status == s.value) for s in AssignmentStatus},
        "overdue": _count_if(is_overdue(today)),
        "stale": _count_if(is_stale(today, stale_days)),
        "meetings": select(func.count(col(Meeting.id))).scalar_subquery(),
    }
    stmt = (
        select(*(v.label(k) for k, v in figures.items()))
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .where(_live(), row_in_county(col(Assignment.id), county_id))
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


SCORECARD_COUNT_COLUMNS = ["agency_id", "agency", "rows", "done", "overdue", "with_evidence"]
SCORECARD_COUNT_COLUMNS += ["last_update"]


def letters_by_agency(session: Session) -> dict[int, tuple[int, int]]:
    """Per agency: follow-up letters it received, and how many it has not answered."""
    unanswered = col(Letter.replied_on).is_(None)
    stmt = select(
        col(Letter.agency_id), func.count(col(Letter.id)), _count_if(unanswered)
    ).group_by(col(Letter.agency_id))
    return {int(a): (int(n), int(u)) for a, n, u in session.execute(stmt).all()}


def agency_scorecards(
    session: Session,
    today: date,
    thresholds: Thresholds,
    *,
    county_id: int | None = None,
    figures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per agency with live rows, worst first, coloured by `thresholds` (the rule
    of data_layer/rules/scorecard.py); also `letters` (follow-up letters received) and
    `unanswered` (of those). With `county_id`, over the rows of that county only. Given
    `figures` (`agency_figures` of the same day and county), its counts are taken
    instead of counting the rows again."""
    if figures is None:
        figures = agency_figures(session, today, county_id=county_id)
    df = figures[SCORECARD_COUNT_COLUMNS].copy()
    days = [days_since(d, today) for d in df["last_update"]]
    df["days_since_update"] = pd.Series(days, index=df.index, dtype=object)
    df["share_done"] = share_done_of(df["done"], df["rows"])
    df["share_on_time"] = (1 - df["overdue"] / df["rows"]).astype(float)
    df["share_evidence"] = (df["with_evidence"] / df["rows"]).astype(float)
    df["rag"] = [
        rag_for(s, int(o), d, thresholds)
        for s, o, d in zip(df["share_done"], df["overdue"], days, strict=True)
    ]
    letters = letters_by_agency(session)
    df["letters"] = [letters.get(int(i), (0, 0))[0] for i in df["agency_id"]]
    df["unanswered"] = [letters.get(int(i), (0, 0))[1] for i in df["agency_id"]]
    df["_rank"] = df["rag"].map(RAG_ORDER)
    df = df.sort_values(
        ["_rank", "share_done", "overdue", "agency"], ascending=[True, True, False, True]
    )
    return df.drop(columns="_rank").reset_index(drop=True)


# --- the overview's per-agency figures, read once ------------------------------------

STATUS_COLUMNS = [s.value for s in AssignmentStatus]
AGENCY_FIGURE_COLUMNS = ["agency_id", "agency", "rows", *STATUS_COLUMNS, "overdue", "stale"]
AGENCY_FIGURE_COLUMNS += ["done_verified", "with_evidence", "last_update", "mean_progress"]


def agency_figures(
    session: Session, today: date, stale_days: int = STALE_DAYS, *, county_id: int | None = None
) -> pd.DataFrame:
    """One pass over the live rows (of one county's neighbourhoods, if given), grouped by
    agency: what `headline`, `agency_scorecards` and `agency_status_summary` each count
    over those rows in a scan of their own. The overview derives all three from this
    frame (`headline_of`, `scorecards_of`, `status_summary_of`), so it reads the rows
    once instead of three times."""
    docs = _with_evidence_ids()
    has_evidence = (col(Assignment.evidence_url) != "") | docs.c.assignment_id.is_not(None)
    status = col(Assignment.status)
    stmt = (
        select(
            col(Agency.id),
            col(Agency.short_name),
            func.count(col(Assignment.id)),
            *(_count_if(status == s) for s in STATUS_COLUMNS),
            _count_if(is_overdue(today)),
            _count_if(is_stale(today, stale_days)),
            _count_if(done_and_verified()),
            _count_if(has_evidence),
            func.max(col(Assignment.reported_at)),
            func.avg(col(Assignment.progress)),
        )
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .outerjoin(docs, docs.c.assignment_id == col(Assignment.id))
        .where(_live(), row_in_county(col(Assignment.id), county_id))
        .group_by(col(Agency.id), col(Agency.short_name))
    )
    df = _frame(session.execute(stmt).all(), AGENCY_FIGURE_COLUMNS)
    for name in AGENCY_FIGURE_COLUMNS[2:-2]:
        df[name] = df[name].astype(int)
    df["mean_progress"] = df["mean_progress"].astype(float)
    return df


def headline_of(
    session: Session, figures: pd.DataFrame, *, county_id: int | None = None
) -> dict[str, int]:
    """`headline` (over every live row, of one county if given) from `agency_figures`:
    the sums of its per-agency counts, the resolutions with a live row, the meetings."""
    # The resolutions with a live row: one probe of the rows' resolution index per
    # resolution, where a COUNT(DISTINCT) would walk every row again.
    live_row = (
        select(col(Assignment.id))
        .where(
            col(Assignment.resolution_id) == col(Resolution.id),
            _live(),
            row_in_county(col(Assignment.id), county_id),
        )
        .exists()
    )
    resolutions = select(func.count(col(Resolution.id))).where(live_row)
    found: dict[str, int] = {
        "resolutions": int(session.execute(resolutions).scalar_one() or 0),
        "rows": int(figures["rows"].sum()),
        "done_verified": int(figures["done_verified"].sum()),
        **{s: int(figures[s].sum()) for s in STATUS_COLUMNS},
        "overdue": int(figures["overdue"].sum()),
        "stale": int(figures["stale"].sum()),
        "meetings": int(session.execute(select(func.count(col(Meeting.id)))).scalar_one()),
    }
    return found


# --- overdue rows and recent change ----------------------------------------------------


def is_overdue_planned(today: date) -> ColumnElement[bool]:
    """`is_overdue` of a row with a planned date (no Resolution needed)."""
    return and_(not_done(), col(Assignment.planned_date) < today)


def _late_cutoff(session: Session, today: date, count: int, county_id: int | None) -> date | None:
    """The day the `count`-th late row (earliest due first) is due, or None when fewer
    rows are late. Read from two walks that stop after `count` rows each: the rows with
    a planned date in its order (ix_assignment_planned), and the rows without one in
    their resolution's due order (ix_resolution_due)."""
    in_county = row_in_county(col(Assignment.id), county_id)
    planned = (
        select(col(Assignment.planned_date))
        .where(
            col(Assignment.planned_date).is_not(None),
            _live(),
            is_overdue_planned(today),
            in_county,
        )
        .order_by(col(Assignment.planned_date))
        .limit(count)
    )
    unplanned = (
        select(col(Resolution.due_date))
        .join(Assignment, col(Assignment.resolution_id) == col(Resolution.id))
        .where(
            col(Assignment.planned_date).is_(None),
            col(Resolution.due_date) < today,
            _live(),
            not_done(),
            in_county,
        )
        .order_by(col(Resolution.due_date))
        .limit(count)
    )
    days = sorted([*session.execute(planned).scalars(), *session.execute(unplanned).scalars()])
    return days[count - 1] if count > 0 and len(days) >= count else None


def overdue_rows(
    session: Session,
    today: date,
    limit: int = 50,
    offset: int = 0,
    *,
    county_id: int | None = None,
) -> pd.DataFrame:
    """Live rows past their date and not done: most days late first, then agency; `limit`
    of them from `offset` (a page of the list; headline()["overdue"] counts them all)."""
    due = effective_due()
    last_day = _late_cutoff(session, today, offset + limit, county_id)
    within: ColumnElement[bool] = true()
    if last_day is not None:
        # Every row of the page is due on or before the page's last day: read only those
        # (the rows by planned date from its index, the unplanned ones by their
        # resolution's due date), not every late row, then order them as before.
        early = select(col(Assignment.id)).where(
            col(Assignment.planned_date) <= last_day, _live(), is_overdue_planned(today)
        )
        early_unplanned = (
            select(col(Assignment.id))
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .where(
                col(Assignment.planned_date).is_(None),
                col(Resolution.due_date) <= last_day,
                _live(),
                is_overdue(today),
            )
        )
        within = col(Assignment.id).in_(union_all(early, early_unplanned))
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
        .where(_live(), is_overdue(today), row_in_county(col(Assignment.id), county_id), within)
        .order_by(due, col(Agency.short_name), col(Assignment.id))
        .limit(limit)
        .offset(offset)
    )
    cols = ["id", "meeting_number", "resolution_number", "resolution_text", "agency", "due"]
    df = _frame(session.execute(stmt).all(), [*cols, "reschedule_count", "status"])
    df.insert(6, "days_late", pd.Series([days_late(d, today) for d in df["due"]], dtype=int))
    return df


def changes_since(
    session: Session, since: datetime, *, county_id: int | None = None
) -> dict[str, int]:
    """How many rows were completed, started, rescheduled or changed at all since then.

    Grouped by row first (the history's (entity, entity_id, ...) index hands the entries
    over in that order, so each row is one group) and the rows' flags summed after: the
    same figures as four COUNT(DISTINCT)s, without sorting every entry four times."""
    h = HistoryEntry
    is_status = col(h.field) == "status"
    not_started = AssignmentStatus.NOT_STARTED.value

    def flag(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.max(case((condition, 1), else_=0))

    conditions = {
        "completed": and_(is_status, col(h.new_value) == AssignmentStatus.DONE.value),
        "started": and_(
            is_status, col(h.old_value) == not_started, col(h.new_value) != not_started
        ),
        "moved": and_(col(h.field) == "planned_date", col(h.old_value).is_not(None)),
    }
    per_row = (
        select(col(h.entity_id), *(flag(c).label(k) for k, c in conditions.items()))
        .where(
            col(h.entity) == "assignment",
            col(h.changed_at) >= since,
            row_in_county(col(h.entity_id), county_id),
        )
        .group_by(col(h.entity_id))
        .subquery()
    )
    figures = [func.sum(per_row.c[k]) for k in conditions] + [func.count()]
    row = session.execute(select(*figures).select_from(per_row)).one()
    names = [*conditions, "since_meeting_rows_changed"]
    return {k: int(v or 0) for k, v in zip(names, row, strict=True)}


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


def neighborhood_count(session: Session, *, county_id: int | None = None) -> int:
    """How many target neighbourhoods are active (of one county, if given)."""
    stmt = select(func.count(col(Neighborhood.id))).where(
        col(Neighborhood.active).is_(True), hood_in_county(col(Neighborhood.county_id), county_id)
    )
    return int(session.execute(stmt).scalar_one())


def neighborhoods_without_active_service(
    session: Session, *, county_id: int | None = None
) -> pd.DataFrame:
    """Active neighbourhoods with no active or completed delivery, by priority then size."""
    served = (
        select(col(ServiceDelivery.id))
        .where(col(ServiceDelivery.neighborhood_id) == col(Neighborhood.id), coverage.counts())
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
        .where(
            col(Neighborhood.active).is_(True),
            ~served,
            hood_in_county(col(Neighborhood.county_id), county_id),
        )
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


LARGEST_GAP_COLUMNS = ["neighborhood_id", "county", "neighborhood", "service", "unit"]
LARGEST_GAP_COLUMNS += ["owner_agency", "need", "delivered", "gap", "unmet_share"]


def largest_gaps(
    session: Session, limit: int = 10, *, county_id: int | None = None
) -> pd.DataFrame:
    """Neighbourhood x service pairs furthest below their norm, by unmet share then gap."""
    found = gaps(session, by="neighborhood", limit=limit, worst="share", county_id=county_id)
    return found[LARGEST_GAP_COLUMNS].reset_index(drop=True)


# --- completion over time -------------------------------------------------------------


def utc_day(session: Session, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp column, portably (SQLite or PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        # A bare cast would use the connection's TimeZone; pin the day to UTC.
        # The zone is inlined so that SELECT and GROUP BY hold the very same expression.
        return cast(func.timezone(literal_column("'UTC'"), column), Date)
    return func.date(column, type_=Date)


def completion_by_month(session: Session, *, county_id: int | None = None) -> pd.DataFrame:
    """Rows whose status became done, per UTC day (the page buckets them by Jalali month)."""
    day = utc_day(session, col(HistoryEntry.changed_at)).label("changed_on")
    stmt = (
        select(day, func.count(func.distinct(col(HistoryEntry.entity_id))))
        .where(
            col(HistoryEntry.entity) == "assignment",
            col(HistoryEntry.field) == "status",
            col(HistoryEntry.new_value) == AssignmentStatus.DONE.value,
            row_in_county(col(HistoryEntry.entity_id), county_id),
        )
        .group_by(day)
        .order_by(day)
    )
    df = _frame(session.execute(stmt).all(), ["changed_on", "completed"])
    df["completed"] = df["completed"].astype(int)
    return df
