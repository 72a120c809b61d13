"""Persian words for the domain's codes: one place for screens, letters and exports."""

from __future__ import annotations

from data_layer.models import (
    AgencyKind,
    AssignmentStatus,
    DeliveryStatus,
    NeighborhoodKind,
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

ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: "مدیر سامانه",
    Role.SECRETARIAT: "دبیرخانه",
    Role.AGENCY_EDITOR: "کارشناس رابط دستگاه",
    Role.VIEWER: "بیننده",
}

OVERDUE_LABEL = "دارای تأخیر"
SAMPLE_BADGE = "دادهٔ نمونه"
