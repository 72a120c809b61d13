"""The data version moves with every committed change a screen shows, and only then."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from data_layer.auth import sign_in_url
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.db import dispose_engine, read_data_version, read_session, write_session
from data_layer.errors import BUSY, ValidationError, database_trouble
from data_layer.models import Assignment, County
from data_layer.permissions import Actor
from data_layer.seed import seed
from tests.conftest import AS_OF, _empty_all_tables


def _first_row(url: str, agency_id: int) -> Assignment:
    with read_session(url) as s:
        row = s.exec(select(Assignment).where(Assignment.agency_id == agency_id)).first()
        assert row is not None
        return row


def test_a_saved_change_moves_the_version_by_one(seeded_url: str) -> None:
    actor, _ = sign_in_url(seeded_url, username="agency02", password="namune-1402")
    before = read_data_version(seeded_url)
    row = _first_row(seeded_url, int(actor.agency_id or 0))
    with write_session(seeded_url) as s:
        update_assignment(
            s,
            actor=actor,
            assignment_id=row.id,  # type: ignore[arg-type]
            expected_version=row.version,
            changes=AssignmentChanges(next_step="گامی که نسخه را جلو می‌برد"),
        )
    assert read_data_version(seeded_url) == before + 1


def test_signing_in_and_reading_leave_the_version_alone(seeded_url: str) -> None:
    before = read_data_version(seeded_url)
    sign_in_url(seeded_url, username="dabir", password="namune-1402")
    with read_session(seeded_url) as s:
        s.exec(select(County)).all()
    assert read_data_version(seeded_url) == before


def test_a_refused_write_leaves_the_version_alone(seeded_url: str) -> None:
    actor, _ = sign_in_url(seeded_url, username="agency02", password="namune-1402")
    before = read_data_version(seeded_url)
    row = _first_row(seeded_url, int(actor.agency_id or 0))
    with pytest.raises(ValidationError), write_session(seeded_url) as s:
        update_assignment(
            s,
            actor=actor,
            assignment_id=row.id,  # type: ignore[arg-type]
            expected_version=row.version,
            changes=AssignmentChanges(progress="۱۲۰"),
        )
    assert read_data_version(seeded_url) == before


def test_an_emptied_version_row_comes_back_on_the_next_write(db_url: str) -> None:
    with write_session(db_url) as s:
        s.add(County(name="شهرستان آزمایشی"))
    first = read_data_version(db_url)
    with write_session(db_url) as s:
        s.add(County(name="شهرستان دوم"))
    assert read_data_version(db_url) == first + 1


# --- no row every writer waits on ----------------------------------------------------------


def _two_rows(url: str, username: str) -> tuple[Actor, list[Assignment]]:
    actor, _ = sign_in_url(url, username=username, password="namune-1402")
    with read_session(url) as s:
        rows = s.exec(
            select(Assignment).where(Assignment.agency_id == actor.agency_id).limit(2)
        ).all()
    assert len(rows) == 2
    return actor, list(rows)


def _report(url: str, actor: Actor, row: Assignment, text: str) -> None:
    with write_session(url) as s:
        update_assignment(
            s,
            actor=actor,
            assignment_id=int(row.id or 0),
            expected_version=row.version,
            changes=AssignmentChanges(next_step=text),
        )


@pytest.fixture
def seeded_postgres(postgres_database: str) -> str:
    _empty_all_tables(postgres_database)
    seed(postgres_database, sample=True, as_of=AS_OF)
    return postgres_database


@pytest.fixture
def seeded_sqlite(sqlite_url: str) -> str:
    seed(sqlite_url, sample=True, as_of=AS_OF)
    return sqlite_url


@pytest.mark.postgres
def test_postgresql_writers_on_different_rows_do_not_wait_for_each_other(
    seeded_postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One agency's save is still open (not committed) when another's lands: the
    second neither waits for the first nor sees the number move before its commit."""
    seeded_url = seeded_postgres
    first_actor, (first, _) = _two_rows(seeded_url, "agency02")
    second_actor, (second, _) = _two_rows(seeded_url, "agency03")
    before = read_data_version(seeded_url)
    holding, release = threading.Event(), threading.Event()

    def slow_save() -> None:
        with write_session(seeded_url) as s:
            update_assignment(
                s,
                actor=first_actor,
                assignment_id=int(first.id or 0),
                expected_version=first.version,
                changes=AssignmentChanges(next_step="ذخیره‌ای که دیر تمام می‌شود"),
            )
            s.flush()
            holding.set()
            release.wait(30)

    slow = threading.Thread(target=slow_save)
    slow.start()
    try:
        assert holding.wait(30)
        assert read_data_version(seeded_url) == before  # nothing committed yet
        # A row lock held by the open save would now end this one within 0.5 s.
        dispose_engine(seeded_url)
        monkeypatch.setenv("DB_LOCK_TIMEOUT_MS", "500")
        _report(seeded_url, second_actor, second, "ذخیره‌ای که منتظر نمی‌ماند")
        assert read_data_version(seeded_url) == before + 1
    finally:
        release.set()
        slow.join(30)
        dispose_engine(seeded_url)  # the next test gets the usual lock timeout again
    assert read_data_version(seeded_url) == before + 2


def test_sqlite_writers_take_turns_and_a_long_wait_says_busy_without_writing(
    seeded_sqlite: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write waits for the one in progress and then lands; one that waits longer
    than the busy timeout stops with the "busy, try again" message, nothing written."""
    seeded_url = seeded_sqlite
    actor, (first, second) = _two_rows(seeded_url, "agency02")
    holding, release = threading.Event(), threading.Event()

    def open_save() -> None:
        with write_session(seeded_url) as s:
            s.add(County(name="شهرستانی که دیر ثبت می‌شود"))
            s.flush()
            holding.set()
            release.wait(30)

    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT_MS", "300")
    slow = threading.Thread(target=open_save)
    slow.start()
    try:
        assert holding.wait(30)
        with pytest.raises(OperationalError) as refused:
            _report(seeded_url, actor, first, "نباید ثبت شود")
        assert database_trouble(refused.value) == BUSY
        monkeypatch.setenv("SQLITE_BUSY_TIMEOUT_MS", "30000")
        waiting = threading.Thread(target=_report, args=(seeded_url, actor, second, "نوبتی"))
        waiting.start()
    finally:
        release.set()
        slow.join(30)
    waiting.join(30)
    with read_session(seeded_url) as s:
        assert s.get(Assignment, first.id).next_step == first.next_step  # type: ignore[union-attr]
        assert s.get(Assignment, second.id).next_step == "نوبتی"  # type: ignore[union-attr]
        assert s.exec(select(County).where(County.name == "شهرستانی که دیر ثبت می‌شود")).one()
