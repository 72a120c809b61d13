"""The daily digest's settings (the secretariat's): its hour, the days it keeps quiet,
and the wording of its email and SMS with named placeholders.

Holidays are Jalali: "MM/DD" every year (the fixed solar holidays are the default) or
"YYYY/MM/DD" one day (the lunar holidays move; the secretariat lists each year's).
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from data_layer.jalali import to_jalali
from data_layer.models import AppSetting

HOUR_KEY = "digest.hour"
HOLIDAYS_KEY = "digest.holidays"
TEMPLATES_KEY = "digest.templates"
LAST_DAY_KEY = "digest.last_day"  # the day whose digests were decided (one pass a day)
DEFAULT_HOUR = 8
FRIDAY = 4  # date.weekday()
SMS_LIMIT = 134  # two Persian (UCS-2) segments of 67 characters

# The fixed solar holidays of the Iranian calendar: Nowruz (1-4 Farvardin), Islamic
# Republic Day (12), Sizdah Bedar (13), 14-15 Khordad, 22 Bahman, 29 Esfand.
FIXED_HOLIDAYS: tuple[str, ...] = (
    "01/01", "01/02", "01/03", "01/04", "01/12", "01/13", "03/14", "03/15", "11/22", "12/29",
)  # fmt: skip

# Each template's named placeholders, what they stand for (shown to the secretariat).
PLACEHOLDERS: dict[str, str] = {
    "name": "نام گیرنده",
    "count": "تعداد کارهای در انتظار",
    "date": "تاریخ امروز",
    "link": "پیوند کارتابل (فقط پیامک)",
}
ALLOWED: dict[str, frozenset[str]] = {
    "subject": frozenset({"name", "count", "date"}),
    "intro": frozenset({"name", "count", "date"}),
    "sms": frozenset({"name", "count", "date", "link"}),
}
DEFAULT_TEMPLATES: dict[str, str] = {
    "subject": "کارتابل شما در داشبورد کارگروه — {date}",
    "intro": "{name} گرامی، {count} کار در کارتابل شما در انتظار است:",
    "sms": "{name}، {count} کار در کارتابل کارگروه در انتظار شماست: {link}",
}


@dataclass(frozen=True)
class DigestSettings:
    """The hour (Tehran time), the quiet days, and the wording."""

    hour: int = DEFAULT_HOUR
    holidays: tuple[str, ...] = FIXED_HOLIDAYS
    templates: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))


def _json(session: Session, key: str) -> object:
    row = session.get(AppSetting, key)
    try:
        return json.loads(row.value) if row else None
    except ValueError:
        return None


def placeholders_in(template: str) -> list[str]:
    """The placeholder names a template uses ("" for a bare {} or a positional one);
    ValueError when its braces do not parse."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]


def get_digest_settings(session: Session) -> DigestSettings:
    """The stored settings; each part falls back to its default when unset or unreadable."""
    hour = _json(session, HOUR_KEY)
    holidays = _json(session, HOLIDAYS_KEY)
    stored = _json(session, TEMPLATES_KEY)
    templates = dict(DEFAULT_TEMPLATES)
    if isinstance(stored, dict):
        for name, text in stored.items():
            if name in ALLOWED and isinstance(text, str):
                try:
                    if set(placeholders_in(text)) <= ALLOWED[name]:
                        templates[name] = text
                except ValueError:
                    pass
    return DigestSettings(
        hour=hour if type(hour) is int and 0 <= hour <= 23 else DEFAULT_HOUR,
        holidays=tuple(holidays)
        if isinstance(holidays, list) and all(isinstance(h, str) for h in holidays)
        else FIXED_HOLIDAYS,
        templates=templates,
    )


def is_quiet_day(day: date, holidays: tuple[str, ...]) -> bool:
    """Friday, or a listed holiday (every year's MM/DD, or that one YYYY/MM/DD)."""
    if day.weekday() == FRIDAY:
        return True
    j = to_jalali(day)
    return f"{j.month:02d}/{j.day:02d}" in holidays or f"{j.year}/{j.month:02d}/{j.day:02d}" in (
        holidays
    )


def last_decided_day(session: Session) -> date | None:
    """The day whose digests were last decided."""
    value = _json(session, LAST_DAY_KEY)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
