"""The one error collector: every field of a form (or a row of a file) checked at once.

A command builds a `Check` with the Persian names of its fields, reads each value
through one of its methods (which tidy, parse and range-check, and record a
Persian message naming the field and quoting what was typed), then calls
`raise_if_any()`: either every value is good, or nothing is written and the
person sees every problem together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from data_layer.errors import FieldError, ValidationError
from data_layer.input.dates import DateProblem, parse_date, parse_time
from data_layer.input.numbers import NotANumber, parse_number
from data_layer.jalali import format_jalali, format_number, to_fa_digits
from data_layer.text import match_key, tidy

__all__ = ["Check", "shown"]

_YES = frozenset(
    match_key(w) for w in ("بله", "بلی", "آری", "دارد", "هست", "1", "yes", "y", "true")
)
_NO = frozenset(match_key(w) for w in ("خیر", "نه", "ندارد", "نیست", "0", "no", "n", "false", ""))
_LINK_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_PERCENT_SIGNS = "%٪"


def shown(value: object, limit: int = 40) -> str:
    """What was typed, tidied and shortened, to quote back in a message."""
    text = tidy("" if value is None else str(value))
    return text if len(text) <= limit else text[:limit] + "…"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not tidy(value))


class Check:
    """Gathers every problem of one form, or of one row of a bulk save or import."""

    def __init__(self, labels: Mapping[str, str] | None = None, *, row: int | None = None):
        self.labels = labels or {}
        self.row = row
        self.errors: list[FieldError] = []

    def __bool__(self) -> bool:
        return bool(self.errors)

    def label(self, field: str) -> str:
        """The Persian name of a field."""
        return self.labels.get(field, field)

    def add(self, field: str, message: str) -> None:
        """Record a problem with a field."""
        self.errors.append(FieldError(field, message, self.row))

    def has(self, *fields: str) -> bool:
        """True when any of these fields already has a problem."""
        return any(e.field in fields for e in self.errors)

    def extend(self, errors: Iterable[FieldError], prefix: str = "") -> None:
        """Take over problems found elsewhere, each message prefixed."""
        self.errors.extend(FieldError(e.field, prefix + e.message, e.row) for e in errors)

    def raise_if_any(self) -> None:
        """Raise ValidationError with every problem found, if any."""
        if self.errors:
            raise ValidationError(self.errors)

    # --- text ------------------------------------------------------------------------

    def text(
        self,
        field: str,
        value: object,
        *,
        limit: int,
        required: bool = False,
        min_length: int = 0,
        multiline: bool = False,
    ) -> str:
        """Tidied text; a problem when required and empty, too short or too long."""
        text = tidy("" if value is None else str(value), multiline=multiline)
        name = self.label(field)
        if required and not text:
            hint = f" (دست‌کم {format_number(min_length)} نویسه)" if min_length > 1 else ""
            self.add(field, f"«{name}» را بنویسید{hint}.")
        elif text and len(text) < min_length:
            self.add(
                field,
                f"«{name}» باید دست‌کم {format_number(min_length)} نویسه باشد؛"
                f" اکنون {format_number(len(text))} نویسه است.",
            )
        if len(text) > limit:
            self.add(
                field,
                f"«{name}» حداکثر {format_number(limit)} نویسه است؛"
                f" اکنون {format_number(len(text))} نویسه است.",
            )
        return text

    def link(self, field: str, value: object, *, limit: int = 500) -> str:
        """An http(s) address, or empty."""
        text = self.text(field, value, limit=limit)
        if text and not _LINK_RE.fullmatch(text):
            self.add(
                field,
                f"«{self.label(field)}» باید نشانی‌ای باشد که با http:// یا https:// شروع شود"
                " و فاصله نداشته باشد.",
            )
        return text

    # --- numbers ---------------------------------------------------------------------

    def _number(self, field: str, value: object, required: bool) -> Decimal | None:
        name = self.label(field)
        try:
            number = parse_number(value)
        except NotANumber:
            self.add(
                field, f"«{name}» باید عدد باشد، مثلاً ۱۲٬۵۰۰ یا ۲٫۵ (نوشته شده: «{shown(value)}»)."
            )
            return None
        if number is None and required:
            self.add(field, f"«{name}» را بنویسید.")
        return number

    def _in_range(
        self, field: str, number: Decimal, value: object, low: float, high: float
    ) -> bool:
        name = self.label(field)
        if number < Decimal(str(low)):
            what = "نمی‌تواند منفی باشد" if low == 0 else f"باید {format_number(low)} یا بیشتر باشد"
            self.add(field, f"«{name}» {what} (نوشته شده: «{shown(value)}»).")
            return False
        if number > Decimal(str(high)):
            self.add(
                field,
                f"«{name}» باید {format_number(high)} یا کمتر باشد (نوشته شده: «{shown(value)}»).",
            )
            return False
        return True

    def whole(
        self, field: str, value: object, *, low: int, high: int, required: bool = True
    ) -> int | None:
        """A whole number from low to high (None when empty and not required)."""
        number = self._number(field, value, required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.add(
                field,
                f"«{self.label(field)}» باید عدد صحیح و بدون اعشار باشد"
                f" (نوشته شده: «{shown(value)}»).",
            )
            return None
        return int(number) if self._in_range(field, number, value, low, high) else None

    def amount(
        self, field: str, value: object, *, low: float = 0, high: float, required: bool = True
    ) -> float | None:
        """A quantity from low to high; fractions allowed."""
        number = self._number(field, value, required)
        if number is None:
            return None
        return float(number) if self._in_range(field, number, value, low, high) else None

    def percent(self, field: str, value: object) -> int | None:
        """A whole percentage from 0 to 100 (a % or ٪ sign may be typed with it)."""
        text = value.strip().strip(_PERCENT_SIGNS) if isinstance(value, str) else value
        try:
            number = parse_number(text)
        except NotANumber:
            number = Decimal(-1)
        if number is None:
            self.add(field, f"«{self.label(field)}» را بنویسید (عددی از ۰ تا ۱۰۰).")
            return None
        if number != number.to_integral_value() or not 0 <= number <= 100:
            self.add(
                field,
                f"«{self.label(field)}» باید عدد صحیحی بین ۰ تا ۱۰۰ باشد"
                f" (نوشته شده: «{shown(value)}»).",
            )
            return None
        return int(number)

    # --- dates -----------------------------------------------------------------------

    def date(
        self,
        field: str,
        value: object,
        *,
        required: bool = True,
        not_before: date | None = None,
        not_before_what: str = "تاریخ جلسه",
    ) -> date | None:
        """A real Jalali date (text or a date), optionally not before a given day."""
        name = self.label(field)
        try:
            day = parse_date(value)
        except DateProblem as e:
            self.add(field, f"«{name}»: {e.message} (نوشته شده: «{shown(value)}»)")
            return None
        if day is None:
            if required:
                self.add(field, f"«{name}» را به شکل ۱۴۰۲/۰۷/۲۹ بنویسید.")
            return None
        if not_before is not None and day < not_before:
            self.add(
                field,
                f"«{name}» ({format_jalali(day)}) نمی‌تواند پیش از {not_before_what}"
                f" ({format_jalali(not_before)}) باشد.",
            )
            return None
        return day

    def time(self, field: str, value: object) -> str | None:
        """'HH:MM', or None when empty."""
        try:
            return parse_time(value)
        except DateProblem as e:
            self.add(field, f"«{self.label(field)}»: {e.message} (نوشته شده: «{shown(value)}»)")
            return None

    # --- choices ---------------------------------------------------------------------

    def flag(self, field: str, value: object, *, default: bool = False) -> bool:
        """Yes or no: a bool, 1/0, or بله/خیر, دارد/ندارد, yes/no; empty is `default`."""
        if isinstance(value, bool):
            return value
        if _blank(value):
            return default
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        key = match_key(str(value))
        if key in _YES:
            return True
        if key in _NO:
            return False
        self.add(
            field, f"«{self.label(field)}» را «بله» یا «خیر» بنویسید (نوشته شده: «{shown(value)}»)."
        )
        return default

    def choice(self, field: str, value: object, choices: Mapping[str, str]) -> str | None:
        """One of `choices` (code -> Persian label), given as its code or its label."""
        if isinstance(value, str) and value in choices:
            return value
        key = match_key("" if value is None else str(value))
        for code, label in choices.items():
            if key and key in (match_key(code), match_key(label)):
                return code
        listed = "، ".join(f"«{label}»" for label in choices.values())
        if _blank(value):
            self.add(field, f"«{self.label(field)}» را انتخاب کنید: یکی از {listed}.")
        else:
            self.add(
                field,
                f"«{self.label(field)}» باید یکی از {listed} باشد (نوشته شده: «{shown(value)}»).",
            )
        return None

    def picked(self, field: str, value: object) -> int | None:
        """The id a picker handed over (a positive whole number), else a problem."""
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        self.add(field, f"«{self.label(field)}» را از فهرست انتخاب کنید.")
        return None

    # --- uploads ---------------------------------------------------------------------

    def upload(
        self,
        field: str,
        name: str,
        content: bytes,
        *,
        types: Mapping[str, tuple[str, tuple[bytes, ...]]],
        max_bytes: int,
    ) -> str | None:
        """An uploaded file of an allowed suffix whose bytes start as that type's do.

        `types`: suffix -> (content type, the bytes such a file starts with).
        Returns the content type, or None after recording the problem.
        """
        ext = PurePath(name).suffix.lower()
        allowed = "، ".join(sorted(e.lstrip(".") for e in types))
        start = len(self.errors)
        if ext not in types:
            self.add(field, f"نوع پرونده «{ext or 'بدون پسوند'}» پذیرفته نیست؛ فقط {allowed}.")
        elif not content:
            self.add(field, "پرونده خالی است.")
        elif not content.startswith(types[ext][1]):
            self.add(
                field, f"محتوای پرونده با پسوند «{ext}» آن جور نیست؛ پرونده را دوباره ذخیره کنید."
            )
        if len(content) > max_bytes:
            size = to_fa_digits(f"{len(content) / 1024 / 1024:.1f}")
            mib = max_bytes / 1024 / 1024
            limit = format_number(int(mib)) if mib.is_integer() else format_number(mib, 1)
            self.add(field, f"حجم پرونده {size} مگابایت است؛ حداکثر {limit} مگابایت مجاز است.")
        return types[ext][0] if len(self.errors) == start else None
