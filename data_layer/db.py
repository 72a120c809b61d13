"""One engine per database URL, session scopes, and SQLite connection pragmas."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session as Session  # re-exported: pages type their commands with it
from sqlmodel import create_engine

from data_layer.config import get_settings
from data_layer.models import utcnow

_log = logging.getLogger(__name__)
SQLITE_MMAP_BYTES = 1 << 30  # SQLite's own ceiling is just under 2 GiB
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
        # Read the file through a memory map: a scan of a large table (the overview's
        # counts over every row) then reads the OS's cached pages in place instead of
        # copying each through a read() call into a 2 MB page cache (at L: about half
        # the scan's time). Address space only; the pages are the OS's page cache.
        cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
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
# The outbox and the people's channels are read live by the screens that show them.
_QUIET_TABLES = frozenset(
    {
        "auth_session",
        "app_user",
        "alembic_version",
        "data_version",
        "access_token",
        "sign_in_throttle",
        "outbox_message",
        "contact_channel",
    }
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
    """SQLite: count one more change inside the writing transaction.

    SQLite lets one writer hold the database at a time, so the row costs no extra
    wait there. PostgreSQL moves a sequence after the commit (`_bump_after_commit`).
    """
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


def _bump_after_commit(engine: Engine) -> None:
    """PostgreSQL: move the sequence once the change is visible to every reader.

    A reader that saw the old number read its data after that number, so at worst
    it reads the new data under the old number and reads it again at the next poll;
    it can never keep old data under the new number. nextval holds no lock past the
    call, so writers do not queue on each other here, and in autocommit it is one
    round trip outside any transaction. Should it fail (the server went away between
    the two statements), the change has landed all the same: the page is told it
    was saved and screens catch up with the next write.
    """
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT nextval('data_version_seq')"))
    except Exception:  # logged for the administrator; the person's save stands
        _log.exception("the data version did not move after a committed change")


def ping(url: str | None = None) -> None:
    """Raise unless the database answers a trivial query (the health check)."""
    with get_engine(url).connect() as conn:
        conn.execute(text("SELECT 1")).scalar()


_PG_VERSION = (
    "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM data_version_seq"
)
_SQLITE_VERSION = "SELECT version FROM data_version WHERE id = 1"


def read_data_version(url: str | None = None) -> int:
    """The number cached screens are keyed by; one tiny read that takes no row lock."""
    engine = get_engine(url)
    query = _PG_VERSION if engine.dialect.name == "postgresql" else _SQLITE_VERSION
    with engine.connect() as conn:
        value = conn.execute(text(query)).scalar()
    return int(value or 0)


def _lock_path(engine: Engine) -> str | None:
    """The file SQLite writers take turns on, beside the database (None in memory)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return f"{database}.write-turn"


_LOCKED = "database is locked"


def _busy() -> sa_exc.OperationalError:
    """The error a busy SQLite gives, so every page says "busy, try again" for it."""
    return sa_exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError(_LOCKED))


def _wait_for_turn(fd: int, timeout_s: float) -> bool:
    """Block on the file lock for at most timeout_s; True once it is held.

    A blocked flock wakes as soon as the holder lets go; SQLite's own busy handler
    sleeps up to 100 ms between tries, so under many writers a newcomer kept
    winning and the slowest save waited seconds. The wait runs in a helper thread
    so it can be abandoned at the timeout; an abandoned helper lets go (closes the
    file) the moment it is served.
    """
    served = threading.Event()
    guard = threading.Lock()
    abandoned = False

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with guard:
            if abandoned:
                os.close(fd)
            else:
                served.set()

    threading.Thread(target=wait, name="sqlite-write-turn", daemon=True).start()
    if served.wait(timeout_s):
        return True
    with guard:
        if served.is_set():
            return True
        abandoned = True
    return False


_held = threading.local()  # the turns this thread holds (a write inside a write)


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    """SQLite: one write transaction at a time across every process, the next writer
    woken as soon as the last lets go. PostgreSQL locks rows, so writers there need
    no turn. A write session
    opened inside another on the same thread shares its turn (as before the turn,
    SQLite itself refuses the inner one only if the outer has begun writing)."""
    path = _lock_path(engine)
    held: set[str] = _held.__dict__.setdefault("paths", set())
    if path is None or path in held:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if not _wait_for_turn(fd, get_settings().sqlite_busy_timeout_ms / 1000):
            raise _busy() from None  # the helper thread closes fd once it is served
    held.add(path)
    try:
        yield
    finally:
        held.discard(path)
        os.close(fd)  # lets the next writer in


@contextmanager
def write_session(url: str | None = None) -> Iterator[Session]:
    """One transaction for one thing a person does: commit on success, else nothing.

    When the transaction changed anything a screen shows, the data version moves (in
    the transaction on SQLite, just after the commit on PostgreSQL), so caches
    everywhere key on it and refresh.
    """
    engine = get_engine(url)
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    with _writer_turn(engine), Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.flush()
            changed = session.info.pop(_CHANGED, False)
            after_commit = changed and session.get_bind().dialect.name == "postgresql"
            if changed and not after_commit:
                bump_data_version(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        if after_commit:
            _bump_after_commit(engine)
