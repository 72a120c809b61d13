"""Progress: which status goes with which progress % (one rule for the liaison's form,
the grid and every import), and a resolution's progress over its rows, weighted towards
its lead owner (the matrix, the meeting report and a meeting's record alike).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Float, case, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from data_layer.jalali import format_number
from data_layer.labels import STATUS_LABELS
from data_layer.models import Assignment, AssignmentStatus, Resolution


def status_progress_problem(status: str, progress: int) -> str | None:
    """Why a status and a progress % cannot stand together, or None if they can.

    «انجام نشده» has no progress; «انجام شده» is 100%, and 100% is «انجام شده».
    """
    shown = format_number(progress)
    if status == AssignmentStatus.NOT_STARTED and progress > 0:
        return (
            f"برای وضعیت «{STATUS_LABELS['not_started']}» پیشرفت باید ۰٪ باشد (اکنون {shown}٪)؛"
            f" اگر کار آغاز شده، «{STATUS_LABELS['in_progress']}» را برگزینید."
        )
    if status == AssignmentStatus.DONE and progress != 100:
        return (
            f"برای وضعیت «{STATUS_LABELS['done']}» پیشرفت باید ۱۰۰ باشد؛"
            f" اکنون {shown}٪ است، نه ۱۰۰٪."
        )
    if progress == 100 and status != AssignmentStatus.DONE:
        return (
            f"پیشرفت ۱۰۰٪ یعنی «{STATUS_LABELS['done']}»، نه «{STATUS_LABELS.get(status, status)}»؛"
            " وضعیت را «انجام شده» کنید یا پیشرفت را درست بنویسید."
        )
    return None


def blocked_without_reason(status: str, old_status: str, texts: tuple[str, ...]) -> str | None:
    """A row newly set to «متوقف» must say what stopped it (in the next step or what was
    done), so the secretariat can act on it."""
    if status != AssignmentStatus.BLOCKED or old_status == AssignmentStatus.BLOCKED:
        return None
    if any(t.strip() for t in texts):
        return None
    return (
        f"برای وضعیت «{STATUS_LABELS['blocked']}» بنویسید چه چیزی کار را متوقف کرده است"
        " (در «گام بعدی» یا «اقدامات انجام‌شده»)."
    )


def weighted_progress(lead_weight: int) -> ColumnElement[Any]:
    """A resolution's progress over its rows, grouped by resolution (Resolution joined):
    (the lead's progress x lead_weight + each other row's progress) / (lead_weight +
    the other rows); the plain mean when it has no lead; NULL when it has no rows."""
    weight = case(
        (col(Assignment.id).is_(None), 0),
        (col(Assignment.agency_id) == col(Resolution.lead_agency_id), literal(int(lead_weight))),
        else_=1,
    )
    total = cast(func.sum(col(Assignment.progress) * weight), Float)
    return total / func.nullif(func.sum(weight), 0)


def weighted_progress_of(rows: pd.DataFrame, by: str, lead_weight: int) -> pd.Series:
    """`weighted_progress` over rows already read (progress and is_lead columns), per
    value of the column `by`; a group without rows is absent."""
    weight = rows["is_lead"].map(lambda lead: lead_weight if lead else 1).astype(float)
    weighted = (rows["progress"].astype(float) * weight).groupby(rows[by]).sum()
    return weighted / weight.groupby(rows[by]).sum()
