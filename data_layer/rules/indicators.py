"""Indicators: which values are acceptable, how a rate is computed, and whether a
neighborhood's indicator is on track toward its target — one home for each rule.

Status (on track / off track / no data), for one (neighborhood, indicator) with a
baseline (a value in a period ending on `baseline_end`) and a target (a value by
`target_on`):

- **no data**: no value (not rejected) for a period that ends after the baseline's.
- otherwise take the latest such value and the day its period ends, `d`. The share of
  the time elapsed is `f = (d - baseline_end) / (target_on - baseline_end)`, kept
  within 0..1. The value expected by then is `baseline + f × (target - baseline)`: a
  straight line from the baseline to the target.
- **on track** when the latest value is at least as good as that expected value
  (higher or equal when higher is better, lower or equal when lower is better);
  **off track** otherwise. A target equal to its baseline ("hold the line") is on
  track while the value is not worse than the baseline.

Elapsed time is measured to the end of the latest value's period, not to today: a
value describes its period, and the weeks agencies take to report must not turn a
neighborhood red.

A value "moved the wrong way" when it is worse than the value of the period before it
that the same neighborhood reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from data_layer.jalali import (
    JalaliDateError,
    jalali_month_bounds,
    jalali_season_bounds,
    to_ascii_digits,
    to_fa_digits,
    to_jalali,
)
from data_layer.models_indicators import IndicatorDirection, IndicatorMeasure, IndicatorPeriod

# Two floats this close are equal (values are rounded to 4 decimals when stored).
_EPSILON = 1e-9


class IndicatorStatus(StrEnum):
    """Where a neighborhood's indicator stands against its target."""

    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


STATUS_LABELS: dict[str, str] = {
    IndicatorStatus.ON_TRACK: "در مسیر هدف",
    IndicatorStatus.OFF_TRACK: "دور از هدف",
    IndicatorStatus.NO_DATA: "بدون داده",
}
DIRECTION_LABELS: dict[str, str] = {
    IndicatorDirection.HIGHER: "بالاتر بهتر",
    IndicatorDirection.LOWER: "پایین‌تر بهتر",
}
# A mark for each status, so it reads without colour too.
STATUS_MARKS: dict[str, str] = {
    IndicatorStatus.ON_TRACK: "▲",
    IndicatorStatus.OFF_TRACK: "▼",
    IndicatorStatus.NO_DATA: "○",
}


@dataclass(frozen=True)
class Trend:
    """A baseline and a target: the straight line the values should follow."""

    direction: str  # IndicatorDirection
    baseline_value: float
    baseline_end: date
    target_value: float
    target_on: date


def _sign(direction: str) -> int:
    return 1 if direction == IndicatorDirection.HIGHER else -1


def elapsed_share(trend: Trend, day: date) -> float:
    """Share (0..1) of the time from the baseline's period end to the target date by `day`."""
    span = (trend.target_on - trend.baseline_end).days
    if span <= 0:
        return 1.0
    return min(max((day - trend.baseline_end).days / span, 0.0), 1.0)


def expected_value(trend: Trend, day: date) -> float:
    """The value the straight line from baseline to target reaches on `day`."""
    share = elapsed_share(trend, day)
    return trend.baseline_value + share * (trend.target_value - trend.baseline_value)


def status(trend: Trend, latest: tuple[date, float] | None) -> IndicatorStatus:
    """On track, off track or no data, from the latest value `(period_end, value)`
    reported for a period after the baseline's (None when there is none)."""
    if latest is None or latest[0] <= trend.baseline_end:
        return IndicatorStatus.NO_DATA
    day, value = latest
    gap = _sign(trend.direction) * (value - expected_value(trend, day))
    return IndicatorStatus.ON_TRACK if gap >= -_EPSILON else IndicatorStatus.OFF_TRACK


def moved_wrong_way(direction: str, previous: float, latest: float) -> bool:
    """True when `latest` is worse than `previous` for an indicator of this direction."""
    return _sign(direction) * (latest - previous) < -_EPSILON


def better_or_equal(direction: str, value: float, than: float) -> bool:
    """True when `value` is as good as `than` or better (a target against its baseline)."""
    return _sign(direction) * (value - than) >= -_EPSILON


# --- acceptable values ----------------------------------------------------------------------


def range_problem(measure: str, value: float) -> str | None:
    """Why `value` cannot be a value of an indicator of this kind (Persian), or None.

    Counts are whole numbers ≥ 0, rates are ≥ 0, percentages lie within 0..100."""
    if value != value or value in (float("inf"), float("-inf")):
        return "عدد معتبر نیست."
    if value < 0:
        return "مقدار شاخص نمی‌تواند منفی باشد."
    if measure == IndicatorMeasure.COUNT and value != int(value):
        return "این شاخص شمارشی است و مقدار آن باید عدد صحیح باشد."
    if measure == IndicatorMeasure.PERCENT and value > 100:
        return "این شاخص درصدی است و مقدار آن باید بین ۰ و ۱۰۰ باشد."
    return None


def rate_value(numerator: float, denominator: float, per: float) -> float:
    """numerator / denominator × per, rounded as stored; the denominator must be > 0."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return round(numerator / denominator * per, 4)


def rate_problem(numerator: float | None, denominator: float | None) -> str | None:
    """Why a numerator and denominator cannot make a rate (Persian), or None."""
    if (numerator is None) != (denominator is None):
        return "برای شاخص نسبتی صورت و مخرج هر دو لازم است."
    if denominator is not None and denominator == 0:
        return "مخرج نسبت صفر است؛ نسبت با مخرج صفر تعریف نمی‌شود."
    if denominator is not None and denominator < 0:
        return "مخرج نسبت نمی‌تواند منفی باشد."
    if numerator is not None and numerator < 0:
        return "صورت نسبت نمی‌تواند منفی باشد."
    return None


# --- periods: a season (1-4) of a Jalali year, or the whole year (number 0) -----------------

SEASONS: tuple[str, ...] = ("بهار", "تابستان", "پاییز", "زمستان")


def period_bounds(kind: str, year: int, number: int) -> tuple[date, date]:
    """First and last Gregorian day of an indicator's period."""
    if kind == IndicatorPeriod.YEAR:
        return jalali_month_bounds(year, 1)[0], jalali_month_bounds(year, 12)[1]
    return jalali_season_bounds(year, number)


def period_label(kind: str, year: int, number: int) -> str:
    """«بهار ۱۴۰۵» for a season, «سال ۱۴۰۵» for a year."""
    if kind == IndicatorPeriod.YEAR:
        return f"سال {to_fa_digits(year)}"
    return f"{SEASONS[number - 1]} {to_fa_digits(year)}"


def period_of(kind: str, day: date) -> tuple[int, int]:
    """The indicator period a day falls in."""
    j = to_jalali(day)
    if kind == IndicatorPeriod.YEAR:
        return int(j.year), 0
    return int(j.year), (int(j.month) - 1) // 3 + 1


def previous_periods(kind: str, today: date, count: int) -> list[tuple[int, int]]:
    """The current period and the `count - 1` before it, newest first."""
    year, number = period_of(kind, today)
    periods: list[tuple[int, int]] = []
    for _ in range(max(count, 0)):
        periods.append((year, number))
        if kind == IndicatorPeriod.YEAR:
            year -= 1
        else:
            year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return periods


def parse_period(kind: str, text: str) -> tuple[int, int]:
    """«بهار ۱۴۰۵» / «۱۴۰۵» / «سال ۱۴۰۵» → (year, number); ValueError (Persian) otherwise."""
    words = to_ascii_digits(" ".join(str(text).replace("‌", " ").split())).split(" ")
    years = [w for w in words if w.isdigit()]
    names = [w for w in words if not w.isdigit() and w != "سال"]
    if len(years) != 1 or not 1300 <= int(years[0]) <= 1500:
        raise ValueError("دوره را مانند «بهار ۱۴۰۵» یا «۱۴۰۵» بنویسید.")
    year = int(years[0])
    if kind == IndicatorPeriod.YEAR:
        if names:
            raise ValueError("این شاخص سالانه است؛ دوره را فقط با سال بنویسید، مانند «۱۴۰۵».")
        return year, 0
    if len(names) != 1 or names[0] not in SEASONS:
        raise ValueError("این شاخص فصلی است؛ دوره را مانند «بهار ۱۴۰۵» بنویسید.")
    return year, SEASONS.index(names[0]) + 1


def future_problem(kind: str, year: int, number: int, today: date) -> str | None:
    """A period that has not begun by `today` cannot have a value (Persian), else None."""
    try:
        start, _ = period_bounds(kind, year, number)
    except JalaliDateError:
        return "دوره معتبر نیست."
    if start > today:
        return f"دورهٔ «{period_label(kind, year, number)}» هنوز نرسیده است."
    return None
