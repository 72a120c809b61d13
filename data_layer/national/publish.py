"""The secretariat publishes the province's follow-up to the national level.

`prepare_draft` builds the snapshot's content now, for the secretariat to look at; the
approval (`approve_publication`) names what was looked at by its checksum, builds the
content again inside its own transaction and refuses if the figures moved since. Then
the publication is frozen: numbered +1 for the province's code (a unique version, so
two approvals at once give two versions or one refusal), dated, its exact bytes kept
with their checksum and never changed; and, when a hub is set, its push is queued in
the same transaction, keyed by province:version so it is never queued twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer import clock
from data_layer.commands.common import flush_unique, load
from data_layer.commands.history import History
from data_layer.errors import ConflictError, FieldError, ValidationError
from data_layer.jalali import format_number
from data_layer.models import User
from data_layer.models_national import NationalPublication, NationalPush, PushState
from data_layer.national.link import get_link
from data_layer.national.snapshot import (
    canonical,
    content_sha256,
    snapshot_body,
    snapshot_content,
)
from data_layer.permissions import Action, Actor, require

__all__ = [
    "MAX_BODY_BYTES",
    "Draft",
    "approve_publication",
    "latest_publication",
    "prepare_draft",
    "publications",
    "requeue_push",
    "too_large",
]

NOT_LINKED = (
    "کد لاتین و نام استان برای سطح ملی هنوز تنظیم نشده است؛ مدیر سامانه آن را در «تنظیمات»"
    " وارد می‌کند. چیزی منتشر نشد."
)
MOVED = (
    "ارقام پس از ساختن پیش‌نویس تغییر کرده‌اند و چیزی منتشر نشد؛ پیش‌نویس تازه بسازید،"
    " آن را ببینید و دوباره تأیید کنید."
)
TAKEN = "انتشار دیگری هم‌زمان همین شماره را گرفت و این یکی منتشر نشد."
TOO_LARGE = (
    "گزارش {size} مگابایت است و مرکز ملی تا {limit} مگابایت می‌پذیرد؛ چیزی منتشر نشد."
    " با مدیر سامانه و مرکز ملی هماهنگ کنید."
)
MAX_BODY_BYTES = 20 * 1024 * 1024  # the hub refuses larger bodies (413)
PUSH_GONE = "این ارسال دیگر وجود ندارد."
NOT_FAILED = "این ارسال ناموفق نیست و دوباره در صف گذاشته نشد."


@dataclass(frozen=True)
class Draft:
    """A snapshot's content as built now, not yet approved."""

    as_of: date
    content: dict[str, Any]
    content_sha256: str
    size_bytes: int  # of the content alone; the body adds a few hundred bytes


def prepare_draft(session: Session, *, now: datetime | None = None) -> Draft:
    """The content the province would publish now (for the secretariat to look at)."""
    today = clock.local_day(now or clock.now())
    content = snapshot_content(session, today)
    sha = content_sha256(content)
    return Draft(today, content, sha, len(canonical(content)))


def too_large(size: int) -> str:
    """The refusal of a body over the hub's limit, sizes in Persian digits."""
    return TOO_LARGE.format(
        size=format_number(size / (1024 * 1024), 1),
        limit=format_number(MAX_BODY_BYTES / (1024 * 1024)),
    )


def _next_version(session: Session, code: str) -> int:
    stmt = select(func.max(col(NationalPublication.version))).where(
        col(NationalPublication.province_code) == code
    )
    return int(session.execute(stmt).scalar() or 0) + 1


def approve_publication(
    session: Session,
    *,
    actor: Actor,
    expected_sha256: str,
    now: datetime | None = None,
) -> NationalPublication:
    """Freeze the content the secretariat looked at (named by its checksum) as the next
    version, and queue its push to the hub when one is set."""
    require(session, actor, Action.PUBLISH_NATIONAL)
    now = now or clock.now()
    link = get_link(session)
    if not link.can_publish:
        raise ValidationError([FieldError("province", NOT_LINKED)])
    today = clock.local_day(now)
    content = snapshot_content(session, today)
    if content_sha256(content) != expected_sha256:
        raise ConflictError(message=MOVED)
    version = _next_version(session, link.code)
    body = snapshot_body(
        code=link.code,
        name=link.name,
        version=version,
        published_at=now,
        as_of=today,
        content=content,
    )
    if len(body) > MAX_BODY_BYTES:
        raise ValidationError([FieldError("size", too_large(len(body)))])
    publication = NationalPublication(
        province_code=link.code,
        version=version,
        published_at=now.replace(microsecond=0),
        as_of=today,
        content_sha256=expected_sha256,
        body_sha256=hashlib.sha256(body).hexdigest(),
        size_bytes=len(body),
        body=body,
        approved_by_id=actor.user_id,
    )
    session.add(publication)
    flush_unique(session, "version", TAKEN)
    assert publication.id is not None
    if link.hub_url:
        session.add(
            NationalPush(
                dedupe_key=f"{link.code}:{version}",
                publication_id=publication.id,
                next_attempt_at=now,
                created_at=now,
            )
        )
        flush_unique(session, "version", TAKEN)
    History(session, actor, now).add(
        "national_publication", publication.id, "version", None, f"{link.code}:{version}"
    )
    return publication


def requeue_push(
    session: Session, *, actor: Actor, push_id: int, now: datetime | None = None
) -> None:
    """The administrator sends a failed push again (after fixing the hub's address or
    the token, or once the hub's refusal is resolved)."""
    require(session, actor, Action.MANAGE_NATIONAL_LINK)
    push = load(session, NationalPush, push_id, PUSH_GONE, lock=True)
    if push.state != PushState.FAILED.value:
        raise ConflictError(message=NOT_FAILED)
    old = push.state
    push.state, push.next_attempt_at = PushState.QUEUED.value, now or clock.now()
    push.attempts = 0
    session.add(push)
    History(session, actor, now or clock.now()).add(
        "national_push", push.id, "state", old, push.state
    )
    session.flush()


PUBLICATION_COLUMNS = [
    "id",
    "province_code",
    "version",
    "published_at",
    "as_of",
    "size_bytes",
    "content_sha256",
    "approved_by",
    "push_id",
    "push_state",
    "attempts",
    "hub_status",
    "last_error",
    "sent_at",
]


def publications(session: Session, limit: int = 200) -> pd.DataFrame:
    """Past publications, newest first, with who approved and the push's state (None
    when no hub was set at approval: the hub pulls it)."""
    stmt = (
        select(
            col(NationalPublication.id),
            col(NationalPublication.province_code),
            col(NationalPublication.version),
            col(NationalPublication.published_at),
            col(NationalPublication.as_of),
            col(NationalPublication.size_bytes),
            col(NationalPublication.content_sha256),
            col(User.full_name),
            col(NationalPush.id),
            col(NationalPush.state),
            col(NationalPush.attempts),
            col(NationalPush.hub_status),
            col(NationalPush.last_error),
            col(NationalPush.sent_at),
        )
        .join(User, col(User.id) == col(NationalPublication.approved_by_id))
        .outerjoin(NationalPush, col(NationalPush.publication_id) == col(NationalPublication.id))
        .order_by(col(NationalPublication.published_at).desc(), col(NationalPublication.id).desc())
        .limit(limit)
    )
    df = pd.DataFrame([tuple(r) for r in session.execute(stmt)], columns=PUBLICATION_COLUMNS)
    df["push_id"] = df["push_id"].astype("Int64")
    return df


def latest_publication(session: Session, code: str) -> NationalPublication | None:
    """The newest publication of this province's code (the one the hub pulls)."""
    stmt = (
        select(NationalPublication)
        .where(col(NationalPublication.province_code) == code)
        .order_by(col(NationalPublication.version).desc())
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()
