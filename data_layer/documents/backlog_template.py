"""The workbook to fill in with earlier meetings' resolutions and their state."""

from __future__ import annotations

from data_layer.documents.templates import Choices, template_xlsx
from data_layer.input.backlog import COLUMNS, MAX_BACKLOG_ROWS
from data_layer.jalali import format_number
from data_layer.labels import ALL_MEMBERS_TEXT, STATUS_LABELS

__all__ = ["backlog_template_xlsx"]

_STATUSES = tuple(STATUS_LABELS.values())
_STATUS_CHOICES = "، ".join(f"«{s}»" for s in _STATUSES)


_GUIDE: tuple[tuple[str, str], ...] = (
    ("شماره جلسه", "الزامی؛ عدد صحیح. اگر جلسه در سامانه نباشد ساخته می‌شود."),
    (
        "تاریخ جلسه",
        "الزامی؛ تاریخ شمسی مانند ۱۴۰۲/۰۳/۱۵. همهٔ سطرهای یک جلسه یک تاریخ دارند و اگر"
        " جلسه در سامانه ثبت شده است، همان تاریخ را بنویسید.",
    ),
    (
        "شماره مصوبه",
        "الزامی؛ عدد صحیح. مصوبه‌ای که جلسه‌اش در سامانه همین شماره را دارد پذیرفته"
        " نمی‌شود: این ورود سوابق تازه می‌افزاید و چیزی را بازنویسی نمی‌کند.",
    ),
    (
        "شرح مصوبه",
        "الزامی؛ حداکثر ۴٬۰۰۰ نویسه. سطرهای یک مصوبه (همان جلسه و شماره) یک شرح دارند؛"
        " مسوولان این سطرها با هم مسوولان مصوبه می‌شوند.",
    ),
    (
        "مسوول پیگیری",
        f"الزامی؛ نام دستگاه چنان‌که در سامانه ثبت است، چند دستگاه با «/» یا «،»، یا"
        f" «{ALL_MEMBERS_TEXT}» برای همهٔ دستگاه‌هایی که در روز جلسه عضو بودند.",
    ),
    ("وضعیت", f"الزامی؛ یکی از {_STATUS_CHOICES}."),
    (
        "پیشرفت ٪",
        "عدد صحیح از ۰ تا ۱۰۰. «انجام شده» یعنی ۱۰۰. خالی: ۰ برای «انجام نشده» و ۱۰۰"
        " برای «انجام شده»؛ برای وضعیت‌های دیگر الزامی است.",
    ),
    (
        "مهلت انجام",
        "تاریخ شمسی، نه پیش از تاریخ جلسه؛ تاریخ برنامهٔ هر ردیف می‌شود. می‌تواند خالی بماند.",
    ),
    (
        "آخرین پیگیری",
        "آخرین خبر از ردیف؛ برای ردیف «انجام نشده» گام بعدی و برای بقیه اقدامات انجام‌شده"
        " ثبت می‌شود. می‌تواند خالی بماند.",
    ),
    (
        "سطرها",
        f"حداکثر {format_number(MAX_BACKLOG_ROWS)} سطر. اگر حتی یک سطر خطا داشته باشد،"
        " هیچ سطری وارد نمی‌شود؛ همهٔ خطاها با شمارهٔ سطر و نام ستون فهرست می‌شوند.",
    ),
)


def backlog_template_xlsx() -> bytes:
    """The backlog import template: the columns, one example row, a guide."""
    example = (
        5,
        "۱۴۰۲/۰۳/۱۵",
        1,
        "ساماندهی کودکان کار در محلات هدف با همکاری دستگاه‌های عضو",
        "اداره کل بهزیستی استان / کمیته امداد امام خمینی (ره) استان",
        STATUS_LABELS["in_progress"],
        40,
        "۱۴۰۲/۱۲/۲۰",
        "فهرست کودکان دو محله تهیه و به دبیرخانه فرستاده شد",
    )
    choices = (
        Choices("status", _STATUSES, f"وضعیت یکی از {_STATUS_CHOICES} است.", allow_blank=False),
    )
    return template_xlsx(
        "سوابق مصوبات", COLUMNS, (example,), _GUIDE, choices, rows=MAX_BACKLOG_ROWS
    )
