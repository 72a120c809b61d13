"""The workbook to fill in for the liaisons import (see data_layer/input/people.py)."""

from __future__ import annotations

from data_layer.auth import MIN_PASSWORD_LENGTH
from data_layer.documents.templates import template_xlsx
from data_layer.input.people import COLUMNS, MAX_IMPORT_ROWS
from data_layer.jalali import to_fa_digits

__all__ = ["people_template_xlsx"]

EXAMPLE = ("مریم احمدی", "behzisti.ahmadi", "اداره کل بهزیستی استان", "09121234567")


def people_template_xlsx() -> bytes:
    """The four columns, one example row and a guide."""
    guide = (
        ("نام و نام خانوادگی", "الزامی؛ ۲ تا ۱۲۰ نویسه، همان‌طور که روی برگهٔ ورود چاپ شود."),
        (
            "نام کاربری",
            "الزامی؛ ۳ تا ۴۰ نویسه از حروف کوچک انگلیسی، رقم، نقطه، خط تیره یا زیرخط."
            " نام کاربریِ ثبت‌شده در سامانه یا تکراری در پرونده پذیرفته نیست.",
        ),
        (
            "دستگاه",
            "الزامی؛ نام کامل، نام کوتاه یا یکی از نام‌های دیگر دستگاه، همان‌طور که در"
            " سامانه ثبت است. برای هر دستگاه یک ردیف.",
        ),
        (
            "تلفن همراه",
            "اختیاری؛ شمارهٔ همراه ۱۱ رقمی مانند ۰۹۱۲۱۲۳۴۵۶۷ (رقم فارسی یا لاتین).",
        ),
        (
            "گذرواژه",
            "در پرونده نمی‌آید: سامانه برای هر رابط گذرواژهٔ یک‌بارمصرف می‌سازد که در"
            " نخستین ورود باید به گذرواژه‌ای دست‌کم"
            f" {to_fa_digits(MIN_PASSWORD_LENGTH)} نویسه‌ای عوض شود.",
        ),
    )
    return template_xlsx("رابطان دستگاه‌ها", COLUMNS, (EXAMPLE,), guide, rows=MAX_IMPORT_ROWS)
