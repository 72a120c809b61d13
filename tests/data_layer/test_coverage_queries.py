"""Tests for data_layer.queries.coverage on a small hand-made dataset (SQLite and PostgreSQL).

Counties K1 «مرکزی», K2 «شرقی». Agencies MUN, WEL, EDU (members, in that sort order) and
GUEST (not a member).

Neighbourhoods               Services
  N1 K1 pop 2000 rank 1        S1 «مشاوره»     norm 3 per 1000, owner MUN
  N2 K1 pop 1000 rank 3 acute  S2 «آموزش مهارت» no norm,          owner WEL
  N3 K2 pop    0 rank 2 crit.  S3 «بهداشت»     norm 0.5,          no owner
  N4 K2 pop 4000 unranked      S4 «قدیمی»      norm 10, INACTIVE
  N5 K2 pop 5000 INACTIVE

Deliveries (agency, where, what, units, status):
  EDU N1 S1   2   active      WEL N1 S1 1.5 completed -> N1 S1 = 3.5 by 2 agencies
  MUN N1 S1  10   planned (does not count)    EDU N1 S1 100 active WITHDRAWN (ignored)
  MUN N2 S1   4   active      WEL N3 S1   1 active    WEL N4 S2   2 completed
  EDU N4 S3   1   active      EDU N5 S1  50 active (inactive neighbourhood)
  MUN N1 S4   5   active (inactive service)

need = norm x population / 1000:
        S1 (3)            S2 (none)         S3 (0.5)
  N1    6, 3.5 partial    -, 0 no_norm      1, 0 none
  N2    3, 4   met        -, 0 no_norm      0.5, 0 none
  N3    0, 1   met        -, 0 no_norm      0, 0 met (population 0)
  N4   12, 0   none       -, 2 served       2, 1 partial
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlmodel import Session

from data_layer.db import read_session, write_session
from data_layer.models import (
    Agency,
    AgencyCapacity,
    AgencyMembership,
    County,
    Neighborhood,
    PerformanceReport,
    ServiceDelivery,
    ServiceType,
)
from data_layer.queries.coverage import (
    coverage_matrix,
    gaps,
    neighborhood_deliveries,
    neighborhood_profile,
    service_ratios,
)
from data_layer.queries.periods import (
    delivery_period_label,
    period_label,
    recent_periods,
    report_completeness,
)
from data_layer.rules.completeness import ReportRule

TODAY = date(2026, 11, 28)  # 1405/09/07, autumn (season 3)
MUN, WEL, EDU, GUEST = "شهرداری", "بهزیستی", "آموزش", "مهمان"
S1, S2, S3 = "مشاوره", "آموزش مهارت", "بهداشت"


@dataclass(frozen=True)
class Data:
    url: str
    agency: dict[str, int]
    county: dict[str, int]
    hood: dict[str, int]
    service: dict[str, int]


def _add(session: Session, obj: Any) -> int:
    session.add(obj)
    session.flush()
    return int(obj.id)


def _deliveries(s: Session, ag: dict[str, int], hood: dict[str, int], sv: dict[str, int]) -> None:
    specs = [  # (agency, neighbourhood, service, units, status, withdrawn)
        (EDU, "N1", "S1", 2.0, "active", False),
        (WEL, "N1", "S1", 1.5, "completed", False),
        (MUN, "N1", "S1", 10.0, "planned", False),
        (EDU, "N1", "S1", 100.0, "active", True),
        (MUN, "N2", "S1", 4.0, "active", False),
        (WEL, "N3", "S1", 1.0, "active", False),
        (WEL, "N4", "S2", 2.0, "completed", False),
        (EDU, "N4", "S3", 1.0, "active", False),
        (EDU, "N5", "S1", 50.0, "active", False),
        (MUN, "N1", "S4", 5.0, "active", False),
    ]
    for agency, where, what, units, status, withdrawn in specs:
        s.add(
            ServiceDelivery(
                agency_id=ag[agency], neighborhood_id=hood[where], service_type_id=sv[what],
                period_start=date(2026, 9, 23), period_end=date(2026, 12, 21),
                units=units, beneficiaries=10, status=status, withdrawn=withdrawn,
                note=f"{agency} {where}",
            )
        )  # fmt: skip


@pytest.fixture
def data(db_url: str) -> Data:
    with write_session(db_url) as s:
        ag = {
            name: _add(s, Agency(name=f"اداره کل {name}", short_name=name, sort_order=i))
            for i, name in enumerate((MUN, WEL, EDU, GUEST))
        }  # fmt: skip
        for name in (MUN, WEL, EDU):
            s.add(AgencyMembership(agency_id=ag[name]))
        k = {"K1": _add(s, County(name="مرکزی")), "K2": _add(s, County(name="شرقی"))}
        hoods = {
            "N1": Neighborhood(county_id=k["K1"], name="الف", population=2000, priority_rank=1),
            "N2": Neighborhood(county_id=k["K1"], name="ب", population=1000, priority_rank=3,
                               kind="acute", households=300),
            "N3": Neighborhood(county_id=k["K2"], name="پ", population=0, priority_rank=2,
                               kind="critical"),
            "N4": Neighborhood(county_id=k["K2"], name="ت", population=4000),
            "N5": Neighborhood(county_id=k["K2"], name="ث", population=5000, active=False),
        }  # fmt: skip
        hood = {key: _add(s, n) for key, n in hoods.items()}
        services = {
            "S1": ServiceType(name=S1, unit="جلسه", owner_agency_id=ag[MUN], norm_per_1000=3),
            "S2": ServiceType(name=S2, unit="دوره", owner_agency_id=ag[WEL]),
            "S3": ServiceType(name=S3, unit="نفر", norm_per_1000=0.5),
            "S4": ServiceType(name="قدیمی", norm_per_1000=10, active=False),
        }
        sv = {key: _add(s, t) for key, t in services.items()}
        _deliveries(s, ag, hood, sv)
    return Data(db_url, ag, k, hood, sv)


def records(df: pd.DataFrame, columns: list[str]) -> list[tuple[Any, ...]]:
    """Chosen columns as plain tuples, NaN/NA as None."""
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in df[columns].itertuples(index=False, name=None)
    ]


# --- coverage matrix --------------------------------------------------------------------------

MATRIX = ["neighborhood", "service", "need", "delivered", "agencies", "level"]


def test_coverage_matrix_by_hand(data: Data) -> None:
    with read_session(data.url) as s:
        df = coverage_matrix(s)
    assert list(df.columns) == [
        "neighborhood_id", "county", "neighborhood", "kind", "priority_rank", "population",
        "service_type_id", "service", "unit", "norm_per_1000", "need", "delivered", "agencies",
        "level",
    ]  # fmt: skip
    # 4 active neighbourhoods x 3 active services; N5 and S4 do not appear.
    assert records(df, MATRIX) == [
        ("الف", S1, 6.0, 3.5, 2, "partial"),  # EDU 2 + WEL 1.5; planned and withdrawn ignored
        ("الف", S2, None, 0.0, 0, "no_norm"),
        ("الف", S3, 1.0, 0.0, 0, "none"),
        ("ب", S1, 3.0, 4.0, 1, "met"),
        ("ب", S2, None, 0.0, 0, "no_norm"),
        ("ب", S3, 0.5, 0.0, 0, "none"),
        ("پ", S1, 0.0, 1.0, 1, "met"),
        ("پ", S2, None, 0.0, 0, "no_norm"),
        ("پ", S3, 0.0, 0.0, 0, "met"),  # population 0: need 0 is met
        ("ت", S1, 12.0, 0.0, 0, "none"),
        ("ت", S2, None, 2.0, 1, "served"),
        ("ت", S3, 2.0, 1.0, 1, "partial"),
    ]
    first = df.iloc[0]
    assert (first["county"], first["kind"], first["population"], first["unit"]) == (
        "مرکزی",
        "marginal",
        2000,
        "جلسه",
    )
    assert str(df["priority_rank"].dtype) == "Int64"
    assert records(df.drop_duplicates("neighborhood"), ["priority_rank"]) == [
        (1,),
        (3,),
        (2,),
        (None,),
    ]


def test_coverage_matrix_for_one_agency(data: Data) -> None:
    with read_session(data.url) as s:
        df = coverage_matrix(s, agency_id=data.agency[EDU])
    assert records(df[df["service"] != S2], MATRIX) == [
        ("الف", S1, 6.0, 2.0, 1, "partial"),  # EDU's 2 only
        ("الف", S3, 1.0, 0.0, 0, "none"),
        ("ب", S1, 3.0, 0.0, 0, "none"),  # MUN's 4 does not count here
        ("ب", S3, 0.5, 0.0, 0, "none"),
        ("پ", S1, 0.0, 0.0, 0, "met"),
        ("پ", S3, 0.0, 0.0, 0, "met"),
        ("ت", S1, 12.0, 0.0, 0, "none"),
        ("ت", S3, 2.0, 1.0, 1, "partial"),
    ]
    assert set(df.loc[df["service"] == S2, "level"]) == {"no_norm"}  # WEL's 2 not counted


def test_coverage_matrix_filters(data: Data) -> None:
    with read_session(data.url) as s:
        east = coverage_matrix(s, county_ids=[data.county["K2"]])
        acute = coverage_matrix(s, kinds=["acute"])
        top = coverage_matrix(s, max_priority=2)
        both = coverage_matrix(s, county_ids=[data.county["K1"]], kinds=["critical"])
        nothing = coverage_matrix(s, county_ids=[])
    assert list(east["neighborhood"].unique()) == ["پ", "ت"]
    assert len(east) == 6
    assert list(acute["neighborhood"].unique()) == ["ب"]
    # ranks 1 and 2; N2 (rank 3) and N4 (unranked) are left out.
    assert list(top["neighborhood"].unique()) == ["الف", "پ"]
    assert both.empty and nothing.empty
    assert list(nothing.columns) == list(east.columns)


# --- one neighbourhood ------------------------------------------------------------------------


def test_neighborhood_profile(data: Data) -> None:
    with read_session(data.url) as s:
        profile = neighborhood_profile(s, data.hood["N2"])
        missing = neighborhood_profile(s, 999_999)
        inactive = neighborhood_profile(s, data.hood["N5"])
    assert missing is None
    assert profile is not None
    assert {k: profile[k] for k in ("id", "name", "county", "county_id", "population")} == {
        "id": data.hood["N2"],
        "name": "ب",
        "county": "مرکزی",
        "county_id": data.county["K1"],
        "population": 1000,
    }
    assert (profile["households"], profile["kind"], profile["priority_rank"]) == (300, "acute", 3)
    assert profile["active"] is True and profile["latitude"] is None
    assert inactive is not None and inactive["active"] is False


def test_neighborhood_deliveries_are_the_live_rows(data: Data) -> None:
    with read_session(data.url) as s:
        df = neighborhood_deliveries(s, data.hood["N1"])
        none = neighborhood_deliveries(s, data.hood["N5"] + 100)
    for name in ("agency", "service", "units", "beneficiaries", "period_start", "period_end"):
        assert name in df.columns
    assert "status" in df.columns and "note" in df.columns
    # Every live row, planned too (shown, not counted); the withdrawn 100 is gone.
    assert sorted(records(df, ["agency", "service", "units", "status"])) == sorted(
        [
            (EDU, S1, 2.0, "active"),
            (WEL, S1, 1.5, "completed"),
            (MUN, S1, 10.0, "planned"),
            (MUN, "قدیمی", 5.0, "active"),
        ]
    )
    assert set(df["period_start"]) == {date(2026, 9, 23)}
    assert none.empty


# --- gaps -------------------------------------------------------------------------------------


def test_gaps_by_neighborhood(data: Data) -> None:
    with read_session(data.url) as s:
        df = gaps(s, by="neighborhood")
        top = gaps(s, by="neighborhood", limit=2)
    cols = ["neighborhood", "service", "owner_agency", "need", "delivered", "gap", "unmet_share"]
    # gap > 0 only: N2 S1 (4 >= 3) and N3 (need 0) are not gaps; S2 has no norm.
    # Ties at gap 1: the larger unmet share (N1 S3, 1/1) first.
    assert records(df, cols) == [
        pytest.approx(("ت", S1, MUN, 12.0, 0.0, 12.0, 1.0)),
        pytest.approx(("الف", S1, MUN, 6.0, 3.5, 2.5, 2.5 / 6)),
        pytest.approx(("الف", S3, None, 1.0, 0.0, 1.0, 1.0)),
        pytest.approx(("ت", S3, None, 2.0, 1.0, 1.0, 0.5)),
        pytest.approx(("ب", S3, None, 0.5, 0.0, 0.5, 1.0)),
    ]
    assert [None if pd.isna(v) else int(v) for v in df["owner_agency_id"]] == [
        data.agency[MUN],
        data.agency[MUN],
        None,
        None,
        None,
    ]
    assert list(top["neighborhood_id"]) == [data.hood["N4"], data.hood["N1"]]


def test_gaps_by_county(data: Data) -> None:
    with read_session(data.url) as s:
        df = gaps(s, by="county")
    assert list(df.columns) == ["county_id", "county", "need", "delivered", "gap", "unmet_share"]
    # K2: need S1 0 + 12, S3 0 + 2 = 14; delivered S1 1 + 0, S3 0 + 1 = 2; gap 12.
    # K1: need S1 6 + 3, S3 1 + 0.5 = 10.5; delivered 3.5 + 4 = 7.5; gap 3.
    assert records(df, list(df.columns)) == [
        pytest.approx((data.county["K2"], "شرقی", 14.0, 2.0, 12.0, 12 / 14)),
        pytest.approx((data.county["K1"], "مرکزی", 10.5, 7.5, 3.0, 3 / 10.5)),
    ]


def test_gaps_by_service(data: Data) -> None:
    with read_session(data.url) as s:
        df = gaps(s, by="service")
        top = gaps(s, by="service", limit=1)
    cols = ["service", "unit", "owner_agency", "need", "delivered", "gap", "unmet_share"]
    # S1: need 6 + 3 + 0 + 12 = 21, delivered 3.5 + 4 + 1 = 8.5. S3: 3.5 and 1.
    assert records(df, cols) == [
        pytest.approx((S1, "جلسه", MUN, 21.0, 8.5, 12.5, 12.5 / 21)),
        pytest.approx((S3, "نفر", None, 3.5, 1.0, 2.5, 2.5 / 3.5)),
    ]
    assert list(top["service_type_id"]) == [data.service["S1"]]


def test_group_gap_is_floored_at_zero(data: Data) -> None:
    with write_session(data.url) as s:
        s.add(
            ServiceDelivery(
                agency_id=data.agency[MUN], neighborhood_id=data.hood["N2"],
                service_type_id=data.service["S1"], period_start=date(2026, 9, 23),
                period_end=date(2026, 12, 21), units=100, status="active",
            )
        )  # fmt: skip
    with read_session(data.url) as s:
        by_county = gaps(s, by="county")
        pairs = gaps(s, by="neighborhood")
    k1 = by_county[by_county["county"] == "مرکزی"].iloc[0]
    # K1 delivered 107.5 > need 10.5: no gap, and it sorts after K2.
    assert (k1["delivered"], k1["gap"], k1["unmet_share"]) == pytest.approx((107.5, 0.0, 0.0))
    assert list(by_county["county"]) == ["شرقی", "مرکزی"]
    # Per pair, N1's shortfall is still a gap: the surplus of N2 does not fill it.
    assert ("الف", S1) in records(pairs, ["neighborhood", "service"])


def test_gaps_on_an_empty_database(db_url: str) -> None:
    with read_session(db_url) as s:
        for by in ("neighborhood", "county", "service"):
            df = gaps(s, by=by)
            assert df.empty and {"need", "delivered", "gap", "unmet_share"} <= set(df.columns)


# --- service ratios ---------------------------------------------------------------------------


def test_service_ratios(data: Data) -> None:
    with write_session(data.url) as s:
        for agency, service, total, target in (
            (MUN, "S1", 100, 20),
            (WEL, "S1", 50, 25),
            (EDU, "S3", 0, 0),
            (EDU, "S1", 40, 4),
            (MUN, "S4", 10, 10),  # inactive service: not listed
        ):
            s.add(
                AgencyCapacity(
                    agency_id=data.agency[agency],
                    service_type_id=data.service[service],
                    total_units=total,
                    target_units=target,
                )
            )
    with read_session(data.url) as s:
        df = service_ratios(s)
    cols = ["agency", "service", "unit", "total_units", "target_units", "ratio"]
    # delivered_in_targets (active/completed, live, active neighbourhoods):
    #   EDU S1: N1 2 (the withdrawn 100 and N5's 50 do not count)
    #   MUN S1: N2 4 (N1's 10 is planned);  WEL S1: N1 1.5 + N3 1;  EDU S3: N4 1
    assert records(df, [*cols, "delivered_in_targets"]) == [
        pytest.approx((EDU, S1, "جلسه", 40.0, 4.0, 0.1, 2.0)),
        pytest.approx((MUN, S1, "جلسه", 100.0, 20.0, 0.2, 4.0)),
        pytest.approx((WEL, S1, "جلسه", 50.0, 25.0, 0.5, 2.5)),
        (EDU, S3, "نفر", 0.0, 0.0, None, 1.0),  # total 0: no ratio, listed last
    ]


# --- performance reports ----------------------------------------------------------------------

RULE = ReportRule("season", 10)
# Summer 1405 ends 2026-09-22: deadline 2026-10-02. Spring ends 06-21: deadline 07-01.
# Autumn ends 2026-12-21: deadline 2026-12-31 (not passed on TODAY).
SPRING, SUMMER, AUTUMN = (1405, 1), (1405, 2), (1405, 3)


def _reports(data: Data) -> None:
    specs = [  # (agency, kind, (year, no), submitted_at UTC)
        # 20:00 UTC on the deadline day is 23:30 in Tehran: on time.
        (MUN, "season", SUMMER, datetime(2026, 10, 2, 20, 0, tzinfo=UTC)),
        # 21:00 UTC on the deadline day is already 00:30 of the next day in Tehran: late.
        (WEL, "season", SUMMER, datetime(2026, 10, 2, 21, 0, tzinfo=UTC)),
        (MUN, "season", AUTUMN, datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),  # early: on time
        (EDU, "season", SPRING, datetime(2026, 6, 25, 9, 0, tzinfo=UTC)),
        (WEL, "season", SPRING, datetime(2026, 8, 1, 9, 0, tzinfo=UTC)),  # a month late
        (GUEST, "season", SUMMER, datetime(2026, 9, 25, 9, 0, tzinfo=UTC)),  # not a member
        (EDU, "month", (1405, 6), datetime(2026, 9, 25, 9, 0, tzinfo=UTC)),  # other kind
        (EDU, "season", SUMMER, None),  # a stored row never submitted: still missing
    ]
    with write_session(data.url) as s:
        for agency, kind, (year, no), at in specs:
            s.add(
                PerformanceReport(
                    agency_id=data.agency[agency], period_kind=kind, period_year=year,
                    period_no=no, submitted_at=at, body="گزارش",
                )
            )  # fmt: skip


def test_report_completeness_states(data: Data) -> None:
    _reports(data)
    with read_session(data.url) as s:
        df = report_completeness(s, rule=RULE, periods=[SPRING, SUMMER, AUTUMN], today=TODAY)
    assert list(df.columns) == [
        "agency_id", "agency", "period_year", "period_no", "label", "deadline", "submitted_at",
        "state",
    ]  # fmt: skip
    assert records(df, ["agency", "period_no", "label", "deadline", "state"]) == [
        (MUN, 1, "بهار ۱۴۰۵", date(2026, 7, 1), "missing"),
        (MUN, 2, "تابستان ۱۴۰۵", date(2026, 10, 2), "on_time"),
        (MUN, 3, "پاییز ۱۴۰۵", date(2026, 12, 31), "on_time"),
        (WEL, 1, "بهار ۱۴۰۵", date(2026, 7, 1), "late"),
        (WEL, 2, "تابستان ۱۴۰۵", date(2026, 10, 2), "late"),
        (WEL, 3, "پاییز ۱۴۰۵", date(2026, 12, 31), "pending"),
        (EDU, 1, "بهار ۱۴۰۵", date(2026, 7, 1), "on_time"),
        (EDU, 2, "تابستان ۱۴۰۵", date(2026, 10, 2), "missing"),
        (EDU, 3, "پاییز ۱۴۰۵", date(2026, 12, 31), "pending"),
    ]
    assert set(df["period_year"]) == {1405}
    on_time = df[(df["agency"] == MUN) & (df["period_no"] == 2)].iloc[0]
    assert on_time["submitted_at"] == datetime(2026, 10, 2, 20, 0, tzinfo=UTC)
    assert df[df["state"].isin(["missing", "pending"])]["submitted_at"].isna().all()


def test_report_completeness_of_some_agencies_is_their_rows_of_the_whole(data: Data) -> None:
    """A liaison's inbox asks for its own agency's row: the same rows as the whole grid's."""
    _reports(data)
    periods = [SPRING, SUMMER, AUTUMN]
    with read_session(data.url) as s:
        whole = report_completeness(s, rule=RULE, periods=periods, today=TODAY)
        for names in ([WEL], [EDU, MUN], [GUEST], []):
            ids = [data.agency[n] for n in names]
            some = report_completeness(s, rule=RULE, periods=periods, today=TODAY, agency_ids=ids)
            expected = whole[whole["agency_id"].isin(ids)].reset_index(drop=True)
            assert records(some, list(some.columns)) == records(expected, list(expected.columns))
            assert set(some["agency_id"]) <= set(ids)
    assert len(whole[whole["agency"] == WEL]) == 3


def test_the_deadline_day_itself_is_not_yet_missing(data: Data) -> None:
    _reports(data)
    deadline = date(2026, 10, 2)
    with read_session(data.url) as s:
        on_the_day = report_completeness(s, rule=RULE, periods=[SUMMER], today=deadline)
        day_after = report_completeness(s, rule=RULE, periods=[SUMMER], today=date(2026, 10, 3))
        longer = report_completeness(
            s, rule=ReportRule("season", 11), periods=[SUMMER], today=date(2026, 10, 3)
        )
    assert records(on_the_day, ["agency", "state"]) == [
        (MUN, "on_time"),
        (WEL, "late"),
        (EDU, "pending"),
    ]
    assert records(day_after, ["agency", "state"]) == [
        (MUN, "on_time"),
        (WEL, "late"),
        (EDU, "missing"),
    ]
    # With 11 days the deadline is 10-03: WEL's 00:30 (Tehran) of 10-03 is on time.
    assert records(longer, ["agency", "state"]) == [
        (MUN, "on_time"),
        (WEL, "on_time"),
        (EDU, "pending"),
    ]


def test_report_completeness_by_month(data: Data) -> None:
    _reports(data)
    with read_session(data.url) as s:
        df = report_completeness(s, rule=ReportRule("month", 5), periods=[(1405, 6)], today=TODAY)
        empty = report_completeness(s, rule=RULE, periods=[], today=TODAY)
    # Shahrivar 1405 ends 2026-09-22, deadline 09-27; EDU sent on 09-25.
    assert records(df, ["agency", "label", "deadline", "state"]) == [
        (MUN, "شهریور ۱۴۰۵", date(2026, 9, 27), "missing"),
        (WEL, "شهریور ۱۴۰۵", date(2026, 9, 27), "missing"),
        (EDU, "شهریور ۱۴۰۵", date(2026, 9, 27), "on_time"),
    ]
    assert empty.empty and "state" in empty.columns


def test_recent_periods() -> None:
    assert recent_periods(RULE, TODAY) == [(1404, 4), (1405, 1), (1405, 2), (1405, 3)]
    month = ReportRule("month", 10)
    assert recent_periods(month, TODAY, count=3) == [(1405, 7), (1405, 8), (1405, 9)]
    # 2026-03-30 is 1405/01/10: the months wrap into 1404.
    assert recent_periods(month, date(2026, 3, 30), count=3) == [(1404, 11), (1404, 12), (1405, 1)]
    # 2026-03-20 is the last day of 1404 (winter): it has started, spring 1405 has not.
    assert recent_periods(RULE, date(2026, 3, 20), count=2) == [(1404, 3), (1404, 4)]


def test_period_labels() -> None:
    assert period_label("season", 1405, 1) == "بهار ۱۴۰۵"
    assert period_label("season", 1405, 4) == "زمستان ۱۴۰۵"
    assert period_label("month", 1405, 7) == "مهر ۱۴۰۵"
    assert delivery_period_label(date(2026, 3, 21), date(2027, 3, 20)) == "سال ۱۴۰۵"
    assert delivery_period_label(date(2026, 9, 23), date(2026, 12, 21)) == "پاییز ۱۴۰۵"
    assert delivery_period_label(date(2026, 11, 22), date(2026, 12, 21)) == "آذر ۱۴۰۵"
    assert delivery_period_label(date(2026, 10, 1), date(2026, 10, 5)) == (
        "۱۴۰۵/۰۷/۰۹ تا ۱۴۰۵/۰۷/۱۳"
    )


# --- the sample province ----------------------------------------------------------------------


def test_every_coverage_read_runs_on_the_sample_province(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        matrix = coverage_matrix(s)
        by_pair = gaps(s, by="neighborhood")
        by_county = gaps(s, by="county")
        by_service = gaps(s, by="service")
        ratios = service_ratios(s)
        periods = recent_periods(RULE, TODAY)
        complete = report_completeness(s, rule=RULE, periods=periods, today=TODAY)
        first = int(matrix["neighborhood_id"].iloc[0])
        profile = neighborhood_profile(s, first)
        rows = neighborhood_deliveries(s, first)
    assert len(matrix) > 0
    assert set(matrix["level"]) <= {"no_norm", "served", "none", "partial", "met"}
    assert (by_pair["gap"] > 0).all()
    assert list(by_pair["gap"]) == sorted(by_pair["gap"], reverse=True)
    normed = matrix[matrix["need"].notna()]
    assert by_county["need"].sum() == pytest.approx(normed["need"].sum())
    assert by_service["delivered"].sum() == pytest.approx(normed["delivered"].sum())
    assert (by_county["gap"] >= 0).all() and (by_service["gap"] >= 0).all()
    ratio = ratios["ratio"].dropna()
    assert len(ratios) > 0 and ((ratio >= 0) & (ratio <= 1)).all()
    assert set(complete["state"]) <= {"on_time", "late", "missing", "pending"}
    assert len(complete) % len(periods) == 0
    assert profile is not None and profile["id"] == first
    assert (rows["units"] >= 0).all()
