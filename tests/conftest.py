"""Shared fixtures: every test gets its own migrated database, on SQLite and on PostgreSQL.

`db_url` runs a test once per database. Each kind of database a test can ask for (empty
and migrated, or seeded as `seeded_url`, `minutes_url` or `bare_url` give it) is built
once per session (per worker under xdist) as a template, and every test gets a copy of
its own under a new URL: a file copy on SQLite, `CREATE DATABASE … TEMPLATE …` on
PostgreSQL (dropped after the test). A new URL per test means no cache keyed by URL
(engines, the data version) can carry anything from one test to the next.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

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


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist (make test: `-n auto`), each browser module's tests stay
    together on one worker, in their order, with the app servers the module starts;
    every other test goes to whichever worker is free. (xdist's `--dist loadgroup` marks
    groups in a node id that pytest 9 no longer reads, so it would not group them.)"""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None  # another --dist asked for by name
    from xdist.scheduler import LoadScopeScheduling

    class BrowserModulesTogether(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.startswith("tests/browser/") else nodeid

    return BrowserModulesTogether(config, log)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In CI nothing may be skipped: a test that skipped there (its browser, database or
    tool missing) fails the run, after the summary has said which and why (-ra)."""
    if not _in_ci() or hasattr(session.config, "workerinput"):
        return  # under xdist the controller counts every worker's tests
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if skipped and session.exitstatus == pytest.ExitCode.OK:
        reporter.write_line(f"CI: {skipped} tests were skipped; in CI every test must run")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
    _close_sqlite_file(url)
    return path


def _close_sqlite_file(url: str) -> None:
    """Fold the WAL into the main file and close it, so that copying one file copies it all."""
    with get_engine(url).connect() as conn:
        busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
    dispose_engine(url)
    assert busy == 0, "the template's WAL could not be checkpointed"


# What each seeded database fixture holds: the `seed` arguments its template is built with.
SEEDS: dict[str, dict[str, Any]] = {
    "seeded_url": {"sample": True, "as_of": AS_OF},
    "minutes_url": {"sample": False, "sample_agencies": True},
    "bare_url": {"sample": False},
}


def _seed_kind(request: pytest.FixtureRequest) -> str | None:
    """Which seeded database the test asked for (None: an empty migrated one)."""
    kinds = [name for name in SEEDS if name in request.fixturenames]
    assert len(kinds) <= 1, f"a test gets one database, not {kinds}"
    return kinds[0] if kinds else None


class Templates:
    """The template databases of this session, each built the first time a test needs it."""

    def __init__(self, folder: Path, sqlite_template: Path) -> None:
        self.folder = folder
        self.sqlite: dict[str | None, Path] = {None: sqlite_template}
        self.postgres: dict[str | None, str] = {}
        # A test's PostgreSQL copy is dropped behind the next test's back: the server
        # may take seconds to drop a database while other runs write to the disk.
        self.dropping = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-db")
        self.dropped: list[Future[None]] = []

    def sqlite_file(self, kind: str | None) -> Path:
        if kind not in self.sqlite:
            path = self.folder / f"{kind}.db"
            shutil.copyfile(self.sqlite[None], path)
            url = f"sqlite:///{path}"
            seed(url, **SEEDS[str(kind)])
            _close_sqlite_file(url)
            self.sqlite[kind] = path
        return self.sqlite[kind]

    def postgres_name(self, kind: str | None) -> str:
        if kind not in self.postgres:
            if kind is None:
                url = _create_postgres_database()
                self.postgres[kind] = url  # dropped at the end even if migrating fails
                upgrade(url)
            else:
                url = _copy_postgres_database(self.postgres_name(None))
                self.postgres[kind] = url
                seed(url, **SEEDS[kind])
            # CREATE DATABASE … TEMPLATE refuses a template anyone is connected to.
            dispose_engine(url)
        return str(make_url(self.postgres[kind]).database)

    def copy(self, kind: str | None, sqlite_file: Path | None = None) -> str:
        """The URL of a new database holding template `kind`: the file `sqlite_file`, or
        else a new PostgreSQL database (the caller drops it)."""
        if sqlite_file is None:
            return _copy_postgres_database(self.postgres_name(kind))
        shutil.copyfile(self.sqlite_file(kind), sqlite_file)
        return f"sqlite:///{sqlite_file}"

    def drop_later(self, url: str) -> None:
        dispose_engine(url)  # this process's connections go now; the server's drop follows
        self.dropped.append(self.dropping.submit(_drop_postgres_database, url))

    def drop(self) -> None:
        self.dropping.shutdown(wait=True)
        for url in self.postgres.values():
            _drop_postgres_database(url)
        for done in self.dropped:
            done.result()  # a database left behind fails the run


@pytest.fixture(scope="session")
def templates(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Templates]:
    built = Templates(tmp_path_factory.mktemp("templates"), sqlite_template)
    try:
        yield built
    finally:
        built.drop()


@pytest.fixture
def sqlite_url(
    request: pytest.FixtureRequest, templates: Templates, tmp_path: Path
) -> Iterator[str]:
    """A fresh migrated SQLite database of this test only (seeded if the test asked so)."""
    url = templates.copy(_seed_kind(request), tmp_path / "dashboard.db")
    yield url
    dispose_engine(url)


def _copy_postgres_database(template: str) -> str:
    """A new database on the test server, a copy of the template database named."""
    name = f"dash_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _admin_engine().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, templates: Templates) -> Iterator[str]:
    """A fresh migrated PostgreSQL database of this test only (seeded if the test asked so)."""
    url = templates.copy(_seed_kind(request))
    try:
        yield url
    finally:
        templates.drop_later(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A migrated database of this test only: the test runs once on SQLite and once on
    PostgreSQL. Empty, unless the test asked for `seeded_url`, `minutes_url` or `bare_url`."""
    return str(
        request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    )


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


def _seeded(request: pytest.FixtureRequest, db_url: str) -> str:
    # db_url chose its template from the test's fixtures; one asked for later (through
    # request.getfixturevalue) would find it empty: refuse rather than hand that over.
    assert _seed_kind(request) == request.fixturename, "ask for it in the test's arguments"
    return db_url  # a copy of the template seeded with SEEDS[request.fixturename]


@pytest.fixture
def seeded_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """The database with the real minutes and the sample province."""
    return _seeded(request, db_url)


@pytest.fixture
def minutes_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """The database with the real minutes and the sample's member list, no sample data."""
    return _seeded(request, db_url)


@pytest.fixture
def bare_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """What `seed --no-sample` gives: the minutes and only the agencies they name."""
    return _seeded(request, db_url)
