"""Names of an agency learned from the minutes: a name the secretariat matched by hand
and asked to remember («به خاطر سپرده شود»), so the next file matches it by itself.

Kept apart from models.py only for that module's length; every module that needs the
table imports it from here (and migrations/env.py, so Alembic sees it).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from data_layer import clock


class AgencyAlias(SQLModel, table=True):
    """One learned name: the text as the minutes wrote it, its match key (one agency
    per key), who taught it and when."""

    __tablename__ = "agency_alias"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    alias: str = Field(max_length=500)
    match_key: str = Field(max_length=500, unique=True)
    added_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    added_at: datetime = Field(default_factory=clock.now)
