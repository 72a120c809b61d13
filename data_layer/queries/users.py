"""Reads about accounts (the administrator's list, the must-change flag)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.models import Agency, County, User


def list_users(session: Session) -> list[dict[str, Any]]:
    """Every account for the admin page, by username; `agency` is the short name or None,
    `county` the county's name (a county governorate's reader) or None."""
    stmt = (
        select(User, col(Agency.short_name), col(County.name))
        .outerjoin(Agency, col(Agency.id) == col(User.agency_id))
        .outerjoin(County, col(County.id) == col(User.county_id))
        .order_by(col(User.username))
    )
    return [
        {
            "id": u.id,
            "username": u.username,
            "full_name": u.full_name,
            "role": u.role,
            "agency": short_name,
            "agency_id": u.agency_id,
            "county": county,
            "county_id": u.county_id,
            "active": u.active,
            "locked_until": u.locked_until,
            "last_login_at": u.last_login_at,
            "must_change_password": u.must_change_password,
            "is_sample": u.is_sample,
            "version": u.version,
        }
        for u, short_name, county in session.execute(stmt).all()
    ]


def must_change_password(session: Session, *, user_id: int) -> bool:
    """True when the account's password was set by an admin and must be replaced now."""
    user = session.get(User, user_id)
    return bool(user and user.must_change_password)
