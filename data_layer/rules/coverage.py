"""Need, delivered and gap: one rule for coverage, the gaps, the overview and the
capacity ratios (resolutions 4, 9, 10 and 12).

need      = norm_per_1000 x population / 1000 (NULL when the service has no norm)
delivered = SUM(units) of the deliveries that count: active or completed, not withdrawn
gap       = need - delivered, floored at 0; unmet share = gap / need (NULL for no need)
level     = how a neighbourhood x service stands against its need (CoverageLevel)

Each is a SQL expression, so every aggregate stays in the database.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Float, Select, and_, case, func, literal, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from data_layer.models import DeliveryStatus, Neighborhood, ServiceDelivery, ServiceType

COUNTING_STATUSES = (DeliveryStatus.ACTIVE.value, DeliveryStatus.COMPLETED.value)

CoverageLevel = Literal["no_norm", "served", "none", "partial", "met"]
COVERAGE_LEVEL_LABELS: dict[str, str] = {
    "no_norm": "بدون سرانه، بدون خدمت",
    "served": "بدون سرانه، دارای خدمت",
    "none": "بدون خدمت",
    "partial": "پوشش ناقص",
    "met": "پوشش کامل",
}


def counts() -> ColumnElement[bool]:
    """A delivery that counts: active or completed, not withdrawn."""
    return and_(
        col(ServiceDelivery.withdrawn).is_(False),
        col(ServiceDelivery.status).in_(COUNTING_STATUSES),
    )


def delivered(agency_id: int | None = None) -> Any:
    """Units delivered and distinct agencies delivering, per neighbourhood x service, of
    the deliveries that count (only one agency's with `agency_id`)."""
    stmt: Select[Any, Any, Any, Any] = (
        select(
            col(ServiceDelivery.neighborhood_id).label("neighborhood_id"),
            col(ServiceDelivery.service_type_id).label("service_type_id"),
            func.sum(col(ServiceDelivery.units)).label("units"),
            func.count(func.distinct(col(ServiceDelivery.agency_id))).label("agencies"),
        )
        .where(counts())
        .group_by(col(ServiceDelivery.neighborhood_id), col(ServiceDelivery.service_type_id))
    )
    if agency_id is not None:
        stmt = stmt.where(col(ServiceDelivery.agency_id) == agency_id)
    return stmt.subquery()


def delivered_units(d: Any) -> ColumnElement[Any]:
    """The units of a `delivered()` subquery outer-joined to a pair: 0 where nothing counts."""
    return func.coalesce(d.c.units, literal(0.0, Float))


def joins_pair(d: Any) -> ColumnElement[bool]:
    """The condition that joins a `delivered()` subquery to Neighborhood x ServiceType."""
    return and_(
        d.c.neighborhood_id == col(Neighborhood.id),
        d.c.service_type_id == col(ServiceType.id),
    )


def need() -> ColumnElement[Any]:
    """norm_per_1000 x population / 1000; NULL when the service has no norm."""
    return col(ServiceType.norm_per_1000) * col(Neighborhood.population) / 1000.0


def floored(value: ColumnElement[Any]) -> ColumnElement[Any]:
    """max(value, 0), portably (SQLite has no GREATEST)."""
    return case((value > 0, value), else_=literal(0.0, Float))


def gap(need: ColumnElement[Any], delivered: ColumnElement[Any]) -> ColumnElement[Any]:
    """What is missing: need - delivered, floored at 0 (a surplus is no negative gap)."""
    return floored(need - delivered)


def unmet_share(gap: ColumnElement[Any], need: ColumnElement[Any]) -> ColumnElement[Any]:
    """gap / need; NULL where there is no need."""
    return gap / func.nullif(need, 0)


def level(*, norm: Any, need: ColumnElement[Any], delivered: ColumnElement[Any]) -> Any:
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


def pairs() -> Any:
    """need and delivered per active neighbourhood x active service that has a norm:
    the pairs every gap is computed over."""
    d = delivered()
    return (
        select(
            col(Neighborhood.id).label("neighborhood_id"),
            col(Neighborhood.county_id).label("county_id"),
            col(ServiceType.id).label("service_type_id"),
            need().label("need"),
            delivered_units(d).label("delivered"),
        )
        .select_from(Neighborhood)
        .join(ServiceType, true())
        .outerjoin(d, joins_pair(d))
        .where(
            col(Neighborhood.active).is_(True),
            col(ServiceType.active).is_(True),
            col(ServiceType.norm_per_1000).is_not(None),
        )
        .subquery()
    )
