"""Pieces every command uses: loading its target, refusing a stale form, unique names."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from data_layer.errors import ConflictError, FieldError, NotFound, ValidationError
from data_layer.models import User

__all__ = ["conflict", "flush_unique", "load", "rowcount", "user_name"]

M = TypeVar("M", bound=SQLModel)


def load(
    session: Session, model: type[M], row_id: object, message: str, *, lock: bool = False
) -> M:
    """The row of that id, or NotFound with a Persian message (also for a bad id).

    With `lock`, the row is locked until the transaction ends (PostgreSQL; SQLite's
    writers already take turns), so a version checked here cannot move before the save.
    """
    row = session.get(model, row_id, with_for_update=lock) if isinstance(row_id, int) else None
    if row is None or getattr(row, "withdrawn", False):
        raise NotFound(message)
    return row


def flush_unique(session: Session, field: str, message: str) -> None:
    """Flush; a unique constraint someone else beat us to becomes a Persian refusal."""
    try:
        session.flush()
    except IntegrityError as e:
        raise ValidationError(
            [FieldError(field, f"{message} صفحه را تازه کنید و دوباره ثبت کنید.")]
        ) from e


def rowcount(result: Any) -> int:
    """How many rows an UPDATE touched."""
    return int(result.rowcount)


def user_name(session: Session, user_id: int | None) -> str:
    """The full name of whoever saved a row, for a refused form."""
    user = session.get(User, user_id) if user_id is not None else None
    return user.full_name if user is not None else "کاربر دیگر"


def conflict(
    what: str, name: str, shown: str, *, theirs: dict[str, Any], saved_at: datetime | None
) -> ConflictError:
    """The refusal of a form that someone else saved after it was opened."""
    return ConflictError(
        message=(
            f"{what} پس از باز شدن فرم شما توسط «{name}» ذخیره شده است ({shown})."
            " تغییرات شما ذخیره نشد؛ مقادیر تازه را ببینید و دوباره ثبت کنید."
        ),
        theirs=theirs,
        saved_by=name,
        saved_at=saved_at,
    )


def check_version(row: Any, expected_version: int | None, what: str) -> None:
    """Refuse a form shown on an older version of the row (None: the caller shows none)."""
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            message=(
                f"{what} پس از باز شدن فرم شما تغییر کرده است و چیزی ذخیره نشد؛"
                " صفحه را دوباره ببینید و اگر هنوز لازم است دوباره ثبت کنید."
            )
        )
