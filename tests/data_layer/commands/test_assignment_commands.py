"""Tests for data_layer.commands.assignments: permissions, validation, history, conflicts.

Every test runs on SQLite and on PostgreSQL (the `minutes_url` fixture), and checks what
the database holds after each action, not only what the command returned.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, func, select

from data_layer.commands.assignments import (
    AssignmentChanges,
    RowUpdate,
    update_assignment,
    update_assignments,
)
from data_layer.commands.evidence import add_evidence, withdraw_evidence
from data_layer.commands.verification import verify_assignment
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from data_layer.models import (
    Agency,
    Assignment,
    Evidence,
    HistoryEntry,
    Meeting,
    Resolution,
    Role,
)
from data_layer.permissions import Actor
from tests.data_layer.commands import add_user as _add_user

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
LATEST = NOW + timedelta(days=1)

EDUCATION = "اداره کل آموزش و پرورش"
WELFARE = "اداره کل بهزیستی استان"

# 1405/10/15, 1405/11/20 and 1405/12/10 in the Gregorian calendar.
DEY_15 = date(2027, 1, 5)
BAHMAN_20 = date(2027, 2, 9)
ESFAND_10 = date(2027, 3, 1)

DONE_TEXT = "جلسه هماهنگی با فرمانداری برگزار و صورتجلسه به دبیرخانه ارسال شد."
NEXT_STEP = "ارسال گزارش تکمیلی به دبیرخانه"
REASON = "تأخیر در تأمین اعتبار از سازمان برنامه"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17) + b"IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(24) + b"\xff\xd9"
MAX_BYTES = 5 * 1024 * 1024


# --- the people and the rows ------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """Who acts, and on which rows (all of meeting 7)."""

    url: str
    admin: Actor
    secretariat: Actor
    viewer: Actor
    editor: Actor  # liaison of EDUCATION
    other_editor: Actor  # liaison of WELFARE
    rows: list[int]  # EDUCATION's rows, by resolution number
    other_row: int  # a WELFARE row

    def by_role(self, role: str) -> Actor:
        """The actor a parametrized role name stands for."""
        return {
            "admin": self.admin,
            "secretariat": self.secretariat,
            "viewer": self.viewer,
            "own_agency_editor": self.editor,
            "other_agency_editor": self.other_editor,
        }[role]


def add_user(
    url: str, username: str, full_name: str, role: str, agency_id: int | None = None
) -> Actor:
    """A user created directly with the model, as the Actor commands take."""
    with write_session(url) as session:
        return _add_user(session, username, full_name, role, agency_id)


def _rows_of(session: Session, agency_id: int) -> list[int]:
    stmt = (
        select(Assignment.id)
        .join(Resolution, Resolution.id == Assignment.resolution_id)
        .join(Meeting, Meeting.id == Resolution.meeting_id)
        .where(Assignment.agency_id == agency_id, Meeting.number == 7)
        .order_by(Resolution.number)
    )
    return [i for i in session.exec(stmt) if i is not None]


@pytest.fixture
def cast(minutes_url: str) -> Cast:
    """An admin, a secretariat member, a viewer and the liaisons of two agencies."""
    with write_session(minutes_url) as session:
        agency = {a.name: a.id for a in session.exec(select(Agency))}
        education, welfare = agency[EDUCATION], agency[WELFARE]
        assert education is not None and welfare is not None
        return Cast(
            url=minutes_url,
            admin=_add_user(session, "admin", "مدیر سامانه", Role.ADMIN.value),
            secretariat=_add_user(session, "secretariat", "مریم احمدی", Role.SECRETARIAT.value),
            viewer=_add_user(session, "viewer", "علی رضایی", Role.VIEWER.value),
            editor=_add_user(
                session, "education", "حسین محمدی", Role.AGENCY_EDITOR.value, education
            ),
            other_editor=_add_user(
                session, "welfare", "فاطمه حسینی", Role.AGENCY_EDITOR.value, welfare
            ),
            rows=_rows_of(session, education),
            other_row=_rows_of(session, welfare)[0],
        )


# --- acting -------------------------------------------------------------------------------


def save(
    url: str,
    actor: Actor,
    assignment_id: int,
    *,
    version: int | None = None,
    now: datetime = NOW,
    **changes: Any,
) -> bool:
    """update_assignment in its own transaction; by default with the current version."""
    with write_session(url) as session:
        if version is None:
            version = current_version(session, assignment_id)
        return update_assignment(
            session,
            actor=actor,
            assignment_id=assignment_id,
            expected_version=version,
            changes=AssignmentChanges(**changes),
            now=now,
        )


def save_rows(url: str, actor: Actor, updates: list[RowUpdate], now: datetime = NOW) -> int:
    """update_assignments in one transaction."""
    with write_session(url) as session:
        return update_assignments(session, actor=actor, updates=updates, now=now)


def verify(
    url: str,
    actor: Actor,
    assignment_id: int,
    verdict: str,
    note: str = "",
    *,
    version: int | None = None,
    now: datetime = LATER,
) -> None:
    """verify_assignment in its own transaction; by default with the current version."""
    with write_session(url) as session:
        if version is None:
            version = current_version(session, assignment_id)
        verify_assignment(
            session,
            actor=actor,
            assignment_id=assignment_id,
            expected_version=version,
            verdict=verdict,
            note=note,
            now=now,
        )


def attach(
    url: str, actor: Actor, assignment_id: int, filename: str, content: bytes, now: datetime = NOW
) -> int:
    """add_evidence in its own transaction; the new evidence id."""
    with write_session(url) as session:
        evidence = add_evidence(
            session,
            actor=actor,
            assignment_id=assignment_id,
            filename=filename,
            content=content,
            now=now,
        )
        assert evidence.id is not None
        return evidence.id


def withdraw(url: str, actor: Actor, evidence_id: int, reason: str, now: datetime = LATER) -> None:
    """withdraw_evidence in its own transaction."""
    with write_session(url) as session:
        withdraw_evidence(session, actor=actor, evidence_id=evidence_id, reason=reason, now=now)


# --- reading back -------------------------------------------------------------------------


def current_version(session: Session, assignment_id: int) -> int:
    """The version a form opened now would show."""
    return session.exec(select(Assignment.version).where(Assignment.id == assignment_id)).one()


def row(url: str, assignment_id: int) -> Assignment:
    """The stored row, as a fresh transaction sees it."""
    with read_session(url) as session:
        asg = session.get(Assignment, assignment_id)
        assert asg is not None
        return asg


def history(url: str, assignment_id: int, field: str | None = None) -> list[HistoryEntry]:
    """The row's history entries, oldest first."""
    with read_session(url) as session:
        stmt = select(HistoryEntry).where(
            HistoryEntry.entity == "assignment", HistoryEntry.entity_id == assignment_id
        )
        if field is not None:
            stmt = stmt.where(HistoryEntry.field == field)
        return list(session.exec(stmt.order_by(HistoryEntry.id)))


def evidence_of(url: str, assignment_id: int) -> list[Evidence]:
    """The row's documents, oldest first."""
    with read_session(url) as session:
        stmt = select(Evidence).where(Evidence.assignment_id == assignment_id)
        return list(session.exec(stmt.order_by(Evidence.id)))


def snapshot(url: str, *assignment_ids: int) -> dict[str, Any]:
    """Everything a refused command must leave as it was."""
    with read_session(url) as session:
        rows = []
        for assignment_id in assignment_ids:
            asg = session.get(Assignment, assignment_id)
            assert asg is not None
            rows.append(asg.model_dump())
        history_rows = session.exec(select(func.count()).select_from(HistoryEntry)).one()
        documents = [
            (e.id, e.assignment_id, e.filename, e.sha256, e.withdrawn)
            for e in session.exec(select(Evidence).order_by(Evidence.id))
        ]
    return {"rows": rows, "history": history_rows, "evidence": documents}


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def assert_persian(message: str) -> None:
    """A message meant for a person: Persian sentences (file types or "HTML" may appear)."""
    words = re.findall(r"[\u0600-\u06ff\u200c]{2,}", message)
    letters = [c for c in message if c.isalpha()]
    persian = [c for c in letters if _ARABIC_SCRIPT.match(c)]
    assert len(words) >= 3, message
    assert len(persian) / len(letters) > 0.4, message


def fields_of(error: ValidationError) -> set[str]:
    return {e.field for e in error.errors}


def report(cast: Cast, assignment_id: int | None = None, now: datetime = NOW) -> int:
    """The liaison's first report on a row; returns the row id."""
    assignment_id = assignment_id or cast.rows[0]
    assert save(
        cast.url,
        cast.editor,
        assignment_id,
        now=now,
        status="in_progress",
        progress=50,
        done_text=DONE_TEXT,
    )
    return assignment_id


# --- permissions --------------------------------------------------------------------------

ROLES = ("admin", "secretariat", "viewer", "own_agency_editor", "other_agency_editor")
COMMANDS = (
    "update_assignment",
    "update_assignments",
    "add_evidence",
    "withdraw_evidence",
    "verify_assignment",
)
ALLOWED = {("own_agency_editor", c) for c in COMMANDS if c != "verify_assignment"} | {
    ("secretariat", "verify_assignment")
}


def _run(
    command: str,
    session: Session,
    actor: Actor,
    *,
    rows: tuple[int, int],
    version: int,
    evidence_id: int,
) -> None:
    first, second = rows
    if command == "update_assignment":
        update_assignment(
            session,
            actor=actor,
            assignment_id=first,
            expected_version=version,
            changes=AssignmentChanges(progress=60),
            now=LATER,
        )
    elif command == "update_assignments":
        update_assignments(
            session,
            actor=actor,
            updates=[
                RowUpdate(first, version, AssignmentChanges(progress=60)),
                RowUpdate(second, 1, AssignmentChanges(progress=60)),
            ],
            now=LATER,
        )
    elif command == "add_evidence":
        add_evidence(
            session, actor=actor, assignment_id=first, filename="photo.png", content=PNG, now=LATER
        )
    elif command == "withdraw_evidence":
        withdraw_evidence(
            session, actor=actor, evidence_id=evidence_id, reason="پرونده اشتباه بود", now=LATER
        )
    elif command == "verify_assignment":
        verify_assignment(
            session,
            actor=actor,
            assignment_id=first,
            expected_version=version,
            verdict="document_seen",
            now=LATER,
        )
    else:  # pragma: no cover
        raise AssertionError(command)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_runs_only_the_write_commands_it_is_allowed(
    cast: Cast, role: str, command: str
) -> None:
    first, second = cast.rows[0], cast.rows[1]
    report(cast, first)
    evidence_id = attach(cast.url, cast.editor, first, "report.pdf", PDF)
    actor = cast.by_role(role)
    before = snapshot(cast.url, first, second)
    version = before["rows"][0]["version"]
    assert version == 3

    def run() -> None:
        with write_session(cast.url) as session:
            _run(
                command,
                session,
                actor,
                rows=(first, second),
                version=version,
                evidence_id=evidence_id,
            )

    if (role, command) not in ALLOWED:
        with pytest.raises(PermissionDenied) as refused:
            run()
        assert_persian(refused.value.message)
        assert snapshot(cast.url, first, second) == before
        return

    run()
    after = snapshot(cast.url, first, second)
    asg = row(cast.url, first)
    assert asg.version == version + 1
    assert after["history"] > before["history"]
    latest = history(cast.url, first)[-1]
    assert latest.user_id == actor.user_id
    assert latest.changed_at == LATER
    if command == "update_assignment":
        assert asg.progress == 60
        assert (latest.field, latest.old_value, latest.new_value) == ("progress", "50", "60")
    elif command == "update_assignments":
        assert [asg.progress, row(cast.url, second).progress] == [60, 60]
        assert row(cast.url, second).version == 2
        assert [e.new_value for e in history(cast.url, second, "progress")] == ["60"]
    elif command == "add_evidence":
        assert [e.filename for e in evidence_of(cast.url, first)] == ["report.pdf", "photo.png"]
        assert (latest.field, latest.new_value) == ("evidence", "photo.png")
    elif command == "withdraw_evidence":
        assert [e.withdrawn for e in evidence_of(cast.url, first)] == [True]
        assert (latest.field, latest.old_value) == ("evidence_withdrawn", "report.pdf")
    else:
        assert asg.verification == "document_seen"
        assert asg.verified_by_id == actor.user_id
        assert (latest.field, latest.new_value) == ("verification", "document_seen")


def test_agency_editor_cannot_update_another_agencys_row(cast: Cast) -> None:
    before = snapshot(cast.url, cast.other_row)
    with pytest.raises(PermissionDenied) as refused:
        save(cast.url, cast.editor, cast.other_row, version=1, progress=40)
    assert_persian(refused.value.message)
    assert "دستگاه" in refused.value.message
    assert snapshot(cast.url, cast.other_row) == before


def test_bulk_save_including_another_agencys_row_writes_none_of_the_rows(cast: Cast) -> None:
    own = cast.rows[0]
    before = snapshot(cast.url, own, cast.other_row)
    updates = [
        RowUpdate(own, 1, AssignmentChanges(progress=40)),
        RowUpdate(cast.other_row, 1, AssignmentChanges(progress=40)),
    ]
    with pytest.raises(PermissionDenied):
        save_rows(cast.url, cast.editor, updates)
    assert snapshot(cast.url, own, cast.other_row) == before


# --- a good update ------------------------------------------------------------------------


@pytest.mark.parametrize("typed_date", ["۱۴۰۵/۱۰/۱۵", "1405/10/15"], ids=["persian", "ascii"])
def test_good_update_writes_every_field_bumps_version_and_records_one_history_row_a_field(
    cast: Cast, typed_date: str
) -> None:
    row_id = cast.rows[0]
    changed = save(
        cast.url,
        cast.editor,
        row_id,
        version=1,
        status="in_progress",
        progress="۴۵",
        done_text=f"  {DONE_TEXT}  ",
        next_step=NEXT_STEP,
        planned_date=typed_date,
        evidence_url="https://example.org/report-7",
    )

    assert changed is True
    asg = row(cast.url, row_id)
    assert (asg.status, asg.progress, asg.done_text, asg.next_step) == (
        "in_progress",
        45,
        DONE_TEXT,
        NEXT_STEP,
    )
    assert (asg.planned_date, asg.first_planned_date, asg.reschedule_count) == (DEY_15, DEY_15, 0)
    assert asg.evidence_url == "https://example.org/report-7"
    assert asg.version == 2
    assert (asg.reported_at, asg.updated_at, asg.updated_by_id) == (NOW, NOW, cast.editor.user_id)
    assert asg.verification == "unverified"

    entries = history(cast.url, row_id)
    assert {e.field: (e.old_value, e.new_value) for e in entries} == {
        "status": ("not_started", "in_progress"),
        "progress": ("0", "45"),
        "done_text": ("", DONE_TEXT),
        "next_step": ("", NEXT_STEP),
        "planned_date": (None, "2027-01-05"),
        "evidence_url": ("", "https://example.org/report-7"),
    }
    assert len(entries) == 6
    for entry in entries:
        assert (entry.entity, entry.user_id, entry.changed_at) == (
            "assignment",
            cast.editor.user_id,
            NOW,
        )
        assert entry.reason == ""


def test_saving_identical_values_returns_false_and_writes_nothing(cast: Cast) -> None:
    row_id = cast.rows[0]
    assert save(
        cast.url,
        cast.editor,
        row_id,
        status="in_progress",
        progress=45,
        done_text=DONE_TEXT,
        next_step=NEXT_STEP,
        planned_date="1405/10/15",
    )
    before = snapshot(cast.url, row_id)

    # The same values as typed differently: Persian digits, a "%" and spaces.
    changed = save(
        cast.url,
        cast.editor,
        row_id,
        version=2,
        now=LATER,
        status="in_progress",
        progress="۴۵٪",
        done_text=f"{DONE_TEXT} ",
        next_step=NEXT_STEP,
        planned_date="۱۴۰۵/۱۰/۱۵",
    )

    assert changed is False
    assert snapshot(cast.url, row_id) == before
    assert row(cast.url, row_id).reported_at == NOW


def test_an_update_of_one_field_writes_one_history_row(cast: Cast) -> None:
    row_id = report(cast)
    assert save(cast.url, cast.editor, row_id, now=LATER, next_step=NEXT_STEP)
    asg = row(cast.url, row_id)
    assert (asg.next_step, asg.progress, asg.version, asg.reported_at) == (
        NEXT_STEP,
        50,
        3,
        LATER,
    )
    later = [e for e in history(cast.url, row_id) if e.changed_at == LATER]
    assert [(e.field, e.old_value, e.new_value) for e in later] == [("next_step", "", NEXT_STEP)]


# --- rescheduling ---------------------------------------------------------------------------


def test_first_planned_date_needs_no_reason_and_is_kept_as_the_first_planned_date(
    cast: Cast,
) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, planned_date="1405/10/15")
    asg = row(cast.url, row_id)
    assert (asg.planned_date, asg.first_planned_date, asg.reschedule_count) == (DEY_15, DEY_15, 0)
    [entry] = history(cast.url, row_id, "planned_date")
    assert (entry.old_value, entry.new_value, entry.reason) == (None, "2027-01-05", "")
    assert history(cast.url, row_id, "reschedule_count") == []


@pytest.mark.parametrize("reason", [None, "", "دیر", " \u200b دیر\u200b "])
def test_moving_the_planned_date_without_a_real_reason_is_refused_and_nothing_is_written(
    cast: Cast, reason: str | None
) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, planned_date="1405/10/15")
    before = snapshot(cast.url, row_id)

    with pytest.raises(ValidationError) as refused:
        save(
            cast.url,
            cast.editor,
            row_id,
            now=LATER,
            planned_date="1405/11/20",
            reschedule_reason=reason,
        )

    assert fields_of(refused.value) == {"reason"}
    assert_persian(refused.value.message)
    if reason is None or len(reason) < 5:
        # The message says which date moved where and what to write.
        for fragment in ("۱۴۰۵/۱۰/۱۵", "۱۴۰۵/۱۱/۲۰", "دلیل"):
            assert fragment in refused.value.message
    assert snapshot(cast.url, row_id) == before


def test_moving_the_planned_date_with_a_reason_counts_it_and_keeps_the_first_date(
    cast: Cast,
) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, planned_date="1405/10/15")

    assert save(
        cast.url,
        cast.editor,
        row_id,
        now=LATER,
        planned_date="1405/11/20",
        reschedule_reason=REASON,
    )

    asg = row(cast.url, row_id)
    assert (asg.planned_date, asg.first_planned_date, asg.reschedule_count) == (
        BAHMAN_20,
        DEY_15,
        1,
    )
    assert asg.version == 3
    moved = history(cast.url, row_id, "planned_date")[-1]
    assert (moved.old_value, moved.new_value, moved.reason) == ("2027-01-05", "2027-02-09", REASON)
    assert moved.changed_at == LATER
    [count] = history(cast.url, row_id, "reschedule_count")
    assert (count.old_value, count.new_value) == ("0", "1")


def test_moving_the_planned_date_twice_counts_two_reschedules(cast: Cast) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, planned_date="1405/10/15")
    assert save(cast.url, cast.editor, row_id, planned_date="1405/11/20", reschedule_reason=REASON)
    assert save(
        cast.url,
        cast.editor,
        row_id,
        now=LATEST,
        planned_date="۱۴۰۵/۱۲/۱۰",
        reschedule_reason="پیمانکار کار را نیمه‌کاره رها کرد",
    )

    asg = row(cast.url, row_id)
    assert (asg.planned_date, asg.first_planned_date, asg.reschedule_count) == (
        ESFAND_10,
        DEY_15,
        2,
    )
    assert asg.version == 4
    assert [(e.new_value, e.reason) for e in history(cast.url, row_id, "planned_date")] == [
        ("2027-01-05", ""),
        ("2027-02-09", REASON),
        ("2027-03-01", "پیمانکار کار را نیمه‌کاره رها کرد"),
    ]
    assert [e.new_value for e in history(cast.url, row_id, "reschedule_count")] == ["1", "2"]


# --- bad input -----------------------------------------------------------------------------

BAD_INPUTS = [
    pytest.param({"progress": 101}, "progress", ("«پیشرفت»", "۰ تا ۱۰۰"), id="progress-101"),
    pytest.param({"progress": -1}, "progress", ("«پیشرفت»", "۰ تا ۱۰۰"), id="progress-negative"),
    pytest.param({"progress": "abc"}, "progress", ("«پیشرفت»", "«abc»"), id="progress-abc"),
    pytest.param({"progress": "۵۰٫۵"}, "progress", ("عدد صحیح", "۵۰٫۵"), id="progress-fraction"),
    pytest.param({"progress": ""}, "progress", ("«پیشرفت»",), id="progress-empty"),
    pytest.param({"progress": "nan"}, "progress", ("«پیشرفت»",), id="progress-nan"),
    pytest.param({"progress": "inf"}, "progress", ("«پیشرفت»",), id="progress-inf"),
    pytest.param({"progress": "9" * 400}, "progress", ("«پیشرفت»",), id="progress-huge"),
    pytest.param(
        {"status": "done", "progress": 80},
        "progress",
        ("«انجام شده»", "۱۰۰٪", "۸۰٪"),
        id="done-at-80",
    ),
    pytest.param({"status": "done"}, "progress", ("۱۰۰٪", "۰٪"), id="done-at-current-0"),
    pytest.param(
        {"status": "not_started", "progress": 15},
        "progress",
        ("«انجام نشده»", "۰٪", "۱۵٪", "«در حال انجام»"),
        id="not-started-at-15",
    ),
    pytest.param(
        {"status": "in_progress", "progress": 100},
        "progress",
        ("۱۰۰٪", "«در حال انجام»", "«انجام شده»"),
        id="in-progress-at-100",
    ),
    pytest.param(
        {"status": "xyz"}, "status", ("«وضعیت»", "باید یکی از", "«xyz»"), id="status-unknown"
    ),
    pytest.param(
        {"planned_date": "1404/12/30"},
        "planned_date",
        ("«تاریخ برنامه‌ریزی‌شده»", "۱۴۰۴/۱۲/۳۰", "وجود ندارد"),
        id="date-impossible",
    ),
    pytest.param(
        {"planned_date": "1405-13-01"},
        "planned_date",
        ("«تاریخ برنامه‌ریزی‌شده»", "ماه باید بین ۱ تا ۱۲"),
        id="date-month-13",
    ),
    pytest.param({"planned_date": "فردا"}, "planned_date", ("۱۴۰۲/۰۷/۲۹",), id="date-not-a-date"),
    pytest.param(
        {"planned_date": "1402/07/01"},
        "planned_date",
        ("پیش از تاریخ جلسه", "۱۴۰۲/۰۷/۲۹"),
        id="date-before-meeting",
    ),
    pytest.param(
        {"done_text": "ا" * 2001},
        "done_text",
        ("«اقدامات انجام‌شده»", "۲٬۰۰۰", "۲٬۰۰۱"),
        id="done-text-too-long",
    ),
    pytest.param(
        {"evidence_url": "ftp://x"}, "evidence_url", ("پیوند مستند", "https://"), id="url-ftp"
    ),
    pytest.param(
        {"evidence_url": "javascript:alert(1)"},
        "evidence_url",
        ("پیوند مستند", "http://"),
        id="url-javascript",
    ),
    pytest.param(
        {"evidence_url": "https://example.org/a b"},
        "evidence_url",
        ("فاصله",),
        id="url-with-space",
    ),
]


@pytest.mark.parametrize(("bad", "field", "fragments"), BAD_INPUTS)
def test_bad_input_is_refused_with_a_persian_message_and_nothing_is_written(
    cast: Cast, bad: dict[str, Any], field: str, fragments: tuple[str, ...]
) -> None:
    row_id = cast.rows[0]
    # A valid change alongside the bad one must not be written either.
    companion = {"next_step": NEXT_STEP} if "next_step" not in bad else {"done_text": DONE_TEXT}
    before = snapshot(cast.url, row_id)

    with pytest.raises(ValidationError) as refused:
        save(cast.url, cast.editor, row_id, version=1, **companion, **bad)

    assert field in fields_of(refused.value)
    for error in refused.value.errors:
        assert_persian(error.message)
        assert error.row is None
    for fragment in fragments:
        assert fragment in refused.value.message
    assert snapshot(cast.url, row_id) == before


def test_every_problem_of_a_form_is_reported_at_once(cast: Cast) -> None:
    row_id = cast.rows[0]
    before = snapshot(cast.url, row_id)
    with pytest.raises(ValidationError) as refused:
        save(
            cast.url,
            cast.editor,
            row_id,
            status="xyz",
            progress=101,
            next_step="ا" * 1001,
            planned_date="1404/12/30",
            evidence_url="ftp://x",
        )
    assert fields_of(refused.value) == {
        "status",
        "progress",
        "next_step",
        "planned_date",
        "evidence_url",
    }
    assert snapshot(cast.url, row_id) == before


def test_markup_is_stored_as_typed_it_is_shown_as_text_everywhere(cast: Cast) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, next_step="<script>alert(1)</script> [x](http://e)")
    assert row(cast.url, row_id).next_step == "<script>alert(1)</script> [x](http://e)"


def test_planned_date_on_the_meeting_day_is_accepted(cast: Cast) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, planned_date="1402/07/29")
    assert row(cast.url, row_id).planned_date == date(2023, 10, 21)


def test_done_at_100_percent_is_accepted(cast: Cast) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, status="done", progress="100")
    asg = row(cast.url, row_id)
    assert (asg.status, asg.progress, asg.version) == ("done", 100, 2)


# --- bulk saves ------------------------------------------------------------------------------


def test_bulk_save_with_one_invalid_row_names_that_row_and_writes_none_of_them(
    cast: Cast,
) -> None:
    first, bad, last = cast.rows[:3]
    before = snapshot(cast.url, first, bad, last)
    updates = [
        RowUpdate(first, 1, AssignmentChanges(status="in_progress", progress=30)),
        RowUpdate(bad, 1, AssignmentChanges(progress=101, next_step=NEXT_STEP)),
        RowUpdate(last, 1, AssignmentChanges(progress=70, done_text=DONE_TEXT)),
    ]

    with pytest.raises(ValidationError) as refused:
        save_rows(cast.url, cast.editor, updates)

    assert [(e.row, e.field) for e in refused.value.errors] == [(bad, "progress")]
    assert_persian(refused.value.message)
    assert snapshot(cast.url, first, bad, last) == before


def test_bulk_save_with_one_stale_row_writes_none_of_them(cast: Cast) -> None:
    first, second, stale = cast.rows[:3]
    assert save(cast.url, cast.editor, stale, version=1, progress=10)
    before = snapshot(cast.url, first, second, stale)
    updates = [
        RowUpdate(first, 1, AssignmentChanges(progress=30)),
        RowUpdate(second, 1, AssignmentChanges(progress=40)),
        RowUpdate(stale, 1, AssignmentChanges(progress=70)),
    ]
    with pytest.raises(ConflictError):
        save_rows(cast.url, cast.editor, updates, now=LATER)
    assert snapshot(cast.url, first, second, stale) == before


def test_valid_bulk_save_writes_all_three_rows_in_one_transaction(cast: Cast) -> None:
    ids = cast.rows[:3]
    updates = [
        RowUpdate(ids[0], 1, AssignmentChanges(status="in_progress", progress=30)),
        RowUpdate(ids[1], 1, AssignmentChanges(status="done", progress=100, done_text=DONE_TEXT)),
        RowUpdate(ids[2], 1, AssignmentChanges(next_step=NEXT_STEP, planned_date="1405/10/15")),
    ]

    assert save_rows(cast.url, cast.editor, updates) == 3

    rows = [row(cast.url, i) for i in ids]
    assert [(r.status, r.progress) for r in rows] == [
        ("in_progress", 30),
        ("done", 100),
        ("not_started", 0),
    ]
    assert (rows[1].done_text, rows[2].next_step, rows[2].planned_date) == (
        DONE_TEXT,
        NEXT_STEP,
        DEY_15,
    )
    for r in rows:
        assert (r.version, r.reported_at, r.updated_by_id) == (2, NOW, cast.editor.user_id)
    assert [sorted(e.field for e in history(cast.url, i)) for i in ids] == [
        ["progress", "status"],
        ["done_text", "progress", "status"],
        ["next_step", "planned_date"],
    ]


# --- stale forms -----------------------------------------------------------------------------


def test_stale_save_is_refused_and_nothing_is_overwritten(cast: Cast) -> None:
    row_id = cast.rows[0]
    colleague = add_user(
        cast.url, "education2", "زهرا کریمی", Role.AGENCY_EDITOR.value, cast.editor.agency_id
    )
    opened = row(cast.url, row_id).version
    assert opened == 1
    assert save(
        cast.url,
        colleague,
        row_id,
        version=opened,
        status="in_progress",
        progress=30,
        planned_date="1405/10/15",
    )
    assert row(cast.url, row_id).version == 2
    after_first = snapshot(cast.url, row_id)

    with pytest.raises(ConflictError) as refused:
        save(
            cast.url,
            cast.editor,
            row_id,
            version=opened,
            now=LATER,
            progress=70,
            done_text=DONE_TEXT,
        )

    conflict = refused.value
    assert_persian(conflict.message)
    assert "زهرا کریمی" in conflict.message
    assert "۳۰٪" in conflict.message
    assert conflict.saved_by == "زهرا کریمی"
    assert conflict.saved_at == NOW
    assert conflict.theirs["status"] == "in_progress"
    assert conflict.theirs["progress"] == 30
    assert conflict.theirs["planned_date"] == DEY_15
    assert conflict.theirs["done_text"] == ""
    assert snapshot(cast.url, row_id) == after_first
    asg = row(cast.url, row_id)
    assert (asg.progress, asg.done_text, asg.updated_by_id) == (30, "", colleague.user_id)


def test_stale_form_after_a_verification_names_the_secretariat(cast: Cast) -> None:
    row_id = report(cast)
    opened = row(cast.url, row_id).version
    verify(cast.url, cast.secretariat, row_id, "document_seen", version=opened)
    after_verification = snapshot(cast.url, row_id)

    with pytest.raises(ConflictError) as refused:
        save(cast.url, cast.editor, row_id, version=opened, now=LATEST, progress=90)

    assert cast.secretariat.full_name in refused.value.message
    assert refused.value.saved_by == cast.secretariat.full_name
    assert refused.value.saved_at == LATER
    assert refused.value.theirs["verification"] == "document_seen"
    assert snapshot(cast.url, row_id) == after_verification


# --- verification reset by a new claim ------------------------------------------------------


@pytest.mark.parametrize(
    "claim",
    [{"progress": 80}, {"status": "blocked"}, {"done_text": "کار متوقف شد"}],
    ids=["progress", "status", "done_text"],
)
def test_changing_a_claim_after_verification_resets_it_to_unverified(
    cast: Cast, claim: dict[str, Any]
) -> None:
    row_id = report(cast)
    verify(cast.url, cast.secretariat, row_id, "field_verified", note="بازدید میدانی انجام شد")
    assert row(cast.url, row_id).verification == "field_verified"

    assert save(cast.url, cast.editor, row_id, version=3, now=LATEST, **claim)

    asg = row(cast.url, row_id)
    assert (asg.verification, asg.verification_note, asg.version) == ("unverified", "", 4)
    reset = history(cast.url, row_id, "verification")[-1]
    assert (reset.old_value, reset.new_value) == ("field_verified", "unverified")
    assert (reset.user_id, reset.changed_at) == (cast.editor.user_id, LATEST)


def test_changing_only_the_next_step_keeps_the_verification(cast: Cast) -> None:
    row_id = report(cast)
    verify(cast.url, cast.secretariat, row_id, "document_seen")

    assert save(cast.url, cast.editor, row_id, now=LATEST, next_step=NEXT_STEP)

    asg = row(cast.url, row_id)
    assert (asg.verification, asg.next_step, asg.version) == ("document_seen", NEXT_STEP, 4)
    assert len(history(cast.url, row_id, "verification")) == 1


# --- evidence -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("گزارش اقدامات.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("C:\\Users\\liaison\\Desktop\\site.jpg", JPEG, "image/jpeg"),
    ],
    ids=["pdf", "png", "jpeg"],
)
def test_valid_document_is_stored_with_its_hash_and_a_history_row(
    cast: Cast, filename: str, content: bytes, content_type: str
) -> None:
    row_id = cast.rows[0]
    stored_name = filename.rsplit("\\", 1)[-1]

    evidence_id = attach(cast.url, cast.editor, row_id, filename, content)

    [document] = evidence_of(cast.url, row_id)
    assert document.id == evidence_id
    assert document.content == content
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size_bytes == len(content)
    assert (document.filename, document.content_type) == (stored_name, content_type)
    assert (document.uploaded_by_id, document.uploaded_at, document.withdrawn) == (
        cast.editor.user_id,
        NOW,
        False,
    )
    [entry] = history(cast.url, row_id)
    assert (entry.field, entry.old_value, entry.new_value) == ("evidence", None, stored_name)
    assert (entry.user_id, entry.changed_at) == (cast.editor.user_id, NOW)
    asg = row(cast.url, row_id)
    assert (asg.version, asg.reported_at, asg.updated_by_id) == (2, NOW, cast.editor.user_id)


@pytest.mark.parametrize(
    ("filename", "content", "fragments"),
    [
        ("setup.exe", b"MZ\x90\x00" + bytes(60), ("«.exe»", "pdf")),
        ("no-extension", PDF, ("بدون پسوند",)),
        ("report.pdf", PNG, ("«.pdf»", "جور نیست")),
        ("empty.pdf", b"", ("خالی",)),
        ("big.pdf", b"%PDF" + b"0" * (MAX_BYTES + 1 - 4), ("حداکثر ۵ مگابایت",)),
    ],
    ids=["exe", "no-extension", "png-named-pdf", "empty", "over-5mb"],
)
def test_refused_document_raises_validation_error_and_stores_nothing(
    cast: Cast, filename: str, content: bytes, fragments: tuple[str, ...]
) -> None:
    row_id = cast.rows[0]
    before = snapshot(cast.url, row_id)

    with pytest.raises(ValidationError) as refused:
        attach(cast.url, cast.editor, row_id, filename, content)

    assert fields_of(refused.value) == {"evidence"}
    assert_persian(refused.value.message)
    for fragment in fragments:
        assert fragment in refused.value.message
    assert snapshot(cast.url, row_id) == before
    assert evidence_of(cast.url, row_id) == []


def test_a_file_name_with_markup_is_kept_as_typed(cast: Cast) -> None:
    row_id = cast.rows[0]
    attach(cast.url, cast.editor, row_id, "C:\\docs\\<img src=x>.png", PNG)
    [document] = evidence_of(cast.url, row_id)
    assert document.filename == "<img src=x>.png"


def test_document_of_exactly_5_mb_is_accepted(cast: Cast) -> None:
    row_id = cast.rows[0]
    attach(cast.url, cast.editor, row_id, "big.pdf", b"%PDF" + b"0" * (MAX_BYTES - 4))
    [document] = evidence_of(cast.url, row_id)
    assert document.size_bytes == MAX_BYTES


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_withdrawing_a_document_needs_a_reason(cast: Cast, reason: str) -> None:
    row_id = cast.rows[0]
    evidence_id = attach(cast.url, cast.editor, row_id, "report.pdf", PDF)
    before = snapshot(cast.url, row_id)

    with pytest.raises(ValidationError) as refused:
        withdraw(cast.url, cast.editor, evidence_id, reason)

    assert fields_of(refused.value) == {"reason"}
    assert_persian(refused.value.message)
    assert snapshot(cast.url, row_id) == before


def test_withdrawn_document_stays_stored_and_the_withdrawal_is_history(cast: Cast) -> None:
    row_id = cast.rows[0]
    evidence_id = attach(cast.url, cast.editor, row_id, "report.pdf", PDF)

    withdraw(cast.url, cast.editor, evidence_id, "  نسخه اشتباه بارگذاری شده بود ")

    [document] = evidence_of(cast.url, row_id)
    assert (document.id, document.withdrawn, document.content) == (evidence_id, True, PDF)
    [entry] = history(cast.url, row_id, "evidence_withdrawn")
    assert (entry.old_value, entry.new_value, entry.reason) == (
        "report.pdf",
        None,
        "نسخه اشتباه بارگذاری شده بود",
    )
    assert (entry.user_id, entry.changed_at) == (cast.editor.user_id, LATER)
    assert row(cast.url, row_id).version == 3

    before = snapshot(cast.url, row_id)
    with pytest.raises(NotFound):
        withdraw(cast.url, cast.editor, evidence_id, "دوباره")
    assert snapshot(cast.url, row_id) == before


def test_new_document_on_a_verified_row_resets_the_verification(cast: Cast) -> None:
    row_id = report(cast)
    verify(cast.url, cast.secretariat, row_id, "document_seen")

    attach(cast.url, cast.editor, row_id, "photo.png", PNG, now=LATEST)

    asg = row(cast.url, row_id)
    assert (asg.verification, asg.version, asg.reported_at) == ("unverified", 4, LATEST)
    reset = history(cast.url, row_id, "verification")[-1]
    assert (reset.old_value, reset.new_value, reset.user_id) == (
        "document_seen",
        "unverified",
        cast.editor.user_id,
    )


# --- verification ---------------------------------------------------------------------------


@pytest.mark.parametrize("verdict", ["document_seen", "field_verified"])
def test_secretariat_marks_a_reported_row(cast: Cast, verdict: str) -> None:
    row_id = report(cast)
    reported = row(cast.url, row_id)

    verify(cast.url, cast.secretariat, row_id, verdict, version=2)

    asg = row(cast.url, row_id)
    assert (asg.verification, asg.verified_by_id, asg.verified_at) == (
        verdict,
        cast.secretariat.user_id,
        LATER,
    )
    assert asg.version == 3
    # Verifying is not a report: the agency's values and report time stay as they were.
    assert (asg.status, asg.progress, asg.reported_at) == (
        reported.status,
        reported.progress,
        NOW,
    )
    [entry] = history(cast.url, row_id, "verification")
    assert (entry.old_value, entry.new_value, entry.user_id, entry.changed_at) == (
        "unverified",
        verdict,
        cast.secretariat.user_id,
        LATER,
    )


@pytest.mark.parametrize("note", ["", "بد", "    "], ids=["empty", "too-short", "blank"])
def test_rejecting_without_a_reason_is_refused(cast: Cast, note: str) -> None:
    row_id = report(cast)
    before = snapshot(cast.url, row_id)

    with pytest.raises(ValidationError) as refused:
        verify(cast.url, cast.secretariat, row_id, "rejected", note)

    assert fields_of(refused.value) == {"note"}
    assert_persian(refused.value.message)
    assert "دلیل" in refused.value.message
    assert snapshot(cast.url, row_id) == before


def test_rejecting_with_a_reason_stores_the_note(cast: Cast) -> None:
    row_id = report(cast)
    note = "صورتجلسه پیوست نشده است"

    verify(cast.url, cast.secretariat, row_id, "rejected", f" {note} ")

    asg = row(cast.url, row_id)
    assert (asg.verification, asg.verification_note, asg.verified_by_id, asg.version) == (
        "rejected",
        note,
        cast.secretariat.user_id,
        3,
    )
    [entry] = history(cast.url, row_id, "verification")
    assert (entry.new_value, entry.reason) == ("rejected", note)


def test_a_row_never_reported_cannot_be_verified(cast: Cast) -> None:
    row_id = cast.rows[0]
    assert row(cast.url, row_id).reported_at is None
    before = snapshot(cast.url, row_id)

    with pytest.raises(ValidationError) as refused:
        verify(cast.url, cast.secretariat, row_id, "document_seen", version=1)

    assert fields_of(refused.value) == {"verification"}
    assert "گزارشی" in refused.value.message
    assert snapshot(cast.url, row_id) == before


def test_an_unknown_verdict_is_refused(cast: Cast) -> None:
    row_id = report(cast)
    before = snapshot(cast.url, row_id)
    with pytest.raises(ValidationError) as refused:
        verify(cast.url, cast.secretariat, row_id, "approved")
    assert fields_of(refused.value) == {"verification"}
    assert_persian(refused.value.message)
    assert snapshot(cast.url, row_id) == before


@pytest.mark.parametrize("role", ["own_agency_editor", "other_agency_editor", "viewer"])
def test_agency_editor_or_viewer_cannot_verify(cast: Cast, role: str) -> None:
    row_id = report(cast)
    before = snapshot(cast.url, row_id)
    with pytest.raises(PermissionDenied) as refused:
        verify(cast.url, cast.by_role(role), row_id, "field_verified")
    assert "دبیرخانه" in refused.value.message
    assert snapshot(cast.url, row_id) == before


def test_verifying_from_a_stale_view_is_refused(cast: Cast) -> None:
    row_id = report(cast)
    seen = row(cast.url, row_id).version
    assert save(cast.url, cast.editor, row_id, now=LATER, progress=70)
    before = snapshot(cast.url, row_id)

    with pytest.raises(ConflictError) as refused:
        verify(cast.url, cast.secretariat, row_id, "field_verified", version=seen, now=LATEST)

    assert cast.editor.full_name in refused.value.message
    assert refused.value.theirs["progress"] == 70
    assert snapshot(cast.url, row_id) == before


def test_progress_alone_on_a_row_not_started_starts_it_and_says_so_in_history(
    cast: Cast,
) -> None:
    row_id = cast.rows[0]
    assert save(cast.url, cast.editor, row_id, version=1, progress=15)
    asg = row(cast.url, row_id)
    assert (asg.status, asg.progress) == ("in_progress", 15)
    assert [(e.old_value, e.new_value) for e in history(cast.url, row_id, "status")] == [
        ("not_started", "in_progress")
    ]


def test_a_row_newly_blocked_must_say_what_stopped_it(cast: Cast) -> None:
    row_id = cast.rows[0]
    before = snapshot(cast.url, row_id)
    with pytest.raises(ValidationError) as refused:
        save(cast.url, cast.editor, row_id, version=1, status="blocked", progress=65)
    assert fields_of(refused.value) == {"next_step"}
    assert "«متوقف»" in refused.value.message and "چه چیزی" in refused.value.message
    assert snapshot(cast.url, row_id) == before
    # With the obstacle written, blocked at 65% is a plain report.
    assert save(
        cast.url,
        cast.editor,
        row_id,
        version=1,
        status="blocked",
        progress=65,
        next_step="اعتبار تخصیص نیافته است؛ پیگیری از سازمان برنامه",
    )
    assert (row(cast.url, row_id).status, row(cast.url, row_id).progress) == ("blocked", 65)
