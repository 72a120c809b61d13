"""When a row is late, how late, and when an agency has gone quiet: one rule for the
overview, the matrix, «دستگاه من», the backlog, the carry-over agenda, the letters and
the meeting report.

due        = the agency's planned date, else the resolution's due date
overdue    = due before today (the due day itself is still on time) and not done
days late  = today - due for an overdue row, else 0
stale      = not done, and no report since the start (UTC) of the day `stale_days` ago
silent     = an agency with no report at all, or none for more than 2 x stale_days
unreported = never reported, not done, and passed at a meeting held more than
             REPORT_GRACE_DAYS ago (an agency is not chased about a fresh resolution)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Date, and_, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from data_layer.models import Assignment, AssignmentStatus, Meeting, Resolution

STALE_DAYS = 30  # days without a report after which a row is stale in the headline
REPORT_GRACE_DAYS = 14


def not_done() -> ColumnElement[bool]:
    """A row whose agency has not reported it done."""
    return col(Assignment.status) != AssignmentStatus.DONE.value


def effective_due() -> ColumnElement[Any]:
    """The date a row is due: the agency's planned date, else the resolution's
    (Resolution must be joined)."""
    return func.coalesce(col(Assignment.planned_date), col(Resolution.due_date), type_=Date)


def is_overdue(today: date) -> ColumnElement[bool]:
    """Past its date (the due date itself is still on time) and not done."""
    return and_(not_done(), effective_due() < today)


def days_late(due: date | None, today: date, *, overdue: bool = True) -> int:
    """How many days an overdue row is past its date; 0 for a row that is not late."""
    return (today - due).days if overdue and due is not None else 0


def stale_since(today: date, days: int) -> datetime:
    """Start (UTC) of the day `days` before today: older reports are stale."""
    return datetime.combine(today - timedelta(days=days), time(0), tzinfo=UTC)


def is_stale(today: date, days: int = STALE_DAYS) -> ColumnElement[bool]:
    """Not done, and never reported or not since `stale_since(today, days)`."""
    reported = col(Assignment.reported_at)
    return and_(not_done(), or_(reported.is_(None), reported < stale_since(today, days)))


def days_since(moment: Any, today: date) -> int | None:
    """Whole days from a report's (UTC) day to today; None when there was none."""
    return None if pd.isna(moment) else (today - moment.date()).days


def silent(days_since_update: int | None, stale_days: int) -> bool:
    """No report at all, or none for more than twice `stale_days`."""
    return days_since_update is None or days_since_update > 2 * stale_days


def fresh(days_since_update: int | None, stale_days: int) -> bool:
    """A report within the last `stale_days` days."""
    return days_since_update is not None and days_since_update <= stale_days


def grace_ended(today: date) -> date:
    """The latest meeting day whose resolutions an agency may be chased about."""
    return today - timedelta(days=REPORT_GRACE_DAYS)


def is_unreported(today: date) -> ColumnElement[bool]:
    """Never reported, not done, and its meeting past the grace period (Meeting joined)."""
    return and_(
        col(Assignment.reported_at).is_(None),
        not_done(),
        col(Meeting.held_on) <= grace_ended(today),
    )


def unreported_rows(rows: pd.DataFrame, today: date) -> pd.Series:
    """`is_unreported` over rows already read (reported_at, status and held_on columns)."""
    past_grace = pd.to_datetime(rows["held_on"]).dt.date <= grace_ended(today)
    never = rows["reported_at"].isna() & (rows["status"] != AssignmentStatus.DONE.value)
    return never & past_grace
