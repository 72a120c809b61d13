"""The administrator keeps the province profile: its names, letterhead and logo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from data_layer.commands.common import check_version
from data_layer.commands.history import History
from data_layer.errors import NotFound
from data_layer.input.check import Check
from data_layer.input.profile import PROFILE_LABELS, ProfileInput, validate_profile
from data_layer.models import ProvinceProfile, utcnow
from data_layer.permissions import Action, Actor, require

__all__ = ["update_profile", "write_profile"]


def write_profile(
    session: Session, row: ProvinceProfile, clean: dict[str, Any], history: History
) -> bool:
    """Apply checked values to the profile row, one history entry per changed field."""
    changed = False
    for field, value in clean.items():
        old = getattr(row, field)
        if old == value:
            continue
        shown_old, shown_new = old, value
        if field == "logo":  # history keeps that the logo changed, not its bytes
            shown_old = f"{len(old)} bytes" if old else None
            shown_new = f"{len(value)} bytes" if value else None
        history.add("profile", row.id, field, shown_old, shown_new)
        setattr(row, field, value)
        changed = True
    return changed


def update_profile(
    session: Session,
    *,
    actor: Actor,
    data: ProfileInput,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Change the profile (admin); True when anything changed. A form drawn on an older
    version is refused."""
    require(session, actor, Action.MANAGE_PROFILE)
    now = now or utcnow()
    row = session.get(ProvinceProfile, 1, with_for_update=True)
    if row is None:
        raise NotFound("مشخصات استان هنوز ثبت نشده است؛ نخست راه‌اندازی را کامل کنید.")
    check_version(row, expected_version, "مشخصات استان")
    check = Check(PROFILE_LABELS)
    clean = validate_profile(data, check)
    check.raise_if_any()
    if not write_profile(session, row, clean, History(session, actor, now)):
        return False
    row.version += 1
    row.updated_at, row.updated_by_id = now, actor.user_id
    row.is_sample = False
    session.flush()
    return True
