"""An agency's colour on the scorecards: red, amber or green from the thresholds the
secretariat sets in «تنظیمات».

red   = share done < red_done_share, or overdue >= red_overdue, or silent (no report at
        all, or none for more than 2 x stale_days)
green = share done >= green_done_share, overdue < amber_overdue, and a report within
        stale_days
amber = otherwise
"""

from __future__ import annotations

from dataclasses import dataclass

from data_layer.rules.lateness import STALE_DAYS, fresh, silent

RAG_ORDER = {"red": 0, "amber": 1, "green": 2}  # worst first


@dataclass(frozen=True)
class Thresholds:
    """Where an agency's scorecard turns red, amber or green (shares are 0-1)."""

    green_done_share: float = 0.6
    red_done_share: float = 0.3
    amber_overdue: int = 1
    red_overdue: int = 3
    stale_days: int = STALE_DAYS


def rag_for(share_done: float, overdue: int, days_since_update: int | None, t: Thresholds) -> str:
    """One agency's colour under `t` (see the module's rule)."""
    if (
        share_done < t.red_done_share
        or overdue >= t.red_overdue
        or silent(days_since_update, t.stale_days)
    ):
        return "red"
    if (
        share_done >= t.green_done_share
        and overdue < t.amber_overdue
        and fresh(days_since_update, t.stale_days)
    ):
        return "green"
    return "amber"
