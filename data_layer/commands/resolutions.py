"""Resolutions of a meeting and their owners: one row per responsible agency.

«ادارات عضو کارگروه» expands to every active member agency. An owner is never
deleted from a resolution: its row is withdrawn, and re-activated if it comes back.
One of the owners may be the lead (مسئول اصلی); a lead that is not an owner is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.history import History
from data_layer.commands.meetings import GONE as MEETING_GONE
from data_layer.input.check import Check
from data_layer.input.owners import OwnerSpec
from data_layer.jalali import format_number
from data_layer.labels import ALL_MEMBERS_TEXT
from data_layer.models import Agency, Assignment, Meeting, Resolution, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.membership import member_ids_on
from data_layer.text import tidy

__all__ = [
    "RESOLUTION_LABELS",
    "Agencies",
    "ResolutionPlan",
    "add_resolution",
    "plan_resolution",
    "update_resolution",
    "write_resolutions",
]

WITHDRAW_REASON = "مسوولیت از دستگاه برداشته شد"
RESTORE_REASON = "مسوولیت دوباره به دستگاه سپرده شد"
ADD_REASON = "دستگاه به مسوولان پیگیری مصوبه افزوده شد"
RESOLUTION_LABELS = {
    "number": "شماره مصوبه",
    "text": "شرح مصوبه",
    "theme": "موضوع",
    "owners_as_written": "مسوول پیگیری (به نوشتهٔ صورتجلسه)",
    "owners": "مسوول پیگیری",
    "lead": "مسئول اصلی",
    "due_date": "مهلت انجام",
}
_LIMITS = {"text": 4000, "theme": 100, "owners_as_written": 500}


@dataclass(frozen=True)
class _AgencyRow:
    short_name: str
    active: bool


@dataclass(frozen=True)
class Agencies:
    """Every agency, read once per command."""

    by_id: dict[int, _AgencyRow]
    members: list[int]  # members on the meeting's day, in the working group's order

    @classmethod
    def load(cls, session: Session, on: date) -> Agencies:
        """Read every agency; `members`: those that were members on that day."""
        rows = session.execute(
            select(col(Agency.id), col(Agency.short_name), col(Agency.active)).order_by(
                col(Agency.sort_order), col(Agency.id)
            )
        ).all()
        by_id = {r[0]: _AgencyRow(r[1], r[2]) for r in rows}
        return cls(by_id, member_ids_on(session, on))

    def label(self, agency_id: int) -> str:
        """An agency's short name (or its number, if it does not exist)."""
        row = self.by_id.get(agency_id)
        return row.short_name if row else f"دستگاه شماره {format_number(agency_id)}"

    def expand(self, spec: OwnerSpec, check: Check) -> list[int] | None:
        """The agencies that get a row, members first; None (and a problem) if invalid."""
        start = len(check.errors)
        ids = list(dict.fromkeys(spec.agency_ids))
        bad = [i for i in ids if i not in self.by_id or not self.by_id[i].active]
        if bad:
            check.add(
                "owners",
                f"دستگاه انتخاب‌شده (شناسهٔ {'، '.join(format_number(i) for i in bad)}) پیدا نشد"
                " یا غیرفعال است؛ دستگاه را از فهرست دوباره انتخاب کنید.",
            )
        if not spec.all_members and not ids:
            check.add(
                "owners",
                "دست‌کم یک دستگاه را به عنوان مسوول پیگیری انتخاب کنید"
                " یا «همهٔ دستگاه‌های عضو» را بزنید.",
            )
        if spec.all_members and not self.members:
            check.add(
                "owners",
                "در روز این جلسه هیچ دستگاهی عضو کارگروه نبود؛ نخست دوره‌های عضویت"
                " دستگاه‌ها را در «دستگاه‌ها» ثبت کنید.",
            )
        if len(check.errors) > start:
            return None
        base = list(self.members) if spec.all_members else []
        return base + [i for i in ids if i not in set(base)]

    def lead(self, spec: OwnerSpec, owners: Sequence[int], check: Check) -> int | None:
        """The spec's lead when it is one of the expanded `owners`; else None (and a
        problem on «lead» when a lead was named that is not among them)."""
        if spec.lead is None:
            return None
        if spec.lead not in owners:
            check.add(
                "lead",
                f"«{check.label('lead')}» باید یکی از مسوولان پیگیری همین مصوبه باشد؛"
                f" «{self.label(spec.lead)}» در میان آن‌ها نیست. آن را به مسوولان پیگیری"
                " بیفزایید یا مسئول اصلی دیگری انتخاب کنید.",
            )
            return None
        return spec.lead

    def as_written(self, spec: OwnerSpec) -> str:
        """The owner text shown when the minutes gave none."""
        parts = [ALL_MEMBERS_TEXT] if spec.all_members else []
        members = set(self.members) if spec.all_members else set()
        parts += [self.label(i) for i in dict.fromkeys(spec.agency_ids) if i not in members]
        return " / ".join(parts)[:500]


@dataclass(frozen=True)
class ResolutionPlan:
    """A checked resolution, ready to be written."""

    number: int
    text: str
    theme: str
    owners_as_written: str
    all_members: bool
    agency_ids: list[int]
    due_date: date | None
    lead: int | None = None  # one of agency_ids
    text_as_written: str = ""  # the text exactly as the source writes it, where it differs
    owners_raw: str = ""  # the owner cell exactly as the source writes it, where it differs


def used_numbers(session: Session, meeting_id: int) -> set[int]:
    """The resolution numbers a meeting already has."""
    stmt = select(col(Resolution.number)).where(col(Resolution.meeting_id) == meeting_id)
    return set(session.execute(stmt).scalars())


def plan_resolution(
    check: Check,
    meeting: Meeting,
    agencies: Agencies,
    used: set[int],
    *,
    number: object,
    text: str,
    owners: OwnerSpec,
    theme: str = "",
    owners_as_written: str = "",
    due_date: object = None,
    as_written: tuple[str, str] = ("", ""),
) -> ResolutionPlan | None:
    """One new resolution checked against its meeting; None when it has a problem.

    `as_written`: the text and the owner cell exactly as a source document writes
    them (stored as given, beside the tidied forms), or empty.
    """
    start = len(check.errors)
    n = check.whole("number", number, low=1, high=99_999)
    if n is not None and n in used:
        check.add(
            "number",
            f"مصوبه شماره {format_number(n)} در جلسه {format_number(meeting.number)} قبلاً ثبت"
            " شده است؛ شماره دیگری بنویسید یا همان مصوبه را ویرایش کنید.",
        )
    body = check.text("text", text, limit=_LIMITS["text"], required=True, multiline=True)
    theme_value = check.text("theme", theme, limit=_LIMITS["theme"])
    written = check.text("owners_as_written", owners_as_written, limit=_LIMITS["owners_as_written"])
    due = check.date("due_date", due_date, required=False, not_before=meeting.held_on)
    ids = agencies.expand(owners, check)
    lead = agencies.lead(owners, ids, check) if ids is not None else None
    if len(check.errors) > start or n is None or ids is None:
        return None
    written = written or agencies.as_written(owners)
    return ResolutionPlan(
        n, body, theme_value, written, owners.all_members, ids, due, lead, *as_written
    )


def _rows_for(
    res: Resolution, agency_ids: Sequence[int], actor: Actor, now: datetime
) -> list[Assignment]:
    """One new agency row per owner of a stored resolution."""
    assert res.id is not None
    return [
        Assignment(
            resolution_id=res.id,
            agency_id=agency_id,
            updated_at=now,
            updated_by_id=actor.user_id,
            is_sample=res.is_sample,
        )
        for agency_id in agency_ids
    ]


def write_resolutions(
    session: Session,
    *,
    actor: Actor,
    meeting: Meeting,
    plans: Sequence[ResolutionPlan],
    now: datetime,
) -> list[Resolution]:
    """Insert resolutions, their rows and their 'created' history (a few batched flushes)."""
    assert meeting.id is not None
    resolutions = [
        Resolution(
            meeting_id=meeting.id,
            number=p.number,
            text=p.text,
            text_as_written=p.text_as_written,
            owners_raw=p.owners_raw,
            theme=p.theme,
            owners_as_written=p.owners_as_written,
            all_members=p.all_members,
            lead_agency_id=p.lead,
            due_date=p.due_date,
            is_sample=meeting.is_sample,
        )
        for p in plans
    ]
    session.add_all(resolutions)
    flush_unique(session, "number", "شمارهٔ یکی از مصوبات هم‌اکنون در این جلسه ثبت شد.")
    for res, plan in zip(resolutions, plans, strict=True):
        session.add_all(_rows_for(res, plan.agency_ids, actor, now))
        History(session, actor, now).add(
            "resolution", res.id, "created", None, f"{plan.number}: {plan.text}"
        )
    session.flush()
    return resolutions


def add_resolution(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    number: int | str,
    text: str,
    theme: str = "",
    owners_as_written: str = "",
    owners: OwnerSpec,
    due_date: date | str | None = None,
    now: datetime | None = None,
) -> Resolution:
    """Add a resolution to a meeting with one row per owner (all members expanded)."""
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = load(session, Meeting, meeting_id, MEETING_GONE)
    check = Check(RESOLUTION_LABELS)
    plan = plan_resolution(
        check,
        meeting,
        Agencies.load(session, meeting.held_on),
        used_numbers(session, meeting_id),
        number=number,
        text=text,
        theme=theme,
        owners_as_written=owners_as_written,
        owners=owners,
        due_date=due_date,
    )
    check.raise_if_any()
    assert plan is not None
    return write_resolutions(session, actor=actor, meeting=meeting, plans=[plan], now=now)[0]


# --- editing ------------------------------------------------------------------------


def _edits(
    check: Check,
    res: Resolution,
    meeting: Meeting,
    text: str | None,
    theme: str | None,
    due_date: object,
) -> dict[str, Any]:
    """The fields that change; None leaves a field, an empty due date clears it."""
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = check.text("text", text, limit=_LIMITS["text"], required=True)
    if theme is not None:
        changes["theme"] = check.text("theme", theme, limit=_LIMITS["theme"])
    if due_date is not None:
        cleared = isinstance(due_date, str) and not tidy(due_date)
        due = None if cleared else check.date("due_date", due_date, not_before=meeting.held_on)
        if due is not None or cleared:
            changes["due_date"] = due
    if not changes.get("text", True):
        del changes["text"]
    return {k: v for k, v in changes.items() if getattr(res, k) != v}


def update_resolution(
    session: Session,
    *,
    actor: Actor,
    resolution_id: int,
    text: str | None = None,
    theme: str | None = None,
    due_date: date | str | None = None,
    owners: OwnerSpec | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Edit a resolution; None leaves a field as it is ('' as due_date clears it).

    Changing owners adds rows for new owners (or re-activates an owner's withdrawn
    row), and withdraws the rows of removed owners (never deleted). Returns
    {'added': …, 'withdrawn': …, 'restored': …}.

    With owners, the lead becomes `owners.lead` (a history entry «lead_agency_id»
    when it changes): a lead that is not among the new owners is refused, and
    nothing is written. `owners.lead` None means no lead, so an edit that removes
    the current lead from the owners without naming a new one leaves the
    resolution without a lead, and the history records the lead set to None.
    """
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    res = load(
        session,
        Resolution,
        resolution_id,
        "این مصوبه پیدا نشد؛ فهرست مصوبات را دوباره باز کنید.",
        lock=True,
    )
    meeting = load(session, Meeting, res.meeting_id, MEETING_GONE)
    check_version(res, expected_version, "این مصوبه")
    check = Check(RESOLUTION_LABELS)
    changes = _edits(check, res, meeting, text, theme, due_date)
    target, lead = _owner_target(session, meeting, owners, check)
    check.raise_if_any()
    for name, value in changes.items():
        History(session, actor, now).add("resolution", res.id, name, getattr(res, name), value)
        setattr(res, name, value)
    counts = {"added": 0, "withdrawn": 0, "restored": 0}
    lead_moved = False
    if owners is not None and target is not None:
        counts = _change_owners(
            session, actor=actor, res=res, owners=owners, target=target, now=now
        )
        lead_moved = _change_lead(session, actor, res, lead, now)
    if changes or any(counts.values()) or lead_moved:
        res.version += 1
    session.flush()
    return counts


def _owner_target(
    session: Session, meeting: Meeting, owners: OwnerSpec | None, check: Check
) -> tuple[list[int] | None, int | None]:
    """The agencies that should own the resolution and its lead (None, None without owners)."""
    if owners is None:
        return None, None
    agencies = Agencies.load(session, meeting.held_on)
    target = agencies.expand(owners, check)
    return target, agencies.lead(owners, target, check) if target is not None else None


def _change_lead(
    session: Session, actor: Actor, res: Resolution, lead: int | None, now: datetime
) -> bool:
    """Make `lead` the resolution's lead (None: no lead) with a history entry; True if moved."""
    if res.lead_agency_id == lead:
        return False
    History(session, actor, now).add(
        "resolution", res.id, "lead_agency_id", res.lead_agency_id, lead
    )
    res.lead_agency_id = lead
    return True


def _set_withdrawn(
    session: Session, actor: Actor, rows: list[Assignment], flag: bool, now: datetime
) -> None:
    """Withdraw (or restore) rows; their version moves, so a form open on one goes stale."""
    if not rows:
        return
    session.execute(
        update(Assignment)
        .where(col(Assignment.id).in_([r.id for r in rows]))
        .values(
            withdrawn=flag,
            updated_at=now,
            updated_by_id=actor.user_id,
            version=col(Assignment.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    for r in rows:
        History(session, actor, now).add(
            "assignment",
            r.id,
            "withdrawn",
            not flag,
            flag,
            WITHDRAW_REASON if flag else RESTORE_REASON,
        )
        session.expire(r)


def _add_rows(
    session: Session, actor: Actor, res: Resolution, agency_ids: list[int], now: datetime
) -> list[Assignment]:
    """New rows for agencies that never owned the resolution, each with its history."""
    added = _rows_for(res, agency_ids, actor, now)
    session.add_all(added)
    session.flush()
    for asg in added:
        History(session, actor, now).add(
            "assignment", asg.id, "created", None, asg.agency_id, ADD_REASON
        )
    return added


def _change_owners(
    session: Session,
    *,
    actor: Actor,
    res: Resolution,
    owners: OwnerSpec,
    target: list[int],
    now: datetime,
) -> dict[str, int]:
    rows = list(
        session.execute(select(Assignment).where(col(Assignment.resolution_id) == res.id)).scalars()
    )
    by_agency = {r.agency_id: r for r in rows}
    wanted = set(target)
    withdraw = [r for r in rows if not r.withdrawn and r.agency_id not in wanted]
    restore = [r for r in rows if r.withdrawn and r.agency_id in wanted]
    before = sorted(r.agency_id for r in rows if not r.withdrawn)
    if res.all_members != owners.all_members:
        History(session, actor, now).add(
            "resolution", res.id, "all_members", res.all_members, owners.all_members
        )
        res.all_members = owners.all_members
    _set_withdrawn(session, actor, withdraw, True, now)
    _set_withdrawn(session, actor, restore, False, now)
    added = _add_rows(session, actor, res, [a for a in target if a not in by_agency], now)
    if before != sorted(target):
        History(session, actor, now).add(
            "resolution",
            res.id,
            "owners",
            ",".join(map(str, before)),
            ",".join(map(str, sorted(target))),
        )
    return {"added": len(added), "withdrawn": len(withdraw), "restored": len(restore)}
