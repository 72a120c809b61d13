"""SQLModel tables for the whole domain (see shared/design/DOMAIN.md).

Conventions:
- Dates are Gregorian `date`s; timestamps are timezone-aware UTC `datetime`s.
- Enumerations are stored as short strings, checked by the database and listed
  in the StrEnums below (no native enum types: they make migrations painful).
- `is_sample` marks every row that does not come from real minutes or real
  agency input, so the interface can badge it.
- Nothing a person entered is ever deleted: rows are withdrawn or deactivated,
  and every change to a reported row goes to `history_entry`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, LargeBinary, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Column, Field, SQLModel

from data_layer import clock
from data_layer.models_enums import AgencyKind as AgencyKind
from data_layer.models_enums import AssignmentStatus as AssignmentStatus
from data_layer.models_enums import DeliveryStatus as DeliveryStatus
from data_layer.models_enums import NeighborhoodKind as NeighborhoodKind
from data_layer.models_enums import PeriodKind as PeriodKind
from data_layer.models_enums import Role as Role
from data_layer.models_enums import Verification as Verification
from data_layer.throttle import SignInThrottle as SignInThrottle  # its table, kept apart

# Aware UTC now: the one timestamp convention of the store (the one clock).
utcnow = clock.now


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


# --- people and organisations ---------------------------------------------------


class Agency(SQLModel, table=True):
    """A government agency (دستگاه): a member of the working group or invited."""

    __tablename__ = "agency"
    __table_args__ = (CheckConstraint(_in("kind", AgencyKind), name="ck_agency_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    short_name: str = Field(max_length=80)
    # Other names documents use for the agency, separated by ";" (owner matching).
    aliases: str = Field(default="", max_length=500)
    kind: str = Field(default=AgencyKind.DIRECTORATE.value, max_length=20)
    # How a letter addresses the agency's head, e.g. «مدیرکل محترم بهزیستی استان».
    head_title: str = Field(default="", max_length=200)
    sort_order: int = 0
    # A retired agency keeps its rows; a merged one also names the agency it joined.
    active: bool = True
    merged_into_id: int | None = Field(default=None, foreign_key="agency.id")
    version: int = 1
    is_sample: bool = False


class AgencyMembership(SQLModel, table=True):
    """A period in which an agency was a member of the working group.

    `member_from` None: a member since before the records begin; `member_to` None:
    a member still. Periods of one agency never overlap (checked by the commands).
    """

    __tablename__ = "agency_membership"
    __table_args__ = (
        CheckConstraint(
            "member_to IS NULL OR member_from IS NULL OR member_to >= member_from",
            name="ck_membership_order",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    member_from: date | None = None
    member_to: date | None = None
    is_sample: bool = False


class ProvinceProfile(SQLModel, table=True):
    """Who this installation belongs to: one row, used by every title, letter and export."""

    __tablename__ = "province_profile"

    id: int = Field(default=1, primary_key=True)
    province: str = Field(max_length=80)  # «خراسان جنوبی»
    governorate: str = Field(max_length=200)  # «استانداری خراسان جنوبی»
    group_name: str = Field(max_length=300)  # the working group's full name
    secretary_name: str = Field(default="", max_length=120)
    secretary_title: str = Field(default="", max_length=200)
    # Letterhead lines, top to bottom, one per line.
    letterhead: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    logo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    logo_type: str = Field(default="", max_length=40)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    is_sample: bool = False


class User(SQLModel, table=True):
    """A person who signs in; an agency editor is bound to one agency, a county
    governorate's reader to one county."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(_in("role", Role), name="ck_user_role"),
        CheckConstraint(
            "(role = 'agency_editor') = (agency_id IS NOT NULL)", name="ck_user_agency_role"
        ),
        CheckConstraint(
            "(role = 'county_reader') = (county_id IS NOT NULL)", name="ck_user_county_role"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True)
    full_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    county_id: int | None = Field(default=None, foreign_key="county.id", index=True)
    phone: str = Field(default="", max_length=20)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    version: int = 1  # optimistic concurrency: a form on a changed account is refused
    is_sample: bool = False


class AuthSession(SQLModel, table=True):
    """A signed-in browser session; only the hash of its token is kept."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=128, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


# --- meetings and resolutions ---------------------------------------------------


class Meeting(SQLModel, table=True):
    """A session of the working group (جلسه)."""

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    held_on: date = Field(index=True)
    start_time: str | None = Field(default=None, max_length=5)  # "09:00"
    place: str = Field(default="", max_length=200)
    chair: str = Field(default="", max_length=200)
    secretary: str = Field(default="", max_length=200)
    guests: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    is_sample: bool = False


class MeetingAttendance(SQLModel, table=True):
    """Whether a member agency was present at a meeting (حاضرین / غایبین)."""

    __tablename__ = "meeting_attendance"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    present: bool = True
    representative: str = Field(default="", max_length=200)
    is_sample: bool = False


class Resolution(SQLModel, table=True):
    """A numbered resolution (مصوبه) of a meeting."""

    __tablename__ = "resolution"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number", name="uq_resolution_number"),
        Index("ix_resolution_due", "due_date"),  # the ladder walks resolutions oldest due first
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    # The text and owner cell exactly as the source writes them, where they differ.
    text_as_written: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    owners_raw: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    theme: str = Field(default="", max_length=100)
    owners_as_written: str = Field(default="", max_length=500)
    all_members: bool = False  # "ادارات عضو کارگروه"
    # The lead owner (مسئول اصلی), one of the owners; its progress weighs more.
    lead_agency_id: int | None = Field(default=None, foreign_key="agency.id")
    due_date: date | None = None
    version: int = 1
    is_sample: bool = False


class Assignment(SQLModel, table=True):
    """One agency's row for one resolution: what the agency reports and its check."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("resolution_id", "agency_id", name="uq_assignment_row"),
        CheckConstraint(_in("status", AssignmentStatus), name="ck_assignment_status"),
        CheckConstraint(_in("verification", Verification), name="ck_assignment_verification"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="ck_assignment_progress"),
        Index("ix_assignment_agency_status", "agency_id", "status"),
        # The secretariat's inbox: an agency's oldest planned date still open (the
        # ladder), and the claims waiting, counted and listed oldest first, from an index.
        # A liaison's inbox filters, ranks and counts an agency's rows from the first
        # index alone (widened by migration 0021), the table read only for those listed.
        Index(
            "ix_assignment_agency_planned",
            "agency_id",
            "planned_date",
            "status",
            "withdrawn",
            "verification",
            "resolution_id",
            "id",
        ),
        Index("ix_assignment_claims", "verification", "withdrawn", "reported_at"),
        # The overview's late rows, earliest planned date first (queries/overview.py).
        Index("ix_assignment_planned", "planned_date", "status", "withdrawn"),
        Index(  # rows never reported, per agency (the ladder's unreported rows)
            "ix_assignment_never_reported",
            "agency_id",
            sqlite_where=sql_text("reported_at IS NULL"),
            postgresql_where=sql_text("reported_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resolution_id: int = Field(foreign_key="resolution.id", index=True)
    agency_id: int = Field(foreign_key="agency.id")
    status: str = Field(default=AssignmentStatus.NOT_STARTED.value, max_length=20)
    progress: int = 0
    done_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    next_step: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    planned_date: date | None = None
    first_planned_date: date | None = None
    reschedule_count: int = 0
    evidence_url: str = Field(default="", max_length=500)
    verification: str = Field(default=Verification.UNVERIFIED.value, max_length=20)
    verification_note: str = Field(default="", max_length=1000)
    verified_at: datetime | None = None
    verified_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    reported_at: datetime | None = None  # the agency's last report
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn: bool = False  # the owner was removed from the resolution later
    version: int = 1  # optimistic concurrency: UPDATE ... WHERE version = ?
    is_sample: bool = False


class ClaimTally(SQLModel, table=True):
    """How many of an agency's rows are claims waiting for the secretariat (reported,
    not ruled on, not withdrawn): kept by triggers on assignment in the writing
    transaction (migration 0018), one row per agency so no row every save locks;
    `data_layer.tallies` recounts and repairs it."""

    __tablename__ = "claim_tally"

    agency_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    waiting: int = 0


class UnplannedDueTally(SQLModel, table=True):
    """How many of an agency's open rows without a planned date fall due on a day (their
    resolution's due date): the ladder finds an agency's oldest such row from its first
    entry instead of walking the resolutions. Kept by triggers on assignment and on
    resolution's due date (migration 0018); a day at zero is deleted."""

    __tablename__ = "unplanned_due_tally"

    agency_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    due_on: date = Field(primary_key=True)
    open_rows: int = 0


class MeetingSnapshot(SQLModel, table=True):
    """A meeting's record: what the agencies had reported when it was held, taken
    live at its start or replayed from history afterwards; one per meeting, never
    changed, used by the projector and the report of the follow-up it reviewed."""

    __tablename__ = "meeting_snapshot"
    __table_args__ = (CheckConstraint("how IN ('live', 'replay')", name="ck_snapshot_how"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True)
    as_of: datetime  # the moment the figures stand for
    taken_at: datetime = Field(default_factory=utcnow)
    taken_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    how: str = Field(max_length=10)
    rows: int = 0
    is_sample: bool = False


class SnapshotRow(SQLModel, table=True):
    """One live agency row as it stood in a meeting's snapshot."""

    __tablename__ = "snapshot_row"

    snapshot_id: int = Field(foreign_key="meeting_snapshot.id", primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", primary_key=True)
    resolution_id: int = Field(foreign_key="resolution.id")
    agency_id: int = Field(foreign_key="agency.id")
    status: str = Field(max_length=20)
    progress: int = 0
    planned_date: date | None = None
    due_date: date | None = None
    verification: str = Field(max_length=20)


class Letter(SQLModel, table=True):
    """A follow-up letter sent to an agency: its step of the chase (1, 2 reminders; 3 to
    the head, copy to the chair), the rows it named (letter_row), the PDF as sent and
    later the reply. Nothing is deleted; every change goes to history."""

    __tablename__ = "letter"
    __table_args__ = (
        UniqueConstraint("year", "serial", name="uq_letter_number"),
        CheckConstraint("step BETWEEN 1 AND 3", name="ck_letter_step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int  # the Jalali year of its number
    serial: int  # its number within the year: «۱۴۰۵/۱۲»
    issued_on: date = Field(index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    step: int
    addressee: str = Field(max_length=300)
    copy_to_chair: bool = False
    reply_by: date
    rows: int = 0
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    replied_on: date | None = None
    reply_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reply_file: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    reply_filename: str = Field(default="", max_length=255)
    reply_type: str = Field(default="", max_length=100)
    reply_recorded_at: datetime | None = None
    reply_recorded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    # The secretariat has read the reply and acted on it; a corrected reply clears it.
    reply_reviewed_at: datetime | None = None
    reply_reviewed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    is_sample: bool = False


class LetterRow(SQLModel, table=True):
    """A row a letter named, as it stood when the letter was sent."""

    __tablename__ = "letter_row"

    letter_id: int = Field(foreign_key="letter.id", primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", primary_key=True)
    status: str = Field(max_length=20)
    progress: int = 0
    days_late: int = 0
    unreported: bool = False


class Evidence(SQLModel, table=True):
    """A document or photo an agency uploaded; kept in the database so backups hold it."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = Field(default_factory=utcnow)
    uploaded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn: bool = False


class HistoryEntry(SQLModel, table=True):
    """One field's change on a reported row: who, when, before and after."""

    __tablename__ = "history_entry"
    __table_args__ = (
        Index("ix_history_entity", "entity", "entity_id", "changed_at"),
        Index("ix_history_completed", "field", "new_value", "entity", "changed_at", "entity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=30)  # "assignment", "delivery", "capacity", ...
    entity_id: int
    changed_at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    field: str = Field(max_length=60)
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str = Field(default="", max_length=1000)
    is_sample: bool = False


class County(SQLModel, table=True):
    """A county (شهرستان) of the province."""

    __tablename__ = "county"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    is_sample: bool = False


class Neighborhood(SQLModel, table=True):
    """A target neighborhood (محله هدف)."""

    __tablename__ = "neighborhood"
    __table_args__ = (
        UniqueConstraint("county_id", "name", name="uq_neighborhood_name"),
        CheckConstraint(_in("kind", NeighborhoodKind), name="ck_neighborhood_kind"),
        CheckConstraint("population >= 0 AND households >= 0", name="ck_neighborhood_counts"),
    )

    id: int | None = Field(default=None, primary_key=True)
    county_id: int = Field(foreign_key="county.id", index=True)
    name: str = Field(max_length=150)
    population: int = 0
    households: int = 0
    kind: str = Field(default=NeighborhoodKind.MARGINAL.value, max_length=20)
    priority_rank: int | None = None
    announced_on: date | None = None
    has_facilitation_office: bool = False
    has_transformation_office: bool = False
    latitude: float | None = None
    longitude: float | None = None
    active: bool = True
    version: int = 1
    is_sample: bool = False


class ServiceType(SQLModel, table=True):
    """A kind of service (نوع خدمت) with its need norm per 1,000 residents."""

    __tablename__ = "service_type"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    unit: str = Field(default="واحد", max_length=40)
    owner_agency_id: int | None = Field(default=None, foreign_key="agency.id")
    norm_per_1000: float | None = None  # None: no norm set, so no gap computed
    resolution_ref: str = Field(default="", max_length=40)  # e.g. "مصوبه ۹"
    active: bool = True
    version: int = 1
    is_sample: bool = False


class ServiceDelivery(SQLModel, table=True):
    """Who does what where (3W): agency x neighborhood x service x period."""

    __tablename__ = "service_delivery"
    __table_args__ = (
        CheckConstraint(_in("status", DeliveryStatus), name="ck_delivery_status"),
        CheckConstraint("units >= 0 AND beneficiaries >= 0", name="ck_delivery_counts"),
        Index("ix_delivery_neighborhood_service", "neighborhood_id", "service_type_id"),
        Index("ix_delivery_agency", "agency_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id")
    neighborhood_id: int = Field(foreign_key="neighborhood.id")
    service_type_id: int = Field(foreign_key="service_type.id")
    period_start: date
    period_end: date
    units: float = 0
    beneficiaries: int = 0
    status: str = Field(default=DeliveryStatus.PLANNED.value, max_length=20)
    note: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn: bool = False
    version: int = 1
    is_sample: bool = False


class AgencyCapacity(SQLModel, table=True):
    """What an agency has of a service in the province, and how much serves targets."""

    __tablename__ = "agency_capacity"
    __table_args__ = (
        UniqueConstraint("agency_id", "service_type_id", name="uq_capacity_row"),
        CheckConstraint(
            "total_units >= 0 AND target_units >= 0 AND target_units <= total_units",
            name="ck_capacity_units",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    service_type_id: int = Field(foreign_key="service_type.id")
    total_units: float = 0
    target_units: float = 0
    as_of: date | None = None
    note: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    is_sample: bool = False


class PerformanceReport(SQLModel, table=True):
    """An agency's periodic performance report (resolution 5)."""

    __tablename__ = "performance_report"
    __table_args__ = (
        UniqueConstraint(
            "agency_id", "period_kind", "period_year", "period_no", name="uq_report_period"
        ),
        CheckConstraint(_in("period_kind", PeriodKind), name="ck_report_period_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    period_kind: str = Field(default=PeriodKind.SEASON.value, max_length=10)
    period_year: int  # Jalali year
    period_no: int  # month 1-12 or season 1-4
    submitted_at: datetime | None = None
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    figures_json: str = Field(
        default="{}", sa_column=Column(Text, nullable=False, server_default="{}")
    )
    submitted_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    is_sample: bool = False


class AppSetting(SQLModel, table=True):
    """A setting the secretariat can change (thresholds, deadline rules)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class AccessKind(StrEnum):
    """What an access token opens."""

    KIOSK = "kiosk"  # a read-only screen for the hall's laptop or a wall screen
    FEED = "feed"  # read-only data feeds (CSV with HXL) for other tools


class AccessToken(SQLModel, table=True):
    """A named, revocable token: a kiosk link or a data-feed consumer (only its hash kept)."""

    __tablename__ = "access_token"
    __table_args__ = (CheckConstraint(_in("kind", AccessKind), name="ck_access_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=120)
    scope: str = Field(default="", max_length=40)  # kiosk: "projector" or "overview"
    token_hash: str = Field(max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class DataVersion(SQLModel, table=True):
    """SQLite's count of committed changes, which cached screens are keyed by (on
    PostgreSQL the sequence data_version_seq counts: no row every writer locks)."""

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 1
    changed_at: datetime = Field(default_factory=utcnow)
