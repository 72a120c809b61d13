"""The secretariat works the backlog: many rows rescheduled, marked done or withdrawn at once.

An action names its rows by id and the version the list showed. All of them are read
again in the transaction, locked at once (SELECT … FOR UPDATE on PostgreSQL; SQLite's
writers already take turns): one row that vanished, was withdrawn or changed since
refuses the whole action and nothing is written. Every changed field of every row is
its own history entry with the reason given; every changed row's version moves.

What each action changes (`changes_for`, which the screen also uses to count):
- reschedule: the planned date. As when an agency moves its date
  (commands/assignments.py): the first planned date is kept (set only when the row
  never had one), and a row that had a date counts one more move. A row already on
  that date, or done, is left as it is.
- done: status «انجام شده» and progress 100; as for any changed claim, an earlier
  verdict of the secretariat goes back to «بررسی نشده».
- withdraw: the row is withdrawn (never deleted; its history stays).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlmodel import Session, col

from data_layer.commands.history import record_changes
from data_layer.errors import ConflictError, FieldError
from data_layer.input.check import Check
from data_layer.jalali import format_jalali, format_number
from data_layer.models import (
    Agency,
    Assignment,
    AssignmentStatus,
    Meeting,
    Resolution,
    Verification,
    utcnow,
)
from data_layer.permissions import Action, Actor, require

__all__ = [
    "ACTIONS",
    "TriageResult",
    "bulk_mark_done",
    "bulk_reschedule",
    "bulk_withdraw",
    "changes_for",
]

RESCHEDULE, DONE, WITHDRAW = "reschedule", "done", "withdraw"
ACTIONS: dict[str, str] = {
    RESCHEDULE: "تعیین مهلت تازه",
    DONE: "ثبت «انجام شده»",
    WITHDRAW: "برداشتن ردیف‌ها",
}
LABELS = {"reason": "دلیل", "new_date": "مهلت تازه", "rows": "ردیف‌ها"}
REASON_LIMIT = 500
_STATE = (
    "status",
    "progress",
    "planned_date",
    "first_planned_date",
    "reschedule_count",
    "verification",
    "verification_note",
)
_CHUNK = 5000  # ids per SELECT, so no IN list outgrows what either database accepts
_NAMED = 10  # rows a refusal names before it says how many more there are


@dataclass(frozen=True)
class TriageResult:
    """What a bulk action did: rows changed, rows already so, history entries written."""

    changed: int
    unchanged: int
    history: int


def changes_for(action: str, row: Mapping[str, Any], new_date: date | None) -> dict[str, Any]:
    """The fields an action changes on a row (its current values in `row`); {} for none."""
    if action == WITHDRAW:
        return {"withdrawn": True}
    if action == RESCHEDULE:
        planned = row["planned_date"]
        if new_date is None or row["status"] == AssignmentStatus.DONE or planned == new_date:
            return {}
        new: dict[str, Any] = {"planned_date": new_date}
        if planned is not None:
            new["reschedule_count"] = int(row["reschedule_count"]) + 1
        elif row["first_planned_date"] is None:
            new["first_planned_date"] = new_date
        return new
    new = {}
    if row["status"] != AssignmentStatus.DONE:
        new["status"] = AssignmentStatus.DONE.value
    if int(row["progress"]) != 100:
        new["progress"] = 100
    if new and row["verification"] != Verification.UNVERIFIED:
        new["verification"] = Verification.UNVERIFIED.value
        if row["verification_note"]:
            new["verification_note"] = ""
    return new


def _locked(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The rows as they are now, locked until the transaction ends (PostgreSQL)."""
    fields = [getattr(Assignment, f) for f in ("id", "version", "withdrawn", *_STATE)]
    where = [
        col(Meeting.held_on),
        col(Meeting.number),
        col(Resolution.number),
        col(Agency.short_name),
    ]
    names = ["id", "version", "withdrawn", *_STATE, "held_on", "meeting", "resolution", "agency"]
    ordered = sorted(set(ids))
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ordered), _CHUNK):
        stmt = (
            select(*fields, *where)
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
            .join(Agency, col(Agency.id) == col(Assignment.agency_id))
            .where(col(Assignment.id).in_(ordered[start : start + _CHUNK]))
            .order_by(col(Assignment.id))
            .with_for_update(of=Assignment)
        )
        for r in session.execute(stmt).all():
            found[int(r[0])] = dict(zip(names, r, strict=True))
    return found


def _named(row: dict[str, Any]) -> str:
    return (
        f"جلسه {format_number(row['meeting'])}، مصوبه {format_number(row['resolution'])}،"
        f" {row['agency']}"
    )


def _refuse_stale(rows: Mapping[int, int], current: dict[int, dict[str, Any]]) -> None:
    """ConflictError naming every row that vanished, was withdrawn or changed since shown."""
    stale: list[str] = []
    for asg_id, version in sorted(rows.items()):
        row = current.get(asg_id)
        if row is None:
            stale.append(f"ردیف شمارهٔ {format_number(asg_id)} (دیگر پیدا نمی‌شود)")
        elif row["withdrawn"]:
            stale.append(f"{_named(row)} (برداشته شده است)")
        elif row["version"] != version:
            stale.append(f"{_named(row)} (پس از نمایش فهرست تغییر کرده است)")
    if not stale:
        return
    shown = "؛ ".join(stale[:_NAMED])
    more = f"؛ و {format_number(len(stale) - _NAMED)} ردیف دیگر" if len(stale) > _NAMED else ""
    raise ConflictError(
        message=(
            f"هیچ ردیفی تغییر نکرد: {format_number(len(stale))} ردیف از فهرستی که دیدید از آن پس"
            f" تغییر کرده یا دیگر نیست: {shown}{more}. فهرست را دوباره بخوانید و اگر هنوز"
            " لازم است دوباره ثبت کنید."
        )
    )


def _check_dates(current: dict[int, dict[str, Any]], day: date) -> None:
    """A new date before a row's meeting refuses the action, naming every such row."""
    check = Check(LABELS)
    for asg_id, row in sorted(current.items()):
        if day < row["held_on"]:
            check.errors.append(
                FieldError(
                    "new_date",
                    f"{_named(row)}: مهلت تازه ({format_jalali(day)}) پیش از تاریخ جلسه"
                    f" ({format_jalali(row['held_on'])}) است.",
                    asg_id,
                )
            )
    check.raise_if_any()


def _write(
    session: Session,
    actor: Actor,
    changed: dict[int, tuple[int, dict[str, Any]]],
    now: datetime,
) -> None:
    """One executemany UPDATE per set of fields changed, each row on its checked version."""
    table = Assignment.__table__  # type: ignore[attr-defined]
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for asg_id, (version, new) in changed.items():
        params = {"b_id": asg_id, "b_version": version, "b_next": version + 1}
        params |= {f"v_{k}": v for k, v in new.items()}
        shapes.setdefault(tuple(sorted(new)), []).append(params)
    for keys, params_list in shapes.items():
        stmt = (
            update(table)
            .where(and_(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")))
            .values(
                {k: bindparam(f"v_{k}") for k in keys}
                | {
                    "version": bindparam("b_next"),
                    "updated_at": now,
                    "updated_by_id": actor.user_id,
                }
            )
        )
        result = session.execute(stmt, params_list)
        if session.get_bind().dialect.supports_sane_multi_rowcount and (
            result.rowcount != len(params_list)  # type: ignore[attr-defined]
        ):
            raise ConflictError(message="ردیف‌ها هم‌زمان تغییر کردند و چیزی ذخیره نشد.")


def _run(
    session: Session,
    *,
    actor: Actor,
    action: str,
    rows: Mapping[int, int],
    reason: str,
    new_date: object = None,
    now: datetime | None = None,
) -> TriageResult:
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    check = Check(LABELS)
    why = check.text("reason", reason, limit=REASON_LIMIT, required=True, min_length=5)
    day = check.date("new_date", new_date) if action == RESCHEDULE else None
    if not rows:
        check.add("rows", "هیچ ردیفی در فهرست نیست؛ نخست ردیف‌ها را با پالایه‌ها پیدا کنید.")
    check.raise_if_any()
    current = _locked(session, rows)
    _refuse_stale(rows, current)
    if day is not None:
        _check_dates(current, day)
    plans = {i: changes_for(action, current[i], day) for i in sorted(rows)}
    changed = {i: (current[i]["version"], new) for i, new in plans.items() if new}
    _write(session, actor, changed, now)
    history = record_changes(
        session,
        actor=actor,
        now=now,
        changes=[
            ("assignment", i, field, current[i][field], value, why)
            for i, (_, new) in changed.items()
            for field, value in new.items()
        ],
    )
    session.flush()
    return TriageResult(len(changed), len(rows) - len(changed), history)


def bulk_reschedule(
    session: Session,
    *,
    actor: Actor,
    rows: Mapping[int, int],
    new_date: date | str,
    reason: str,
    now: datetime | None = None,
) -> TriageResult:
    """Give every row named (assignment id -> version shown) a new planned date."""
    return _run(
        session,
        actor=actor,
        action=RESCHEDULE,
        rows=rows,
        reason=reason,
        new_date=new_date,
        now=now,
    )


def bulk_mark_done(
    session: Session,
    *,
    actor: Actor,
    rows: Mapping[int, int],
    reason: str,
    now: datetime | None = None,
) -> TriageResult:
    """Mark every row named done (progress 100), with the reason in its history."""
    return _run(session, actor=actor, action=DONE, rows=rows, reason=reason, now=now)


def bulk_withdraw(
    session: Session,
    *,
    actor: Actor,
    rows: Mapping[int, int],
    reason: str,
    now: datetime | None = None,
) -> TriageResult:
    """Withdraw every row named (kept, with its history), with the reason."""
    return _run(session, actor=actor, action=WITHDRAW, rows=rows, reason=reason, now=now)
