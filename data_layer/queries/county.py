"""What belongs to one county: its neighbourhoods, and the agencies' rows (assignments)
that concern them — the rows that name one of its neighbourhoods as a place they work
in. A county governorate's reader sees the county's figures computed over these, never
the province's with a filter the screen could drop.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.errors import PermissionDenied
from data_layer.models import Neighborhood
from data_layer.models_dossier import AssignmentNeighborhood
from data_layer.permissions import OTHER_COUNTY


def county_rows(county_id: int) -> Any:
    """SELECT of the ids of the rows that work in a neighbourhood of the county."""
    return (
        select(col(AssignmentNeighborhood.assignment_id))
        .join(Neighborhood, col(Neighborhood.id) == col(AssignmentNeighborhood.neighborhood_id))
        .where(col(Neighborhood.county_id) == county_id)
    )


def row_in_county(assignment_id: Any, county_id: int | None) -> ColumnElement[bool]:
    """True for a row of the county (every row when `county_id` is None)."""
    if county_id is None:
        return true()
    found: ColumnElement[bool] = assignment_id.in_(county_rows(county_id))
    return found


def hood_in_county(county_column: Any, county_id: int | None) -> ColumnElement[bool]:
    """True for a neighbourhood (by its county column) of the county (all when None)."""
    if county_id is None:
        return true()
    same: ColumnElement[bool] = county_column == county_id
    return same


def outside_county(session: Session, neighborhood_id: int, county_id: int | None) -> bool:
    """True when the neighbourhood exists and lies outside the county (never when
    `county_id` is None: the province holds every neighbourhood)."""
    if county_id is None:
        return False
    hood = session.get(Neighborhood, neighborhood_id)
    return hood is not None and hood.county_id != county_id


def require_in_county(session: Session, neighborhood_id: int, county_id: int | None) -> None:
    """Refuse (in Persian) a neighbourhood of another county to a county's reader."""
    if outside_county(session, neighborhood_id, county_id):
        raise PermissionDenied(OTHER_COUNTY)
