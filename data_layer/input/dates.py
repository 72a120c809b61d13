"""Jalali dates and clock times as people type them (or as a spreadsheet cell holds them)."""

from __future__ import annotations

import re
from datetime import date, datetime

from data_layer.jalali import (
    JALALI_MONTHS,
    MAX_JALALI_YEAR,
    MIN_JALALI_YEAR,
    JalaliDateError,
    days_in_jalali_month,
    from_jalali,
    parse_jalali,
    to_ascii_digits,
    to_fa_digits,
    to_jalali,
)
from data_layer.text import tidy

__all__ = ["DateProblem", "parse_date", "parse_time", "parse_written_date"]

_TIME_RE = re.compile(r"(\d{1,2})(?:\s*[:.]\s*(\d{2}))?")
_MONTHS = {name: i for i, name in enumerate(JALALI_MONTHS, start=1)} | {"امرداد": 5}
# «پایان آبان ۱۴۰۲», «تا آخر آبان ماه ۱۴۰۲», «۱۵ آبان ۱۴۰۲», «آبان ۱۴۰۲» (its last day).
_WRITTEN_RE = re.compile(
    r"(?:تا\s+)?(?:(?P<end>پایان|آخر|انتهای|اواخر|تا\s+پایان)\s+|(?P<day>\d{1,2})\s+)?"
    r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
    r"(?:\s*ماه)?\s+(?:سال\s+)?(?P<year>\d{4})"
)


class DateProblem(ValueError):
    """A date or time that does not exist or cannot be read; the message is Persian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_date(value: object) -> date | None:
    """A Gregorian date from Jalali text (۱۴۰۲/۰۷/۲۹, 1402-7-29, ۲۹/۷/۱۴۰۲) or a date.

    None for an empty value; DateProblem for a malformed or impossible one, or a
    date outside the Jalali years the app handles.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not MIN_JALALI_YEAR <= to_jalali(value).year <= MAX_JALALI_YEAR:
            raise DateProblem(
                f"سال شمسی باید بین {to_fa_digits(MIN_JALALI_YEAR)} تا"
                f" {to_fa_digits(MAX_JALALI_YEAR)} باشد."
            )
        return value
    text = tidy(str(value))
    if not text:
        return None
    try:
        return parse_jalali(text)
    except JalaliDateError as e:
        raise DateProblem(str(e)) from None


def parse_time(value: object) -> str | None:
    """'HH:MM' from 9, 9:30, ۰۹:۳۰ or 9.30 (00:00 to 23:59); None when empty."""
    text = to_ascii_digits(tidy("" if value is None else str(value)))
    if not text:
        return None
    m = _TIME_RE.fullmatch(text)
    if m is None or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise DateProblem("ساعت باید به شکل ساعت:دقیقه و بین ۰۰:۰۰ تا ۲۳:۵۹ باشد؛ مثلاً ۰۹:۳۰.")
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


def parse_written_date(value: object) -> date | None:
    """parse_date, and the month-name forms minutes use for a due date: «پایان آبان
    ۱۴۰۲» or «آبان ماه ۱۴۰۲» (the month's last day), «۱۵ آبان ۱۴۰۲»."""
    try:
        return parse_date(value)
    except DateProblem as problem:
        m = _WRITTEN_RE.fullmatch(to_ascii_digits(tidy(str(value))))
        if m is None:
            raise problem from None
        year, month = int(m["year"]), _MONTHS[m["month"]]
        try:
            if not MIN_JALALI_YEAR <= year <= MAX_JALALI_YEAR:
                raise JalaliDateError(problem.message)
            day = int(m["day"]) if m["day"] else days_in_jalali_month(year, month)
            return from_jalali(year, month, day)
        except JalaliDateError as e:
            raise DateProblem(str(e)) from None
