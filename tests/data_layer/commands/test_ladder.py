"""The chase that escalates, with a fixed today: who is due which step, the register,
replies, and a stale batch refused whole. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from data_layer import clock
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.letters import issue_letters, plan_letters, record_reply, set_ladder
from data_layer.db import read_session, write_session
from data_layer.documents.letters import LetterStep, addressee_line, letter_html
from data_layer.errors import ConflictError, ValidationError
from data_layer.jalali import format_jalali
from data_layer.models import Agency, HistoryEntry, Letter, LetterRow, Role, User
from data_layer.permissions import Actor
from data_layer.queries.ladder import (
    due_today,
    get_ladder,
    late_agencies,
    letter_register,
    letter_rows,
)
from data_layer.queries.overview import agency_scorecards
from data_layer.queries.settings import get_thresholds
from tests.conftest import AS_OF
from tests.data_layer.commands import add_user

TODAY = AS_OF  # 1405/09/07
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17) + b"IEND\xaeB`\x82"


def _dabir(url: str) -> Actor:
    with write_session(url) as s:
        return add_user(s, "dabir_l", "دبیرخانه", Role.SECRETARIAT)


def _send(url: str, actor: Actor, day: date, agency_ids: list[int]) -> list[Letter]:
    with read_session(url) as s:
        plans = plan_letters(s, today=day, agency_ids=agency_ids)
    with write_session(url) as s:
        return issue_letters(s, actor=actor, plans=plans, today=day)


def _steps(url: str, day: date) -> dict[int, int]:
    with read_session(url) as s:
        due = due_today(s, day)
    return dict(zip(due["agency_id"].astype(int), due["step"].astype(int), strict=True))


def test_the_ladder_climbs_a_step_each_interval_and_a_reply_starts_it_again(
    seeded_url: str,
) -> None:
    dabir = _dabir(seeded_url)
    with read_session(seeded_url) as s:
        late = late_agencies(s, TODAY)
        ladder = get_ladder(s)
    first = _steps(seeded_url, TODAY)
    assert set(first.values()) == {1} and len(first) >= 5
    assert set(first) <= set(late["agency_id"].astype(int))
    a, b = list(first)[:2]

    sent = _send(seeded_url, dabir, TODAY, [a, b])
    assert [(x.step, x.serial, x.year) for x in sent] == [(1, 1, 1405), (1, 2, 1405)]
    with read_session(seeded_url) as s:
        register = letter_register(s)
        named = s.exec(select(LetterRow).where(LetterRow.letter_id == sent[0].id)).all()
        rows_now = letter_rows(s, a, TODAY)
        created = s.exec(
            select(func.count()).where(
                HistoryEntry.entity == "letter", HistoryEntry.field == "created"
            )
        ).one()
    assert list(register["number"]) == ["۱۴۰۵/۲", "۱۴۰۵/۱"] and created == 2
    assert {r.assignment_id for r in named} == set(rows_now["id"].astype(int))
    assert sent[0].pdf.startswith(b"%PDF") and not sent[0].copy_to_chair

    # The next day they wait; step 2's days after the first, they are due step 2.
    assert a not in _steps(seeded_url, TODAY + timedelta(days=1))
    second_day = TODAY + timedelta(days=ladder.step(2).days)
    assert _steps(seeded_url, second_day - timedelta(days=1)).get(a) is None
    assert _steps(seeded_url, second_day)[a] == 2
    _send(seeded_url, dabir, second_day, [a])
    third_day = second_day + timedelta(days=ladder.step(3).days)
    assert _steps(seeded_url, third_day)[a] == 3
    (head,) = _send(seeded_url, dabir, third_day, [a])
    with read_session(seeded_url) as s:
        agency = s.get(Agency, a)
        assert agency is not None
        expected_head = addressee_line(agency)
    assert head.step == 3 and head.copy_to_chair and head.addressee == expected_head
    assert a not in _steps(seeded_url, third_day + timedelta(days=60))  # waits for a reply

    reply_day = third_day + timedelta(days=2)
    with write_session(seeded_url) as s:
        record_reply(
            s,
            actor=dabir,
            letter_id=int(head.id or 0),
            expected_version=head.version,
            replied_on=format_jalali(reply_day),
            text="گزارش اقدامات در سامانه ثبت شد.",
            filename="پاسخ.png",
            content=PNG,
            today=reply_day,
        )
    assert a not in _steps(seeded_url, reply_day + timedelta(days=ladder.step(1).days - 1))
    assert _steps(seeded_url, reply_day + timedelta(days=ladder.step(1).days))[a] == 1

    # The scorecard: three letters, two unanswered (the reminders).
    with read_session(seeded_url) as s:
        cards = agency_scorecards(s, reply_day, get_thresholds(s))
        mine = cards[cards["agency_id"] == a].iloc[0]
        reply = s.get(Letter, head.id)
        fields = set(
            s.exec(
                select(HistoryEntry.field).where(
                    HistoryEntry.entity == "letter", HistoryEntry.entity_id == head.id
                )
            )
        )
    assert (int(mine["letters"]), int(mine["unanswered"])) == (3, 2)
    assert reply is not None and reply.reply_file == PNG and reply.replied_on == reply_day
    assert {"created", "replied_on", "reply_text", "reply_filename"} <= fields


def test_a_batch_built_before_a_change_is_refused_whole(seeded_url: str) -> None:
    dabir = _dabir(seeded_url)
    due = list(_steps(seeded_url, TODAY))
    with read_session(seeded_url) as s:
        plans = plan_letters(s, today=TODAY, agency_ids=due[:3])
        row = letter_rows(s, due[1], TODAY).iloc[0]
        editor_agency = due[1]
    with write_session(seeded_url) as s:
        liaison = add_user(s, "liaison_x", "رابط", Role.AGENCY_EDITOR, editor_agency)
    with write_session(seeded_url) as s:
        update_assignment(
            s,
            actor=liaison,
            assignment_id=int(row["id"]),
            expected_version=int(row["version"]),
            changes=AssignmentChanges(status="done", progress=100),
            now=clock.now(),
        )
    with pytest.raises(ConflictError) as refused, write_session(seeded_url) as s:
        issue_letters(s, actor=dabir, plans=plans, today=TODAY)
    assert "هیچ نامه‌ای ثبت نشد" in refused.value.message
    with read_session(seeded_url) as s:
        assert s.exec(select(func.count()).select_from(Letter)).one() == 0
    # Another tab's letter took the next number: the plan is refused too.
    with read_session(seeded_url) as s:
        mine = plan_letters(s, today=TODAY, agency_ids=[due[0]])
        theirs = plan_letters(s, today=TODAY, agency_ids=[due[2]])
    with write_session(seeded_url) as s:
        issue_letters(s, actor=dabir, plans=theirs, today=TODAY)
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        issue_letters(s, actor=dabir, plans=mine, today=TODAY)
    with read_session(seeded_url) as s:
        assert s.exec(select(func.count()).select_from(Letter)).one() == 1


def test_the_ladder_settings_are_checked_and_only_the_secretariat_sends(seeded_url: str) -> None:
    dabir = _dabir(seeded_url)
    with pytest.raises(ValidationError) as refused, write_session(seeded_url) as s:
        set_ladder(s, actor=dabir, days=["۷", "صفر", "۵۰۰"], wordings=["یک", "", "سه"])
    fields = {e.field for e in refused.value.errors}
    assert fields == {"days_2", "days_3", "wording_2"}
    with write_session(seeded_url) as s:
        set_ladder(s, actor=dabir, days=["۰", "۵", "۶"], wordings=["الف", "ب", "ج"])
    with read_session(seeded_url) as s:
        ladder = get_ladder(s)
        viewer = s.exec(select(User).where(User.role == Role.AGENCY_EDITOR)).first()
    assert [x.days for x in ladder.steps] == [0, 5, 6]
    assert viewer is not None
    editor = Actor(
        int(viewer.id or 0), viewer.username, viewer.full_name, viewer.role, viewer.agency_id
    )
    due = list(_steps(seeded_url, TODAY))
    with read_session(seeded_url) as s:
        plans = plan_letters(s, today=TODAY, agency_ids=due[:1])
    with read_session(seeded_url) as s:
        step_1 = letter_html(s, agency_id=due[0], today=TODAY, step=LetterStep(1, "یادآوری", "الف"))
        step_3 = letter_html(s, agency_id=due[0], today=TODAY, step=LetterStep(3, "نامه", "ج"))
    assert "<p>الف بر اساس اطلاعات سامانه" in step_1 and "رونوشت" not in step_1
    assert "<p>ج بر اساس اطلاعات سامانه" in step_3 and "رونوشت" in step_3
    with pytest.raises(Exception) as denied, write_session(seeded_url) as s:
        issue_letters(s, actor=editor, plans=plans, today=TODAY)
    assert "دبیرخانه" in str(denied.value)


def test_a_reply_before_the_letter_or_in_the_future_is_refused(seeded_url: str) -> None:
    dabir = _dabir(seeded_url)
    (letter,) = _send(seeded_url, dabir, TODAY, list(_steps(seeded_url, TODAY))[:1])
    for day, words in (
        (TODAY - timedelta(days=1), "پیش از نامه"),
        (TODAY + timedelta(days=1), "پس از امروز"),
    ):
        with pytest.raises(ValidationError) as refused, write_session(seeded_url) as s:
            record_reply(
                s,
                actor=dabir,
                letter_id=int(letter.id or 0),
                expected_version=letter.version,
                replied_on=format_jalali(day),
                text="پاسخ",
                today=TODAY,
            )
        assert words in str(refused.value)
