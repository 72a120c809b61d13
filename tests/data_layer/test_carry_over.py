"""Carry-over of unfinished resolutions across meetings, and the month calendar.

Four meetings of three member agencies (A, B, C) are built by hand on an empty
database (SQLite and PostgreSQL); every expected number below is worked out by hand
from the dates in the comments. "Today" is 2025-07-01 (1404/04/10).

    meeting 1  2025-01-10 (1403/10/21)
      1.1  A, B   due 2025-02-01   A done; B in progress, planned 2025-04-11 -> 81 days late
      1.2  A      due 2025-02-15   A done                                   -> finished
      1.3  C      no due date      C not started                            -> unfinished, not late
      1.4  A, B                    A done; B withdrawn (not done)           -> finished
    meeting 2  2025-04-05 (1404/01/16)
      2.1  B, C   due 2025-04-15   B not started -> 77 days late;
                                   C blocked, planned 2025-05-20 -> 42 days late
      2.2  A      due 2025-12-31   A in progress                            -> not late yet
      2.3  C      due 2025-04-20   C withdrawn: no live row                 -> nothing to carry
    meeting 3  2025-06-10 (1404/03/20)
      3.1  A                       A not started
    meeting 4  2025-09-10 (1404/06/19)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.resolutions import add_resolution, update_resolution
from data_layer.db import read_session, write_session
from data_layer.input.owners import OwnerSpec
from data_layer.models import Agency, Assignment, Role, User
from data_layer.permissions import Actor
from data_layer.queries.meetings import carry_over, due_in_month, meetings_table

TODAY = date(2025, 7, 1)
NOW = datetime(2025, 7, 1, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    url: str
    meetings: dict[int, int]  # meeting number -> id
    resolutions: dict[str, int]  # "1.1" -> id


def _row(session: Session, resolution_id: int, agency_id: int) -> Assignment:
    return session.exec(
        select(Assignment).where(
            Assignment.resolution_id == resolution_id, Assignment.agency_id == agency_id
        )
    ).one()


@pytest.fixture
def world(db_url: str) -> World:
    with write_session(db_url) as session:
        agencies = [
            Agency(name=f"اداره کل {name} استان", short_name=name, sort_order=order)
            for order, name in enumerate(("الف", "ب", "ج"), start=1)
        ]
        session.add_all(agencies)
        user = User(
            username="secretariat",
            full_name="دبیرخانه",
            password_hash="x",
            role=Role.SECRETARIAT.value,
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        actor = Actor(user.id, user.username, user.full_name, user.role)
        a, b, c = (x.id for x in agencies)
        assert a is not None and b is not None and c is not None

        meetings: dict[int, int] = {}
        for number, held in (
            (1, date(2025, 1, 10)),
            (2, date(2025, 4, 5)),
            (3, date(2025, 6, 10)),
            (4, date(2025, 9, 10)),
        ):
            m = create_meeting(
                session,
                actor=actor,
                data=MeetingInput(number, held, "09:00", "استانداری", "معاون استاندار"),
                now=NOW,
            )
            assert m.id is not None
            meetings[number] = m.id

        plan: list[tuple[str, tuple[int, ...], date | None]] = [
            ("1.1", (a, b), date(2025, 2, 1)),
            ("1.2", (a,), date(2025, 2, 15)),
            ("1.3", (c,), None),
            ("1.4", (a, b), None),
            ("2.1", (b, c), date(2025, 4, 15)),
            ("2.2", (a,), date(2025, 12, 31)),
            ("2.3", (c,), date(2025, 4, 20)),
            ("3.1", (a,), None),
        ]
        resolutions: dict[str, int] = {}
        for key, owners, due in plan:
            meeting_number, number = map(int, key.split("."))
            res = add_resolution(
                session,
                actor=actor,
                meeting_id=meetings[meeting_number],
                number=number,
                text=f"مصوبه آزمایشی {key}",
                owners=OwnerSpec(False, owners),
                due_date=due,
                now=NOW,
            )
            assert res.id is not None
            resolutions[key] = res.id

        def report(key: str, agency: int, status: str, planned: date | None = None) -> None:
            row = _row(session, resolutions[key], agency)
            row.status = status
            row.progress = 100 if status == "done" else 30
            row.planned_date = planned

        report("1.1", a, "done")
        report("1.1", b, "in_progress", date(2025, 4, 11))
        report("1.2", a, "done")
        report("1.4", a, "done")
        report("2.1", c, "blocked", date(2025, 5, 20))
        report("2.2", a, "in_progress")
        session.flush()
        update_resolution(
            session, actor=actor, resolution_id=resolutions["1.4"], owners=OwnerSpec(False, (a,))
        )
        _row(session, resolutions["2.3"], c).withdrawn = True
    return World(db_url, meetings, resolutions)


def carried(world: World, meeting_number: int) -> list[tuple[object, ...]]:
    with read_session(world.url) as session:
        df = carry_over(session, world.meetings[meeting_number], TODAY)
    return [
        (
            f"{r.meeting_number}.{r.resolution_number}",
            r.rows,
            r.done,
            r.not_done,
            r.carried,
            r.days_late,
        )
        for r in df.itertuples()
    ]


def test_carry_over_into_the_third_meeting(world: World) -> None:
    assert carried(world, 3) == [
        # key, live rows, done, still owing, meetings carried, days late
        ("1.1", 2, 1, "ب", 2, 81),
        ("1.3", 1, 0, "ج", 2, 0),
        ("2.1", 2, 0, "ب، ج", 1, 77),
        ("2.2", 1, 0, "الف", 1, 0),
    ]


def test_carry_over_into_the_second_meeting(world: World) -> None:
    assert carried(world, 2) == [
        ("1.1", 2, 1, "ب", 1, 81),
        ("1.3", 1, 0, "ج", 1, 0),
    ]


def test_carry_over_into_the_fourth_meeting_includes_the_third(world: World) -> None:
    assert carried(world, 4) == [
        ("1.1", 2, 1, "ب", 3, 81),
        ("1.3", 1, 0, "ج", 3, 0),
        ("2.1", 2, 0, "ب، ج", 2, 77),
        ("2.2", 1, 0, "الف", 2, 0),
        ("3.1", 1, 0, "الف", 1, 0),
    ]


def test_nothing_is_carried_into_the_first_meeting(world: World) -> None:
    assert carried(world, 1) == []
    with read_session(world.url) as session:
        assert carry_over(session, 9999, TODAY).empty


def test_carry_over_columns(world: World) -> None:
    with read_session(world.url) as session:
        df = carry_over(session, world.meetings[3], TODAY)
    first = df.iloc[0]
    assert first["meeting_number"] == 1 and first["held_on"] == date(2025, 1, 10)
    assert first["resolution_id"] == world.resolutions["1.1"]
    assert first["text"] == "مصوبه آزمایشی 1.1"


def test_meetings_table_counts(world: World) -> None:
    with read_session(world.url) as session:
        df = meetings_table(session, TODAY).set_index("number")
    assert list(df.index) == [4, 3, 2, 1]  # newest first
    # Meeting 1: 4 resolutions; live rows 1.1 A, B + 1.2 A + 1.3 C + 1.4 A = 5;
    # done 3; overdue: 1.1 B only (1.3 has no date).
    assert tuple(df.loc[1, ["resolutions", "rows", "done", "overdue"]]) == (4, 5, 3, 1)
    # Meeting 2: 3 resolutions; live rows 2.1 B, C + 2.2 A = 3 (2.3's row is withdrawn).
    assert tuple(df.loc[2, ["resolutions", "rows", "done", "overdue"]]) == (3, 3, 0, 2)
    assert tuple(df.loc[4, ["resolutions", "rows", "done", "overdue", "present"]]) == (
        0,
        0,
        0,
        0,
        0,
    )


def test_due_in_month_farvardin_1404(world: World) -> None:
    """1404/01 is 2025-03-21 .. 2025-04-20."""
    with read_session(world.url) as session:
        df = due_in_month(session, 1404, 1)
    assert [(r.date, r.kind, r.label, r.agency, r.status) for r in df.itertuples(index=False)] == [
        (date(2025, 4, 5), "meeting", "جلسه ۲", "", ""),
        (date(2025, 4, 11), "due", "مصوبه ۱ جلسه ۱", "ب", "in_progress"),  # B's planned date
        (date(2025, 4, 15), "due", "مصوبه ۱ جلسه ۲", "ب", "not_started"),
        (date(2025, 4, 20), "due", "مصوبه ۳ جلسه ۲", "", ""),  # no live row left
    ]
    # C's row of 2.1 is planned for 2025-05-20 (1404/02/30): next month, not this one.
    with read_session(world.url) as session:
        ordibehesht = due_in_month(session, 1404, 2)
    assert [(r.date, r.label, r.agency) for r in ordibehesht.itertuples(index=False)] == [
        (date(2025, 5, 20), "مصوبه ۱ جلسه ۲", "ج")
    ]
    with read_session(world.url) as session:
        assert due_in_month(session, 1404, 8).empty
