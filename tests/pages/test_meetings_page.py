"""«جلسات» through AppTest: the secretariat records a meeting and its resolutions."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Assignment, Meeting, Resolution
from tests.pages.conftest import page_html, press, sign_in


def _secretariat(make_app: Callable[[str], AppTest], url: str) -> AppTest:
    return sign_in(make_app(url).run(), "dabir", then="pages/meetings.py")


def test_meetings_list_and_the_7th_meetings_carry_over(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page("pages/meetings.py").run()
    assert not at.exception
    assert "جلسات و مصوبات" in page_html(at)
    assert at.selectbox(key="mt_pick").value is not None


def test_the_secretariat_records_a_meeting_and_a_resolution_for_all_members(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _secretariat(make_app, seeded_url)
    at.text_input(key="mn_date").input("1405/09/20")
    at.text_input(key="mn_chair").input("معاون سیاسی، امنیتی و اجتماعی استانداری")
    press(at, "ثبت جلسه").run()
    assert not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == 8)).one()
    at.selectbox(key="mt_pick").set_value(meeting.id).run()
    k = meeting.id
    at.text_input(key=f"mr_no_{k}").input("1")
    at.text_area(key=f"mr_text_{k}").input("تشکیل کارگروه فرعی پایش خدمات در محلات هدف")
    at.checkbox(key=f"mr_all_{k}").check()
    press(at, "ذخیرهٔ مصوبه", form=f"mt_res_{k}").run()
    assert not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        res = s.exec(select(Resolution).where(Resolution.meeting_id == meeting.id)).one()
        rows = s.exec(select(Assignment).where(Assignment.resolution_id == res.id)).all()
    assert len(rows) == 24  # one row per member agency


def test_a_meeting_with_an_impossible_date_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _secretariat(make_app, seeded_url)
    at.text_input(key="mn_date").input("1404/12/30")
    at.text_input(key="mn_chair").input("رئیس")
    press(at, "ثبت جلسه").run()
    assert at.error and "وجود ندارد" in at.error[0].value
    with read_session(seeded_url) as s:
        assert s.exec(select(Meeting).where(Meeting.number == 8)).first() is None


def test_the_meeting_report_is_built_on_request(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _secretariat(make_app, seeded_url)
    at.button(key="mt_build").click().run()
    _, pdf, xlsx = at.session_state["meeting_docs"]
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK")


def test_after_a_meeting_is_recorded_the_form_is_empty_and_proposes_the_next_number(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _secretariat(make_app, seeded_url)
    assert at.text_input(key="mn_no").value == "۸"
    at.text_input(key="mn_chair").input("معاون سیاسی، امنیتی و اجتماعی استانداری")
    press(at, "ثبت جلسه").run()
    assert not at.error, [e.value for e in at.error]
    # The form kept what was typed for meeting 8: recording the next one was refused
    # with «جلسه شماره ۸ قبلاً ثبت شده است».
    assert at.text_input(key="mn_no").value == "۹"
    assert at.text_input(key="mn_chair").value == ""
    at.text_input(key="mn_chair").input("معاون سیاسی، امنیتی و اجتماعی استانداری")
    press(at, "ثبت جلسه").run()
    assert not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        assert s.exec(select(Meeting).where(Meeting.number == 9)).one()
