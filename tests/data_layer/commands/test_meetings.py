"""Tests for data_layer.commands.meetings: meetings, attendance, resolutions and owners.

Every test runs on SQLite and on PostgreSQL (the `minutes_url` fixture: the real 7th
meeting and its agencies), and checks what the database holds after each action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from data_layer import clock
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.meetings import (
    MeetingInput,
    create_meeting,
    set_attendance,
    update_meeting,
)
from data_layer.commands.resolutions import (
    RESTORE_REASON,
    WITHDRAW_REASON,
    add_resolution,
    update_resolution,
)
from data_layer.db import read_session, write_session
from data_layer.errors import NotFound, PermissionDenied, ValidationError
from data_layer.input.owners import OwnerSpec
from data_layer.jalali import from_jalali
from data_layer.models import (
    Agency,
    Assignment,
    HistoryEntry,
    Meeting,
    MeetingAttendance,
    Resolution,
    Role,
)
from data_layer.permissions import Actor
from data_layer.queries.meetings import meeting_attendance, meetings_table
from data_layer.queries.membership import member_ids_on
from data_layer.seed_data import ALL_MEMBERS_TEXT
from tests.data_layer.commands import add_user as _add_user

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
TODAY = date(2026, 11, 28)

INTERIOR = "دفتر امور اجتماعی استانداری"
EDUCATION = "اداره کل آموزش و پرورش"
KANOON = "کانون پرورش فکری کودکان و نوجوانان"
WELFARE = "اداره کل بهزیستی استان"
SPORTS = "اداره کل ورزش و جوانان استان"
SEMINARY = "حوزه علمیه استان"  # invited, not a member

MEETING_8 = MeetingInput(
    number="۸",
    held_on="۱۴۰۲/۰۹/۱۸",
    start_time="۹:۳۰",
    place="سالن شهدای گمنام استانداری",
    chair="معاون سیاسی، امنیتی و اجتماعی استانداری",
    secretary="دبیر کارگروه",
    guests="نماینده سازمان اجتماعی کشور",
    summary="بررسی پیشرفت مصوبات جلسه هفتم",
)
HELD_8 = from_jalali(1402, 9, 18)


@dataclass(frozen=True)
class Cast:
    url: str
    secretariat: Actor
    admin: Actor
    viewer: Actor
    editor: Actor  # liaison of EDUCATION
    agency: dict[str, int]  # name -> id
    members: list[int]  # active member agencies
    invited: list[int]

    def by_role(self, role: str) -> Actor:
        return {"admin": self.admin, "viewer": self.viewer, "agency_editor": self.editor}[role]


@pytest.fixture
def cast(minutes_url: str) -> Cast:
    with write_session(minutes_url) as session:
        agencies = list(session.exec(select(Agency).order_by(Agency.sort_order)))
        agency = {a.name: a.id for a in agencies if a.id is not None}
        member_ids = set(member_ids_on(session, clock.today()))
        return Cast(
            url=minutes_url,
            secretariat=_add_user(session, "secretariat", "مریم احمدی", Role.SECRETARIAT.value),
            admin=_add_user(session, "admin", "مدیر سامانه", Role.ADMIN.value),
            viewer=_add_user(session, "viewer", "علی رضایی", Role.VIEWER.value),
            editor=_add_user(
                session, "education", "حسین محمدی", Role.AGENCY_EDITOR.value, agency[EDUCATION]
            ),
            agency=agency,
            members=[a.id for a in agencies if a.id in member_ids],
            invited=[a.id for a in agencies if a.id is not None and a.id not in member_ids],
        )


# --- acting and reading back ----------------------------------------------------------------


def new_meeting(cast: Cast, data: MeetingInput = MEETING_8, actor: Actor | None = None) -> int:
    with write_session(cast.url) as session:
        meeting = create_meeting(session, actor=actor or cast.secretariat, data=data, now=NOW)
        assert meeting.id is not None
        return meeting.id


def new_resolution(
    cast: Cast,
    meeting_id: int,
    number: int | str,
    owners: OwnerSpec,
    *,
    text: str = "ضرورت توسعه فضاهای ورزشی در محلات هدف",
    due_date: date | str | None = None,
    actor: Actor | None = None,
    **extra: str,
) -> int:
    with write_session(cast.url) as session:
        res = add_resolution(
            session,
            actor=actor or cast.secretariat,
            meeting_id=meeting_id,
            number=number,
            text=text,
            owners=owners,
            due_date=due_date,
            now=NOW,
            **extra,
        )
        assert res.id is not None
        return res.id


def edit_resolution(cast: Cast, resolution_id: int, **changes: object) -> dict[str, int]:
    with write_session(cast.url) as session:
        return update_resolution(
            session,
            actor=cast.secretariat,
            resolution_id=resolution_id,
            now=LATER,
            **changes,  # type: ignore[arg-type]
        )


def rows_of(url: str, resolution_id: int) -> dict[int, Assignment]:
    """agency id -> row, withdrawn ones included."""
    with read_session(url) as session:
        stmt = select(Assignment).where(Assignment.resolution_id == resolution_id)
        return {a.agency_id: a for a in session.exec(stmt)}


def live_agencies(url: str, resolution_id: int) -> set[int]:
    return {a for a, row in rows_of(url, resolution_id).items() if not row.withdrawn}


def history(url: str, entity: str, entity_id: int, field: str | None = None) -> list[HistoryEntry]:
    with read_session(url) as session:
        stmt = select(HistoryEntry).where(
            HistoryEntry.entity == entity, HistoryEntry.entity_id == entity_id
        )
        if field is not None:
            stmt = stmt.where(HistoryEntry.field == field)
        return list(session.exec(stmt.order_by(HistoryEntry.id)))


def counts(url: str) -> dict[str, int]:
    """How many rows each table a meeting command writes holds."""
    with read_session(url) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Meeting, Resolution, Assignment, MeetingAttendance, HistoryEntry)
        }


# --- meetings -------------------------------------------------------------------------------


def test_create_meeting_with_jalali_text_and_persian_digits(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    with read_session(cast.url) as session:
        m = session.get(Meeting, meeting_id)
        assert m is not None
        assert (m.number, m.held_on, m.start_time) == (8, HELD_8, "09:30")
        assert m.place == MEETING_8.place and m.guests == MEETING_8.guests
        assert m.is_sample is False
    [created] = history(cast.url, "meeting", meeting_id)
    assert (created.field, created.new_value, created.user_id) == (
        "created",
        "8",
        cast.secretariat.user_id,
    )

    with read_session(cast.url) as session:
        table = meetings_table(session, TODAY)
    assert list(table["number"]) == [8, 7]  # newest first
    assert table.iloc[0]["resolutions"] == 0 and table.iloc[0]["rows"] == 0


def test_create_meeting_accepts_a_date_and_no_time(cast: Cast) -> None:
    data = MeetingInput(9, date(2024, 1, 20), "", "استانداری", "معاون استاندار")
    meeting_id = new_meeting(cast, data)
    with read_session(cast.url) as session:
        m = session.get(Meeting, meeting_id)
        assert m is not None and m.start_time is None and m.held_on == date(2024, 1, 20)


def test_bad_meeting_inputs_are_all_reported_and_nothing_is_written(cast: Cast) -> None:
    before = counts(cast.url)
    bad = MeetingInput(
        number=7,  # the real 7th meeting already has it
        held_on="1404/12/30",  # Esfand 1404 has 29 days
        start_time="25:00",
        place="x" * 201,
        chair="x" * 201,
    )
    with pytest.raises(ValidationError) as raised:
        new_meeting(cast, bad)
    by_field = {e.field: e.message for e in raised.value.errors}
    assert set(by_field) == {"number", "held_on", "start_time", "place", "chair"}
    assert "جلسه شماره ۷ قبلاً ثبت شده است" in by_field["number"]
    assert "۱۴۰۴/۱۲/۳۰ وجود ندارد" in by_field["held_on"]
    assert "۲۳:۵۹" in by_field["start_time"] and "25:00" in by_field["start_time"]
    assert "۲۰۰" in by_field["place"]
    assert "۲۰۰" in by_field["chair"]
    assert counts(cast.url) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("۰۰:۰۰", "00:00"),
        ("23:59", "23:59"),
        ("۹:۰۵", "09:05"),
        (" 14:30 ", "14:30"),
        ("9", "09:00"),
        ("۹٫۳۰", "09:30"),
    ],
)
def test_good_times(cast: Cast, typed: str, stored: str) -> None:
    data = MeetingInput(20, "1403/01/15", typed, "استانداری", "معاون استاندار")
    meeting_id = new_meeting(cast, data)
    with read_session(cast.url) as session:
        m = session.get(Meeting, meeting_id)
        assert m is not None and m.start_time == stored


@pytest.mark.parametrize("typed", ["24:00", "۲۳:۶۰", "ساعت نه", "9:5"])
def test_bad_times(cast: Cast, typed: str) -> None:
    data = MeetingInput(20, "1403/01/15", typed, "استانداری", "معاون استاندار")
    with pytest.raises(ValidationError) as raised:
        new_meeting(cast, data)
    assert [e.field for e in raised.value.errors] == ["start_time"]


@pytest.mark.parametrize("number", [0, -3, "هشت", "", "8.5"])
def test_bad_meeting_numbers(cast: Cast, number: int | str) -> None:
    data = MeetingInput(number, "1403/01/15", "", "استانداری", "معاون استاندار")
    with pytest.raises(ValidationError) as raised:
        new_meeting(cast, data)
    assert [e.field for e in raised.value.errors] == ["number"]
    assert "«شماره جلسه»" in raised.value.message


def test_update_meeting_writes_one_history_row_a_changed_field(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    changed = MeetingInput(
        number=8,
        held_on=HELD_8,
        start_time="10:00",
        place="سالن جلسات فرمانداری",
        chair=MEETING_8.chair,
        secretary=MEETING_8.secretary,
        guests=MEETING_8.guests,
        summary=MEETING_8.summary,
    )
    with write_session(cast.url) as session:
        assert update_meeting(
            session, actor=cast.secretariat, meeting_id=meeting_id, data=changed, now=LATER
        )
    rows = history(cast.url, "meeting", meeting_id)
    assert [(h.field, h.old_value, h.new_value) for h in rows[1:]] == [
        ("start_time", "09:30", "10:00"),
        ("place", MEETING_8.place, "سالن جلسات فرمانداری"),
    ]
    with write_session(cast.url) as session:  # the same again: nothing to do
        assert not update_meeting(
            session, actor=cast.secretariat, meeting_id=meeting_id, data=changed, now=LATER
        )
    assert len(history(cast.url, "meeting", meeting_id)) == 3

    with pytest.raises(ValidationError) as raised, write_session(cast.url) as session:
        update_meeting(
            session,
            actor=cast.secretariat,
            meeting_id=meeting_id,
            data=MeetingInput(7, HELD_8, "", "x", "y"),
        )
    assert "جلسه شماره ۷ قبلاً ثبت شده است" in raised.value.message


def test_meeting_date_cannot_move_past_a_due_date(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    new_resolution(
        cast, meeting_id, 1, OwnerSpec(False, (cast.agency[WELFARE],)), due_date="1402/10/01"
    )
    later = MeetingInput(8, "1402/10/05", "", "استانداری", "معاون استاندار")
    with pytest.raises(ValidationError) as raised, write_session(cast.url) as session:
        update_meeting(session, actor=cast.secretariat, meeting_id=meeting_id, data=later)
    assert "۱۴۰۲/۱۰/۰۱" in raised.value.message


def test_unknown_meeting(cast: Cast) -> None:
    with pytest.raises(NotFound), write_session(cast.url) as session:
        update_meeting(session, actor=cast.secretariat, meeting_id=9999, data=MEETING_8)


# --- attendance -----------------------------------------------------------------------------


def test_attendance_one_row_per_member_replaced_idempotently(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    with read_session(cast.url) as session:
        before = meeting_attendance(session, meeting_id)
    assert list(before["agency_id"]) == cast.members  # nothing recorded: all unknown
    assert before["present"].isna().all()

    a, b, c = cast.agency[EDUCATION], cast.agency[WELFARE], cast.agency[SPORTS]

    def record(present: set[int], reps: dict[int, str] | None = None) -> int:
        with write_session(cast.url) as session:
            return set_attendance(
                session,
                actor=cast.secretariat,
                meeting_id=meeting_id,
                present_agency_ids=present,
                representatives=reps,
                now=NOW,
            )

    assert record({a, b}, {a: "آقای کریمی، معاون آموزشی"}) == len(cast.members)
    assert record({a, b}, {a: "آقای کریمی، معاون آموزشی"}) == len(cast.members)  # again
    with read_session(cast.url) as session:
        stored = list(
            session.exec(
                select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id)
            )
        )
        df = meeting_attendance(session, meeting_id).set_index("agency_id")
        table = meetings_table(session, TODAY).set_index("number")
    assert len(stored) == len(cast.members)
    assert (
        df.loc[a, "present"] is True and df.loc[a, "representative"] == "آقای کریمی، معاون آموزشی"
    )
    assert df.loc[b, "present"] is True and df.loc[c, "present"] is False
    assert (table.loc[8, "present"], table.loc[8, "absent"]) == (2, len(cast.members) - 2)
    assert len(history(cast.url, "meeting", meeting_id, "attendance")) == 1  # no change: no row

    assert record({c}) == len(cast.members)  # replaced, not added to
    with read_session(cast.url) as session:
        df = meeting_attendance(session, meeting_id).set_index("agency_id")
        n = session.exec(
            select(func.count()).where(MeetingAttendance.meeting_id == meeting_id)
        ).one()
    assert n == len(cast.members)
    assert df.loc[a, "present"] is False and df.loc[a, "representative"] == ""
    assert df.loc[c, "present"] is True
    assert len(history(cast.url, "meeting", meeting_id, "attendance")) == 2


def test_attendance_refuses_non_members_and_stray_representatives(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    before = counts(cast.url)
    with pytest.raises(ValidationError) as raised, write_session(cast.url) as session:
        set_attendance(
            session,
            actor=cast.secretariat,
            meeting_id=meeting_id,
            present_agency_ids={cast.agency[SEMINARY]},
            representatives={cast.agency[WELFARE]: "خانم رحیمی"},
        )
    message = raised.value.message
    assert "«حوزه علمیه» در روز این جلسه عضو کارگروه نبود" in message
    assert "برای «بهزیستی» نماینده نوشته شده ولی حاضر زده نشده است" in message
    assert counts(cast.url) == before


# --- resolutions and owners -----------------------------------------------------------------


def test_add_resolutions_all_members_and_listed(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    everyone = new_resolution(
        cast, meeting_id, "۱", OwnerSpec(True, ()), due_date="۱۴۰۲/۱۲/۲۹", theme="ورزش"
    )
    two = new_resolution(
        cast,
        meeting_id,
        2,
        OwnerSpec(False, (cast.agency[INTERIOR], cast.agency[KANOON])),
        text="ضرورت تأمین و تجهیز نقاط هدف به کتابخانه‌های ثابت و سیار",
        owners_as_written="وزارت کشور/ کانون پرورش فکری",
    )
    with read_session(cast.url) as session:
        r1, r2 = session.get(Resolution, everyone), session.get(Resolution, two)
        assert r1 is not None and r2 is not None
        assert (r1.number, r1.all_members, r1.owners_as_written) == (1, True, ALL_MEMBERS_TEXT)
        assert r1.due_date == from_jalali(1402, 12, 29) and r1.theme == "ورزش"
        assert (r2.number, r2.all_members, r2.owners_as_written) == (
            2,
            False,
            "وزارت کشور/ کانون پرورش فکری",
        )
        table = meetings_table(session, TODAY).set_index("number")
    # Every active member gets a row; the invited non-members do not.
    assert set(rows_of(cast.url, everyone)) == set(cast.members)
    assert not set(cast.invited) & set(rows_of(cast.url, everyone))
    assert set(rows_of(cast.url, two)) == {cast.agency[INTERIOR], cast.agency[KANOON]}
    assert all(
        r.status == "not_started" and r.version == 1 for r in rows_of(cast.url, two).values()
    )
    [created] = history(cast.url, "resolution", everyone)
    assert created.field == "created" and created.new_value.startswith("1: ")
    assert table.loc[8, "resolutions"] == 2
    assert table.loc[8, "rows"] == len(cast.members) + 2
    assert table.loc[8, "done"] == 0
    assert table.loc[8, "overdue"] == len(cast.members)  # due 1402/12/29, long past TODAY


def test_all_members_skips_inactive_members_and_invited_agencies(cast: Cast) -> None:
    with write_session(cast.url) as session:
        sports = session.get(Agency, cast.agency[SPORTS])
        assert sports is not None
        sports.active = False
    meeting_id = new_meeting(cast)
    res = new_resolution(cast, meeting_id, 1, OwnerSpec(True, (cast.agency[SEMINARY],)))
    expected = (set(cast.members) - {cast.agency[SPORTS]}) | {cast.agency[SEMINARY]}
    assert set(rows_of(cast.url, res)) == expected
    with read_session(cast.url) as session:
        r = session.get(Resolution, res)
        assert r is not None and r.owners_as_written == f"{ALL_MEMBERS_TEXT} / حوزه علمیه"


def test_editing_owners_withdraws_restores_and_keeps_history(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    a, b, c = cast.agency[EDUCATION], cast.agency[WELFARE], cast.agency[SPORTS]
    res = new_resolution(cast, meeting_id, 1, OwnerSpec(False, (a, b)))
    row_a = rows_of(cast.url, res)[a]
    assert row_a.id is not None
    # Education reports on its row before it is taken off the resolution.
    with write_session(cast.url) as session:
        update_assignment(
            session,
            actor=cast.editor,
            assignment_id=row_a.id,
            expected_version=1,
            changes=AssignmentChanges(status="in_progress", progress=40, done_text="آغاز شد"),
            now=NOW,
        )

    assert edit_resolution(cast, res, owners=OwnerSpec(False, (b, c))) == {
        "added": 1,
        "withdrawn": 1,
        "restored": 0,
    }
    rows = rows_of(cast.url, res)
    assert set(rows) == {a, b, c}  # withdrawn, never deleted
    assert live_agencies(cast.url, res) == {b, c}
    assert rows[a].withdrawn and rows[a].version == 3  # report (2), then withdrawal (3)
    assert (rows[a].status, rows[a].progress, rows[a].done_text) == ("in_progress", 40, "آغاز شد")
    [w] = history(cast.url, "assignment", row_a.id, "withdrawn")
    assert (w.old_value, w.new_value, w.reason) == ("False", "True", WITHDRAW_REASON)
    assert w.user_id == cast.secretariat.user_id
    # A withdrawn row is closed to its agency.
    with pytest.raises(NotFound), write_session(cast.url) as session:
        update_assignment(
            session,
            actor=cast.editor,
            assignment_id=row_a.id,
            expected_version=3,
            changes=AssignmentChanges(progress=50),
        )

    assert edit_resolution(cast, res, owners=OwnerSpec(False, (a, b))) == {
        "added": 0,
        "withdrawn": 1,
        "restored": 1,
    }
    rows = rows_of(cast.url, res)
    assert rows[a].id == row_a.id and not rows[a].withdrawn  # the same row, with its report
    assert (rows[a].status, rows[a].progress) == ("in_progress", 40)
    assert rows[c].withdrawn
    history_a = history(cast.url, "assignment", row_a.id)
    assert [h.field for h in history_a] == [
        "status",
        "progress",
        "done_text",
        "withdrawn",
        "withdrawn",
    ]
    assert (history_a[-1].new_value, history_a[-1].reason) == ("False", RESTORE_REASON)
    owners = history(cast.url, "resolution", res, "owners")
    assert [(h.old_value, h.new_value) for h in owners] == [
        (",".join(map(str, sorted([a, b]))), ",".join(map(str, sorted([b, c])))),
        (",".join(map(str, sorted([b, c]))), ",".join(map(str, sorted([a, b])))),
    ]

    # To every member: c comes back, the others are new.
    result = edit_resolution(cast, res, owners=OwnerSpec(True, ()))
    assert result == {"added": len(cast.members) - 3, "withdrawn": 0, "restored": 1}
    assert live_agencies(cast.url, res) == set(cast.members)
    with read_session(cast.url) as session:
        r = session.get(Resolution, res)
        assert r is not None and r.all_members is True
    assert [h.field for h in history(cast.url, "resolution", res, "all_members")] == ["all_members"]


def test_update_resolution_fields_with_history(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    res = new_resolution(cast, meeting_id, 1, OwnerSpec(False, (cast.agency[WELFARE],)))
    result = edit_resolution(
        cast, res, text="متن اصلاح‌شده مصوبه", theme="سلامت", due_date="۱۴۰۳/۰۲/۱۰"
    )
    assert result == {"added": 0, "withdrawn": 0, "restored": 0}
    fields = [(h.field, h.old_value, h.new_value) for h in history(cast.url, "resolution", res)[1:]]
    assert fields == [
        ("text", "ضرورت توسعه فضاهای ورزشی در محلات هدف", "متن اصلاح‌شده مصوبه"),
        ("theme", "", "سلامت"),
        ("due_date", None, str(from_jalali(1403, 2, 10))),
    ]
    edit_resolution(cast, res, due_date="")  # an empty box clears the due date
    with read_session(cast.url) as session:
        r = session.get(Resolution, res)
        assert r is not None and r.due_date is None and r.text == "متن اصلاح‌شده مصوبه"


def test_bad_resolution_inputs(cast: Cast) -> None:
    meeting_id = new_meeting(cast)
    new_resolution(cast, meeting_id, 1, OwnerSpec(True, ()))
    before = counts(cast.url)
    with pytest.raises(ValidationError) as raised:
        new_resolution(
            cast,
            meeting_id,
            1,  # taken
            OwnerSpec(False, ()),  # nobody
            text="ا" * 4001,
            due_date="1402/09/10",  # before the meeting (1402/09/18)
        )
    by_field = {e.field: e.message for e in raised.value.errors}
    assert set(by_field) == {"number", "text", "due_date", "owners"}
    assert "مصوبه شماره ۱ در جلسه ۸ قبلاً ثبت شده است" in by_field["number"]
    assert "پیش از تاریخ جلسه (۱۴۰۲/۰۹/۱۸)" in by_field["due_date"]
    assert "دست‌کم یک دستگاه" in by_field["owners"]

    with pytest.raises(ValidationError) as raised:
        new_resolution(cast, meeting_id, 2, OwnerSpec(False, (99999,)), text="  ")
    assert {e.field for e in raised.value.errors} == {"text", "owners"}
    assert "«شرح مصوبه» را بنویسید" in raised.value.message
    assert counts(cast.url) == before

    with pytest.raises(NotFound):
        new_resolution(cast, 99999, 1, OwnerSpec(True, ()))


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "viewer", "agency_editor"])
def test_only_the_secretariat_manages_meetings(cast: Cast, role: str) -> None:
    meeting_id = new_meeting(cast)
    res = new_resolution(cast, meeting_id, 1, OwnerSpec(True, ()))
    actor = cast.by_role(role)
    before = counts(cast.url)
    welfare = OwnerSpec(False, (cast.agency[WELFARE],))
    attempts = [
        lambda s: create_meeting(s, actor=actor, data=MeetingInput(30, "1403/01/15", "", "x", "y")),
        lambda s: update_meeting(s, actor=actor, meeting_id=meeting_id, data=MEETING_8),
        lambda s: set_attendance(
            s, actor=actor, meeting_id=meeting_id, present_agency_ids=set(cast.members)
        ),
        lambda s: add_resolution(
            s, actor=actor, meeting_id=meeting_id, number=2, text="مصوبه", owners=welfare
        ),
        lambda s: update_resolution(s, actor=actor, resolution_id=res, owners=welfare),
        lambda s: update_resolution(s, actor=actor, resolution_id=9999, text="x"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as raised, write_session(cast.url) as session:
            attempt(session)
        assert raised.value.message == "فقط دبیرخانه می‌تواند جلسات و مصوبات را ثبت یا ویرایش کند."
    assert counts(cast.url) == before
