"""An agency reports on its own rows: status, progress, what was done, the next step,
the planned date (moving it needs a reason) and a link to evidence.

Every row named is re-read in the transaction, checked against the agency and the
version the form showed, and every problem of every row is collected before any
row is written (optimistic concurrency on `assignment.version`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from data_layer.commands.common import rowcount
from data_layer.commands.history import History
from data_layer.errors import ConflictError, NotFound, ValidationError
from data_layer.input.check import Check
from data_layer.jalali import format_jalali, format_number
from data_layer.labels import ASSIGNMENT_FIELD_LABELS, STATUS_LABELS
from data_layer.models import (
    Assignment,
    AssignmentStatus,
    Meeting,
    Resolution,
    User,
    Verification,
    utcnow,
)
from data_layer.permissions import Action, Actor, require
from data_layer.rules.progress import blocked_without_reason, status_progress_problem
from data_layer.text import tidy

__all__ = [
    "CLAIM_FIELDS",
    "REPORTED_FIELDS",
    "AssignmentChanges",
    "RowUpdate",
    "conflict_for",
    "load_assignment",
    "update_assignment",
    "update_assignments",
]

# Fields an agency reports; a change to any of them is a new claim to verify.
CLAIM_FIELDS = ("status", "progress", "done_text")
REPORTED_FIELDS = ("status", "progress", "done_text", "next_step", "planned_date", "evidence_url")
LIMITS = {"done_text": 2000, "next_step": 1000, "reason": 500, "evidence_url": 500}
GONE = "این ردیف پیدا نشد؛ ممکن است مسوولیت آن از دستگاه برداشته شده باشد."


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


def load_assignment(session: Session, assignment_id: object) -> tuple[Assignment, date]:
    """The live row and its meeting's date, or NotFound."""
    row = None
    if isinstance(assignment_id, int):
        row = session.execute(
            select(Assignment, col(Meeting.held_on))
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
            .where(col(Assignment.id) == assignment_id)
        ).first()
    if row is None or row[0].withdrawn:
        raise NotFound(GONE)
    return row[0], row[1]


def conflict_for(session: Session, assignment_id: int) -> ConflictError:
    """Describe what the other person saved, for the refused form."""
    session.expire_all()
    current = session.get(Assignment, assignment_id)
    if current is None or current.withdrawn:
        return ConflictError(message=GONE + " چیزی ذخیره نشد.")
    who = session.get(User, current.updated_by_id) if current.updated_by_id else None
    name = who.full_name if who else "کاربر دیگر"
    theirs = {f: getattr(current, f) for f in REPORTED_FIELDS}
    theirs["verification"] = current.verification
    shown = (
        f"وضعیت: {STATUS_LABELS.get(current.status, current.status)}، "
        f"پیشرفت: {format_number(current.progress)}٪، "
        f"تاریخ برنامه: {format_jalali(current.planned_date)}"
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


# --- validation ----------------------------------------------------------------------


def _planned(asg: Assignment, held_on: date, value: date | str, check: Check) -> date | None:
    if isinstance(value, str) and not tidy(value):
        if asg.planned_date is not None:  # an empty box where a date was
            check.add("planned_date", "تاریخ برنامه را نمی‌توان پاک کرد؛ تاریخ تازه را بنویسید.")
        return None
    return check.date("planned_date", value, not_before=held_on)


def _typed(
    asg: Assignment, held_on: date, changes: AssignmentChanges, check: Check
) -> dict[str, Any]:
    """Every field given, parsed; problems go to `check`."""
    new: dict[str, Any] = {}
    if changes.status is not None:
        new["status"] = check.choice("status", changes.status, STATUS_LABELS)
    if changes.progress is not None:
        new["progress"] = check.percent("progress", changes.progress)
    for name in ("done_text", "next_step"):
        value = getattr(changes, name)
        if value is not None:
            new[name] = check.text(name, value, limit=LIMITS[name], multiline=True)
    if changes.evidence_url is not None:
        new["evidence_url"] = check.link("evidence_url", changes.evidence_url)
    if changes.planned_date is not None:
        new["planned_date"] = _planned(asg, held_on, changes.planned_date, check)
    return {k: v for k, v in new.items() if v is not None and getattr(asg, k) != v}


def _validate(
    asg: Assignment, held_on: date, changes: AssignmentChanges, check: Check
) -> dict[str, Any]:
    """The fields that really change, validated, with the date's reason under '_reason'."""
    new = _typed(asg, held_on, changes, check)
    reason = check.text("reason", changes.reschedule_reason, limit=LIMITS["reason"])
    if (
        changes.status is None
        and asg.status == AssignmentStatus.NOT_STARTED
        and new.get("progress", 0) > 0
    ):
        # Progress typed on a row not started (the grid's one cell): the work has begun.
        new["status"] = AssignmentStatus.IN_PROGRESS.value
    status = new.get("status", asg.status)
    progress = new.get("progress", asg.progress)
    if not check.has("status") and not check.has("progress"):
        problem = status_progress_problem(status, progress)
        if problem:
            check.add("progress", problem)
    texts = (new.get("next_step", asg.next_step), new.get("done_text", asg.done_text))
    if (blocked := blocked_without_reason(status, asg.status, texts)) and not check.has(
        "next_step"
    ):
        check.add("next_step", blocked)
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


def _values(asg: Assignment, new: dict[str, Any], actor: Actor, now: datetime) -> dict[str, Any]:
    """What the UPDATE sets: the changes and what follows from them."""
    values = {k: v for k, v in new.items() if k != "_reason"}
    if "planned_date" in new:
        if asg.planned_date is None:
            values["first_planned_date"] = asg.first_planned_date or new["planned_date"]
        else:
            values["reschedule_count"] = asg.reschedule_count + 1
    if any(f in new for f in CLAIM_FIELDS) and asg.verification != Verification.UNVERIFIED:
        values["verification"] = Verification.UNVERIFIED.value
        values["verification_note"] = ""
    values.update(reported_at=now, updated_at=now, updated_by_id=actor.user_id)
    return values


def _apply(
    session: Session,
    actor: Actor,
    asg: Assignment,
    item: RowUpdate,
    new: dict[str, Any],
    now: datetime,
) -> None:
    """Conditional UPDATE on the version the form showed, then one history row a field."""
    assert asg.id is not None
    values = _values(asg, new, actor, now)
    result = session.execute(
        update(Assignment)
        .where(col(Assignment.id) == asg.id, col(Assignment.version) == item.expected_version)
        .values(**values, version=item.expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise conflict_for(session, asg.id)
    for field, value in values.items():
        if field in REPORTED_FIELDS or field in ("verification", "reschedule_count"):
            History(session, actor, now).add(
                "assignment",
                asg.id,
                field,
                getattr(asg, field),
                value,
                new.get("_reason", "") if field == "planned_date" else "",
            )


def update_assignments(
    session: Session,
    *,
    actor: Actor,
    updates: Sequence[RowUpdate],
    now: datetime | None = None,
) -> int:
    """Several rows in one transaction: every row is checked before any is written.

    Returns the number of rows that changed.
    """
    now = now or utcnow()
    planned: list[tuple[Assignment, RowUpdate, dict[str, Any]]] = []
    problems = Check(ASSIGNMENT_FIELD_LABELS)
    for item in updates:
        asg, held_on = load_assignment(session, item.assignment_id)
        require(session, actor, Action.UPDATE_ASSIGNMENT, asg.agency_id)
        if asg.version != item.expected_version:
            raise conflict_for(session, item.assignment_id)
        check = Check(ASSIGNMENT_FIELD_LABELS, row=item.assignment_id if len(updates) > 1 else None)
        new = _validate(asg, held_on, item.changes, check)
        problems.errors.extend(check.errors)
        if new:
            planned.append((asg, item, new))
    if problems:
        raise ValidationError(problems.errors)
    for asg, item, new in planned:
        _apply(session, actor, asg, item, new, now)
    session.flush()
    return len(planned)


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
    updates = [RowUpdate(assignment_id, expected_version, changes)]
    return update_assignments(session, actor=actor, updates=updates, now=now) > 0
