"""The national hub's writes: registering a province (its token shown once), a new token,
its pull address and whether it is followed, the stale-days setting, and receiving a
snapshot — pushed by the province or pulled by the hub — all or nothing.

A snapshot is kept in one transaction that first locks its province's registry row
(PostgreSQL: FOR UPDATE; SQLite: the write lock taken up front), so two publications of
one province are decided one after the other; the unique (province, version) is the
last word should anything slip past. Every attempt, kept or refused, is written to the
ingest log in a transaction of its own, so a refusal is never lost with its rollback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from data_layer.commands.settings import store_setting
from data_layer.config import HubSettings, hub_settings
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, FieldError, NotFound, UserFacingError, ValidationError
from data_layer.input.snapshot import (
    CODE_RE,
    SnapshotRefused,
    read_snapshot,
    signature_matches,
    summary_of,
)
from data_layer.jalali import to_fa_digits
from data_layer.models import utcnow
from data_layer.models_hub import (
    HubIngestLog,
    HubProvince,
    HubSnapshot,
    HubSnapshotBody,
    IngestOutcome,
    IngestVia,
)
from data_layer.permissions import Action, Actor, require
from data_layer.queries.hub import MAX_STALE_DAYS, STALE_DAYS_KEY
from data_layer.text import tidy

NO_KEY = (
    "کلید سامانهٔ ملی (HUB_TOKEN_KEY، دست‌کم ۱۶ نویسه) در پیکربندی کارگزار تنظیم نشده است؛"
    " تا تنظیم نشود کلید استان ساخته نمی‌شود."
)
STALE_VERSION = "این استان در این فاصله تغییر کرده است؛ صفحه را دوباره بخوانید و دوباره ثبت کنید."


def derive_token(key: str, code: str, salt: str) -> str:
    """A province's token: HMAC of its code and salt under the hub's key (the database
    keeps only the salt and the token's hash, so a copy of it holds no token)."""
    mac = hmac.new(key.encode("utf-8"), f"{code}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def token_hash(token: str) -> str:
    """The sha256 hex the registry keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(settings: HubSettings, code: str) -> tuple[str, str, str]:
    """(salt, token, hash) for a province; refused without the hub's key."""
    if not settings.can_derive_tokens:
        raise UserFacingError(NO_KEY)
    salt = secrets.token_hex(16)
    token = derive_token(settings.token_key, code, salt)
    return salt, token, token_hash(token)


def _pull_url(text: str) -> str:
    """A province's address as typed, checked: "" (it only pushes) or http(s)://host[/path]."""
    typed = tidy(text).rstrip("/")
    if not typed:
        return ""
    parts = urlsplit(typed)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValidationError(
            [FieldError("pull_url", "نشانی استان باید با http:// یا https:// آغاز شود.")]
        )
    return typed


def register_province(
    session: Session, *, actor: Actor, code: str, name: str, pull_url: str = ""
) -> tuple[int, str]:
    """Register a province; returns its id and its token (shown once, never again)."""
    require(session, actor, Action.MANAGE_HUB)
    code, name = tidy(code).lower(), tidy(name)
    problems = []
    if not CODE_RE.fullmatch(code):
        problems.append(
            FieldError(
                "code", "شناسهٔ استان فقط حروف کوچک لاتین، رقم و خط تیره است (مثلاً khuzestan)."
            )
        )
    elif session.exec(select(HubProvince).where(HubProvince.code == code)).first() is not None:
        problems.append(FieldError("code", "استانی با این شناسه پیش‌تر ثبت شده است."))
    if not name or len(name) > 120:
        problems.append(FieldError("name", "نام استان را بنویسید (حداکثر ۱۲۰ نویسه)."))
    try:
        address = _pull_url(pull_url)
    except ValidationError as e:
        problems += e.errors
    if problems:
        raise ValidationError(problems)
    salt, token, hashed = _new_token(hub_settings(), code)
    row = HubProvince(
        code=code,
        name=name,
        pull_url=address,
        token_salt=salt,
        token_hash=hashed,
        created_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id, token


def _province(session: Session, province_id: int, expected_version: int) -> HubProvince:
    row = session.get(HubProvince, province_id)
    if row is None:
        raise NotFound("این استان در فهرست سامانهٔ ملی نیست.")
    if row.version != expected_version:
        raise ConflictError(STALE_VERSION)
    return row


def renew_token(session: Session, *, actor: Actor, province_id: int, expected_version: int) -> str:
    """A new token for a province (the old one stops working); returns it, shown once."""
    require(session, actor, Action.MANAGE_HUB)
    row = _province(session, province_id, expected_version)
    row.token_salt, token, row.token_hash = _new_token(hub_settings(), row.code)
    row.version += 1
    session.add(row)
    return token


def set_province(
    session: Session,
    *,
    actor: Actor,
    province_id: int,
    expected_version: int,
    pull_url: str,
    active: bool,
) -> None:
    """A province's pull address ("" : it only pushes) and whether the hub follows it."""
    require(session, actor, Action.MANAGE_HUB)
    row = _province(session, province_id, expected_version)
    row.pull_url, row.active = _pull_url(pull_url), active
    row.version += 1
    session.add(row)


def set_stale_days(session: Session, *, actor: Actor, days: int) -> None:
    """After how many days without a publication a province is marked stale."""
    require(session, actor, Action.MANAGE_HUB)
    if not 1 <= days <= MAX_STALE_DAYS:
        message = f"تعداد روز باید میان ۱ و {to_fa_digits(MAX_STALE_DAYS)} باشد."
        raise ValidationError([FieldError("stale_days", message)])
    store_setting(session, actor, STALE_DAYS_KEY, str(days), utcnow())


# --- receiving a snapshot ------------------------------------------------------------------


@dataclass(frozen=True)
class IngestResult:
    """The hub's answer to one snapshot: the HTTP status, what became of it, and the
    Persian message (the refusal's reason, for the province and the ingest log)."""

    status: int
    outcome: str
    message: str
    province_id: int | None = None
    version: int | None = None


def _locked_province(session: Session, token: str) -> HubProvince:
    """The province whose token this is, its row locked for this transaction."""
    query = select(HubProvince).where(HubProvince.token_hash == token_hash(token))
    row = session.exec(query.with_for_update()).first() if token else None
    if row is None:
        raise SnapshotRefused(401, "کلید فرستاده‌شده از هیچ استان ثبت‌شده‌ای نیست.")
    if not row.active:
        raise SnapshotRefused(401, f"استان «{row.name}» در سامانهٔ ملی غیرفعال شده است.")
    return row


def _store(
    session: Session, *, token: str, signature: str, body: bytes, via: str, now: datetime
) -> IngestResult:
    """Check and keep one snapshot in this transaction; raises SnapshotRefused."""
    province = _locked_province(session, token)
    assert province.id is not None
    if not signature_matches(token, body, signature):
        raise SnapshotRefused(403, "امضای پرونده (X-Snapshot-Signature) با کلید استان نمی‌خواند.")
    snap = read_snapshot(body)
    if snap.code != province.code:
        raise SnapshotRefused(
            401, f"این کلید از استان «{province.name}» است، نه از استانی با شناسهٔ «{snap.code}»."
        )
    kept = session.exec(
        select(HubSnapshot.version, HubSnapshot.content_sha256).where(
            HubSnapshot.province_id == province.id
        )
    ).all()
    same = [v for v, sha in kept if v == snap.version and sha == snap.content_sha256]
    version = f"نسخهٔ {to_fa_digits(snap.version)} استان «{province.name}»"
    if same:
        return IngestResult(
            200, IngestOutcome.SAME, f"{version} پیش‌تر دریافت شده بود.", province.id, snap.version
        )
    held = max((v for v, _ in kept), default=0)
    if snap.version <= held:
        raise SnapshotRefused(
            409,
            f"{version} از نسخهٔ {to_fa_digits(held)} که سامانهٔ ملی دارد تازه‌تر نیست؛"
            " نسخهٔ پیشین بر جا ماند.",
        )
    kept_row = HubSnapshot(
        province_id=province.id,
        version=snap.version,
        published_at=snap.published_at,
        as_of=snap.as_of,
        received_at=now,
        via=via,
        content_sha256=snap.content_sha256,
        size=len(body),
        summary=json.dumps(summary_of(snap), ensure_ascii=False),
    )
    session.add(kept_row)
    session.flush()
    assert kept_row.id is not None
    session.add(HubSnapshotBody(snapshot_id=kept_row.id, body=body.decode("utf-8")))
    session.flush()
    return IngestResult(
        201, IngestOutcome.STORED, f"{version} دریافت شد.", province.id, snap.version
    )


def _province_of(url: str, token: str) -> int | None:
    """The registered province a token names, for the log of a refusal (None: unknown)."""
    if not token:
        return None
    with read_session(url) as s:
        row = s.exec(select(HubProvince).where(HubProvince.token_hash == token_hash(token))).first()
        return row.id if row is not None else None


def log_attempt(url: str, result: IngestResult, via: str) -> None:
    """One line of the ingest log, in a transaction of its own."""
    with write_session(url) as s:
        s.add(
            HubIngestLog(
                at=utcnow(),
                province_id=result.province_id,
                via=via,
                outcome=result.outcome,
                http_status=result.status,
                version=result.version,
                message=result.message,
            )
        )


def refuse_early(
    url: str, token: str, result: IngestResult, via: str = IngestVia.PUSH
) -> IngestResult:
    """Log a snapshot refused before it could be read (too big, cut off); returns it."""
    kept = IngestResult(
        result.status, IngestOutcome.REFUSED, result.message, _province_of(url, token)
    )
    log_attempt(url, kept, via)
    return kept


def receive_snapshot(
    url: str, *, token: str, signature: str, body: bytes, via: str = IngestVia.PUSH
) -> IngestResult:
    """Check and keep one snapshot, all or nothing, and log the outcome. Two at once of
    one version: the second finds the first (200 when it is the same, 409 when not)."""
    for attempt in (1, 2):
        try:
            with write_session(url) as s:
                result = _store(
                    s, token=token, signature=signature, body=body, via=via, now=utcnow()
                )
            break
        except SnapshotRefused as e:
            result = IngestResult(
                e.status, IngestOutcome.REFUSED, e.message, _province_of(url, token)
            )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    log_attempt(url, result, via)
    return result
