"""A person's email address and mobile number as typed, made one form or refused.

Mobile: 09…, +989…, 00989…, 989…, in Persian, Arabic or ASCII digits, with spaces or
dashes → 09xxxxxxxxx (the one rule of data_layer/input/people.py). Email: one address,
its domain in lower case.
"""

from __future__ import annotations

import re

from data_layer.errors import FieldError, ValidationError
from data_layer.input.people import mobile_digits
from data_layer.models_messages import ChannelKind
from data_layer.text import tidy

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
MOBILE_PROBLEM = (
    "شمارهٔ همراه باید شمارهٔ ایران باشد، مانند ۰۹۱۲۳۴۵۶۷۸۹ یا +۹۸۹۱۲۳۴۵۶۷۸۹؛ نوشته شده: «{}»."
)
EMAIL_PROBLEM = "نشانی ایمیل درست نیست (مانند name@example.ir)؛ نوشته شده: «{}»."


def normalise_mobile(typed: str) -> str:
    """09xxxxxxxxx, or ValidationError with the reason in Persian."""
    digits = mobile_digits(typed) if typed.strip() else None
    if digits is None:
        raise ValidationError([FieldError("address", MOBILE_PROBLEM.format(typed.strip()))])
    return digits


def normalise_email(typed: str) -> str:
    """The address with its domain in lower case, or ValidationError in Persian."""
    text = tidy(typed).strip()
    if len(text) > 254 or not _EMAIL_RE.fullmatch(text):
        raise ValidationError([FieldError("address", EMAIL_PROBLEM.format(text))])
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_address(kind: str, typed: str) -> str:
    """An address of a channel kind in its one form."""
    if kind == ChannelKind.SMS.value:
        return normalise_mobile(typed)
    if kind == ChannelKind.EMAIL.value:
        return normalise_email(typed)
    raise ValidationError([FieldError("kind", "راه دریافت باید ایمیل یا پیامک باشد.")])
