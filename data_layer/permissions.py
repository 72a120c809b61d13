"""Who may do what: checked inside every write command, not only in the interface.

`require` re-reads the person inside the command's own transaction: an account
deactivated, given another role or agency, or whose sign-in has ended since the
page drew its form is refused, whatever Actor object the caller still holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from data_layer.errors import PermissionDenied, SessionExpired
from data_layer.models import AuthSession, Role, User, utcnow


@dataclass(frozen=True)
class Actor:
    """The signed-in person a command acts for (`session_id`: the sign-in it came from)."""

    user_id: int
    username: str
    full_name: str
    role: str
    agency_id: int | None = None
    session_id: int | None = None


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


# Actions that belong to an agency: an editor may do them for its own agency only.
_AGENCY_ACTIONS = {Action.UPDATE_ASSIGNMENT, Action.ADD_EVIDENCE, Action.REPORT_SERVICES}

_ALLOWED: dict[str, set[Action]] = {
    Role.ADMIN: {Action.MANAGE_USERS, Action.MANAGE_FEEDS, Action.MANAGE_PROFILE},
    Role.SECRETARIAT: {
        Action.VERIFY_ASSIGNMENT,
        Action.MANAGE_MEETINGS,
        Action.MANAGE_AGENCIES,
        Action.MANAGE_NEIGHBORHOODS,
        Action.MANAGE_SETTINGS,
        Action.MANAGE_KIOSKS,
    },
    Role.AGENCY_EDITOR: set(_AGENCY_ACTIONS),
    Role.VIEWER: set(),
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
    if (user.role, user.agency_id) != (actor.role, actor.agency_id):
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
