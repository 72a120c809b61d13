"""«کارتابل»: what is due from one person now, each item with the place it is done.

An item is read from the state of the work itself, never from whether someone looked
at it, so it leaves the inbox when the work is done:

- a liaison: the agency's rows returned by the secretariat (until reported again),
  late rows, rows due within the secretariat's N days, letters to the agency with no
  reply recorded, and the performance report of a period whose deadline is near or past;
- the secretariat: claims not yet ruled on, indicator values not yet verified, replies
  to letters not yet read and acted on, agencies due a step of the ladder today,
  meetings held without their record taken, and messages the sender gave up on; each
  kind one item with its full count and its first few things, so the inbox costs the
  same whatever the history's size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer import clock
from data_layer.jalali import format_jalali, format_number, to_fa_digits
from data_layer.models import (
    Agency,
    AppSetting,
    Assignment,
    County,
    Letter,
    Meeting,
    MeetingSnapshot,
    Resolution,
    Role,
    Verification,
)
from data_layer.models_messages import MessageState, OutboxMessage
from data_layer.models_priority import PriorityProposal, ProposalState
from data_layer.queries.indicator_forms import values_to_verify
from data_layer.queries.ladder import STEP_TITLES, agencies_due_a_step, letter_number
from data_layer.queries.periods import recent_periods, report_completeness
from data_layer.queries.settings import get_report_rule
from data_layer.queries.tallies import claims_waiting
from data_layer.rules.indicators import period_label
from data_layer.rules.lateness import effective_due, is_overdue, not_done

DUE_DAYS_KEY = "inbox.due_days"
DEFAULT_DUE_DAYS = 7
MAX_DUE_DAYS = 60
EMPTY = "کاری در کارتابل شما نیست؛ چیزی از شما در انتظار نیست."
LATE_LISTED = 15  # late rows listed one by one; the rest are one item
LISTED = 5  # the first things of each of the secretariat's items, listed under its count


@dataclass(frozen=True)
class InboxEntry:
    """One of the first things a summary item stands for: its line and where it opens."""

    text: str
    link: str
    ref: int = 0


@dataclass(frozen=True)
class InboxItem:
    """One thing due from the person: its kind, what it says, and where it is done."""

    # returned, late, due, letter, report | claims, values, reply, ladder, record, priority, failed
    kind: str
    title: str
    detail: str
    link: str  # a path of the app, e.g. /my_agency?row=12
    ref: int = 0  # the row, letter or meeting it is about (0: a count)
    count: int = 1  # how many things it stands for (a summary: more)
    entries: tuple[InboxEntry, ...] = ()  # a summary's first things, the most urgent first


def things_due(items: Sequence[InboxItem]) -> int:
    """How many things an inbox holds (the menu's count, the digest's {count})."""
    return sum(i.count for i in items)


def get_due_days(session: Session) -> int:
    """How many days ahead a liaison's rows count as due (the secretariat's setting)."""
    row = session.get(AppSetting, DUE_DAYS_KEY)
    try:
        days = json.loads(row.value) if row else DEFAULT_DUE_DAYS
    except ValueError:
        return DEFAULT_DUE_DAYS
    return days if type(days) is int and 0 <= days <= MAX_DUE_DAYS else DEFAULT_DUE_DAYS


def inbox_items(
    session: Session, *, role: str, agency_id: int | None, today: date
) -> list[InboxItem]:
    """Everything due from a person of this role (and agency), most urgent first."""
    if role == Role.AGENCY_EDITOR and agency_id is not None:
        return agency_items(session, agency_id, today)
    if role == Role.SECRETARIAT:
        return secretariat_items(session, today)
    return []


def agency_items(session: Session, agency_id: int, today: date) -> list[InboxItem]:
    """A liaison's items: rows, letters awaiting reply, the report due."""
    return agencies_items(session, [agency_id], today)[agency_id]


def agencies_items(
    session: Session, agency_ids: Sequence[int], today: date
) -> dict[int, list[InboxItem]]:
    """`agency_items` of several agencies (rows and the reports' grid read once for all)."""
    days = get_due_days(session)
    reports = _reports_due(session, today, days, agency_ids)
    rows = _row_items(session, agency_ids, today, days)
    return {
        agency_id: rows[agency_id] + _letter_items(session, agency_id) + reports.get(agency_id, [])
        for agency_id in agency_ids
    }


def _row_items(
    session: Session, agency_ids: Sequence[int], today: date, days: int
) -> dict[int, list[InboxItem]]:
    """Each agency's returned and soon-due rows, and its oldest LATE_LISTED late rows
    with how many are late in all, in one query (`_rows_stmt`): only the rows listed
    are read (an agency at L has hundreds late; the rest are counted in SQL)."""
    found: dict[int, dict[str, list[InboxItem]]] = {
        a: {"returned": [], "late": [], "due": []} for a in agency_ids
    }
    more: dict[int, int] = dict.fromkeys(agency_ids, 0)  # late rows beyond LATE_LISTED
    for agency_id, row_id, meeting, number, text, note, back, is_late, on, many in session.execute(
        _rows_stmt(agency_ids, today, days)
    ).all():
        kind = "returned" if back else "late" if is_late else "due"
        if kind == "late":
            more[int(agency_id)] = max(int(many) - LATE_LISTED, 0)
        found[int(agency_id)][kind].append(
            _row_item(kind, int(row_id), meeting, number, text, note, on, today)
        )
    return {a: _with_summary(kinds, more[a]) for a, kinds in found.items()}


def _rows_stmt(agency_ids: Sequence[int], today: date, days: int) -> Any:
    """The agencies' returned, late and soon-due rows by due date, meeting and number,
    each late one with its agency's count of late rows; a window ranks and counts each
    agency's late rows and those beyond the first LATE_LISTED are left out before any
    row is joined to its text."""
    returned = col(Assignment.verification) == Verification.REJECTED.value
    due = effective_due()
    soon = and_(not_done(), due >= today, due <= today + timedelta(days=days))
    late = and_(~returned, is_overdue(today))  # a returned row is listed as returned
    order = (due, col(Meeting.number), col(Resolution.number))
    ranked = (
        select(
            col(Assignment.id).label("row_id"),
            late.label("late"),
            func.row_number()
            .over(partition_by=(col(Assignment.agency_id), late), order_by=order)
            .label("place"),
            func.count().over(partition_by=(col(Assignment.agency_id), late)).label("many"),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .where(
            col(Assignment.agency_id).in_(list(agency_ids)),
            col(Assignment.withdrawn).is_(False),
            or_(returned, is_overdue(today), soon),
        )
        .subquery()
    )
    return (
        select(
            col(Assignment.agency_id),
            col(Assignment.id),
            col(Meeting.number),
            col(Resolution.number),
            col(Resolution.text),
            col(Assignment.verification_note),
            returned,
            ranked.c.late,
            due,
            ranked.c.many,
        )
        .select_from(ranked)
        .join(Assignment, col(Assignment.id) == ranked.c.row_id)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .where(or_(ranked.c.late.is_not(True), ranked.c.place <= LATE_LISTED))
        .order_by(*order)
    )


def _row_item(
    kind: str, row_id: int, meeting: int, number: int, text: str, note: str, on: date, today: date
) -> InboxItem:
    where = f"جلسه {to_fa_digits(meeting)}، مصوبه {to_fa_digits(number)}"
    short = text if len(text) <= 90 else text[:88] + "…"
    if kind == "returned":
        title, detail = f"برگشت از دبیرخانه: {where}", f"دلیل: {note or '—'} — {short}"
    elif kind == "late":
        late_by = format_number((today - on).days)
        title = f"معوق: {where}"
        detail = f"{late_by} روز از سررسید {format_jalali(on)} گذشته — {short}"
    else:
        left = (on - today).days
        when = "امروز" if left == 0 else "فردا" if left == 1 else f"{format_number(left)} روز دیگر"
        title, detail = f"سررسید {when}: {where}", f"سررسید {format_jalali(on)} — {short}"
    return InboxItem(kind, title, detail, f"/my_agency?row={row_id}", row_id)


def _with_summary(kinds: dict[str, list[InboxItem]], more: int) -> list[InboxItem]:
    """Returned, then late (the oldest LATE_LISTED, the rest as one item), then due."""
    summary = []
    if more:
        summary.append(
            InboxItem(
                "late",
                f"{format_number(more)} ردیف معوق دیگر",
                "همهٔ ردیف‌های معوق دستگاه در «دستگاه من» است.",
                "/my_agency",
                count=more,
            )
        )
    return kinds["returned"] + kinds["late"] + summary + kinds["due"]


def _letter_items(session: Session, agency_id: int) -> list[InboxItem]:
    stmt = (
        select(
            col(Letter.id),
            col(Letter.year),
            col(Letter.serial),
            col(Letter.step),
            col(Letter.issued_on),
            col(Letter.reply_by),
        )
        .where(col(Letter.agency_id) == agency_id, col(Letter.replied_on).is_(None))
        .order_by(col(Letter.issued_on))
    )
    return [
        InboxItem(
            "letter",
            f"نامهٔ {letter_number(year, serial)} بی‌پاسخ مانده است",
            f"{STEP_TITLES[step]}، {format_jalali(issued)}؛ مهلت پاسخ {format_jalali(reply_by)}."
            " پاسخ: به‌روز کردن ردیف‌های نامه و نامهٔ اداری به دبیرخانه.",
            "/my_agency",
            int(letter_id),
        )
        for letter_id, year, serial, step, issued, reply_by in session.execute(stmt).all()
    ]


def _reports_due(
    session: Session, today: date, days: int, agency_ids: Sequence[int] | None = None
) -> dict[int, list[InboxItem]]:
    """Each agency's (of `agency_ids`, when given) performance reports not sent whose
    deadline is near or past."""
    rule = get_report_rule(session)
    periods = recent_periods(rule, today, 2)
    grid = report_completeness(
        session, rule=rule, periods=periods, today=today, agency_ids=agency_ids
    )
    near = today + timedelta(days=days)
    found: dict[int, list[InboxItem]] = {}
    for r in grid[grid["submitted_at"].isna()].to_dict("records"):
        if r["deadline"] > near:
            continue
        found.setdefault(int(r["agency_id"]), []).append(
            InboxItem(
                "report",
                f"گزارش عملکرد {r['label']}",
                f"مهلت ارسال {format_jalali(r['deadline'])}"
                + (" — گذشته است" if r["deadline"] < today else ""),
                "/my_agency?tab=report",
            )
        )
    return found


def secretariat_items(session: Session, today: date) -> list[InboxItem]:
    """The secretariat's items: each kind one item with its full count, the first
    LISTED things it stands for (the most urgent first) and the screen where all of
    them are handled (the failed messages apart: `failed_messages`). Every count is
    read in SQL, from an index or the claims' tally; nothing is loaded to be counted."""
    return (
        _claims_item(session)
        + _values_item(session)
        + _replies_item(session)
        + _ladder_item(session, today)
        + _meetings_without_record(session, today)
        + _priority_item(session)
    )


def _claims_item(session: Session) -> list[InboxItem]:
    """Claims not ruled on: how many (the per-agency tally the writes keep, not a count
    of every claim), the oldest waiting first, and the newest."""
    pending = claims_waiting(session)
    if not pending:
        return []
    oldest = session.execute(
        _claim_stmt().order_by(col(Assignment.reported_at), col(Assignment.id)).limit(LISTED)
    ).all()
    return [
        InboxItem(
            "claims",
            f"{format_number(pending)} گزارش دستگاه در انتظار بررسی",
            "گزارش‌هایی که دستگاه‌ها ثبت کرده‌اند و هنوز تأیید یا رد نشده‌اند. تازه‌ترین: "
            + _newest_claim(session),
            "/verification",
            count=pending,
            entries=tuple(
                InboxEntry(
                    f"{_claim_name(agency, meeting, number)} — ثبت دستگاه"
                    f" {format_jalali(clock.local_day(reported))}",
                    "/verification",
                    int(row_id),
                )
                for agency, meeting, number, row_id, reported in oldest
            ),
        )
    ]


VALUES_LINK = "/indicators?tab=verify"


def _values_item(session: Session) -> list[InboxItem]:
    """Indicator values not yet verified: how many, the longest waiting first, each
    opening its own form on the verification tab of «شاخص‌ها»."""
    first, waiting = values_to_verify(session, limit=LISTED)
    if not waiting:
        return []
    return [
        InboxItem(
            "values",
            f"{format_number(waiting)} مقدار شاخص در انتظار بررسی",
            "مقادیری که دستگاه‌ها برای شاخص‌های محلات گزارش کرده‌اند و هنوز تأیید یا رد"
            " نشده‌اند؛ مقدار ردشده در وضعیت محله به حساب نمی‌آید.",
            VALUES_LINK,
            count=waiting,
            entries=tuple(
                InboxEntry(
                    f"{r['indicator']}، {r['neighborhood']} ({r['county']})،"
                    f" {period_label(r['period_kind'], r['period_year'], r['period_no'])}"
                    f" — {r['agency']}",
                    f"{VALUES_LINK}&value={int(r['value_id'])}",
                    int(r["value_id"]),
                )
                for r in first.to_dict("records")
            ),
        )
    ]


def _claim_stmt() -> Any:
    return (
        select(
            col(Agency.short_name),
            col(Meeting.number),
            col(Resolution.number),
            col(Assignment.id),
            col(Assignment.reported_at),
        )
        .select_from(Assignment)
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .where(
            col(Assignment.verification) == Verification.UNVERIFIED.value,
            col(Assignment.withdrawn).is_(False),
            col(Assignment.reported_at).is_not(None),
        )
    )


def _claim_name(agency: str, meeting: int, number: int) -> str:
    """«آموزش و پرورش، جلسه ۷، مصوبه ۱۰»."""
    return f"{agency}، جلسه {to_fa_digits(meeting)}، مصوبه {to_fa_digits(number)}"


def _newest_claim(session: Session) -> str:
    """The claim reported last, named."""
    row = session.execute(
        _claim_stmt()
        .order_by(col(Assignment.reported_at).desc(), col(Assignment.id).desc())
        .limit(1)
    ).first()
    return "—" if row is None else _claim_name(row[0], row[1], row[2])


def unreviewed_replies() -> ColumnElement[bool]:
    """A letter whose reply is recorded and the secretariat has not yet marked read."""
    return and_(col(Letter.replied_on).is_not(None), col(Letter.reply_reviewed_at).is_(None))


def _replies_item(session: Session) -> list[InboxItem]:
    """Replies received and not yet read and acted on: how many, the oldest first."""
    waiting = session.execute(
        select(func.count(col(Letter.id))).where(unreviewed_replies())
    ).scalar_one()
    if not waiting:
        return []
    first = session.execute(
        select(
            col(Letter.id),
            col(Letter.year),
            col(Letter.serial),
            col(Agency.short_name),
            col(Letter.replied_on),
        )
        .join(Agency, col(Agency.id) == col(Letter.agency_id))
        .where(unreviewed_replies())
        .order_by(col(Letter.reply_recorded_at), col(Letter.id))
        .limit(LISTED)
    ).all()
    entries = tuple(
        InboxEntry(
            f"پاسخ {agency} به نامهٔ {letter_number(year, serial)} — {format_jalali(replied)}",
            f"/letters?letter={letter_id}",
            int(letter_id),
        )
        for letter_id, year, serial, agency, replied in first
    )
    return [
        InboxItem(
            "reply",
            f"{format_number(waiting)} پاسخ نامه رسیده و هنوز بررسی نشده است",
            "پاسخ دستگاه‌ها به نامه‌های پیگیری؛ پس از خواندن و اقدام، «پاسخ بررسی شد» را بزنید.",
            entries[0].link,
            entries[0].ref,
            count=waiting,
            entries=entries,
        )
    ]


def _ladder_item(session: Session, today: date) -> list[InboxItem]:
    """Agencies due a step of the ladder today: how many, the most urgent first."""
    ladder = agencies_due_a_step(session, today)
    if not ladder:
        return []
    names = "، ".join(name for _, name, _ in ladder[:LISTED])
    return [
        InboxItem(
            "ladder",
            f"نامهٔ پیگیری {format_number(len(ladder))} دستگاه امروز موعد دارد",
            names + ("…" if len(ladder) > LISTED else ""),
            "/letters",
            count=len(ladder),
            entries=tuple(
                InboxEntry(f"{name}: {STEP_TITLES[step]}", "/letters", agency_id)
                for agency_id, name, step in ladder[:LISTED]
            ),
        )
    ]


def failed_messages(session: Session) -> list[InboxItem]:
    """The messages the sender gave up on (read live: the outbox moves no data version)."""
    failed = session.execute(
        select(func.count(col(OutboxMessage.id))).where(
            col(OutboxMessage.state) == MessageState.FAILED.value
        )
    ).scalar_one()
    if not failed:
        return []
    return [
        InboxItem(
            "failed",
            f"{format_number(failed)} پیام فرستاده نشد",
            "فرستنده پس از چند بار تلاش از آن‌ها گذشت؛ دلیل هر یک در «پیام‌ها» است.",
            "/messages",
        )
    ]


def _meetings_without_record(session: Session, today: date) -> list[InboxItem]:
    """Meetings held without their record taken: how many, the most recent first (the
    record the next meeting reads)."""
    missing = and_(col(MeetingSnapshot.id).is_(None), col(Meeting.held_on) <= today)
    stmt = select(col(Meeting.id), col(Meeting.number), col(Meeting.held_on)).outerjoin(
        MeetingSnapshot, col(MeetingSnapshot.meeting_id) == col(Meeting.id)
    )
    total = session.execute(
        select(func.count()).select_from(stmt.where(missing).subquery())
    ).scalar_one()
    if not total:
        return []
    first = session.execute(
        stmt.where(missing)
        .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())
        .limit(LISTED)
    ).all()
    meeting_id, number, held = first[0]
    if total == 1:
        title = f"سابقهٔ جلسهٔ {to_fa_digits(number)} ثبت نشده است"
        detail = f"جلسه در {format_jalali(held)} برگزار شد و وضعیت پیگیری آن روز هنوز ثبت نشده است."
    else:
        title = f"سابقهٔ {format_number(total)} جلسه ثبت نشده است"
        detail = "وضعیت پیگیری روز این جلسه‌ها هنوز ثبت نشده است؛ تازه‌ترین جلسه نخست."
    return [
        InboxItem(
            "record",
            title,
            detail,
            "/meetings",
            int(meeting_id) if total == 1 else 0,
            count=total,
            entries=tuple(
                InboxEntry(
                    f"جلسهٔ {to_fa_digits(n)}، برگزارشده در {format_jalali(d)}",
                    "/meetings",
                    int(m),
                )
                for m, n, d in first
            ),
        )
    ]


def _priority_item(session: Session) -> list[InboxItem]:
    """The counties' priority orders waiting for a decision (resolution 2), oldest first."""
    pending = col(PriorityProposal.state) == ProposalState.PENDING.value
    total = session.execute(
        select(func.count(col(PriorityProposal.id))).where(pending)
    ).scalar_one()
    if not total:
        return []
    first = session.execute(
        select(col(PriorityProposal.id), col(County.name), col(PriorityProposal.sent_at))
        .join(County, col(County.id) == col(PriorityProposal.county_id))
        .where(pending)
        .order_by(col(PriorityProposal.sent_at), col(PriorityProposal.id))
        .limit(LISTED)
    ).all()
    return [
        InboxItem(
            "priority",
            f"{format_number(total)} پیشنهاد اولویت محلات از فرمانداری‌ها",
            "فرمانداری‌ها ترتیب اولویت محلات شهرستان خود را فرستاده‌اند (مصوبه ۲)؛"
            " آن را بپذیرید یا با دلیل برگردانید.",
            "/neighborhoods",
            int(first[0][0]) if total == 1 else 0,
            count=total,
            entries=tuple(
                InboxEntry(
                    f"فرمانداری {name}، فرستاده در {format_jalali(sent.date())}",
                    "/neighborhoods",
                    int(pid),
                )
                for pid, name, sent in first
            ),
        )
    ]
