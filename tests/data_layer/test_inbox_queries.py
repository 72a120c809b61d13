"""The inbox's reads: the ladder's agencies due a step agree with the letters screen's
rule on every day, and each kind of item leaves when its work is done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from data_layer.commands.letters import issue_letters, plan_letters
from data_layer.db import read_session, write_session
from data_layer.models import User
from data_layer.permissions import Actor
from data_layer.queries.inbox import agency_items, secretariat_items
from data_layer.queries.ladder import agencies_due_a_step, due_today
from tests.conftest import AS_OF


def _due_both_ways(url: str, day: object) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    with read_session(url) as s:
        board = due_today(s, day)  # type: ignore[arg-type]
        lean = agencies_due_a_step(s, day)  # type: ignore[arg-type]
    full = sorted(zip(board["agency_id"].astype(int), board["step"].astype(int), strict=True))
    return full, sorted((a, step) for a, _, step in lean)


@pytest.mark.parametrize("days", [0, 3, 10, 40, 200])
def test_the_inbox_counts_the_same_agencies_and_steps_as_the_letters_screen(
    seeded_url: str, days: int
) -> None:
    full, lean = _due_both_ways(seeded_url, AS_OF + timedelta(days=days))
    assert full == lean


def test_after_the_letters_go_the_ladder_item_leaves_and_returns_at_the_next_step(
    seeded_url: str,
) -> None:
    with write_session(seeded_url) as s:
        u = s.exec(select(User).where(User.username == "dabir")).one()
        dabir = Actor(int(u.id or 0), u.username, u.full_name, u.role, u.agency_id)
        agencies = [int(a) for a in due_today(s, AS_OF)["agency_id"]]
        issue_letters(
            s, actor=dabir, plans=plan_letters(s, today=AS_OF, agency_ids=agencies), today=AS_OF
        )
    with read_session(seeded_url) as s:
        assert not [i for i in secretariat_items(s, AS_OF) if i.kind == "ladder"]
        letters = [i for i in agency_items(s, 2, AS_OF) if i.kind == "letter"]
        assert letters and letters[0].title.startswith("نامهٔ ")
    for days in (5, 15, 30):
        full, lean = _due_both_ways(seeded_url, AS_OF + timedelta(days=days))
        assert full == lean


def test_late_rows_beyond_the_listed_ones_are_one_item_that_counts_them(seeded_url: str) -> None:
    from data_layer.models import Assignment
    from data_layer.queries.inbox import LATE_LISTED, things_due

    with write_session(seeded_url) as s:
        rows = s.exec(select(Assignment).where(Assignment.agency_id == 2)).all()
        for row in rows:
            row.status, row.planned_date = "in_progress", AS_OF - timedelta(days=3)
            row.verification = "unverified"
            s.add(row)
        late = len([r for r in rows if not r.withdrawn])
    assert late > LATE_LISTED + 1
    with read_session(seeded_url) as s:
        items = [i for i in agency_items(s, 2, AS_OF) if i.kind == "late"]
    assert len(items) == LATE_LISTED + 1
    assert items[-1].link == "/my_agency" and items[-1].count == late - LATE_LISTED
    assert things_due(items) == late
