"""Two tabs, one person: every action that takes a picked target names it by its id and
the version it was shown at. When the other tab has changed or removed that target
since, the action is refused with a Persian message and the database is unchanged.

The "other tab" is either a second AppTest of the same browser (same cookie) or the
command that tab's button runs, called with the same signed-in session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel
from streamlit.testing.v1 import AppTest

from data_layer import auth
from data_layer.commands.access import create_access_token, revoke_access_token, set_anonymous_read
from data_layer.commands.accounts import reset_password, set_user_active, set_user_role
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.capacity import set_capacity
from data_layer.commands.meetings import set_attendance, update_meeting
from data_layer.commands.neighborhoods import update_neighborhood
from data_layer.commands.reports import submit_report
from data_layer.commands.resolutions import update_resolution
from data_layer.commands.service_types import ServiceTypeInput, update_service_type
from data_layer.commands.settings import set_report_rule, set_thresholds
from data_layer.commands.verification import verify_assignment
from data_layer.db import get_engine, read_session, write_session
from data_layer.input.neighborhoods import NeighborhoodInput
from data_layer.models import (
    AccessKind,
    Assignment,
    Meeting,
    MeetingAttendance,
    Neighborhood,
    Resolution,
    ServiceDelivery,
    ServiceType,
    User,
)
from data_layer.permissions import Actor
from data_layer.queries.settings import get_report_rule, get_thresholds
from tests.pages.conftest import COOKIES, keyed, messages, press, sign_in, submit_button

MY_AGENCY = "pages/my_agency.py"
MEETINGS = "pages/meetings.py"
NEIGHBORHOODS = "pages/neighborhoods.py"
USERS = "pages/users.py"
SETTINGS = "pages/settings.py"
VERIFICATION = "pages/verification.py"
# Rows that change on every request of a signed-in person, not by what they do.
_MOVING = {"auth_session", "data_version"}


def database(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the sign-in bookkeeping), to compare before/after."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with get_engine(url).connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in _MOVING:
                rows = conn.execute(select(table)).all()
                out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def same_person() -> Actor:
    """The signed-in person of this browser, as another of its tabs would act."""
    return auth.resolve_session_url(os_url(), token=COOKIES[auth.SESSION_COOKIE])


def os_url() -> str:
    import os

    return os.environ["DATABASE_URL"]


def other_tab(fn: Callable[[Any, Actor], object]) -> None:
    """The other tab's button: one command, in its own transaction, as the same person."""
    actor = same_person()
    with write_session(os_url()) as s:
        fn(s, actor)


def refused(at: AppTest, *fragments: str) -> str:
    """The page said why it refused (in Persian, nothing raised)."""
    assert not at.exception, at.exception
    said = "\n".join(messages(at.error) + messages(at.warning))
    assert said, "the stale action must be refused with a message"
    assert all(f in said for f in fragments), said
    assert "Traceback" not in said
    return said


def tab(make_app: Callable[[str], AppTest], url: str, page: str, who: str | None = None) -> AppTest:
    """A tab of this browser on `page` (signing in first when `who` is given)."""
    if who is not None:
        return sign_in(make_app(url).run(), who, then=page)
    at = make_app(url)
    at.switch_page(page).run()
    assert not at.exception
    return at


SEEN = "پس از باز شدن"  # "… changed after your form was opened"


# --- a liaison's own rows ---------------------------------------------------------------


def _deliveries(url: str, agency_id: int) -> list[int]:
    with read_session(url) as s:
        stmt = select(ServiceDelivery.id).where(  # type: ignore[call-overload]
            ServiceDelivery.agency_id == agency_id,
            ServiceDelivery.withdrawn == False,  # noqa: E712
        )
        return sorted(int(i) for i in s.execute(stmt).scalars())


def test_a_withdrawal_hits_only_the_delivery_that_was_chosen(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    first = tab(make_app, seeded_url, MY_AGENCY, who="agency02")
    second = tab(make_app, seeded_url, MY_AGENCY)
    live = _deliveries(seeded_url, 2)
    assert len(live) >= 2
    target = live[1]  # not the first row: a fallback would land on the first one
    second.selectbox(key="dl_withdraw_pick").set_value(target).run()
    second.text_input(key="dl_withdraw_why").input("ثبت تکراری بود")
    first.selectbox(key="dl_withdraw_pick").set_value(target).run()
    first.text_input(key="dl_withdraw_why").input("اشتباه در دوره")
    first.button(key="dl_withdraw").click().run()
    assert any("پس گرفته شد" in m for m in messages(first.success))
    assert _deliveries(seeded_url, 2) == [i for i in live if i != target]
    before = database(seeded_url)
    second.button(key="dl_withdraw").click().run()
    refused(second)
    assert database(seeded_url) == before
    assert _deliveries(seeded_url, 2) == [i for i in live if i != target]


def _detail(at: AppTest) -> tuple[int, int]:
    chosen = int(at.selectbox(key="detail_row").value)
    with read_session(os_url()) as s:
        row = s.get(Assignment, chosen)
        assert row is not None
        return chosen, row.version


def _save_as_other_tab(assignment_id: int, version: int) -> None:
    other_tab(
        lambda s, who: update_assignment(
            s,
            actor=who,
            assignment_id=assignment_id,
            expected_version=version,
            changes=AssignmentChanges(next_step="پیگیری از فرمانداری در تب دیگر"),
        )
    )


def test_evidence_for_a_row_changed_since_it_was_shown_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, MY_AGENCY, who="agency02")
    chosen, version = _detail(at)
    at.file_uploader(key=f"upload_{chosen}").set_value(("مستند.pdf", b"%PDF-1.4\n%%EOF\n", "x"))
    at.run()
    _save_as_other_tab(chosen, version)
    before = database(seeded_url)
    at.button(key=f"add_evidence_{chosen}").click().run()
    refused(at)
    assert database(seeded_url) == before


def test_the_quick_table_after_a_save_in_another_tab_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd
    import streamlit

    at = tab(make_app, seeded_url, MY_AGENCY, who="agency02")
    chosen, version = _detail(at)
    real = streamlit.data_editor

    def edited(data: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
        shown = real(data, **kwargs)  # type: ignore[arg-type]
        if not str(kwargs.get("key", "")).startswith("quick_editor"):
            return shown  # the page's other grids (the indicator values) stay as they are
        out = data.copy()
        assert data.loc[chosen, "پیشرفت ٪"] != "۵۵"  # so the edit is a change to save
        out.loc[chosen, "پیشرفت ٪"] = "۵۵"
        return out

    monkeypatch.setattr(streamlit, "data_editor", edited)
    _save_as_other_tab(chosen, version)
    before = database(seeded_url)
    at.button(key="save_quick").click().run()
    refused(at)
    assert database(seeded_url) == before


def test_the_row_form_after_a_save_in_another_tab_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, MY_AGENCY, who="agency02")
    chosen, version = _detail(at)
    k = f"{chosen}_{version}"
    at.text_area(key=f"f_done_{k}").input("اقدام این تب")
    _save_as_other_tab(chosen, version)
    before = database(seeded_url)
    press(at, "ذخیرهٔ این ردیف", form=f"row_form_{k}").run()
    refused(at)
    assert database(seeded_url) == before


def test_capacity_saved_in_another_tab_is_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, MY_AGENCY, who="agency02")
    service = int(at.selectbox(key="cap_service").value)
    form = keyed(at.text_input, f"cap_total_{service}_")
    version_shown = form.key.rsplit("_", 1)[1]  # type: ignore[union-attr]
    expected = None if version_shown == "None" else int(version_shown)
    form.input("۴۰")
    keyed(at.text_input, f"cap_target_{service}_").input("۱۰")
    other_tab(
        lambda s, who: set_capacity(
            s,
            actor=who,
            agency_id=2,
            service_type_id=service,
            total_units=90,
            target_units=30,
            expected_version=expected,
        )
    )
    before = database(seeded_url)
    press(at, "ذخیرهٔ ظرفیت", form=f"cap_{service}_").run()
    refused(at)
    assert database(seeded_url) == before


def test_a_report_sent_from_another_tab_is_not_replaced(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, MY_AGENCY, who="agency02")
    year, no = at.selectbox(key="rep_period").value
    body = keyed(at.text_area, f"rep_body_{year}_{no}_")
    shown = body.key.rsplit("_", 1)[1]  # type: ignore[union-attr]
    body.input("گزارش این تب")
    with read_session(seeded_url) as s:
        kind = get_report_rule(s).period_kind
    other_tab(
        lambda s, who: submit_report(
            s,
            actor=who,
            agency_id=2,
            period_kind=kind,
            period_year=year,
            period_no=no,
            body="گزارش تب دیگر",
            figures={},
            expected_version=None if shown == "None" else int(shown),
        )
    )
    before = database(seeded_url)
    press(at, "ارسال گزارش", form=f"report_{year}_{no}_").run()
    refused(at)
    assert database(seeded_url) == before


# --- the secretariat ----------------------------------------------------------------


def test_a_verdict_on_a_claim_changed_since_it_was_shown_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, VERIFICATION, who="dabir")
    form = str(next(f for f in at.form if str(f.key).startswith("verify_")).key)
    submit = submit_button(at, "ثبت", form=form)
    asg_id, version = (int(x) for x in form.split("_")[1:3])
    other_tab(
        lambda s, who: verify_assignment(
            s, actor=who, assignment_id=asg_id, expected_version=version, verdict="document_seen"
        )
    )
    before = database(seeded_url)
    submit.click().run()
    refused(at)
    assert database(seeded_url) == before


def _meeting_tab(make_app: Callable[[str], AppTest], url: str) -> tuple[AppTest, Meeting]:
    at = tab(make_app, url, MEETINGS, who="dabir")
    mid = int(at.selectbox(key="mt_pick").value)
    with read_session(url) as s:
        meeting = s.get(Meeting, mid)
        assert meeting is not None
        s.expunge(meeting)
    return at, meeting


def _edit_meeting_elsewhere(meeting: Meeting) -> None:
    from data_layer.commands.meetings import MeetingInput

    data = MeetingInput(
        number=meeting.number,
        held_on=meeting.held_on,
        start_time=meeting.start_time or "",
        place="سالن تب دیگر",
        chair=meeting.chair,
        secretary=meeting.secretary,
        guests=meeting.guests,
        summary=meeting.summary,
    )
    other_tab(
        lambda s, who: update_meeting(
            s, actor=who, meeting_id=meeting.id, data=data, expected_version=meeting.version
        )
    )


def test_a_meeting_edited_in_another_tab_is_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at, meeting = _meeting_tab(make_app, seeded_url)
    prefix = f"me_{meeting.id}_{meeting.version}"
    at.text_input(key=f"{prefix}_place").input("سالن این تب")
    _edit_meeting_elsewhere(meeting)
    before = database(seeded_url)
    press(at, "ذخیرهٔ جلسه", form=f"mt_edit_{meeting.id}_{meeting.version}")
    at.run()
    refused(at, SEEN)
    assert database(seeded_url) == before


def test_attendance_changed_in_another_tab_is_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at, meeting = _meeting_tab(make_app, seeded_url)
    key = f"me_att_{meeting.id}_{meeting.version}"
    with read_session(seeded_url) as s:
        rows = s.execute(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)  # type: ignore[arg-type]
        ).scalars()
        present = {r.agency_id for r in rows if r.present}
    at.multiselect(key=key).set_value(sorted(present)[:1])
    other_tab(
        lambda s, who: set_attendance(
            s,
            actor=who,
            meeting_id=meeting.id,
            present_agency_ids=set(sorted(present)[1:]),
            expected_version=meeting.version,
        )
    )
    before = database(seeded_url)
    form = f"mt_attend_{meeting.id}_{meeting.version}"
    press(at, "ذخیرهٔ حضور و غیاب", form=form).run()
    refused(at)
    assert database(seeded_url) == before


def test_owners_of_a_resolution_changed_in_another_tab_are_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at, meeting = _meeting_tab(make_app, seeded_url)
    with read_session(seeded_url) as s:
        res = (
            s.execute(
                select(Resolution)
                .where(Resolution.meeting_id == meeting.id)
                .order_by(Resolution.id)  # type: ignore[arg-type]
            )
            .scalars()
            .all()[1]
        )
        res_id, version = int(res.id), res.version  # type: ignore[arg-type]
    at.selectbox(key=f"mr_pick_{meeting.id}").set_value(res_id).run()
    at.text_input(key=f"mr_due_{meeting.id}").input("۱۴۰۵/۱۲/۱۵")
    at.checkbox(key=f"mr_all_{meeting.id}").check()
    other_tab(
        lambda s, who: update_resolution(
            s, actor=who, resolution_id=res_id, due_date=date(2027, 1, 1), expected_version=version
        )
    )
    before = database(seeded_url)
    press(at, "ذخیرهٔ مصوبه", form=f"mt_res_{meeting.id}").run()
    refused(at)
    assert database(seeded_url) == before


def _first_neighborhood(url: str) -> Neighborhood:
    with read_session(url) as s:
        hood = s.execute(select(Neighborhood).order_by(Neighborhood.id)).scalars().first()  # type: ignore[arg-type]
        assert hood is not None
        s.expunge(hood)
        return hood


def test_a_neighborhood_edited_in_another_tab_is_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, NEIGHBORHOODS, who="dabir")
    hood = _first_neighborhood(seeded_url)
    at.selectbox(key="hood_pick").set_value(hood.id).run()
    prefix = f"hood_{hood.id}_v{hood.version}"
    at.text_input(key=f"{prefix}_pop").input("۱۲۳۴۵")
    with read_session(seeded_url) as s:
        county = s.execute(text("SELECT name FROM county WHERE id = :i"), {"i": hood.county_id})
        county_name = county.scalar_one()
    data = NeighborhoodInput(county_name, hood.name, 99_999, hood.households, hood.kind)
    other_tab(
        lambda s, who: update_neighborhood(
            s, actor=who, neighborhood_id=hood.id, data=data, expected_version=hood.version
        )
    )
    before = database(seeded_url)
    press(at, "ذخیره", form=f"{prefix}_form").run()
    refused(at, SEEN)
    assert database(seeded_url) == before


def test_a_service_edited_in_another_tab_is_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, NEIGHBORHOODS, who="dabir")
    with read_session(seeded_url) as s:
        svc = s.execute(select(ServiceType).order_by(ServiceType.id)).scalars().first()  # type: ignore[arg-type]
        assert svc is not None
        s.expunge(svc)
    at.selectbox(key="svc_pick").set_value(svc.id).run()
    sk = f"{svc.id}_v{svc.version}"
    at.text_input(key=f"svc_unit_{sk}").input("واحد این تب")
    data = ServiceTypeInput(
        name=svc.name,
        unit="واحد تب دیگر",
        owner_agency_id=svc.owner_agency_id,
        norm_per_1000=svc.norm_per_1000,
        resolution_ref=svc.resolution_ref,
    )
    other_tab(
        lambda s, who: update_service_type(
            s, actor=who, service_type_id=svc.id, data=data, expected_version=svc.version
        )
    )
    before = database(seeded_url)
    press(at, "ذخیرهٔ خدمت", form=f"svc_form_{sk}").run()
    refused(at)
    assert database(seeded_url) == before


# --- the administrator's accounts ---------------------------------------------------


def _user(url: str, username: str) -> User:
    with read_session(url) as s:
        user = s.execute(select(User).where(User.username == username)).scalars().one()  # type: ignore[arg-type]
        s.expunge(user)
        return user


@pytest.mark.parametrize("action", ["reset", "active", "role"])
def test_an_account_changed_in_another_tab_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str, action: str
) -> None:
    at = tab(make_app, seeded_url, USERS, who="admin")
    user = _user(seeded_url, "agency03")
    at.selectbox(key=f"{action}_user").set_value(user.id).run()
    other_tab(
        lambda s, who: reset_password(s, actor=who, user_id=user.id, expected_version=user.version)
    )
    before = database(seeded_url)
    if action == "role":
        at.selectbox(key=f"role_new_{user.id}_{user.version}").set_value("viewer")
        press(at, "تغییر نقش", form=f"role_{user.id}_{user.version}")
    else:
        at.button(key=f"{action}_go").click()
    at.run()
    refused(at)
    assert database(seeded_url) == before


def test_an_account_deactivated_in_another_tab_is_not_given_a_new_role(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, USERS, who="admin")
    user = _user(seeded_url, "agency04")
    at.selectbox(key="role_user").set_value(user.id).run()
    other_tab(
        lambda s, who: set_user_active(
            s, actor=who, user_id=user.id, active=False, expected_version=user.version
        )
    )
    before = database(seeded_url)
    at.selectbox(key=f"role_new_{user.id}_{user.version}").set_value("secretariat")
    press(at, "تغییر نقش", form=f"role_{user.id}_{user.version}").run()
    refused(at)
    assert database(seeded_url) == before
    other_tab(
        lambda s, who: set_user_role(s, actor=who, user_id=user.id, role="viewer", agency_id=None)
    )  # a fresh form (no version named) still works


# --- settings --------------------------------------------------------------------


def test_thresholds_changed_in_another_tab_are_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, SETTINGS, who="dabir")
    keyed(at.text_input, "th_stale:").input("۳۰")
    with read_session(seeded_url) as s:
        shown = get_thresholds(s)
    other_tab(
        lambda s, who: set_thresholds(
            s,
            actor=who,
            green_done_share=90,
            red_done_share=20,
            amber_overdue=shown.amber_overdue,
            red_overdue=shown.red_overdue,
            stale_days=shown.stale_days,
            expected=shown,
        )
    )
    before = database(seeded_url)
    press(at, "ذخیره", form="thresholds_").run()
    refused(at, SEEN)
    assert database(seeded_url) == before


def test_the_report_rule_changed_in_another_tab_is_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, "pages/reports.py", who="dabir")
    keyed(at.text_input, "rule_days_").input("۲۰")
    with read_session(seeded_url) as s:
        shown = get_report_rule(s)
    other_tab(
        lambda s, who: set_report_rule(
            s, actor=who, period_kind="month", days_after_period_end=5, expected=shown
        )
    )
    before = database(seeded_url)
    press(at, "ذخیرهٔ قاعده", form="report_rule_").run()
    refused(at, SEEN)
    assert database(seeded_url) == before


def test_who_may_read_changed_in_another_tab_is_not_overwritten(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, SETTINGS, who="dabir")
    shown = str(keyed(at.radio, "anon_read_").value)
    other = "nobody" if shown == "everyone" else "everyone"
    other_tab(lambda s, who: set_anonymous_read(s, actor=who, value=other, expected=shown))
    before = database(seeded_url)
    press(at, "ذخیره", form="anonymous_read_").run()  # saves what it showed
    refused(at, SEEN)
    assert database(seeded_url) == before


def test_a_kiosk_link_revoked_in_another_tab_is_revoked_once(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = tab(make_app, seeded_url, SETTINGS, who="dabir")
    made: list[int] = []
    for name in ("لپ‌تاپ سالن", "صفحهٔ دیواری"):
        other_tab(
            lambda s, who, n=name: made.append(
                int(
                    create_access_token(
                        s, actor=who, kind=AccessKind.KIOSK, name=n, scope="projector"
                    )[0].id
                )  # type: ignore[arg-type]
            )
        )
    at.run()
    target = made[0]
    at.selectbox(key="kiosk_revoke_pick").set_value(target).run()
    other_tab(lambda s, who: revoke_access_token(s, actor=who, token_id=target))
    before = database(seeded_url)
    at.button(key="kiosk_revoke").click().run()
    assert not at.exception
    assert database(seeded_url) == before  # the other link still works
    said = messages(at.success) + messages(at.info) + messages(at.error)
    assert any("پیش‌تر باطل شده" in m for m in said), said
