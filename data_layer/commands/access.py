"""Who may read without signing in: the setting, kiosk links and data-feed tokens.

A token is shown once, when it is made; only its hash is stored. Revoking keeps
the row (its name, who made it, when it was last used) and stops the token at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session

from data_layer.auth import token_hash
from data_layer.commands.common import load
from data_layer.commands.history import History
from data_layer.commands.settings import store_setting, unchanged
from data_layer.errors import ValidationError
from data_layer.input.check import Check
from data_layer.models import AccessKind, AccessToken, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.access import (
    ANONYMOUS_READ_KEY,
    KIOSK_SCOPES,
    READ_CHOICES,
    anonymous_read,
)

__all__ = ["create_access_token", "revoke_access_token", "set_anonymous_read"]

_LABELS = {"name": "نام", "scope": "صفحهٔ پیوند", "anonymous_read": "خواندن بدون ورود"}
_ACTIONS = {
    AccessKind.KIOSK.value: Action.MANAGE_KIOSKS,
    AccessKind.FEED.value: Action.MANAGE_FEEDS,
}


def set_anonymous_read(
    session: Session,
    *,
    actor: Actor,
    value: str,
    expected: str | None = None,
    now: datetime | None = None,
) -> str:
    """Who may read the dashboard without signing in: nobody, or everyone.

    With `expected` (what the form showed), a setting changed since is refused.
    """
    require(session, actor, Action.MANAGE_SETTINGS)
    unchanged(anonymous_read(session), expected, "تنظیم خواندن بدون ورود")
    check = Check(_LABELS)
    chosen = check.choice("anonymous_read", value, READ_CHOICES)
    check.raise_if_any()
    assert chosen is not None
    store_setting(session, actor, ANONYMOUS_READ_KEY, chosen, now or utcnow())
    return chosen


def create_access_token(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    name: str,
    scope: str = "",
    now: datetime | None = None,
) -> tuple[AccessToken, str]:
    """A kiosk link (scope: projector or overview) or a feed token; the token, shown once."""
    if kind not in _ACTIONS:
        raise ValidationError([])
    require(session, actor, _ACTIONS[kind])
    now = now or utcnow()
    check = Check(_LABELS)
    clean = check.text("name", name, limit=120, required=True)
    if kind == AccessKind.KIOSK:
        scope = check.choice("scope", scope, KIOSK_SCOPES) or ""
    check.raise_if_any()
    token = secrets.token_urlsafe(24)
    row = AccessToken(
        kind=kind,
        name=clean,
        scope=scope if kind == AccessKind.KIOSK else "",
        token_hash=token_hash(token),
        created_at=now,
        created_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    History(session, actor, now).add("access_token", row.id, "created", None, f"{kind}: {clean}")
    session.flush()
    return row, token


def revoke_access_token(
    session: Session, *, actor: Actor, token_id: int, now: datetime | None = None
) -> bool:
    """Stop a kiosk link or a feed token at once (False when it already was stopped)."""
    row = load(session, AccessToken, token_id, "این پیوند یا کلید پیدا نشد؛ فهرست را تازه کنید.")
    require(session, actor, _ACTIONS[row.kind])
    if row.revoked_at is not None:
        return False
    now = now or utcnow()
    row.revoked_at = now
    History(session, actor, now).add("access_token", row.id, "revoked", None, row.name)
    session.flush()
    return True
