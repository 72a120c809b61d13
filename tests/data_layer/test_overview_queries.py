"""Tests for data_layer.queries.overview on a small hand-made dataset (SQLite and PostgreSQL).

The dataset (TODAY = 2026-11-28 = 1405/09/07; the stale cut-off is 2026-10-29 00:00 UTC):

meeting 1, held 1405/06/01 (2026-08-23)
  R1 (due 2026-11-25)
    a1 آموزش  in_progress  no planned date -> due 11-25: overdue, 3 days late
                           reported exactly at the cut-off (not stale)
    b1 بهزیستی not_started planned 11-27 (yesterday): overdue, 1 day late; 2 reschedules;
                           never reported (stale)
    c1 شهرداری done (document_seen), evidence_url, reported 11-25
  R2 (no due date) every agency done
    a2 آموزش  done (field_verified), evidence_url AND two Evidence rows, reported 11-26
    b2 بهزیستی done (unverified), two Evidence rows (no url), reported 09-28 (61 days)
    c2 شهرداری done (unverified), reported 11-27
  R3 (no due date)
    a3 آموزش  needs_follow_up planned TODAY: not overdue; reported 11-23
    b3 بهزیستی WITHDRAWN: not_started, planned 08-20, url, reported TODAY -> ignored everywhere
    c3 شهرداری blocked, no date at all: never overdue; only a withdrawn Evidence row;
                           reported one second before the cut-off (stale)

Neighbourhoods (service S1 «مشاوره», norm 3 per 1000, owner شهرداری; S2 has no norm):
  N1 pop 2000 rank 2: S1 active 2 (آموزش) + completed 1.5 (بهزیستی) = 3.5;
                      planned 10 and withdrawn 100 do not count
  N2 pop 1000 rank -: only a withdrawn active delivery
  N3 pop    0 rank 1: only a planned delivery
  N4 pop 5000 inactive (ignored)
  N5 pop 3000 rank -: nothing
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text
from sqlmodel import Session

from data_layer.db import read_session, write_session
from data_layer.jalali import from_jalali
from data_layer.models import (
    Agency,
    Assignment,
    County,
    Evidence,
    HistoryEntry,
    Meeting,
    Neighborhood,
    Resolution,
    ServiceDelivery,
    ServiceType,
)
from data_layer.queries.overview import (
    agency_scorecards,
    changes_since,
    completion_by_month,
    headline,
    largest_gaps,
    last_meeting,
    neighborhood_count,
    neighborhoods_without_active_service,
    overdue_rows,
)
from data_layer.rules.scorecard import Thresholds, rag_for

TODAY = date(2026, 11, 28)
YESTERDAY = TODAY - timedelta(days=1)
HELD_ON = from_jalali(1405, 6, 1)  # 2026-08-23
R1_DUE = date(2026, 11, 25)
CUTOFF = datetime(2026, 10, 29, tzinfo=UTC)  # start of TODAY - 30 days
SINCE = datetime(2026, 11, 20, tzinfo=UTC)

EDU, WEL, MUN = "آموزش", "بهزیستی", "شهرداری"  # sorted this way by code point


def at(month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    """A UTC moment of 2026."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


@dataclass(frozen=True)
class Data:
    """The database and the ids the tests refer to."""

    url: str
    agency: dict[str, int]  # short name -> id
    row: dict[str, int]  # "a1" ... "c3" -> assignment id
    hood: dict[str, int]  # "N1" ... "N5" -> neighborhood id
    meeting_id: int


def _add(session: Session, obj: Any) -> int:
    session.add(obj)
    session.flush()
    assert obj.id is not None
    return int(obj.id)


def _assignments(s: Session, res: list[int], ag: dict[str, int]) -> dict[str, int]:
    r1, r2, r3 = res
    specs: dict[str, dict[str, Any]] = {
        "a1": dict(resolution_id=r1, agency_id=ag[EDU], status="in_progress", progress=40,
                   reported_at=CUTOFF),
        "b1": dict(resolution_id=r1, agency_id=ag[WEL], planned_date=YESTERDAY,
                   first_planned_date=date(2026, 11, 10), reschedule_count=2),
        "c1": dict(resolution_id=r1, agency_id=ag[MUN], status="done", progress=100,
                   verification="document_seen", evidence_url="https://example.org/c1.pdf",
                   reported_at=at(11, 25)),
        "a2": dict(resolution_id=r2, agency_id=ag[EDU], status="done", progress=100,
                   verification="field_verified", evidence_url="https://example.org/a2.pdf",
                   reported_at=at(11, 26)),
        "b2": dict(resolution_id=r2, agency_id=ag[WEL], status="done", progress=100,
                   reported_at=at(9, 28)),
        "c2": dict(resolution_id=r2, agency_id=ag[MUN], status="done", progress=100,
                   reported_at=at(11, 27)),
        "a3": dict(resolution_id=r3, agency_id=ag[EDU], status="needs_follow_up",
                   planned_date=TODAY, reported_at=at(11, 23)),
        "b3": dict(resolution_id=r3, agency_id=ag[WEL], withdrawn=True,
                   planned_date=date(2026, 8, 20), evidence_url="https://example.org/b3.pdf",
                   reported_at=at(11, 28, 8)),
        "c3": dict(resolution_id=r3, agency_id=ag[MUN], status="blocked",
                   reported_at=CUTOFF - timedelta(seconds=1)),
    }  # fmt: skip
    return {key: _add(s, Assignment(**spec)) for key, spec in specs.items()}


def _evidence(s: Session, row: dict[str, int]) -> None:
    for key, withdrawn in (("a2", False), ("a2", False), ("b2", False), ("b2", False)):
        s.add(_doc(row[key], withdrawn))
    s.add(_doc(row["c3"], True))


def _doc(assignment_id: int, withdrawn: bool) -> Evidence:
    return Evidence(
        assignment_id=assignment_id,
        filename="report.pdf",
        content_type="application/pdf",
        size_bytes=4,
        sha256="0" * 64,
        content=b"%PDF",
        withdrawn=withdrawn,
    )


def _history(s: Session, row: dict[str, int]) -> None:
    entries = [  # (row, field, old, new, when)
        ("a2", "status", "not_started", "in_progress", at(11, 1)),  # before SINCE
        ("c1", "status", "in_progress", "done", at(11, 19, 23, 59, 59)),  # before SINCE
        ("a3", "planned_date", "2026-11-20", "2026-11-28", SINCE),  # exactly SINCE: counts
        ("a1", "status", "not_started", "in_progress", at(11, 21)),
        ("b1", "planned_date", None, "2026-11-20", at(11, 21)),  # first date: not a move
        ("b1", "planned_date", "2026-11-20", "2026-11-27", at(11, 22)),
        ("a2", "status", "in_progress", "done", at(11, 25, 10)),
        ("a2", "progress", "50", "100", at(11, 25, 10)),
        ("a2", "status", "done", "in_progress", at(11, 25, 11)),
        ("a2", "status", "in_progress", "done", at(11, 25, 12)),
        ("b2", "status", "not_started", "done", at(11, 25, 15)),
        ("c2", "status", "in_progress", "done", at(11, 27, 23, 30)),  # 11-28 in Tehran
    ]
    for key, field, old, new, when in entries:
        s.add(
            HistoryEntry(
                entity="assignment",
                entity_id=row[key],
                changed_at=when,
                field=field,
                old_value=old,
                new_value=new,
            )
        )
    s.add(
        HistoryEntry(
            entity="delivery", entity_id=row["a1"], changed_at=at(11, 26),
            field="status", old_value="not_started", new_value="done",
        )
    )  # fmt: skip


def _places(s: Session, ag: dict[str, int]) -> dict[str, int]:
    k1, k2 = _add(s, County(name="مرکزی")), _add(s, County(name="شرقی"))
    hoods = {
        "N1": Neighborhood(county_id=k1, name="الف", population=2000, priority_rank=2),
        "N2": Neighborhood(county_id=k1, name="ب", population=1000, kind="acute"),
        "N3": Neighborhood(county_id=k2, name="پ", population=0, priority_rank=1, kind="critical"),
        "N4": Neighborhood(county_id=k2, name="ت", population=5000, active=False),
        "N5": Neighborhood(county_id=k2, name="ث", population=3000),
    }
    hood = {key: _add(s, n) for key, n in hoods.items()}
    s1 = _add(s, ServiceType(name="مشاوره", unit="جلسه", owner_agency_id=ag[MUN], norm_per_1000=3))
    s2 = _add(s, ServiceType(name="آموزش مهارت", unit="دوره"))
    deliveries = [  # (agency, neighbourhood, service, units, status, withdrawn)
        (EDU, "N1", s1, 2.0, "active", False),
        (WEL, "N1", s1, 1.5, "completed", False),
        (MUN, "N1", s1, 10.0, "planned", False),
        (EDU, "N1", s1, 100.0, "active", True),
        (EDU, "N2", s1, 5.0, "active", True),
        (WEL, "N3", s2, 1.0, "planned", False),
    ]
    for agency, key, service, units, status, withdrawn in deliveries:
        s.add(
            ServiceDelivery(
                agency_id=ag[agency], neighborhood_id=hood[key], service_type_id=service,
                period_start=date(2026, 9, 23), period_end=date(2026, 10, 22),
                units=units, status=status, withdrawn=withdrawn,
            )
        )  # fmt: skip
    return hood


@pytest.fixture
def data(db_url: str) -> Data:
    """The hand-made dataset described in the module docstring."""
    with write_session(db_url) as s:
        ag = {
            short: _add(s, Agency(name=f"اداره کل {short}", short_name=short, sort_order=i))
            for i, short in enumerate((MUN, WEL, EDU))
        }
        meeting_id = _add(s, Meeting(number=1, held_on=HELD_ON))
        res = [
            _add(s, Resolution(meeting_id=meeting_id, number=n, text=f"مصوبه {n}", due_date=due))
            for n, due in ((1, R1_DUE), (2, None), (3, None))
        ]
        row = _assignments(s, res, ag)
        _evidence(s, row)
        _history(s, row)
        hood = _places(s, ag)
    return Data(db_url, ag, row, hood, meeting_id)


def records(df: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    """The chosen columns of a frame as a list of plain tuples."""
    return [tuple(r) for r in df[columns].itertuples(index=False, name=None)]


# --- headline --------------------------------------------------------------------------


def test_headline_counts_live_rows_by_hand(data: Data) -> None:
    with read_session(data.url) as s:
        figures = headline(s, TODAY)
    assert figures == {
        "resolutions": 3,  # R1, R2, R3 each have a live row
        "rows": 8,  # 9 rows - b3 (withdrawn)
        "done": 4,  # c1 + a2 + b2 + c2
        "done_verified": 2,  # c1 (document_seen) + a2 (field_verified); b2, c2 unverified
        "in_progress": 1,  # a1
        "not_started": 1,  # b1 (b3 is withdrawn)
        "blocked": 1,  # c3
        "needs_follow_up": 1,  # a3
        "overdue": 2,  # a1 (R1 due 11-25) + b1 (planned 11-27); a3 is due today, c3 undated
        "stale": 2,  # b1 (never reported) + c3 (1 s before cut-off); a1 is exactly at it
        "meetings": 1,
    }


def test_headline_on_an_empty_database_is_all_zero(db_url: str) -> None:
    with read_session(db_url) as s:
        figures = headline(s, TODAY)
    assert set(figures.values()) == {0}
    assert len(figures) == 11


def test_headline_stale_days_is_an_argument(data: Data) -> None:
    with read_session(data.url) as s:
        # cut-off 2026-11-18: a1 (10-29) and c3 now stale too -> b1 + a1 + c3
        assert headline(s, TODAY, stale_days=10)["stale"] == 3
        # cut-off 2026-09-28: only b1 (never reported)
        assert headline(s, TODAY, stale_days=61)["stale"] == 1


# --- scorecards ------------------------------------------------------------------------

SCORE_COLUMNS = [
    "agency",
    "rows",
    "done",
    "overdue",
    "with_evidence",
    "days_since_update",
    "share_done",
    "share_on_time",
    "share_evidence",
    "rag",
]
# share_done, share_on_time, share_evidence by hand:
#   آموزش   1/3, 1 - 1/3 = 2/3, 1/3 (a2 by url; its two documents are one row)
#   بهزیستی 1/2, 1 - 1/2 = 1/2, 1/2 (b2 by documents; b3's url is withdrawn)
#   شهرداری 2/3, 1 - 0/3 = 1,   1/3 (c1 by url; c3 has only a withdrawn document)
EDU_ROW = (EDU, 3, 1, 1, 1, 2, 1 / 3, 2 / 3, 1 / 3)  # last report a2 11-26: 2 days
WEL_ROW = (WEL, 2, 1, 1, 1, 61, 1 / 2, 1 / 2, 1 / 2)  # last report b2 09-28: 61 days
MUN_ROW = (MUN, 3, 2, 0, 1, 1, 2 / 3, 1.0, 1 / 3)  # last report c2 11-27: 1 day


def _scores(data: Data, thresholds: Thresholds) -> pd.DataFrame:
    with read_session(data.url) as s:
        return agency_scorecards(s, TODAY, thresholds)


def test_scorecards_by_hand_under_default_thresholds(data: Data) -> None:
    df = _scores(data, Thresholds())
    assert list(df.columns) == [
        "agency_id", "agency", "rows", "done", "overdue", "with_evidence", "last_update",
        "days_since_update", "share_done", "share_on_time", "share_evidence", "rag", "letters",
        "unanswered",
    ]  # fmt: skip
    # بهزیستی red: 61 days > 2 x 30 without a report.
    # آموزش amber: 1/3 >= 0.3 and 1 overdue < 3 and 2 days (not red), but 1/3 < 0.6.
    # شهرداری green: 2/3 >= 0.6, 0 overdue < 1, 1 day <= 30.
    assert records(df, SCORE_COLUMNS) == [
        pytest.approx((*WEL_ROW, "red")),
        pytest.approx((*EDU_ROW, "amber")),
        pytest.approx((*MUN_ROW, "green")),
    ]
    assert list(df["agency_id"]) == [data.agency[WEL], data.agency[EDU], data.agency[MUN]]
    assert list(df["last_update"]) == [at(9, 28), at(11, 26), at(11, 27)]
    assert all(type(d) is int for d in df["days_since_update"])


def test_scorecards_under_lenient_thresholds(data: Data) -> None:
    lenient = Thresholds(
        green_done_share=0.3, red_done_share=0.1, amber_overdue=2, red_overdue=5, stale_days=31
    )
    df = _scores(data, lenient)
    # بهزیستی amber: 61 days <= 62 (not red) but > 31 (not green).
    # آموزش green: 1/3 >= 0.3, 1 overdue < 2, 2 days <= 31; before شهرداری as 1/3 < 2/3.
    assert records(df, ["agency", "rag"]) == [(WEL, "amber"), (EDU, "green"), (MUN, "green")]


def test_scorecards_red_ties_sort_by_share_done(data: Data) -> None:
    df = _scores(data, Thresholds(red_overdue=1))
    # آموزش and بهزیستی are red (1 overdue >= 1); آموزش first as 1/3 < 1/2.
    assert records(df, ["agency", "rag"]) == [(EDU, "red"), (WEL, "red"), (MUN, "green")]


def test_scorecard_of_an_agency_that_never_reported_is_red(data: Data) -> None:
    with write_session(data.url) as s:
        silent = _add(s, Agency(name="اداره کل ساکت", short_name="ساکت"))
        res = _add(s, Resolution(meeting_id=data.meeting_id, number=4, text="مصوبه ۴"))
        s.add(Assignment(resolution_id=res, agency_id=silent, status="done", progress=100))
    df = _scores(data, Thresholds())
    quiet = df[df["agency"] == "ساکت"].iloc[0]
    assert quiet["last_update"] is None or pd.isna(quiet["last_update"])
    assert quiet["days_since_update"] is None
    assert quiet["share_done"] == 1.0 and quiet["rag"] == "red"
    # Two reds: بهزیستی (1/2 done) before ساکت (all done).
    assert list(df["agency"]) == [WEL, "ساکت", EDU, MUN]


@pytest.mark.parametrize(
    ("share", "overdue", "days", "expected"),
    [
        (0.3, 0, 1, "amber"),  # share == red_done_share is not red
        (0.29, 0, 1, "red"),
        (0.9, 3, 1, "red"),  # overdue == red_overdue
        (0.9, 2, 1, "amber"),  # 1 <= overdue < 3
        (0.9, 0, 60, "amber"),  # 60 == 2 x 30: not red, > 30: not green
        (0.9, 0, 61, "red"),
        (0.9, 0, None, "red"),  # never reported
        (0.6, 0, 30, "green"),  # every green bound met exactly
        (0.59, 0, 30, "amber"),
    ],
)
def test_rag_rule_bounds(share: float, overdue: int, days: int | None, expected: str) -> None:
    assert rag_for(share, overdue, days, Thresholds()) == expected


# --- overdue rows and recent change ----------------------------------------------------


def test_overdue_rows_most_late_first(data: Data) -> None:
    with read_session(data.url) as s:
        df = overdue_rows(s, TODAY)
        first = overdue_rows(s, TODAY, limit=1)
    assert list(df.columns) == [
        "id", "meeting_number", "resolution_number", "resolution_text", "agency", "due",
        "days_late", "reschedule_count", "status",
    ]  # fmt: skip
    # a1: due R1's 11-25 -> 28 - 25 = 3 days; b1: planned 11-27 -> 1 day.
    # a3 (planned today), c3 (no date), done rows and b3 (withdrawn) are not listed.
    assert records(df, list(df.columns)) == [
        (data.row["a1"], 1, 1, "مصوبه 1", EDU, R1_DUE, 3, 0, "in_progress"),
        (data.row["b1"], 1, 1, "مصوبه 1", WEL, YESTERDAY, 1, 2, "not_started"),
    ]
    assert list(first["id"]) == [data.row["a1"]]


def test_changes_since(data: Data) -> None:
    with read_session(data.url) as s:
        assert changes_since(s, SINCE) == {
            "completed": 3,  # a2 (done twice: one row), b2, c2; c1 was before SINCE
            "started": 2,  # a1, b2 (left not_started); a2's start was before SINCE
            "moved": 2,  # b1 (11-20 -> 11-27), a3 (at SINCE exactly); b1's first date is not
            "since_meeting_rows_changed": 6,  # a1, a2, a3, b1, b2, c2; delivery entry ignored
        }
        assert changes_since(s, at(12, 1)) == {
            "completed": 0,
            "started": 0,
            "moved": 0,
            "since_meeting_rows_changed": 0,
        }


def test_last_meeting(data: Data) -> None:
    with read_session(data.url) as s:
        assert last_meeting(s, TODAY) == {"id": data.meeting_id, "number": 1, "held_on": HELD_ON}
        assert last_meeting(s, HELD_ON) is not None  # held that very day
        assert last_meeting(s, HELD_ON - timedelta(days=1)) is None
    with write_session(data.url) as s:
        s.add(Meeting(number=2, held_on=TODAY + timedelta(days=7)))  # not held yet
        later = _add(s, Meeting(number=3, held_on=TODAY))
    with read_session(data.url) as s:
        assert last_meeting(s, TODAY) == {"id": later, "number": 3, "held_on": TODAY}


# --- neighbourhoods and gaps -------------------------------------------------------------


def test_neighborhoods_without_active_service(data: Data) -> None:
    with read_session(data.url) as s:
        df = neighborhoods_without_active_service(s)
        count = neighborhood_count(s)
    assert count == 4  # N1, N2, N3, N5 (N4 inactive)
    assert list(df.columns) == ["id", "county", "name", "population", "kind", "priority_rank"]
    # N1 is served (active + completed). N3 has a planned delivery only, N2 a withdrawn one.
    # Rank 1 first, then the unranked by population: N5 (3000) before N2 (1000).
    h = data.hood
    assert records(df, ["id", "county", "name", "population", "kind"]) == [
        (h["N3"], "شرقی", "پ", 0, "critical"),
        (h["N5"], "شرقی", "ث", 3000, "marginal"),
        (h["N2"], "مرکزی", "ب", 1000, "acute"),
    ]
    assert str(df["priority_rank"].dtype) == "Int64"
    assert [None if pd.isna(r) else r for r in df["priority_rank"]] == [1, None, None]


def test_largest_gaps(data: Data) -> None:
    with read_session(data.url) as s:
        df = largest_gaps(s)
        top = largest_gaps(s, limit=2)
    assert list(df.columns) == [
        "neighborhood_id", "county", "neighborhood", "service", "unit", "owner_agency",
        "need", "delivered", "gap", "unmet_share",
    ]  # fmt: skip
    h = data.hood
    # Only «مشاوره» has a norm (3 per 1000). need = 3 x population / 1000:
    #   N5: 3 x 3000 / 1000 = 9, delivered 0            -> gap 9,   unmet 9/9 = 1
    #   N2: 3 x 1000 / 1000 = 3, delivered 0 (withdrawn) -> gap 3,   unmet 3/3 = 1
    #   N1: 3 x 2000 / 1000 = 6, delivered 2 + 1.5 = 3.5 -> gap 2.5, unmet 2.5/6
    #   N3: population 0 -> need 0, no gap; N4 inactive.
    assert records(df, list(df.columns)) == [
        pytest.approx((h["N5"], "شرقی", "ث", "مشاوره", "جلسه", MUN, 9.0, 0.0, 9.0, 1.0)),
        pytest.approx((h["N2"], "مرکزی", "ب", "مشاوره", "جلسه", MUN, 3.0, 0.0, 3.0, 1.0)),
        pytest.approx((h["N1"], "مرکزی", "الف", "مشاوره", "جلسه", MUN, 6.0, 3.5, 2.5, 2.5 / 6)),
    ]
    assert list(top["neighborhood_id"]) == [h["N5"], h["N2"]]


def test_largest_gaps_owner_may_be_missing(data: Data) -> None:
    with write_session(data.url) as s:
        s.add(ServiceType(name="بهداشت", unit="نفر", norm_per_1000=0.5))
    with read_session(data.url) as s:
        df = largest_gaps(s, limit=20)
    health = df[df["service"] == "بهداشت"]
    # 0.5 per 1000: N5 1.5, N1 1.0, N2 0.5 -- none delivered, each unmet share 1.
    assert list(health["need"]) == pytest.approx([1.5, 1.0, 0.5])
    assert health["owner_agency"].isna().all()


# --- completion over time ----------------------------------------------------------------


def test_completion_by_day(data: Data) -> None:
    with read_session(data.url) as s:
        df = completion_by_month(s)
    # c1 on 11-19; a2 (twice, one row) and b2 on 11-25; c2 on 11-27 at 23:30 UTC.
    assert records(df, ["changed_on", "completed"]) == [
        (date(2026, 11, 19), 1),
        (date(2026, 11, 25), 2),
        (date(2026, 11, 27), 1),
    ]


def test_completion_days_are_utc_whatever_the_connection_zone(data: Data) -> None:
    with read_session(data.url) as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SET TIME ZONE 'Asia/Tehran'"))  # c2's 23:30 UTC is 11-28 there
        df = completion_by_month(s)
    assert list(df["changed_on"]) == [date(2026, 11, 19), date(2026, 11, 25), date(2026, 11, 27)]


# --- the sample province -----------------------------------------------------------------


def test_every_overview_read_runs_on_the_sample_province(seeded_url: str) -> None:
    today = date(2026, 11, 28)
    with read_session(seeded_url) as s:
        figures = headline(s, today)
        scores = agency_scorecards(s, today, Thresholds())
        late = overdue_rows(s, today, limit=5)
        changes = changes_since(s, datetime(2026, 10, 1, tzinfo=UTC))
        meeting = last_meeting(s, today)
        unserved = neighborhoods_without_active_service(s)
        hoods = neighborhood_count(s)
        gaps = largest_gaps(s, limit=7)
        by_day = completion_by_month(s)
    assert figures["rows"] > 0 and figures["meetings"] >= 1
    assert (
        figures["done"]
        + figures["in_progress"]
        + figures["not_started"]
        + figures["blocked"]
        + figures["needs_follow_up"]
        == figures["rows"]
    )
    assert 0 <= figures["done_verified"] <= figures["done"]
    assert len(scores) > 0 and int(scores["rows"].sum()) == figures["rows"]
    assert int(scores["overdue"].sum()) == figures["overdue"]
    assert set(scores["rag"]) <= {"red", "amber", "green"}
    assert list(scores["rag"].map({"red": 0, "amber": 1, "green": 2})) == sorted(
        scores["rag"].map({"red": 0, "amber": 1, "green": 2})
    )
    assert len(late) == min(5, figures["overdue"]) and (late["days_late"] >= 1).all()
    assert list(late["days_late"]) == sorted(late["days_late"], reverse=True)
    assert set(changes) == {"completed", "started", "moved", "since_meeting_rows_changed"}
    assert meeting is not None and meeting["held_on"] <= today
    assert len(unserved) <= hoods and hoods > 0
    assert len(gaps) <= 7 and (gaps["gap"] > 0).all()
    assert ((gaps["unmet_share"] > 0) & (gaps["unmet_share"] <= 1)).all()
    assert list(by_day.columns) == ["changed_on", "completed"] and len(by_day) > 0
    assert (by_day["completed"] > 0).all()
