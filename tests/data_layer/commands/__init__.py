"""Tests of the write commands, and the one helper they share."""

from __future__ import annotations

from sqlmodel import Session

from data_layer.models import User
from data_layer.permissions import Actor


def add_user(
    session: Session, username: str, full_name: str, role: str, agency_id: int | None = None
) -> Actor:
    """A user row (no real password: commands only see the Actor) and its Actor."""
    user = User(
        username=username,
        full_name=full_name,
        password_hash="not-a-real-hash",
        role=role,
        agency_id=agency_id,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    return Actor(user.id, user.username, user.full_name, user.role, user.agency_id)
