"""The secretariat's «کارتابل»: each kind one item with its full count and its first
few things (the most urgent first), and the replies received, which stay until the
secretariat marks them reviewed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from data_layer.commands.indicators import verify_indicator_value
from data_layer.commands.letters import (
    issue_letters,
    mark_reply_reviewed,
    plan_letters,
    record_reply,
)
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, NotFound, PermissionDenied
from data_layer.jalali import format_jalali
from data_layer.models import (
    Assignment,
    HistoryEntry,
    Letter,
    Meeting,
    MeetingSnapshot,
    Neighborhood,
    Role,
    Verification,
)
from data_layer.models_indicators import Indicator, IndicatorValue
from data_layer.permissions import Actor
from data_layer.queries.assignments import claims_count
from data_layer.queries.inbox import LISTED, InboxItem, secretariat_items, things_due
from data_layer.queries.indicator_forms import values_to_verify
from data_layer.queries.ladder import agencies_due_a_step, due_today, get_ladder
from tests.conftest import AS_OF
from tests.data_layer.commands import add_user


def _items(url: str, day: object = AS_OF) -> dict[str, InboxItem]:
    with read_session(url) as s:
        found = secretariat_items(s, day)  # type: ignore[arg-type]
    assert len({i.kind for i in found}) == len(found)  # one item a kind
    return {i.kind: i for i in found}


def _people(url: str) -> tuple[Actor, Actor]:
    with write_session(url) as s:
        dabir = add_user(s, "dabir_inbox", "دبیرخانه", Role.SECRETARIAT.value)
        liaison = add_user(s, "rabet_inbox", "رابط", Role.AGENCY_EDITOR.value, agency_id=2)
    return dabir, liaison


def test_the_claims_item_counts_them_all_and_lists_the_oldest_first(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        pending, _ = claims_count(s, None)
        oldest = s.exec(
            select(Assignment.id)
            .where(
                Assignment.verification == Verification.UNVERIFIED.value,
                col(Assignment.withdrawn).is_(False),
                col(Assignment.reported_at).is_not(None),
            )
            .order_by(col(Assignment.reported_at), col(Assignment.id))
        ).all()
    assert pending == len(oldest) > LISTED
    claims = _items(seeded_url)["claims"]
    assert claims.count == pending and claims.link == "/verification"
    assert [e.ref for e in claims.entries] == list(oldest[:LISTED])
    assert all(e.link == "/verification" for e in claims.entries)


def test_the_ladder_item_counts_every_agency_due_and_lists_the_highest_step_first(
    seeded_url: str,
) -> None:
    with read_session(seeded_url) as s:
        board = due_today(s, AS_OF)
        lean = agencies_due_a_step(s, AS_OF)
    ladder = _items(seeded_url)["ladder"]
    assert ladder.count == len(board) == len(lean) > LISTED
    assert [e.ref for e in ladder.entries] == [a for a, _, _ in lean[:LISTED]]
    steps = [step for _, _, step in lean]
    assert steps == sorted(steps, reverse=True)


def test_meetings_without_their_record_are_one_item_the_latest_first(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        held = s.exec(
            select(Meeting.id)
            .outerjoin(MeetingSnapshot, col(MeetingSnapshot.meeting_id) == col(Meeting.id))
            .where(col(MeetingSnapshot.id).is_(None), Meeting.held_on <= AS_OF)
            .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())
        ).all()
    record = _items(seeded_url)["record"]
    assert record.count == len(held) > 1
    assert [e.ref for e in record.entries] == list(held[:LISTED])
    assert things_due([record]) == len(held)


def test_an_agency_with_only_fresh_unreported_rows_is_due_as_on_the_letters_screen(
    seeded_url: str,
) -> None:
    """Step 1 for rows never reported but not yet overdue (the inbox's second look), none
    while they are overdue by fewer than step 1's days, step 1 again after."""
    with write_session(seeded_url) as s:
        board = due_today(s, AS_OF)
        agency = int(board[board["last_step"] == 0]["agency_id"].iloc[0])
        for row in s.exec(select(Assignment).where(Assignment.agency_id == agency)).all():
            row.status, row.reported_at = "not_started", None
            row.planned_date = AS_OF + timedelta(days=20)
            s.add(row)
        first = get_ladder(s).step(1).days
    for days, due in ((0, True), (19, True), (21, False), (20 + first, True)):
        day = AS_OF + timedelta(days=days)
        with read_session(seeded_url) as s:
            board = due_today(s, day)
            lean = agencies_due_a_step(s, day)
        full = sorted(zip(board["agency_id"].astype(int), board["step"].astype(int), strict=True))
        assert full == sorted((a, step) for a, _, step in lean)
        assert (agency in dict(full)) is due, days


def _letter_with_reply(url: str, dabir: Actor) -> Letter:
    with read_session(url) as s:
        plans = plan_letters(s, today=AS_OF, agency_ids=[2, 3])
    with write_session(url) as s:
        letters = issue_letters(s, actor=dabir, plans=plans, today=AS_OF)
        letter = letters[0]
        record_reply(
            s,
            actor=dabir,
            letter_id=int(letter.id or 0),
            expected_version=letter.version,
            replied_on=format_jalali(AS_OF),
            text="ردیف‌ها در سامانه به‌روز شد.",
            today=AS_OF,
        )
        s.expunge(letter)
    return letter


def test_a_reply_stays_in_the_inbox_until_it_is_marked_reviewed(seeded_url: str) -> None:
    dabir, _ = _people(seeded_url)
    assert "reply" not in _items(seeded_url)
    letter = _letter_with_reply(seeded_url, dabir)
    reply = _items(seeded_url)["reply"]
    assert reply.count == 1 and reply.link == f"/letters?letter={letter.id}"
    assert [e.ref for e in reply.entries] == [letter.id]
    with write_session(seeded_url) as s:
        mark_reply_reviewed(
            s, actor=dabir, letter_id=int(letter.id or 0), expected_version=letter.version
        )
    assert "reply" not in _items(seeded_url)
    with read_session(seeded_url) as s:
        stored = s.get(Letter, letter.id)
        assert stored is not None and stored.reply_reviewed_by_id == dabir.user_id
        logged = s.exec(
            select(func.count())
            .select_from(HistoryEntry)
            .where(
                HistoryEntry.entity == "letter",
                HistoryEntry.entity_id == letter.id,
                HistoryEntry.field == "reply_reviewed_at",
            )
        ).one()
        version = stored.version
    assert logged == 1
    with write_session(seeded_url) as s:  # a corrected reply is to be read again
        record_reply(
            s,
            actor=dabir,
            letter_id=int(letter.id or 0),
            expected_version=version,
            replied_on=format_jalali(AS_OF),
            text="پاسخ اصلاح‌شده.",
            today=AS_OF,
        )
    assert _items(seeded_url)["reply"].count == 1


def test_marking_a_reply_reviewed_is_refused_when_it_cannot_apply(seeded_url: str) -> None:
    dabir, liaison = _people(seeded_url)
    letter = _letter_with_reply(seeded_url, dabir)
    letter_id = int(letter.id or 0)
    with read_session(seeded_url) as s:
        stored = s.get(Letter, letter_id)
        assert stored is not None
        version = stored.version
        unanswered = s.exec(select(Letter.id).where(col(Letter.replied_on).is_(None))).first()
    assert unanswered is not None
    refusals: list[tuple[type[Exception], Actor, int, int | None]] = [
        (ConflictError, dabir, letter_id, version - 1),  # shown before the reply changed
        (ConflictError, dabir, int(unanswered), None),  # no reply yet
        (NotFound, dabir, 999_999, None),  # gone
        (PermissionDenied, liaison, letter_id, version),  # not the secretariat's
    ]
    for error, actor, target, shown in refusals:
        with pytest.raises(error) as caught, write_session(seeded_url) as s:
            mark_reply_reviewed(s, actor=actor, letter_id=target, expected_version=shown)
        assert any("\u0600" <= ch <= "\u06ff" for ch in getattr(caught.value, "message", ""))
    assert _items(seeded_url)["reply"].count == 1  # nothing written
    with write_session(seeded_url) as s:
        mark_reply_reviewed(s, actor=dabir, letter_id=letter_id, expected_version=version)
    with pytest.raises(ConflictError), write_session(seeded_url) as s:  # twice: refused
        mark_reply_reviewed(s, actor=dabir, letter_id=letter_id, expected_version=version + 1)


def _awaiting(url: str) -> list[int]:
    """Every value no one has ruled on, the longest waiting first."""
    with read_session(url) as s:
        return list(
            s.exec(
                select(IndicatorValue.id)
                .where(IndicatorValue.verification == Verification.UNVERIFIED.value)
                .order_by(col(IndicatorValue.reported_at), col(IndicatorValue.id))
            ).all()
        )


def test_indicator_values_awaiting_verification_are_one_item_the_longest_waiting_first(
    seeded_url: str,
) -> None:
    waiting = _awaiting(seeded_url)
    values = _items(seeded_url)["values"]
    assert values.count == len(waiting) > LISTED
    assert [e.ref for e in values.entries] == waiting[:LISTED]
    assert values.link == "/indicators?tab=verify"
    assert [e.link for e in values.entries] == [
        f"/indicators?tab=verify&value={v}" for v in waiting[:LISTED]
    ]
    with read_session(seeded_url) as s:
        first = s.get(IndicatorValue, waiting[0])
        assert first is not None
        place = s.get(Neighborhood, first.neighborhood_id)
        indicator = s.get(Indicator, first.indicator_id)
    assert place is not None and indicator is not None
    assert place.name in values.entries[0].text and indicator.name in values.entries[0].text
    assert things_due([values]) == len(waiting)


def test_a_value_leaves_the_inbox_when_verified_not_when_looked_at(seeded_url: str) -> None:
    dabir, _ = _people(seeded_url)
    first, second = _awaiting(seeded_url)[:2]
    before = _items(seeded_url)["values"].count
    with read_session(seeded_url) as s:  # the verification tab reads it: nothing moves
        listed, total = values_to_verify(s, opened=first)
    assert first in set(listed["value_id"]) and total == before
    assert _items(seeded_url)["values"].entries[0].ref == first
    for value_id, verdict, note in ((first, "document_seen", ""), (second, "rejected", "نادرست")):
        with read_session(seeded_url) as s:
            row = s.get(IndicatorValue, value_id)
            assert row is not None
            version = row.version
        with write_session(seeded_url) as s:
            verify_indicator_value(
                s,
                actor=dabir,
                value_id=value_id,
                expected_version=version,
                verdict=verdict,
                note=note,
            )
    values = _items(seeded_url)["values"]
    assert values.count == before - 2
    assert {first, second}.isdisjoint(e.ref for e in values.entries)
    assert [e.ref for e in values.entries] == _awaiting(seeded_url)[:LISTED]


def test_no_values_item_once_every_value_is_ruled_on(seeded_url: str) -> None:
    with write_session(seeded_url) as s:
        for row in s.exec(
            select(IndicatorValue).where(
                IndicatorValue.verification == Verification.UNVERIFIED.value
            )
        ).all():
            row.verification = Verification.FIELD_VERIFIED.value
            s.add(row)
    assert "values" not in _items(seeded_url)
    with read_session(seeded_url) as s:
        listed, total = values_to_verify(s)
    assert listed.empty and total == 0
