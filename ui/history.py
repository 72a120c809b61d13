"""A row's history as a readable Persian timeline."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_layer.jalali import format_jalali, format_jalali_datetime, to_fa_digits
from data_layer.labels import ASSIGNMENT_FIELD_LABELS, STATUS_LABELS, VERIFICATION_LABELS
from data_layer.output import inert_html


def field_name(field: str) -> str:
    """The Persian name of a history field."""
    return ASSIGNMENT_FIELD_LABELS.get(field, field)


def value_text(field: str, value: str | None) -> str:
    """A stored value as a person reads it (labels, Jalali dates, Persian digits)."""
    if value is None or value == "":
        return "—"
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "verification":
        return VERIFICATION_LABELS.get(value, value)
    if field == "planned_date":
        try:
            return format_jalali(date.fromisoformat(value))
        except ValueError:
            return value
    if field == "progress":
        return f"{to_fa_digits(value)}٪"
    return to_fa_digits(value) if field == "reschedule_count" else value


def timeline_html(history: pd.DataFrame) -> str:
    """Newest first: when, who, what changed from what to what, and why."""
    if history.empty:
        return '<p class="muted-note">هنوز تغییری ثبت نشده است.</p>'
    items = []
    for _, h in history.iterrows():
        who = inert_html(h["who"] or ("دادهٔ نمونه" if h["is_sample"] else "سامانه"))
        change = (
            f"{inert_html(field_name(h['field']))}: {inert_html(value_text(h['field'], h['old']))}"
            f" ← {inert_html(value_text(h['field'], h['new']))}"
        )
        reason = f'<div class="why">دلیل: {inert_html(h["reason"])}</div>' if h["reason"] else ""
        items.append(
            f'<li><span class="when">{format_jalali_datetime(h["changed_at"])}</span>'
            f' <span class="who">{who}</span><div>{change}</div>{reason}</li>'
        )
    return f'<ol class="timeline">{"".join(items)}</ol>'
