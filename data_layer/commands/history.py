"""One history row per changed field: who, when, before, after and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from data_layer.models import HistoryEntry
from data_layer.permissions import Actor


def record_change(
    session: Session,
    *,
    actor: Actor,
    entity: str,
    entity_id: int,
    field: str,
    old: object,
    new: object,
    now: datetime,
    reason: str = "",
    text: Callable[[object], str] = str,
) -> None:
    """Add the history row in the caller's transaction (None stays None)."""
    session.add(
        HistoryEntry(
            entity=entity,
            entity_id=entity_id,
            changed_at=now,
            user_id=actor.user_id,
            field=field,
            old_value=None if old is None else text(old),
            new_value=None if new is None else text(new),
            reason=reason,
        )
    )
