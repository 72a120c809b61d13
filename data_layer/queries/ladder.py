"""The chase that escalates: which agency is due which step of the ladder today, and
the letter register (every letter sent, and its reply).

A row goes in its agency's letter when it is live and either overdue or unreported
(the rule of data_layer/rules/lateness.py); `late_agencies` counts exactly those rows,
so every agency it lists gets a letter with at least one row in its table.

The ladder has three steps: a first reminder, a second one, then a letter to the
agency's head with a copy to the working group's chair. An agency with rows that go
in a letter is due
- step 1 when it has no unanswered letter, its worst row is at least step 1's days
  late (a never-reported row counts as late enough), and any reply came at least
  step 1's days ago;
- step k+1 (k = 1, 2) when its latest letter is an unanswered step k sent at least
  step k+1's days ago.
After step 3 the agency waits for its reply; a reply starts the ladder again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.jalali import to_fa_digits, to_jalali
from data_layer.models import (
    Agency,
    AppSetting,
    Assignment,
    AssignmentStatus,
    Letter,
    LetterRow,
    Meeting,
    Resolution,
    UnplannedDueTally,
)
from data_layer.queries.assignments import agencies_assignments
from data_layer.rules.lateness import (
    days_late,
    effective_due,
    grace_ended,
    is_overdue,
    is_unreported,
    unreported_rows,
)

__all__ = [
    "DEFAULT_LADDER",
    "LADDER_KEY",
    "STEP_TITLES",
    "Ladder",
    "Step",
    "agencies_due_a_step",
    "due_board",
    "due_today",
    "get_ladder",
    "late_agencies",
    "letter_number",
    "letter_register",
    "letter_rows",
    "letter_rows_by_agency",
    "letter_rows_of",
]

LADDER_KEY = "letters.ladder"
STEP_TITLES = {
    1: "یادآوری نخست",
    2: "یادآوری دوم",
    3: "نامه به رئیس دستگاه با رونوشت به رئیس کارگروه",
}
MAX_STEP_DAYS = 120
MAX_WORDING = 1500


@dataclass(frozen=True)
class Step:
    """One step: the days it waits (after a row is late, or after the step before) and
    the paragraph its letter opens with."""

    days: int
    wording: str


@dataclass(frozen=True)
class Ladder:
    """The three steps, in order."""

    steps: tuple[Step, Step, Step]

    def step(self, n: int) -> Step:
        """Step n (1-3)."""
        return self.steps[n - 1]


DEFAULT_LADDER = Ladder(
    (
        Step(
            7,
            "احتراماً، بدین‌وسیله یادآوری می‌شود که گزارش برخی از مصوبات کارگروه که پیگیری آن‌ها"
            " بر عهدهٔ آن دستگاه است، در سامانه به‌روز نشده است.",
        ),
        Step(
            10,
            "احتراماً، پیرو یادآوری پیشین، گزارش مصوبات زیر همچنان در سامانه به‌روز نشده است و"
            " انتظار می‌رود در اسرع وقت اقدام شود.",
        ),
        Step(
            10,
            "احتراماً، با وجود دو نوبت یادآوری، گزارش مصوبات زیر که پیگیری آن‌ها بر عهدهٔ آن"
            " دستگاه است همچنان ثبت نشده است؛ خواهشمند است دستور فرمایید موضوع به‌طور ویژه"
            " پیگیری شود.",
        ),
    )
)


def get_ladder(session: Session) -> Ladder:
    """The stored ladder, or the default when none is stored or it is unreadable."""
    row = session.get(AppSetting, LADDER_KEY)
    if row is None:
        return DEFAULT_LADDER
    try:
        data = json.loads(row.value)
        steps = [Step(int(s["days"]), str(s["wording"])) for s in data]
    except (ValueError, TypeError, KeyError):
        return DEFAULT_LADDER
    if len(steps) != 3 or any(not 0 <= s.days <= MAX_STEP_DAYS for s in steps):
        return DEFAULT_LADDER
    return Ladder((steps[0], steps[1], steps[2]))


def letter_number(year: int, serial: int) -> str:
    """«۱۴۰۵/۱۲»: the Jalali year and the letter's place in it."""
    return f"{to_fa_digits(year)}/{to_fa_digits(serial)}"


def jalali_year(day: date) -> int:
    """The Jalali year of a day."""
    return int(to_jalali(day).year)


# --- the register ---------------------------------------------------------------------------

REGISTER_COLUMNS = [
    "id",
    "number",
    "issued_on",
    "agency_id",
    "agency",
    "step",
    "addressee",
    "rows",
    "reply_by",
    "replied_on",
    "reply_text",
    "reply_filename",
    "version",
    "is_sample",
]


def letter_register(session: Session, agency_id: int | None = None) -> pd.DataFrame:
    """Every letter on record (of one agency, if given), the newest first."""
    stmt = (
        select(
            col(Letter.id),
            col(Letter.year),
            col(Letter.serial),
            col(Letter.issued_on),
            col(Letter.agency_id),
            col(Agency.short_name),
            col(Letter.step),
            col(Letter.addressee),
            col(Letter.rows),
            col(Letter.reply_by),
            col(Letter.replied_on),
            col(Letter.reply_text),
            col(Letter.reply_filename),
            col(Letter.version),
            col(Letter.is_sample),
        )
        .join(Agency, col(Agency.id) == col(Letter.agency_id))
        .order_by(col(Letter.issued_on).desc(), col(Letter.id).desc())
    )
    if agency_id is not None:
        stmt = stmt.where(col(Letter.agency_id) == agency_id)
    found = [
        (i, letter_number(y, n), *rest)
        for i, y, n, *rest in (tuple(r) for r in session.execute(stmt).all())
    ]
    return pd.DataFrame(found, columns=REGISTER_COLUMNS)


def letter_rows_of(session: Session, letter_id: int) -> pd.DataFrame:
    """The rows a letter named, as they stood when it was sent."""
    stmt = select(
        col(LetterRow.assignment_id),
        col(LetterRow.status),
        col(LetterRow.progress),
        col(LetterRow.days_late),
        col(LetterRow.unreported),
    ).where(col(LetterRow.letter_id) == letter_id)
    return pd.DataFrame(
        [tuple(r) for r in session.execute(stmt).all()],
        columns=["assignment_id", "status", "progress", "days_late", "unreported"],
    )


# --- which agencies and which rows go in a letter --------------------------------------

LATE_AGENCY_COLUMNS = [
    "agency_id",
    "name",
    "short_name",
    "kind",
    "rows",
    "overdue",
    "unreported",
    "letter_rows",
    "oldest_due",
    "unreported_only",
]


def late_agencies(session: Session, today: date) -> pd.DataFrame:
    """Active agencies with at least one overdue row or one unreported row.

    Columns: agency_id, name, short_name, kind, rows (live rows), overdue,
    unreported (may overlap overdue), letter_rows (rows that go in the letter:
    overdue or unreported), oldest_due (the earliest due date of an overdue row, or
    None) and unreported_only (unreported rows that are not overdue). Worst first: most
    overdue, then most letter rows, then the agencies' own order.
    """

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    overdue = is_overdue(today)
    in_letter = count_if(or_(overdue, is_unreported(today)))
    stmt = (
        select(
            col(Agency.id),
            col(Agency.name),
            col(Agency.short_name),
            col(Agency.kind),
            func.count(col(Assignment.id)),
            count_if(overdue),
            count_if(is_unreported(today)),
            in_letter,
            func.min(case((overdue, effective_due()))),
            func.coalesce(func.sum(case((overdue, 0), (is_unreported(today), 1), else_=0)), 0),
        )
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(col(Assignment.withdrawn).is_(False), col(Agency.active).is_(True))
        .group_by(
            col(Agency.id),
            col(Agency.name),
            col(Agency.short_name),
            col(Agency.kind),
            col(Agency.sort_order),
        )
        .having(in_letter > 0)
        .order_by(in_letter.desc(), col(Agency.sort_order), col(Agency.id))
    )
    df = pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=LATE_AGENCY_COLUMNS)
    for name in ("rows", "overdue", "unreported", "letter_rows", "unreported_only"):
        df[name] = df[name].astype(int)
    df["oldest_due"] = [None if d is None else _as_date(d) for d in df["oldest_due"]]
    return df.sort_values(
        ["overdue", "letter_rows"], ascending=[False, False], kind="stable"
    ).reset_index(drop=True)


def letter_rows(session: Session, agency_id: int, today: date) -> pd.DataFrame:
    """An agency's rows for its letter: overdue ones (most days late first), then the
    unreported ones (oldest meeting first); among rows otherwise equal, those the agency
    leads come first. Adds `days_late` (0 when not overdue) and `unreported`."""
    return letter_rows_by_agency(session, [agency_id], today)[agency_id]


def letter_rows_by_agency(
    session: Session, agency_ids: Sequence[int], today: date
) -> dict[int, pd.DataFrame]:
    """`letter_rows` of each of these agencies, read at once."""
    rows = agencies_assignments(session, agency_ids, today)
    found: dict[int, pd.DataFrame] = {}
    for agency_id in agency_ids:
        df = rows[rows["agency_id"] == agency_id]
        df = df[df["overdue"] | unreported_rows(df, today)].copy()
        df["unreported"] = df["reported_at"].isna()
        df["days_late"] = pd.Series(
            [
                days_late(due, today, overdue=late)
                for due, late in zip(df["due"], df["overdue"], strict=True)
            ],
            index=df.index,
            dtype=int,
        )
        found[agency_id] = df.sort_values(
            ["overdue", "days_late", "is_lead", "held_on", "resolution_number"],
            ascending=[False, False, False, True, True],
            kind="stable",
        ).reset_index(drop=True)
    return found


# --- who is due which step --------------------------------------------------------------------

DUE_COLUMNS = [
    "agency_id",
    "name",
    "short_name",
    "step",
    "rows",
    "overdue",
    "unreported",
    "worst_days_late",
    "last_number",
    "last_issued_on",
    "last_step",
    "waiting",
]


def _latest_letters(session: Session) -> dict[int, Any]:
    """Each agency's latest letter (step, issued_on, replied_on, number)."""
    latest = (
        select(col(Letter.agency_id), func.max(col(Letter.id)).label("id"))
        .group_by(col(Letter.agency_id))
        .subquery()
    )
    stmt = select(
        col(Letter.agency_id),
        col(Letter.step),
        col(Letter.issued_on),
        col(Letter.replied_on),
        col(Letter.year),
        col(Letter.serial),
    ).join(latest, and_(latest.c.id == col(Letter.id)))
    return {int(r[0]): r for r in session.execute(stmt).all()}


def _step_due(
    ladder: Ladder, today: date, worst_late: int, any_unreported: bool, last: Any
) -> tuple[int | None, str]:
    """The step due today (None: none) and, when none, what the agency waits for."""
    first = ladder.step(1).days
    if last is None or last.replied_on is not None:
        if last is not None and today < last.replied_on + timedelta(days=first):
            return None, "پاسخ داده است"
        if any_unreported or worst_late >= first:
            return 1, ""
        return None, "هنوز به مهلت یادآوری نرسیده"
    if last.step >= 3:
        return None, "در انتظار پاسخ به نامهٔ رئیس دستگاه"
    nxt = last.step + 1
    if today >= last.issued_on + timedelta(days=ladder.step(nxt).days):
        return nxt, ""
    return None, f"در انتظار پاسخ به {STEP_TITLES[last.step]}"


def due_today(session: Session, today: date, *, every: bool = False) -> pd.DataFrame:
    """Agencies with rows for a letter and the step each is due today, worst first.

    Without `every`, only those due a step; with it, the waiting ones too (step 0 and
    `waiting` says for what)."""
    return due_board(session, today, every=every)[0]


def due_board(
    session: Session, today: date, *, every: bool = False
) -> tuple[pd.DataFrame, dict[int, pd.DataFrame]]:
    """`due_today`'s frame, and the rows each listed agency's letter names (read once,
    for the letters built or checked from it)."""
    ladder = get_ladder(session)
    late = late_agencies(session, today)
    latest = _latest_letters(session)
    letters = letter_rows_by_agency(session, [int(i) for i in late["agency_id"]], today)
    found: list[dict[str, Any]] = []
    rows_of: dict[int, pd.DataFrame] = {}
    for agency in late.to_dict("records"):
        agency_id = int(agency["agency_id"])
        rows = letters[agency_id]
        worst = int(rows["days_late"].max()) if len(rows) else 0
        unreported = bool((rows["unreported"] & ~rows["overdue"]).any()) if len(rows) else False
        last = latest.get(agency_id)
        step, waiting = _step_due(ladder, today, worst, unreported, last)
        if step is None and not every:
            continue
        rows_of[agency_id] = rows
        found.append(
            {
                "agency_id": agency_id,
                "name": agency["name"],
                "short_name": agency["short_name"],
                "step": step or 0,
                "rows": len(rows),
                "overdue": int(agency["overdue"]),
                "unreported": int(agency["unreported"]),
                "worst_days_late": worst,
                "last_number": letter_number(last.year, last.serial) if last else "",
                "last_issued_on": last.issued_on if last else None,
                "last_step": int(last.step) if last else 0,
                "waiting": waiting,
            }
        )
    frame = pd.DataFrame(found, columns=DUE_COLUMNS)
    ordered = frame.sort_values(
        ["step", "worst_days_late"], ascending=[False, False], kind="stable"
    ).reset_index(drop=True)
    return ordered, rows_of


def agencies_due_a_step(session: Session, today: date) -> list[tuple[int, str, int]]:
    """(agency id, short name, step) of every agency due a step today: `due_today`'s
    answer without grouping the rows (for the inbox): per agency, a few index walks that
    stop at the first row they need. Most urgent first: the highest step, then the most
    days late, then the agencies' own order."""
    ladder = get_ladder(session)
    latest = _latest_letters(session)
    first = ladder.step(1).days
    found: list[tuple[int, str, int, int, int]] = []
    need_more: list[tuple[int, str, int, int, Any]] = []
    for agency_id, name, order, planned, resolution, unreported in session.execute(
        _lateness_stmt(today)
    ).all():
        oldest_due = _oldest(planned, resolution)
        if oldest_due is None and not unreported:
            continue  # no row for a letter
        worst = days_late(oldest_due, today) if oldest_due is not None else 0
        last = latest.get(int(agency_id))
        fresh = last is None or last.replied_on is not None
        if fresh and worst < first and unreported:
            # Step 1 then hangs on a row unreported but not yet overdue: asked below.
            need_more.append((int(agency_id), str(name), int(order), worst, last))
            continue
        step, _ = _step_due(ladder, today, worst, False, last)
        if step is not None:
            found.append((int(agency_id), str(name), int(order), worst, step))
    if need_more:
        quiet = _unreported_not_overdue(session, today, [a for a, *_ in need_more])
        for agency_id, name, order, worst, last in need_more:
            step, _ = _step_due(ladder, today, worst, agency_id in quiet, last)
            if step is not None:
                found.append((agency_id, name, order, worst, step))
    found.sort(key=lambda f: (-f[4], -f[3], f[2], f[0]))
    return [(agency_id, name, step) for agency_id, name, _, _, step in found]


def _open_row(row: Any) -> list[ColumnElement[bool]]:
    """A live row of the agency of the enclosing query, not reported done."""
    return [
        row.agency_id == col(Agency.id),
        row.status != AssignmentStatus.DONE.value,
        row.withdrawn.is_(False),
    ]


def _lateness_stmt(today: date) -> Any:
    """Per active agency: its oldest planned date and oldest resolution due date among its
    overdue rows, and whether it has an unreported row (each a walk down an index; the
    resolution due date the first entry of the tally the writes keep)."""
    # Aliases (typed Any: their columns are expressions, not the model's Python types).
    planned: Any = aliased(Assignment)
    never: Any = aliased(Assignment)
    held: Any = aliased(Resolution)
    passed: Any = aliased(Meeting)
    oldest_planned = (
        select(planned.planned_date)
        .where(*_open_row(planned), planned.planned_date < today)
        .order_by(planned.planned_date)
        .limit(1)
        .scalar_subquery()
    )
    # Rows without a planned date are due when their resolution is: the agency's
    # first day in the tally the writes keep of them (migration 0018), one index probe
    # whatever the number of resolutions.
    oldest_resolution = (
        select(col(UnplannedDueTally.due_on))
        .where(
            col(UnplannedDueTally.agency_id) == col(Agency.id),
            col(UnplannedDueTally.due_on) < today,
        )
        .order_by(col(UnplannedDueTally.due_on))
        .limit(1)
        .correlate(Agency)
        .scalar_subquery()
    )
    unreported = exists().where(
        *_open_row(never),
        never.reported_at.is_(None),
        held.id == never.resolution_id,
        passed.id == held.meeting_id,
        passed.held_on <= grace_ended(today),
    )
    return (
        select(
            col(Agency.id),
            col(Agency.short_name),
            col(Agency.sort_order),
            oldest_planned,
            oldest_resolution,
            unreported,
        )
        .where(col(Agency.active).is_(True))
        .order_by(col(Agency.sort_order), col(Agency.id))
    )


def _unreported_not_overdue(session: Session, today: date, agency_ids: list[int]) -> set[int]:
    """Those of these agencies with a row unreported (`is_unreported`) but not overdue."""
    due = effective_due()
    stmt = select(col(Agency.id)).where(
        col(Agency.id).in_(agency_ids),
        exists()
        .where(
            col(Assignment.agency_id) == col(Agency.id),
            col(Assignment.withdrawn).is_(False),
            is_unreported(today),
            or_(due.is_(None), due >= today),
            col(Resolution.id) == col(Assignment.resolution_id),
            col(Meeting.id) == col(Resolution.meeting_id),
        )
        .correlate(Agency),
    )
    return {int(a) for a in session.execute(stmt).scalars()}


def _oldest(planned: Any, resolution: Any) -> date | None:
    """The earlier of two dates either of which may be missing (SQLite: text)."""
    days = [_as_date(d) for d in (planned, resolution) if d is not None]
    return min(days) if days else None


def _as_date(value: Any) -> date:
    """A date SQLite may return as text from an aggregate."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
