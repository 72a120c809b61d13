"""A Jalali calendar on every date box: Jalali months, Persian digits, weeks that start
on Saturday; typing still works.

The box itself stays Streamlit's text input, so a typed date, a form's submit and
the command that parses it are unchanged. Beside it a small component (components
v2, inline JS and CSS bundled with the app, nothing from a CDN) adds a calendar
button; a picked day is written into the box as if typed («۱۴۰۵/۰۹/۱۰»).

The calendar does no calendar arithmetic of its own: the server sends, for the years
around today, each Jalali month's first day (Gregorian) and its length, from the
same conversion every parser here uses (data_layer/jalali.py, on jdatetime).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st

from data_layer.jalali import (
    JALALI_MONTHS,
    days_in_jalali_month,
    format_jalali,
    from_jalali,
    local_today,
    to_jalali,
)

__all__ = ["date_field"]

_JS = (Path(__file__).resolve().parents[1] / "assets" / "jalali_picker.js").read_text(
    encoding="utf-8"
)
YEARS_BEFORE, YEARS_AFTER = 25, 10

_calendar = st.components.v2.component(
    "jalali_calendar", html="<span></span>", js=_JS, isolate_styles=False
)


@lru_cache(maxsize=4)
def _months(center: int) -> dict[str, Any]:
    """Each month of the years around `center`: [year, month, first day ISO, days]."""
    months = [
        [y, m, from_jalali(y, m, 1).isoformat(), days_in_jalali_month(y, m)]
        for y in range(center - YEARS_BEFORE, center + YEARS_AFTER + 1)
        for m in range(1, 13)
    ]
    return {"months": months, "names": list(JALALI_MONTHS)}


def date_field(
    where: Any,
    label: str,
    value: date | str | None = None,
    *,
    key: str,
    placeholder: str | None = "۱۴۰۵/۰۹/۳۰",
    help: str | None = None,
) -> str:
    """A Jalali date box with its calendar, in `where` (st or a column); returns the
    text as typed or picked, for the command to parse."""
    shown = format_jalali(value) if isinstance(value, date) else (value or "")
    text = where.text_input(label, value=shown, key=key, placeholder=placeholder, help=help)
    today = to_jalali(local_today())
    data = {
        "target": key,
        "today": [today.year, today.month, today.day],
        **_months(today.year),
    }
    if where is st:
        _calendar(key=f"jcal_{key}", data=data, height=0)
    else:
        with where:
            _calendar(key=f"jcal_{key}", data=data, height=0)
    return str(text)
