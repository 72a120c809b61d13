"""Tests for data_layer.commands.problems: a neighborhood's prioritized problems with
their plans, their order, edits and removal, with history; SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from data_layer.commands.problems import add_problem, edit_problem, move_problem, withdraw_problem
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from data_layer.models import HistoryEntry
from data_layer.queries.dossier import neighborhood_problems
from tests.dossier_world import NOW, actor, first_hood, give_indicator


def _plan(title: str, **more: Any) -> dict[str, Any]:
    return {"title": title, "actions": f"اقدام برای {title}", **more}


def _titles(url: str, hood: int) -> list[str]:
    with read_session(url) as s:
        return list(neighborhood_problems(s, hood)["title"])


def test_problems_keep_their_order_and_moves_and_removals_renumber(seeded_url: str) -> None:
    hood, _ = first_hood(seeded_url)
    dabir = actor(seeded_url, "dabir")
    ids = []
    with write_session(seeded_url) as s:
        for t in ("الف", "ب", "پ"):
            ids.append(int(add_problem(s, actor=dabir, neighborhood_id=hood, values=_plan(t)).id))  # type: ignore[arg-type]
    assert _titles(seeded_url, hood) == ["الف", "ب", "پ"]
    with write_session(seeded_url) as s:
        move_problem(s, actor=dabir, problem_id=ids[2], expected_version=1, step=-1, now=NOW)
    assert _titles(seeded_url, hood) == ["الف", "پ", "ب"]
    with write_session(seeded_url) as s:  # the first cannot move up: nothing changes
        move_problem(s, actor=dabir, problem_id=ids[0], expected_version=1, step=-1, now=NOW)
    with write_session(seeded_url) as s:
        withdraw_problem(s, actor=dabir, problem_id=ids[0], expected_version=1, reason="حل شد")
    with read_session(seeded_url) as s:
        left = neighborhood_problems(s, hood)
        assert list(left["title"]) == ["پ", "ب"] and list(left["priority"]) == [1, 2]
        fields = sorted(
            h.field
            for h in s.exec(select(HistoryEntry).where(HistoryEntry.entity == "problem")).all()
        )
        assert fields.count("created") == 3 and "withdrawn" in fields
        assert fields.count("priority") == 4  # two by the move, two by the removal


def test_an_edit_is_history_and_a_stale_or_vanished_target_is_refused(seeded_url: str) -> None:
    hood, _ = first_hood(seeded_url)
    indicator = give_indicator(seeded_url, hood)
    dabir = actor(seeded_url, "dabir")
    with write_session(seeded_url) as s:
        pid = int(add_problem(s, actor=dabir, neighborhood_id=hood, values=_plan("آب")).id)  # type: ignore[arg-type]
    with write_session(seeded_url) as s:
        edit_problem(
            s,
            actor=dabir,
            problem_id=pid,
            expected_version=1,
            values=_plan("آب", indicator_id=indicator, due_date="۱۴۰۵/۱۲/۰۱"),
            now=NOW,
        )
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        edit_problem(s, actor=dabir, problem_id=pid, expected_version=1, values=_plan("دیگر"))
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        move_problem(s, actor=dabir, problem_id=pid, expected_version=1, step=1)
    with read_session(seeded_url) as s:
        row = neighborhood_problems(s, hood).iloc[0]
        assert row["title"] == "آب" and row["indicator"] == "نرخ ترک تحصیل"
        assert int(row["version"]) == 2
        changed = {
            h.field: (h.old_value, h.new_value)
            for h in s.exec(select(HistoryEntry).where(HistoryEntry.entity_id == pid)).all()
            if h.entity == "problem"
        }
        assert changed["indicator_id"] == (None, str(indicator))
        assert changed["due_date"] == (None, "2027-02-20")
    with write_session(seeded_url) as s:
        withdraw_problem(s, actor=dabir, problem_id=pid, expected_version=2, reason="تکراری")
    with pytest.raises(NotFound), write_session(seeded_url) as s:
        edit_problem(s, actor=dabir, problem_id=pid, expected_version=None, values=_plan("x"))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "", "actions": "x"}, "title"),
        ({"title": "x", "actions": ""}, "actions"),
        ({"title": "x", "actions": "y", "agency_id": 10**7}, "agency_id"),
        ({"title": "x", "actions": "y", "indicator_id": 10**7}, "indicator_id"),
        ({"title": "x", "actions": "y", "due_date": "۱۴۰۴/۱۲/۳۰"}, "due_date"),
    ],
)
def test_a_bad_plan_is_refused_by_field_and_nothing_is_written(
    seeded_url: str, values: dict[str, Any], field: str
) -> None:
    hood, _ = first_hood(seeded_url)
    with pytest.raises(ValidationError) as e, write_session(seeded_url) as s:
        add_problem(s, actor=actor(seeded_url, "dabir"), neighborhood_id=hood, values=values)
    assert field in {err.field for err in e.value.errors}
    with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
        add_problem(s, actor=actor(seeded_url, "chair"), neighborhood_id=hood, values=_plan("x"))
    assert _titles(seeded_url, hood) == []
