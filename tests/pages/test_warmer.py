"""The warmer computes what the first visitor of a shared page would, before they come:
at start and again for every new data version, so opening the page runs no query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import streamlit as st
from sqlalchemy import event
from sqlmodel import select

from data_layer.auth import sign_in_url
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.db import get_engine, read_data_version, read_session, write_session
from data_layer.jalali import local_today
from data_layer.models import Assignment
from data_layer.permissions import PROVINCE
from ui import coverage_view, loaders, warmer

WAIT = 120  # seconds; generous for a busy machine, never reached when it works


@contextmanager
def statements(url: str) -> Iterator[list[str]]:
    """Every statement run on the database inside the block."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        seen.append(sql)

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def first_visit(url: str, version: int) -> None:
    """What the overview, projector and coverage read when a person opens them."""
    today = local_today()
    loaders.overview(url, PROVINCE, today, version)
    loaders.projector(url, PROVINCE, today, None, version)
    coverage_view.view(url, PROVINCE, (), (), None, None, version)


@pytest.fixture
def warmed(seeded_url: str) -> Iterator[str]:
    st.cache_data.clear()
    warmer.start(seeded_url)
    yield seeded_url
    warmer.stop(seeded_url)


def test_the_first_visit_after_a_start_and_after_a_save_runs_no_query(warmed: str) -> None:
    url = warmed
    version = read_data_version(url)
    assert warmer.wait_warmed(url, version, WAIT)
    assert warmer.ready(url)
    with statements(url) as seen:
        first_visit(url, version)
    assert seen == []

    # A liaison saves: the number moves, and the warmer reads the new data for everyone.
    actor, _ = sign_in_url(url, username="agency02", password="namune-1402")
    with read_session(url) as s:
        row = s.exec(select(Assignment).where(Assignment.agency_id == actor.agency_id)).first()
    assert row is not None
    with write_session(url) as s:
        update_assignment(
            s,
            actor=actor,
            assignment_id=int(row.id or 0),
            expected_version=row.version,
            changes=AssignmentChanges(next_step="گامی که نمای کلی باید ببیند"),
        )
    moved = read_data_version(url)
    assert moved > version
    assert warmer.wait_warmed(url, moved, WAIT)
    with statements(url) as seen:
        first_visit(url, moved)
    assert seen == []


def test_a_database_that_waits_for_its_first_setup_is_ready_at_once(db_url: str) -> None:
    bare_url = db_url  # migrated, no account yet: only the setup screen exists
    warmer.start(bare_url)
    try:
        assert warmer.wait_warmed(bare_url, read_data_version(bare_url), WAIT)
        assert warmer.ready(bare_url)
    finally:
        warmer.stop(bare_url)
