"""Jalali (Solar Hijri) dates and Persian digits: the one place that converts them.

Dates are stored as Gregorian ``datetime.date`` and shown in the Jalali calendar.
Calendar arithmetic is delegated to jdatetime; month and weekday names are kept
here as plain tuples so that output never depends on process locale state.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

import jdatetime

from data_layer import clock
from data_layer.characters import (
    ARABIC_INDIC_DIGITS,
    ASCII_DIGITS,
    INVISIBLE,
    PERSIAN_DIGITS,
    ZWNJ,
)

__all__ = [
    "JALALI_MONTHS",
    "MAX_JALALI_YEAR",
    "MIN_JALALI_YEAR",
    "MISSING",
    "PERSIAN_DIGITS",
    "WEEKDAYS",
    "JalaliDateError",
    "days_in_jalali_month",
    "format_jalali",
    "format_jalali_long",
    "format_jalali_month",
    "format_number",
    "format_percent",
    "from_jalali",
    "is_jalali_leap",
    "jalali_key",
    "jalali_month_bounds",
    "jalali_season_bounds",
    "parse_jalali",
    "to_ascii_digits",
    "to_fa_digits",
    "to_jalali",
]

_ARABIC_DECIMAL_SEPARATOR = "\u066b"  # ٫
_ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬
_PERSIAN_PERCENT = "\u066a"  # ٪

MISSING = "—"
"""Placeholder shown for a missing value."""

MIN_JALALI_YEAR = 1300
MAX_JALALI_YEAR = 1499

JALALI_MONTHS: tuple[str, ...] = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

# Indexed by Python's date.weekday(): Monday == 0 ... Sunday == 6.
WEEKDAYS: tuple[str, ...] = (
    "دوشنبه",
    "سه\u200cشنبه",
    "چهارشنبه",
    "پنجشنبه",
    "جمعه",
    "شنبه",
    "یکشنبه",
)

_TO_FA_TABLE = str.maketrans(ASCII_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)
_TO_ASCII_TABLE = str.maketrans(
    PERSIAN_DIGITS + ARABIC_INDIC_DIGITS + _ARABIC_DECIMAL_SEPARATOR,
    ASCII_DIGITS * 2 + ".",
    _ARABIC_THOUSANDS_SEPARATOR,
)
_NUMBER_PUNCTUATION_TABLE = str.maketrans(
    {",": _ARABIC_THOUSANDS_SEPARATOR, ".": _ARABIC_DECIMAL_SEPARATOR}
)

# Invisible characters users paste around dates, ZWNJ too (a date has no words).
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}{ZWNJ}]")
_DATE_RE = re.compile(r"([0-9]+)\s*([/.\-])\s*([0-9]+)\s*\2\s*([0-9]+)")
_DATE_FORMAT_HINT = "تاریخ را به شکل ۱۴۰۲/۰۷/۲۹ وارد کنید."


class JalaliDateError(ValueError):
    """An impossible or malformed Jalali date; the message is Persian and says what to fix."""


def to_fa_digits(value: object) -> str:
    """Return str(value) with ASCII and Arabic-Indic digits replaced by Persian digits."""
    return str(value).translate(_TO_FA_TABLE)


def to_ascii_digits(text: str) -> str:
    """Return text with Persian/Arabic-Indic digits as ASCII, '٫' as '.', and '٬' removed."""
    return text.translate(_TO_ASCII_TABLE)


def _to_decimal(n: float) -> Decimal | None:
    """Convert a number to an exact Decimal (floats via their shortest repr); None if not finite."""
    if isinstance(n, int):
        return Decimal(n)
    as_index = getattr(n, "__index__", None)  # numpy integers and similar
    if as_index is not None:
        return Decimal(as_index())
    as_float = float(n)
    if not math.isfinite(as_float):
        return None
    return Decimal(repr(as_float))


def format_number(n: float | None, decimals: int = 0) -> str:
    """Format n with Persian digits, '٬' grouping and '٫' decimals (half-up); None/NaN -> '—'."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    if n is None:
        return MISSING
    value = _to_decimal(n)
    if value is None:
        return MISSING
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + decimals + 2)
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # never show "-0"
    text = f"{rounded:,f}".translate(_NUMBER_PUNCTUATION_TABLE)
    return to_fa_digits(text)


def format_percent(p: float | None, decimals: int = 0) -> str:
    """Format a 0-100 percentage such as 45 as '۴۵٪'; None/NaN -> '—'."""
    text = format_number(p, decimals)
    return text if text == MISSING else text + _PERSIAN_PERCENT


def is_jalali_leap(year: int) -> bool:
    """Return True if the Jalali year has 366 days (Esfand has 30 days)."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def _check_year(year: int) -> None:
    """Raise JalaliDateError unless year is within the supported Jalali range."""
    if not MIN_JALALI_YEAR <= year <= MAX_JALALI_YEAR:
        raise JalaliDateError(
            f"سال شمسی باید بین {to_fa_digits(MIN_JALALI_YEAR)} تا "
            f"{to_fa_digits(MAX_JALALI_YEAR)} باشد."
        )


def _check_month(month: int) -> None:
    """Raise JalaliDateError unless month is 1..12."""
    if not 1 <= month <= 12:
        raise JalaliDateError("ماه باید بین ۱ تا ۱۲ باشد.")


def days_in_jalali_month(year: int, month: int) -> int:
    """Return the number of days in a Jalali month (Esfand: 30 in leap years, else 29)."""
    _check_year(year)
    _check_month(month)
    if month == 12:
        return 30 if is_jalali_leap(year) else 29
    return int(jdatetime.j_days_in_month[month - 1])


def to_jalali(d: date) -> jdatetime.date:
    """Convert a Gregorian date to a jdatetime.date."""
    return jdatetime.date.fromgregorian(date=d)


def from_jalali(year: int, month: int, day: int) -> date:
    """Convert a Jalali date to a Gregorian date; raise JalaliDateError if it does not exist."""
    month_length = days_in_jalali_month(year, month)
    if day < 1:
        raise JalaliDateError(f"روز باید بین ۱ تا {to_fa_digits(month_length)} باشد.")
    if day > month_length:
        shown = to_fa_digits(f"{year:04d}/{month:02d}/{day:02d}")
        raise JalaliDateError(
            f"تاریخ {shown} وجود ندارد: {format_jalali_month(year, month)} "
            f"{to_fa_digits(month_length)} روز دارد."
        )
    result: date = jdatetime.date(year, month, day).togregorian()
    return result


def format_jalali(d: date | None) -> str:
    """Format a Gregorian date as a zero-padded Jalali date like '۱۴۰۲/۰۷/۲۹'; None -> '—'."""
    if d is None:
        return MISSING
    jd = to_jalali(d)
    return to_fa_digits(f"{jd.year:04d}/{jd.month:02d}/{jd.day:02d}")


def jalali_key(d: date) -> int:
    """A Jalali date as the number that sorts as it should: 1405/09/07 -> 14050907."""
    jd = to_jalali(d)
    return int(jd.year) * 10_000 + int(jd.month) * 100 + int(jd.day)


def format_jalali_long(d: date | None) -> str:
    """Format a Gregorian date as e.g. 'شنبه ۲۹ مهر ۱۴۰۲'; None -> '—'."""
    if d is None:
        return MISSING
    jd = to_jalali(d)
    weekday = WEEKDAYS[d.weekday()]
    month_name = JALALI_MONTHS[jd.month - 1]
    return f"{weekday} {to_fa_digits(jd.day)} {month_name} {to_fa_digits(jd.year)}"


def format_jalali_month(year: int, month: int) -> str:
    """Format a Jalali month as e.g. 'مهر ۱۴۰۲'."""
    _check_month(month)
    return f"{JALALI_MONTHS[month - 1]} {to_fa_digits(year)}"


def parse_jalali(text: str) -> date:
    """Parse a Jalali date typed as Y/M/D (or D/M/Y, 4-digit year last) to a Gregorian date."""
    cleaned = _INVISIBLE_RE.sub("", to_ascii_digits(text)).strip()
    if not cleaned:
        raise JalaliDateError("تاریخ خالی است؛ آن را به شکل ۱۴۰۲/۰۷/۲۹ وارد کنید.")
    match = _DATE_RE.fullmatch(cleaned)
    if match is None:
        raise JalaliDateError(_DATE_FORMAT_HINT)
    first, _separator, middle, last = match.groups()
    if len(middle) > 2:
        raise JalaliDateError(_DATE_FORMAT_HINT)
    if len(first) == 4 and len(last) <= 2:
        year, month, day = first, middle, last
    elif len(last) == 4 and len(first) <= 2:
        day, month, year = first, middle, last
    else:
        raise JalaliDateError(_DATE_FORMAT_HINT)
    return from_jalali(int(year), int(month), int(day))


def jalali_month_bounds(year: int, month: int) -> tuple[date, date]:
    """Return the first and last Gregorian dates of a Jalali month."""
    return from_jalali(year, month, 1), from_jalali(year, month, days_in_jalali_month(year, month))


def jalali_season_bounds(year: int, season: int) -> tuple[date, date]:
    """First and last Gregorian dates of a Jalali season (1 = months 1-3 ... 4 = 10-12)."""
    if not 1 <= season <= 4:
        raise JalaliDateError("فصل باید بین ۱ تا ۴ باشد.")
    first_month = 3 * season - 2
    start, _ = jalali_month_bounds(year, first_month)
    _, end = jalali_month_bounds(year, first_month + 2)
    return start, end


local_day = clock.local_day
local_today = clock.today


def days_ago(days: int) -> str:
    """How long ago, in whole days, in words: «امروز», «دیروز», «۳ روز پیش»."""
    if days <= 0:
        return "امروز"
    if days == 1:
        return "دیروز"
    return f"{format_number(days)} روز پیش"


def format_jalali_datetime(moment: datetime | None) -> str:
    """'۱۴۰۵/۰۹/۰۷ ساعت ۱۰:۳۰' in the working group's time zone; None (or NaT) -> '—'."""
    if moment is None or moment != moment:  # pandas' NaT is not equal to itself
        return MISSING
    if moment.tzinfo is None:  # stored naive means UTC
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(clock.LOCAL_TZ)
    return f"{format_jalali(local.date())} ساعت {to_fa_digits(local.strftime('%H:%M'))}"


def format_amount(n: float | None) -> str:
    """A quantity: whole numbers without decimals, others with one (۵۰۰، ۲٫۵)."""
    if n is None or n != n:
        return MISSING
    return format_number(n, 0 if float(n).is_integer() else 1)
