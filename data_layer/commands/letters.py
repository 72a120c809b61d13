"""The chase on record: the ladder's settings, letters numbered and registered, replies.

Letters are built (PDF) in a read first — `plan_letters` — so the write that numbers
and registers them holds the database for milliseconds, not for the seconds a batch
of PDFs takes. The write then re-reads who is due which step, which rows each letter
names and the next free number, and refuses the batch when any of these moved since
the plan (another tab sent a letter, an agency saved a row): nothing is half-sent."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath

import pandas as pd
from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from data_layer.commands.history import History
from data_layer.commands.settings import store_setting, unchanged
from data_layer.documents.letters import (
    DEFAULT_REPLY_DAYS,
    LetterStep,
    addressee_line,
    follow_up_letter_pdf,
    liaison_line,
)
from data_layer.errors import ConflictError
from data_layer.input.check import Check
from data_layer.jalali import format_jalali
from data_layer.models import Agency, Letter, LetterRow, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.ladder import (
    LADDER_KEY,
    MAX_STEP_DAYS,
    MAX_WORDING,
    STEP_TITLES,
    Ladder,
    Step,
    due_board,
    get_ladder,
    jalali_year,
    letter_number,
)

__all__ = [
    "LADDER_LABELS",
    "REPLY_LABELS",
    "LetterPlan",
    "issue_letters",
    "mark_reply_reviewed",
    "plan_letters",
    "record_reply",
    "set_ladder",
]

LADDER_LABELS = {
    **{f"days_{n}": f"فاصلهٔ {STEP_TITLES[n]} (روز)" for n in (1, 2, 3)},
    **{f"wording_{n}": f"متن {STEP_TITLES[n]}" for n in (1, 2, 3)},
}
REPLY_LABELS = {
    "replied_on": "تاریخ پاسخ",
    "reply_text": "متن پاسخ",
    "reply_file": "پیوست پاسخ",
}
# A reply comes as the evidence does: a scan, a photo, a document (checked by its bytes).
REPLY_TYPES = EVIDENCE_TYPES
MAX_REPLY_BYTES = MAX_EVIDENCE_BYTES
GONE = "این نامه در دفتر پیدا نشد؛ دفتر نامه‌ها را دوباره باز کنید."
MOVED = (
    "فهرست نامه‌های سررسیده از زمان ساخت تغییر کرده است ({what}) و هیچ نامه‌ای ثبت نشد؛"
    " فهرست را دوباره ببینید و نامه‌ها را دوباره بسازید."
)


# --- the ladder's settings ------------------------------------------------------------------


def set_ladder(
    session: Session,
    *,
    actor: Actor,
    days: Sequence[object],
    wordings: Sequence[str],
    expected: Ladder | None = None,
    now: datetime | None = None,
) -> Ladder:
    """The days each step waits and the paragraph each step's letter opens with."""
    require(session, actor, Action.MANAGE_SETTINGS)
    unchanged(get_ladder(session), expected, "پلکان پیگیری")
    check = Check(LADDER_LABELS)
    steps: list[Step] = []
    for n, (d, w) in enumerate(zip(days, wordings, strict=True), start=1):
        low = 0 if n == 1 else 1
        value = check.whole(f"days_{n}", d, low=low, high=MAX_STEP_DAYS)
        text = check.text(f"wording_{n}", w, limit=MAX_WORDING, required=True, multiline=True)
        if value is not None and text is not None:
            steps.append(Step(value, text))
    check.raise_if_any()
    ladder = Ladder((steps[0], steps[1], steps[2]))
    stored = json.dumps([{"days": s.days, "wording": s.wording} for s in ladder.steps])
    store_setting(session, actor, LADDER_KEY, stored, now or utcnow())
    return ladder


# --- letters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterPlan:
    """A letter built and not yet sent: to whom, which step, which rows, its number."""

    agency_id: int
    step: int
    year: int
    serial: int
    reply_by: date
    rows: tuple[tuple[int, str, int, int, bool], ...]  # id, status, progress, days late, unreported
    addressee: str
    pdf: bytes
    is_sample: bool

    @property
    def number(self) -> str:
        """«۱۴۰۵/۱۲»."""
        return letter_number(self.year, self.serial)


def _next_serial(session: Session, year: int) -> int:
    found = session.execute(
        select(func.max(col(Letter.serial))).where(col(Letter.year) == year)
    ).scalar_one_or_none()
    return int(found or 0) + 1


def _named(rows: pd.DataFrame) -> tuple[tuple[int, str, int, int, bool], ...]:
    """What a letter names of its rows: id, status, progress, days late, unreported."""
    return tuple(
        (int(i), str(s), int(p), int(d), bool(u))
        for i, s, p, d, u in zip(
            rows["id"],
            rows["status"],
            rows["progress"],
            rows["days_late"],
            rows["unreported"],
            strict=True,
        )
    )


def plan_letters(
    session: Session,
    *,
    today: date,
    agency_ids: Sequence[int],
    reply_days: int = DEFAULT_REPLY_DAYS,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[LetterPlan]:
    """Build the due letters of these agencies (a read: nothing is stored);
    `on_progress(done, total)` after each letter (a PDF takes a moment to render)."""
    ladder = get_ladder(session)
    due, rows_of = due_board(session, today)
    steps = dict(zip(due["agency_id"].astype(int), due["step"].astype(int), strict=True))
    year = jalali_year(today)
    serial = _next_serial(session, year)
    plans: list[LetterPlan] = []
    for agency_id in agency_ids:
        if agency_id not in steps:
            raise ConflictError(message=MOVED.format(what="دستگاهی دیگر سررسید نیست"))
        agency = load(session, Agency, agency_id, "دستگاه موردنظر پیدا نشد.")
        step = steps[agency_id]
        reply_by = today + timedelta(days=reply_days)
        wording = LetterStep(step, STEP_TITLES[step], ladder.step(step).wording)
        pdf = follow_up_letter_pdf(
            session,
            agency_id=agency_id,
            today=today,
            letter_number=letter_number(year, serial),
            reply_by=reply_by,
            step=wording,
            rows=rows_of[agency_id],
        )
        plans.append(
            LetterPlan(
                agency_id=agency_id,
                step=step,
                year=year,
                serial=serial,
                reply_by=reply_by,
                rows=_named(rows_of[agency_id]),
                addressee=addressee_line(agency) if step == 3 else liaison_line(agency),
                pdf=pdf,
                is_sample=agency.is_sample,
            )
        )
        serial += 1
        if on_progress is not None:
            on_progress(len(plans), len(agency_ids))
    return plans


def _still_as_planned(session: Session, plans: Sequence[LetterPlan], today: date) -> None:
    """Refuse the batch when the next number, a due step or a letter's rows moved."""
    due, rows_of = due_board(session, today)
    steps = dict(zip(due["agency_id"].astype(int), due["step"].astype(int), strict=True))
    if _next_serial(session, plans[0].year) != plans[0].serial:
        raise ConflictError(message=MOVED.format(what="نامهٔ دیگری در این میان شماره گرفت"))
    names = dict(session.execute(select(col(Agency.id), col(Agency.short_name))).all())
    for plan in plans:
        if steps.get(plan.agency_id) != plan.step:
            raise ConflictError(message=MOVED.format(what=f"«{names.get(plan.agency_id, '')}»"))
        if _named(rows_of[plan.agency_id]) != plan.rows:
            what = f"ردیف‌های «{names.get(plan.agency_id, '')}» تغییر کرده است"
            raise ConflictError(message=MOVED.format(what=what))


def issue_letters(
    session: Session,
    *,
    actor: Actor,
    plans: Sequence[LetterPlan],
    today: date,
    now: datetime | None = None,
) -> list[Letter]:
    """Number and register the planned letters, each with its rows and history, in one
    transaction; refused whole when the plan no longer matches the database."""
    now = now or utcnow()
    require(session, actor, Action.MANAGE_MEETINGS)
    if not plans:
        return []
    _still_as_planned(session, plans, today)
    history = History(session, actor, now)
    letters: list[Letter] = []
    for plan in plans:
        letter = Letter(
            year=plan.year,
            serial=plan.serial,
            issued_on=today,
            agency_id=plan.agency_id,
            step=plan.step,
            addressee=plan.addressee,
            copy_to_chair=plan.step == 3,
            reply_by=plan.reply_by,
            rows=len(plan.rows),
            pdf=plan.pdf,
            created_at=now,
            created_by_id=actor.user_id,
            is_sample=plan.is_sample,
        )
        session.add(letter)
        flush_unique(session, "letter", "این شمارهٔ نامه هم‌زمان در جای دیگری ثبت شد.")
        session.execute(
            insert(LetterRow),
            [
                {
                    "letter_id": letter.id,
                    "assignment_id": i,
                    "status": s,
                    "progress": p,
                    "days_late": d,
                    "unreported": u,
                }
                for i, s, p, d, u in plan.rows
            ],
        )
        history.add("letter", letter.id, "created", None, plan.number, STEP_TITLES[plan.step])
        letters.append(letter)
    session.flush()
    return letters


def record_reply(
    session: Session,
    *,
    actor: Actor,
    letter_id: int,
    expected_version: int | None,
    replied_on: date | str,
    text: str,
    filename: str = "",
    content: bytes | None = None,
    today: date,
    now: datetime | None = None,
) -> Letter:
    """The agency's reply to a letter: its date, its text, an optional attachment. A
    second recording corrects the first, with both in history."""
    now = now or utcnow()
    require(session, actor, Action.MANAGE_MEETINGS)
    letter = load(session, Letter, letter_id, GONE, lock=True)
    check_version(letter, expected_version, "این نامه")
    check = Check(REPLY_LABELS)
    day = check.date("replied_on", replied_on)
    body = check.text("reply_text", text, limit=4000, multiline=True)
    name = ""
    if content:
        name = check.text("reply_file", PurePath(filename).name, limit=255, required=True) or ""
        check.upload("reply_file", name, content, types=REPLY_TYPES, max_bytes=MAX_REPLY_BYTES)
    if day is not None and day < letter.issued_on:
        check.add(
            "replied_on", f"پاسخ نمی‌تواند پیش از نامه ({format_jalali(letter.issued_on)}) باشد."
        )
    if day is not None and day > today:
        check.add("replied_on", "تاریخ پاسخ نمی‌تواند پس از امروز باشد.")
    if not (body or content or letter.reply_file):
        check.add("reply_text", "متن پاسخ یا پیوست آن را بنویسید یا بارگذاری کنید.")
    check.raise_if_any()
    new: dict[str, object] = {"replied_on": day, "reply_text": body or ""}
    if content:  # the bytes are kept, not put in history: the file name's entry says which
        letter.reply_file = content
        new |= {"reply_filename": name, "reply_type": REPLY_TYPES[PurePath(name).suffix.lower()][0]}
    history = History(session, actor, now)
    for field, value in new.items():
        if getattr(letter, field) != value:
            history.add("letter", letter.id, field, getattr(letter, field), value)
            setattr(letter, field, value)
    if letter.reply_reviewed_at is not None:  # a corrected reply is read again
        history.add("letter", letter.id, "reply_reviewed_at", letter.reply_reviewed_at, None)
        letter.reply_reviewed_at, letter.reply_reviewed_by_id = None, None
    letter.reply_recorded_at, letter.reply_recorded_by_id = now, actor.user_id
    letter.version += 1
    session.add(letter)
    session.flush()
    return letter


def mark_reply_reviewed(
    session: Session,
    *,
    actor: Actor,
    letter_id: int,
    expected_version: int | None,
    now: datetime | None = None,
) -> Letter:
    """The secretariat has read a letter's reply and acted on it: the reply leaves the
    inbox. Refused when the letter is gone, has no reply, or changed since it was shown
    (a corrected reply must be read first)."""
    now = now or utcnow()
    require(session, actor, Action.MANAGE_MEETINGS)
    letter = load(session, Letter, letter_id, GONE, lock=True)
    check_version(letter, expected_version, "این نامه")
    if letter.replied_on is None:
        raise ConflictError(message="برای این نامه پاسخی ثبت نشده است؛ نخست پاسخ را ثبت کنید.")
    if letter.reply_reviewed_at is not None:
        raise ConflictError(message="پاسخ این نامه پیش‌تر بررسی‌شده ثبت شده است.")
    History(session, actor, now).add("letter", letter.id, "reply_reviewed_at", None, now)
    letter.reply_reviewed_at, letter.reply_reviewed_by_id = now, actor.user_id
    letter.version += 1
    session.add(letter)
    session.flush()
    return letter
