"""Settings the secretariat changes: the scorecard thresholds, the report deadline and
the lead owner's weight in a resolution's progress."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlmodel import Session

from data_layer.commands.history import History
from data_layer.errors import ConflictError
from data_layer.input.check import Check
from data_layer.labels import PERIOD_KIND_LABELS
from data_layer.models import AppSetting, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.settings import (
    LEAD_WEIGHT_KEY,
    MAX_LEAD_WEIGHT,
    MAX_REPORT_DAYS,
    REPORT_RULE_KEY,
    THRESHOLDS_KEY,
    get_lead_weight,
    get_report_rule,
    get_thresholds,
)
from data_layer.rules.completeness import ReportRule
from data_layer.rules.scorecard import Thresholds

__all__ = [
    "THRESHOLD_LABELS",
    "set_lead_weight",
    "set_report_rule",
    "set_thresholds",
    "store_setting",
    "unchanged",
]

THRESHOLD_LABELS: dict[str, str] = {
    "green_done_share": "حداقل سهم انجام‌شده برای وضعیت سبز",
    "red_done_share": "سهم انجام‌شده‌ای که کمتر از آن قرمز است",
    "amber_overdue": "تعداد ردیف معوق برای وضعیت زرد",
    "red_overdue": "تعداد ردیف معوق برای وضعیت قرمز",
    "stale_days": "روزهای بی‌گزارش (کهنه)",
    "period_kind": "نوع دوره",
    "days_after_period_end": "مهلت ارسال گزارش پس از پایان دوره (روز)",
    "lead_weight": "وزن مسئول اصلی در پیشرفت مصوبه",
}


def store_setting(session: Session, actor: Actor, key: str, value: str, now: datetime) -> None:
    """Write a setting and its history row (nothing when it does not change)."""
    row = session.get(AppSetting, key)
    old = row.value if row is not None else None
    if old == value:
        return
    row = row or AppSetting(key=key, value=value)
    row.value, row.updated_at, row.updated_by_id = value, now, actor.user_id
    session.add(row)
    History(session, actor, now).add("setting", 0, key, old, value)
    session.flush()


def unchanged(current: object, expected: object, what: str) -> None:
    """Refuse a save whose form showed another value than the one stored now."""
    if expected is not None and current != expected:
        raise ConflictError(
            message=f"{what} پس از باز شدن فرم شما تغییر کرده است و چیزی ذخیره نشد؛"
            " مقادیر تازه را ببینید و دوباره ذخیره کنید."
        )


def set_thresholds(
    session: Session,
    *,
    actor: Actor,
    green_done_share: object,
    red_done_share: object,
    amber_overdue: object,
    red_overdue: object,
    stale_days: object,
    expected: Thresholds | None = None,
    now: datetime | None = None,
) -> Thresholds:
    """Store new thresholds (shares given as 0-100 percentages) with a history row.

    With `expected` (what the form showed), thresholds changed since are refused.
    """
    require(session, actor, Action.MANAGE_SETTINGS)
    unchanged(get_thresholds(session), expected, "آستانه‌ها")
    check = Check(THRESHOLD_LABELS)
    green = check.percent("green_done_share", green_done_share)
    red = check.percent("red_done_share", red_done_share)
    amber_n = check.whole("amber_overdue", amber_overdue, low=1, high=10_000)
    red_n = check.whole("red_overdue", red_overdue, low=1, high=10_000)
    days = check.whole("stale_days", stale_days, low=1, high=365)
    if green is not None and red is not None and red >= green:
        check.add("red_done_share", "آستانهٔ قرمز سهم انجام‌شده باید کمتر از آستانهٔ سبز باشد.")
    if amber_n is not None and red_n is not None and red_n <= amber_n:
        check.add("red_overdue", "تعداد معوق برای قرمز باید بیشتر از تعداد معوق برای زرد باشد.")
    check.raise_if_any()
    assert green is not None and red is not None and days is not None
    assert amber_n is not None and red_n is not None
    new = Thresholds(green / 100, red / 100, amber_n, red_n, days)
    store_setting(
        session, actor, THRESHOLDS_KEY, json.dumps(asdict(new), sort_keys=True), now or utcnow()
    )
    return new


def set_report_rule(
    session: Session,
    *,
    actor: Actor,
    period_kind: str,
    days_after_period_end: object,
    expected: ReportRule | None = None,
    now: datetime | None = None,
) -> ReportRule:
    """Set which periods agencies report on and the days allowed after a period ends."""
    require(session, actor, Action.MANAGE_SETTINGS)
    unchanged(get_report_rule(session), expected, "قاعدهٔ مهلت گزارش")
    check = Check(THRESHOLD_LABELS)
    kind = check.choice("period_kind", period_kind, PERIOD_KIND_LABELS)
    days = check.whole("days_after_period_end", days_after_period_end, low=0, high=MAX_REPORT_DAYS)
    check.raise_if_any()
    assert kind is not None and days is not None
    rule = ReportRule(period_kind=kind, days_after_period_end=days)
    store_setting(
        session, actor, REPORT_RULE_KEY, json.dumps(asdict(rule), sort_keys=True), now or utcnow()
    )
    return rule


def set_lead_weight(
    session: Session,
    *,
    actor: Actor,
    weight: object,
    expected: int | None = None,
    now: datetime | None = None,
) -> int:
    """Set how many times the lead owner's progress counts in a resolution's progress
    (a whole number 1-10), with a history row.

    With `expected` (the weight the form showed), a weight changed since is refused.
    """
    require(session, actor, Action.MANAGE_SETTINGS)
    unchanged(get_lead_weight(session), expected, "وزن مسئول اصلی")
    check = Check(THRESHOLD_LABELS)
    value = check.whole("lead_weight", weight, low=1, high=MAX_LEAD_WEIGHT)
    check.raise_if_any()
    assert value is not None
    store_setting(session, actor, LEAD_WEIGHT_KEY, json.dumps(value), now or utcnow())
    return value
