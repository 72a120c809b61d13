"""Earlier meetings' resolutions and their state brought in from one workbook, all or nothing.

The workbook is read and checked by `input/backlog.py`; here its rows are checked
again against the database as it is now (a meeting or a resolution may have been
recorded since the preview), then the missing meetings, the resolutions and one
agency row per owner are written in the caller's one transaction, each with its
'created' history entry. Everything goes in as a few multi-row statements (Core
executemany), so two thousand rows take a fraction of a second, not one ORM object
and one round trip each.

An imported agency row keeps the state the workbook gave it: status, progress, the
due date as its planned and first planned date, and the last note as what was done
(or, for a row not started, as its next step; see input/backlog.py). A row with any
state reported (a status other than «انجام نشده», progress, or a note) is reported as
of the import (`reported_at`), so the secretariat can verify it like any claim; a
bare row not started has not been reported at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from data_layer.commands.history import record_changes
from data_layer.errors import FieldError, ValidationError
from data_layer.input.backlog import (
    BacklogPreview,
    BacklogRow,
    OwnerRow,
    ResolutionGroup,
    check_rows,
    group_rows,
)
from data_layer.input.pipeline import import_reason, rows_to_commit
from data_layer.input.sheet import FILE_FIELD
from data_layer.models import (
    Assignment,
    AssignmentStatus,
    Meeting,
    Resolution,
    Verification,
    utcnow,
)
from data_layer.permissions import Action, Actor, require
from data_layer.queries.backlog import BacklogKeys, backlog_keys
from data_layer.queries.membership import member_ids_on

__all__ = ["BacklogResult", "import_backlog"]

RACE = (
    "هم‌زمان با این ورود، جلسه یا مصوبه‌ای با یکی از همین شماره‌ها ثبت شد؛"
    " پرونده را دوباره بخوانید و ثبت کنید."
)


@dataclass(frozen=True)
class BacklogResult:
    """What an import wrote."""

    meetings: int  # meetings created (the others were stored already)
    resolutions: int
    assignments: int
    history: int


def _rechecked(
    session: Session, preview: BacklogPreview
) -> tuple[list[ResolutionGroup], BacklogKeys]:
    """The preview's rows checked again against the database as it is now (whose
    meetings stay locked on PostgreSQL until the import commits)."""

    def each_row(
        rows: Sequence[Mapping[str, object]], numbers: list[int]
    ) -> tuple[list[BacklogRow], list[FieldError]]:
        if preview.checked:  # read_backlog_file checked each row on its own
            return preview.clean, []
        return check_rows(rows, numbers, session)  # rows handed over without a file

    clean = rows_to_commit(preview, each_row)
    keys = backlog_keys(session, lock=True)
    groups, errors = group_rows(clean, keys, partial(member_ids_on, session))
    if errors:
        raise ValidationError(errors)
    return groups, keys


def _execute_many(session: Session, model: type[SQLModel], values: list[dict[str, Any]]) -> None:
    """One Core executemany INSERT into a model's table, through the session (so the data
    version moves on commit); a number someone else took meanwhile is a Persian refusal."""
    if not values:
        return
    table = model.__table__  # type: ignore[attr-defined]
    try:
        session.execute(insert(table), values)
    except IntegrityError as e:
        raise ValidationError([FieldError(FILE_FIELD, RACE)]) from e


def _meetings(
    session: Session, groups: list[ResolutionGroup], keys: BacklogKeys, now: datetime
) -> tuple[dict[int, int], list[int]]:
    """Every meeting number of the groups -> its id, and the ids of those created here."""
    stored = {n: i for n, (i, _) in keys.meetings.items()}
    dates = {g.meeting_number: g.meeting_date for g in groups}
    new = sorted(n for n in dates if n not in stored)
    _execute_many(
        session,
        Meeting,
        [
            {
                "number": n,
                "held_on": dates[n],
                "start_time": None,
                "place": "",
                "chair": "",
                "secretary": "",
                "created_at": now,
                "version": 1,
                "is_sample": False,
            }
            for n in new
        ],
    )
    if new:
        rows = session.execute(
            select(col(Meeting.number), col(Meeting.id)).where(col(Meeting.number).in_(new))
        ).all()
        stored.update({int(n): int(i) for n, i in rows})
    return {n: stored[n] for n in dates}, [stored[n] for n in new]


def _resolutions(
    session: Session, groups: list[ResolutionGroup], meeting_ids: dict[int, int]
) -> list[int]:
    """Insert the resolutions; their ids, in the order of `groups`."""
    _execute_many(
        session,
        Resolution,
        [
            {
                "meeting_id": meeting_ids[g.meeting_number],
                "number": g.number,
                "text": g.text,
                "text_as_written": "",
                "theme": "",
                "owners_as_written": g.owners_as_written,
                "all_members": g.all_members,
                "lead_agency_id": None,
                "due_date": g.due_date,
                "version": 1,
                "is_sample": False,
            }
            for g in groups
        ],
    )
    stmt = select(col(Resolution.meeting_id), col(Resolution.number), col(Resolution.id)).where(
        col(Resolution.meeting_id).in_(set(meeting_ids.values()))
    )
    found = {(int(m), int(n)): int(i) for m, n, i in session.execute(stmt).all()}
    return [found[(meeting_ids[g.meeting_number], g.number)] for g in groups]


def _reported(owner: OwnerRow) -> bool:
    return bool(owner.status != AssignmentStatus.NOT_STARTED or owner.progress or owner.note)


def _assignment_values(
    owner: OwnerRow, resolution_id: int, actor: Actor, now: datetime
) -> dict[str, Any]:
    started = owner.status != AssignmentStatus.NOT_STARTED
    return {
        "resolution_id": resolution_id,
        "agency_id": owner.agency_id,
        "status": owner.status,
        "progress": owner.progress,
        "done_text": owner.note if started else "",
        "next_step": "" if started else owner.note,
        "planned_date": owner.due_date,
        "first_planned_date": owner.due_date,
        "reschedule_count": 0,
        "evidence_url": "",
        "verification": Verification.UNVERIFIED.value,
        "verification_note": "",
        "reported_at": now if _reported(owner) else None,
        "updated_at": now,
        "updated_by_id": actor.user_id,
        "withdrawn": False,
        "version": 1,
        "is_sample": False,
    }


def _assignments(session: Session, values: list[dict[str, Any]]) -> list[int]:
    """Insert the agency rows; their ids, in the order of `values`."""
    _execute_many(session, Assignment, values)
    found: dict[tuple[int, int], int] = {}
    ids = sorted({v["resolution_id"] for v in values})
    for start in range(0, len(ids), 5000):  # bounded IN lists, whatever the file's size
        chunk = ids[start : start + 5000]
        stmt = select(
            col(Assignment.resolution_id), col(Assignment.agency_id), col(Assignment.id)
        ).where(col(Assignment.resolution_id).in_(chunk))
        found.update({(int(r), int(a)): int(i) for r, a, i in session.execute(stmt).all()})
    return [found[(v["resolution_id"], v["agency_id"])] for v in values]


def _snapshot(values: dict[str, Any]) -> str:
    """The state an agency row was created with, as its history's new value."""
    kept = ("agency_id", "status", "progress", "planned_date", "done_text", "next_step")
    return json.dumps({k: values[k] for k in kept}, ensure_ascii=False, default=str)


def import_backlog(
    session: Session, *, actor: Actor, preview: BacklogPreview, now: datetime | None = None
) -> BacklogResult:
    """Write every resolution of a clean preview, with its rows and history, in this
    one transaction; any problem (found now or at the preview) refuses the whole file."""
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    groups, keys = _rechecked(session, preview)
    meeting_ids, created = _meetings(session, groups, keys, now)
    resolution_ids = _resolutions(session, groups, meeting_ids)
    values = [
        _assignment_values(owner, resolution_id, actor, now)
        for g, resolution_id in zip(groups, resolution_ids, strict=True)
        for owner in g.owners
    ]
    assignment_ids = _assignments(session, values)
    reason = import_reason(preview, "ورود سوابق")
    numbers = {i: n for n, i in meeting_ids.items()}
    history = record_changes(
        session,
        actor=actor,
        now=now,
        changes=[
            *(("meeting", i, "created", None, numbers[i], reason) for i in created),
            *(
                ("resolution", i, "created", None, f"{g.number}: {g.text}", reason)
                for g, i in zip(groups, resolution_ids, strict=True)
            ),
            *(
                ("assignment", i, "created", None, _snapshot(v), reason)
                for v, i in zip(values, assignment_ids, strict=True)
            ),
        ],
    )
    session.flush()
    return BacklogResult(len(created), len(groups), len(values), history)
