"""The secretariat records a meeting of the working group and who attended it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.history import History
from data_layer.input.check import Check
from data_layer.jalali import format_jalali, format_number
from data_layer.models import Agency, Assignment, Meeting, MeetingAttendance, Resolution, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.membership import member_on

__all__ = ["MEETING_LABELS", "MeetingInput", "create_meeting", "set_attendance", "update_meeting"]

MEETING_LABELS = {
    "number": "شماره جلسه",
    "held_on": "تاریخ جلسه",
    "start_time": "ساعت شروع",
    "place": "محل جلسه",
    "chair": "رئیس جلسه",
    "secretary": "دبیر جلسه",
    "guests": "مدعوین",
    "summary": "خلاصه مذاکرات",
    "representative": "نماینده",
    "attendance": "حضور و غیاب",
}
_LIMITS = {"place": 200, "chair": 200, "secretary": 200, "guests": 4000, "summary": 20000}
_FIELDS = ("number", "held_on", "start_time", "place", "chair", "secretary", "guests", "summary")
GONE = "این جلسه پیدا نشد؛ ممکن است شمارهٔ آن تغییر کرده باشد. فهرست جلسات را دوباره باز کنید."


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as the secretariat types it (dates in Jalali, digits Persian or ASCII)."""

    number: int | str
    held_on: date | str
    start_time: str  # "HH:MM" or ""
    place: str
    chair: str
    secretary: str = ""
    guests: str = ""
    summary: str = ""


def _values(
    session: Session, data: MeetingInput, check: Check, meeting_id: int | None
) -> dict[str, Any]:
    number = check.whole("number", data.number, low=1, high=99_999)
    if number is not None:
        other = session.execute(
            select(col(Meeting.id)).where(col(Meeting.number) == number)
        ).scalar_one_or_none()
        if other is not None and other != meeting_id:
            check.add(
                "number",
                f"جلسه شماره {format_number(number)} قبلاً ثبت شده است؛ شماره دیگری بنویسید"
                " یا همان جلسه را ویرایش کنید.",
            )
    values: dict[str, Any] = {
        "number": number,
        "held_on": check.date("held_on", data.held_on),
        "start_time": check.time("start_time", data.start_time),
    }
    for name, limit in _LIMITS.items():
        multiline = name in ("guests", "summary")
        values[name] = check.text(name, getattr(data, name), limit=limit, multiline=multiline)
    return values


def create_meeting(
    session: Session, *, actor: Actor, data: MeetingInput, now: datetime | None = None
) -> Meeting:
    """Record a meeting of the working group; its number must be new."""
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    check = Check(MEETING_LABELS)
    values = _values(session, data, check, None)
    check.raise_if_any()
    meeting = Meeting(**values, created_at=now)
    session.add(meeting)
    flush_unique(session, "number", f"جلسه شماره {format_number(values['number'])} هم‌اکنون ثبت شد.")
    History(session, actor, now).add("meeting", meeting.id, "created", None, meeting.number)
    session.flush()
    return meeting


def _earliest_date_after(session: Session, meeting_id: int) -> date | None:
    """The earliest due or planned date of the meeting's resolutions and live rows."""
    first_due, first_planned = session.execute(
        select(
            select(func.min(col(Resolution.due_date)))
            .where(col(Resolution.meeting_id) == meeting_id)
            .scalar_subquery(),
            select(func.min(col(Assignment.planned_date)))
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .where(col(Resolution.meeting_id) == meeting_id, col(Assignment.withdrawn).is_(False))
            .scalar_subquery(),
        )
    ).one()
    return min((d for d in (first_due, first_planned) if d is not None), default=None)


def update_meeting(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    data: MeetingInput,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Correct a meeting's facts; one history row a changed field. False if nothing changed."""
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = load(session, Meeting, meeting_id, GONE, lock=True)
    check_version(meeting, expected_version, "این جلسه")
    check = Check(MEETING_LABELS)
    values = _values(session, data, check, meeting_id)
    held = values["held_on"]
    if held is not None and held != meeting.held_on:
        earliest = _earliest_date_after(session, meeting_id)
        if earliest is not None and earliest < held:
            check.add(
                "held_on",
                f"تاریخ تازه جلسه ({format_jalali(held)}) پس از مهلت یا تاریخ برنامه یکی از"
                f" مصوبات آن ({format_jalali(earliest)}) است؛ نخست آن مهلت را اصلاح کنید.",
            )
    check.raise_if_any()
    changed = {k: values[k] for k in _FIELDS if getattr(meeting, k) != values[k]}
    for name, value in changed.items():
        History(session, actor, now).add("meeting", meeting_id, name, getattr(meeting, name), value)
        setattr(meeting, name, value)
    if changed:
        meeting.version += 1
    flush_unique(session, "number", "این شماره جلسه هم‌اکنون ثبت شد.")
    return bool(changed)


# --- attendance -----------------------------------------------------------------------


def _members(session: Session, day: date) -> dict[int, str]:
    """The agencies that were members on the meeting's day (id -> short name), in order."""
    rows = session.execute(
        select(col(Agency.id), col(Agency.short_name))
        .where(member_on(day))
        .order_by(col(Agency.sort_order), col(Agency.id))
    ).all()
    return {int(r[0]): r[1] for r in rows}


def _attendance_text(present: dict[int, str]) -> str:
    """ "3,5 (آقای کریمی)" for the history row."""
    return ",".join(f"{a} ({r})" if r else str(a) for a, r in sorted(present.items()))


def _check_attendance(
    session: Session,
    members: dict[int, str],
    present: set[int],
    representatives: dict[int, str],
    check: Check,
) -> dict[int, str]:
    stray = sorted(present - set(members))
    if stray:
        names = dict(
            session.execute(
                select(col(Agency.id), col(Agency.short_name)).where(col(Agency.id).in_(stray))
            ).all()
        )
        shown = "، ".join(f"«{names.get(i, format_number(i))}»" for i in stray)
        check.add(
            "attendance",
            f"{shown} در روز این جلسه عضو کارگروه نبود؛ فقط دستگاه‌های عضو را حاضر بزنید"
            " و مهمانان را در «مدعوین» بنویسید.",
        )
    reps: dict[int, str] = {}
    for agency_id, text in representatives.items():
        value = check.text("representative", text, limit=200)
        if value and agency_id not in present:
            check.add(
                "representative",
                f"برای «{members.get(agency_id, agency_id)}» نماینده نوشته شده ولی حاضر زده نشده"
                " است؛ یا آن را حاضر بزنید یا نام نماینده را پاک کنید.",
            )
        reps[agency_id] = value
    return reps


def set_attendance(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    present_agency_ids: set[int],
    representatives: dict[int, str] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> int:
    """One attendance row per active member agency, present or absent (replaced each time).

    Returns the number of member agencies recorded.
    """
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = load(session, Meeting, meeting_id, GONE, lock=True)
    check_version(meeting, expected_version, "این جلسه")
    members = _members(session, meeting.held_on)
    check = Check(MEETING_LABELS)
    reps = _check_attendance(
        session, members, set(present_agency_ids), representatives or {}, check
    )
    check.raise_if_any()
    existing = {
        row.agency_id: row
        for row in session.execute(
            select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
        ).scalars()
    }
    before = {a: row.representative for a, row in existing.items() if row.present}
    for agency_id in members:
        present = agency_id in present_agency_ids
        rep = reps.get(agency_id, "") if present else ""
        row = existing.get(agency_id)
        if row is None:
            session.add(
                MeetingAttendance(
                    meeting_id=meeting_id,
                    agency_id=agency_id,
                    present=present,
                    representative=rep,
                    is_sample=meeting.is_sample,
                )
            )
        elif row.present != present or row.representative != rep:
            row.present, row.representative = present, rep
    after = {a: reps.get(a, "") for a in members if a in present_agency_ids}
    if _attendance_text(before) != _attendance_text(after):
        meeting.version += 1  # a form that showed the old attendance is now stale
    if _attendance_text(before) != _attendance_text(after) or set(members) - set(existing):
        History(session, actor, now).add(
            "meeting",
            meeting_id,
            "attendance",
            _attendance_text(before) if existing else None,
            _attendance_text(after),
        )
    session.flush()
    return len(members)
