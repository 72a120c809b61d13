"""The administrator manages accounts; everyone changes their own password.

Every change to an account is a history row (entity "user"); passwords never
appear in history, only that one was set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session

from data_layer.auth import (
    add_new_user,
    check_password_policy,
    generate_password,
    get_user,
    hash_password,
    normalise_username,
    password_problems,
    revoke_sessions,
    username_problems,
    verify_password,
)
from data_layer.commands.history import History
from data_layer.documents.credentials import NewAccount
from data_layer.errors import (
    ConflictError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from data_layer.models import Agency, County, Role, User, utcnow
from data_layer.permissions import Action, Actor, check_person, require
from data_layer.sign_in_limits import forget_name
from data_layer.text import tidy

__all__ = [
    "change_own_password",
    "create_user",
    "reissue_passwords",
    "reset_password",
    "set_user_active",
    "set_user_role",
]

_BAD_FULL_NAME = "نام و نام خانوادگی باید بین ۲ تا ۱۲۰ نویسه باشد."
_BAD_ROLE = "نقش انتخاب‌شده معتبر نیست."
_AGENCY_NEEDED = "برای کارشناس رابط، دستگاه او را انتخاب کنید."
_AGENCY_NOT_ALLOWED = "فقط کارشناس رابط به یک دستگاه وابسته است؛ دستگاه را خالی بگذارید."
_BAD_AGENCY = "دستگاه انتخاب‌شده وجود ندارد یا غیرفعال است."
_COUNTY_NEEDED = "برای حساب فرمانداری، شهرستان آن را انتخاب کنید."
_COUNTY_NOT_ALLOWED = "فقط حساب فرمانداری به یک شهرستان وابسته است؛ شهرستان را خالی بگذارید."
_BAD_COUNTY = "شهرستان انتخاب‌شده وجود ندارد."
_WRONG_OLD_PASSWORD = "گذرواژهٔ فعلی درست نیست."
_SAME_PASSWORD = "گذرواژهٔ تازه باید با گذرواژهٔ فعلی فرق داشته باشد."
_SELF_DEACTIVATION = "نمی‌توانید حساب کاربری خودتان را غیرفعال کنید."


def _role_problems(
    session: Session, role: str, agency_id: int | None, county_id: int | None = None
) -> list[FieldError]:
    """Objections to a role, agency and county: only an agency editor has an (active)
    agency, only a county governorate's reader a county."""
    if role not in {r.value for r in Role}:
        return [FieldError("role", _BAD_ROLE)]
    if role == Role.AGENCY_EDITOR and agency_id is None:
        return [FieldError("agency_id", _AGENCY_NEEDED)]
    if role != Role.AGENCY_EDITOR and agency_id is not None:
        return [FieldError("agency_id", _AGENCY_NOT_ALLOWED)]
    if role == Role.COUNTY_READER and county_id is None:
        return [FieldError("county_id", _COUNTY_NEEDED)]
    if role != Role.COUNTY_READER and county_id is not None:
        return [FieldError("county_id", _COUNTY_NOT_ALLOWED)]
    if county_id is not None and session.get(County, county_id) is None:
        return [FieldError("county_id", _BAD_COUNTY)]
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    if agency_id is not None and (agency is None or not agency.active):
        return [FieldError("agency_id", _BAD_AGENCY)]
    return []


def _history(
    session: Session,
    actor: Actor,
    user_id: int,
    field: str,
    old: object,
    new: object,
    now: datetime,
) -> None:
    History(session, actor, now).add("user", user_id, field, old, new)


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    full_name: str,
    role: str,
    agency_id: int | None = None,
    county_id: int | None = None,
    password: str | None = None,
    now: datetime | None = None,
) -> tuple[User, str]:
    """Add an account (admin only); returns it and its password, to be shown once.

    An empty or missing password is generated; the person must change it at first sign-in.
    """
    require(session, actor, Action.MANAGE_USERS)
    username, full_name = normalise_username(username), tidy(full_name)
    errors = username_problems(session, username)
    if not 2 <= len(full_name) <= 120:
        errors.append(FieldError("full_name", _BAD_FULL_NAME))
    errors += _role_problems(session, role, agency_id, county_id)
    errors += password_problems(password) if password else []
    if errors:
        raise ValidationError(errors)
    plain = password or generate_password()
    user = User(
        username=username,
        full_name=full_name,
        password_hash=hash_password(plain),
        role=role,
        agency_id=agency_id,
        county_id=county_id,
        must_change_password=True,
    )
    add_new_user(session, user)
    assert user.id is not None
    _history(session, actor, user.id, "created", None, f"{username} ({role})", now or utcnow())
    session.flush()
    return user, plain


def _target(session: Session, user_id: int, expected_version: int | None) -> User:
    """The account a form named, refused if it changed since the form showed it."""
    user = session.get(User, user_id, with_for_update=True) if isinstance(user_id, int) else None
    if user is None:
        raise NotFound("این حساب پیدا نشد؛ فهرست را دوباره ببینید.")
    if expected_version is not None and user.version != expected_version:
        raise ConflictError(
            message="این حساب پس از باز شدن فرم شما تغییر کرده است؛ چیزی ذخیره نشد."
            " فهرست را دوباره ببینید و دوباره انجام دهید."
        )
    return user


def reset_password(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    new_password: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> str:
    """Give an account a new password (admin only); unlocks it and ends its sessions."""
    require(session, actor, Action.MANAGE_USERS)
    if new_password:
        check_password_policy(new_password)
    now = now or utcnow()
    user = _target(session, user_id, expected_version)
    plain = new_password or generate_password()
    user.password_hash = hash_password(plain)
    user.must_change_password, user.failed_logins, user.locked_until = True, 0, None
    forget_name(session, user.username)  # its failed sign-ins no longer guard it
    user.version += 1
    revoke_sessions(session, user_id, now)
    _history(session, actor, user_id, "password_reset", None, None, now)
    session.flush()
    return plain


def reissue_passwords(
    session: Session,
    *,
    actor: Actor,
    people: Mapping[int, int],
    passwords: Sequence[tuple[str, str]],
    now: datetime | None = None,
) -> list[NewAccount]:
    """New one-time passwords for several accounts at once (admin only), as
    `reset_password` gives one: each must change it at first sign-in, its sessions end.

    `people`: user id -> the version the screen showed; `passwords`: (password, hash)
    per person in the same order, made before this transaction
    (auth.one_time_passwords). A person gone, deactivated or changed since the screen
    showed them refuses the whole batch: nothing is written. Returns each person's
    (agency, full name, username, password) for the sign-in sheets.
    """
    require(session, actor, Action.MANAGE_USERS)
    if not people:
        raise ValidationError([FieldError("people", "هیچ کسی انتخاب نشده است.")])
    if len(passwords) != len(people):
        raise ValidationError([FieldError("people", "شمار گذرواژه‌ها با افراد یکی نیست.")])
    now = now or utcnow()
    made: list[NewAccount] = []
    for (user_id, version), (plain, hashed) in zip(people.items(), passwords, strict=True):
        user = _target(session, user_id, version)
        if not user.active:
            raise ConflictError(
                message=f"حساب «{user.full_name}» غیرفعال است؛ چیزی ذخیره نشد."
                " آن را از فهرست بردارید یا نخست فعالش کنید."
            )
        user.password_hash = hashed
        user.must_change_password, user.failed_logins, user.locked_until = True, 0, None
        forget_name(session, user.username)
        user.version += 1
        revoke_sessions(session, user_id, now)
        _history(session, actor, user_id, "password_reset", None, None, now)
        agency = session.get(Agency, user.agency_id) if user.agency_id else None
        made.append(NewAccount(agency.name if agency else "", user.full_name, user.username, plain))
    session.flush()
    return made


def change_own_password(
    session: Session,
    *,
    actor: Actor,
    old_password: str,
    new_password: str,
    now: datetime | None = None,
) -> None:
    """A signed-in person replaces their own password, proving they know the old one.

    Every other sign-in of theirs ends (a stolen password stops working everywhere);
    the one in use stays.
    """
    now = now or utcnow()
    check_person(session, actor, now)
    user = get_user(session, actor.user_id)
    errors: list[FieldError] = []
    if not verify_password(user.password_hash, old_password):
        errors.append(FieldError("old_password", _WRONG_OLD_PASSWORD))
    errors += password_problems(new_password)
    if not errors and new_password == old_password:
        errors.append(FieldError("password", _SAME_PASSWORD))
    if errors:
        raise ValidationError(errors)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.version += 1
    ended = revoke_sessions(session, user.id, now, keep=actor.session_id)  # type: ignore[arg-type]
    _history(
        session, actor, actor.user_id, "password_changed", None, f"{ended} sessions ended", now
    )
    session.flush()


def set_user_active(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    active: bool,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Activate or deactivate an account (admin only; never one's own); ends its sessions."""
    require(session, actor, Action.MANAGE_USERS)
    if not active and user_id == actor.user_id:
        raise PermissionDenied(_SELF_DEACTIVATION)
    now = now or utcnow()
    user = _target(session, user_id, expected_version)
    if user.active != active:
        _history(session, actor, user_id, "active", user.active, active, now)
        user.version += 1
    user.active = active
    if not active:
        revoke_sessions(session, user_id, now)
    session.flush()


def set_user_role(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    role: str,
    agency_id: int | None,
    county_id: int | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Give an account another role (or agency, or county); every sign-in of it ends.
    False if unchanged."""
    require(session, actor, Action.MANAGE_USERS)
    if user_id == actor.user_id:
        raise PermissionDenied("نقش حساب خودتان را نمی‌توانید تغییر دهید.")
    errors = _role_problems(session, role, agency_id, county_id)
    if errors:
        raise ValidationError(errors)
    now = now or utcnow()
    user = _target(session, user_id, expected_version)
    if (user.role, user.agency_id, user.county_id) == (role, agency_id, county_id):
        return False
    old = f"{user.role} ({user.agency_id or user.county_id or '-'})"
    user.role, user.agency_id, user.county_id = role, agency_id, county_id
    user.version += 1
    revoke_sessions(session, user_id, now)
    _history(session, actor, user_id, "role", old, f"{role} ({agency_id or county_id or '-'})", now)
    session.flush()
    return True
