"""How complete the follow-up is: one rule for the share of rows done (scorecards, the
matrix, the meeting report) and for whether each member agency reported on each period
(resolution 5).

share done = done rows / rows (0 when there are none)
deadline   = the period's last day + rule.days_after_period_end (that day is on time)
state      = 'on_time' or 'late' (submitted by or after the deadline, in the working
             group's calendar), 'missing' (nothing, deadline passed) or 'pending'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import pandas as pd

from data_layer import clock
from data_layer.models import PeriodKind

ReportState = Literal["on_time", "late", "missing", "pending"]
REPORT_STATE_LABELS: dict[str, str] = {
    "on_time": "به‌موقع",
    "late": "با تأخیر",
    "missing": "ارسال نشده",
    "pending": "در مهلت",
}


@dataclass(frozen=True)
class ReportRule:
    """Which periods agencies report on, and how many days after a period ends they may."""

    period_kind: str = PeriodKind.SEASON.value  # 'month' or 'season'
    days_after_period_end: int = 10


def share_done(done: float, rows: float) -> float:
    """done / rows, 0 when there are no rows."""
    return done / rows if rows else 0.0


def share_done_of(done: pd.Series, rows: pd.Series) -> pd.Series:
    """`share_done` row by row over two columns."""
    return (done / rows).where(rows > 0, 0.0).astype(float)


def deadline(rule: ReportRule, period_end: date) -> date:
    """The last day a report on a period that ended on `period_end` is on time."""
    return period_end + timedelta(days=rule.days_after_period_end)


def report_state(submitted_at: datetime | None, due: date, today: date) -> ReportState:
    """A report's ReportState, comparing its local submission day with its deadline."""
    if submitted_at is None or pd.isna(submitted_at):
        return "missing" if today > due else "pending"
    return "on_time" if clock.local_day(submitted_at) <= due else "late"
