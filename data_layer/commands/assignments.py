"""Writes on an agency's rows: report, reschedule, attach evidence, verify.

Every command takes the acting user and checks the role itself, validates
everything before writing, writes its history rows in the same transaction,
and refuses a stale form (optimistic concurrency on `assignment.version`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from data_layer.commands.history import record_change
from data_layer.errors import ConflictError, NotFound, ValidationError
from data_layer.jalali import format_jalali, format_number, to_fa_digits
from data_layer.labels import STATUS_LABELS
from data_layer.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    Meeting,
    Resolution,
    User,
    Verification,
    utcnow,
)
from data_layer.permissions import Action, Actor, require
from data_layer.validation import Collector

# Fields an agency reports; a change to any of them is a new claim to verify.
CLAIM_FIELDS = ("status", "progress", "done_text")
REPORTED_FIELDS = ("status", "progress", "done_text", "next_step", "planned_date", "evidence_url")

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# Extension -> (content type, the bytes such a file starts with).
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


@dataclass(frozen=True)
class AssignmentChanges:
    """What a liaison submits for one row; None means "leave as it is"."""

    status: str | None = None
    progress: int | str | None = None
    done_text: str | None = None
    next_step: str | None = None
    planned_date: date | str | None = None  # a date, or Jalali text as typed
    reschedule_reason: str | None = None
    evidence_url: str | None = None


@dataclass(frozen=True)
class RowUpdate:
    """One row of a bulk save: which row, the version the form showed, the changes."""

    assignment_id: int
    expected_version: int
    changes: AssignmentChanges


# --- loading -------------------------------------------------------------------------


def _load(session: Session, assignment_id: int) -> tuple[Assignment, date]:
    """The row and its meeting's date, or NotFound."""
    row = session.execute(
        select(Assignment, col(Meeting.held_on))
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .where(col(Assignment.id) == assignment_id)
    ).first()
    if row is None or row[0].withdrawn:
        raise NotFound("این ردیف پیدا نشد؛ ممکن است مسوولیت آن از دستگاه برداشته شده باشد.")
    return row[0], row[1]


# --- validation ----------------------------------------------------------------------


def _validate(
    asg: Assignment, held_on: date, changes: AssignmentChanges, check: Collector
) -> dict[str, Any]:
    """The fields that really change, validated; problems go to `check`."""
    new: dict[str, Any] = {}
    if changes.status is not None:
        if changes.status not in STATUS_LABELS:
            check.add("status", "وضعیت انتخاب‌شده معتبر نیست؛ یکی از وضعیت‌های فهرست را انتخاب کنید.")
        else:
            new["status"] = changes.status
    progress = check.percent("progress", changes.progress)
    if progress is not None:
        new["progress"] = progress
    for field in ("done_text", "next_step"):
        value = check.text(field, getattr(changes, field))
        if value is not None:
            new[field] = value
    link = check.url("evidence_url", changes.evidence_url)
    if link is not None:
        new["evidence_url"] = link
    planned_text = changes.planned_date
    if isinstance(planned_text, str) and not planned_text.strip():
        planned_text = None  # an empty box: nothing typed, unless a date was set before
        if asg.planned_date is not None:
            check.add("planned_date", "تاریخ برنامه را نمی‌توان پاک کرد؛ تاریخ تازه را بنویسید.")
    planned = check.jalali_date("planned_date", planned_text, not_before=held_on)
    if planned is not None:
        new["planned_date"] = planned
    reason = check.text("reason", changes.reschedule_reason) or ""
    new = {k: v for k, v in new.items() if getattr(asg, k) != v}

    status = new.get("status", asg.status)
    final_progress = new.get("progress", asg.progress)
    if (
        status == AssignmentStatus.DONE
        and final_progress != 100
        and "progress" not in {e.field for e in check.errors}
    ):
        check.add(
            "progress",
            f"برای وضعیت «{STATUS_LABELS['done']}» پیشرفت باید ۱۰۰٪ باشد"
            f" (اکنون {format_number(final_progress)}٪).",
        )
    if "planned_date" in new and asg.planned_date is not None and len(reason) < 5:
        check.add(
            "reason",
            f"تاریخ برنامه از {format_jalali(asg.planned_date)} به"
            f" {format_jalali(new['planned_date'])} تغییر کرده است؛ دلیل تغییر را بنویسید"
            " (دست‌کم ۵ نویسه).",
        )
    if reason and "planned_date" in new:
        new["_reason"] = reason
    return new


# --- writing -------------------------------------------------------------------------


def _history(
    session: Session,
    *,
    actor: Actor,
    entity_id: int,
    field: str,
    old: object,
    new: object,
    now: datetime,
    reason: str = "",
    entity: str = "assignment",
) -> None:
    record_change(
        session,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        field=field,
        old=old,
        new=new,
        now=now,
        reason=reason,
    )


def _conflict(session: Session, assignment_id: int) -> ConflictError:
    """Describe what the other person saved, for the refused form."""
    session.expire_all()
    current = session.get(Assignment, assignment_id)
    assert current is not None
    who = session.get(User, current.updated_by_id) if current.updated_by_id else None
    name = who.full_name if who else "کاربر دیگر"
    theirs = {f: getattr(current, f) for f in REPORTED_FIELDS}
    theirs["verification"] = current.verification
    shown = "، ".join(
        [
            f"وضعیت: {STATUS_LABELS.get(current.status, current.status)}",
            f"پیشرفت: {format_number(current.progress)}٪",
            f"تاریخ برنامه: {format_jalali(current.planned_date)}",
        ]
    )
    return ConflictError(
        message=(
            f"این ردیف پس از باز شدن فرم شما توسط «{name}» ذخیره شده است ({shown})."
            " تغییرات شما ذخیره نشد؛ مقادیر تازه را ببینید و دوباره ثبت کنید."
        ),
        theirs=theirs,
        saved_by=name,
        saved_at=current.updated_at,
    )


def _apply(
    session: Session,
    *,
    actor: Actor,
    asg: Assignment,
    expected_version: int,
    new: dict[str, Any],
    now: datetime,
) -> None:
    """Conditional UPDATE on the version the form showed, then one history row a field."""
    reason = new.pop("_reason", "")
    values: dict[str, Any] = dict(new)
    if "planned_date" in new:
        if asg.planned_date is None:
            values["first_planned_date"] = asg.first_planned_date or new["planned_date"]
        else:
            values["reschedule_count"] = asg.reschedule_count + 1
    claim_changed = any(f in new for f in CLAIM_FIELDS)
    if claim_changed and asg.verification != Verification.UNVERIFIED:
        values["verification"] = Verification.UNVERIFIED.value
        values["verification_note"] = ""
    values.update(
        reported_at=now, updated_at=now, updated_by_id=actor.user_id, version=expected_version + 1
    )
    result = session.execute(
        update(Assignment)
        .where(col(Assignment.id) == asg.id, col(Assignment.version) == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _conflict(session, asg.id)  # type: ignore[arg-type]
    for field, value in values.items():
        if field in REPORTED_FIELDS or field in ("verification", "reschedule_count"):
            _history(
                session,
                actor=actor,
                entity_id=asg.id,  # type: ignore[arg-type]
                field=field,
                old=getattr(asg, field),
                new=value,
                now=now,
                reason=reason if field == "planned_date" else "",
            )


def update_assignment(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    expected_version: int,
    changes: AssignmentChanges,
    now: datetime | None = None,
) -> bool:
    """An agency reports on its row. Returns False when nothing changed."""
    return (
        update_assignments(
            session,
            actor=actor,
            updates=[RowUpdate(assignment_id, expected_version, changes)],
            now=now,
        )
        > 0
    )


def update_assignments(
    session: Session,
    *,
    actor: Actor,
    updates: Sequence[RowUpdate],
    now: datetime | None = None,
) -> int:
    """Several rows in one transaction: every row is checked before any is written."""
    now = now or utcnow()
    planned: list[tuple[Assignment, RowUpdate, dict[str, Any]]] = []
    problems = []
    for item in updates:
        asg, held_on = _load(session, item.assignment_id)
        require(actor, Action.UPDATE_ASSIGNMENT, asg.agency_id)
        check = Collector(row=item.assignment_id if len(updates) > 1 else None)
        new = _validate(asg, held_on, item.changes, check)
        problems.extend(check.errors)
        if new:
            planned.append((asg, item, new))
    if problems:
        raise ValidationError(problems)
    for asg, item, new in planned:
        if asg.version != item.expected_version:
            raise _conflict(session, asg.id)  # type: ignore[arg-type]
        _apply(
            session, actor=actor, asg=asg, expected_version=item.expected_version, new=new, now=now
        )
    session.flush()
    return len(planned)


# --- evidence ------------------------------------------------------------------------


def add_evidence(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    filename: str,
    content: bytes,
    now: datetime | None = None,
) -> Evidence:
    """Attach a document or photo to a row; kept in the database (backups hold it)."""
    now = now or utcnow()
    asg, _ = _load(session, assignment_id)
    require(actor, Action.ADD_EVIDENCE, asg.agency_id)
    check = Collector()
    name = PurePath(filename.replace("\\", "/")).name.strip()
    ext = PurePath(name).suffix.lower()
    allowed = "، ".join(sorted(e.lstrip(".") for e in EVIDENCE_TYPES))
    if ext not in EVIDENCE_TYPES:
        check.add("evidence", f"نوع پرونده «{ext or 'بدون پسوند'}» پذیرفته نیست؛ فقط {allowed}.")
    elif not content:
        check.add("evidence", "پرونده خالی است.")
    elif not content.startswith(EVIDENCE_TYPES[ext][1]):
        check.add(
            "evidence", f"محتوای پرونده با پسوند «{ext}» آن جور نیست؛ پرونده را دوباره ذخیره کنید."
        )
    if len(content) > MAX_EVIDENCE_BYTES:
        size = to_fa_digits(f"{len(content) / 1024 / 1024:.1f}")
        check.add("evidence", f"حجم پرونده {size} مگابایت است؛ حداکثر ۵ مگابایت مجاز است.")
    check.text("evidence", name)
    if check.errors:
        raise ValidationError(check.errors)
    evidence = Evidence(
        assignment_id=assignment_id,
        filename=name[:255],
        content_type=EVIDENCE_TYPES[ext][0],
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_at=now,
        uploaded_by_id=actor.user_id,
    )
    session.add(evidence)
    session.flush()
    _history(
        session, actor=actor, entity_id=assignment_id, field="evidence", old=None, new=name, now=now
    )
    _touch(session, asg, actor, now)
    return evidence


def withdraw_evidence(
    session: Session, *, actor: Actor, evidence_id: int, reason: str, now: datetime | None = None
) -> None:
    """Take back a document: it stays stored and the withdrawal is a history entry."""
    now = now or utcnow()
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.withdrawn:
        raise NotFound("این مستند پیدا نشد یا قبلاً پس گرفته شده است.")
    asg, _ = _load(session, evidence.assignment_id)
    require(actor, Action.ADD_EVIDENCE, asg.agency_id)
    check = Collector()
    reason = check.text("reason", reason, required=True) or ""
    if check.errors:
        raise ValidationError(check.errors)
    evidence.withdrawn = True
    _history(
        session,
        actor=actor,
        entity_id=asg.id,  # type: ignore[arg-type]
        field="evidence_withdrawn",
        old=evidence.filename,
        new=None,
        now=now,
        reason=reason,
    )
    _touch(session, asg, actor, now)


def _touch(session: Session, asg: Assignment, actor: Actor, now: datetime) -> None:
    """A new document is a new claim: it is reported now and needs verifying again."""
    if asg.verification != Verification.UNVERIFIED:
        _history(
            session,
            actor=actor,
            entity_id=asg.id,  # type: ignore[arg-type]
            field="verification",
            old=asg.verification,
            new=Verification.UNVERIFIED.value,
            now=now,
        )
    # Incremented in SQL: an open form on this row becomes stale, as it should.
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


# --- verification --------------------------------------------------------------------

VERDICTS = (Verification.DOCUMENT_SEEN, Verification.FIELD_VERIFIED, Verification.REJECTED)


def verify_assignment(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    expected_version: int,
    verdict: str,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """The secretariat marks a claim: document seen, verified in the field, or rejected."""
    now = now or utcnow()
    require(actor, Action.VERIFY_ASSIGNMENT)
    asg, _ = _load(session, assignment_id)
    check = Collector()
    note = check.text("note", note) or ""
    if verdict not in {v.value for v in VERDICTS}:
        check.add("verification", "نتیجهٔ بررسی را انتخاب کنید: مستند دیده شد، تأیید میدانی یا رد.")
    if verdict == Verification.REJECTED and len(note) < 5:
        check.add("note", "برای رد گزارش، دلیل را بنویسید تا دستگاه بداند چه چیزی را اصلاح کند.")
    if asg.reported_at is None:
        check.add("verification", "این ردیف هنوز گزارشی از دستگاه ندارد که بررسی شود.")
    if check.errors:
        raise ValidationError(check.errors)
    result = session.execute(
        update(Assignment)
        .where(col(Assignment.id) == assignment_id, col(Assignment.version) == expected_version)
        .values(
            verification=verdict,
            verification_note=note,
            verified_at=now,
            verified_by_id=actor.user_id,
            # The last writer: a form this makes stale must name the secretariat, not
            # the agency's earlier reporter (see _conflict).
            updated_at=now,
            updated_by_id=actor.user_id,
            version=expected_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _conflict(session, assignment_id)
    _history(
        session,
        actor=actor,
        entity_id=assignment_id,
        field="verification",
        old=asg.verification,
        new=verdict,
        now=now,
        reason=note,
    )
    session.flush()
