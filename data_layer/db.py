"""One engine per database URL, session scopes, and SQLite connection pragmas."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session as Session  # re-exported: pages type their commands with it
from sqlmodel import create_engine

from data_layer.config import get_settings
from data_layer.models import utcnow

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, busy_timeout and foreign keys on every connection; explicit BEGINs.

    pysqlite's own transaction handling is switched off so that a write scope can
    take the write lock up front with BEGIN IMMEDIATE (read-then-write by two
    agencies at once would otherwise fail with "database is locked").
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def get_engine(url: str | None = None) -> Engine:
    """The engine for a URL (the configured one by default), created once."""
    settings = get_settings()
    url = url or settings.database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _create(url, settings.sqlite_busy_timeout_ms, settings.lock_timeout_ms)
            _engines[url] = engine
        return engine


def _create(url: str, busy_timeout_ms: int, lock_timeout_ms: int) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    # A row lock held too long (a stuck transaction elsewhere) ends the statement with
    # an error the pages turn into "busy, try again", instead of a page that hangs.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"options": f"-c lock_timeout={int(lock_timeout_ms)}"},
    )


def dispose_engine(url: str) -> None:
    """Close and forget the engine of a URL (tests that drop their database)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@contextmanager
def read_session(url: str | None = None) -> Iterator[Session]:
    """A session for reads; rolled back at the end."""
    # Closing the session rolls its transaction back. An explicit rollback() would
    # also expire every loaded row, so nothing read here could be used afterwards.
    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session


# Writes to these tables change nothing a screen shows (sign-ins, bookkeeping).
_QUIET_TABLES = frozenset(
    {"auth_session", "app_user", "alembic_version", "data_version", "access_token"}
)
_CHANGED = "data_changed"


@event.listens_for(OrmSession, "before_flush")
def _note_orm_writes(session: OrmSession, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) not in _QUIET_TABLES:
            session.info[_CHANGED] = True
            return


@event.listens_for(OrmSession, "do_orm_execute")
def _note_statement_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in _QUIET_TABLES:
            state.session.info[_CHANGED] = True


def bump_data_version(session: Session) -> None:
    """Count one more committed change (inside the writing transaction)."""
    now = utcnow()
    moved = session.execute(
        text("UPDATE data_version SET version = version + 1, changed_at = :now WHERE id = 1"),
        {"now": now},
    )
    if moved.rowcount == 0:  # type: ignore[attr-defined]  # the row was emptied out
        session.execute(
            text("INSERT INTO data_version (id, version, changed_at) VALUES (1, 2, :now)"),
            {"now": now},
        )


def ping(url: str | None = None) -> None:
    """Raise unless the database answers a trivial query (the health check)."""
    with get_engine(url).connect() as conn:
        conn.execute(text("SELECT 1")).scalar()


def read_data_version(url: str | None = None) -> int:
    """The number cached screens are keyed by; one tiny read."""
    with get_engine(url).connect() as conn:
        value = conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar()
    return int(value or 0)


@contextmanager
def write_session(url: str | None = None) -> Iterator[Session]:
    """One transaction for one thing a person does: commit on success, else nothing.

    When the transaction changed anything a screen shows, the data version moves in
    the same transaction, so caches everywhere key on it and refresh.
    """
    engine = get_engine(url)
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.flush()
            if session.info.pop(_CHANGED, False):
                bump_data_version(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise
