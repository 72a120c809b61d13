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
    """Wrong username or password, a locked or a deactivated account."""


@dataclass
class ConflictError(UserFacingError):
    """Someone else saved the row after this form was opened; nothing was written."""

    message: str
    theirs: dict[str, Any] = field(default_factory=dict)  # the values they saved
    saved_by: str = ""
    saved_at: Any = None

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)
