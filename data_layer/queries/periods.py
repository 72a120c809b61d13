"""Reporting periods (Jalali months and seasons) and whether member agencies reported on them.

Resolution 12 of the working group: agencies send a performance report per period, by a
deadline a number of days after the period ends (the rule of data_layer/rules/completeness.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from data_layer.jalali import (
    format_jalali,
    format_jalali_month,
    jalali_month_bounds,
    jalali_season_bounds,
    to_fa_digits,
    to_jalali,
)
from data_layer.models import Agency, PerformanceReport, PeriodKind
from data_layer.queries.membership import every_agency_periods, member_between
from data_layer.rules.completeness import ReportRule, deadline, report_state

SEASONS: tuple[str, ...] = ("بهار", "تابستان", "پاییز", "زمستان")


# --- periods ---------------------------------------------------------------------------


def period_bounds(kind: str, year: int, number: int) -> tuple[date, date]:
    """First and last Gregorian day of a Jalali month (1-12) or season (1-4)."""
    if kind == PeriodKind.MONTH:
        return jalali_month_bounds(year, number)
    return jalali_season_bounds(year, number)


def period_label(kind: str, year: int, number: int) -> str:
    """«بهار ۱۴۰۵» for a season, «مهر ۱۴۰۵» for a month."""
    if kind == PeriodKind.MONTH:
        return format_jalali_month(year, number)
    return f"{SEASONS[number - 1]} {to_fa_digits(year)}"


def period_of(kind: str, day: date) -> tuple[int, int]:
    """The Jalali (year, month) or (year, season) a day falls in."""
    j = to_jalali(day)
    return (int(j.year), int(j.month) if kind == PeriodKind.MONTH else (int(j.month) - 1) // 3 + 1)


def recent_periods(rule: ReportRule, today: date, count: int = 4) -> list[tuple[int, int]]:
    """The last `count` periods that have started by today (the current one too), oldest first."""
    per_year = 12 if rule.period_kind == PeriodKind.MONTH else 4
    year, number = period_of(rule.period_kind, today)
    periods: list[tuple[int, int]] = []
    for _ in range(max(count, 0)):
        periods.append((year, number))
        number -= 1
        if number == 0:
            year, number = year - 1, per_year
    return periods[::-1]


def delivery_period_label(start: date, end: date) -> str:
    """«سال ۱۴۰۵», «بهار ۱۴۰۵», «مهر ۱۴۰۵», or «از … تا …» for any other span."""
    year = int(to_jalali(start).year)
    if (start, end) == (jalali_month_bounds(year, 1)[0], jalali_month_bounds(year, 12)[1]):
        return f"سال {to_fa_digits(year)}"
    for kind in (PeriodKind.SEASON, PeriodKind.MONTH):
        _, number = period_of(kind, start)
        if (start, end) == period_bounds(kind, year, number):
            return period_label(kind, year, number)
    return f"{format_jalali(start)} تا {format_jalali(end)}"


# --- performance reports -------------------------------------------------------------------

COMPLETENESS_COLUMNS = [
    "agency_id",
    "agency",
    "period_year",
    "period_no",
    "label",
    "deadline",
    "submitted_at",
    "state",
]
_REPORT_KEYS = ["agency_id", "period_year", "period_no"]


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _member_agencies(
    session: Session, start: date, end: date, agency_ids: Sequence[int] | None
) -> pd.DataFrame:
    """Agencies that were members at some time in [start, end] (agency_id, agency), in the
    group's order; only those of `agency_ids` when given."""
    stmt = select(col(Agency.id), col(Agency.short_name)).where(member_between(start, end))
    if agency_ids is not None:
        stmt = stmt.where(col(Agency.id).in_(list(agency_ids)))
    return _frame(
        session.execute(stmt.order_by(col(Agency.sort_order), col(Agency.id))).all(),
        ["agency_id", "agency"],
    )


def _was_member(session: Session, df: pd.DataFrame, rule: ReportRule) -> pd.Series:
    """For each (agency, period) row: was the agency a member during that period?"""
    periods = every_agency_periods(session)
    bounds = {
        (y, n): period_bounds(rule.period_kind, y, n)
        for y, n in set(zip(df["period_year"], df["period_no"], strict=True))
    }

    def covered(agency_id: int, year: int, no: int) -> bool:
        start, end = bounds[(year, no)]
        return any(
            (f is None or f <= end) and (t is None or t >= start)
            for f, t in periods.get(agency_id, [])
        )

    return pd.Series(
        [
            covered(int(a), int(y), int(n))
            for a, y, n in zip(df["agency_id"], df["period_year"], df["period_no"], strict=True)
        ],
        index=df.index,
        dtype=bool,
    )


def _submitted_reports(
    session: Session,
    *,
    rule: ReportRule,
    periods: list[tuple[int, int]],
    agency_ids: Sequence[int] | None,
) -> pd.DataFrame:
    """Submitted reports of member agencies for the rule's kind of period, in `periods`
    (of `agency_ids` only, when given)."""
    r = PerformanceReport
    stmt = select(col(r.agency_id), col(r.period_year), col(r.period_no), col(r.submitted_at)).join(
        Agency, col(Agency.id) == col(r.agency_id)
    )
    if agency_ids is not None:
        stmt = stmt.where(col(r.agency_id).in_(list(agency_ids)))
    reports = _frame(
        session.execute(
            stmt.where(
                col(r.period_kind) == rule.period_kind,
                col(r.submitted_at).is_not(None),
                or_(
                    *(
                        and_(col(r.period_year) == y, col(r.period_no) == n)
                        for y, n in dict.fromkeys(periods)
                    )
                ),
            )
        ).all(),
        [*_REPORT_KEYS, "submitted_at"],
    )
    # An empty result has object columns, which pandas will not merge with the grid's ints.
    reports[_REPORT_KEYS] = reports[_REPORT_KEYS].astype(int)
    return reports


def _period_grid(rule: ReportRule, periods: list[tuple[int, int]]) -> pd.DataFrame:
    """One row per period: year, number, label and the report deadline."""
    grid = pd.DataFrame(
        [
            (y, n, period_label(rule.period_kind, y, n), period_bounds(rule.period_kind, y, n)[1])
            for y, n in periods
        ],
        columns=["period_year", "period_no", "label", "period_end"],
    )
    grid["deadline"] = [deadline(rule, end) for end in grid["period_end"]]
    return grid.drop(columns="period_end")


def report_completeness(
    session: Session,
    *,
    rule: ReportRule,
    periods: list[tuple[int, int]],
    today: date,
    agency_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Member agency x period: when each report came and whether by the deadline (of the
    agencies of `agency_ids` only, when given: a liaison's inbox reads its own row).

    deadline and state as data_layer/rules/completeness.py defines them: 'on_time', 'late',
    'missing' (deadline passed, nothing submitted) or 'pending' (nothing yet).
    """
    if not periods:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    spans = [period_bounds(rule.period_kind, y, n) for y, n in periods]
    agencies = _member_agencies(
        session, min(s for s, _ in spans), max(e for _, e in spans), agency_ids
    )
    if agencies.empty:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    reports = _submitted_reports(session, rule=rule, periods=periods, agency_ids=agency_ids)
    df = agencies.merge(_period_grid(rule, periods), how="cross").merge(
        reports, how="left", on=_REPORT_KEYS
    )
    # An agency counts only for the periods it was a member (a report it sent anyway stays).
    df = df[_was_member(session, df, rule) | df["submitted_at"].notna()]
    if df.empty:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    df["state"] = [
        report_state(None if pd.isna(m) else m, due, today)
        for m, due in zip(df["submitted_at"], df["deadline"], strict=True)
    ]
    # pandas turns the merged moments into Timestamp/NaT; callers expect datetime or None.
    df["submitted_at"] = pd.Series(
        [None if pd.isna(m) else pd.Timestamp(m).to_pydatetime() for m in df["submitted_at"]],
        index=df.index,
        dtype=object,
    )
    return df[COMPLETENESS_COLUMNS].reset_index(drop=True)
