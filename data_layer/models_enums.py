"""The enumerations of the store: stored as short strings, checked by the database
(see data_layer/models.py, which re-exports them)."""

from __future__ import annotations

from enum import StrEnum


class AgencyKind(StrEnum):
    """What sort of body an agency is."""

    GOVERNORATE = "governorate"  # استانداری / فرمانداری
    DIRECTORATE = "directorate"  # اداره کل
    UNIVERSITY = "university"
    MUNICIPALITY = "municipality"
    FOUNDATION = "foundation"  # بنیاد / کمیته / نهاد عمومی
    MILITARY_POLICE = "police"
    NGO = "ngo"
    OTHER = "other"


class AssignmentStatus(StrEnum):
    """Status of an agency's row as the agency reports it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    NEEDS_FOLLOW_UP = "needs_follow_up"


class Verification(StrEnum):
    """The secretariat's verdict on what an agency claimed."""

    UNVERIFIED = "unverified"
    DOCUMENT_SEEN = "document_seen"
    FIELD_VERIFIED = "field_verified"
    REJECTED = "rejected"


class NeighborhoodKind(StrEnum):
    """Type of target neighborhood."""

    MARGINAL = "marginal"  # حاشیه‌نشین
    ACUTE = "acute"  # حاد
    CRITICAL = "critical"  # بحرانی


class DeliveryStatus(StrEnum):
    """State of a service delivery (3W row)."""

    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"


class PeriodKind(StrEnum):
    """Granularity of a performance-report period."""

    MONTH = "month"
    SEASON = "season"


class Role(StrEnum):
    """What a signed-in person may do."""

    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    AGENCY_EDITOR = "agency_editor"
    VIEWER = "viewer"
    COUNTY_READER = "county_reader"  # a county governorate (فرمانداری): reads its county
