"""Numbers a person types: shown with Persian digits (۰–۹), Persian, Arabic or ASCII
digits accepted. Streamlit's number box shows and takes only Latin digits, so every
number field is a text box; the command behind a form parses and checks what was
typed (data_layer/input/check.py), and a filter parses it here."""

from __future__ import annotations

from typing import Any

from data_layer.input.numbers import NotANumber, parse_number
from data_layer.jalali import to_fa_digits

__all__ = ["number_field", "whole_or"]


def number_field(
    where: Any,
    label: str,
    value: float | None,
    *,
    key: str,
    help: str | None = None,
    placeholder: str | None = None,
) -> str:
    """A number box in `where` (st or a column) showing `value` in Persian digits; the
    text as typed, for the command to parse."""
    shown = (
        "" if value is None else to_fa_digits(f"{value:g}" if isinstance(value, float) else value)
    )
    return str(where.text_input(label, value=shown, key=key, help=help, placeholder=placeholder))


def whole_or(text: str, default: int, *, low: int, high: int) -> int:
    """The whole number typed, kept within low..high; `default` when empty or not one."""
    try:
        number = parse_number(text)
    except NotANumber:
        return default
    if number is None or number != number.to_integral_value():
        return default
    return min(max(int(number), low), high)
