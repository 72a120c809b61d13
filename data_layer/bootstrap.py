"""Make a database ready for the app: migrate, and seed it when it is empty."""

from __future__ import annotations

from sqlalchemy import func, select, text

from data_layer.config import get_settings, is_hub
from data_layer.db import get_engine, read_session
from data_layer.migrate import upgrade
from data_layer.models import Meeting
from data_layer.seed import seed

_PG_SEED_LOCK = 7_402_290_702


def is_empty(url: str) -> bool:
    """True when no meeting has been recorded yet."""
    with read_session(url) as session:
        return int(session.execute(select(func.count(Meeting.id))).scalar_one()) == 0  # type: ignore[arg-type]


def prepare_database(url: str | None = None) -> None:
    """Upgrade the schema; on an empty database load what SEED_ON_START asks for."""
    settings = get_settings()
    url = url or settings.database_url
    upgrade(url)
    if settings.seed_on_start == "none" or is_hub():  # a hub holds no province of its own
        return
    engine = get_engine(url)
    if engine.dialect.name != "postgresql":
        if is_empty(url):
            seed(url, sample=settings.seed_on_start == "sample")
        return
    # Replicas that start together: one seeds, the others wait and find it done.
    with engine.connect() as conn:
        conn.execute(text("SET lock_timeout = 0"))  # waiting for the other replica is the point
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_SEED_LOCK})
        conn.commit()
        try:
            if is_empty(url):
                seed(url, sample=settings.seed_on_start == "sample")
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_SEED_LOCK})
            conn.execute(text("RESET lock_timeout"))
            conn.commit()
