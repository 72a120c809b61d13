"""Documents and photos an agency attaches to its rows (kept in the database, so a
backup holds them); taking one back keeps it stored and writes the reason to history."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from data_layer.commands.assignments import conflict_for, load_assignment
from data_layer.commands.common import load
from data_layer.commands.history import History
from data_layer.errors import NotFound
from data_layer.input.check import Check
from data_layer.input.files import file_name
from data_layer.labels import ASSIGNMENT_FIELD_LABELS
from data_layer.models import Assignment, Evidence, Verification, utcnow
from data_layer.permissions import Action, Actor, require

__all__ = [
    "EVIDENCE_TYPES",
    "MAX_EVIDENCE_BYTES",
    "add_evidence",
    "stored_file",
    "withdraw_evidence",
]

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# Suffix -> (content type, the bytes such a file starts with).
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}
LABELS = {**ASSIGNMENT_FIELD_LABELS, "reason": "دلیل پس‌گرفتن", "filename": "نام پرونده"}


def _touch(session: Session, asg: Assignment, actor: Actor, now: datetime) -> None:
    """A new document is a new claim: reported now, to be verified again; open forms go stale."""
    assert asg.id is not None
    if asg.verification != Verification.UNVERIFIED:
        History(session, actor, now).add(
            "assignment", asg.id, "verification", asg.verification, Verification.UNVERIFIED.value
        )
    session.execute(
        update(Assignment)
        .where(col(Assignment.id) == asg.id)
        .values(
            verification=Verification.UNVERIFIED.value,
            reported_at=now,
            updated_at=now,
            updated_by_id=actor.user_id,
            version=col(Assignment.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.flush()


def stored_file(name: str, content: bytes, actor: Actor, now: datetime) -> dict[str, Any]:
    """The columns every stored upload keeps (checked name and bytes, who and when)."""
    return {
        "filename": name,
        "content_type": EVIDENCE_TYPES[PurePath(name).suffix.lower()][0],
        "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
        "uploaded_at": now,
        "uploaded_by_id": actor.user_id,
    }


def add_evidence(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    filename: str,
    content: bytes,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Evidence:
    """Attach a document or photo to one of the agency's rows (as the page showed it)."""
    now = now or utcnow()
    asg, _ = load_assignment(session, assignment_id)
    require(session, actor, Action.ADD_EVIDENCE, asg.agency_id)
    if expected_version is not None and asg.version != expected_version:
        raise conflict_for(session, assignment_id)
    check = Check(LABELS)
    name = check.text("filename", file_name(filename), limit=255, required=True)
    check.upload("evidence", name, content, types=EVIDENCE_TYPES, max_bytes=MAX_EVIDENCE_BYTES)
    check.raise_if_any()
    evidence = Evidence(
        assignment_id=assignment_id,
        **stored_file(name, content, actor, now),
    )
    session.add(evidence)
    session.flush()
    History(session, actor, now).add("assignment", assignment_id, "evidence", None, name)
    _touch(session, asg, actor, now)
    return evidence


def withdraw_evidence(
    session: Session, *, actor: Actor, evidence_id: int, reason: str, now: datetime | None = None
) -> None:
    """Take back a document: it stays stored and the withdrawal is a history entry."""
    now = now or utcnow()
    evidence = load(session, Evidence, evidence_id, "این مستند پیدا نشد یا قبلاً پس گرفته شده است.")
    asg, _ = load_assignment(session, evidence.assignment_id)
    require(session, actor, Action.ADD_EVIDENCE, asg.agency_id)
    check = Check(LABELS)
    reason = check.text("reason", reason, limit=500, required=True)
    check.raise_if_any()
    moved = session.execute(
        update(Evidence)
        .where(col(Evidence.id) == evidence_id, col(Evidence.withdrawn).is_(False))
        .values(withdrawn=True)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]  # another tab took it back first
        raise NotFound("این مستند هم‌اکنون پس گرفته شد؛ فهرست مستندات را دوباره بخوانید.")
    History(session, actor, now).add(
        "assignment", asg.id, "evidence_withdrawn", evidence.filename, None, reason
    )
    _touch(session, asg, actor, now)
