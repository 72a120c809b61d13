"""A meeting's record through AppTest: the secretariat takes it on the meeting's page, and
the projector and the report show its frozen figures, labelled, after a later save."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer import clock
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.snapshots import freeze_meeting
from data_layer.db import read_session, write_session
from data_layer.documents.report import meeting_report_html
from data_layer.jalali import format_jalali, local_today, to_ascii_digits
from data_layer.models import Assignment, Meeting, MeetingSnapshot, Resolution, User
from data_layer.permissions import Actor
from tests.pages.conftest import keyed, messages, page_html, sign_in

PROJECTOR = "pages/projector.py"


def _actor(url: str, username: str) -> Actor:
    with read_session(url) as s:
        u = s.exec(select(User).where(User.username == username)).one()
        return Actor(int(u.id or 0), u.username, u.full_name, u.role, u.agency_id)


def _meeting_8_today(url: str) -> Meeting:
    with write_session(url) as s:
        return create_meeting(
            s,
            actor=_actor(url, "dabir"),
            data=MeetingInput(
                number=8, held_on=local_today(), start_time="", place="استانداری", chair="معاون"
            ),
        )


def _education_row_of_7(url: str) -> Assignment:
    """Education's row of resolution 11 of meeting 7 (its slide 12 in the deck)."""
    with read_session(url) as s:
        return s.exec(
            select(Assignment)
            .join(Resolution, Resolution.id == Assignment.resolution_id)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .join(User, User.agency_id == Assignment.agency_id)
            .where(Meeting.number == 7, Resolution.number == 11, User.username == "agency02")
        ).one()


def test_the_secretariat_freezes_the_meeting_and_the_projector_keeps_its_figures(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    meeting = _meeting_8_today(seeded_url)
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/meetings.py")
    at.selectbox(key="mt_pick").set_value(meeting.id).run()
    keyed(at.button, f"mt_record_{meeting.id}_").click().run()
    assert not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        record = s.exec(select(MeetingSnapshot)).one()
    assert record.meeting_id == meeting.id and record.how == "live" and record.rows > 300
    assert any("وضعیت ثبت‌شده در" in c for c in messages(at.caption))
    assert not [b for b in at.button if (b.key or "").startswith(f"mt_record_{meeting.id}_")]

    # An agency saves during the session: the record (and the projector) stay as they were.
    row = _education_row_of_7(seeded_url)
    before = row.progress
    with write_session(seeded_url) as s:
        update_assignment(
            s,
            actor=_actor(seeded_url, "agency02"),
            assignment_id=int(row.id or 0),
            expected_version=row.version,
            changes=AssignmentChanges(status="in_progress", progress=(before + 13) % 100),
        )
    at = make_app(seeded_url).run()
    at.query_params["slide"] = "12"
    at.switch_page(PROJECTOR).run()
    html = page_html(at)
    assert "جلسه ۷ — مصوبه ۱۱ از ۱۴" in html
    assert "وضعیت ثبت‌شده در" in html
    shares = re.findall(r"<span>آموزش و پرورش ([۰-۹]+)٪</span>", html)
    assert shares and int(to_ascii_digits(shares[0])) == before
    with read_session(seeded_url) as s:
        seventh = s.exec(select(Meeting).where(Meeting.number == 7)).one()
        report = meeting_report_html(s, meeting_id=int(seventh.id or 0), today=local_today())
    assert "وضعیت ثبت‌شده در" in report


def test_with_an_earlier_record_the_deck_shows_then_to_now(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    dabir = _actor(seeded_url, "dabir")
    with read_session(seeded_url) as s:
        seventh = s.exec(select(Meeting).where(Meeting.number == 7)).one()
    with write_session(seeded_url) as s:
        freeze_meeting(s, actor=dabir, meeting_id=int(seventh.id or 0), expected_version=None)
    meeting = _meeting_8_today(seeded_url)
    with write_session(seeded_url) as s:
        freeze_meeting(
            s,
            actor=dabir,
            meeting_id=int(meeting.id or 0),
            expected_version=None,
            now=clock.now() + timedelta(seconds=1),
        )
    at = make_app(seeded_url).run()
    at.query_params["slide"] = "2"
    at.switch_page(PROJECTOR).run()
    html = page_html(at)
    assert f"آن روز ← اکنون: از جلسه ۷ ({format_jalali(seventh.held_on)})" in html
    assert 'class="grid movement"' in html
    # The overview's "since the last meeting" counts from the record of meeting 8.
    at.switch_page("pages/overview.py").run()
    assert any("نسبت به وضعیت ثبت‌شده در" in c for c in messages(at.caption))
