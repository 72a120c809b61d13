"""Errors a person can act on; each carries a Persian message saying what to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class UserFacingError(Exception):
    """Base: `message` is Persian and is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    """One problem with one field (and, for bulk saves, one row)."""

    field: str
    message: str
    row: int | None = None  # the assignment id, in bulk saves


class ValidationError(UserFacingError):
    """Bad input; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.message for e in errors))


class PermissionDenied(UserFacingError):
    """The acting user's role may not do this."""


class NotFound(UserFacingError):
    """The row asked for does not exist."""


class SessionExpired(UserFacingError):
    """The sign-in is no longer valid."""

    def __init__(self, message: str = "نشست شما منقضی شده است؛ لطفاً دوباره وارد شوید.") -> None:
        super().__init__(message)


class SignInFailed(UserFacingError):
    """Wrong username or password ("bad"), a locked ("locked") or deactivated ("inactive")
    account; `code` is what the sign-in page is told, never the typed username."""

    def __init__(self, message: str, code: str = "bad", until: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.until = until  # when a lock ends (an aware datetime), for "locked"


@dataclass
class ConflictError(UserFacingError):
    """Someone else saved the row after this form was opened; nothing was written."""

    message: str
    theirs: dict[str, Any] = field(default_factory=dict)  # the values they saved
    saved_by: str = ""
    saved_at: Any = None

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)


BUSY = (
    "پایگاه داده هم‌اکنون سرگرم کار دیگری است و چیزی ذخیره نشد؛"
    " چند لحظه بعد دوباره همین کار را انجام دهید."
)
UNREACHABLE = (
    "اکنون به پایگاه داده دسترسی نیست و چیزی ذخیره نشد؛ چند دقیقه بعد دوباره تلاش کنید"
    " و اگر ادامه داشت به مدیر سامانه خبر دهید."
)
UNEXPECTED = "خطای پیش‌بینی‌نشده‌ای رخ داد و چیزی ذخیره نشد. این کد را به مدیر سامانه بدهید: {code}"

# What SQLite and PostgreSQL say when a lock or a timeout stopped a statement.
_BUSY_MARKERS = (
    "database is locked",
    "database table is locked",
    "busy",
    "lock timeout",
    "lock_not_available",
    "could not obtain lock",
    "deadlock detected",
    "could not serialize",
    "canceling statement due to statement timeout",
    "canceling statement due to lock timeout",
)
_UNREACHABLE_MARKERS = (
    "connection refused",
    "could not connect",
    "server closed the connection",
    "connection is closed",
    "terminating connection",
    "timeout expired",
    "no such host",
    "name or service not known",
    "unable to open database file",
    "the database system is starting up",
    "the database system is shutting down",
)


def database_trouble(exc: BaseException) -> str | None:
    """BUSY or UNREACHABLE when an exception is the database being busy or gone, else None."""
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.TimeoutError):  # no connection free in the pool
        return BUSY
    if not isinstance(exc, sa.DBAPIError):
        return None
    text = str(exc.orig or exc).lower()
    if any(m in text for m in _BUSY_MARKERS):
        return BUSY
    if exc.connection_invalidated or any(m in text for m in _UNREACHABLE_MARKERS):
        return UNREACHABLE
    return None
