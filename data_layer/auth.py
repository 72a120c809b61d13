"""Sign-in, sessions and user accounts: argon2 hashes, limits on failed sign-ins
(sign_in_limits), hashed session tokens.

The functions taking a Session are the commands; they flush but never commit.
Pages call the `_url` wrappers, which run one transaction each. `sign_in_url`
hashes outside any transaction and counts a failed attempt in a write of its own
before it raises SignInFailed.

    python -m data_layer.auth create-admin [--username U] [--password P]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from data_layer import clock
from data_layer import sign_in_limits as limits
from data_layer.db import read_session, write_session
from data_layer.errors import (
    FieldError,
    NotFound,
    SessionExpired,
    SignInFailed,
    ValidationError,
)
from data_layer.jalali import format_jalali, to_ascii_digits, to_fa_digits
from data_layer.migrate import upgrade
from data_layer.models import AccessToken, Agency, AuthSession, County, Role, User, utcnow
from data_layer.permissions import PROVINCE, Actor, Scope
from data_layer.queries.membership import member_on

SESSION_COOKIE = "wg_session"  # HttpOnly, SameSite=Strict: the sign-in
CSRF_COOKIE = "wg_csrf"  # HttpOnly, SameSite=Strict: the forms that post to the server
KIOSK_COOKIE = "wg_kiosk"  # HttpOnly, SameSite=Strict: a read-only kiosk link

SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
# last_seen_at is written at most this often, so a rerun of a page is not a write.
SEEN_GRANULARITY = timedelta(minutes=1)
MIN_PASSWORD_LENGTH = 10
GENERATED_PASSWORD_LENGTH = 14
# The password of every sample account. Sample databases only (documented in the README).
SAMPLE_PASSWORD = "namune-1402"
LOCAL_TZ = clock.LOCAL_TZ

BAD_CREDENTIALS = "نام کاربری یا گذرواژه درست نیست."
DEACTIVATED = "این حساب غیرفعال شده است؛ با مدیر سامانه تماس بگیرید."
_LOCKED = "به دلیل ورودهای ناموفق پی‌درپی، تا {until} دوباره تلاش نکنید."
_BAD_USERNAME = (
    "نام کاربری باید ۳ تا ۴۰ نویسه و فقط از حروف کوچک انگلیسی، رقم، نقطه، خط تیره یا زیرخط باشد."
)
_TAKEN_USERNAME = "این نام کاربری قبلاً ثبت شده است."
_SHORT_PASSWORD = f"گذرواژه باید دست‌کم {to_fa_digits(MIN_PASSWORD_LENGTH)} نویسه باشد."
_NO_SUCH_USER = "این حساب کاربری پیدا نشد."

_HASHER = PasswordHasher()
# A generated one-time password is 14 characters of a 55-letter alphabet (about 80 bits):
# no guessing comes near it, so its hash needs no work factor, and 25 liaisons' accounts
# need not wait 30 s on argon2's full parameters. The parameters travel inside the hash,
# so `verify_password` reads it like any other; the first sign-in rehashes it at full
# strength (`needs_rehash`) and the person must then choose a password of their own.
_ONE_TIME_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_USERNAME_RE = re.compile(r"[a-z0-9._-]{3,40}")
# No look-alikes (0/O, 1/l/I): generated passwords are read off a screen and typed.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- passwords ------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """An argon2id hash of a password; salt and parameters travel inside it."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the hash (argon2's constant-time check)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _HASHER.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown usernames, so they cost as much as known ones."""
    return hash_password(secrets.token_urlsafe(16))


def password_problems(password: str) -> list[FieldError]:
    """The policy's objections to a password (empty when it is acceptable)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [FieldError("password", _SHORT_PASSWORD)]
    return []


def check_password_policy(password: str) -> None:
    """Raise ValidationError unless the password meets the policy."""
    if problems := password_problems(password):
        raise ValidationError(problems)


def generate_password() -> str:
    """A random 14-character password without look-alike characters (about 80 bits)."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH))


def hash_one_time_password(password: str) -> str:
    """The hash of a generated one-time password (see `one_time_passwords`)."""
    return _ONE_TIME_HASHER.hash(password)


def one_time_passwords(
    count: int, progress: Callable[[int, int], None] | None = None
) -> list[tuple[str, str]]:
    """`count` fresh one-time passwords, each with its hash, in order.

    Called before the transaction that stores them (no lock is held while hashing), with
    the hashes computed in a thread pool (argon2 leaves the interpreter while it works).
    `progress(done, count)` is called from the calling thread after each one, so a screen
    can draw it.
    """
    plains = [generate_password() for _ in range(count)]
    hashes: list[str] = [""] * count
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        futures = {pool.submit(hash_one_time_password, p): i for i, p in enumerate(plains)}
        for done, future in enumerate(as_completed(futures), start=1):
            hashes[futures[future]] = future.result()
            if progress is not None:
                progress(done, count)
    return list(zip(plains, hashes, strict=True))


def normalise_username(username: str) -> str:
    """Trimmed, lower-case, ASCII digits: the form usernames are stored and matched in."""
    return to_ascii_digits(username.strip()).lower()


def token_hash(token: str) -> str:
    """The sha256 hex of a session token: all the database keeps of it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- signing in and out ---------------------------------------------------------------


def sign_in_url(
    url: str | None,
    *,
    username: str,
    password: str,
    address: str = "",
    now: datetime | None = None,
) -> tuple[Actor, str]:
    """Check a password from a client `address` and open a sign-in; SignInFailed if not.

    The limits (sign_in_limits) are read first, and a refused attempt is answered
    unchecked, the same for every username. The password is hashed outside any
    transaction; a failure is then counted in a short write of its own, and a success
    opens the sign-in in another, which reads the account again and refuses it if
    its password or its state changed meanwhile.
    """
    now = now or utcnow()
    name = normalise_username(username)
    with read_session(url) as session:
        until = limits.refused_until(session, address=address, username=name, now=now)
        user = session.exec(select(User).where(col(User.username) == name)).first()
    if until is not None:
        raise SignInFailed(locked_message(until, now), "locked", until)
    stored = user.password_hash if user is not None else _dummy_hash()
    matches = verify_password(stored, password)  # an unknown name costs the same
    if user is None or not matches:
        with write_session(url) as session:
            limits.record_failure(session, address=address, username=name, now=now)
        raise SignInFailed(BAD_CREDENTIALS)
    if not user.active:
        raise SignInFailed(DEACTIVATED, "inactive")
    rehashed = hash_password(password) if needs_rehash(stored) else None
    with write_session(url) as session:
        return _open_session(session, _id(user), stored, rehashed, name, now)


def _open_session(
    session: Session, user_id: int, checked: str, rehashed: str | None, name: str, now: datetime
) -> tuple[Actor, str]:
    """A successful sign-in: the account read again (still active, still the password
    that was checked), its failures forgotten, an old hash upgraded, the token's hash
    stored."""
    user = session.get(User, user_id, with_for_update=True)
    if user is None or user.password_hash != checked:
        raise SignInFailed(BAD_CREDENTIALS)  # removed, or its password changed meanwhile
    if not user.active:
        raise SignInFailed(DEACTIVATED, "inactive")
    if rehashed is not None:
        user.password_hash = rehashed
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    limits.forget_name(session, name)
    token = secrets.token_urlsafe(32)
    signed = AuthSession(
        token_hash=token_hash(token),
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_MAX,
    )
    session.add(signed)
    session.flush()
    return actor_of(user, signed.id), token


def locked_message(until: datetime, now: datetime) -> str:
    """The lock notice: when it ends in Tehran time, with the Jalali date if not today."""
    local = until.astimezone(LOCAL_TZ)
    if local.second or local.microsecond:  # round up: never name a minute still locked
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    when = f"ساعت {to_fa_digits(local.strftime('%H:%M'))}"
    if local.date() != now.astimezone(LOCAL_TZ).date():
        when += f" روز {format_jalali(local.date())}"
    return _LOCKED.format(until=when)


def resolve_session(session: Session, *, token: str, now: datetime | None = None) -> Actor:
    """The Actor of a live session token; bumps last_seen_at at most once a minute."""
    now = now or utcnow()
    auth, user = _live_session(session, token, now)
    if now - auth.last_seen_at >= SEEN_GRANULARITY:
        auth.last_seen_at = now
        session.flush()
    return actor_of(user, auth.id)


def resolve_session_url(url: str | None, *, token: str, now: datetime | None = None) -> Actor:
    """resolve_session that opens a write transaction only when last_seen_at is due."""
    now = now or utcnow()
    with read_session(url) as session:
        auth, user = _live_session(session, token, now)
        if now - auth.last_seen_at < SEEN_GRANULARITY:
            return actor_of(user, auth.id)
    with write_session(url) as session:
        return resolve_session(session, token=token, now=now)


def _live_session(session: Session, token: str, now: datetime) -> tuple[AuthSession, User]:
    """A token's session row and user; SessionExpired unless both are still valid."""
    stmt = (
        select(AuthSession, User)
        .join(User, col(User.id) == col(AuthSession.user_id))
        .where(col(AuthSession.token_hash) == token_hash(token))
    )
    row = session.exec(stmt).first()
    if row is None:
        raise SessionExpired()
    auth, user = row
    if (
        auth.revoked_at is not None
        or now >= auth.expires_at
        or now - auth.last_seen_at > SESSION_IDLE
        or not user.active
    ):
        raise SessionExpired()
    return auth, user


def sign_out(session: Session, *, token: str, now: datetime | None = None) -> None:
    """End a session (sets revoked_at); an unknown or already ended token is ignored."""
    stmt = select(AuthSession).where(col(AuthSession.token_hash) == token_hash(token))
    auth = session.exec(stmt).first()
    if auth is not None and auth.revoked_at is None:
        auth.revoked_at = now or utcnow()
        session.flush()


def sign_out_url(url: str | None, *, token: str) -> None:
    """sign_out in its own transaction."""
    with write_session(url) as session:
        sign_out(session, token=token)


def revoke_sessions(
    session: Session, user_id: int, now: datetime, *, keep: int | None = None
) -> int:
    """End every open session of a user (but `keep`, the one in use); how many ended."""
    stmt = update(AuthSession).where(
        col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None)
    )
    if keep is not None:
        stmt = stmt.where(col(AuthSession.id) != keep)
    return int(session.execute(stmt.values(revoked_at=now)).rowcount)  # type: ignore[attr-defined]


def username_problems(session: Session, username: str) -> list[FieldError]:
    """Objections to a (normalised) new username: its form, then whether it is taken."""
    if not _USERNAME_RE.fullmatch(username):
        return [FieldError("username", _BAD_USERNAME)]
    if session.exec(select(User).where(col(User.username) == username)).first() is not None:
        return [FieldError("username", _TAKEN_USERNAME)]
    return []


def add_new_user(session: Session, user: User) -> None:
    """Insert a user; someone taking the username meanwhile is reported as a duplicate."""
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ValidationError([FieldError("username", _TAKEN_USERNAME)]) from exc


def get_user(session: Session, user_id: int) -> User:
    """The user of an id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_NO_SUCH_USER)
    return user


def _id(user: User) -> int:
    """The id of a stored user."""
    if user.id is None:
        raise ValueError("the user has not been stored yet")
    return user.id


def actor_of(user: User, session_id: int | None = None) -> Actor:
    """The Actor a user acts as (through the sign-in `session_id`)."""
    return Actor(
        user_id=_id(user),
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        agency_id=user.agency_id,
        session_id=session_id,
        scope=Scope(county_id=user.county_id) if user.county_id is not None else PROVINCE,
    )


# --- the first admin and the sample accounts ------------------------------------------


def create_first_admin(
    url: str | None, *, username: str = "admin", password: str | None = None
) -> str | None:
    """Create an admin if the database has no active one; its password, or None if one exists."""
    with write_session(url) as session:
        admins = select(User).where(col(User.role) == Role.ADMIN.value, col(User.active))
        if session.exec(admins).first() is not None:
            return None
        username = normalise_username(username)
        errors = username_problems(session, username)
        errors += password_problems(password) if password else []
        if errors:
            raise ValidationError(errors)
        plain = password or generate_password()
        # Bootstrapping: no Actor exists yet to pass require(session, actor, MANAGE_USERS). This is
        # the one place an account is made without that check, and only while there is
        # no active admin at all.
        admin = User(
            username=username,
            full_name="مدیر سامانه",
            password_hash=hash_password(plain),
            role=Role.ADMIN.value,
            must_change_password=password is None,
        )
        add_new_user(session, admin)
        return plain


class _SampleAccount(NamedTuple):
    username: str
    role: str
    full_name: str
    agency_id: int | None = None
    agency: str = ""
    county_id: int | None = None


# The sample county governorate's reader reads this sample county (resolution 2).
SAMPLE_COUNTY = "بهاران"

_SAMPLE_STAFF = (
    _SampleAccount("admin", Role.ADMIN.value, "مدیر سامانه"),
    _SampleAccount("dabir", Role.SECRETARIAT.value, "دبیرخانه کارگروه"),
    _SampleAccount("chair", Role.VIEWER.value, "دفتر معاون سیاسی، امنیتی و اجتماعی"),
)


def seed_sample_accounts(session: Session) -> list[tuple[str, str, str]]:
    """Sample accounts (password SAMPLE_PASSWORD) for sample databases; existing ones kept.

    Returns (username, role, agency short name) of the accounts added.
    """
    taken = set(session.exec(select(User.username)).all())
    everyone = (*_SAMPLE_STAFF, *_sample_county_readers(session), *_sample_editors(session))
    wanted = [a for a in everyone if a.username not in taken]
    if not wanted:
        return []
    shared_hash = hash_password(SAMPLE_PASSWORD)  # one hash for all: 27 would slow every seed
    for a in wanted:
        session.add(
            User(
                username=a.username,
                full_name=a.full_name,
                password_hash=shared_hash,
                role=a.role,
                agency_id=a.agency_id,
                county_id=a.county_id,
                is_sample=True,
            )
        )
    session.flush()
    return [(a.username, a.role, a.agency) for a in wanted]


def _sample_county_readers(session: Session) -> list[_SampleAccount]:
    """farmandari: the reader of the sample county SAMPLE_COUNTY, when it exists."""
    county = session.exec(select(County).where(col(County.name) == SAMPLE_COUNTY)).first()
    if county is None:
        return []
    role = Role.COUNTY_READER.value
    return [_SampleAccount("farmandari", role, f"فرمانداری {county.name}", county_id=county.id)]


def _sample_editors(session: Session) -> list[_SampleAccount]:
    """agency01, agency02, ...: one editor per active member agency, in sort order."""
    stmt = (
        select(Agency)
        .where(member_on(clock.today()), col(Agency.active))
        .order_by(col(Agency.sort_order), col(Agency.id))
    )
    return [
        _SampleAccount(
            f"agency{n:02d}",
            Role.AGENCY_EDITOR.value,
            f"کارشناس رابط {a.short_name}",
            a.id,
            a.short_name,
        )
        for n, a in enumerate(session.exec(stmt), start=1)
    ]


# --- command line ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: create-admin [--username U] [--password P] (migrates first)."""
    parser = argparse.ArgumentParser(prog="python -m data_layer.auth")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create the first admin account")
    create.add_argument("--username", default="admin")
    create.add_argument("--password", default=None, help="default: generate one (recommended)")
    args = parser.parse_args(argv)
    upgrade()
    try:
        password = create_first_admin(None, username=args.username, password=args.password)
    except ValidationError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    if password is None:
        print("یک مدیر فعال از پیش وجود دارد؛ حسابی ساخته نشد.")
        return 0
    print(f"حساب مدیر «{normalise_username(args.username)}» ساخته شد.")
    print("گذرواژهٔ آن فقط همین یک بار نمایش داده می‌شود:")
    print(password)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- kiosk links and feed tokens --------------------------------------------------------

# last_used_at is written at most this often, so a wall screen's reruns are not writes.
TOKEN_USE_GRANULARITY = timedelta(minutes=5)


def resolve_access_token(
    url: str | None, *, kind: str, token: str, now: datetime | None = None
) -> AccessToken | None:
    """The unrevoked kiosk link or feed token of a token, its last use noted; else None."""
    now = now or utcnow()
    stmt = select(AccessToken).where(
        col(AccessToken.kind) == kind,
        col(AccessToken.token_hash) == token_hash(token),
        col(AccessToken.revoked_at).is_(None),
    )
    with read_session(url) as session:
        row = session.exec(stmt).first()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_GRANULARITY:
        with write_session(url) as session:
            session.execute(
                update(AccessToken).where(col(AccessToken.id) == row.id).values(last_used_at=now)
            )
        row.last_used_at = now
    return row
