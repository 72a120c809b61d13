"""Persian words for the domain's codes: one place for screens, letters and exports."""

from __future__ import annotations

from data_layer.models import (
    AgencyKind,
    AssignmentStatus,
    DeliveryStatus,
    NeighborhoodKind,
    PeriodKind,
    Role,
    Verification,
)

STATUS_LABELS: dict[str, str] = {
    AssignmentStatus.NOT_STARTED: "انجام نشده",
    AssignmentStatus.IN_PROGRESS: "در حال انجام",
    AssignmentStatus.DONE: "انجام شده",
    AssignmentStatus.BLOCKED: "متوقف",
    AssignmentStatus.NEEDS_FOLLOW_UP: "نیازمند پیگیری",
}

VERIFICATION_LABELS: dict[str, str] = {
    Verification.UNVERIFIED: "بررسی نشده",
    Verification.DOCUMENT_SEEN: "مستند دیده شد",
    Verification.FIELD_VERIFIED: "تأیید میدانی",
    Verification.REJECTED: "رد شده",
}

NEIGHBORHOOD_KIND_LABELS: dict[str, str] = {
    NeighborhoodKind.MARGINAL: "حاشیه‌نشین",
    NeighborhoodKind.ACUTE: "حاد",
    NeighborhoodKind.CRITICAL: "بحرانی",
}

DELIVERY_STATUS_LABELS: dict[str, str] = {
    DeliveryStatus.PLANNED: "برنامه‌ریزی‌شده",
    DeliveryStatus.ACTIVE: "فعال",
    DeliveryStatus.COMPLETED: "تکمیل‌شده",
}

AGENCY_KIND_LABELS: dict[str, str] = {
    AgencyKind.GOVERNORATE: "استانداری / فرمانداری",
    AgencyKind.DIRECTORATE: "اداره کل",
    AgencyKind.UNIVERSITY: "دانشگاه",
    AgencyKind.MUNICIPALITY: "شهرداری",
    AgencyKind.FOUNDATION: "بنیاد / نهاد عمومی",
    AgencyKind.MILITARY_POLICE: "انتظامی",
    AgencyKind.NGO: "سازمان مردم‌نهاد",
    AgencyKind.OTHER: "سایر",
}

PERIOD_KIND_LABELS: dict[str, str] = {PeriodKind.MONTH: "ماهانه", PeriodKind.SEASON: "فصلی"}

ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: "مدیر سامانه",
    Role.SECRETARIAT: "دبیرخانه",
    Role.AGENCY_EDITOR: "کارشناس رابط دستگاه",
    Role.VIEWER: "بیننده",
}

OVERDUE_LABEL = "دارای تأخیر"
# How the minutes name "every member agency" as the owner of a resolution.
ALL_MEMBERS_TEXT = "ادارات عضو کارگروه"
SAMPLE_BADGE = "دادهٔ نمونه"

# The Persian names of an agency row's fields (forms, messages and its history).
ASSIGNMENT_FIELD_LABELS: dict[str, str] = {
    "status": "وضعیت",
    "progress": "پیشرفت",
    "done_text": "اقدامات انجام‌شده",
    "next_step": "گام بعدی",
    "planned_date": "تاریخ برنامه‌ریزی‌شده",
    "reason": "دلیل تغییر تاریخ",
    "evidence_url": "پیوند مستند",
    "evidence": "مستند",
    "evidence_withdrawn": "پس‌گرفتن مستند",
    "verification": "تأیید دبیرخانه",
    "note": "توضیح",
    "reschedule_count": "دفعات تغییر تاریخ",
    "withdrawn": "برداشته شدن مسوولیت",
    "created": "ایجاد",
}

# How a letter addresses an agency's head when the registry gives no title.
_HEAD_BY_KIND: dict[str, str] = {
    AgencyKind.GOVERNORATE: "مدیرکل محترم",
    AgencyKind.DIRECTORATE: "مدیرکل محترم",
    AgencyKind.UNIVERSITY: "ریاست محترم",
    AgencyKind.MUNICIPALITY: "شهردار محترم",
    AgencyKind.FOUNDATION: "مدیرکل محترم",
    AgencyKind.MILITARY_POLICE: "فرمانده محترم",
    AgencyKind.NGO: "مدیرعامل محترم",
    AgencyKind.OTHER: "ریاست محترم",
}


def default_head_title(kind: str, name: str) -> str:
    """«مدیرکل محترم اداره کل …»: a starting point the secretariat can correct."""
    word = _HEAD_BY_KIND.get(kind, "ریاست محترم")
    if name.startswith("اداره کل ") and word == "مدیرکل محترم":
        name = name.removeprefix("اداره کل ")
    return f"{word} {name}"
