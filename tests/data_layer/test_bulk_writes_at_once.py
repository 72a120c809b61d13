"""Two bulk writes over many agencies' rows at once, each walking the agencies in the
other's opposite order: both are saved, or one is refused with the Persian "busy"
message and nothing of the refused one is written. On PostgreSQL the two are made to
meet halfway, so the per-agency tallies the triggers keep deadlock and the refusal is
what is tested; on SQLite writers take turns and both are saved.

Each write reschedules one open row without a planned date of every agency, so each
row leaves the agency's `unplanned_due_tally` entry: the first write's rows were made
in the agencies' order and the second's in the reverse order, so the UPDATEs (run in
row id order) reach the tally rows in opposite orders. The threads start together on
a barrier (outside the transaction: SQLite lets one writer in at a time); nothing
sleeps.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlmodel import col

from data_layer.commands.triage import bulk_reschedule
from data_layer.db import get_engine, read_session, write_session
from data_layer.errors import BUSY, database_trouble
from data_layer.models import (
    Agency,
    Assignment,
    HistoryEntry,
    Meeting,
    Resolution,
    Role,
)
from data_layer.tallies import drift
from tests.conftest import AS_OF
from tests.data_layer.commands import add_user

DUE = AS_OF + timedelta(days=10)


def _rows_in_opposite_orders(url: str) -> tuple[list[int], list[int]]:
    """Two new resolutions, each with a row for every active agency: the first's rows
    made in the agencies' order, the second's in the reverse order. The later half of
    each has a first planned date already, so a reschedule writes it in a second UPDATE
    (the first half gets its first planned date too: another set of fields)."""
    with write_session(url) as s:
        meeting = s.exec(select(Meeting).order_by(col(Meeting.number))).scalars().first()  # type: ignore[call-overload]
        agencies = [
            int(a)
            for a in s.exec(  # type: ignore[call-overload]
                select(col(Agency.id)).where(col(Agency.active).is_(True)).order_by(col(Agency.id))
            )
            .scalars()
            .all()
        ]
        top = s.execute(
            select(func.max(col(Resolution.number))).where(col(Resolution.meeting_id) == meeting.id)
        ).scalar_one()
        made: list[list[int]] = []
        for n, order in enumerate((agencies, agencies[::-1]), start=1):
            res = Resolution(meeting_id=int(meeting.id), number=int(top) + n, text=f"بند {n}")
            res.due_date = DUE
            s.add(res)
            s.flush()
            ids = []
            for place, agency_id in enumerate(order):
                row = Assignment(resolution_id=int(res.id or 0), agency_id=agency_id)
                if place >= len(order) // 2:  # rescheduled by a second UPDATE (another shape)
                    row.first_planned_date = AS_OF
                s.add(row)
                s.flush()
                ids.append(int(row.id or 0))
            made.append(ids)
    return made[0], made[1]


def test_two_bulk_writes_in_opposite_orders_both_save_or_one_is_refused_whole(
    seeded_url: str,
) -> None:
    first, second = _rows_in_opposite_orders(seeded_url)
    assert len(first) > 10
    with write_session(seeded_url) as s:
        dabir = add_user(s, "dabir_bulk", "دبیر", Role.SECRETARIAT.value)
    barrier = threading.Barrier(2)
    outcome: dict[str, Any] = {}

    def write(name: str, ids: list[int], day_offset: int) -> None:
        barrier.wait(timeout=120)  # a safety net against a hang, not a measure of time
        try:
            with write_session(seeded_url) as s:
                bulk_reschedule(
                    s,
                    actor=dabir,
                    rows=dict.fromkeys(ids, 1),
                    new_date=AS_OF + timedelta(days=day_offset),
                    reason="هم‌زمان با دیگری",
                )
            outcome[name] = "saved"
        except Exception as exc:  # what ui/run.py maps to a message
            outcome[name] = database_trouble(exc) or repr(exc)

    # On PostgreSQL both transactions are held after their first UPDATE until both got
    # there: each then holds half the agencies' tally rows and needs the other half,
    # held by the other, so the database must refuse one. (SQLite lets one writer in
    # at a time: there both are saved, one after the other.)
    engine = get_engine(seeded_url)
    halfway = threading.Barrier(2)
    paused = threading.local()

    def hold(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE ASSIGNMENT") and not getattr(
            paused, "done", False
        ):
            paused.done = True
            halfway.wait(timeout=120)

    postgres = engine.dialect.name == "postgresql"
    if postgres:
        event.listen(engine, "after_cursor_execute", hold)
    threads = [
        threading.Thread(target=write, args=("first", first, 20)),
        threading.Thread(target=write, args=("second", second, 30)),
    ]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join()
    finally:
        if postgres:
            event.remove(engine, "after_cursor_execute", hold)
    if postgres:  # one refused with the Persian "busy", the other saved
        assert sorted(outcome.values()) == sorted(["saved", BUSY]), outcome
    else:
        assert outcome == {"first": "saved", "second": "saved"}, outcome
    with read_session(seeded_url) as s:
        for name, ids, offset in (("first", first, 20), ("second", second, 30)):
            rows = s.exec(select(Assignment).where(col(Assignment.id).in_(ids))).scalars().all()  # type: ignore[call-overload]
            history = s.execute(
                select(func.count(col(HistoryEntry.id))).where(
                    col(HistoryEntry.entity) == "assignment",
                    col(HistoryEntry.entity_id).in_(ids),
                )
            ).scalar_one()
            if outcome[name] == "saved":
                assert {r.planned_date for r in rows} == {AS_OF + timedelta(days=offset)}
                assert {r.version for r in rows} == {2} and history >= len(ids)
            else:  # refused whole: not one row, history entry or tally moved
                assert {r.planned_date for r in rows} == {None}
                assert {r.version for r in rows} == {1} and history == 0
        assert drift(s) == {"claim_tally": {}, "unplanned_due_tally": {}}
