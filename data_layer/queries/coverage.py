"""Reads on services in the target neighbourhoods: who does what where, gaps, capacity, reports.

Resolutions 4, 9, 10 and 12 of the working group. Every aggregate is computed in
SQL; only small results (one row per neighbourhood x service or per agency x service)
cross into pandas. Need, delivered and gap are the rule of data_layer/rules/coverage.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Select, and_, case, func, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.models import (
    Agency,
    AgencyCapacity,
    County,
    Neighborhood,
    ServiceDelivery,
    ServiceType,
)
from data_layer.queries.county import hood_in_county
from data_layer.rules import coverage as rule

# --- shared pieces -----------------------------------------------------------------------


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _floats(df: pd.DataFrame, *names: str) -> None:
    for name in names:
        df[name] = df[name].astype(float)  # None -> NaN


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
    neighborhood_id: int | None = None,
    county_id: int | None = None,
) -> pd.DataFrame:
    """One row per active neighbourhood x active service type, with its coverage level
    (of one county's neighbourhoods with `county_id`: a reader's scope, on top of the
    counties a person picked).

    level: 'no_norm' / 'served' when the service has no norm (served: something is
    delivered); otherwise 'met' (delivered >= need, so a need of 0 is met), 'none'
    (nothing delivered) or 'partial'. With `agency_id` only that agency's deliveries
    count. `max_priority` keeps ranked neighbourhoods with rank <= it (unranked ones go).
    """
    d = rule.delivered(agency_id)
    need = rule.need()
    norm = col(ServiceType.norm_per_1000)
    delivered = rule.delivered_units(d)
    level = rule.level(norm=norm, need=need, delivered=delivered)
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
        .outerjoin(d, rule.joins_pair(d))
        .where(col(Neighborhood.active).is_(True), col(ServiceType.active).is_(True))
        .order_by(col(County.id), col(Neighborhood.id), col(ServiceType.id))
    )
    stmt = _neighborhood_filters(
        stmt, county_ids=county_ids, kinds=kinds, max_priority=max_priority
    )
    if neighborhood_id is not None:  # one neighbourhood's dossier
        stmt = stmt.where(col(Neighborhood.id) == neighborhood_id)  # type: ignore[assignment]
    stmt = stmt.where(hood_in_county(col(Neighborhood.county_id), county_id))  # type: ignore[assignment]
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
    session: Session,
    *,
    neighborhood_id: int | None = None,
    agency_id: int | None = None,
    county_id: int | None = None,
) -> pd.DataFrame:
    """Live (not withdrawn) deliveries, newest period first, in any status (in one
    county's neighbourhoods with `county_id`)."""
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
        .where(col(d.withdrawn).is_(False), hood_in_county(col(Neighborhood.county_id), county_id))
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
    worst: Literal["gap", "share"] = "gap",
    county_id: int | None = None,
) -> pd.DataFrame:
    """need, delivered, gap and unmet share (gap / need), largest gap first (with
    worst='share', by='neighborhood': largest unmet share first, as the overview lists them).

    by='neighborhood': one row per neighbourhood x service with a gap (> 0), naming the
    service's owner agency. by='county' / by='service': need and delivered summed over the
    group's neighbourhood x service pairs (services with a norm only), then
    gap = max(need - delivered, 0): a surplus in one neighbourhood offsets a shortfall in
    another. Every county with an active neighbourhood, or every service with a norm, has a row.
    With `county_id`, over that county's neighbourhoods only.
    """
    p = rule.pairs()
    owner = aliased(Agency)
    g = _gap_grouping(by, p, owner)
    keys, names = g.keys, g.names
    need, delivered = g.need, g.delivered
    gap = rule.gap(need, delivered)
    unmet = rule.unmet_share(gap, need)
    order = [gap.desc(), func.coalesce(unmet, -1.0).desc(), *g.ids]
    if worst == "share":
        if by != "neighborhood":
            raise ValueError("worst='share' orders neighbourhood x service pairs only")
        order = [unmet.desc(), gap.desc(), p.c.neighborhood_id, col(ServiceType.name)]
    stmt = (
        select(*keys, need, delivered, gap, unmet)
        .select_from(p)
        .join(Neighborhood, col(Neighborhood.id) == p.c.neighborhood_id)
        .join(County, col(County.id) == p.c.county_id)
        .join(ServiceType, col(ServiceType.id) == p.c.service_type_id)
        .outerjoin(owner, col(owner.id) == col(ServiceType.owner_agency_id))
        .where(hood_in_county(p.c.county_id, county_id))
        .order_by(*order)
        .limit(limit)
    )
    stmt = stmt.where(gap > 0) if by == "neighborhood" else stmt.group_by(*keys)
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
        .where(rule.counts(), col(Neighborhood.active).is_(True))
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
            rule.delivered_units(delivered),
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
