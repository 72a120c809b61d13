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
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Float, Select, and_, case, func, literal, select, true
from sqlalchemy.orm import Mapped, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.models import (
    Agency,
    AgencyCapacity,
    County,
    DeliveryStatus,
    Neighborhood,
    ServiceDelivery,
    ServiceType,
)

# Periods and report completeness live in queries/periods.py; callers import them from here.
from data_layer.queries.periods import COMPLETENESS_COLUMNS as COMPLETENESS_COLUMNS
from data_layer.queries.periods import LOCAL_TZ as LOCAL_TZ
from data_layer.queries.periods import REPORT_STATE_LABELS as REPORT_STATE_LABELS
from data_layer.queries.periods import SEASONS as SEASONS
from data_layer.queries.periods import ReportRule as ReportRule
from data_layer.queries.periods import ReportState as ReportState
from data_layer.queries.periods import delivery_period_label as delivery_period_label
from data_layer.queries.periods import local_date as local_date
from data_layer.queries.periods import period_bounds as period_bounds
from data_layer.queries.periods import period_label as period_label
from data_layer.queries.periods import period_of as period_of
from data_layer.queries.periods import recent_periods as recent_periods
from data_layer.queries.periods import report_completeness as report_completeness

COUNTING_STATUSES = (DeliveryStatus.ACTIVE.value, DeliveryStatus.COMPLETED.value)

CoverageLevel = Literal["no_norm", "served", "none", "partial", "met"]
COVERAGE_LEVEL_LABELS: dict[str, str] = {
    "no_norm": "بدون سرانه، بدون خدمت",
    "served": "بدون سرانه، دارای خدمت",
    "none": "بدون خدمت",
    "partial": "پوشش ناقص",
    "met": "پوشش کامل",
}


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


def _coverage_level(
    *, norm: Mapped[float | None], need: ColumnElement[Any], delivered: ColumnElement[Any]
) -> ColumnElement[Any]:
    """The CoverageLevel of a neighbourhood x service, as a SQL CASE."""
    # Order matters: a service without a norm has no need to meet, so it is only
    # 'served' or not; a need of 0 is met before 'none' is considered.
    return case(
        (and_(norm.is_(None), delivered > 0), "served"),
        (norm.is_(None), "no_norm"),
        (delivered >= need, "met"),
        (delivered <= 0, "none"),
        else_="partial",
    )


def _neighborhood_filters(
    stmt: Select[*tuple[Any, ...]],
    *,
    county_ids: Sequence[int] | None,
    kinds: Sequence[str] | None,
    max_priority: int | None,
) -> Select[*tuple[Any, ...]]:
    """`stmt` narrowed to the chosen counties, kinds and priority ranks (None: no filter)."""
    if county_ids is not None:
        stmt = stmt.where(col(Neighborhood.county_id).in_(list(county_ids)))
    if kinds is not None:
        stmt = stmt.where(col(Neighborhood.kind).in_(list(kinds)))
    if max_priority is not None:
        rank = col(Neighborhood.priority_rank)
        stmt = stmt.where(rank.is_not(None), rank <= max_priority)
    return stmt


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
    level = _coverage_level(norm=norm, need=need, delivered=delivered)
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
    stmt = _neighborhood_filters(
        stmt, county_ids=county_ids, kinds=kinds, max_priority=max_priority
    )
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


@dataclass(frozen=True)
class _GapGrouping:
    """What one `gaps` grouping selects: its figures, key columns, their names, tie-breakers."""

    need: ColumnElement[Any]
    delivered: ColumnElement[Any]
    keys: list[Any]
    names: list[str]
    ids: list[Any]


def _gap_grouping(by: str, p: Any, owner: Any) -> _GapGrouping:
    """The columns of a `gaps` grouping over the pairs subquery `p` (owner: aliased Agency)."""
    owner_cols = [col(owner.id), col(owner.short_name)]
    if by == "neighborhood":
        names = ["neighborhood_id", "county", "neighborhood", "service_type_id", "service"]
        names += ["unit", "owner_agency_id", "owner_agency"]
        return _GapGrouping(
            need=p.c.need,
            delivered=p.c.delivered,
            keys=[
                p.c.neighborhood_id,
                col(County.name),
                col(Neighborhood.name),
                p.c.service_type_id,
                col(ServiceType.name),
                col(ServiceType.unit),
                *owner_cols,
            ],
            names=names,
            ids=[p.c.neighborhood_id, p.c.service_type_id],
        )
    if by == "county":
        return _GapGrouping(
            need=func.sum(p.c.need),
            delivered=func.sum(p.c.delivered),
            keys=[col(County.id), col(County.name)],
            names=["county_id", "county"],
            ids=[col(County.id)],
        )
    if by == "service":
        return _GapGrouping(
            need=func.sum(p.c.need),
            delivered=func.sum(p.c.delivered),
            keys=[col(ServiceType.id), col(ServiceType.name), col(ServiceType.unit), *owner_cols],
            names=["service_type_id", "service", "unit", "owner_agency_id", "owner_agency"],
            ids=[col(ServiceType.id)],
        )
    raise ValueError(f"unknown grouping: {by!r}")


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
    g = _gap_grouping(by, p, owner)
    keys, names = g.keys, g.names
    need, delivered = g.need, g.delivered
    gap = _floored(need - delivered)
    unmet = gap / func.nullif(need, 0)
    stmt = (
        select(*keys, need, delivered, gap, unmet)
        .select_from(p)
        .join(Neighborhood, col(Neighborhood.id) == p.c.neighborhood_id)
        .join(County, col(County.id) == p.c.county_id)
        .join(ServiceType, col(ServiceType.id) == p.c.service_type_id)
        .outerjoin(owner, col(owner.id) == col(ServiceType.owner_agency_id))
        .order_by(gap.desc(), func.coalesce(unmet, -1.0).desc(), *g.ids)
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
