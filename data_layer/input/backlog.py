"""Earlier meetings' resolutions with their state, read from one workbook; nothing is written.

A row is one (meeting, resolution, owners) and the state of each owner's row: status,
progress, due date and the last follow-up note. Rows with the same (meeting number,
resolution number) are one resolution: their owners are united, and they must agree
on the meeting's date and the resolution's text. A meeting already stored must have
the same date; a resolution number its meeting already has is refused (an import
adds history, it never overwrites). Owners are matched as in the minutes
(`input/owners.py`): «ادارات عضو کارگروه» is every agency that was a member on the
meeting's date, and one cell may name several agencies.

How a row's cells become an agency row:
- «پیشرفت ٪» empty is 0 for «انجام نشده» and 100 for «انجام شده»; every other status
  needs it. «انجام شده» needs 100.
- «مهلت انجام» is the planned date and the first planned date; not before the meeting.
- «آخرین پیگیری» is what was done (done_text) for a row with any status but «انجام
  نشده»; for a row not started it can only say what comes next, so it is its next step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from data_layer.errors import FieldError
from data_layer.input.check import Check
from data_layer.input.files import blank
from data_layer.input.owners import OwnerMatch, OwnerMatcher, OwnerSpec, owner_matcher
from data_layer.input.pipeline import ImportPreview, SheetImport, check_each
from data_layer.input.sheet import Column
from data_layer.jalali import format_jalali, format_number
from data_layer.labels import STATUS_LABELS
from data_layer.models import AssignmentStatus
from data_layer.queries.agencies import agency_refs
from data_layer.queries.backlog import BacklogKeys, backlog_keys
from data_layer.queries.membership import member_ids_on
from data_layer.rules.progress import status_progress_problem
from data_layer.text import match_key

__all__ = [
    "BACKLOG_IMPORT",
    "COLUMNS",
    "LABELS",
    "MAX_BACKLOG_BYTES",
    "MAX_BACKLOG_ROWS",
    "BacklogPreview",
    "BacklogRow",
    "OwnerRow",
    "ResolutionGroup",
    "check_rows",
    "group_rows",
    "read_backlog_file",
]

MAX_BACKLOG_BYTES = 10 * 1024 * 1024
MAX_BACKLOG_ROWS = 10_000
TEXT_LIMIT = 4000
OWNERS_LIMIT = 500
NOTE_LIMIT = 1000

COLUMNS: tuple[Column, ...] = (
    Column(
        "meeting_number",
        "شماره جلسه",
        True,
        "#meeting+num",
        ("meeting", "meeting number", "جلسه", "شماره‌ی جلسه"),
    ),
    Column(
        "meeting_date",
        "تاریخ جلسه",
        True,
        "#date+meeting",
        ("meeting date", "تاریخ برگزاری", "تاریخ برگزاری جلسه"),
    ),
    Column(
        "resolution_number",
        "شماره مصوبه",
        True,
        "#activity+num",
        ("resolution number", "شماره‌ی مصوبه", "ردیف مصوبه", "بند"),
    ),
    Column(
        "text",
        "شرح مصوبه",
        True,
        "#activity+description",
        ("resolution", "text", "متن مصوبه", "مصوبه"),
    ),
    Column(
        "owners",
        "مسوول پیگیری",
        True,
        "#org+impl",
        (
            "owner",
            "owners",
            "مسئول پیگیری",
            "مسؤول پیگیری",
            "مسوولان پیگیری",
            "دستگاه مسوول",
            "دستگاه مجری",
        ),
    ),
    Column("status", "وضعیت", True, "#status", ("status", "وضعیت انجام", "وضعیت پیگیری")),
    Column(
        "progress",
        "پیشرفت ٪",
        False,
        "#indicator+progress+pct",
        ("progress", "پیشرفت", "درصد پیشرفت", "پیشرفت (٪)", "پیشرفت %"),
    ),
    Column(
        "due_date",
        "مهلت انجام",
        False,
        "#date+due",
        ("due", "due date", "مهلت", "سررسید", "تاریخ برنامه"),
    ),
    Column(
        "note",
        "آخرین پیگیری",
        False,
        "#description+followup",
        ("note", "last note", "آخرین وضعیت", "آخرین اقدام", "توضیحات"),
    ),
)
LABELS: dict[str, str] = {c.field: c.label for c in COLUMNS}
# Other ways old spreadsheets write a status (compared with match_key).
_STATUS_WORDS: dict[str, str] = {
    match_key(word): code.value
    for word, code in (
        ("انجام شد", AssignmentStatus.DONE),
        ("تکمیل شده", AssignmentStatus.DONE),
        ("تکمیل شد", AssignmentStatus.DONE),
        ("در دست اقدام", AssignmentStatus.IN_PROGRESS),
        ("در حال اجرا", AssignmentStatus.IN_PROGRESS),
        ("شروع نشده", AssignmentStatus.NOT_STARTED),
        ("اقدام نشده", AssignmentStatus.NOT_STARTED),
    )
}


@dataclass(frozen=True)
class BacklogRow:
    """One checked row of the workbook (`row`: its row as Excel shows it)."""

    row: int
    meeting_number: int
    meeting_date: date
    resolution_number: int
    text: str
    owners_text: str
    owners: OwnerSpec
    status: str
    progress: int
    due_date: date | None
    note: str


@dataclass(frozen=True)
class OwnerRow:
    """One agency row to create, with the state its workbook row gave it."""

    agency_id: int
    status: str
    progress: int
    due_date: date | None
    note: str
    row: int


@dataclass
class ResolutionGroup:
    """One resolution to create: its rows of the workbook merged."""

    meeting_number: int
    meeting_date: date
    number: int
    text: str
    first_row: int
    owners_texts: list[str] = field(default_factory=list)
    all_members: bool = False
    due_dates: set[date | None] = field(default_factory=set)
    owners: list[OwnerRow] = field(default_factory=list)

    @property
    def owners_as_written(self) -> str:
        """The owner cells of its rows, as written, one after the other."""
        return " / ".join(dict.fromkeys(self.owners_texts))[:OWNERS_LIMIT]

    @property
    def due_date(self) -> date | None:
        """The resolution's own due date: the one every row gave, else none."""
        return next(iter(self.due_dates)) if len(self.due_dates) == 1 else None


@dataclass
class BacklogPreview(ImportPreview[dict[str, object], BacklogRow]):
    """What a backlog workbook holds, checked, before anything is written (see
    input/pipeline.ImportPreview); `groups` the resolutions the rows make when no row
    has a problem, `new_meetings` the meeting numbers the import would create."""

    groups: list[ResolutionGroup] = field(default_factory=list)
    new_meetings: list[int] = field(default_factory=list)

    @property
    def meeting_count(self) -> int:
        """Meetings the rows belong to (new and stored)."""
        return len({g.meeting_number for g in self.groups})

    @property
    def resolution_count(self) -> int:
        """Resolutions the import creates."""
        return len(self.groups)

    @property
    def assignment_count(self) -> int:
        """Agency rows the import creates."""
        return sum(len(g.owners) for g in self.groups)


# --- one row ----------------------------------------------------------------------------


def _owner_problem(match: OwnerMatch, part: str, names: Mapping[int, str]) -> str:
    """Why a name of an owner cell matched no agency, and what it resembles."""
    suggested = [f"«{names[i]}»" for i in match.suggestions.get(part, []) if i in names]
    if part in match.ambiguous:
        return (
            f"«{part}» نام بیش از یک دستگاه است ({' و '.join(suggested)})؛ نام کامل یکی را بنویسید."
        )
    if suggested:
        return (
            f"«{part}» با هیچ دستگاهی جور نشد؛ شبیه {' یا '.join(suggested)} است."
            " نام دستگاه را همان‌گونه که در سامانه ثبت است بنویسید."
        )
    return (
        f"«{part}» با هیچ دستگاهی جور نشد و به نام هیچ دستگاهی هم شبیه نیست؛ نام"
        " دستگاه را همان‌گونه که در سامانه ثبت است بنویسید، یا نخست دستگاه را ثبت کنید."
    )


def _owners(
    check: Check, text: str, matcher: OwnerMatcher, names: Mapping[int, str]
) -> OwnerSpec | None:
    match = matcher.match(text)
    for part in match.unmatched:
        check.add("owners", f"«{LABELS['owners']}»: {_owner_problem(match, part, names)}")
    return match.spec()


def _status(check: Check, value: object) -> str | None:
    if isinstance(value, str) and match_key(value) in _STATUS_WORDS:
        return _STATUS_WORDS[match_key(value)]
    code = check.choice("status", value, STATUS_LABELS)
    return None if code is None else str(code)


def _progress(check: Check, value: object, status: str | None) -> int | None:
    if blank(value) and status == AssignmentStatus.NOT_STARTED:
        return 0
    if blank(value) and status == AssignmentStatus.DONE:
        return 100
    if blank(value) and status is None:
        return None  # the status is refused already; its progress depends on it
    progress = check.percent("progress", value)
    problem = (
        None if progress is None or status is None else status_progress_problem(status, progress)
    )
    if problem:
        check.add("progress", problem)
        return None
    return progress


def _check_row(
    raw: Mapping[str, object],
    number: int,
    check: Check,
    matcher: OwnerMatcher,
    names: Mapping[int, str],
) -> BacklogRow | None:
    """One row checked on its own (the database is read only for the owners)."""
    meeting = check.whole("meeting_number", raw.get("meeting_number"), low=1, high=99_999)
    held = check.date("meeting_date", raw.get("meeting_date"))
    resolution = check.whole("resolution_number", raw.get("resolution_number"), low=1, high=99_999)
    text = check.text("text", raw.get("text"), limit=TEXT_LIMIT, required=True, multiline=True)
    owners_text = check.text("owners", raw.get("owners"), limit=OWNERS_LIMIT, required=True)
    owners = _owners(check, owners_text, matcher, names) if owners_text else None
    status = _status(check, raw.get("status"))
    progress = _progress(check, raw.get("progress"), status)
    due = check.date("due_date", raw.get("due_date"), required=False, not_before=held)
    note = check.text("note", raw.get("note"), limit=NOTE_LIMIT, multiline=True)
    if (
        check
        or meeting is None
        or held is None
        or resolution is None
        or owners is None
        or status is None
        or progress is None
    ):
        return None
    return BacklogRow(
        number, meeting, held, resolution, text, owners_text, owners, status, progress, due, note
    )


def check_rows(
    rows: Sequence[Mapping[str, object]], row_numbers: Sequence[int], session: Session
) -> tuple[list[BacklogRow], list[FieldError]]:
    """Every row checked on its own, owners matched against the active agencies."""
    refs = agency_refs(session)
    matcher = owner_matcher(refs)
    names = {r.id: r.name for r in refs}
    return check_each(
        rows,
        row_numbers,
        LABELS,
        lambda raw, number, check: _check_row(raw, number, check, matcher, names),
    )


# --- rows together, and against the database ------------------------------------------


class _Grouping:
    """Rows merged into resolutions, each checked against the others and the database."""

    def __init__(self, keys: BacklogKeys, members_on: Callable[[date], Sequence[int]]) -> None:
        self.keys, self.members_on = keys, members_on
        self.members: dict[date, list[int]] = {}
        self.first_of_meeting: dict[int, BacklogRow] = {}
        self.groups: dict[tuple[int, int], ResolutionGroup] = {}
        self.owner_rows: dict[tuple[int, int], dict[int, int]] = {}

    def _meeting(self, check: Check, r: BacklogRow, group: ResolutionGroup | None) -> None:
        stored = self.keys.meetings.get(r.meeting_number)
        first = self.first_of_meeting.setdefault(r.meeting_number, r)
        other_row, other_date = (
            (group.first_row, group.meeting_date) if group else (first.row, first.meeting_date)
        )
        where = f"جلسه {format_number(r.meeting_number)}"
        if stored is not None and stored[1] != r.meeting_date:
            check.add(
                "meeting_date",
                f"{where} در سامانه با تاریخ {format_jalali(stored[1])} ثبت شده است، نه"
                f" {format_jalali(r.meeting_date)}؛ تاریخ را درست کنید (این ورود جلسهٔ"
                " ثبت‌شده را تغییر نمی‌دهد).",
            )
        elif other_date != r.meeting_date:
            check.add(
                "meeting_date",
                f"«{LABELS['meeting_date']}» ({format_jalali(r.meeting_date)}) با سطر"
                f" {format_number(other_row)} ({format_jalali(other_date)}) برای همان {where}"
                " یکی نیست؛ هر جلسه یک تاریخ دارد.",
            )

    def _resolution(self, check: Check, r: BacklogRow, group: ResolutionGroup | None) -> None:
        where = (
            f"جلسه {format_number(r.meeting_number)}، مصوبه {format_number(r.resolution_number)}"
        )
        if (r.meeting_number, r.resolution_number) in self.keys.resolutions:
            check.add(
                "resolution_number",
                f"{where} پیش‌تر در سامانه ثبت شده است؛ این ورود سوابق تازه می‌افزاید و مصوبهٔ"
                " ثبت‌شده را بازنویسی نمی‌کند. این سطر را حذف کنید یا شماره را درست کنید.",
            )
        elif group is not None and match_key(group.text) != match_key(r.text):
            check.add(
                "text",
                f"«{LABELS['text']}» با سطر {format_number(group.first_row)} ({where}) یکی"
                " نیست؛ سطرهای یک مصوبه باید یک شرح داشته باشند.",
            )

    def _agencies(self, check: Check, r: BacklogRow) -> list[int]:
        ids = list(dict.fromkeys(r.owners.agency_ids))
        for agency_id in ids:
            if agency_id not in self.keys.active:
                check.add(
                    "owners",
                    f"دستگاه شمارهٔ {format_number(agency_id)} از «{r.owners_text}» پس از"
                    " خواندن پرونده غیرفعال شد؛ پرونده را دوباره بخوانید.",
                )
        if not r.owners.all_members:
            return ids
        if r.meeting_date not in self.members:
            self.members[r.meeting_date] = list(self.members_on(r.meeting_date))
        members = self.members[r.meeting_date]
        if not members:
            check.add(
                "owners",
                f"در روز جلسه ({format_jalali(r.meeting_date)}) هیچ دستگاهی عضو کارگروه نبود؛"
                " نخست دوره‌های عضویت دستگاه‌ها را ثبت کنید.",
            )
        return members + [i for i in ids if i not in set(members)]

    def _owners(self, check: Check, r: BacklogRow, ids: list[int]) -> None:
        seen = self.owner_rows.setdefault((r.meeting_number, r.resolution_number), {})
        for agency_id in ids:
            if agency_id in seen:
                name = self.keys.active.get(agency_id, format_number(agency_id))
                check.add(
                    "owners",
                    f"دستگاه «{name}» در سطر {format_number(seen[agency_id])} هم مسوول همین"
                    " مصوبه است؛ هر دستگاه در هر مصوبه یک ردیف دارد.",
                )

    def add(self, r: BacklogRow, check: Check) -> BacklogRow:
        """Check one row against the rows before it and the database, then merge it."""
        key = (r.meeting_number, r.resolution_number)
        group = self.groups.get(key)
        self._meeting(check, r, group)
        self._resolution(check, r, group)
        ids = self._agencies(check, r)
        self._owners(check, r, ids)
        if check:
            return r
        if group is None:
            group = self.groups[key] = ResolutionGroup(
                r.meeting_number, r.meeting_date, r.resolution_number, r.text, r.row
            )
        group.owners_texts.append(r.owners_text)
        group.all_members = group.all_members or r.owners.all_members
        group.due_dates.add(r.due_date)
        seen = self.owner_rows[key]
        for agency_id in ids:
            seen[agency_id] = r.row
            group.owners.append(
                OwnerRow(agency_id, r.status, r.progress, r.due_date, r.note, r.row)
            )
        return r


def group_rows(
    rows: Sequence[BacklogRow], keys: BacklogKeys, members_on: Callable[[date], Sequence[int]]
) -> tuple[list[ResolutionGroup], list[FieldError]]:
    """The rows merged into resolutions; every clash between rows or with the database."""
    grouping = _Grouping(keys, members_on)
    _, errors = check_each(rows, [r.row for r in rows], LABELS, lambda r, _, c: grouping.add(r, c))
    if errors:
        return [], errors
    return list(grouping.groups.values()), []


def _check(preview: BacklogPreview, session: Session) -> None:
    preview.clean, preview.errors = check_rows(preview.rows, preview.row_numbers, session)
    if preview.errors:
        return
    keys = backlog_keys(session)
    preview.groups, preview.errors = group_rows(
        preview.clean, keys, lambda day: member_ids_on(session, day)
    )
    stored = keys.meetings
    preview.new_meetings = sorted({g.meeting_number for g in preview.groups} - set(stored))


BACKLOG_IMPORT = SheetImport(
    COLUMNS, MAX_BACKLOG_BYTES, MAX_BACKLOG_ROWS, "مصوبه", BacklogPreview, _check
)


def read_backlog_file(filename: str, content: bytes, session: Session) -> BacklogPreview:
    """Read and check a backlog workbook (.xlsx or .csv); nothing is written."""
    return BACKLOG_IMPORT.read(filename, content, session)
