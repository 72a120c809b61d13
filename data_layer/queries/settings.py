"""The settings the secretariat keeps (read here, written by commands/settings.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from sqlmodel import Session

from data_layer.jalali import to_fa_digits
from data_layer.models import AppSetting, PeriodKind
from data_layer.rules.completeness import ReportRule
from data_layer.rules.scorecard import Thresholds

THRESHOLDS_KEY = "scorecard.thresholds"
REPORT_RULE_KEY = "reports.rule"
MAX_REPORT_DAYS = 90
LEAD_WEIGHT_KEY = "progress.lead_weight"
DEFAULT_LEAD_WEIGHT = 2
MAX_LEAD_WEIGHT = 10


_UNSET = object()


def _stored(session: Session, key: str) -> Any:
    """A setting's stored JSON value; _UNSET when none is stored or it is not JSON."""
    row = session.get(AppSetting, key)
    if row is None:
        return _UNSET
    try:
        return json.loads(row.value)
    except ValueError:
        return _UNSET


def get_thresholds(session: Session) -> Thresholds:
    """The stored thresholds, or the defaults when none are stored or they are unreadable."""
    data = _stored(session, THRESHOLDS_KEY)
    if data is _UNSET:
        return Thresholds()
    try:
        defaults = asdict(Thresholds())
        values = {f.name: type(defaults[f.name])(data[f.name]) for f in fields(Thresholds)}
        return Thresholds(**values)
    except (ValueError, TypeError, KeyError, OverflowError):
        return Thresholds()


def get_report_rule(session: Session) -> ReportRule:
    """The stored rule, or the default (seasonal, 10 days) when none or unreadable."""
    data = _stored(session, REPORT_RULE_KEY)
    try:
        kind, days = data["period_kind"], data["days_after_period_end"]
    except (TypeError, KeyError):  # nothing stored, or not a rule
        return ReportRule()
    known = {k.value for k in PeriodKind}
    if kind not in known or type(days) is not int or not 0 <= days <= MAX_REPORT_DAYS:
        return ReportRule()
    return ReportRule(period_kind=str(kind), days_after_period_end=days)


def get_lead_weight(session: Session) -> int:
    """How many times the lead owner's progress counts in a resolution's progress (1-10):
    the stored weight, or the default (2) when none is stored or it is unreadable."""
    weight = _stored(session, LEAD_WEIGHT_KEY)
    if type(weight) is not int or not 1 <= weight <= MAX_LEAD_WEIGHT:
        return DEFAULT_LEAD_WEIGHT
    return weight


def lead_weight_note(weight: int) -> str:
    """The sentence shown wherever a resolution's progress is: how it is weighted."""
    return (
        f"پیشرفت هر مصوبه میانگین وزنی است: مسئول اصلی × {to_fa_digits(weight)}"
        " و هر دستگاه دیگر × ۱ (مصوبهٔ بی‌مسئول اصلی: میانگین ساده)."
    )
