"""Numbers as people type them: Persian ۰–۹, Arabic ٠–٩ or ASCII digits, any separators.

One parser gives every form and every import the same answer:

- thousands: `12,500`, `۱۲٬۵۰۰`, `12 500` (groups of three only) are 12500;
- decimals: `12.5`, `۱۲٫۵`, `12,5` (a comma not followed by a group of three) and
  `۱۲/۵` (the slash many Persian writers use) are 12.5;
- a leading `+` or `-` (also `−`); nothing else: no exponents, `nan` or `inf`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from data_layer.jalali import to_ascii_digits
from data_layer.text import tidy

__all__ = ["NotANumber", "parse_number"]

# Arabic decimal and thousands separators, the Arabic comma, minus and en dash; then the
# digits (before to_ascii_digits, which would drop the thousands separator).
_PUNCTUATION = str.maketrans("\u066b\u066c\u060c\u2212\u2013", ".,,--")
_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_GROUPED_SPACE = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_DECIMAL_SLASH = re.compile(r"[+-]?\d+/\d+")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class NotANumber(ValueError):
    """What was given cannot be read as a number."""


def _from_text(text: str) -> Decimal | None:
    text = to_ascii_digits(tidy(text).translate(_PUNCTUATION)).replace(" ,", ",").replace(", ", ",")
    if not text:
        return None
    if _GROUPED_COMMA.fullmatch(text):
        text = text.replace(",", "")
    elif _GROUPED_SPACE.fullmatch(text):
        text = text.replace(" ", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    elif _DECIMAL_SLASH.fullmatch(text):
        text = text.replace("/", ".")
    if not _PLAIN.fullmatch(text):
        raise NotANumber(text)
    return Decimal(text)


def parse_number(value: object) -> Decimal | None:
    """The number in a box or a cell; None when it is empty; NotANumber when it is not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise NotANumber(value)
        number = Decimal(repr(value))
    elif isinstance(value, str):
        parsed = _from_text(value)
        if parsed is None:
            return None
        number = parsed
    else:
        as_index = getattr(value, "__index__", None)  # numpy integers
        if as_index is None:
            raise NotANumber(value)
        number = Decimal(as_index())
    if not number.is_finite():
        raise NotANumber(value)
    return number
