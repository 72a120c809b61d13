"""Who may do what: checked inside every write command, not only in the interface."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from data_layer.errors import PermissionDenied
from data_layer.models import Role


@dataclass(frozen=True)
class Actor:
    """The signed-in person a command acts for."""

    user_id: int
    username: str
    full_name: str
    role: str
    agency_id: int | None = None


class Action(StrEnum):
    """Every kind of write the app makes."""

    UPDATE_ASSIGNMENT = "update_assignment"
    ADD_EVIDENCE = "add_evidence"
    VERIFY_ASSIGNMENT = "verify_assignment"
    MANAGE_USERS = "manage_users"
    MANAGE_MEETINGS = "manage_meetings"
    MANAGE_NEIGHBORHOODS = "manage_neighborhoods"
    MANAGE_SETTINGS = "manage_settings"
    REPORT_SERVICES = "report_services"  # deliveries, capacity, performance reports


# Actions that belong to an agency: an editor may do them for its own agency only.
_AGENCY_ACTIONS = {Action.UPDATE_ASSIGNMENT, Action.ADD_EVIDENCE, Action.REPORT_SERVICES}

_ALLOWED: dict[str, set[Action]] = {
    Role.ADMIN: {Action.MANAGE_USERS, Action.MANAGE_SETTINGS},
    Role.SECRETARIAT: {
        Action.VERIFY_ASSIGNMENT,
        Action.MANAGE_MEETINGS,
        Action.MANAGE_NEIGHBORHOODS,
        Action.MANAGE_SETTINGS,
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
    Action.MANAGE_NEIGHBORHOODS: "فقط دبیرخانه می‌تواند محلات هدف و خدمات را ویرایش کند.",
    Action.MANAGE_SETTINGS: "شما اجازهٔ تغییر تنظیمات را ندارید.",
    Action.REPORT_SERVICES: "فقط کارشناس رابط همان دستگاه می‌تواند برای آن گزارش ثبت کند.",
}


def can(actor: Actor, action: Action, agency_id: int | None = None) -> bool:
    """True when the actor's role allows the action (on that agency's rows)."""
    if action not in _ALLOWED.get(actor.role, set()):
        return False
    if action in _AGENCY_ACTIONS:
        return agency_id is not None and actor.agency_id == agency_id
    return True


def require(actor: Actor, action: Action, agency_id: int | None = None) -> None:
    """Raise PermissionDenied (with a Persian reason) unless the actor may act."""
    if not can(actor, action, agency_id):
        raise PermissionDenied(_REFUSALS[action])
