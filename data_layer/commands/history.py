"""The one history writer: one row per changed field — who, when, before, after and why."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from data_layer.models import HistoryEntry
from data_layer.permissions import Actor

__all__ = ["History", "history_text", "record_change", "record_changes"]


def history_text(value: object) -> str | None:
    """How a value is kept in history: None stays None, dates as ISO, the rest as str()."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def record_change(
    session: Session,
    *,
    actor: Actor,
    entity: str,
    entity_id: int | None,
    field: str,
    old: object,
    new: object,
    now: datetime,
    reason: str = "",
) -> None:
    """Add one history row in the caller's transaction."""
    if entity_id is None:
        raise ValueError("history needs a stored row (flush before recording)")
    session.add(
        HistoryEntry(
            entity=entity,
            entity_id=entity_id,
            changed_at=now,
            user_id=actor.user_id,
            field=field,
            old_value=history_text(old),
            new_value=history_text(new),
            reason=reason,
        )
    )


def record_changes(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    changes: Iterable[tuple[str, int, str, object, object, str]],
) -> int:
    """Many history rows in one statement: (entity, id, field, old, new, reason) each.

    For imports and bulk actions, where one ORM object per row would cost seconds.
    Returns the number of rows written.
    """
    rows: list[dict[str, Any]] = [
        {
            "entity": entity,
            "entity_id": entity_id,
            "changed_at": now,
            "user_id": actor.user_id,
            "field": field,
            "old_value": history_text(old),
            "new_value": history_text(new),
            "reason": reason,
            "is_sample": False,
        }
        for entity, entity_id, field, old, new, reason in changes
    ]
    if rows:
        session.execute(insert(HistoryEntry), rows)
    return len(rows)


class History:
    """The history rows of one thing a person does: who and when are given once."""

    def __init__(self, session: Session, actor: Actor, now: datetime) -> None:
        self.session, self.actor, self.now = session, actor, now

    def add(
        self,
        entity: str,
        entity_id: int | None,
        field: str,
        old: object,
        new: object,
        reason: str = "",
    ) -> None:
        """One field's change."""
        record_change(
            self.session,
            actor=self.actor,
            entity=entity,
            entity_id=entity_id,
            field=field,
            old=old,
            new=new,
            now=self.now,
            reason=reason,
        )

    def fields(self, entity: str, row: Any, new: dict[str, Any], reason: str = "") -> None:
        """One row per field of `new`, its old value read from `row` (before it changes)."""
        for field, value in new.items():
            self.add(entity, row.id, field, getattr(row, field), value, reason)
