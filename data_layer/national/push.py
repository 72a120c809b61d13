"""The push of each approved publication to the national hub, by the outbox's sender.

Like data_layer/sender.py's messages: a claim (state `sending`, attempts + 1) is
committed before the POST and the outcome after it; a claim whose lease ended (a
crash in between) is taken again. The hub's answer decides:
- 201 (stored) or 200 (already held, same checksum): sent.
- another 4xx (malformed, wrong token, bad signature, an older version, too large):
  failed at once, with the hub's Persian message kept for the administrator
  (retrying cannot help; «تنظیمات» sends it again once the cause is fixed).
- 5xx, no answer, a broken connection or a timeout: tried again after a growing wait
  (1, 2, 4 … minutes), failed after MAX_ATTEMPTS.
The body is the publication's stored bytes, signed with the token set now.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import col

from data_layer import clock
from data_layer.db import write_session
from data_layer.models_national import NationalPublication, NationalPush, PushState
from data_layer.national.link import get_link
from data_layer.national.snapshot import signature

__all__ = ["HubAnswer", "PushPass", "post_snapshot", "push_due"]

log = logging.getLogger("dashboard.national")
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
FIRST_WAIT = timedelta(minutes=1)
TIMEOUT_SECONDS = 60.0
PATH = "/api/hub/snapshots"
NOT_SET = "نشانی مرکز ملی یا کلید استان تنظیم نشده است؛ مدیر سامانه آن را در «تنظیمات» وارد کند."


@dataclass(frozen=True)
class HubAnswer:
    """What the hub said: its status (0: no answer) and its message, in Persian."""

    status: int
    message: str

    @property
    def stored(self) -> bool:
        return self.status in (200, 201)

    @property
    def refused(self) -> bool:
        """A 4xx: the hub will say the same again, whatever we wait."""
        return 400 <= self.status < 500


@dataclass
class PushPass:
    """What one pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    reasons: list[str] = field(default_factory=list)


def _hub_message(status: int, raw: bytes) -> str:
    try:
        said = json.loads(raw.decode("utf-8")).get("error")
    except (ValueError, AttributeError):
        said = None
    if isinstance(said, str) and said.strip():
        return f"مرکز ملی نپذیرفت ({status}): {said.strip()}"
    if status >= 500:
        return f"مرکز ملی خطا داد ({status})؛ دوباره فرستاده می‌شود."
    return f"مرکز ملی نپذیرفت ({status})."


def post_snapshot(hub_url: str, token: str, body: bytes, timeout: float) -> HubAnswer:
    """POST the body to the hub with its token and signature; the hub's answer."""
    request = urllib.request.Request(
        hub_url.rstrip("/") + PATH,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "X-Snapshot-Signature": signature(token, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = int(response.status), response.read()
    except urllib.error.HTTPError as e:
        status, raw = int(e.code), e.read()
    except TimeoutError:
        return HubAnswer(0, "مرکز ملی در زمان مقرر پاسخ نداد؛ دوباره فرستاده می‌شود.")
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        if isinstance(reason, TimeoutError):
            return HubAnswer(0, "مرکز ملی در زمان مقرر پاسخ نداد؛ دوباره فرستاده می‌شود.")
        return HubAnswer(0, f"به مرکز ملی وصل نشد ({type(reason).__name__})؛ دوباره فرستاده می‌شود.")
    if status in (200, 201):
        return HubAnswer(status, "")
    return HubAnswer(status, _hub_message(status, raw))


def wait_after(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` tries (1, 2, 4 … minutes)."""
    return FIRST_WAIT * int(2 ** max(attempts - 1, 0))


def _claim(url: str, now: datetime) -> tuple[int, int, bytes, str, str] | None:
    """The next due push, claimed: (id, attempts, body, hub address, token)."""
    due = or_(
        and_(
            col(NationalPush.state) == PushState.QUEUED.value,
            col(NationalPush.next_attempt_at) <= now,
        ),
        and_(
            col(NationalPush.state) == PushState.SENDING.value,
            col(NationalPush.claimed_at) < now - LEASE,
        ),
    )
    with write_session(url) as s:
        push = s.execute(
            select(NationalPush)
            .where(due)
            .order_by(col(NationalPush.next_attempt_at), col(NationalPush.id))
            .limit(1)
        ).scalar_one_or_none()
        if push is None or push.id is None:
            return None
        publication = s.get(NationalPublication, push.publication_id)
        assert publication is not None
        push.state, push.claimed_at, push.attempts = PushState.SENDING.value, now, push.attempts + 1
        s.add(push)
        link = get_link(s)
        return push.id, push.attempts, publication.body, link.hub_url, link.token


def _mark(url: str, push_id: int, **values: object) -> None:
    with write_session(url) as s:
        push = s.get(NationalPush, push_id)
        if push is None or push.state != PushState.SENDING.value:
            return  # moved by the administrator or another pass since
        for name, value in values.items():
            setattr(push, name, value)
        s.add(push)


def push_due(
    url: str,
    *,
    now: Callable[[], datetime] = clock.now,
    post: Callable[[str, str, bytes, float], HubAnswer] = post_snapshot,
    timeout: float = TIMEOUT_SECONDS,
    limit: int = 20,
) -> PushPass:
    """Push every due publication (at most `limit`). Run within the sender's turn
    (data_layer/sender.py's send_due calls it), so one process pushes at a time."""
    done = PushPass()
    for _ in range(limit):
        claimed = _claim(url, now())
        if claimed is None:
            break
        push_id, attempts, body, hub_url, token = claimed
        answer = (
            post(hub_url, token, body, timeout) if hub_url and token else HubAnswer(400, NOT_SET)
        )
        if answer.stored:
            _mark(
                url,
                push_id,
                state=PushState.SENT.value,
                hub_status=answer.status,
                sent_at=now(),
                last_error="",
            )
            done.sent += 1
            continue
        done.reasons.append(answer.message)
        give_up = answer.refused or attempts >= MAX_ATTEMPTS
        log.warning("national push %s: %s", push_id, answer.message)
        _mark(
            url,
            push_id,
            state=(PushState.FAILED if give_up else PushState.QUEUED).value,
            hub_status=answer.status or None,
            last_error=answer.message[:500],
            next_attempt_at=now() + wait_after(attempts),
        )
        if give_up:
            done.failed += 1
        else:
            done.retried += 1
    return done
