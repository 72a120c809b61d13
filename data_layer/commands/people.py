"""The administrator makes every agency liaison of a spreadsheet at once.

Each row of a clean preview (data_layer/input/people.py) becomes an agency editor
bound to its agency, with a fresh one-time password it must change at first
sign-in. The rows are checked again against the database as it is now, and every
account is made in the caller's one transaction: one problem refuses the whole
file. The plaintext passwords are returned once, for the sign-in sheets, and never
stored; history records each account as «حساب تازه» does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from data_layer.auth import add_new_user, one_time_passwords
from data_layer.commands.history import History
from data_layer.documents.credentials import NewAccount
from data_layer.errors import FieldError, ValidationError
from data_layer.input.people import FIELD_LABELS, ImportPreview, agency_index, check_rows
from data_layer.input.pipeline import import_reason, rows_to_commit
from data_layer.jalali import format_number
from data_layer.models import Role, User, utcnow
from data_layer.permissions import Action, Actor, require

__all__ = ["import_people"]


def _recheck(session: Session, preview: ImportPreview) -> list[tuple[dict[str, Any], int]]:
    """The preview's rows checked again against the agencies and accounts as they are now,
    each with its Excel row number."""
    index = agency_index(session)
    clean_rows = rows_to_commit(
        preview, lambda rows, numbers: check_rows(session, rows, numbers, index)
    )
    return list(zip(clean_rows, preview.numbers(), strict=True))


def _add(session: Session, clean: dict[str, Any], number: int, hashed: str) -> User:
    """Insert one liaison; a username taken at this very moment refuses the whole file."""
    user = User(
        username=clean["username"],
        full_name=clean["full_name"],
        password_hash=hashed,
        role=Role.AGENCY_EDITOR.value,
        agency_id=clean["agency_id"],
        phone=clean["phone"],
        must_change_password=True,
    )
    try:
        add_new_user(session, user)
    except ValidationError as exc:
        label = FIELD_LABELS["username"]
        raise ValidationError(
            [
                FieldError(
                    label,
                    f"سطر {format_number(number)}: «{label}» «{clean['username']}»:"
                    f" {e.message} هیچ حسابی ساخته نشد؛ پرونده را دوباره بخوانید.",
                    number,
                )
                for e in exc.errors
            ]
        ) from exc
    return user


def import_people(
    session: Session,
    *,
    actor: Actor,
    preview: ImportPreview,
    passwords: Sequence[tuple[str, str]] | None = None,
    now: datetime | None = None,
) -> list[NewAccount]:
    """Make one agency liaison per row of a clean preview, all in this transaction.

    `passwords`: (one-time password, its hash) per row, made before the transaction
    (auth.one_time_passwords); None: made here. Returns (agency name, full name,
    username, one-time password) per account, in the file's order. Administrators only.
    """
    require(session, actor, Action.MANAGE_USERS)
    now = now or utcnow()
    rows = _recheck(session, preview)
    if passwords is None or len(passwords) != len(rows):
        passwords = one_time_passwords(len(rows))
    history = History(session, actor, now)
    reason = import_reason(preview)
    made: list[NewAccount] = []
    for (clean, number), (plain, hashed) in zip(rows, passwords, strict=True):
        user = _add(session, clean, number, hashed)
        role = Role.AGENCY_EDITOR.value
        history.add("user", user.id, "created", None, f"{user.username} ({role})", reason)
        made.append(NewAccount(clean["agency"], user.full_name, user.username, plain))
    session.flush()
    return made
