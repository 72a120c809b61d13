"""Shared fixtures: every test gets its own migrated database, on SQLite and on PostgreSQL.

`db_url` runs a test once per database. SQLite tests get a copy of a template file
migrated once per session; PostgreSQL tests share one database created for this run
(so parallel runs never see each other's rows) and emptied before each test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from data_layer import clock
from data_layer.config import normalise_database_url
from data_layer.db import dispose_engine, get_engine
from data_layer.migrate import upgrade
from data_layer.seed import seed

TEST_DATABASE_URL = normalise_database_url(
    os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
)
# Sample data is generated relative to this day, and the whole run (this process, the
# app servers and workers it starts) reads it as today: no test depends on the day the
# suite runs. A test that needs another day passes it explicitly or moves the clock.
AS_OF = date(2026, 11, 28)
os.environ[clock.SHIFT_ENV] = str(clock.shift_to(AS_OF))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def _admin_engine() -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction; NullPool keeps no idle link.
    return create_engine(
        TEST_DATABASE_URL,
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
        connect_args={"connect_timeout": 5},
    )


def _create_postgres_database() -> str:
    """Create a uniquely named database on the test server; skip (or fail in CI) if down."""
    name = f"dash_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        where = make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)
        reason = f"PostgreSQL at {where} is unreachable (set TEST_DATABASE_URL): {exc.orig}"
        if _in_ci():
            pytest.fail(reason)  # in CI the PostgreSQL tests must run, never silently skip
        pytest.skip(reason)
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    dispose_engine(url)
    name = make_url(url).database
    with _admin_engine().connect() as conn:
        # FORCE: a connection a failed test left open must not keep the database alive.
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a migrated PostgreSQL database that lives as long as the test run."""
    url = _create_postgres_database()
    try:
        upgrade(url)
        yield url
    finally:
        _drop_postgres_database(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that tests copy instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    # Fold the WAL into the main file and close it, so that copying one file copies it all.
    with get_engine(url).connect() as conn:
        busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
    dispose_engine(url)
    assert busy == 0, "the template's WAL could not be checkpointed"
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated SQLite database of this test only."""
    path = tmp_path / "dashboard.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    yield url
    dispose_engine(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty database: the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    url = str(request.getfixturevalue("postgres_database"))
    _empty_all_tables(url)
    return url


def _empty_all_tables(url: str) -> None:
    with get_engine(url).begin() as conn:
        # A connection left in a transaction would block TRUNCATE forever: fail instead.
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        quote = conn.dialect.identifier_preparer.quote
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        # One statement, so foreign keys between the tables never get in the way.
        conn.execute(text(f"TRUNCATE {', '.join(map(quote, tables))} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (for migration tests)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        yield url
        dispose_engine(url)
    else:
        url = _create_postgres_database()
        try:
            yield url
        finally:
            _drop_postgres_database(url)


@pytest.fixture
def seeded_url(db_url: str) -> str:
    """The database with the real minutes and the sample province."""
    seed(db_url, sample=True, as_of=AS_OF)
    return db_url


@pytest.fixture
def minutes_url(db_url: str) -> str:
    """The database with the real minutes and the sample's member list, no sample data."""
    seed(db_url, sample=False, sample_agencies=True)
    return db_url


@pytest.fixture
def bare_url(db_url: str) -> str:
    """What `seed --no-sample` gives: the minutes and only the agencies they name."""
    seed(db_url, sample=False)
    return db_url
