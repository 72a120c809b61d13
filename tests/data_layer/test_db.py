"""Tests for data_layer.db and data_layer.config: engines, sessions, pragmas, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from data_layer.config import DEFAULT_SQLITE_PATH, PROJECT_ROOT, get_settings
from data_layer.db import dispose_engine, get_engine, read_session, write_session
from data_layer.models import Agency, Assignment, County


def count(url: str, model: type) -> int:
    with read_session(url) as s:
        return s.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("synchronous", 1)],  # 1 = NORMAL
)
def test_sqlite_connections_get_the_pragmas(sqlite_url: str, pragma: str, expected: object) -> None:
    with get_engine(sqlite_url).connect() as conn:
        assert conn.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected


def test_sqlite_connections_wait_for_a_busy_database(sqlite_url: str) -> None:
    with get_engine(sqlite_url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_a_row_pointing_at_nothing_is_refused_and_nothing_is_written(db_url: str) -> None:
    with pytest.raises(IntegrityError), write_session(db_url) as s:
        agency = Agency(name="اداره نمونه", short_name="نمونه")
        s.add(agency)
        s.flush()
        s.add(Assignment(resolution_id=987_654, agency_id=agency.id))  # no such resolution
        s.flush()
    assert count(db_url, Agency) == 0
    assert count(db_url, Assignment) == 0


def test_write_session_rolls_everything_back_on_an_error(db_url: str) -> None:
    with pytest.raises(RuntimeError, match="boom"), write_session(db_url) as s:
        s.add(County(name="شهرستان نمونه"))
        s.flush()  # the INSERT reaches the database before the error
        raise RuntimeError("boom")
    assert count(db_url, County) == 0


def test_write_session_commits_on_success(db_url: str) -> None:
    with write_session(db_url) as s:
        s.add(County(name="شهرستان نمونه"))
    with read_session(db_url) as s:
        assert [c.name for c in s.exec(select(County))] == ["شهرستان نمونه"]


def test_rows_read_in_a_read_session_stay_readable_after_it(db_url: str) -> None:
    with write_session(db_url) as s:
        s.add(County(name="شهرستان نمونه"))
    with read_session(db_url) as s:
        county = s.exec(select(County)).one()
    assert county.name == "شهرستان نمونه"


def test_read_session_gives_its_connection_back(db_url: str) -> None:
    with read_session(db_url) as s:
        s.exec(select(func.count()).select_from(County)).one()
    assert get_engine(db_url).pool.checkedout() == 0  # an idle transaction would hold it


def test_the_engine_is_made_once_per_url(sqlite_url: str, tmp_path: Path) -> None:
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    try:
        assert get_engine(sqlite_url) is get_engine(sqlite_url)
        assert get_engine(other_url) is not get_engine(sqlite_url)
    finally:
        dispose_engine(other_url)


def test_a_disposed_engine_is_replaced(sqlite_url: str) -> None:
    engine = get_engine(sqlite_url)
    dispose_engine(sqlite_url)
    assert get_engine(sqlite_url) is not engine


# --- settings ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_without_database_url_the_store_is_a_sqlite_file_under_data(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", value)
    settings = get_settings()
    assert settings.database_url == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    assert DEFAULT_SQLITE_PATH.parent == PROJECT_ROOT / "data"
    assert settings.is_sqlite


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u:p@h:5433/db", "postgresql+psycopg://u:p@h:5433/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////srv/dash.db", "sqlite:////srv/dash.db"),
    ],
)
def test_database_url_is_read_with_the_psycopg_driver(
    monkeypatch: pytest.MonkeyPatch, written: str, used: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", written)
    settings = get_settings()
    assert settings.database_url == used
    assert settings.is_sqlite == used.startswith("sqlite")
