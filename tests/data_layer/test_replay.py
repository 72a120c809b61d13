"""The state of every row as of any moment, replayed from history, and a meeting's record.

- As of now, the replay equals the live table for every row (the sample, and the 100×
  data on both databases): no command changes a followed field without its history.
- After a random sequence of commands at known moments, the replay as of each moment
  equals what the table held then.
- A frozen meeting's figures do not move when an agency saves later; a record is taken
  once; a past meeting's record is its state as of its start.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlmodel import select

from data_layer import clock
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.snapshots import ALREADY, freeze_meeting
from data_layer.commands.triage import bulk_mark_done, bulk_reschedule, bulk_withdraw
from data_layer.commands.verification import verify_assignment
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, ValidationError
from data_layer.jalali import format_jalali, local_day
from data_layer.models import Assignment, Meeting, Role
from data_layer.permissions import Actor
from data_layer.queries import snapshots as qs
from data_layer.queries.replay import differences, live_state, meeting_moment, state_as_of
from data_layer.seed import seed
from tests.conftest import AS_OF
from tests.data_layer.commands import add_user

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
STATUSES = ["not_started", "in_progress", "done", "blocked", "needs_follow_up"]
VERDICTS = ["document_seen", "field_verified", "rejected"]


def _whole(url: str) -> None:
    with read_session(url) as s:
        found = differences(state_as_of(s, clock.now() + timedelta(days=3650)), live_state(s))
    assert found.empty, found.head(20).to_string()


def test_as_of_now_the_replay_equals_the_live_table_on_the_sample(seeded_url: str) -> None:
    _whole(seeded_url)
    with read_session(seeded_url) as s:
        assert len(live_state(s)) > 300


def test_as_of_now_the_replay_equals_the_live_table_on_the_100x_data(db_url: str) -> None:
    seed(db_url, sample=True, scale=100, as_of=AS_OF)
    with read_session(db_url) as s:
        assert len(live_state(s)) > 150_000
    _whole(db_url)


def _cast(url: str) -> tuple[Actor, dict[int, Actor], list[int]]:
    """The secretariat, a liaison per agency, and every row id."""
    with write_session(url) as s:
        dabir = add_user(s, "dabir_r", "دبیرخانه", Role.SECRETARIAT)
        rows = list(s.exec(select(Assignment).order_by(Assignment.id)))
        editors = {
            agency: add_user(s, f"liaison_{agency}", f"رابط {agency}", Role.AGENCY_EDITOR, agency)
            for agency in sorted({r.agency_id for r in rows})
        }
        return dabir, editors, [int(r.id or 0) for r in rows]


def _row(url: str, row_id: int) -> Assignment:
    with read_session(url) as s:
        row = s.get(Assignment, row_id)
        assert row is not None
        return row


def _step(
    url: str, rng: random.Random, cast: tuple[Actor, dict[int, Actor], list[int]], at: datetime
) -> None:
    dabir, editors, ids = cast
    row = _row(url, rng.choice(ids))
    if row.withdrawn:
        return
    kind = rng.choice(["report", "report", "report", "verify", "done", "move", "withdraw"])
    with write_session(url) as s:
        if kind == "report":
            status = rng.choice(STATUSES)
            # A status with a progress that agrees with it (data_layer.rules.progress).
            progress = {"done": 100, "not_started": 0}.get(status, rng.randint(1, 99))
            why = "در انتظار تخصیص اعتبار" if status == "blocked" else None
            changes = AssignmentChanges(status=status, progress=progress, next_step=why)
            if rng.random() < 0.3:
                changes = AssignmentChanges(
                    status=status,
                    progress=progress,
                    next_step=why,
                    planned_date=format_jalali(
                        date(2027, 1, 1) + timedelta(days=rng.randint(0, 300))
                    ),
                    reschedule_reason="تأخیر در تأمین اعتبار",
                )
            update_assignment(
                s,
                actor=editors[row.agency_id],
                assignment_id=int(row.id or 0),
                expected_version=row.version,
                changes=changes,
                now=at,
            )
        elif kind == "verify" and row.status == "done" and row.reported_at is not None:
            verify_assignment(
                s,
                actor=dabir,
                assignment_id=int(row.id or 0),
                expected_version=row.version,
                verdict=rng.choice(VERDICTS),
                note="بازدید میدانی",
                now=at,
            )
        elif kind == "done":
            bulk_mark_done(
                s, actor=dabir, rows={int(row.id or 0): row.version}, reason="پالایش", now=at
            )
        elif kind == "move":
            bulk_reschedule(
                s,
                actor=dabir,
                rows={int(row.id or 0): row.version},
                new_date="۱۴۰۶/۰۲/۱۰",
                reason="پالایش",
                now=at,
            )
        elif kind == "withdraw" and rng.random() < 0.3:
            bulk_withdraw(
                s, actor=dabir, rows={int(row.id or 0): row.version}, reason="پالایش", now=at
            )


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    found = differences(a, b)
    assert found.empty, found.head(20).to_string()


def test_after_random_commands_the_replay_as_of_each_moment_is_what_the_table_held(
    seeded_url: str,
) -> None:
    rng = random.Random(20261201)
    cast = _cast(seeded_url)
    held: list[tuple[datetime, pd.DataFrame]] = []
    for i in range(60):
        at = START + timedelta(minutes=10 * i)
        _step(seeded_url, rng, cast, at)
        if i % 6 == 5:
            with read_session(seeded_url) as s:
                held.append((at + timedelta(minutes=5), live_state(s)))
    with read_session(seeded_url) as s:
        for moment, then in held:
            _same(state_as_of(s, moment), then)
        _same(state_as_of(s, clock.now() + timedelta(days=3650)), live_state(s))


# --- a meeting's record -------------------------------------------------------------------


def _meeting(url: str, dabir: Actor, number: int, held_on: date) -> Meeting:
    with write_session(url) as s:
        return create_meeting(
            s,
            actor=dabir,
            data=MeetingInput(
                number=number, held_on=held_on, start_time="09:00", place="استانداری", chair="معاون"
            ),
            now=START,
        )


def test_a_frozen_meeting_keeps_its_figures_after_a_later_save(seeded_url: str) -> None:
    dabir, editors, ids = _cast(seeded_url)
    at = START + timedelta(hours=1)
    meeting = _meeting(seeded_url, dabir, 90, local_day(at))
    with write_session(seeded_url) as s:
        record = freeze_meeting(
            s,
            actor=dabir,
            meeting_id=int(meeting.id or 0),
            expected_version=meeting.version,
            now=at,
        )
        assert record.how == "live" and record.as_of == at
    with read_session(seeded_url) as s:
        frozen = qs.record_rows(s, int(record.id or 0))
        live = live_state(s)
    assert len(frozen) == int((~live["withdrawn"]).sum()) == record.rows
    row = _row(seeded_url, next(i for i in ids if not _row(seeded_url, i).withdrawn))
    new_progress = 37 if row.progress != 37 else 38
    with write_session(seeded_url) as s:
        update_assignment(
            s,
            actor=editors[row.agency_id],
            assignment_id=int(row.id or 0),
            expected_version=row.version,
            changes=AssignmentChanges(status="in_progress", progress=new_progress),
            now=at + timedelta(minutes=20),
        )
    with read_session(seeded_url) as s:
        again = qs.record_rows(s, int(record.id or 0))
        found = qs.record_of(s, int(meeting.id or 0))
        moved = qs.movement(s, found, None)
    pd.testing.assert_frame_equal(frozen, again)
    assert found is not None and found.as_of == at
    assert int(frozen.loc[frozen["assignment_id"] == row.id, "progress"].iloc[0]) == row.progress
    mine = moved[moved["assignment_id"] == row.id].iloc[0]
    assert (mine["then_progress"], mine["now_progress"]) == (row.progress, new_progress)
    expected = "forward" if new_progress > row.progress else "back"
    if row.status == "done":
        expected = "back"
    assert mine["movement"] == expected
    assert set(moved.loc[moved["assignment_id"] != row.id, "movement"]) <= {"stalled", "done"}
    # A second record of the same meeting is refused, and nothing is added.
    with pytest.raises((ConflictError, ValidationError)) as refused, write_session(seeded_url) as s:
        freeze_meeting(s, actor=dabir, meeting_id=int(meeting.id or 0), expected_version=1, now=at)
    assert ALREADY in str(refused.value)


def test_a_past_meetings_record_is_its_state_as_of_its_start(seeded_url: str) -> None:
    dabir, editors, ids = _cast(seeded_url)
    rng = random.Random(7)
    for i in range(30):
        _step(seeded_url, rng, (dabir, editors, ids), START + timedelta(days=1, minutes=10 * i))
    held_on = local_day(START + timedelta(days=1, hours=2))
    moment = meeting_moment(held_on, "09:00")
    with read_session(seeded_url) as s:
        expected = state_as_of(s, moment)
    for i in range(30):
        _step(seeded_url, rng, (dabir, editors, ids), START + timedelta(days=2, minutes=10 * i))
    meeting = _meeting(seeded_url, dabir, 91, held_on)
    with write_session(seeded_url) as s:
        record = freeze_meeting(
            s,
            actor=dabir,
            meeting_id=int(meeting.id or 0),
            expected_version=meeting.version,
            now=START + timedelta(days=3),
        )
    assert record.how == "replay" and record.as_of == moment
    with read_session(seeded_url) as s:
        rows = qs.record_rows(s, int(record.id or 0))
    expected = expected[~expected["withdrawn"]].reset_index(drop=True)
    _same(rows, expected)


def test_a_meeting_not_yet_held_cannot_be_frozen(seeded_url: str) -> None:
    dabir, _, _ = _cast(seeded_url)
    meeting = _meeting(seeded_url, dabir, 92, local_day(START) + timedelta(days=5))
    with pytest.raises(ValidationError) as refused, write_session(seeded_url) as s:
        freeze_meeting(
            s,
            actor=dabir,
            meeting_id=int(meeting.id or 0),
            expected_version=meeting.version,
            now=START,
        )
    assert "هنوز برگزار نشده" in str(refused.value)
