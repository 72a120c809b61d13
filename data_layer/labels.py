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
    Role.COUNTY_READER: "فرمانداری",
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


def default_head_title(kind: str, name: str) -> str:
    """How a letter addresses an agency's head when the registry gives no title (a starting
    point the secretariat corrects in «دستگاه‌ها»)."""
    if kind == AgencyKind.UNIVERSITY.value:
        return f"ریاست محترم {name}"
    if kind == AgencyKind.MUNICIPALITY.value:
        return f"شهردار محترم {name.removeprefix('شهرداری ').strip()}"
    if kind == AgencyKind.MILITARY_POLICE.value:
        return f"فرمانده محترم {name.removeprefix('فرماندهی ').strip()}"
    if kind == AgencyKind.NGO.value:
        return f"مدیرعامل محترم {name}"
    if kind == AgencyKind.OTHER.value or name.startswith("سازمان"):
        return f"ریاست محترم {name}"
    # Directorates, foundations and the governorate's own offices are led by a مدیرکل.
    return f"مدیرکل محترم {name}"


# The working group's name without its province: what every province's group is called.
GROUP_NAME_BASE = "کارگروه اجتماعی، فرهنگی، سلامت، زنان و خانواده"


def group_name_for(province: str, typed: str = "") -> str:
    """The group's full name: what was typed, completed with the province when it ends in
    a dangling «استان»; nothing typed: built from the province's name (or the base phrase
    when the province is not known yet)."""
    typed, province = " ".join(typed.split()), " ".join(province.split())
    if typed and not typed.endswith(" استان") and typed != "استان":
        return typed
    base = typed.removesuffix("استان").strip() or GROUP_NAME_BASE
    return f"{base} استان {province}" if province else base
