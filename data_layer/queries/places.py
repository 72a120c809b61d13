"""Reads about counties and target neighborhoods (lists and pickers)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.models import County, Neighborhood, ServiceType
from data_layer.queries.county import hood_in_county
from data_layer.text import match_key


def list_counties(session: Session, *, county_id: int | None = None) -> pd.DataFrame:
    """Counties (one, if given) with how many active target neighborhoods each has."""
    stmt = (
        select(col(County.id), col(County.name), func.count(col(Neighborhood.id)))
        .outerjoin(
            Neighborhood,
            (col(Neighborhood.county_id) == col(County.id)) & col(Neighborhood.active).is_(True),
        )
        .where(hood_in_county(col(County.id), county_id))
        .group_by(col(County.id), col(County.name))
        .order_by(col(County.name))
    )
    rows = [tuple(r) for r in session.execute(stmt).all()]
    return pd.DataFrame(rows, columns=["id", "name", "neighborhoods"])


def county_name(session: Session, county_id: int) -> str:
    """The county's name ("" when there is no such county)."""
    county = session.get(County, county_id)
    return county.name if county is not None else ""


NEIGHBORHOOD_COLUMNS = [
    "id",
    "county",
    "name",
    "population",
    "households",
    "kind",
    "priority_rank",
    "announced_on",
    "has_facilitation_office",
    "has_transformation_office",
    "latitude",
    "longitude",
    "active",
    "is_sample",
    "version",
]


def list_neighborhoods(
    session: Session, *, include_inactive: bool = False, county_id: int | None = None
) -> pd.DataFrame:
    """The registry: every target neighborhood with its county (of one county, if
    given), by priority."""
    stmt = select(
        col(Neighborhood.id),
        col(County.name),
        col(Neighborhood.name),
        col(Neighborhood.population),
        col(Neighborhood.households),
        col(Neighborhood.kind),
        col(Neighborhood.priority_rank),
        col(Neighborhood.announced_on),
        col(Neighborhood.has_facilitation_office),
        col(Neighborhood.has_transformation_office),
        col(Neighborhood.latitude),
        col(Neighborhood.longitude),
        col(Neighborhood.active),
        col(Neighborhood.is_sample),
        col(Neighborhood.version),
    ).join(County, col(County.id) == col(Neighborhood.county_id))
    stmt = stmt.where(hood_in_county(col(Neighborhood.county_id), county_id))
    if not include_inactive:
        stmt = stmt.where(col(Neighborhood.active).is_(True))
    stmt = stmt.order_by(
        col(Neighborhood.priority_rank).is_(None),
        col(Neighborhood.priority_rank),
        col(County.name),
        col(Neighborhood.name),
    )
    rows = [tuple(r) for r in session.execute(stmt).all()]
    df = pd.DataFrame(rows, columns=NEIGHBORHOOD_COLUMNS)
    df["priority_rank"] = df["priority_rank"].astype("Int64")
    return df


def list_service_types(session: Session, *, include_inactive: bool = False) -> pd.DataFrame:
    """The service catalogue with each type's owner agency id and need norm."""
    stmt = select(
        col(ServiceType.id),
        col(ServiceType.name),
        col(ServiceType.unit),
        col(ServiceType.owner_agency_id),
        col(ServiceType.norm_per_1000),
        col(ServiceType.resolution_ref),
        col(ServiceType.active),
        col(ServiceType.is_sample),
        col(ServiceType.version),
    ).order_by(col(ServiceType.id))
    if not include_inactive:
        stmt = stmt.where(col(ServiceType.active).is_(True))
    rows = [tuple(r) for r in session.execute(stmt).all()]
    cols = ["id", "name", "unit", "owner_agency_id", "norm_per_1000", "resolution_ref"]
    return pd.DataFrame(rows, columns=[*cols, "active", "is_sample", "version"])


# (county key, name key) -> (county name, neighborhood name, active): every neighborhood.
NeighborhoodKeys = dict[tuple[str, str], tuple[str, str, bool]]


def county_keys(session: Session) -> dict[str, County]:
    """Every county by the match key of its name (the oldest one wins)."""
    found: dict[str, County] = {}
    for county in session.execute(select(County).order_by(col(County.id))).scalars():
        found.setdefault(match_key(county.name), county)
    return found


def neighborhood_keys(session: Session) -> NeighborhoodKeys:
    """Every neighborhood by the match keys of its county and its name, in one query."""
    stmt = select(col(County.name), col(Neighborhood.name), col(Neighborhood.active)).join(
        County, col(County.id) == col(Neighborhood.county_id)
    )
    return {(match_key(c), match_key(n)): (c, n, a) for c, n, a in session.execute(stmt).all()}


def neighborhood_coordinates(session: Session) -> dict[int, tuple[float, float]]:
    """Neighborhood id -> (latitude, longitude), for every one that has both (one query)."""
    rows = session.execute(
        select(col(Neighborhood.id), col(Neighborhood.latitude), col(Neighborhood.longitude)).where(
            col(Neighborhood.latitude).is_not(None), col(Neighborhood.longitude).is_not(None)
        )
    ).all()
    return {int(i): (float(lat), float(lon)) for i, lat, lon in rows}
