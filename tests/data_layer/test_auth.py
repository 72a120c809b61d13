"""Tests for data_layer.auth: sign-in and its limits, sessions, accounts and the sample accounts.

Every test runs on SQLite and on PostgreSQL (the `db_url` fixture) and checks what
the database holds after each action, not only what the function returned.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func
from sqlmodel import col, select

from data_layer import auth, clock
from data_layer.auth import (
    SAMPLE_COUNTY,
    SAMPLE_PASSWORD,
    SESSION_IDLE,
    SESSION_MAX,
    create_first_admin,
    hash_password,
    resolve_session,
    resolve_session_url,
    seed_sample_accounts,
    sign_in_url,
    sign_out,
    token_hash,
    verify_password,
)
from data_layer.commands.accounts import (
    change_own_password,
    create_user,
    reset_password,
    set_user_active,
    set_user_role,
)
from data_layer.commands.settings import set_thresholds
from data_layer.db import read_session, write_session
from data_layer.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    SessionExpired,
    SignInFailed,
    ValidationError,
)
from data_layer.models import Agency, AuthSession, County, Role, SignInThrottle, User
from data_layer.permissions import Actor, Scope
from data_layer.queries.membership import member_on
from data_layer.queries.settings import get_thresholds
from data_layer.queries.users import list_users, must_change_password
from data_layer.sign_in_limits import (
    GUARD_ADDRESS_FAILURES,
    MAX_DELAY,
    MAX_FAILED_SIGN_INS,
    WINDOW,
    address_delay,
    address_key,
    name_key,
    refused_until,
)

NOW = datetime(2026, 11, 28, 6, 30, tzinfo=UTC)  # 10:00 in Tehran (UTC+03:30)
PASSWORD = "gozarvazhe-1405"
STRANGER = "203.0.113.250"  # the address that tries other people's names
OWNER = "198.51.100.20"  # the owner's own browser
BAD_CREDENTIALS = "نام کاربری یا گذرواژه درست نیست."
EXPIRED = "نشست شما منقضی شده است؛ لطفاً دوباره وارد شوید."


# --- helpers -------------------------------------------------------------------------


def add_agency(url: str, *, active: bool = True, name: str = "اداره کل بهزیستی استان") -> int:
    with write_session(url) as s:
        agency = Agency(name=name, short_name="بهزیستی", active=active)
        s.add(agency)
        s.flush()
        assert agency.id is not None
        return agency.id


def add_user(
    url: str,
    *,
    username: str = "sara",
    role: str = Role.SECRETARIAT.value,
    agency_id: int | None = None,
    password_hash: str | None = None,
    active: bool = True,
) -> int:
    with write_session(url) as s:
        user = User(
            username=username,
            full_name="سارا محمدی",
            password_hash=password_hash or hash_password(PASSWORD),
            role=role,
            agency_id=agency_id,
            active=active,
        )
        s.add(user)
        s.flush()
        assert user.id is not None
        return user.id


def add_admin(url: str) -> Actor:
    user_id = add_user(url, username="boss", role=Role.ADMIN.value)
    return Actor(user_id=user_id, username="boss", full_name="مدیر", role=Role.ADMIN.value)


def user_row(url: str, username: str) -> User | None:
    with read_session(url) as s:
        return s.exec(select(User).where(col(User.username) == username)).first()


def stored_user(url: str, username: str) -> User:
    user = user_row(url, username)
    assert user is not None, username
    return user


def user_count(url: str) -> int:
    with read_session(url) as s:
        return s.exec(select(func.count()).select_from(User)).one()


def auth_sessions(url: str) -> list[AuthSession]:
    with read_session(url) as s:
        return list(s.exec(select(AuthSession).order_by(col(AuthSession.id))))


def session_of(url: str, token: str) -> AuthSession:
    with read_session(url) as s:
        row = s.exec(select(AuthSession).where(col(AuthSession.token_hash) == token_hash(token)))
        return row.one()


def fail_sign_in(
    url: str,
    username: str,
    *,
    now: datetime,
    password: str = "wrong-password",
    address: str = STRANGER,
) -> str:
    """Sign in with a wrong password; the Persian message it was refused with."""
    with pytest.raises(SignInFailed) as failed:
        sign_in_url(url, username=username, password=password, address=address, now=now)
    return failed.value.message


def resolve(url: str, token: str, now: datetime) -> Actor:
    with write_session(url) as s:
        return resolve_session(s, token=token, now=now)


# --- signing in ----------------------------------------------------------------------


def test_sign_in_returns_an_actor_and_stores_only_the_token_hash(db_url: str) -> None:
    user_id = add_user(db_url)
    actor, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    [stored] = auth_sessions(db_url)
    assert actor == Actor(
        user_id=user_id,
        username="sara",
        full_name="سارا محمدی",
        role=Role.SECRETARIAT.value,
        session_id=stored.id,
    )
    assert len(token) >= 40
    assert stored.user_id == user_id
    assert stored.token_hash == token_hash(token) != token
    assert token not in {stored.token_hash, *map(str, vars(stored).values())}
    assert stored.expires_at == NOW + SESSION_MAX
    assert stored.last_seen_at == stored.created_at == NOW
    assert stored.revoked_at is None
    user = stored_user(db_url, "sara")
    assert (user.last_login_at, user.failed_logins) == (NOW, 0)


def test_username_is_trimmed_lower_cased_and_given_ascii_digits(db_url: str) -> None:
    add_user(db_url, username="agency07")
    actor, _ = sign_in_url(db_url, username="  AGENCY۰۷ ", password=PASSWORD, now=NOW)
    assert actor.username == "agency07"
    actor, _ = sign_in_url(db_url, username="agency٠٧", password=PASSWORD, now=NOW)
    assert actor.username == "agency07"
    assert len(auth_sessions(db_url)) == 2


def test_wrong_password_and_unknown_user_get_the_same_message(db_url: str) -> None:
    add_user(db_url)
    assert fail_sign_in(db_url, "sara", now=NOW) == BAD_CREDENTIALS
    assert fail_sign_in(db_url, "nobody", now=NOW, password=PASSWORD) == BAD_CREDENTIALS
    assert auth_sessions(db_url) == []
    assert user_row(db_url, "nobody") is None


def throttle_rows(url: str) -> dict[str, tuple[int, datetime]]:
    with read_session(url) as s:
        rows = s.exec(select(SignInThrottle))
        return {r.subject: (r.failures, r.last_failure_at) for r in rows}


def refusal(url: str, username: str, *, now: datetime, password: str, address: str) -> str:
    """The code of a refused sign-in ("bad", "locked", "inactive")."""
    with pytest.raises(SignInFailed) as failed:
        sign_in_url(url, username=username, password=password, address=address, now=now)
    return failed.value.code


def test_a_failure_is_counted_against_the_address_and_a_hash_of_the_name(db_url: str) -> None:
    add_user(db_url)
    fail_sign_in(db_url, "sara", now=NOW)
    fail_sign_in(db_url, "sara", now=NOW + timedelta(seconds=1), address="198.51.100.8")
    rows = throttle_rows(db_url)
    assert rows == {
        name_key("sara"): (2, NOW + timedelta(seconds=1)),
        address_key(STRANGER): (1, NOW),
        address_key("198.51.100.8"): (1, NOW + timedelta(seconds=1)),
    }
    assert not any("sara" in subject for subject in rows)  # what was typed is not kept
    user = stored_user(db_url, "sara")
    assert (user.failed_logins, user.locked_until, user.last_login_at) == (0, None, None)


def test_an_address_that_keeps_failing_waits_a_short_growing_delay(db_url: str) -> None:
    """The delay doubles from 1 s and stops at a minute: a flood from one address gets
    about one try a minute, and the address is never locked out for long."""
    add_user(db_url)
    now, waits = NOW, []
    for attempt in range(12):
        assert fail_sign_in(db_url, f"user{attempt}", now=now) == BAD_CREDENTIALS
        with read_session(db_url) as s:
            until = refused_until(s, address=STRANGER, username="sara", now=now)
        waits.append(0 if until is None else int((until - now).total_seconds()))
        if until is not None:
            code = refusal(
                db_url,
                "sara",
                now=until - timedelta(seconds=0.5),
                password=PASSWORD,
                address=STRANGER,
            )
            assert code == "locked"  # refused unchecked, even with the right password
            now = until
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert address_delay(40) == MAX_DELAY
    # The owner, at another address, is not slowed by any of it.
    assert sign_in_url(db_url, username="sara", password=PASSWORD, address=OWNER, now=now)


def test_a_stranger_who_fails_on_a_name_never_stops_its_owner(db_url: str) -> None:
    """Issue 20: five wrong passwords used to lock the account for 15 minutes, the owner
    with the right password too, and a stranger could repeat it every quarter hour."""
    user_id = add_user(db_url)
    now = NOW
    for n in range(MAX_FAILED_SIGN_INS * 2):
        address = f"203.0.113.{n // 2}"  # a few tries from each of many addresses
        assert fail_sign_in(db_url, "sara", now=now, address=address) == BAD_CREDENTIALS
        now += timedelta(seconds=1)
    actor, _ = sign_in_url(db_url, username="sara", password=PASSWORD, address=OWNER, now=now)
    assert actor.user_id == user_id
    assert name_key("sara") not in throttle_rows(db_url)  # the right password clears the name


def test_a_guarded_name_refuses_addresses_that_failed_often_until_the_window_ends(
    db_url: str,
) -> None:
    add_user(db_url)
    for n in range(MAX_FAILED_SIGN_INS):
        fail_sign_in(db_url, "sara", now=NOW, address=f"203.0.113.{n}")
    for _ in range(GUARD_ADDRESS_FAILURES):  # this address fails on other names
        fail_sign_in(db_url, "other", now=NOW, address=STRANGER)
    later = NOW + timedelta(minutes=1)
    message = fail_sign_in(db_url, "sara", now=later, password=PASSWORD)
    assert message == "به دلیل ورودهای ناموفق پی‌درپی، تا ساعت ۱۰:۱۵ دوباره تلاش نکنید."
    assert throttle_rows(db_url)[name_key("sara")] == (MAX_FAILED_SIGN_INS, NOW)  # not extended
    assert auth_sessions(db_url) == []
    # An address with few failures still may try; the window's end frees everyone.
    assert sign_in_url(db_url, username="sara", password=PASSWORD, address=OWNER, now=later)
    for n in range(MAX_FAILED_SIGN_INS):
        fail_sign_in(db_url, "sara", now=later, address=f"203.0.113.{n}")
    after = later + WINDOW
    assert sign_in_url(db_url, username="sara", password=PASSWORD, address=STRANGER, now=after)


@pytest.mark.parametrize("address", [STRANGER, OWNER])
def test_known_and_unknown_names_are_answered_alike_whatever_is_tried(
    db_url: str, address: str
) -> None:
    """Issue 20: after five tries a real name answered "locked" and an unknown one "bad",
    so names could be listed. Now every answer is the same for both."""
    add_user(db_url)
    for _ in range(GUARD_ADDRESS_FAILURES):
        fail_sign_in(db_url, "third", now=NOW, address=STRANGER)  # STRANGER is busy
    answers = {}
    for name in ("sara", "nobody"):
        codes, now = [], NOW
        for n in range(MAX_FAILED_SIGN_INS + 3):
            codes.append(
                refusal(db_url, name, now=now, password="wrong-password", address=f"192.0.2.{n}")
            )
            now += timedelta(seconds=1)
        codes.append(refusal(db_url, name, now=now, password="wrong-password", address=address))
        answers[name] = codes
    assert answers["sara"] == answers["nobody"]
    assert answers["sara"][-1] == ("locked" if address == STRANGER else "bad")


def test_a_guard_ending_on_another_day_names_the_jalali_date(db_url: str) -> None:
    add_user(db_url)
    late = datetime(2026, 11, 28, 20, 20, 30, tzinfo=UTC)  # 23:50:30 in Tehran
    for n in range(MAX_FAILED_SIGN_INS):
        fail_sign_in(db_url, "sara", now=late, address=f"203.0.113.{n}")
    for _ in range(GUARD_ADDRESS_FAILURES):
        fail_sign_in(db_url, "other", now=late)
    message = fail_sign_in(db_url, "sara", now=late)
    # Guarded until 00:05:30 on 1405/09/08: the minute is rounded up, never down.
    assert "تا ساعت ۰۰:۰۶ روز ۱۴۰۵/۰۹/۰۸ دوباره" in message


def test_a_password_changed_while_it_was_checked_is_refused(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash is checked outside any transaction; the sign-in that follows reads the
    account again and opens nothing if its password changed in between."""
    add_user(db_url)
    admin = add_admin(db_url)
    checked = auth.verify_password

    def meanwhile_reset(stored: str, password: str) -> bool:
        with write_session(db_url) as s:
            reset_password(s, actor=admin, user_id=stored_user(db_url, "sara").id, now=NOW)
        return checked(stored, password)

    monkeypatch.setattr(auth, "verify_password", meanwhile_reset)
    assert fail_sign_in(db_url, "sara", now=NOW, password=PASSWORD) == BAD_CREDENTIALS
    assert auth_sessions(db_url) == []


def test_a_deactivated_account_is_told_so_only_with_the_right_password(db_url: str) -> None:
    add_user(db_url, active=False)
    deactivated = "این حساب غیرفعال شده است؛ با مدیر سامانه تماس بگیرید."
    assert fail_sign_in(db_url, "sara", now=NOW, password=PASSWORD) == deactivated
    assert fail_sign_in(db_url, "sara", now=NOW) == BAD_CREDENTIALS
    assert auth_sessions(db_url) == []
    assert stored_user(db_url, "sara").last_login_at is None


def test_a_hash_with_weaker_parameters_is_upgraded_at_sign_in(db_url: str) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    add_user(db_url, password_hash=weak)
    sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    upgraded = stored_user(db_url, "sara").password_hash
    assert upgraded != weak and "m=65536" in upgraded
    assert verify_password(upgraded, PASSWORD)


def test_verify_password_is_false_for_a_wrong_password_or_a_broken_hash() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "x")
    assert not verify_password("not a hash", PASSWORD)


# --- sessions ------------------------------------------------------------------------


def test_a_valid_session_resolves_to_its_actor(db_url: str) -> None:
    add_user(db_url)
    signed_in, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    assert resolve(db_url, token, NOW + timedelta(seconds=30)) == signed_in
    assert session_of(db_url, token).last_seen_at == NOW  # not written within the minute
    later = NOW + timedelta(minutes=5)
    assert resolve_session_url(db_url, token=token, now=later) == signed_in
    assert session_of(db_url, token).last_seen_at == later


def test_activity_keeps_a_session_alive_past_the_idle_limit(db_url: str) -> None:
    add_user(db_url)
    _, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    moment = NOW
    for _ in range(4):
        moment += SESSION_IDLE - timedelta(minutes=1)
        assert resolve_session_url(db_url, token=token, now=moment).username == "sara"
    assert session_of(db_url, token).last_seen_at == moment


def test_a_session_expires_at_its_maximum_age_however_active(db_url: str) -> None:
    add_user(db_url)
    _, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    moment = NOW
    while moment + timedelta(hours=1) < NOW + SESSION_MAX:
        moment += timedelta(hours=1)
        resolve(db_url, token, moment)
    with pytest.raises(SessionExpired) as expired:
        resolve(db_url, token, NOW + SESSION_MAX)
    assert expired.value.message == EXPIRED
    assert session_of(db_url, token).last_seen_at == moment  # nothing written when refused


def test_a_session_idle_for_longer_than_the_limit_expires(db_url: str) -> None:
    add_user(db_url)
    _, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    with pytest.raises(SessionExpired) as expired:
        resolve_session_url(db_url, token=token, now=NOW + SESSION_IDLE + timedelta(seconds=1))
    assert expired.value.message == EXPIRED
    assert session_of(db_url, token).last_seen_at == NOW


def test_sign_out_revokes_the_session(db_url: str) -> None:
    add_user(db_url)
    _, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    _, other = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    with write_session(db_url) as s:
        sign_out(s, token=token, now=NOW + timedelta(minutes=3))
    assert session_of(db_url, token).revoked_at == NOW + timedelta(minutes=3)
    assert session_of(db_url, other).revoked_at is None
    with pytest.raises(SessionExpired, match="منقضی"):
        resolve(db_url, token, NOW + timedelta(minutes=4))
    assert resolve(db_url, other, NOW + timedelta(minutes=4)).username == "sara"


def test_signing_out_an_unknown_token_does_nothing(db_url: str) -> None:
    with write_session(db_url) as s:
        sign_out(s, token="no-such-token", now=NOW)
    assert auth_sessions(db_url) == []


def test_an_unknown_token_is_an_expired_session(db_url: str) -> None:
    with pytest.raises(SessionExpired) as expired:
        resolve_session_url(db_url, token="no-such-token", now=NOW)
    assert expired.value.message == EXPIRED


def test_a_deactivated_users_session_expires(db_url: str) -> None:
    user_id = add_user(db_url)
    _, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    with write_session(db_url) as s:
        s.exec(select(User).where(col(User.id) == user_id)).one().active = False
    with pytest.raises(SessionExpired) as expired:
        resolve_session_url(db_url, token=token, now=NOW + timedelta(minutes=1))
    assert expired.value.message == EXPIRED


# --- creating accounts ---------------------------------------------------------------


def test_an_admin_creates_an_agency_editor_with_an_argon2_hash(db_url: str) -> None:
    admin = add_admin(db_url)
    agency_id = add_agency(db_url)
    with write_session(db_url) as s:
        user, password = create_user(
            s,
            actor=admin,
            username=" Reza.K ",
            full_name="  رضا   کریمی ",
            role=Role.AGENCY_EDITOR.value,
            agency_id=agency_id,
            password=PASSWORD,
        )
    assert password == PASSWORD
    stored = stored_user(db_url, "reza.k")
    assert stored.id == user.id
    assert (stored.full_name, stored.role, stored.agency_id) == (
        "رضا کریمی",
        Role.AGENCY_EDITOR.value,
        agency_id,
    )
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert verify_password(stored.password_hash, PASSWORD)
    assert (stored.active, stored.must_change_password, stored.is_sample) == (True, True, False)


def test_without_a_password_one_is_generated_and_works(db_url: str) -> None:
    admin = add_admin(db_url)
    with write_session(db_url) as s:
        _, password = create_user(
            s, actor=admin, username="viewer1", full_name="ناظر", role=Role.VIEWER.value
        )
    assert len(password) >= 12
    stored = stored_user(db_url, "viewer1")
    assert password not in stored.password_hash
    actor, _ = sign_in_url(db_url, username="viewer1", password=password, now=NOW)
    assert (actor.role, actor.agency_id) == (Role.VIEWER.value, None)


@pytest.mark.parametrize(
    "role", [Role.SECRETARIAT.value, Role.AGENCY_EDITOR.value, Role.VIEWER.value]
)
def test_only_an_admin_may_create_accounts(db_url: str, role: str) -> None:
    agency_id = add_agency(db_url)
    user_id = add_user(
        db_url, role=role, agency_id=agency_id if role == Role.AGENCY_EDITOR else None
    )
    editor = role == Role.AGENCY_EDITOR
    actor = Actor(user_id, "sara", "سارا", role, agency_id if editor else None)
    with pytest.raises(PermissionDenied, match="مدیر سامانه"), write_session(db_url) as s:
        create_user(s, actor=actor, username="newbie", full_name="تازه‌وارد", role=Role.VIEWER.value)
    assert user_row(db_url, "newbie") is None
    assert user_count(db_url) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "ab"}, "username", "۳ تا ۴۰ نویسه"),
        ({"username": "علی"}, "username", "حروف کوچک انگلیسی"),
        ({"username": "has space"}, "username", "حروف کوچک انگلیسی"),
        ({"username": "x" * 41}, "username", "۳ تا ۴۰ نویسه"),
        ({"username": "BOSS"}, "username", "این نام کاربری قبلاً ثبت شده است."),
        ({"full_name": " ع "}, "full_name", "۲ تا ۱۲۰ نویسه"),
        ({"role": "superuser"}, "role", "نقش"),
        ({"role": Role.AGENCY_EDITOR.value}, "agency_id", "دستگاه او را انتخاب کنید"),
        ({"agency_id": "agency"}, "agency_id", "دستگاه را خالی بگذارید"),
        (
            {"role": Role.AGENCY_EDITOR.value, "agency_id": "inactive"},
            "agency_id",
            "غیرفعال",
        ),
        ({"role": Role.AGENCY_EDITOR.value, "agency_id": 9999}, "agency_id", "وجود ندارد"),
        ({"password": "short-pw"}, "password", "گذرواژه باید دست‌کم ۱۰ نویسه باشد."),
    ],
    ids=[
        "short-username",
        "persian-username",
        "username-with-space",
        "long-username",
        "duplicate-username",
        "short-full-name",
        "unknown-role",
        "editor-without-agency",
        "viewer-with-agency",
        "inactive-agency",
        "missing-agency",
        "short-password",
    ],
)
def test_each_invalid_field_is_refused_and_nothing_is_written(
    db_url: str, changes: dict[str, object], field: str, message: str
) -> None:
    admin = add_admin(db_url)
    agencies = {
        "agency": add_agency(db_url),
        "inactive": add_agency(db_url, active=False, name="دستگاه منحل"),
    }
    fields: dict[str, object] = {
        "username": "newbie",
        "full_name": "کاربر تازه",
        "role": Role.VIEWER.value,
        "agency_id": None,
        "password": PASSWORD,
    }
    fields.update(changes)
    if isinstance(fields["agency_id"], str):
        fields["agency_id"] = agencies[fields["agency_id"]]
    with pytest.raises(ValidationError) as refused, write_session(db_url) as s:
        create_user(s, actor=admin, **fields)  # type: ignore[arg-type]
    assert [e.field for e in refused.value.errors] == [field]
    assert message in refused.value.message
    assert user_count(db_url) == 1  # the admin only


def test_every_field_error_is_reported_at_once(db_url: str) -> None:
    admin = add_admin(db_url)
    with pytest.raises(ValidationError) as refused, write_session(db_url) as s:
        create_user(
            s,
            actor=admin,
            username="x",
            full_name="",
            role=Role.AGENCY_EDITOR.value,
            password="short",
        )
    fields = [e.field for e in refused.value.errors]
    assert fields == ["username", "full_name", "agency_id", "password"]
    assert user_count(db_url) == 1


# --- managing accounts ---------------------------------------------------------------


def test_reset_password_unlocks_revokes_sessions_and_asks_for_a_change(db_url: str) -> None:
    admin = add_admin(db_url)
    user_id = add_user(db_url)
    _, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    for n in range(MAX_FAILED_SIGN_INS):
        fail_sign_in(db_url, "sara", now=NOW, address=f"203.0.113.{n}")
    with write_session(db_url) as s:
        new_password = reset_password(s, actor=admin, user_id=user_id, now=NOW)
    user = stored_user(db_url, "sara")
    assert (user.failed_logins, user.locked_until, user.must_change_password) == (0, None, True)
    assert name_key("sara") not in throttle_rows(db_url)  # no longer guarded
    assert session_of(db_url, token).revoked_at == NOW
    assert not verify_password(user.password_hash, PASSWORD)
    with pytest.raises(SessionExpired):
        resolve(db_url, token, NOW + timedelta(minutes=1))
    actor, _ = sign_in_url(db_url, username="sara", password=new_password, now=NOW)
    assert actor.user_id == user_id


def test_reset_password_checks_the_policy_the_role_and_the_user(db_url: str) -> None:
    admin = add_admin(db_url)
    user_id = add_user(db_url)
    before = stored_user(db_url, "sara").password_hash
    secretariat = Actor(user_id=user_id, username="sara", full_name="", role="secretariat")
    with pytest.raises(ValidationError, match="۱۰ نویسه"), write_session(db_url) as s:
        reset_password(s, actor=admin, user_id=user_id, new_password="short")
    with pytest.raises(PermissionDenied), write_session(db_url) as s:
        reset_password(s, actor=secretariat, user_id=user_id)
    with pytest.raises(NotFound), write_session(db_url) as s:
        reset_password(s, actor=admin, user_id=9999)
    assert stored_user(db_url, "sara").password_hash == before


def test_change_own_password_needs_the_old_one(db_url: str) -> None:
    add_user(db_url)
    actor, _ = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    before = stored_user(db_url, "sara").password_hash
    with pytest.raises(ValidationError) as refused, write_session(db_url) as s:
        change_own_password(
            s, actor=actor, old_password="not-my-password", new_password="tazeh-1405-ok", now=NOW
        )
    assert [e.field for e in refused.value.errors] == ["old_password"]
    assert "گذرواژهٔ فعلی درست نیست." in refused.value.message
    assert stored_user(db_url, "sara").password_hash == before


def test_change_own_password_checks_the_new_one(db_url: str) -> None:
    add_user(db_url)
    actor, _ = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    for new, message in (("short", "۱۰ نویسه"), (PASSWORD, "فرق داشته باشد")):
        with pytest.raises(ValidationError, match=message), write_session(db_url) as s:
            change_own_password(s, actor=actor, old_password=PASSWORD, new_password=new, now=NOW)
    assert verify_password(stored_user(db_url, "sara").password_hash, PASSWORD)


def test_change_own_password_replaces_it_and_clears_the_demand(db_url: str) -> None:
    admin = add_admin(db_url)
    user_id = add_user(db_url)
    with write_session(db_url) as s:
        temporary = reset_password(s, actor=admin, user_id=user_id)
    actor, _ = sign_in_url(db_url, username="sara", password=temporary, now=NOW)
    with write_session(db_url) as s:
        assert must_change_password(s, user_id=actor.user_id)
        change_own_password(
            s, actor=actor, old_password=temporary, new_password="tazeh-1405-ok", now=NOW
        )
    user = stored_user(db_url, "sara")
    assert user.must_change_password is False
    assert verify_password(user.password_hash, "tazeh-1405-ok")
    assert fail_sign_in(db_url, "sara", now=NOW, password=temporary) == BAD_CREDENTIALS


def test_an_admin_cannot_deactivate_themselves(db_url: str) -> None:
    admin = add_admin(db_url)
    with pytest.raises(PermissionDenied, match="خودتان"), write_session(db_url) as s:
        set_user_active(s, actor=admin, user_id=admin.user_id, active=False)
    assert stored_user(db_url, "boss").active is True


def test_deactivating_a_user_revokes_their_sessions_and_reactivating_allows_sign_in(
    db_url: str,
) -> None:
    admin = add_admin(db_url)
    user_id = add_user(db_url)
    _, token = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    with write_session(db_url) as s:
        set_user_active(s, actor=admin, user_id=user_id, active=False, now=NOW)
    assert stored_user(db_url, "sara").active is False
    assert session_of(db_url, token).revoked_at == NOW
    fail_sign_in(db_url, "sara", now=NOW, password=PASSWORD)
    with write_session(db_url) as s:
        set_user_active(s, actor=admin, user_id=user_id, active=True)
    assert stored_user(db_url, "sara").active is True
    assert sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)[0].user_id == user_id


def test_only_an_admin_may_deactivate_accounts(db_url: str) -> None:
    user_id = add_user(db_url)
    other_id = add_user(db_url, username="omid")
    actor = Actor(user_id=user_id, username="sara", full_name="", role=Role.SECRETARIAT.value)
    with pytest.raises(PermissionDenied), write_session(db_url) as s:
        set_user_active(s, actor=actor, user_id=other_id, active=False)
    assert stored_user(db_url, "omid").active is True


def test_list_users_gives_the_admin_page_its_rows(db_url: str) -> None:
    add_admin(db_url)
    agency_id = add_agency(db_url)
    add_user(db_url, username="editor", role=Role.AGENCY_EDITOR.value, agency_id=agency_id)
    sign_in_url(db_url, username="editor", password=PASSWORD, now=NOW)
    with read_session(db_url) as s:
        rows = list_users(s)
    assert [r["username"] for r in rows] == ["boss", "editor"]
    editor = rows[1]
    assert (editor["role"], editor["agency"], editor["active"]) == (
        Role.AGENCY_EDITOR.value,
        "بهزیستی",
        True,
    )
    assert (editor["last_login_at"], editor["locked_until"]) == (NOW, None)
    assert rows[0]["agency"] is None
    assert {"id", "full_name"} <= set(editor)


# --- the first admin -----------------------------------------------------------------


def test_create_first_admin_only_while_there_is_no_active_admin(db_url: str) -> None:
    password = create_first_admin(db_url)
    assert password is not None and len(password) >= 12
    admin = stored_user(db_url, "admin")
    assert (admin.role, admin.active, admin.must_change_password) == ("admin", True, True)
    assert verify_password(admin.password_hash, password)
    assert create_first_admin(db_url, username="second") is None
    assert user_count(db_url) == 1


def test_create_first_admin_takes_a_chosen_password_after_the_policy(db_url: str) -> None:
    with pytest.raises(ValidationError, match="۱۰ نویسه"):
        create_first_admin(db_url, password="short")
    assert user_count(db_url) == 0
    assert create_first_admin(db_url, username="Modir", password=PASSWORD) == PASSWORD
    assert stored_user(db_url, "modir").must_change_password is False


def test_the_create_admin_command_prints_the_password_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert auth.main(["create-admin", "--username", "modir"]) == 0
    password = capsys.readouterr().out.strip().splitlines()[-1]
    assert verify_password(stored_user(db_url, "modir").password_hash, password)
    assert auth.main(["create-admin"]) == 0
    assert "از پیش وجود دارد" in capsys.readouterr().out
    assert user_count(db_url) == 1


def test_the_create_admin_command_refuses_a_short_password(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert auth.main(["create-admin", "--password", "short"]) == 1
    assert "۱۰ نویسه" in capsys.readouterr().err
    assert user_count(db_url) == 0


# --- sample accounts -----------------------------------------------------------------


def member_agencies(url: str) -> list[Agency]:
    with read_session(url) as s:
        stmt = (
            select(Agency)
            .where(member_on(clock.today()), col(Agency.active))
            .order_by(col(Agency.sort_order), col(Agency.id))
        )
        return list(s.exec(stmt))


def test_a_sample_database_has_sample_accounts_for_every_role(seeded_url: str) -> None:
    members = member_agencies(seeded_url)
    with read_session(seeded_url) as s:
        users = {u.username: u for u in s.exec(select(User))}
    editors = [f"agency{n:02d}" for n in range(1, len(members) + 1)]
    assert sorted(users) == sorted(["admin", "dabir", "chair", "farmandari", *editors])
    assert all(u.is_sample for u in users.values())
    with read_session(seeded_url) as s:
        county = s.get(County, users["farmandari"].county_id)
    assert users["farmandari"].role == Role.COUNTY_READER.value
    assert county is not None and county.name == SAMPLE_COUNTY
    assert users["admin"].role == Role.ADMIN.value
    assert users["dabir"].role == Role.SECRETARIAT.value
    assert (users["chair"].role, users["chair"].full_name) == (
        Role.VIEWER.value,
        "دفتر معاون سیاسی، امنیتی و اجتماعی",
    )
    for username, agency in zip(editors, members, strict=True):
        assert (users[username].role, users[username].agency_id) == ("agency_editor", agency.id)
        assert users[username].full_name == f"کارشناس رابط {agency.short_name}"
    assert verify_password(users["dabir"].password_hash, SAMPLE_PASSWORD)


def test_signing_in_as_a_county_reader_reads_with_the_scope_of_its_county(
    seeded_url: str,
) -> None:
    actor, _ = sign_in_url(seeded_url, username="farmandari", password=SAMPLE_PASSWORD, now=NOW)
    county = stored_user(seeded_url, "farmandari").county_id
    assert county is not None and actor.scope == Scope(county_id=county)
    assert (actor.role, actor.agency_id) == (Role.COUNTY_READER.value, None)


def test_signing_in_as_agency02_acts_for_the_second_member_agency(seeded_url: str) -> None:
    second = member_agencies(seeded_url)[1]
    actor, _ = sign_in_url(seeded_url, username="agency02", password=SAMPLE_PASSWORD, now=NOW)
    assert (actor.role, actor.agency_id) == (Role.AGENCY_EDITOR.value, second.id)
    assert stored_user(seeded_url, "agency02").last_login_at == NOW


def test_seeding_sample_accounts_again_adds_nothing(seeded_url: str) -> None:
    before = user_count(seeded_url)
    with write_session(seeded_url) as s:
        assert seed_sample_accounts(s) == []
    assert user_count(seeded_url) == before


def test_sample_accounts_skip_usernames_already_taken(minutes_url: str) -> None:
    add_user(minutes_url, username="dabir", role=Role.VIEWER.value)
    with write_session(minutes_url) as s:
        added = seed_sample_accounts(s)
    assert ("admin", "admin", "") in added
    assert ("agency01", "agency_editor", "امور اجتماعی استانداری") in added
    assert "dabir" not in {row[0] for row in added}
    dabir = stored_user(minutes_url, "dabir")
    assert (dabir.role, dabir.is_sample) == (Role.VIEWER.value, False)
    assert user_count(minutes_url) == len(added) + 1


def test_a_minutes_only_database_has_no_users(minutes_url: str) -> None:
    assert user_count(minutes_url) == 0


# --- sessions end when they should ------------------------------------------------------


def _sessions(url: str, n: int, password: str = PASSWORD) -> list[tuple[Actor, str]]:
    return [sign_in_url(url, username="sara", password=password, now=NOW) for _ in range(n)]


def _live(url: str, token: str) -> bool:
    try:
        resolve_session_url(url, token=token, now=NOW + timedelta(minutes=5))
    except SessionExpired:
        return False
    return True


def test_changing_ones_own_password_ends_every_other_session(db_url: str) -> None:
    add_user(db_url)
    (me, mine), (_, other), (_, third) = _sessions(db_url, 3)
    with write_session(db_url) as s:
        change_own_password(
            s, actor=me, old_password=PASSWORD, new_password="tazeh-1405-ok", now=NOW
        )
    assert _live(db_url, mine)
    assert not _live(db_url, other) and not _live(db_url, third)


@pytest.mark.parametrize("how", ["reset", "deactivate", "role"])
def test_a_reset_a_deactivation_or_a_role_change_ends_every_session(db_url: str, how: str) -> None:
    admin = add_admin(db_url)
    user_id = add_user(db_url)
    tokens = [t for _, t in _sessions(db_url, 2)]
    with write_session(db_url) as s:
        if how == "reset":
            reset_password(s, actor=admin, user_id=user_id, now=NOW)
        elif how == "deactivate":
            set_user_active(s, actor=admin, user_id=user_id, active=False, now=NOW)
        else:
            assert set_user_role(
                s, actor=admin, user_id=user_id, role=Role.VIEWER.value, agency_id=None, now=NOW
            )
    assert not any(_live(db_url, t) for t in tokens)


def test_a_command_reloads_the_person_and_refuses_an_old_actor(db_url: str) -> None:
    """An Actor object kept from before a change cannot act: the command reads the account."""
    admin = add_admin(db_url)
    user_id = add_user(db_url)
    me, _ = sign_in_url(db_url, username="sara", password=PASSWORD, now=NOW)
    with write_session(db_url) as s:
        set_user_role(
            s, actor=admin, user_id=user_id, role=Role.VIEWER.value, agency_id=None, now=NOW
        )
    with pytest.raises(SessionExpired), write_session(db_url) as s:
        set_thresholds(
            s,
            actor=me,
            green_done_share=70,
            red_done_share=20,
            amber_overdue=2,
            red_overdue=4,
            stale_days=14,
        )
    with write_session(db_url) as s:
        set_user_role(
            s, actor=admin, user_id=user_id, role=Role.SECRETARIAT.value, agency_id=None, now=NOW
        )
        set_user_active(s, actor=admin, user_id=user_id, active=False, now=NOW)
    stale = Actor(user_id, "sara", "سارا محمدی", Role.SECRETARIAT.value)
    with pytest.raises(PermissionDenied, match="غیرفعال"), write_session(db_url) as s:
        set_thresholds(
            s,
            actor=stale,
            green_done_share=70,
            red_done_share=20,
            amber_overdue=2,
            red_overdue=4,
            stale_days=14,
        )


def test_a_stale_account_form_is_refused(db_url: str) -> None:
    admin = add_admin(db_url)
    user_id = add_user(db_url)
    with write_session(db_url) as s:
        version = s.get(User, user_id).version  # type: ignore[union-attr]
        reset_password(s, actor=admin, user_id=user_id, expected_version=version, now=NOW)
    with pytest.raises(ConflictError), write_session(db_url) as s:
        set_user_active(
            s, actor=admin, user_id=user_id, active=False, expected_version=version, now=NOW
        )
    assert stored_user(db_url, "sara").active is True


# --- sign-in attempts beside saves ---------------------------------------------------


def test_thirty_attempts_for_an_unknown_name_do_not_block_a_save(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20: every attempt hashed its password inside a write transaction, so 30 at
    once for an unknown name made the secretariat's save fail. Here all 30 are held in
    the middle of their hashing while the save runs: it must not wait for any of them."""
    attempts = 30
    add_user(db_url)
    me = Actor(stored_user(db_url, "sara").id or 0, "sara", "سارا محمدی", "secretariat")
    checked, saved = auth.verify_password, threading.Event()
    hashing = threading.Condition()
    inside = 0

    def slow_check(stored: str, password: str) -> bool:
        nonlocal inside
        with hashing:
            inside += 1
            hashing.notify_all()
        saved.wait(timeout=120)  # held until the save is done (or given up on)
        return checked(stored, password)

    monkeypatch.setattr(auth, "verify_password", slow_check)

    def attempt(n: int) -> str:
        return refusal(db_url, "nobody", now=NOW, password="guess", address=f"192.0.2.{n}")

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        answers = [pool.submit(attempt, n) for n in range(attempts)]
        try:
            with hashing:
                all_in = hashing.wait_for(lambda: inside == attempts, timeout=60)
            with write_session(db_url) as s:  # the secretariat saves meanwhile
                set_thresholds(
                    s,
                    actor=me,
                    green_done_share=75,
                    red_done_share=20,
                    amber_overdue=2,
                    red_overdue=4,
                    stale_days=14,
                )
        finally:
            saved.set()
        codes = [a.result() for a in answers]
    assert all_in, f"only {inside} of {attempts} attempts could check at once"
    assert codes == ["bad"] * attempts
    with read_session(db_url) as s:
        assert get_thresholds(s).green_done_share == 0.75
    assert throttle_rows(db_url)[name_key("nobody")][0] == attempts
