"""data_layer.rules.indicators: status against the straight line to the target, moves,
acceptable values and the indicator's periods."""

from __future__ import annotations

from datetime import date

import pytest

from data_layer.rules.indicators import (
    IndicatorStatus,
    Trend,
    better_or_equal,
    elapsed_share,
    expected_value,
    future_problem,
    moved_wrong_way,
    parse_period,
    period_bounds,
    period_label,
    range_problem,
    rate_problem,
    rate_value,
    status,
)

BASE = date(2025, 3, 20)  # the end of 1403 (a leap year)
TARGET = date(2027, 3, 20)  # two years later, 730 days
UP = Trend("higher", 40.0, BASE, 60.0, TARGET)  # literacy 40% → 60%
DOWN = Trend("lower", 12.0, BASE, 4.0, TARGET)  # dropout 12% → 4%
HALF = date(2026, 3, 20)  # 365 of 730 days


def test_no_value_after_the_baseline_is_no_data() -> None:
    assert status(UP, None) == IndicatorStatus.NO_DATA
    assert status(UP, (BASE, 90.0)) == IndicatorStatus.NO_DATA  # the baseline's own period
    assert status(UP, (date(2024, 12, 20), 90.0)) == IndicatorStatus.NO_DATA


def test_exactly_on_the_line_is_on_track_and_a_hair_below_is_off() -> None:
    assert elapsed_share(UP, HALF) == 0.5
    assert expected_value(UP, HALF) == 50.0
    assert status(UP, (HALF, 50.0)) == IndicatorStatus.ON_TRACK
    assert status(UP, (HALF, 49.99)) == IndicatorStatus.OFF_TRACK
    assert expected_value(DOWN, HALF) == 8.0
    assert status(DOWN, (HALF, 8.0)) == IndicatorStatus.ON_TRACK
    assert status(DOWN, (HALF, 8.01)) == IndicatorStatus.OFF_TRACK


def test_moving_toward_the_target_but_too_slowly_is_off_track() -> None:
    assert status(UP, (HALF, 45.0)) == IndicatorStatus.OFF_TRACK
    assert status(DOWN, (HALF, 10.0)) == IndicatorStatus.OFF_TRACK


def test_moving_the_wrong_way_is_off_track_and_overshooting_on_track() -> None:
    assert status(UP, (HALF, 30.0)) == IndicatorStatus.OFF_TRACK
    assert status(DOWN, (HALF, 14.0)) == IndicatorStatus.OFF_TRACK
    assert status(UP, (HALF, 70.0)) == IndicatorStatus.ON_TRACK
    assert status(DOWN, (HALF, 1.0)) == IndicatorStatus.ON_TRACK


def test_after_the_target_date_the_target_itself_is_expected() -> None:
    late = date(2028, 1, 1)
    assert elapsed_share(UP, late) == 1.0
    assert status(UP, (late, 60.0)) == IndicatorStatus.ON_TRACK
    assert status(UP, (late, 59.0)) == IndicatorStatus.OFF_TRACK


def test_a_target_equal_to_its_baseline_holds_the_line() -> None:
    hold = Trend("higher", 40.0, BASE, 40.0, TARGET)
    assert status(hold, (HALF, 40.0)) == IndicatorStatus.ON_TRACK
    assert status(hold, (HALF, 39.0)) == IndicatorStatus.OFF_TRACK


def test_a_move_is_wrong_by_the_direction_that_is_better() -> None:
    assert moved_wrong_way("higher", 50.0, 49.0)
    assert not moved_wrong_way("higher", 50.0, 50.0)
    assert moved_wrong_way("lower", 5.0, 6.0)
    assert not moved_wrong_way("lower", 5.0, 4.0)
    assert better_or_equal("lower", 4.0, 12.0)
    assert not better_or_equal("higher", 30.0, 40.0)


@pytest.mark.parametrize(
    ("measure", "value", "ok"),
    [
        ("count", 0, True),
        ("count", 12, True),
        ("count", 1.5, False),
        ("count", -1, False),
        ("rate", 0.25, True),
        ("rate", 1500.0, True),
        ("rate", -0.1, False),
        ("percent", 0, True),
        ("percent", 100, True),
        ("percent", 100.01, False),
        ("percent", -1, False),
        ("rate", float("nan"), False),
    ],
)
def test_ranges_by_kind(measure: str, value: float, ok: bool) -> None:
    assert (range_problem(measure, value) is None) == ok


def test_a_rate_needs_both_parts_and_a_denominator_above_zero() -> None:
    assert rate_value(3, 1200, 1000) == 2.5
    assert rate_problem(3, None) is not None
    assert "صفر" in (rate_problem(3, 0) or "")
    assert rate_problem(None, None) is None
    with pytest.raises(ValueError):
        rate_value(1, 0, 1000)


def test_periods_seasons_and_years() -> None:
    assert period_bounds("season", 1405, 1) == (date(2026, 3, 21), date(2026, 6, 21))
    assert period_bounds("year", 1403, 0) == (date(2024, 3, 20), date(2025, 3, 20))
    assert period_label("season", 1405, 4) == "زمستان ۱۴۰۵"
    assert period_label("year", 1404, 0) == "سال ۱۴۰۴"
    assert parse_period("season", "پاییز 1404") == (1404, 3)
    assert parse_period("year", "سال ۱۴۰۴") == (1404, 0)
    for kind, text in (("season", "۱۴۰۴"), ("year", "بهار ۱۴۰۴"), ("season", "بهارها ۱۴۰۴")):
        with pytest.raises(ValueError):
            parse_period(kind, text)


def test_a_period_that_has_not_begun_is_in_the_future() -> None:
    today = date(2026, 12, 7)  # پاییز ۱۴۰۵
    assert future_problem("season", 1405, 3, today) is None
    assert "هنوز" in (future_problem("season", 1405, 4, today) or "")
    assert future_problem("year", 1405, 0, today) is None
    assert future_problem("year", 1406, 0, today) is not None
