"""The one clock: what time and day it is for the working group.

Every read of "now" or "today" in the product goes through here, so a test (or a
demonstration) can move the whole installation to another day at once: the
`DASHBOARD_CLOCK_SHIFT_SECONDS` environment variable adds that many seconds to the
server's clock in every process that inherits it (the test suite sets it so that
"today" is the day its sample data was built for, whatever day the suite runs).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

TZ_NAME = "Asia/Tehran"
LOCAL_TZ = ZoneInfo(TZ_NAME)
SHIFT_ENV = "DASHBOARD_CLOCK_SHIFT_SECONDS"


@lru_cache(maxsize=8)
def _shift(raw: str) -> timedelta:
    try:
        return timedelta(seconds=float(raw)) if raw.strip() else timedelta(0)
    except ValueError:
        raise ValueError(f"{SHIFT_ENV} must be a number of seconds, not {raw!r}") from None


def now() -> datetime:
    """Aware UTC now: the one timestamp convention of the store."""
    return datetime.now(UTC) + _shift(os.environ.get(SHIFT_ENV, ""))


def today() -> date:
    """Today's date where the working group sits (not the server's UTC date)."""
    return now().astimezone(LOCAL_TZ).date()


def local_day(moment: datetime) -> date:
    """The working group's calendar day of an aware moment (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).date()


def shift_to(day: date, at_hour: int = 10) -> float:
    """The shift, in seconds, that makes the clock read `day` at `at_hour` o'clock local
    time now (what tests put in SHIFT_ENV)."""
    target = datetime.combine(day, datetime.min.time(), LOCAL_TZ).replace(hour=at_hour)
    return (target - datetime.now(UTC)).total_seconds()
