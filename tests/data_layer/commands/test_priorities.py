"""Resolution 2: a county governorate proposes its neighborhoods' priority order, the
secretariat accepts it or returns it with a reason, a returned one is revised and sent
again; every sending and decision is kept, and a stale form is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from data_layer.commands.accounts import create_user, set_user_role
from data_layer.commands.priorities import decide_priority_proposal, propose_priority_order
from data_layer.db import read_session, write_session
from data_layer.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    SessionExpired,
    ValidationError,
)
from data_layer.models import County, HistoryEntry, Neighborhood, Role, User
from data_layer.models_priority import PriorityProposal, ProposalState
from data_layer.permissions import Actor, Scope
from data_layer.queries.inbox import secretariat_items
from data_layer.queries.priorities import (
    accepted_orders,
    county_proposals,
    waiting_count,
    waiting_proposals,
)
from tests.data_layer.commands import add_user

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _people(url: str) -> tuple[Actor, Actor, Actor, list[int], list[int]]:
    """(secretariat, the county's reader, admin, the county's hoods, another county's)."""
    with write_session(url) as s:
        counties = list(s.exec(select(County).order_by(col(County.id)).limit(2)))
        c, other = int(counties[0].id or 0), int(counties[1].id or 0)
        hoods = {
            k: [
                int(i or 0)
                for i in s.exec(
                    select(Neighborhood.id)
                    .where(Neighborhood.county_id == k, col(Neighborhood.active).is_(True))
                    .order_by(col(Neighborhood.id))
                )
            ]
            for k in (c, other)
        }
        dabir = add_user(s, "dabir_t", "دبیرخانه", Role.SECRETARIAT.value)
        admin = add_user(s, "admin_t", "مدیر", Role.ADMIN.value)
        user, _ = create_user(
            s,
            actor=admin,
            username="farmandari_t",
            full_name="فرمانداری نمونه",
            role=Role.COUNTY_READER.value,
            county_id=c,
        )
        user.must_change_password = False
        reader = Actor(
            int(user.id or 0), user.username, user.full_name, user.role, scope=Scope(county_id=c)
        )
    return dabir, reader, admin, hoods[c], hoods[other]


def _order(hoods: list[int], reverse: bool = False) -> list[tuple[int, str]]:
    chosen = list(reversed(hoods)) if reverse else hoods
    return [(h, f"دلیل {n}") for n, h in enumerate(chosen, start=1)]


def test_a_proposal_is_accepted_and_shows_as_the_countys_order(seeded_url: str) -> None:
    dabir, reader, _, hoods, _ = _people(seeded_url)
    with write_session(seeded_url) as s:
        sent = propose_priority_order(s, actor=reader, items=_order(hoods, True), now=NOW)
        pid = int(sent.id or 0)
    with read_session(seeded_url) as s:
        assert waiting_count(s) == 1
        (item,) = [i for i in secretariat_items(s, NOW.date()) if i.kind == "priority"]
        assert (item.count, item.ref, item.link) == (1, pid, "/neighborhoods")
        (waiting,) = waiting_proposals(s)
        assert [p.neighborhood_id for p in waiting.places] == list(reversed(hoods))
        assert waiting.sent_by == "فرمانداری نمونه" and waiting.version == 1
    with write_session(seeded_url) as s:
        decide_priority_proposal(
            s, actor=dabir, proposal_id=pid, expected_version=1, accept=True, now=NOW
        )
    with read_session(seeded_url) as s:
        assert not [i for i in secretariat_items(s, NOW.date()) if i.kind == "priority"]
        (order,) = accepted_orders(s, reader.scope.county_id)
        assert order.id == pid and order.decided_by == "دبیرخانه"
        assert [p.rank for p in order.places] == list(range(1, len(hoods) + 1))
        assert waiting_count(s) == 0
        assert accepted_orders(s, reader.scope.county_id + 1) == []  # type: ignore[operator]


def test_a_returned_proposal_is_revised_and_the_history_keeps_both(seeded_url: str) -> None:
    dabir, reader, _, hoods, _ = _people(seeded_url)
    with write_session(seeded_url) as s:
        first = int(propose_priority_order(s, actor=reader, items=_order(hoods), now=NOW).id or 0)
    with pytest.raises(ValidationError), write_session(seeded_url) as s:  # a return needs a reason
        decide_priority_proposal(
            s, actor=dabir, proposal_id=first, expected_version=1, accept=False
        )
    with write_session(seeded_url) as s:
        decide_priority_proposal(
            s,
            actor=dabir,
            proposal_id=first,
            expected_version=1,
            accept=False,
            reason="محلهٔ حاد باید نخست بیاید",
            now=NOW,
        )
    later = NOW + timedelta(hours=1)
    with write_session(seeded_url) as s:
        second = propose_priority_order(
            s, actor=reader, items=_order(hoods, True), revises=(first, 2), now=later
        )
        second_id = int(second.id or 0)
    with pytest.raises(ConflictError), write_session(seeded_url) as s:  # revised once only
        propose_priority_order(s, actor=reader, items=_order(hoods), revises=(first, 2))
    with read_session(seeded_url) as s:
        history = county_proposals(s, reader.scope.county_id or 0)
        changes = s.exec(
            select(HistoryEntry.field).where(HistoryEntry.entity == "priority_proposal")
        ).all()
    assert [(p.id, p.state) for p in history] == [
        (second_id, ProposalState.PENDING.value),
        (first, ProposalState.RETURNED.value),
    ]
    assert history[1].decision_reason == "محلهٔ حاد باید نخست بیاید" and history[1].revised
    assert history[0].revises_id == first
    assert sorted(changes) == ["revised", "sent", "sent", "state"]


def test_a_decision_taken_meanwhile_refuses_the_other(seeded_url: str) -> None:
    dabir, reader, _, hoods, _ = _people(seeded_url)
    with write_session(seeded_url) as s:
        pid = int(propose_priority_order(s, actor=reader, items=_order(hoods), now=NOW).id or 0)
    with write_session(seeded_url) as s:
        decide_priority_proposal(s, actor=dabir, proposal_id=pid, expected_version=1, accept=True)
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        decide_priority_proposal(
            s, actor=dabir, proposal_id=pid, expected_version=1, accept=False, reason="دیر"
        )
    with pytest.raises(NotFound), write_session(seeded_url) as s:
        decide_priority_proposal(s, actor=dabir, proposal_id=10**8, expected_version=1, accept=True)
    with read_session(seeded_url) as s:
        row = s.get(PriorityProposal, pid)
        assert row is not None and (row.state, row.version) == ("accepted", 2)


def test_a_second_proposal_waits_for_the_first_decision(seeded_url: str) -> None:
    _, reader, _, hoods, _ = _people(seeded_url)
    with write_session(seeded_url) as s:
        propose_priority_order(s, actor=reader, items=_order(hoods), now=NOW)
    with pytest.raises(ConflictError) as refused, write_session(seeded_url) as s:
        propose_priority_order(s, actor=reader, items=_order(hoods, True))
    assert "در انتظار بررسی" in refused.value.message
    with read_session(seeded_url) as s:
        assert len(s.exec(select(PriorityProposal)).all()) == 1


@pytest.mark.parametrize("problem", ["other_county", "missing", "twice", "no_reason", "long"])
def test_a_bad_order_is_refused_and_nothing_is_sent(seeded_url: str, problem: str) -> None:
    _, reader, _, hoods, foreign = _people(seeded_url)
    items = _order(hoods)
    if problem == "other_county":
        items = [*items, (foreign[0], "دلیل")]
    elif problem == "missing":
        items = items[1:]
    elif problem == "twice":
        items = [*items, items[0]]
    elif problem == "no_reason":
        items = [(items[0][0], "  "), *items[1:]]
    else:
        items = [(items[0][0], "ا" * 301), *items[1:]]
    with pytest.raises(ValidationError), write_session(seeded_url) as s:
        propose_priority_order(s, actor=reader, items=items)
    with read_session(seeded_url) as s:
        assert s.exec(select(PriorityProposal)).all() == []


def test_only_the_county_reader_proposes_and_only_the_secretariat_decides(
    seeded_url: str,
) -> None:
    dabir, reader, admin, hoods, _ = _people(seeded_url)
    with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
        propose_priority_order(s, actor=dabir, items=_order(hoods))
    with write_session(seeded_url) as s:
        pid = int(propose_priority_order(s, actor=reader, items=_order(hoods)).id or 0)
    for who in (reader, admin):
        with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
            decide_priority_proposal(s, actor=who, proposal_id=pid, expected_version=1, accept=True)


def test_a_county_reader_moved_to_another_county_is_refused_until_signed_in_again(
    seeded_url: str,
) -> None:
    _, reader, admin, hoods, _ = _people(seeded_url)
    with read_session(seeded_url) as s:
        other = s.exec(select(County.id).where(County.id != reader.scope.county_id)).first()
    with write_session(seeded_url) as s:
        assert set_user_role(
            s,
            actor=admin,
            user_id=reader.user_id,
            role=Role.COUNTY_READER.value,
            agency_id=None,
            county_id=other,
        )
    with pytest.raises(SessionExpired), write_session(seeded_url) as s:
        propose_priority_order(s, actor=reader, items=_order(hoods))


@pytest.mark.parametrize(
    ("role", "county", "field"),
    [
        (Role.COUNTY_READER.value, None, "county_id"),
        (Role.VIEWER.value, "first", "county_id"),
        (Role.COUNTY_READER.value, 10**6, "county_id"),
    ],
)
def test_a_county_reader_needs_a_county_and_only_it_has_one(
    seeded_url: str, role: str, county: object, field: str
) -> None:
    _, _, admin, _, _ = _people(seeded_url)
    with read_session(seeded_url) as s:
        first = s.exec(select(County.id)).first()
    county_id = first if county == "first" else county
    with pytest.raises(ValidationError) as refused, write_session(seeded_url) as s:
        create_user(
            s,
            actor=admin,
            username="someone",
            full_name="کسی",
            role=role,
            county_id=county_id,  # type: ignore[arg-type]
        )
    assert [e.field for e in refused.value.errors] == [field]
    with read_session(seeded_url) as s:
        assert s.exec(select(User).where(User.username == "someone")).first() is None
