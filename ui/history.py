"""A row's history as a readable Persian timeline."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_layer.jalali import format_jalali, format_jalali_datetime, to_fa_digits
from data_layer.labels import ASSIGNMENT_FIELD_LABELS, STATUS_LABELS, VERIFICATION_LABELS
from ui.html import Html


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


def timeline_html(history: pd.DataFrame) -> Html:
    """Newest first: when, who, what changed from what to what, and why."""
    if history.empty:
        return Html('<p class="muted-note">هنوز تغییری ثبت نشده است.</p>')
    items = []
    for _, h in history.iterrows():
        field = h["field"]
        change = (
            f"{field_name(field)}: {value_text(field, h['old'])} ← {value_text(field, h['new'])}"
        )
        reason = Html('<div class="why">دلیل: {}</div>').format(h["reason"]) if h["reason"] else ""
        items.append(
            Html(
                '<li><span class="when">{}</span> <span class="who">{}</span><div>{}</div>{}</li>'
            ).format(
                format_jalali_datetime(h["changed_at"]),
                h["who"] or ("دادهٔ نمونه" if h["is_sample"] else "سامانه"),
                change,
                reason,
            )
        )
    return Html('<ol class="timeline">{}</ol>').format(Html("").join(items))
