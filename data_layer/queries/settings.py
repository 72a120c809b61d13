"""The settings the secretariat keeps (read here, written by commands/settings.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from sqlmodel import Session

from data_layer.models import AppSetting, PeriodKind
from data_layer.queries.coverage import ReportRule
from data_layer.queries.overview import Thresholds

THRESHOLDS_KEY = "scorecard.thresholds"
REPORT_RULE_KEY = "reports.rule"
MAX_REPORT_DAYS = 90


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


def get_report_rule(session: Session) -> ReportRule:
    """The stored rule, or the default (seasonal, 10 days) when none or unreadable."""
    row = session.get(AppSetting, REPORT_RULE_KEY)
    if row is None:
        return ReportRule()
    try:
        data = json.loads(row.value)
        kind, days = data["period_kind"], data["days_after_period_end"]
    except (ValueError, TypeError, KeyError):
        return ReportRule()
    known = {k.value for k in PeriodKind}
    if kind not in known or type(days) is not int or not 0 <= days <= MAX_REPORT_DAYS:
        return ReportRule()
    return ReportRule(period_kind=str(kind), days_after_period_end=days)
