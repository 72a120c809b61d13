"""Earlier meetings brought in from one workbook, then worked through in bulk.

Workbooks are built with openpyxl by bench/backlog_files.py (the benchmark's too). Every
test runs on SQLite and on PostgreSQL (`minutes_url`: the 7th meeting's real minutes and
the sample's 24 member agencies) and counts what the database holds afterwards.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlmodel import Session, col, func, select

from bench.backlog_files import ALL, HEADER, MEMBERS, generated, row, workbook
from data_layer.commands.backlog import import_backlog
from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.triage import bulk_mark_done, bulk_reschedule, bulk_withdraw
from data_layer.db import get_engine, read_data_version, read_session, write_session
from data_layer.documents.backlog_template import backlog_template_xlsx
from data_layer.errors import ConflictError, PermissionDenied, ValidationError
from data_layer.input.backlog import COLUMNS, BacklogPreview, read_backlog_file
from data_layer.jalali import parse_jalali, to_fa_digits
from data_layer.models import (
    Agency,
    AgencyMembership,
    Assignment,
    HistoryEntry,
    Meeting,
    Resolution,
    Role,
    User,
)
from data_layer.permissions import Actor
from data_layer.queries.backlog import BacklogFilter, backlog_rows
from tests.data_layer.commands import add_user

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
TODAY = date(2026, 11, 28)
TABLES = (Meeting, Resolution, Assignment, HistoryEntry)
WELFARE = "اداره کل بهزیستی استان"
RELIEF = "کمیته امداد امام خمینی (ره) استان"


def counts(url: str) -> dict[str, int]:
    """Rows of each table the import writes."""
    with read_session(url) as s:
        return {
            str(t.__tablename__): int(s.exec(select(func.count()).select_from(t)).one())
            for t in TABLES
        }


def people(url: str) -> tuple[Actor, Actor]:
    """A secretariat member and an agency liaison."""
    with write_session(url) as s:
        welfare = s.exec(select(Agency).where(Agency.name == WELFARE)).one()
        return (
            add_user(s, "dabir", "دبیر کارگروه", Role.SECRETARIAT),
            add_user(s, "behzisti", "رابط بهزیستی", Role.AGENCY_EDITOR, welfare.id),
        )


def read(url: str, content: bytes, name: str = "سوابق.xlsx") -> BacklogPreview:
    with read_session(url) as s:
        return read_backlog_file(name, content, s)


@contextmanager
def commits(url: str) -> Iterator[list[int]]:
    """Counts the transactions committed on the database inside the block."""
    seen: list[int] = []

    def on_commit(_conn: object) -> None:
        seen.append(1)

    engine = get_engine(url)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", on_commit)


def import_file(url: str, actor: Actor, preview: BacklogPreview) -> None:
    with write_session(url) as s:
        import_backlog(s, actor=actor, preview=preview, now=NOW)


# --- the import ------------------------------------------------------------------------


def test_a_generated_2000_row_workbook_goes_in_in_one_transaction(minutes_url: str) -> None:
    dabir, _ = people(minutes_url)
    content, expected = generated(2000)
    assert expected.rows == 2000
    preview = read(minutes_url, content)
    assert preview.ok, preview.errors[:5]
    assert (preview.meeting_count, preview.resolution_count, preview.assignment_count) == (
        expected.meetings,
        expected.resolutions,
        expected.assignments,
    )
    before, version = counts(minutes_url), read_data_version(minutes_url)
    with commits(minutes_url) as seen, write_session(minutes_url) as s:
        result = import_backlog(s, actor=dabir, preview=preview, now=NOW)
    assert len(seen) == 1
    assert (result.meetings, result.resolutions, result.assignments, result.history) == (
        expected.meetings,
        expected.resolutions,
        expected.assignments,
        expected.history,
    )
    after = counts(minutes_url)
    assert after == {
        "meeting": before["meeting"] + expected.meetings,
        "resolution": before["resolution"] + expected.resolutions,
        "assignment": before["assignment"] + expected.assignments,
        "history_entry": before["history_entry"] + expected.history,
    }
    assert read_data_version(minutes_url) == version + 1
    with read_session(minutes_url) as s:
        reasons = set(s.exec(select(HistoryEntry.reason).where(HistoryEntry.changed_at == NOW)))
        assert reasons == {"ورود سوابق از پروندهٔ «سوابق.xlsx»"}
        created = s.exec(
            select(HistoryEntry.entity, func.count())
            .where(HistoryEntry.changed_at == NOW, HistoryEntry.field == "created")
            .group_by(HistoryEntry.entity)
        )
        by_entity = dict(created.all())
    assert by_entity == {
        "meeting": expected.meetings,
        "resolution": expected.resolutions,
        "assignment": expected.assignments,
    }


def _only_row(url: str, meeting: int, number: int) -> list[Assignment]:
    with read_session(url) as s:
        return list(
            s.exec(
                select(Assignment)
                .join(Resolution, Resolution.id == Assignment.resolution_id)  # type: ignore[arg-type]
                .join(Meeting, Meeting.id == Resolution.meeting_id)  # type: ignore[arg-type]
                .where(Meeting.number == meeting, Resolution.number == number)
                .order_by(col(Assignment.agency_id))
            )
        )


def test_each_row_keeps_its_state_and_the_note_goes_where_it_belongs(minutes_url: str) -> None:
    dabir, _ = people(minutes_url)
    rows = [
        row(number=1, owners=WELFARE, status="انجام شد", progress="", note="پایگاه راه افتاد"),
        row(number=2, owners=RELIEF, status="انجام نشده", progress="", note="نامه به فرمانداری"),
        row(number=3, owners=RELIEF, status="not_started", progress="0", note="", due=""),
        row(number=4, owners=WELFARE, status="blocked", progress="۲۵٪"),
    ]
    import_file(minutes_url, dabir, read(minutes_url, workbook(rows)))
    (done,) = _only_row(minutes_url, 5, 1)
    due = parse_jalali("1402/12/20")
    assert (done.status, done.progress, done.done_text, done.next_step) == (
        "done",
        100,
        "پایگاه راه افتاد",
        "",
    )
    assert (done.planned_date, done.first_planned_date, done.reschedule_count) == (due, due, 0)
    assert done.reported_at is not None and done.verification == "unverified"
    (waiting,) = _only_row(minutes_url, 5, 2)
    assert (waiting.status, waiting.progress, waiting.next_step, waiting.done_text) == (
        "not_started",
        0,
        "نامه به فرمانداری",
        "",
    )
    (bare,) = _only_row(minutes_url, 5, 3)
    assert bare.reported_at is None and bare.planned_date is None
    (blocked,) = _only_row(minutes_url, 5, 4)
    assert (blocked.status, blocked.progress) == ("blocked", 25)
    with read_session(minutes_url) as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == 5)).one()
    assert meeting.held_on == parse_jalali("1402/03/15")


BAD_ROWS: dict[str, tuple[list[object], str, str]] = {
    # name: (the bad row, the column named, a part of the message)
    "impossible meeting date": (row(held="1402/12/30"), "تاریخ جلسه", "وجود ندارد"),
    "impossible due date": (row(due="۱۴۰۲/۱۲/۳۰"), "مهلت انجام", "وجود ندارد"),
    "progress over 100": (row(progress="120"), "پیشرفت ٪", "بین ۰ تا ۱۰۰"),
    "done under 100": (row(status="انجام شده", progress="80"), "پیشرفت ٪", "باید ۱۰۰ باشد"),
    "owner matching nothing": (
        row(owners="اداره کل ورزش"),
        "مسوول پیگیری",
        "«اداره کل ورزش» با هیچ دستگاهی جور نشد؛ شبیه «اداره کل ورزش و جوانان استان»",
    ),
    "owner like nothing": (
        row(owners=f"{WELFARE} / سازمان فضایی"),
        "مسوول پیگیری",
        "«سازمان فضایی» با هیچ دستگاهی جور نشد و به نام هیچ دستگاهی هم شبیه نیست",
    ),
    "unknown status": (row(status="نیمه‌کاره"), "وضعیت", "نوشته شده: «نیمه‌کاره»"),
    "due before the meeting": (row(due="1402/03/01"), "مهلت انجام", "نمی‌تواند پیش از"),
    "stored meeting on another day": (
        row(meeting=7, held="1402/07/30", number=20),
        "تاریخ جلسه",
        "جلسه ۷ در سامانه با تاریخ ۱۴۰۲/۰۷/۲۹ ثبت شده است",
    ),
    "stored resolution number": (
        row(meeting=7, held="1402/07/29", number=3),
        "شماره مصوبه",
        "جلسه ۷، مصوبه ۳ پیش‌تر در سامانه ثبت شده است",
    ),
    "merged rows with two texts": (
        row(number=1, owners=RELIEF, text="متن دیگری برای همین مصوبه"),
        "شرح مصوبه",
        "با سطر ۳ (جلسه ۵، مصوبه ۱) یکی نیست",
    ),
    "merged rows with two dates": (
        row(number=1, owners=RELIEF, held="1402/03/16"),
        "تاریخ جلسه",
        "با سطر ۳ (۱۴۰۲/۰۳/۱۵) برای همان جلسه ۵ یکی نیست",
    ),
    "an owner twice in one resolution": (
        row(number=1, owners=f"{RELIEF} / بهزیستی"),
        "مسوول پیگیری",
        "دستگاه «بهزیستی» در سطر ۳ هم مسوول همین مصوبه است",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    minutes_url: str, case: str
) -> None:
    dabir, _ = people(minutes_url)
    bad, column, message = BAD_ROWS[case]
    # Row 3 (under the header and the HXL row) is good; the bad one is row 4.
    content = workbook([row(number=1), bad])
    preview = read(minutes_url, content)
    assert not preview.ok
    assert [(e.row, e.field) for e in preview.errors] == [(4, column)], preview.errors
    (error,) = preview.errors
    assert error.message.startswith("سطر ۴: "), error.message
    assert message in error.message, error.message
    before = counts(minutes_url)
    with pytest.raises(ValidationError) as refused, write_session(minutes_url) as s:
        import_backlog(s, actor=dabir, preview=preview, now=NOW)
    assert [(e.row, e.field) for e in refused.value.errors] == [(4, column)]
    assert counts(minutes_url) == before


def test_every_error_of_a_file_is_listed_at_once(minutes_url: str) -> None:
    content = workbook(
        [
            row(held="1402/12/30", progress="120"),
            row(number=2, status="انجام شده", progress="۸۰"),
            row(number=3, owners="سازمان فضایی"),
        ]
    )
    preview = read(minutes_url, content)
    assert [(e.row, e.field) for e in preview.errors] == [
        (3, "تاریخ جلسه"),
        (3, "پیشرفت ٪"),
        (4, "پیشرفت ٪"),
        (5, "مسوول پیگیری"),
    ]


def test_rows_of_one_resolution_are_merged_with_their_owners_united(minutes_url: str) -> None:
    dabir, _ = people(minutes_url)
    rows = [
        row(number=1, owners=WELFARE, status="انجام شده", progress=100, due="1402/10/01"),
        row(number=2, owners=RELIEF),
        row(number=1, owners="كميته امداد / آموزش و پرورش", status="متوقف", progress="۱۰"),
    ]
    preview = read(minutes_url, workbook(rows))
    assert preview.ok, preview.errors
    assert (preview.meeting_count, preview.resolution_count, preview.assignment_count) == (1, 2, 4)
    before = counts(minutes_url)
    import_file(minutes_url, dabir, preview)
    assert counts(minutes_url)["resolution"] == before["resolution"] + 2
    merged = _only_row(minutes_url, 5, 1)
    with read_session(minutes_url) as s:
        names = {a.id: a.short_name for a in s.exec(select(Agency))}
        resolution = s.exec(select(Resolution).where(Resolution.id == merged[0].resolution_id))
        res = resolution.one()
    states = {names[a.agency_id]: (a.status, a.progress, a.planned_date) for a in merged}
    assert states == {
        "بهزیستی": ("done", 100, parse_jalali("1402/10/01")),
        "کمیته امداد": ("blocked", 10, parse_jalali("1402/12/20")),
        "آموزش و پرورش": ("blocked", 10, parse_jalali("1402/12/20")),
    }
    assert res.owners_as_written == f"{WELFARE} / كميته امداد / آموزش و پرورش".replace(
        "كميته", "کمیته"
    )
    assert res.due_date is None  # its rows gave two due dates


def _end_membership(s: Session, name: str, **period: date) -> int:
    agency = s.exec(select(Agency).where(Agency.name == name)).one()
    membership = s.exec(
        select(AgencyMembership).where(AgencyMembership.agency_id == agency.id)
    ).one()
    for key, value in period.items():
        setattr(membership, key, value)
    s.add(membership)
    return int(agency.id or 0)


def test_all_members_means_the_members_on_the_meetings_date(minutes_url: str) -> None:
    dabir, _ = people(minutes_url)
    with write_session(minutes_url) as s:
        left = _end_membership(s, MEMBERS[3].name, member_to=date(2023, 1, 1))
        joined = _end_membership(s, MEMBERS[4].name, member_from=date(2024, 1, 1))
        invited = s.exec(select(Agency).where(Agency.name == "حوزه علمیه استان")).one()
        members = {a.id for a in s.exec(select(Agency)) if a.name in {m.name for m in MEMBERS}}
    # The meeting of 1402/03/15 (2023-06-05): the first has left, the second not yet joined.
    rows = [row(owners=f"{ALL} / حوزه علمیه استان", status="در حال انجام", progress=30)]
    preview = read(minutes_url, workbook(rows))
    assert preview.ok, preview.errors
    assert preview.assignment_count == len(MEMBERS) - 2 + 1
    import_file(minutes_url, dabir, preview)
    owners = {a.agency_id for a in _only_row(minutes_url, 5, 1)}
    assert owners == (members - {left, joined}) | {invited.id}
    with read_session(minutes_url) as s:
        res = s.exec(select(Resolution).join(Meeting).where(Meeting.number == 5)).one()
    assert res.all_members and res.owners_as_written == f"{ALL} / حوزه علمیه استان"


def test_a_meeting_recorded_after_the_preview_refuses_the_file(minutes_url: str) -> None:
    dabir, _ = people(minutes_url)
    preview = read(minutes_url, workbook([row(), row(number=2)]))
    assert preview.ok
    with write_session(minutes_url) as s:
        create_meeting(
            s,
            actor=dabir,
            data=MeetingInput(number=5, held_on="1402/04/01", start_time="", place="", chair=""),
        )
    before = counts(minutes_url)
    with pytest.raises(ValidationError) as refused, write_session(minutes_url) as s:
        import_backlog(s, actor=dabir, preview=preview, now=NOW)
    assert [(e.row, e.field) for e in refused.value.errors] == [
        (3, "تاریخ جلسه"),
        (4, "تاریخ جلسه"),
    ]
    assert "۱۴۰۲/۰۴/۰۱" in refused.value.errors[0].message
    assert counts(minutes_url) == before


def test_an_agency_deactivated_after_the_preview_refuses_the_file(minutes_url: str) -> None:
    dabir, _ = people(minutes_url)
    preview = read(minutes_url, workbook([row(), row(number=2, owners=RELIEF)]))
    assert preview.ok
    with write_session(minutes_url) as s:
        relief = s.exec(select(Agency).where(Agency.name == RELIEF)).one()
        relief.active = False
        s.add(relief)
    before = counts(minutes_url)
    with pytest.raises(ValidationError) as refused, write_session(minutes_url) as s:
        import_backlog(s, actor=dabir, preview=preview, now=NOW)
    assert [(e.row, e.field) for e in refused.value.errors] == [(4, "مسوول پیگیری")]
    assert f"«{RELIEF}» پس از خواندن پرونده غیرفعال شد" in refused.value.errors[0].message
    assert counts(minutes_url) == before


def test_rows_handed_over_without_a_file_are_checked_in_full(minutes_url: str) -> None:
    dabir, _ = people(minutes_url)
    fields = [c.field for c in COLUMNS]
    good = dict(zip(fields, row(), strict=True))
    bad = dict(zip(fields, row(number=2, progress="۱۰۱"), strict=True))
    before = counts(minutes_url)
    with pytest.raises(ValidationError) as refused, write_session(minutes_url) as s:
        import_backlog(s, actor=dabir, preview=BacklogPreview(rows=[good, bad]), now=NOW)
    assert [(e.row, e.field) for e in refused.value.errors] == [(3, "پیشرفت ٪")]
    assert counts(minutes_url) == before
    with write_session(minutes_url) as s:
        result = import_backlog(s, actor=dabir, preview=BacklogPreview(rows=[good]), now=NOW)
    assert (result.meetings, result.resolutions, result.assignments, result.history) == (1, 1, 1, 3)


def test_only_the_secretariat_imports(minutes_url: str) -> None:
    _, liaison = people(minutes_url)
    preview = read(minutes_url, workbook([row()]))
    before = counts(minutes_url)
    with pytest.raises(PermissionDenied), write_session(minutes_url) as s:
        import_backlog(s, actor=liaison, preview=preview, now=NOW)
    assert counts(minutes_url) == before


def test_a_file_without_a_needed_column_names_it(minutes_url: str) -> None:
    header = [h for h in HEADER if h != "وضعیت"]
    book = Workbook()
    book.active.append(header)
    book.active.append([v for h, v in zip(HEADER, row(), strict=True) if h != "وضعیت"])
    out = io.BytesIO()
    book.save(out)
    preview = read(minutes_url, out.getvalue())
    assert [(e.row, e.field) for e in preview.errors] == [(None, "پرونده")]
    assert "«وضعیت»" in preview.errors[0].message


# --- the filtered list -----------------------------------------------------------------


def _seeded(url: str, n: int = 600) -> Actor:
    dabir, _ = people(url)
    content, _expected = generated(n, meetings=6)
    import_file(url, dabir, read(url, content))
    return dabir


def test_the_list_filters_by_meeting_agency_status_overdue_due_date_and_text(
    minutes_url: str,
) -> None:
    _seeded(minutes_url, 200)
    with read_session(minutes_url) as s:
        everything = backlog_rows(s, TODAY, BacklogFilter())
        meeting = s.exec(select(Meeting).where(Meeting.number == 2)).one()
        welfare = s.exec(select(Agency).where(Agency.name == WELFARE)).one()
        by_meeting = backlog_rows(s, TODAY, BacklogFilter(meeting_ids=(int(meeting.id or 0),)))
        by_agency = backlog_rows(s, TODAY, BacklogFilter(agency_ids=(int(welfare.id or 0),)))
        blocked = backlog_rows(s, TODAY, BacklogFilter(statuses=("blocked",)))
        late = backlog_rows(s, TODAY, BacklogFilter(overdue_only=True))
        due = backlog_rows(s, TODAY, BacklogFilter(due_before=parse_jalali("1397/03/01")))
        text = backlog_rows(s, TODAY, BacklogFilter(text="مصوبه 3 جلسه ۲"))
    assert len(everything) == counts(minutes_url)["assignment"]
    assert set(by_meeting["meeting_number"]) == {2} and len(by_meeting) > 0
    assert set(by_agency["agency"]) == {"بهزیستی"}
    assert set(blocked["status"]) == {"blocked"} and len(blocked) > 0
    assert late["overdue"].all() and "done" not in set(late["status"])
    assert (due["due"] < parse_jalali("1397/03/01")).all() and len(due) > 0
    assert set(text["meeting_number"]) == {2} and set(text["resolution_number"]) == {3}
    assert {"id", "version", "planned_date", "reschedule_count"} <= set(everything.columns)


# --- bulk triage -----------------------------------------------------------------------

LATER = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
REASON = "بازبینی سوابق در جلسهٔ دبیرخانه"
NEW_DATE = "۱۴۰۵/۱۲/۱۵"


def shown(url: str, where: BacklogFilter) -> dict[int, int]:
    """The ids and versions of the rows a filtered list shows."""
    with read_session(url) as s:
        df = backlog_rows(s, TODAY, where)
    return dict(zip(df["id"].astype(int), df["version"].astype(int), strict=True))


def history_at(url: str, moment: datetime) -> dict[str, int]:
    """History entries written at that moment, by field."""
    with read_session(url) as s:
        rows = s.exec(
            select(HistoryEntry.field, func.count())
            .where(HistoryEntry.changed_at == moment)
            .group_by(HistoryEntry.field)
        ).all()
    return {str(f): int(n) for f, n in rows}


def rows_by_id(url: str, ids: list[int]) -> dict[int, Assignment]:
    with read_session(url) as s:
        found = s.exec(select(Assignment).where(col(Assignment.id).in_(ids)))
        return {int(a.id or 0): a for a in found}


OPEN = ("not_started", "in_progress", "blocked", "needs_follow_up")


def test_a_bulk_reschedule_of_300_rows_is_one_transaction_with_its_history(
    minutes_url: str,
) -> None:
    dabir = _seeded(minutes_url)
    dated = shown(minutes_url, BacklogFilter(statuses=OPEN, due_before=parse_jalali("1405/01/01")))
    with read_session(minutes_url) as s:
        seventh = s.exec(select(Meeting).where(Meeting.number == 7)).one()
    undated = shown(minutes_url, BacklogFilter(meeting_ids=(int(seventh.id or 0),)))
    targets = dict(list(dated.items())[:280]) | dict(list(undated.items())[:20])
    assert len(targets) == 300
    before = rows_by_id(minutes_url, list(targets))
    version = read_data_version(minutes_url)
    assert all(before[i].planned_date is not None for i in list(dated)[:280])
    assert all(before[i].planned_date is None for i in list(undated)[:20])
    with commits(minutes_url) as seen, write_session(minutes_url) as s:
        result = bulk_reschedule(
            s, actor=dabir, rows=targets, new_date=NEW_DATE, reason=REASON, now=LATER
        )
    assert len(seen) == 1 and read_data_version(minutes_url) == version + 1
    assert (result.changed, result.unchanged) == (300, 0)
    # Every row: its new date; the 280 that had one moved once more, the 20 that had
    # none got their first planned date.
    assert history_at(minutes_url, LATER) == {
        "planned_date": 300,
        "reschedule_count": 280,
        "first_planned_date": 20,
    }
    assert result.history == 600
    after = rows_by_id(minutes_url, list(targets))
    new_date = parse_jalali("1405/12/15")
    for i, row_before in before.items():
        row_after = after[i]
        assert row_after.planned_date == new_date
        assert row_after.version == row_before.version + 1
        if row_before.planned_date is None:
            assert (row_after.first_planned_date, row_after.reschedule_count) == (new_date, 0)
        else:
            assert row_after.first_planned_date == row_before.first_planned_date
            assert row_after.reschedule_count == row_before.reschedule_count + 1
    with read_session(minutes_url) as s:
        reasons = set(s.exec(select(HistoryEntry.reason).where(HistoryEntry.changed_at == LATER)))
    assert reasons == {REASON}


def test_one_stale_row_refuses_the_whole_action(minutes_url: str) -> None:
    dabir = _seeded(minutes_url)
    targets = dict(list(shown(minutes_url, BacklogFilter(statuses=OPEN)).items())[:300])
    changed_id = list(targets)[150]
    with write_session(minutes_url) as s:  # someone saves one of them after the list was shown
        bulk_mark_done(s, actor=dabir, rows={changed_id: targets[changed_id]}, reason=REASON)
    before = counts(minutes_url), rows_by_id(minutes_url, list(targets))
    with pytest.raises(ConflictError) as refused, write_session(minutes_url) as s:
        bulk_reschedule(s, actor=dabir, rows=targets, new_date=NEW_DATE, reason=REASON, now=LATER)
    assert "هیچ ردیفی تغییر نکرد: ۱ ردیف" in refused.value.message
    with read_session(minutes_url) as s:
        row_ = s.get(Assignment, changed_id)
        assert row_ is not None
        resolution = s.get(Resolution, row_.resolution_id)
        agency = s.get(Agency, row_.agency_id)
        assert resolution is not None and agency is not None
    assert f"مصوبه {to_fa_digits(resolution.number)}، {agency.short_name}" in refused.value.message
    assert "پس از نمایش فهرست تغییر کرده است" in refused.value.message
    assert (counts(minutes_url), rows_by_id(minutes_url, list(targets))) == before


def test_a_withdrawn_or_vanished_row_refuses_the_whole_action(minutes_url: str) -> None:
    dabir = _seeded(minutes_url, 100)
    targets = dict(list(shown(minutes_url, BacklogFilter(statuses=OPEN)).items())[:10])
    first = next(iter(targets))
    with write_session(minutes_url) as s:
        bulk_withdraw(s, actor=dabir, rows={first: targets[first]}, reason=REASON)
    before = counts(minutes_url)
    for action in (bulk_mark_done, bulk_withdraw):
        with pytest.raises(ConflictError) as refused, write_session(minutes_url) as s:
            action(s, actor=dabir, rows=targets | {999_999: 1}, reason=REASON, now=LATER)
        assert "۲ ردیف" in refused.value.message
        assert "(برداشته شده است)" in refused.value.message
        assert "ردیف شمارهٔ ۹۹۹٬۹۹۹ (دیگر پیدا نمی‌شود)" in refused.value.message
    assert counts(minutes_url) == before


def test_mark_done_sets_done_and_100_and_reopens_an_earlier_verdict(minutes_url: str) -> None:
    dabir = _seeded(minutes_url, 100)
    in_progress = shown(minutes_url, BacklogFilter(statuses=("in_progress",)))
    not_started = shown(minutes_url, BacklogFilter(statuses=("not_started",)))
    done = shown(minutes_url, BacklogFilter(statuses=("done",)))
    targets = dict(list(in_progress.items())[:5]) | dict(list(not_started.items())[:5])
    verified = next(iter(targets))
    with write_session(minutes_url) as s:
        row_ = s.get(Assignment, verified)
        assert row_ is not None
        row_.verification, row_.verification_note = "document_seen", "نامه دیده شد"
        row_.version += 1
        s.add(row_)
    targets[verified] += 1
    targets |= dict(list(done.items())[:3])  # already done: left as they are
    with write_session(minutes_url) as s:
        result = bulk_mark_done(s, actor=dabir, rows=targets, reason=REASON, now=LATER)
    assert (result.changed, result.unchanged) == (10, 3)
    # not_started rows had progress 0, in_progress rows below 100: both fields change.
    assert history_at(minutes_url, LATER) == {
        "status": 10,
        "progress": 10,
        "verification": 1,
        "verification_note": 1,
    }
    after = rows_by_id(minutes_url, list(targets))
    assert {(a.status, a.progress) for a in after.values()} == {("done", 100)}
    assert (after[verified].verification, after[verified].verification_note) == ("unverified", "")
    assert all(after[i].version == v + 1 for i, v in targets.items() if i not in done)
    assert all(after[i].version == done[i] for i in targets if i in done)


def test_withdraw_keeps_the_rows_and_takes_them_off_the_list(minutes_url: str) -> None:
    dabir = _seeded(minutes_url, 100)
    targets = dict(list(shown(minutes_url, BacklogFilter(statuses=OPEN)).items())[:25])
    before = counts(minutes_url)
    with write_session(minutes_url) as s:
        result = bulk_withdraw(s, actor=dabir, rows=targets, reason=REASON, now=LATER)
    assert (result.changed, result.history) == (25, 25)
    assert history_at(minutes_url, LATER) == {"withdrawn": 25}
    assert counts(minutes_url)["assignment"] == before["assignment"]  # nothing deleted
    assert all(a.withdrawn for a in rows_by_id(minutes_url, list(targets)).values())
    assert not set(targets) & set(shown(minutes_url, BacklogFilter()))


@pytest.mark.parametrize("action", ["reschedule", "done", "withdraw"])
def test_bulk_actions_are_for_the_secretariat_only(minutes_url: str, action: str) -> None:
    _seeded(minutes_url, 60)
    with read_session(minutes_url) as s:
        liaison_user = s.exec(select(User).where(User.username == "behzisti")).one()
    liaison = Actor(
        int(liaison_user.id or 0),
        "behzisti",
        "رابط بهزیستی",
        Role.AGENCY_EDITOR,
        liaison_user.agency_id,
    )
    with write_session(minutes_url) as s:
        viewer = add_user(s, "binande", "دفتر رئیس", Role.VIEWER)
    targets = dict(list(shown(minutes_url, BacklogFilter(statuses=OPEN)).items())[:5])
    before = counts(minutes_url)
    for who in (liaison, viewer):
        with pytest.raises(PermissionDenied) as refused, write_session(minutes_url) as s:
            run_action(action, s, who, targets, REASON)
        assert "فقط دبیرخانه" in refused.value.message
    assert counts(minutes_url) == before


def run_action(action: str, s: Session, who: Actor, rows: dict[int, int], reason: str) -> object:
    if action == "reschedule":
        return bulk_reschedule(s, actor=who, rows=rows, new_date=NEW_DATE, reason=reason)
    if action == "done":
        return bulk_mark_done(s, actor=who, rows=rows, reason=reason)
    return bulk_withdraw(s, actor=who, rows=rows, reason=reason)


@pytest.mark.parametrize("action", ["reschedule", "done", "withdraw"])
def test_a_bulk_action_needs_a_reason(minutes_url: str, action: str) -> None:
    dabir = _seeded(minutes_url, 60)
    targets = dict(list(shown(minutes_url, BacklogFilter(statuses=OPEN)).items())[:5])
    before = counts(minutes_url)
    for reason in ("", "  ", "کم"):
        with pytest.raises(ValidationError) as refused, write_session(minutes_url) as s:
            run_action(action, s, dabir, targets, reason)
        assert [e.field for e in refused.value.errors] == ["reason"]
        assert "«دلیل»" in refused.value.errors[0].message
    assert counts(minutes_url) == before


def test_a_new_date_before_a_rows_meeting_is_refused_naming_the_row(minutes_url: str) -> None:
    dabir = _seeded(minutes_url, 60)
    targets = dict(list(shown(minutes_url, BacklogFilter(statuses=OPEN)).items())[:5])
    before = counts(minutes_url)
    with pytest.raises(ValidationError) as refused, write_session(minutes_url) as s:
        bulk_reschedule(s, actor=dabir, rows=targets, new_date="1390/01/01", reason=REASON)
    assert len(refused.value.errors) == 5
    assert all("پیش از تاریخ جلسه" in e.message for e in refused.value.errors)
    assert {e.row for e in refused.value.errors} == set(targets)
    with pytest.raises(ValidationError) as impossible, write_session(minutes_url) as s:
        bulk_reschedule(s, actor=dabir, rows=targets, new_date="1404/12/30", reason=REASON)
    assert "وجود ندارد" in impossible.value.errors[0].message
    assert counts(minutes_url) == before


def test_the_template_reads_back_as_one_clean_resolution(minutes_url: str) -> None:
    preview = read(minutes_url, backlog_template_xlsx(), name="backlog-template.xlsx")
    assert preview.ok, preview.errors
    assert (preview.meeting_count, preview.resolution_count, preview.assignment_count) == (1, 1, 2)
    assert preview.columns == HEADER and not preview.ignored_columns
