"""Many agencies saving at once, on SQLite and on PostgreSQL.

Every update runs in its own write_session, as a page's save does. The figures printed
(seen with `pytest -s`) are for information only: nothing here asserts on time.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from data_layer import clock
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError
from data_layer.models import Agency, AgencyMembership, Assignment, HistoryEntry, Role, User
from data_layer.permissions import Actor
from data_layer.queries.membership import member_on
from data_layer.seed import seed

WRITERS = 30
UPDATES_PER_WRITER = 50
RACE_ROUNDS = 10  # one race a row: a single race could be won by timing alone
JOIN_TIMEOUT_S = 600  # only so that a deadlock fails the test instead of hanging it


@dataclass
class Writer:
    """One agency's liaison, its rows, and what it saved."""

    actor: Actor
    rows: list[int]
    saved: dict[int, list[int]] = field(default_factory=dict)  # row -> progress values
    unchanged: int = 0


def _actor(user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.username, user.full_name, user.role, user.agency_id)


def _rows_by_agency(url: str) -> dict[int, list[int]]:
    with read_session(url) as session:
        pairs = session.exec(
            select(Assignment.agency_id, Assignment.id).order_by(Assignment.id)
        ).all()
    rows: dict[int, list[int]] = {}
    for agency_id, assignment_id in pairs:
        assert assignment_id is not None
        rows.setdefault(agency_id, []).append(assignment_id)
    return rows


def thirty_agency_writers(url: str) -> list[Writer]:
    """Seed the minutes with 30 member agencies, and a liaison for each."""
    with read_session(url) as session:
        assert session.exec(select(func.count()).select_from(Agency)).one() == 0
    # Extra members before seeding: "all members" resolutions expand to them too.
    with write_session(url) as session:
        for n in range(1, 7):
            agency = Agency(
                name=f"دستگاه عضو آزمایشی {n}", short_name=f"عضو آزمایشی {n}", sort_order=100 + n
            )
            session.add(agency)
            session.flush()
            session.add(AgencyMembership(agency_id=agency.id))
    seed(url, sample=False, sample_agencies=True)

    owned = _rows_by_agency(url)
    with write_session(url) as session:
        members = session.exec(
            select(Agency)
            .where(member_on(clock.today()))
            .order_by(col(Agency.sort_order), col(Agency.id))
        ).all()
        assert len(members) >= WRITERS
        writers = []
        for n, agency in enumerate(members[:WRITERS], start=1):
            user = User(
                username=f"liaison{n}",
                full_name=f"کارشناس رابط {n}",
                password_hash="not-a-real-hash",
                role=Role.AGENCY_EDITOR.value,
                agency_id=agency.id,
            )
            session.add(user)
            session.flush()
            assert agency.id is not None
            writers.append(Writer(_actor(user), owned[agency.id]))
    for w in writers:
        assert len(w.rows) >= 12  # the 12 "all members" resolutions of meeting 7, at least
    return writers


def _write_fifty(url: str, writer: Writer, start: threading.Barrier) -> None:
    start.wait()
    for n in range(UPDATES_PER_WRITER):
        row_id = writer.rows[n % len(writer.rows)]
        progress = n + 1  # differs from every earlier value of the row, so each is a change
        with write_session(url) as session:
            version = session.exec(select(Assignment.version).where(Assignment.id == row_id)).one()
            changed = update_assignment(
                session,
                actor=writer.actor,
                assignment_id=row_id,
                expected_version=version,
                changes=AssignmentChanges(progress=progress),
            )
        if changed:
            writer.saved.setdefault(row_id, []).append(progress)
        else:
            writer.unchanged += 1


def test_thirty_agencies_saving_at_once_lose_no_update(db_url: str) -> None:
    writers = thirty_agency_writers(db_url)
    failures: list[str] = []
    started: list[float] = []
    start = threading.Barrier(WRITERS, action=lambda: started.append(time.perf_counter()))

    def run(writer: Writer) -> None:
        try:
            _write_fifty(db_url, writer, start)
        except BaseException:
            failures.append(f"{writer.actor.username}:\n{traceback.format_exc()}")
            start.abort()  # a thread that fails before the start must not strand the rest

    threads = [threading.Thread(target=run, args=(w,), name=w.actor.username) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT_S)
    elapsed = time.perf_counter() - started[0] if started else float("nan")

    assert not [t.name for t in threads if t.is_alive()]
    assert failures == [], "\n".join(failures)
    total = WRITERS * UPDATES_PER_WRITER
    backend = make_url(db_url).get_backend_name()
    print(
        f"\n[{backend}] {WRITERS} writers x {UPDATES_PER_WRITER} updates = {total} saves"
        f" in {elapsed:.2f} s: {total / elapsed:.0f} updates/s"
    )

    # Every update changed progress, and is in the table and in the history.
    assert sum(w.unchanged for w in writers) == 0
    assert sum(len(v) for w in writers for v in w.saved.values()) == total
    with read_session(db_url) as session:
        rows = {a.id: a for a in session.exec(select(Assignment))}
        progress_history = session.exec(
            select(HistoryEntry)
            .where(HistoryEntry.entity == "assignment", HistoryEntry.field == "progress")
            .order_by(HistoryEntry.id)
        ).all()
    assert len(progress_history) == total
    by_row: dict[int, list[HistoryEntry]] = {}
    for entry in progress_history:
        by_row.setdefault(entry.entity_id, []).append(entry)

    for writer in writers:
        for row_id in writer.rows:
            saved = writer.saved.get(row_id, [])
            asg = rows[row_id]
            assert asg.version == 1 + len(saved), row_id
            assert asg.progress == (saved[-1] if saved else 0), row_id
            if saved:
                assert asg.updated_by_id == writer.actor.user_id
            entries = by_row.get(row_id, [])
            assert [e.new_value for e in entries] == [str(p) for p in saved], row_id
            assert [e.old_value for e in entries] == [str(p) for p in [0, *saved[:-1]]], row_id
            assert {e.user_id for e in entries} <= {writer.actor.user_id}


def _race(
    url: str, row_id: int, people: list[Actor], progress_of: dict[str, int]
) -> dict[str, object]:
    """Both people save the row at the same moment, from forms opened on version 1."""
    start = threading.Barrier(len(people))
    outcome: dict[str, object] = {}

    def run(actor: Actor) -> None:
        try:
            start.wait()
            with write_session(url) as session:
                outcome[actor.username] = update_assignment(
                    session,
                    actor=actor,
                    assignment_id=row_id,
                    expected_version=1,
                    changes=AssignmentChanges(
                        status="in_progress", progress=progress_of[actor.username]
                    ),
                )
        except BaseException as e:
            outcome[actor.username] = e

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads)
    return outcome


def test_two_writers_on_one_row_at_once_one_wins_and_the_other_gets_a_conflict(
    db_url: str,
) -> None:
    seed(db_url, sample=False, sample_agencies=True)
    with write_session(db_url) as session:
        agency = session.exec(
            select(Agency).where(member_on(clock.today())).order_by(col(Agency.id))
        ).first()
        assert agency is not None and agency.id is not None
        people = []
        for n, name in enumerate(("زهرا کریمی", "حسین محمدی"), start=1):
            user = User(
                username=f"colleague{n}",
                full_name=name,
                password_hash="not-a-real-hash",
                role=Role.AGENCY_EDITOR.value,
                agency_id=agency.id,
            )
            session.add(user)
            session.flush()
            people.append(_actor(user))
    row_ids = _rows_by_agency(db_url)[agency.id][:RACE_ROUNDS]
    assert len(row_ids) == RACE_ROUNDS

    winners: Counter[str] = Counter()
    for row_id in row_ids:
        progress_of = {people[0].username: 30, people[1].username: 70}
        outcome = _race(db_url, row_id, people, progress_of)

        won = [name for name, result in outcome.items() if result is True]
        lost = [name for name, result in outcome.items() if isinstance(result, ConflictError)]
        assert len(won) == 1 and len(lost) == 1, outcome
        winner = next(p for p in people if p.username == won[0])
        conflict = outcome[lost[0]]
        assert isinstance(conflict, ConflictError)
        assert winner.full_name in conflict.message
        assert conflict.theirs["progress"] == progress_of[winner.username]
        winners[winner.username] += 1

        with read_session(db_url) as session:
            asg = session.get(Assignment, row_id)
            assert asg is not None
            entries = session.exec(
                select(HistoryEntry).where(
                    HistoryEntry.entity == "assignment", HistoryEntry.entity_id == row_id
                )
            ).all()
        assert (asg.version, asg.status, asg.progress, asg.updated_by_id) == (
            2,
            "in_progress",
            progress_of[winner.username],
            winner.user_id,
        )
        assert sorted((e.field, e.new_value, e.user_id) for e in entries) == [
            ("progress", str(progress_of[winner.username]), winner.user_id),
            ("status", "in_progress", winner.user_id),
        ]
    backend = make_url(db_url).get_backend_name()
    print(f"\n[{backend}] races won: {dict(winners)}")
