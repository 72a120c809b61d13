"""Reads on services in the target neighbourhoods: who does what where, gaps, capacity, reports.

Resolutions 4, 5, 9, 10 and 12 of the working group. Every aggregate is computed in
SQL; only small results (one row per neighbourhood x service, per agency x service, or
per agency x period) cross into pandas.

need      = norm_per_1000 x population / 1000 (None when the service has no norm)
delivered = SUM(units) of deliveries that are active or completed and not withdrawn
gap       = need - delivered, floored at 0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Float, Select, and_, case, func, literal, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.jalali import (
    format_jalali,
    format_jalali_month,
    jalali_month_bounds,
    jalali_season_bounds,
    to_fa_digits,
    to_jalali,
)
from data_layer.models import (
    Agency,
    AgencyCapacity,
    County,
    DeliveryStatus,
    Neighborhood,
    PerformanceReport,
    PeriodKind,
    ServiceDelivery,
    ServiceType,
)

LOCAL_TZ = ZoneInfo("Asia/Tehran")
SEASONS: tuple[str, ...] = ("بهار", "تابستان", "پاییز", "زمستان")
COUNTING_STATUSES = (DeliveryStatus.ACTIVE.value, DeliveryStatus.COMPLETED.value)

CoverageLevel = Literal["no_norm", "served", "none", "partial", "met"]
COVERAGE_LEVEL_LABELS: dict[str, str] = {
    "no_norm": "بدون سرانه، بدون خدمت",
    "served": "بدون سرانه، دارای خدمت",
    "none": "بدون خدمت",
    "partial": "پوشش ناقص",
    "met": "پوشش کامل",
}

ReportState = Literal["on_time", "late", "missing", "pending"]
REPORT_STATE_LABELS: dict[str, str] = {
    "on_time": "به‌موقع",
    "late": "با تأخیر",
    "missing": "ارسال نشده",
    "pending": "در مهلت",
}


@dataclass(frozen=True)
class ReportRule:
    """Which periods agencies report on, and how many days after a period ends they may."""

    period_kind: str = PeriodKind.SEASON.value  # 'month' or 'season'
    days_after_period_end: int = 10


# --- periods ---------------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    """The working group's calendar day of a moment (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).date()


def period_bounds(kind: str, year: int, number: int) -> tuple[date, date]:
    """First and last Gregorian day of a Jalali month (1-12) or season (1-4)."""
    if kind == PeriodKind.MONTH:
        return jalali_month_bounds(year, number)
    return jalali_season_bounds(year, number)


def period_label(kind: str, year: int, number: int) -> str:
    """«بهار ۱۴۰۵» for a season, «مهر ۱۴۰۵» for a month."""
    if kind == PeriodKind.MONTH:
        return format_jalali_month(year, number)
    return f"{SEASONS[number - 1]} {to_fa_digits(year)}"


def period_of(kind: str, day: date) -> tuple[int, int]:
    """The Jalali (year, month) or (year, season) a day falls in."""
    j = to_jalali(day)
    return (int(j.year), int(j.month) if kind == PeriodKind.MONTH else (int(j.month) - 1) // 3 + 1)


def recent_periods(rule: ReportRule, today: date, count: int = 4) -> list[tuple[int, int]]:
    """The last `count` periods that have started by today (the current one too), oldest first."""
    per_year = 12 if rule.period_kind == PeriodKind.MONTH else 4
    year, number = period_of(rule.period_kind, today)
    periods: list[tuple[int, int]] = []
    for _ in range(max(count, 0)):
        periods.append((year, number))
        number -= 1
        if number == 0:
            year, number = year - 1, per_year
    return periods[::-1]


def delivery_period_label(start: date, end: date) -> str:
    """«سال ۱۴۰۵», «بهار ۱۴۰۵», «مهر ۱۴۰۵», or «از … تا …» for any other span."""
    year = int(to_jalali(start).year)
    if (start, end) == (jalali_month_bounds(year, 1)[0], jalali_month_bounds(year, 12)[1]):
        return f"سال {to_fa_digits(year)}"
    for kind in (PeriodKind.SEASON, PeriodKind.MONTH):
        _, number = period_of(kind, start)
        if (start, end) == period_bounds(kind, year, number):
            return period_label(kind, year, number)
    return f"{format_jalali(start)} تا {format_jalali(end)}"


# --- shared pieces -----------------------------------------------------------------------


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _floats(df: pd.DataFrame, *names: str) -> None:
    for name in names:
        df[name] = df[name].astype(float)  # None -> NaN


def _counting() -> ColumnElement[bool]:
    """A delivery that counts: active or completed, not withdrawn."""
    return and_(
        col(ServiceDelivery.withdrawn).is_(False),
        col(ServiceDelivery.status).in_(COUNTING_STATUSES),
    )


def _delivered(agency_id: int | None = None) -> Any:
    """Units delivered and distinct agencies delivering, per neighbourhood x service."""
    stmt: Select[Any, Any, Any, Any] = (
        select(
            col(ServiceDelivery.neighborhood_id).label("neighborhood_id"),
            col(ServiceDelivery.service_type_id).label("service_type_id"),
            func.sum(col(ServiceDelivery.units)).label("units"),
            func.count(func.distinct(col(ServiceDelivery.agency_id))).label("agencies"),
        )
        .where(_counting())
        .group_by(col(ServiceDelivery.neighborhood_id), col(ServiceDelivery.service_type_id))
    )
    if agency_id is not None:
        stmt = stmt.where(col(ServiceDelivery.agency_id) == agency_id)
    return stmt.subquery()


def _need() -> ColumnElement[Any]:
    """norm_per_1000 x population / 1000; NULL when the service has no norm."""
    return col(ServiceType.norm_per_1000) * col(Neighborhood.population) / 1000.0


def _floored(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """max(value, 0), portably (SQLite has no GREATEST)."""
    return case((value > 0, value), else_=literal(0.0, Float))


# --- coverage matrix ------------------------------------------------------------------------

COVERAGE_COLUMNS = [
    "neighborhood_id",
    "county",
    "neighborhood",
    "kind",
    "priority_rank",
    "population",
    "service_type_id",
    "service",
    "unit",
    "norm_per_1000",
    "need",
    "delivered",
    "agencies",
    "level",
]


def coverage_matrix(
    session: Session,
    *,
    county_ids: Sequence[int] | None = None,
    kinds: Sequence[str] | None = None,
    max_priority: int | None = None,
    agency_id: int | None = None,
) -> pd.DataFrame:
    """One row per active neighbourhood x active service type, with its coverage level.

    level: 'no_norm' / 'served' when the service has no norm (served: something is
    delivered); otherwise 'met' (delivered >= need, so a need of 0 is met), 'none'
    (nothing delivered) or 'partial'. With `agency_id` only that agency's deliveries
    count. `max_priority` keeps ranked neighbourhoods with rank <= it (unranked ones go).
    """
    d = _delivered(agency_id)
    need = _need()
    norm = col(ServiceType.norm_per_1000)
    delivered = func.coalesce(d.c.units, literal(0.0, Float))
    level = case(
        (and_(norm.is_(None), delivered > 0), "served"),
        (norm.is_(None), "no_norm"),
        (delivered >= need, "met"),
        (delivered <= 0, "none"),
        else_="partial",
    )
    stmt = (
        select(
            col(Neighborhood.id),
            col(County.name),
            col(Neighborhood.name),
            col(Neighborhood.kind),
            col(Neighborhood.priority_rank),
            col(Neighborhood.population),
            col(ServiceType.id),
            col(ServiceType.name),
            col(ServiceType.unit),
            norm,
            need,
            delivered,
            func.coalesce(d.c.agencies, 0),
            level,
        )
        .select_from(Neighborhood)
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .join(ServiceType, true())
        .outerjoin(
            d,
            and_(
                d.c.neighborhood_id == col(Neighborhood.id),
                d.c.service_type_id == col(ServiceType.id),
            ),
        )
        .where(col(Neighborhood.active).is_(True), col(ServiceType.active).is_(True))
        .order_by(col(County.id), col(Neighborhood.id), col(ServiceType.id))
    )
    if county_ids is not None:
        stmt = stmt.where(col(Neighborhood.county_id).in_(list(county_ids)))
    if kinds is not None:
        stmt = stmt.where(col(Neighborhood.kind).in_(list(kinds)))
    if max_priority is not None:
        rank = col(Neighborhood.priority_rank)
        stmt = stmt.where(rank.is_not(None), rank <= max_priority)
    df = _frame(session.execute(stmt).all(), COVERAGE_COLUMNS)
    _floats(df, "norm_per_1000", "need", "delivered")
    df["priority_rank"] = df["priority_rank"].astype("Int64")  # unranked: <NA>
    df["population"] = df["population"].astype(int)
    df["agencies"] = df["agencies"].astype(int)
    return df


# --- one neighbourhood -----------------------------------------------------------------------


def neighborhood_profile(session: Session, neighborhood_id: int) -> dict[str, Any] | None:
    """A neighbourhood's facts as plain values (with its county's name), or None."""
    stmt = (
        select(Neighborhood, col(County.name))
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .where(col(Neighborhood.id) == neighborhood_id)
    )
    row = session.execute(stmt).first()
    if row is None:
        return None
    hood: Neighborhood = row[0]
    facts = hood.model_dump()
    facts["county"] = row[1]
    return facts


DELIVERY_COLUMNS = [
    "id",
    "agency_id",
    "agency",
    "county",
    "neighborhood_id",
    "neighborhood",
    "service_type_id",
    "service",
    "unit",
    "units",
    "beneficiaries",
    "period_start",
    "period_end",
    "status",
    "note",
    "version",
]


def delivery_rows(
    session: Session, *, neighborhood_id: int | None = None, agency_id: int | None = None
) -> pd.DataFrame:
    """Live (not withdrawn) deliveries, newest period first, in any status."""
    d = ServiceDelivery
    stmt = (
        select(
            col(d.id),
            col(d.agency_id),
            col(Agency.short_name),
            col(County.name),
            col(d.neighborhood_id),
            col(Neighborhood.name),
            col(d.service_type_id),
            col(ServiceType.name),
            col(ServiceType.unit),
            col(d.units),
            col(d.beneficiaries),
            col(d.period_start),
            col(d.period_end),
            col(d.status),
            col(d.note),
            col(d.version),
        )
        .join(Agency, col(Agency.id) == col(d.agency_id))
        .join(Neighborhood, col(Neighborhood.id) == col(d.neighborhood_id))
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .join(ServiceType, col(ServiceType.id) == col(d.service_type_id))
        .where(col(d.withdrawn).is_(False))
        .order_by(col(d.period_start).desc(), col(d.id))
    )
    if neighborhood_id is not None:
        stmt = stmt.where(col(d.neighborhood_id) == neighborhood_id)
    if agency_id is not None:
        stmt = stmt.where(col(d.agency_id) == agency_id)
    df = _frame(session.execute(stmt).all(), DELIVERY_COLUMNS)
    _floats(df, "units")
    df["beneficiaries"] = df["beneficiaries"].astype(int)
    return df


def neighborhood_deliveries(session: Session, neighborhood_id: int) -> pd.DataFrame:
    """The neighbourhood's live deliveries: agency, service, units, period, status, note."""
    return delivery_rows(session, neighborhood_id=neighborhood_id)


# --- gaps ------------------------------------------------------------------------------------

GAP_FIGURES = ["need", "delivered", "gap", "unmet_share"]


def _pairs() -> Any:
    """need and delivered per active neighbourhood x active service that has a norm."""
    d = _delivered()
    return (
        select(
            col(Neighborhood.id).label("neighborhood_id"),
            col(Neighborhood.county_id).label("county_id"),
            col(ServiceType.id).label("service_type_id"),
            _need().label("need"),
            func.coalesce(d.c.units, literal(0.0, Float)).label("delivered"),
        )
        .select_from(Neighborhood)
        .join(ServiceType, true())
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
        )
        .subquery()
    )


def gaps(
    session: Session,
    *,
    by: Literal["neighborhood", "county", "service"],
    limit: int | None = None,
) -> pd.DataFrame:
    """need, delivered, gap and unmet share (gap / need), largest gap first.

    by='neighborhood': one row per neighbourhood x service with a gap (> 0), naming the
    service's owner agency. by='county' / by='service': need and delivered summed over the
    group's neighbourhood x service pairs (services with a norm only), then
    gap = max(need - delivered, 0): a surplus in one neighbourhood offsets a shortfall in
    another. Every county with an active neighbourhood, or every service with a norm, has a row.
    """
    p = _pairs()
    owner = aliased(Agency)
    owner_cols = [col(owner.id), col(owner.short_name)]
    if by == "neighborhood":
        need: ColumnElement[Any] = p.c.need
        delivered: ColumnElement[Any] = p.c.delivered
        keys: list[Any] = [
            p.c.neighborhood_id,
            col(County.name),
            col(Neighborhood.name),
            p.c.service_type_id,
            col(ServiceType.name),
            col(ServiceType.unit),
            *owner_cols,
        ]
        names = ["neighborhood_id", "county", "neighborhood", "service_type_id", "service"]
        names += ["unit", "owner_agency_id", "owner_agency"]
        ids = [p.c.neighborhood_id, p.c.service_type_id]
    elif by == "county":
        need, delivered = func.sum(p.c.need), func.sum(p.c.delivered)
        keys = [col(County.id), col(County.name)]
        names = ["county_id", "county"]
        ids = [col(County.id)]
    elif by == "service":
        need, delivered = func.sum(p.c.need), func.sum(p.c.delivered)
        keys = [col(ServiceType.id), col(ServiceType.name), col(ServiceType.unit), *owner_cols]
        names = ["service_type_id", "service", "unit", "owner_agency_id", "owner_agency"]
        ids = [col(ServiceType.id)]
    else:
        raise ValueError(f"unknown grouping: {by!r}")
    gap = _floored(need - delivered)
    unmet = gap / func.nullif(need, 0)
    stmt = (
        select(*keys, need, delivered, gap, unmet)
        .select_from(p)
        .join(Neighborhood, col(Neighborhood.id) == p.c.neighborhood_id)
        .join(County, col(County.id) == p.c.county_id)
        .join(ServiceType, col(ServiceType.id) == p.c.service_type_id)
        .outerjoin(owner, col(owner.id) == col(ServiceType.owner_agency_id))
        .order_by(gap.desc(), func.coalesce(unmet, -1.0).desc(), *ids)
        .limit(limit)
    )
    if by == "neighborhood":
        stmt = stmt.where(p.c.need - p.c.delivered > 0)
    else:
        stmt = stmt.group_by(*keys)
    df = _frame(session.execute(stmt).all(), [*names, *GAP_FIGURES])
    _floats(df, *GAP_FIGURES)
    if "owner_agency_id" in df:
        df["owner_agency_id"] = df["owner_agency_id"].astype("Int64")
    return df


# --- capacity --------------------------------------------------------------------------------

RATIO_COLUMNS = [
    "agency_id",
    "agency",
    "service_type_id",
    "service",
    "unit",
    "total_units",
    "target_units",
    "ratio",
    "delivered_in_targets",
    "version",
]


def service_ratios(session: Session) -> pd.DataFrame:
    """Per agency x (active) service it has capacity for: the share it puts in targets.

    ratio = target_units / total_units (None when total is 0); delivered_in_targets =
    units that agency delivers in active target neighbourhoods (active/completed,
    not withdrawn). Lowest ratio first, undefined ratios last.
    """
    delivered = (
        select(
            col(ServiceDelivery.agency_id).label("agency_id"),
            col(ServiceDelivery.service_type_id).label("service_type_id"),
            func.sum(col(ServiceDelivery.units)).label("units"),
        )
        .join(Neighborhood, col(Neighborhood.id) == col(ServiceDelivery.neighborhood_id))
        .where(_counting(), col(Neighborhood.active).is_(True))
        .group_by(col(ServiceDelivery.agency_id), col(ServiceDelivery.service_type_id))
        .subquery()
    )
    cap = AgencyCapacity
    total = col(cap.total_units)
    ratio = col(cap.target_units) / func.nullif(total, 0)
    stmt = (
        select(
            col(Agency.id),
            col(Agency.short_name),
            col(ServiceType.id),
            col(ServiceType.name),
            col(ServiceType.unit),
            total,
            col(cap.target_units),
            ratio,
            func.coalesce(delivered.c.units, literal(0.0, Float)),
            col(cap.version),
        )
        .select_from(cap)
        .join(Agency, col(Agency.id) == col(cap.agency_id))
        .join(ServiceType, col(ServiceType.id) == col(cap.service_type_id))
        .outerjoin(
            delivered,
            and_(
                delivered.c.agency_id == col(cap.agency_id),
                delivered.c.service_type_id == col(cap.service_type_id),
            ),
        )
        .where(col(ServiceType.active).is_(True))
        .order_by(case((total > 0, 0), else_=1), ratio, col(Agency.id), col(ServiceType.id))
    )
    df = _frame(session.execute(stmt).all(), RATIO_COLUMNS)
    _floats(df, "total_units", "target_units", "ratio", "delivered_in_targets")
    return df


# --- performance reports -------------------------------------------------------------------

COMPLETENESS_COLUMNS = [
    "agency_id",
    "agency",
    "period_year",
    "period_no",
    "label",
    "deadline",
    "submitted_at",
    "state",
]


def report_completeness(
    session: Session, *, rule: ReportRule, periods: list[tuple[int, int]], today: date
) -> pd.DataFrame:
    """Member agency x period: when each report came and whether by the deadline.

    deadline = last day of the period + rule.days_after_period_end (that day itself is on
    time, in the working group's calendar); state: 'on_time', 'late', 'missing' (deadline
    passed, nothing submitted) or 'pending' (nothing yet, deadline not passed).
    """
    agencies = _frame(
        session.execute(
            select(col(Agency.id), col(Agency.short_name))
            .where(col(Agency.is_member).is_(True), col(Agency.active).is_(True))
            .order_by(col(Agency.sort_order), col(Agency.id))
        ).all(),
        ["agency_id", "agency"],
    )
    if not periods or agencies.empty:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    r = PerformanceReport
    reports = _frame(
        session.execute(
            select(col(r.agency_id), col(r.period_year), col(r.period_no), col(r.submitted_at))
            .join(Agency, col(Agency.id) == col(r.agency_id))
            .where(
                col(Agency.is_member).is_(True),
                col(r.period_kind) == rule.period_kind,
                col(r.submitted_at).is_not(None),
                or_(
                    *(
                        and_(col(r.period_year) == y, col(r.period_no) == n)
                        for y, n in dict.fromkeys(periods)
                    )
                ),
            )
        ).all(),
        ["agency_id", "period_year", "period_no", "submitted_at"],
    )
    keys = ["agency_id", "period_year", "period_no"]
    reports[keys] = reports[keys].astype(int)
    days = timedelta(days=rule.days_after_period_end)
    grid = pd.DataFrame(
        [
            (y, n, period_label(rule.period_kind, y, n), period_bounds(rule.period_kind, y, n)[1])
            for y, n in periods
        ],
        columns=["period_year", "period_no", "label", "period_end"],
    )
    grid["deadline"] = [end + days for end in grid["period_end"]]
    df = agencies.merge(grid.drop(columns="period_end"), how="cross").merge(
        reports, how="left", on=keys
    )
    submitted_on = [
        None if pd.isna(moment) else local_date(moment) for moment in df["submitted_at"]
    ]
    df["state"] = [
        ("missing" if today > deadline else "pending")
        if on is None
        else ("on_time" if on <= deadline else "late")
        for on, deadline in zip(submitted_on, df["deadline"], strict=True)
    ]
    df["submitted_at"] = pd.Series(
        [None if pd.isna(m) else pd.Timestamp(m).to_pydatetime() for m in df["submitted_at"]],
        index=df.index,
        dtype=object,
    )
    return df[COMPLETENESS_COLUMNS].reset_index(drop=True)
