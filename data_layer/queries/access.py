"""Reads about access without signing in: the setting, kiosk links, feed tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.models import AccessToken, AppSetting

ANONYMOUS_READ_KEY = "access.anonymous_read"
READ_CHOICES: dict[str, str] = {
    "nobody": "هیچ‌کس؛ خواندن هم ورود می‌خواهد",
    "everyone": "همه؛ هر کسی که نشانی را دارد می‌تواند بخواند",
}
KIOSK_SCOPES: dict[str, str] = {"projector": "حالت ارائه", "overview": "نمای کلی"}


def anonymous_read(session: Session) -> str:
    """Who may read without signing in ('nobody' unless the secretariat chose otherwise)."""
    row = session.get(AppSetting, ANONYMOUS_READ_KEY)
    return row.value if row is not None and row.value in READ_CHOICES else "nobody"


def access_tokens(session: Session, kind: str) -> list[dict[str, Any]]:
    """Every kiosk link or feed token, newest first (never the token itself)."""
    stmt = (
        select(AccessToken)
        .where(col(AccessToken.kind) == kind)
        .order_by(col(AccessToken.id).desc())
    )
    return [
        {
            "id": t.id,
            "name": t.name,
            "scope": t.scope,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
        }
        for t in session.execute(stmt).scalars()
    ]
