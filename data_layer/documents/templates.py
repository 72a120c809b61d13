"""Workbooks to fill in for each import: headers, the HXL row, example rows, a guide.

Every template is written by the one Excel writer (documents/workbook.py): right to
left, its header bold and frozen, its HXL row grey, drop-down lists where a column has
a few choices, and its second sheet «راهنما» says what to write in each column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from data_layer.documents.workbook import DropDown, SheetSpec, workbook_xlsx
from data_layer.input.agencies import AGENCY_COLUMNS
from data_layer.input.indicator_values import COLUMNS as VALUE_COLUMNS
from data_layer.input.indicator_values import MAX_IMPORT_ROWS as VALUE_MAX_ROWS
from data_layer.input.neighborhoods import COLUMNS as NEIGHBORHOOD_COLUMNS
from data_layer.input.neighborhoods import MAX_IMPORT_ROWS
from data_layer.input.sheet import Column
from data_layer.labels import AGENCY_KIND_LABELS, NEIGHBORHOOD_KIND_LABELS

__all__ = [
    "Choices",
    "agency_template_xlsx",
    "indicator_values_template_xlsx",
    "neighborhood_template_xlsx",
    "template_xlsx",
]


@dataclass(frozen=True)
class Choices:
    """A drop-down list for one column of the template."""

    field: str
    options: tuple[str, ...]
    error: str
    allow_blank: bool = True


def template_xlsx(
    title: str,
    columns: Sequence[Column],
    examples: Sequence[Sequence[object]],
    guide: Sequence[tuple[str, str]],
    choices: Sequence[Choices] = (),
    rows: int = 5000,
) -> bytes:
    """A workbook with the columns' headers, their HXL tags, example rows and a guide."""
    fields = [c.field for c in columns]
    data = SheetSpec(
        title,
        [c.label for c in columns],
        examples,
        tags=[c.hxl for c in columns],
        widths=[max(14, len(c.label) + 6) for c in columns],
        drop_downs=[
            DropDown(fields.index(c.field), c.options, c.error, rows, c.allow_blank)
            for c in choices
        ],
    )
    notes = SheetSpec("راهنما", ["ستون", "چه بنویسید"], guide, widths=(22, 90))
    return workbook_xlsx([data, notes])


_KINDS = tuple(NEIGHBORHOOD_KIND_LABELS.values())
_KIND_CHOICES = "، ".join(f"«{k}»" for k in _KINDS)


def neighborhood_template_xlsx() -> bytes:
    """The neighborhoods import template (two example rows; the second has no coordinates)."""
    examples = (
        (
            "مرکز استان",
            "کوی زاغه",
            12500,
            3400,
            "بحرانی",
            1,
            "۱۴۰۲/۰۷/۲۹",
            "بله",
            "خیر",
            34.7981,
            48.5146,
        ),
        (
            "بهاران",
            "شهرک ولیعصر",
            8200,
            2150,
            "حاشیه‌نشین",
            2,
            "۱۴۰۱/۱۱/۱۵",
            "خیر",
            "خیر",
            None,
            None,
        ),
    )
    guide = (
        ("شهرستان", "الزامی. اگر شهرستان در سامانه نباشد ساخته می‌شود."),
        ("نام محله", "الزامی؛ حداکثر ۱۵۰ نویسه. نام تکراری در یک شهرستان پذیرفته نیست."),
        ("جمعیت", "الزامی؛ عدد صحیح (رقم فارسی یا لاتین، با یا بدون جداکنندهٔ هزارگان)."),
        ("خانوار", "عدد صحیح، نه بیشتر از جمعیت؛ خالی یعنی نامعلوم (۰)."),
        ("نوع", f"الزامی؛ یکی از {_KIND_CHOICES}."),
        ("اولویت", "رتبهٔ اولویت: عدد صحیح ۱ یا بیشتر؛ می‌تواند خالی بماند."),
        ("تاریخ اعلام", "تاریخ شمسی مانند ۱۴۰۲/۰۷/۲۹؛ می‌تواند خالی بماند."),
        ("دفتر تسهیل‌گری", "«بله» یا «خیر» (یا دارد / ندارد)."),
        ("دفتر تحول اجتماعی", "«بله» یا «خیر» (یا دارد / ندارد)."),
        ("عرض / طول جغرافیایی", "مختصات به درجه (مانند ۳۴٫۷۹۸ و ۴۸٫۵۱۵)؛ هر دو یا هیچ‌کدام."),
        ("سطر دوم", "برچسب‌های HXL (با # شروع می‌شوند)؛ هنگام ورود نادیده گرفته می‌شود."),
    )
    choices = (
        Choices("kind", _KINDS, f"نوع محله یکی از {_KIND_CHOICES} است.", allow_blank=False),
        Choices("has_facilitation_office", ("بله", "خیر"), "«بله» یا «خیر» بنویسید."),
        Choices("has_transformation_office", ("بله", "خیر"), "«بله» یا «خیر» بنویسید."),
    )
    return template_xlsx(
        "محلات هدف", NEIGHBORHOOD_COLUMNS, examples, guide, choices, rows=MAX_IMPORT_ROWS
    )


_AGENCY_KINDS = tuple(AGENCY_KIND_LABELS.values())


def agency_template_xlsx() -> bytes:
    """The member-list import template (one example row)."""
    examples = (
        (
            "اداره کل بهزیستی استان",
            "بهزیستی",
            "اداره کل",
            "مدیرکل محترم بهزیستی استان",
            "سازمان بهزیستی؛ بهزیستی استان",
            "۱۴۰۱/۰۱/۰۱",
            None,
            4,
        ),
    )
    kinds = "، ".join(f"«{k}»" for k in _AGENCY_KINDS)
    guide = (
        ("نام کامل دستگاه", "الزامی؛ همان نامی که در نامه‌ها می‌آید. نام تکراری پذیرفته نیست."),
        ("نام کوتاه", "الزامی؛ در جدول‌ها و نمودارها می‌آید."),
        ("نوع دستگاه", f"الزامی؛ یکی از {kinds}."),
        ("عنوان مخاطب نامه", "مانند «مدیرکل محترم بهزیستی استان»؛ خالی: از روی نوع دستگاه."),
        ("نام‌های دیگر", "نام‌هایی که صورتجلسه‌ها به کار می‌برند، جدا با «؛»."),
        (
            "عضو از / عضو تا",
            "تاریخ شمسی؛ «عضو از» خالی یعنی از پیش از آغاز سوابق، «عضو تا» خالی یعنی هنوز عضو.",
        ),
        ("ترتیب", "جای دستگاه در فهرست‌ها؛ خالی: پس از دستگاه‌های کنونی."),
        ("سطر دوم", "برچسب‌های HXL (با # شروع می‌شوند)؛ هنگام ورود نادیده گرفته می‌شود."),
    )
    choices = (
        Choices("kind", _AGENCY_KINDS, f"نوع دستگاه یکی از {kinds} است.", allow_blank=False),
    )
    return template_xlsx("دستگاه‌ها", AGENCY_COLUMNS, examples, guide, choices, rows=500)


def indicator_values_template_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    """The indicator values import template, pre-filled with `rows` (county, neighborhood,
    indicator, period; the figures left for the agency to write)."""
    examples = [(*row[:4], None, None, None, None) for row in rows] or [
        ("مرکز استان", "کوی زاغه", "نرخ ترک تحصیل", "پاییز ۱۴۰۵", 6.5, None, None, None)
    ]
    guide = (
        ("شهرستان", "برای محله‌ای که نامش در دو شهرستان هست لازم است؛ وگرنه اختیاری."),
        ("محله", "الزامی؛ نام محلهٔ هدف همان‌گونه که در سامانه آمده."),
        ("شاخص", "الزامی؛ نام شاخص همان‌گونه که در فهرست شاخص‌ها آمده."),
        ("دوره", "الزامی؛ برای شاخص فصلی مانند «پاییز ۱۴۰۵»، برای شاخص سالانه مانند «۱۴۰۴»."),
        ("مقدار", "عدد؛ شمارشی: عدد صحیح ۰ یا بیشتر، درصد: ۰ تا ۱۰۰، نسبت: ۰ یا بیشتر."),
        ("صورت / مخرج", "برای شاخص نسبتی یا درصدی به جای «مقدار»؛ مخرج صفر پذیرفته نیست."),
        ("توضیح", "اختیاری؛ حداکثر ۱۰۰۰ نویسه."),
        ("سطر دوم", "برچسب‌های HXL (با # شروع می‌شوند)؛ هنگام ورود نادیده گرفته می‌شود."),
    )
    return template_xlsx("مقادیر شاخص", VALUE_COLUMNS, examples, guide, rows=VALUE_MAX_ROWS)
