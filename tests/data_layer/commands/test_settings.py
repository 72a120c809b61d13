"""Tests for data_layer.commands.settings: the scorecard thresholds (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import func, select

from data_layer.commands.settings import set_thresholds
from data_layer.db import read_session, write_session
from data_layer.errors import PermissionDenied, ValidationError
from data_layer.models import Agency, AppSetting, HistoryEntry, Role, User
from data_layer.permissions import Actor
from data_layer.queries.settings import THRESHOLDS_KEY, get_thresholds
from data_layer.rules.scorecard import Thresholds

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
LATER = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
VALID: dict[str, Any] = {
    "green_done_share": 70,
    "red_done_share": 20,
    "amber_overdue": 2,
    "red_overdue": 4,
    "stale_days": 14,
}
PERSIAN = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True)
class People:
    """One actor of each role."""

    url: str
    admin: Actor
    secretariat: Actor
    editor: Actor
    viewer: Actor


@pytest.fixture
def people(db_url: str) -> People:
    with write_session(db_url) as s:
        agency = Agency(name="اداره کل بهزیستی استان", short_name="بهزیستی")
        s.add(agency)
        s.flush()

        def actor(username: str, role: Role, agency_id: int | None = None) -> Actor:
            user = User(
                username=username,
                full_name=username,
                password_hash="not-a-real-hash",
                role=role.value,
                agency_id=agency_id,
            )
            s.add(user)
            s.flush()
            assert user.id is not None
            return Actor(user.id, user.username, user.full_name, user.role, user.agency_id)

        return People(
            url=db_url,
            admin=actor("admin", Role.ADMIN),
            secretariat=actor("secretariat", Role.SECRETARIAT),
            editor=actor("editor", Role.AGENCY_EDITOR, agency.id),
            viewer=actor("viewer", Role.VIEWER),
        )


def stored(url: str) -> tuple[str | None, int]:
    """The stored thresholds JSON (or None) and how many setting history rows exist."""
    with read_session(url) as s:
        row = s.get(AppSetting, THRESHOLDS_KEY)
        count = s.exec(
            select(func.count()).select_from(HistoryEntry).where(HistoryEntry.entity == "setting")
        ).one()
        return (row.value if row else None), int(count)


def test_defaults_on_an_empty_database(db_url: str) -> None:
    with read_session(db_url) as s:
        assert get_thresholds(s) == Thresholds()
    assert Thresholds() == Thresholds(0.6, 0.3, 1, 3, 30)


@pytest.mark.parametrize("value", ["not json", "[1, 2]", '{"green_done_share": 0.5}', "null"])
def test_unreadable_setting_gives_defaults(db_url: str, value: str) -> None:
    with write_session(db_url) as s:
        s.add(AppSetting(key=THRESHOLDS_KEY, value=value))
    with read_session(db_url) as s:
        assert get_thresholds(s) == Thresholds()


def test_the_secretariat_sets_the_thresholds(people: People) -> None:
    actor: Actor = people.secretariat
    with write_session(people.url) as s:
        result = set_thresholds(s, actor=actor, now=NOW, **VALID)
    expected = Thresholds(0.7, 0.2, 2, 4, 14)
    assert result == expected
    with read_session(people.url) as s:
        assert get_thresholds(s) == expected
        setting = s.get(AppSetting, THRESHOLDS_KEY)
        assert setting is not None
        assert setting.updated_by_id == actor.user_id and setting.updated_at == NOW
        history = s.exec(select(HistoryEntry).where(HistoryEntry.entity == "setting")).all()
    assert len(history) == 1
    entry = history[0]
    assert (entry.entity_id, entry.field, entry.user_id) == (0, THRESHOLDS_KEY, actor.user_id)
    assert entry.changed_at == NOW and entry.old_value is None
    assert entry.new_value == setting.value
    assert json.loads(setting.value) == {
        "green_done_share": 0.7,
        "red_done_share": 0.2,
        "amber_overdue": 2,
        "red_overdue": 4,
        "stale_days": 14,
    }


def test_a_second_change_records_the_old_value(people: People) -> None:
    with write_session(people.url) as s:
        set_thresholds(s, actor=people.secretariat, now=NOW, **VALID)
    first, _ = stored(people.url)
    with write_session(people.url) as s:
        result = set_thresholds(
            s,
            actor=people.secretariat,
            now=LATER,
            green_done_share="۸۰",  # Persian digits, as typed
            red_done_share="10٪",
            amber_overdue="1",
            red_overdue=3,
            stale_days=30.0,
        )
    assert result == Thresholds(0.8, 0.1, 1, 3, 30)
    with read_session(people.url) as s:
        latest = s.exec(
            select(HistoryEntry)
            .where(HistoryEntry.entity == "setting")
            .order_by(HistoryEntry.changed_at.desc())  # type: ignore[attr-defined]
        ).first()
        assert latest is not None and get_thresholds(s) == result
    assert latest.old_value == first and latest.user_id == people.secretariat.user_id
    assert stored(people.url)[1] == 2


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editor_and_viewer_are_refused(people: People, role: str) -> None:
    with write_session(people.url) as s, pytest.raises(PermissionDenied) as refused:
        set_thresholds(s, actor=getattr(people, role), now=NOW, **VALID)
    assert PERSIAN.search(refused.value.message)
    assert stored(people.url) == (None, 0)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"green_done_share": 150}, ["green_done_share"]),
        ({"green_done_share": "abc"}, ["green_done_share"]),
        ({"red_done_share": -1}, ["red_done_share"]),
        ({"red_done_share": "nan"}, ["red_done_share"]),
        ({"red_done_share": 70}, ["red_done_share"]),  # red == green
        ({"red_done_share": 80}, ["red_done_share"]),  # red > green
        ({"amber_overdue": 0}, ["amber_overdue"]),
        ({"amber_overdue": 1.5}, ["amber_overdue"]),
        ({"red_overdue": 2}, ["red_overdue"]),  # red == amber
        ({"red_overdue": 1}, ["red_overdue"]),  # red < amber
        ({"stale_days": 0}, ["stale_days"]),
        ({"stale_days": 366}, ["stale_days"]),
        ({"stale_days": ""}, ["stale_days"]),
        (
            {"green_done_share": 101, "amber_overdue": -1, "stale_days": 400},
            ["green_done_share", "amber_overdue", "stale_days"],
        ),
    ],
)
def test_invalid_thresholds_write_nothing(
    people: People, changes: dict[str, Any], fields: list[str]
) -> None:
    # The session commits after the refused call: anything written would be kept.
    with write_session(people.url) as s, pytest.raises(ValidationError) as refused:
        set_thresholds(s, actor=people.secretariat, now=NOW, **{**VALID, **changes})
    assert [e.field for e in refused.value.errors] == fields
    assert all(PERSIAN.search(e.message) for e in refused.value.errors)
    assert stored(people.url) == (None, 0)


def test_bounds_themselves_are_valid(people: People) -> None:
    with write_session(people.url) as s:
        result = set_thresholds(
            s,
            actor=people.secretariat,
            now=NOW,
            green_done_share=100,
            red_done_share=0,
            amber_overdue=1,
            red_overdue=2,
            stale_days=365,
        )
    assert result == Thresholds(1.0, 0.0, 1, 2, 365)
