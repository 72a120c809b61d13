"""The sample indicators: eight measures of a neighborhood's condition, each neighborhood's
baseline and target, and values for its recent periods — all marked is_sample.

Idempotent: the catalogue is added once (by name), and a neighborhood gets targets and
values only while it has none (so the benchmark's scaled copies get theirs too). Each
neighborhood draws from its own generator, seeded with its name: the same place gets
the same figures whatever else is in the database and whatever day the seed runs for
(only the periods follow `as_of`). It uses none of the sample province's generator, so
every other sample figure stays as it was.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, col

from data_layer.commands.indicator_standing import refresh_standings
from data_layer.models import Agency, Neighborhood, Verification
from data_layer.models_indicators import (
    Indicator,
    IndicatorStanding,
    IndicatorTarget,
    IndicatorValue,
)
from data_layer.rules import indicators as rule

_CHUNK = 5_000
SOURCE = "دادهٔ نمونه"
SEASONS_KEPT = 8  # seasonal indicators: the last eight ended seasons
YEARS_KEPT = 4  # yearly ones: the last four ended years


@dataclass(frozen=True)
class SampleIndicator:
    """One sample indicator and the range its baselines are drawn from."""

    name: str
    definition: str
    unit: str
    direction: str
    period_kind: str
    agency: str  # the reporting agency's short name
    measure: str
    numerator_label: str
    denominator_label: str
    per: float
    low: float  # baselines lie between low and high
    high: float
    gain: float  # the target improves the baseline by this share


SAMPLE_INDICATORS: tuple[SampleIndicator, ...] = (
    SampleIndicator(
        "نرخ ترک تحصیل دانش‌آموزان",
        "درصد دانش‌آموزان ثبت‌نام‌شدهٔ محله که در طول سال تحصیلی ترک تحصیل کرده‌اند.",
        "درصد",
        "lower",
        "season",
        "آموزش و پرورش",
        "percent",
        "دانش‌آموزان ترک تحصیل‌کرده",
        "دانش‌آموزان ثبت‌نام‌شده",
        100,
        6,
        15,
        0.4,
    ),
    SampleIndicator(
        "نرخ باسوادی بزرگسالان",
        "درصد ساکنان ۱۵ سال به بالای محله که خواندن و نوشتن می‌دانند.",
        "درصد",
        "higher",
        "year",
        "آموزش و پرورش",
        "percent",
        "باسوادان ۱۵ سال به بالا",
        "جمعیت ۱۵ سال به بالا",
        100,
        70,
        88,
        0.08,
    ),
    SampleIndicator(
        "نرخ اشتغال",
        "درصد شاغلان از جمعیت فعال محله (۱۵ تا ۶۴ سال در جست‌وجوی کار یا شاغل).",
        "درصد",
        "higher",
        "season",
        "تعاون، کار و رفاه",
        "percent",
        "شاغلان",
        "جمعیت فعال",
        100,
        55,
        78,
        0.1,
    ),
    SampleIndicator(
        "پذیرش در مراکز درمان اعتیاد",
        "شمار ساکنان محله که در فصل در مراکز درمان و کاهش آسیب اعتیاد پذیرش شده‌اند.",
        "نفر",
        "higher",
        "season",
        "بهزیستی",
        "count",
        "",
        "",
        1,
        5,
        60,
        0.5,
    ),
    SampleIndicator(
        "پوشش حمایتی خانوارهای نیازمند",
        "درصد خانوارهای نیازمند شناسایی‌شدهٔ محله که زیر پوشش مستمر حمایتی هستند.",
        "درصد",
        "higher",
        "season",
        "کمیته امداد",
        "percent",
        "خانوارهای زیر پوشش",
        "خانوارهای نیازمند شناسایی‌شده",
        100,
        35,
        70,
        0.3,
    ),
    SampleIndicator(
        "اعضای کتابخانه در هر هزار نفر",
        "شمار اعضای فعال کتابخانه‌های عمومی از ساکنان محله به ازای هر هزار نفر.",
        "نفر در هزار",
        "higher",
        "season",
        "کتابخانه‌های عمومی",
        "rate",
        "اعضای فعال",
        "جمعیت محله",
        1000,
        5,
        40,
        0.6,
    ),
    SampleIndicator(
        "سرانهٔ فضای ورزشی",
        "متر مربع فضای ورزشی سرپوشیده و روباز در دسترس ساکنان، به ازای هر نفر.",
        "متر مربع برای هر نفر",
        "higher",
        "year",
        "ورزش و جوانان",
        "rate",
        "متر مربع فضای ورزشی",
        "جمعیت محله",
        1,
        0.1,
        0.8,
        0.5,
    ),
    SampleIndicator(
        "مراجعه به پایگاه سلامت در هر هزار نفر",
        "شمار مراجعه‌های ساکنان محله به پایگاه سلامت در فصل، به ازای هر هزار نفر.",
        "مراجعه در هزار",
        "higher",
        "season",
        "علوم پزشکی",
        "rate",
        "مراجعه‌ها",
        "جمعیت محله",
        1000,
        150,
        600,
        0.3,
    ),
)


def _catalogue(session: Session) -> list[tuple[Indicator, SampleIndicator]]:
    """The sample indicators, added once; those whose agency is missing are left out."""
    agencies = {a.short_name: a.id for a in session.execute(select(Agency)).scalars()}
    stored = {i.name: i for i in session.execute(select(Indicator)).scalars()}
    out = []
    for spec in SAMPLE_INDICATORS:
        row = stored.get(spec.name)
        if row is None and spec.agency in agencies:
            row = Indicator(
                name=spec.name,
                definition=spec.definition,
                unit=spec.unit,
                direction=spec.direction,
                period_kind=spec.period_kind,
                agency_id=agencies[spec.agency] or 0,
                measure=spec.measure,
                numerator_label=spec.numerator_label,
                denominator_label=spec.denominator_label,
                per_multiplier=spec.per,
                is_sample=True,
            )
            session.add(row)
            session.flush()
        if row is not None:
            out.append((row, spec))
    return out


def _ended_periods(kind: str, as_of: date, count: int) -> list[tuple[int, int]]:
    """The last `count` periods that ended before `as_of`, oldest first."""
    periods = rule.previous_periods(kind, as_of, count + 1)[1:]
    return periods[::-1]


def _clip(spec: SampleIndicator, value: float) -> float:
    value = max(0.0, value)
    if spec.measure == "percent":
        value = min(100.0, value)
    return float(round(value)) if spec.measure == "count" else round(value, 2)


def _series(
    rng: random.Random, spec: SampleIndicator, kind_periods: list[tuple[int, int]], steps: int
) -> tuple[float, float, list[float]]:
    """A baseline, a target and one value per period: some neighborhoods keep pace,
    some lag, some slip back."""
    sign = 1 if spec.direction == "higher" else -1
    base = rng.uniform(spec.low, spec.high)
    goal = base * (1 + sign * spec.gain)
    pace = rng.choice((1.6, 1.4, 1.25, 1.1, 0.7, 0.4, -0.3))
    values = []
    for k in range(1, len(kind_periods) + 1):
        drift = (goal - base) * pace * k / steps
        noise = rng.gauss(0, abs(goal - base) * 0.06)
        values.append(_clip(spec, base + drift + noise))
    return _clip(spec, base), _clip(spec, goal), values


def seed_sample_indicators(session: Session, as_of: date) -> dict[str, int]:
    """The sample catalogue, and targets and values for every sample neighborhood that
    has none yet; returns the rows added by table."""
    catalogue = _catalogue(session)
    done = {n for (n,) in session.execute(select(col(IndicatorTarget.neighborhood_id))).all()}
    done |= {n for (n,) in session.execute(select(col(IndicatorValue.neighborhood_id))).all()}
    hoods = [
        h
        for h in session.execute(
            select(Neighborhood).where(col(Neighborhood.is_sample).is_(True))
        ).scalars()
        if h.id not in done
    ]
    now = datetime.combine(as_of, time(0, 0), tzinfo=UTC) - timedelta(minutes=1)
    targets: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    for hood in hoods:
        rng = random.Random(f"indicators-{hood.name}")
        for ind, spec in catalogue:
            kept = SEASONS_KEPT if spec.period_kind == "season" else YEARS_KEPT
            periods = _ended_periods(spec.period_kind, as_of, kept + 1)
            base_period, reported = periods[0], periods[1:]
            # The target: four years after the baseline, so `steps` periods away.
            steps = 16 if spec.period_kind == "season" else 4
            base, goal, series = _series(rng, spec, reported, steps)
            chance = rng.random()
            if chance < 0.05:
                reported, series = [], []  # never reported since the baseline
            elif chance < 0.15:
                reported, series = reported[:-1], series[:-1]  # the last period not in yet
            base_end = rule.period_bounds(spec.period_kind, *base_period)[1]
            if rng.random() < 0.9:
                targets.append(
                    {
                        "neighborhood_id": hood.id,
                        "indicator_id": ind.id,
                        "baseline_value": base,
                        "baseline_year": base_period[0],
                        "baseline_no": base_period[1],
                        "baseline_end": base_end,
                        "target_value": goal,
                        "target_on": base_end + timedelta(days=365 * 4),
                        "note": "",
                        "updated_at": now,
                        "version": 1,
                        "is_sample": True,
                    }
                )
            for (year, number), value in zip(reported, series, strict=True):
                values.append(_value_row(rng, hood, ind, spec, (year, number), value, now))
    _insert(session, IndicatorTarget, targets)
    _insert(session, IndicatorValue, values)
    if targets or values or session.execute(select(IndicatorStanding)).first() is None:
        refresh_standings(session)
    return {"indicator_target": len(targets), "indicator_value": len(values)}


def _value_row(
    rng: random.Random,
    hood: Neighborhood,
    ind: Indicator,
    spec: SampleIndicator,
    period: tuple[int, int],
    value: float,
    now: datetime,
) -> dict[str, Any]:
    end = rule.period_bounds(spec.period_kind, *period)[1]
    numerator = denominator = None
    if spec.measure == "rate" and hood.population > 0:
        denominator = float(hood.population)
        numerator = round(value * denominator / spec.per, 1)
        value = rule.rate_value(numerator, denominator, spec.per)
    reported = min(datetime.combine(end, time(9, 0), tzinfo=UTC) + timedelta(days=20), now)
    return {
        "neighborhood_id": hood.id,
        "indicator_id": ind.id,
        "period_year": period[0],
        "period_no": period[1],
        "period_end": end,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "source": SOURCE,
        "note": "",
        "verification": (
            Verification.DOCUMENT_SEEN.value
            if rng.random() < 0.4
            else Verification.UNVERIFIED.value
        ),
        "verification_note": "",
        "reported_at": reported,
        "version": 1,
        "is_sample": True,
    }


def _insert(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    for i in range(0, len(rows), _CHUNK):
        session.execute(insert(model), list(rows[i : i + _CHUNK]))
