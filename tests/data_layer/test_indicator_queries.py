"""data_layer.queries.indicators on a small hand-made dataset (SQLite and PostgreSQL).

County «مرکزی»; agency EDU reports two seasonal indicators:
  LIT «سواد» (percent, higher better)  DROP «ترک تحصیل» (percent, lower better)
Neighborhoods N1, N2 and N3 (inactive). Baseline: زمستان ۱۴۰۳ (ends 2025-03-20);
target by 2027-03-20 (730 days later).

  N1 LIT 40 → 60: 45 (بهار ۱۴۰۴), 52 (زمستان ۱۴۰۴)       → on track, moved the right way
  N1 DROP 12 → 4: 9 (بهار ۱۴۰۴), 11 (زمستان ۱۴۰۴)        → off track, moved the wrong way
  N2 LIT 40 → 60: 50 (پاییز ۱۴۰۴), 99 REJECTED (زمستان) → latest counted 50 at پاییز: on track
                                                         not a move (its latest counted
                                                         period is not LIT's latest)
  N2 DROP: no target; 8 (زمستان ۱۴۰۴)
  N3 (inactive) LIT target, 10 → never counted
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session

from data_layer.commands.indicator_standing import refresh_standings
from data_layer.db import read_session, write_session
from data_layer.models import Agency, County, Neighborhood
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue
from data_layer.queries.indicators import (
    agency_value_grid,
    indicator_catalogue,
    indicator_value_rows,
    neighborhood_indicators,
    target_status_counts,
    target_statuses,
    wrong_way_count,
    wrong_way_moves,
)
from data_layer.rules.indicators import period_bounds


def _value(s: Session, n: int, i: int, year: int, no: int, value: float, **kw: object) -> None:
    s.add(
        IndicatorValue(
            neighborhood_id=n,
            indicator_id=i,
            period_year=year,
            period_no=no,
            period_end=period_bounds("season", year, no)[1],
            value=value,
            **kw,
        )
    )


def _target(s: Session, n: int, i: int, base: float, target: float) -> None:
    s.add(
        IndicatorTarget(
            neighborhood_id=n,
            indicator_id=i,
            baseline_value=base,
            baseline_year=1403,
            baseline_no=4,
            baseline_end=date(2025, 3, 20),
            target_value=target,
            target_on=date(2027, 3, 20),
        )
    )


@pytest.fixture
def world(db_url: str) -> dict[str, int]:
    with write_session(db_url) as s:
        county = County(name="مرکزی")
        edu = Agency(name="آموزش و پرورش", short_name="آموزش")
        s.add_all([county, edu])
        s.flush()
        assert county.id and edu.id
        n1, n2, n3 = (
            Neighborhood(county_id=county.id, name=name, population=1000, active=name != "ج")
            for name in ("الف", "ب", "ج")
        )
        lit = Indicator(name="سواد", unit="درصد", measure="percent", agency_id=edu.id)
        drop = Indicator(
            name="ترک تحصیل", unit="درصد", measure="percent", direction="lower", agency_id=edu.id
        )
        s.add_all([n1, n2, n3, lit, drop])
        s.flush()
        ids = {"n1": n1.id, "n2": n2.id, "n3": n3.id, "lit": lit.id, "drop": drop.id}
        ids["edu"] = edu.id
        n_1, n_2, n_3, li, dr = (ids[k] or 0 for k in ("n1", "n2", "n3", "lit", "drop"))
        _target(s, n_1, li, 40, 60)
        _target(s, n_1, dr, 12, 4)
        _target(s, n_2, li, 40, 60)
        _target(s, n_3, li, 40, 60)
        _value(s, n_1, li, 1404, 1, 45)
        _value(s, n_1, li, 1404, 4, 52)
        _value(s, n_1, dr, 1404, 1, 9)
        _value(s, n_1, dr, 1404, 4, 11)
        _value(s, n_2, li, 1404, 3, 50)
        _value(s, n_2, li, 1404, 4, 99, verification="rejected")
        _value(s, n_2, dr, 1404, 4, 8)
        _value(s, n_3, li, 1404, 4, 10)
        s.flush()
        refresh_standings(s)  # as every command does for what it wrote
        s.commit()
    return {k: v or 0 for k, v in ids.items()}


def test_a_neighborhoods_indicators_carry_baseline_target_values_and_status(
    db_url: str, world: dict[str, int]
) -> None:
    with read_session(db_url) as s:
        rows = {r.name: r for r in neighborhood_indicators(s, world["n1"])}
    lit, drop = rows["سواد"], rows["ترک تحصیل"]
    assert (lit.baseline_value, lit.target_value, lit.target_on) == (40, 60, date(2027, 3, 20))
    assert lit.baseline_label == "زمستان ۱۴۰۳"
    assert [(v.label, v.value) for v in lit.values] == [("بهار ۱۴۰۴", 45), ("زمستان ۱۴۰۴", 52)]
    assert (lit.status, lit.moved_wrong_way, lit.direction) == ("on_track", False, "higher")
    assert (drop.status, drop.moved_wrong_way, drop.direction) == ("off_track", True, "lower")


def test_rejected_values_show_but_do_not_count(db_url: str, world: dict[str, int]) -> None:
    with read_session(db_url) as s:
        rows = {r.name: r for r in neighborhood_indicators(s, world["n2"])}
    lit = rows["سواد"]
    assert [v.verification for v in lit.values] == ["unverified", "rejected"]
    assert lit.status == "on_track"
    assert not lit.moved_wrong_way
    assert rows["ترک تحصیل"].target_id is None and rows["ترک تحصیل"].status == "no_data"


def test_province_counts_leave_out_inactive_neighborhoods(
    db_url: str, world: dict[str, int]
) -> None:
    with read_session(db_url) as s:
        counts = target_status_counts(s)
        frame = target_statuses(s)
    assert counts == {"on_track": 2, "off_track": 1, "no_data": 0}
    assert set(frame["neighborhood_id"]) == {world["n1"], world["n2"]}


def test_wrong_way_moves_name_the_neighborhood_and_both_periods(
    db_url: str, world: dict[str, int]
) -> None:
    with read_session(db_url) as s:
        moves = wrong_way_moves(s)
    assert moves[["neighborhood", "indicator"]].values.tolist() == [["الف", "ترک تحصیل"]]
    row = moves.iloc[0]
    assert (row["previous_label"], row["previous_value"]) == ("بهار ۱۴۰۴", 9)
    assert (row["latest_label"], row["latest_value"]) == ("زمستان ۱۴۰۴", 11)
    with read_session(db_url) as s:
        assert wrong_way_count(s) == 1


def test_the_count_of_wrong_way_moves_is_the_full_list_and_a_limit_its_worst(
    seeded_url: str,
) -> None:
    """The overview and the projector list the worst few and count them all."""
    with read_session(seeded_url) as s:
        every = wrong_way_moves(s)
        worst = wrong_way_moves(s, limit=3)
        counted = wrong_way_count(s)
    assert counted == len(every) > 3
    pd.testing.assert_frame_equal(worst, every.head(3))


def test_catalogue_grid_and_rows(db_url: str, world: dict[str, int]) -> None:
    with read_session(db_url) as s:
        catalogue = indicator_catalogue(s)
        grid = agency_value_grid(s, world["edu"], "season", 1404, 4)
        rows = indicator_value_rows(s)
    assert list(catalogue["name"]) == ["ترک تحصیل", "سواد"]
    assert len(grid) == 4  # two active neighborhoods × two indicators
    filled = grid.dropna(subset=["value_id"])
    assert sorted(filled["value"]) == [8, 11, 52, 99]
    assert world["n3"] not in set(rows["neighborhood_id"])
    assert len(rows) == 7
