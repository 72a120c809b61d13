"""Settings the secretariat can change: the scorecard thresholds of the overview."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, fields
from datetime import datetime

from sqlmodel import Session

from data_layer.errors import ValidationError
from data_layer.jalali import to_ascii_digits
from data_layer.models import AppSetting, HistoryEntry, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.overview import Thresholds
from data_layer.validation import Collector, to_fa

THRESHOLDS_KEY = "scorecard.thresholds"

FIELD_NAMES: dict[str, str] = {
    "green_done_share": "حداقل سهم انجام‌شده برای وضعیت سبز",
    "red_done_share": "سهم انجام‌شده‌ای که کمتر از آن قرمز است",
    "amber_overdue": "تعداد ردیف معوق برای وضعیت زرد",
    "red_overdue": "تعداد ردیف معوق برای وضعیت قرمز",
    "stale_days": "روزهای بی‌گزارش (کهنه)",
}


def get_thresholds(session: Session) -> Thresholds:
    """The stored thresholds, or the defaults when none are stored or they are unreadable."""
    row = session.get(AppSetting, THRESHOLDS_KEY)
    if row is None:
        return Thresholds()
    try:
        data = json.loads(row.value)
        defaults = asdict(Thresholds())
        values = {f.name: type(defaults[f.name])(data[f.name]) for f in fields(Thresholds)}
        return Thresholds(**values)
    except (ValueError, TypeError, KeyError, OverflowError):
        return Thresholds()


def _number(value: object) -> float | None:
    """A finite number typed with Persian or ASCII digits, else None."""
    raw = to_ascii_digits(str(value)).strip().rstrip("%٪").strip()
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _share(check: Collector, field: str, value: object) -> float | None:
    """A percentage 0-100, returned as a share 0-1."""
    number = _number(value)
    if number is None or not 0 <= number <= 100:
        check.add(
            field, f"«{FIELD_NAMES[field]}» باید درصدی بین ۰ تا ۱۰۰ باشد (نوشته شده: «{value}»)."
        )
        return None
    return number / 100


def _whole(check: Collector, field: str, value: object, low: int, high: int) -> int | None:
    """A whole number from low to high."""
    number = _number(value)
    if number is None or number != int(number) or not low <= number <= high:
        check.add(
            field,
            f"«{FIELD_NAMES[field]}» باید عدد صحیحی بین {to_fa(low)} تا {to_fa(high)} باشد"
            f" (نوشته شده: «{value}»).",
        )
        return None
    return int(number)


def _validate(
    green: object, red: object, amber_overdue: object, red_overdue: object, stale_days: object
) -> Thresholds:
    """Every problem at once as a ValidationError, else the thresholds (shares 0-1)."""
    check = Collector()
    green_share = _share(check, "green_done_share", green)
    red_share = _share(check, "red_done_share", red)
    amber_n = _whole(check, "amber_overdue", amber_overdue, 1, 10_000)
    red_n = _whole(check, "red_overdue", red_overdue, 1, 10_000)
    days = _whole(check, "stale_days", stale_days, 1, 365)
    if green_share is not None and red_share is not None and red_share >= green_share:
        check.add("red_done_share", "آستانهٔ قرمز سهم انجام‌شده باید کمتر از آستانهٔ سبز باشد.")
    if amber_n is not None and red_n is not None and red_n <= amber_n:
        check.add("red_overdue", "تعداد معوق برای قرمز باید بیشتر از تعداد معوق برای زرد باشد.")
    if check.errors:
        raise ValidationError(check.errors)
    assert green_share is not None and red_share is not None
    assert amber_n is not None and red_n is not None and days is not None
    return Thresholds(green_share, red_share, amber_n, red_n, days)


def set_thresholds(
    session: Session,
    *,
    actor: Actor,
    green_done_share: float | str,
    red_done_share: float | str,
    amber_overdue: float | str,  # whole numbers; a number box may hand over 2.0
    red_overdue: float | str,
    stale_days: float | str,
    now: datetime | None = None,
) -> Thresholds:
    """Store new thresholds (shares given as 0-100 percentages) with a history row."""
    require(actor, Action.MANAGE_SETTINGS)
    new = _validate(green_done_share, red_done_share, amber_overdue, red_overdue, stale_days)
    now = now or utcnow()
    value = json.dumps(asdict(new), sort_keys=True)
    row = session.get(AppSetting, THRESHOLDS_KEY)
    old = row.value if row else None
    row = row or AppSetting(key=THRESHOLDS_KEY, value=value)
    row.value, row.updated_at, row.updated_by_id = value, now, actor.user_id
    session.add(row)
    session.add(
        HistoryEntry(
            entity="setting",
            entity_id=0,
            changed_at=now,
            user_id=actor.user_id,
            field=THRESHOLDS_KEY,
            old_value=old,
            new_value=value,
        )
    )
    session.flush()
    return new
