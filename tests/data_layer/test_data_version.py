"""The data version moves with every committed change a screen shows, and only then."""

from __future__ import annotations

import pytest
from sqlmodel import select

from data_layer.auth import sign_in_url
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.db import read_data_version, read_session, write_session
from data_layer.errors import ValidationError
from data_layer.models import Assignment, County


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
