"""First-run setup: on a database with no account, a one-time code printed in the
server's log lets the person at the console create the first administrator and
the province profile from the browser.

Each server process issues one code when it starts (every replica prints its
own; any of them works) and only its hash is stored. The codes stop working when
setup completes, and after a day.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, text
from sqlmodel import Session, col

from data_layer.auth import (
    actor_of,
    add_new_user,
    hash_password,
    normalise_username,
    password_problems,
    username_problems,
)
from data_layer.commands.history import History
from data_layer.commands.profile import write_profile
from data_layer.db import write_session
from data_layer.errors import FieldError, PermissionDenied, ValidationError
from data_layer.input.check import Check
from data_layer.input.profile import PROFILE_LABELS, ProfileInput, validate_profile
from data_layer.jalali import to_ascii_digits
from data_layer.models import AppSetting, ProvinceProfile, Role, User, utcnow

__all__ = [
    "SETUP_LABELS",
    "SETUP_LOG_LINES",
    "AdminInput",
    "complete_setup",
    "needs_setup",
    "setup_code",
]

CODE_KEY_PREFIX = "setup.code."
CODE_LIFETIME = timedelta(days=1)
_PG_SETUP_LOCK = 7_402_290_703
_issued: dict[str, str] = {}  # database URL -> this process's code
SETUP_LABELS = {
    **PROFILE_LABELS,
    "code": "کد راه‌اندازی",
    "username": "نام کاربری مدیر",
    "full_name": "نام مدیر",
    "password": "گذرواژه",
    "password_again": "تکرار گذرواژه",
}
DONE = "راه‌اندازی پیش‌تر انجام شده است؛ با حساب مدیر وارد شوید."
# What the console shows on a database with no account (Persian: the person at the
# console is the province's administrator); the code itself follows on its own line.
SETUP_LOG_LINES = (
    "راه‌اندازی نخست: این پایگاه داده هنوز هیچ حسابی ندارد.",
    "داشبورد را در مرورگر باز کنید و این کد راه‌اندازی را وارد کنید:",
)
BAD_CODE = (
    "کد راه‌اندازی درست نیست یا کهنه شده است. کد تازه را از گزارش (log) سرور بردارید؛"
    " با هر بار راه‌اندازی دوبارهٔ سرور کد تازه‌ای چاپ می‌شود."
)


def needs_setup(session: Session) -> bool:
    """True while the database has no account at all."""
    return not session.execute(select(exists().where(col(User.id).is_not(None)))).scalar()


def _code_key(code: str) -> str:
    cleaned = re.sub(r"[\s\-]", "", to_ascii_digits(code)).lower()
    return CODE_KEY_PREFIX + hashlib.sha256(cleaned.encode("ascii", "ignore")).hexdigest()


def _print_code(code: str) -> None:
    """Onto the server's standard error (its console, or journald under systemd), framed
    so it can be found; the code itself is never written to a log file of ours."""
    lines = [
        "=" * 64,
        SETUP_LOG_LINES[0],
        SETUP_LOG_LINES[1],
        f"    {code}",
        "=" * 64,
    ]
    print("\n".join(lines), file=sys.stderr, flush=True)


def setup_code(url: str | None) -> str | None:
    """This process's setup code while setup is needed (issued and printed once); else None."""
    with write_session(url) as session:
        if not needs_setup(session):
            return None
        key = url or ""
        code = _issued.get(key)
        if code is not None and session.get(AppSetting, _code_key(code)) is not None:
            return code
        raw = secrets.token_hex(8)
        code = "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
        session.add(AppSetting(key=_code_key(code), value=utcnow().isoformat()))
        _issued[key] = code
    _print_code(code)
    return code


def _code_ok(session: Session, code: str, now: datetime) -> bool:
    row = session.get(AppSetting, _code_key(code)) if code.strip() else None
    if row is None:
        return False
    try:
        issued = datetime.fromisoformat(row.value)
    except ValueError:
        return False
    return now - issued <= CODE_LIFETIME


@dataclass(frozen=True)
class AdminInput:
    """The first administrator as typed on the setup screen."""

    username: str
    full_name: str
    password: str
    password_again: str


def _check_admin(session: Session, admin: AdminInput, check: Check) -> str:
    username = normalise_username(admin.username)
    full_name = check.text("full_name", admin.full_name, limit=120, required=True, min_length=2)
    problems = username_problems(session, username) + password_problems(admin.password)
    check.extend(FieldError(p.field, p.message) for p in problems)
    if admin.password != admin.password_again and not check.has("password"):
        check.add("password_again", "دو گذرواژه یکی نیستند؛ هر دو را دوباره بنویسید.")
    return full_name


def complete_setup(
    session: Session,
    *,
    code: str,
    admin: AdminInput,
    profile: ProfileInput,
    now: datetime | None = None,
) -> User:
    """Create the first administrator and the province profile; the codes stop working.

    There is no actor yet: the setup code is the proof of being at the server. Two
    people finishing at once: the second finds an account and is refused.
    """
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_SETUP_LOCK})
    if not needs_setup(session):
        raise PermissionDenied(DONE)
    if not _code_ok(session, code, now):
        raise ValidationError([FieldError("code", BAD_CODE)])
    check = Check(SETUP_LABELS)
    full_name = _check_admin(session, admin, check)
    clean = validate_profile(profile, check)
    check.raise_if_any()
    user = User(
        username=normalise_username(admin.username),
        full_name=full_name,
        password_hash=hash_password(admin.password),
        role=Role.ADMIN.value,
    )
    add_new_user(session, user)
    history = History(session, actor_of(user), now)
    history.add("user", user.id, "created", None, f"{user.username} ({user.role})", "راه‌اندازی")
    row = session.get(ProvinceProfile, 1)
    if row is None:
        row = ProvinceProfile(province="", governorate="", group_name="")
        session.add(row)
        session.flush()
    write_profile(session, row, clean, history)
    row.updated_at, row.updated_by_id, row.is_sample = now, user.id, False
    session.execute(delete(AppSetting).where(col(AppSetting.key).startswith(CODE_KEY_PREFIX)))
    session.flush()
    _issued.clear()
    return user
