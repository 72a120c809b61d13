"""Who may do what and read what: writes are checked inside every command, reads by
every page, download and route, not only by the menu.

Writes: `require` re-reads the person inside the command's own transaction: an account
deactivated, given another role or agency, or whose sign-in has ended since the
page drew its form is refused, whatever Actor object the caller still holds.

Reads: `can_read(reader, what, scope)` says whether a reader (a signed-in person, a
kiosk link, anyone when the secretariat allows it, or a data feed's token) may be
shown a page, a download or a feed over a part of the province; `require_read`
raises the Persian refusal. Every reader carries its `Scope`: the whole province
today; a county governorate's reader (a later issue) one county.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from data_layer.config import is_hub
from data_layer.errors import PermissionDenied, SessionExpired
from data_layer.labels import ROLE_LABELS
from data_layer.models import AuthSession, Role, User, utcnow


@dataclass(frozen=True)
class Scope:
    """The part of the province a reader covers: all of it (`county_id` None) or one county.

    Cached screens key their entries by it, so readers of two scopes never share one.
    """

    county_id: int | None = None

    def covers(self, other: Scope) -> bool:
        """True when everything `other` holds lies inside this scope."""
        return self.county_id is None or self.county_id == other.county_id


PROVINCE = Scope()  # every account, kiosk link, anonymous reader and feed today


@dataclass(frozen=True)
class Actor:
    """The signed-in person a command acts for (`session_id`: the sign-in it came from;
    `scope`: what of the province the person reads)."""

    user_id: int
    username: str
    full_name: str
    role: str
    agency_id: int | None = None
    session_id: int | None = None
    scope: Scope = PROVINCE


class Action(StrEnum):
    """Every kind of write the app makes."""

    UPDATE_ASSIGNMENT = "update_assignment"
    ADD_EVIDENCE = "add_evidence"
    VERIFY_ASSIGNMENT = "verify_assignment"
    MANAGE_USERS = "manage_users"
    MANAGE_MEETINGS = "manage_meetings"  # meetings, resolutions, the backlog and its triage
    MANAGE_AGENCIES = "manage_agencies"  # the agency registry and membership periods
    MANAGE_PROFILE = "manage_profile"  # the province's name, letterhead and logo
    MANAGE_NEIGHBORHOODS = "manage_neighborhoods"
    MANAGE_SETTINGS = "manage_settings"  # thresholds, report rule, who may read
    MANAGE_KIOSKS = "manage_kiosks"  # read-only links for the hall and wall screens
    MANAGE_FEEDS = "manage_feeds"  # tokens of the data feeds
    REPORT_SERVICES = "report_services"  # deliveries, capacity, performance reports
    MANAGE_MESSAGES = "manage_messages"  # the outbox: send a failed message again
    MANAGE_INDICATORS = "manage_indicators"  # the catalogue, baselines and targets, any value
    REPORT_INDICATORS = "report_indicators"  # an agency's values of the indicators it reports
    MANAGE_HUB = "manage_hub"  # the national hub: its provinces, their tokens, its settings
    PUBLISH_NATIONAL = "publish_national"  # approve a snapshot for the national level
    MANAGE_NATIONAL_LINK = "manage_national_link"  # the province's code, the hub and its token
    PROPOSE_PRIORITY = "propose_priority"  # a county governorate's order of its neighborhoods
    DECIDE_PRIORITY = "decide_priority"  # the secretariat accepts or returns that order


# Actions that belong to an agency: an editor may do them for its own agency only.
_AGENCY_ACTIONS = {
    Action.UPDATE_ASSIGNMENT,
    Action.ADD_EVIDENCE,
    Action.REPORT_SERVICES,
    Action.REPORT_INDICATORS,
}

_ALLOWED: dict[str, set[Action]] = {
    Role.ADMIN: {
        Action.MANAGE_USERS,
        Action.MANAGE_FEEDS,
        Action.MANAGE_PROFILE,
        Action.MANAGE_MESSAGES,
        Action.MANAGE_HUB,
        Action.MANAGE_NATIONAL_LINK,
    },
    Role.SECRETARIAT: {
        Action.VERIFY_ASSIGNMENT,
        Action.MANAGE_MEETINGS,
        Action.MANAGE_AGENCIES,
        Action.MANAGE_NEIGHBORHOODS,
        Action.MANAGE_SETTINGS,
        Action.MANAGE_KIOSKS,
        Action.MANAGE_INDICATORS,
        Action.PUBLISH_NATIONAL,
        Action.DECIDE_PRIORITY,
    },
    Role.AGENCY_EDITOR: set(_AGENCY_ACTIONS),
    Role.VIEWER: set(),
    Role.COUNTY_READER: {Action.PROPOSE_PRIORITY},
}

_REFUSALS: dict[Action, str] = {
    Action.UPDATE_ASSIGNMENT: "فقط کارشناس رابط همان دستگاه می‌تواند ردیف آن را به‌روز کند.",
    Action.ADD_EVIDENCE: "فقط کارشناس رابط همان دستگاه می‌تواند برای ردیف آن مستند بارگذاری کند.",
    Action.VERIFY_ASSIGNMENT: "فقط دبیرخانه می‌تواند گزارش دستگاه‌ها را تأیید یا رد کند.",
    Action.MANAGE_USERS: "فقط مدیر سامانه می‌تواند حساب‌های کاربری را مدیریت کند.",
    Action.MANAGE_MEETINGS: "فقط دبیرخانه می‌تواند جلسات و مصوبات را ثبت یا ویرایش کند.",
    Action.MANAGE_AGENCIES: "فقط دبیرخانه می‌تواند دستگاه‌ها و عضویت آن‌ها را ثبت یا ویرایش کند.",
    Action.MANAGE_PROFILE: "فقط مدیر سامانه می‌تواند مشخصات استان و سربرگ را تغییر دهد.",
    Action.MANAGE_NEIGHBORHOODS: "فقط دبیرخانه می‌تواند محلات هدف و خدمات را ویرایش کند.",
    Action.MANAGE_SETTINGS: "فقط دبیرخانه می‌تواند تنظیمات کارگروه را تغییر دهد.",
    Action.MANAGE_KIOSKS: "فقط دبیرخانه می‌تواند پیوند نمایش بسازد یا باطل کند.",
    Action.MANAGE_FEEDS: "فقط مدیر سامانه می‌تواند کلید خوراک داده بسازد یا باطل کند.",
    Action.REPORT_SERVICES: "فقط کارشناس رابط همان دستگاه می‌تواند برای آن گزارش ثبت کند.",
    Action.MANAGE_MESSAGES: "فقط مدیر سامانه می‌تواند پیام‌های ناموفق را دوباره بفرستد.",
    Action.MANAGE_INDICATORS: "فقط دبیرخانه می‌تواند شاخص‌ها و مبنا و هدف آن‌ها را ثبت کند.",
    Action.REPORT_INDICATORS: "فقط کارشناس رابط دستگاه گزارش‌دهنده مقدار این شاخص را ثبت می‌کند.",
    Action.MANAGE_HUB: "فقط مدیر سامانهٔ ملی می‌تواند استان‌ها و کلیدهای آن‌ها را مدیریت کند.",
    Action.PUBLISH_NATIONAL: "فقط دبیرخانه می‌تواند گزارش استان را برای سطح ملی منتشر کند.",
    Action.MANAGE_NATIONAL_LINK: "فقط مدیر سامانه می‌تواند پیوند استان با مرکز ملی را تنظیم کند.",
    Action.PROPOSE_PRIORITY: "فقط فرمانداری شهرستان اولویت محلات آن را پیشنهاد می‌کند.",
    Action.DECIDE_PRIORITY: "فقط دبیرخانه پیشنهاد اولویت فرمانداری را می‌پذیرد یا برمی‌گرداند.",
}
CHANGED = "نقش یا دستگاه حساب شما تغییر کرده است؛ برای ادامه دوباره وارد شوید."
INACTIVE = "این حساب غیرفعال شده است؛ چیزی ذخیره نشد."
MUST_CHANGE = (
    "گذرواژهٔ شما یک‌بارمصرف است؛ نخست در «حساب من» گذرواژهٔ تازه‌ای برگزینید. چیزی ذخیره نشد."
)


def can(actor: Actor, action: Action, agency_id: int | None = None) -> bool:
    """True when the actor's role allows the action (on that agency's rows)."""
    if action not in _ALLOWED.get(actor.role, set()):
        return False
    if action in _AGENCY_ACTIONS:
        return agency_id is not None and actor.agency_id == agency_id
    return True


def check_person(session: Session, actor: Actor, now: datetime) -> None:
    """The account and its sign-in as they are now, in this transaction (once per one)."""
    seen: set[tuple[int, int | None]] = session.info.setdefault("people_checked", set())
    if (actor.user_id, actor.session_id) in seen:
        return
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise PermissionDenied(INACTIVE)
    if (user.role, user.agency_id, user.county_id) != (
        actor.role,
        actor.agency_id,
        actor.scope.county_id,
    ):
        raise SessionExpired(CHANGED)
    if actor.session_id is not None:
        signed = session.get(AuthSession, actor.session_id)
        if signed is None or signed.user_id != user.id or signed.revoked_at is not None:
            raise SessionExpired()
        if now >= signed.expires_at:
            raise SessionExpired()
    seen.add((actor.user_id, actor.session_id))


def require(session: Session, actor: Actor, action: Action, agency_id: int | None = None) -> None:
    """Raise (with a Persian reason) unless the actor, as stored now, may act."""
    check_person(session, actor, utcnow())
    user = session.get(User, actor.user_id)
    if user is not None and user.must_change_password:
        raise PermissionDenied(MUST_CHANGE)
    if not can(actor, action, agency_id):
        raise PermissionDenied(_REFUSALS[action])


# --- reading ------------------------------------------------------------------------


class Readable(StrEnum):
    """Everything a reader may be shown: each page (by its URL path), each download
    that leaves the screen, and the data feeds."""

    OVERVIEW = "overview"
    RESOLUTIONS = "resolutions"
    MEETINGS = "meetings"
    PROJECTOR = "projector"
    COVERAGE = "coverage"
    GAPS = "gaps"
    NEIGHBORHOODS = "neighborhoods"
    DOSSIER = "dossier"  # «پرونده محله»: one neighborhood's dossier and its PDF
    REPORTS = "reports"
    MY_AGENCY = "my_agency"
    LETTERS = "letters"
    VERIFICATION = "verification"
    BACKLOG = "backlog"
    AGENCIES = "agencies"
    USERS = "users"
    SETTINGS = "settings"
    ACCOUNT = "account"
    INBOX = "inbox"  # «کارتابل»: what is due from the person
    MESSAGES = "messages"  # «پیام‌ها»: the outbox, for the administrator
    EXPORTS = "exports"  # coverage, gaps, deliveries and capacity as Excel or CSV
    MEETING_REPORT = "meeting_report"  # a meeting's follow-up report, PDF and Excel
    FEEDS = "feeds"  # the same tables as CSV with HXL, for a feed token (/api/feeds)
    INDICATORS = "indicators"  # «شاخص‌ها»: the catalogue, targets, imports, verification
    HUB = "hub"  # the national hub's view of every province (hub mode only)
    HUB_PROVINCES = "hub_provinces"  # the hub's provinces, tokens and ingest log
    NATIONAL = "national"  # «انتشار برای سطح ملی»: the publications to the national hub


class ReaderKind(StrEnum):
    """How a reader came: signed in, through a kiosk link, as anyone, or with a feed token."""

    PERSON = "person"
    KIOSK = "kiosk"  # the hall's laptop or a wall screen: one page, no menu
    ANYONE = "anyone"  # nobody signed in, and the secretariat lets anyone read
    FEED = "feed"  # a data feed's consumer (an HXL tool, Excel's "From Web")


_R = Readable
# What anyone may read when the secretariat allows reading without signing in.
PUBLIC: frozenset[Readable] = frozenset(
    {
        _R.OVERVIEW,
        _R.RESOLUTIONS,
        _R.MEETINGS,
        _R.PROJECTOR,
        _R.COVERAGE,
        _R.GAPS,
        _R.NEIGHBORHOODS,
        _R.DOSSIER,
        _R.REPORTS,
        _R.EXPORTS,
        _R.MEETING_REPORT,
    }
)
_PERSON = PUBLIC | {_R.ACCOUNT}
# What keeps to one county when read for it: a county's reader reads only these (their
# queries take the county from the reader's scope). Everything else is of the whole
# province, and a county scope is refused rather than shown the whole province.
COUNTY_READY: frozenset[Readable] = frozenset(
    {
        _R.OVERVIEW,
        _R.COVERAGE,
        _R.GAPS,
        _R.NEIGHBORHOODS,
        _R.DOSSIER,
        _R.EXPORTS,
        _R.FEEDS,
        _R.ACCOUNT,
    }
)
_ROLE_READS: dict[str, frozenset[Readable]] = {
    Role.ADMIN: _PERSON
    | {_R.AGENCIES, _R.USERS, _R.SETTINGS, _R.MESSAGES, _R.HUB, _R.HUB_PROVINCES},
    Role.SECRETARIAT: _PERSON
    | {
        _R.AGENCIES,
        _R.SETTINGS,
        _R.LETTERS,
        _R.VERIFICATION,
        _R.BACKLOG,
        _R.INBOX,
        _R.MESSAGES,
        _R.INDICATORS,
        _R.NATIONAL,
    },
    Role.AGENCY_EDITOR: _PERSON | {_R.MY_AGENCY, _R.INBOX},
    # In a hub, the ministry's readers are viewer accounts.
    Role.VIEWER: _PERSON | {_R.HUB},
    # A county governorate's reader: its county's overview, coverage, gaps, neighborhoods
    # and dossiers, their downloads, and the feeds through its own sign-in: exactly what
    # keeps to one county.
    Role.COUNTY_READER: COUNTY_READY,
}
# A kiosk link's page (AccessToken.scope) and what it opens.
KIOSK_READS: dict[str, frozenset[Readable]] = {
    "projector": frozenset({_R.PROJECTOR}),
    "overview": frozenset({_R.OVERVIEW}),
}
OTHER_COUNTY = "این داده از شهرستان دیگری است؛ حساب شما فقط دادهٔ شهرستان خود را می‌بیند."


@dataclass(frozen=True)
class Reader:
    """Who reads: a signed-in person (with the scope of the account), a kiosk link (its
    page), anyone (when allowed) or a feed token; the last three read the province."""

    kind: ReaderKind
    actor: Actor | None = None
    kiosk_page: str = ""
    scope: Scope = PROVINCE

    def __post_init__(self) -> None:
        if (self.kind == ReaderKind.PERSON) != (self.actor is not None):
            raise ValueError("a person reads as an Actor, and only a person does")
        if self.actor is not None and self.scope != self.actor.scope:
            raise ValueError("a person reads with the scope of the account")

    @classmethod
    def person(cls, actor: Actor) -> Reader:
        """The signed-in person."""
        return cls(ReaderKind.PERSON, actor, scope=actor.scope)

    @classmethod
    def kiosk(cls, page: str) -> Reader:
        """A kiosk link that opens `page` ("projector" or "overview")."""
        return cls(ReaderKind.KIOSK, kiosk_page=page)

    @classmethod
    def anyone(cls) -> Reader:
        """Nobody signed in, on a dashboard the secretariat lets anyone read."""
        return cls(ReaderKind.ANYONE)

    @classmethod
    def feed(cls) -> Reader:
        """A data feed's consumer, with a live feed token."""
        return cls(ReaderKind.FEED)

    def may(self, action: Action) -> bool:
        """True when this reader is a person whose role allows `action` (not an agency's)."""
        return self.actor is not None and can(self.actor, action)


def reads_of(reader: Reader) -> frozenset[Readable]:
    """Everything this kind of reader (this role) may be shown, whatever the scope."""
    if reader.actor is not None:
        return _ROLE_READS.get(reader.actor.role, frozenset())
    if reader.kind == ReaderKind.KIOSK:
        return KIOSK_READS.get(reader.kiosk_page, frozenset())
    if reader.kind == ReaderKind.ANYONE:
        return PUBLIC
    return frozenset({_R.FEEDS})


# What the national hub (APP_MODE=hub) serves; a province serves everything else.
HUB_SERVES: frozenset[Readable] = frozenset({_R.HUB, _R.HUB_PROVINCES, _R.ACCOUNT, _R.USERS})
HUB_ONLY: frozenset[Readable] = frozenset({_R.HUB, _R.HUB_PROVINCES})


def served_here(what: Readable) -> bool:
    """True when this installation serves `what`: a hub its own pages, a province its."""
    return what in HUB_SERVES if is_hub() else what not in HUB_ONLY


def can_read(reader: Reader | None, what: Readable, scope: Scope) -> bool:
    """True when `reader` may be shown `what` over `scope` (None: nobody reads)."""
    if reader is None or what not in reads_of(reader) or not served_here(what):
        return False
    if not reader.scope.covers(scope):
        return False
    return scope == PROVINCE or what in COUNTY_READY


def read_refusal(reader: Reader | None, what: Readable, scope: Scope) -> str:
    """Why `reader` may not be shown `what` over `scope`, in Persian."""
    if not served_here(what):
        if what in HUB_ONLY:
            return "این صفحه فقط در سامانهٔ ملی است."
        return (
            "این صفحه در سامانهٔ ملی نیست؛ سامانهٔ ملی فقط آنچه استان‌ها منتشر می‌کنند را نشان می‌دهد."
        )
    if reader is None or reader.actor is None:
        if what in PUBLIC:
            return "برای دیدن این صفحه وارد شوید."
        return "برای این صفحه ابتدا وارد شوید."
    if what in reads_of(reader):
        if scope != PROVINCE and not reader.scope.covers(scope):
            return OTHER_COUNTY
        return "این صفحه دادهٔ همهٔ استان را نشان می‌دهد و حساب شما فقط دادهٔ یک شهرستان را می‌بیند."
    roles = sorted(role for role, reads in _ROLE_READS.items() if what in reads)
    if not roles:
        return "این بخش با حساب کاربری خوانده نمی‌شود."
    allowed = "، ".join(ROLE_LABELS[r] for r in roles)
    return f"این صفحه برای {allowed} است؛ حساب شما «{ROLE_LABELS[reader.actor.role]}» است."


def require_read(reader: Reader | None, what: Readable, scope: Scope) -> None:
    """Raise PermissionDenied (with a Persian reason) unless `reader` may read `what`."""
    if not can_read(reader, what, scope):
        raise PermissionDenied(read_refusal(reader, what, scope))
