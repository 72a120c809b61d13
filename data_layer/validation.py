"""Checks of what people type, shared by every write command (Persian messages)."""

from __future__ import annotations

import math
import re
from datetime import date

from data_layer.errors import FieldError
from data_layer.jalali import (
    JalaliDateError,
    format_jalali,
    format_number,
    parse_jalali,
    to_ascii_digits,
)

# Something that a browser would treat as markup: a tag, a comment, or a script URL.
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:", re.IGNORECASE)

TEXT_LIMITS: dict[str, int] = {
    "done_text": 2000,
    "next_step": 1000,
    "reason": 500,
    "note": 1000,
    "evidence_url": 500,
}

FIELD_NAMES: dict[str, str] = {
    "status": "وضعیت",
    "progress": "پیشرفت",
    "done_text": "اقدامات انجام‌شده",
    "next_step": "گام بعدی",
    "planned_date": "تاریخ برنامه‌ریزی‌شده",
    "reason": "دلیل تغییر تاریخ",
    "evidence_url": "پیوند مستند",
    "evidence": "مستند",
    "verification": "تأیید دبیرخانه",
    "note": "توضیح",
}


class Collector:
    """Gathers every problem of one form (or one row of a bulk save)."""

    def __init__(self, row: int | None = None) -> None:
        self.row = row
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        """Record a problem with a field."""
        self.errors.append(FieldError(field, message, self.row))

    def text(self, field: str, value: str | None, *, required: bool = False) -> str | None:
        """Strip; refuse markup and over-long text; None stays None (unchanged)."""
        if value is None:
            return None
        value = value.strip()
        name = FIELD_NAMES.get(field, field)
        if required and not value:
            self.add(field, f"«{name}» را بنویسید.")
        limit = TEXT_LIMITS.get(field, 1000)
        if len(value) > limit:
            self.add(
                field,
                f"«{name}» حداکثر {to_fa(limit)} نویسه است؛ اکنون {to_fa(len(value))} نویسه است.",
            )
        if _MARKUP.search(value):
            self.add(
                field,
                f"«{name}» نباید برچسب HTML یا اسکریپت داشته باشد؛ آن را به صورت متن ساده بنویسید.",
            )
        return value

    def percent(self, field: str, value: object) -> int | None:
        """A whole number from 0 to 100, typed with Persian or ASCII digits."""
        if value is None:
            return None
        raw = to_ascii_digits(str(value)).strip().rstrip("%٪").strip()
        try:
            number = float(raw)
        except ValueError:
            number = -1.0
        if not math.isfinite(number):  # "nan", "inf" or 400 digits: int() would raise
            number = -1.0
        if not raw or number != int(number) or not 0 <= number <= 100:
            name = FIELD_NAMES.get(field, field)
            self.add(field, f"«{name}» باید عدد صحیحی بین ۰ تا ۱۰۰ باشد (نوشته شده: «{value}»).")
            return None
        return int(number)

    def jalali_date(self, field: str, value: date | str | None, *, not_before: date) -> date | None:
        """A Jalali date typed by a person (or a date), not before a given day."""
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = parse_jalali(value)
            except JalaliDateError as e:
                self.add(field, f"«{FIELD_NAMES.get(field, field)}»: {e}")
                return None
        if value < not_before:
            self.add(
                field,
                f"«{FIELD_NAMES.get(field, field)}» نمی‌تواند پیش از تاریخ جلسه"
                f" ({format_jalali(not_before)}) باشد.",
            )
            return None
        return value

    def url(self, field: str, value: str | None) -> str | None:
        """An http(s) link, or empty to remove it."""
        value = self.text(field, value)
        if value and not re.match(r"^https?://\S+$", value):
            self.add(field, "پیوند مستند باید با http:// یا https:// شروع شود و فاصله نداشته باشد.")
        return value


def to_fa(n: int) -> str:
    """Persian digits for a count in a message."""
    return format_number(n)
