"""Bring a database's schema to the newest migration."""

from __future__ import annotations

from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from data_layer.config import PROJECT_ROOT, get_settings
from data_layer.db import get_engine

# Any fixed 64-bit number: replicas starting together take turns migrating.
_PG_MIGRATION_LOCK = 7_402_290_701


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration pointed at a URL."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "data_layer" / "migrations"))
    cfg.attributes["database_url"] = url
    return cfg


@lru_cache(maxsize=1)
def _head() -> str | None:
    script = ScriptDirectory.from_config(alembic_config(""))
    return script.get_current_head()


def schema_is_current(url: str | None = None) -> bool:
    """True when the database's schema is at the newest migration (the health check)."""
    with get_engine(url or get_settings().database_url).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return list(current) == [_head()]


def upgrade(url: str | None = None) -> None:
    """Run every pending migration, one process at a time on PostgreSQL."""
    url = url or get_settings().database_url
    engine = get_engine(url)
    cfg = alembic_config(url)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Waiting for the other process is the point here: no lock timeout.
            conn.execute(text("SET lock_timeout = 0"))
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                conn.execute(text("RESET lock_timeout"))
                conn.commit()


if __name__ == "__main__":
    upgrade()
    print("schema is up to date")
