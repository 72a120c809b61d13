"""The table of failed sign-ins: one row for each client address and each typed username.

Kept apart from models.py only for that module's length; models.py re-exports it, so
the metadata (and Alembic) see it like every other table.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class SignInThrottle(SQLModel, table=True):
    """Recent failed sign-ins of one subject: "a:<client address>" or "n:<sha256 of a
    typed username>" (a username that does not exist gets a row like one that does, and
    what was typed is never stored). Failures older than the window count no more."""

    __tablename__ = "sign_in_throttle"

    subject: str = Field(primary_key=True, max_length=80)
    failures: int = 0
    last_failure_at: datetime = Field(index=True)
