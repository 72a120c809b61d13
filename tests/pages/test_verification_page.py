"""«بررسی گزارش‌ها» through AppTest: the secretariat rules on a claim."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Assignment
from tests.pages.conftest import attach_two, page_html, press, shown, sign_in


@pytest.fixture
def secretariat(make_app: Callable[[str], AppTest], seeded_url: str) -> AppTest:
    return sign_in(make_app(seeded_url).run(), "dabir", then="pages/verification.py")


def _first_form(at: AppTest) -> tuple[int, int]:
    key = next(str(k) for k in at.session_state if str(k).startswith("verdict_"))
    _, asg_id, version = key.split("_")
    return int(asg_id), int(version)


def _submit(at: AppTest, asg_id: int, version: int) -> None:
    press(at, "ثبت", form=f"verify_{asg_id}_{version}").run()


def test_the_secretariat_lands_on_pending_claims(secretariat: AppTest) -> None:
    assert "بررسی گزارش دستگاه‌ها" in page_html(secretariat)
    assert secretariat.metric[0].value != "۰"


def test_rejecting_without_a_reason_is_refused(secretariat: AppTest, seeded_url: str) -> None:
    asg_id, version = _first_form(secretariat)
    secretariat.radio(key=f"verdict_{asg_id}_{version}").set_value("rejected")
    _submit(secretariat, asg_id, version)
    assert any("دلیل" in e.value for e in secretariat.error)
    with read_session(seeded_url) as s:
        row = s.get(Assignment, asg_id)
        assert row is not None and (row.verification, row.version) == ("unverified", version)


def test_rejecting_with_a_reason_returns_the_row_to_the_agency(
    secretariat: AppTest, seeded_url: str
) -> None:
    asg_id, version = _first_form(secretariat)
    secretariat.radio(key=f"verdict_{asg_id}_{version}").set_value("rejected")
    secretariat.text_input(key=f"note_{asg_id}_{version}").input("صورتجلسه پیوست نشده است.")
    _submit(secretariat, asg_id, version)
    assert not secretariat.error
    assert any("رد شده" in s.value for s in secretariat.success)
    with read_session(seeded_url) as s:
        row = s.get(Assignment, asg_id)
        assert row is not None
        assert (row.verification, row.verification_note) == ("rejected", "صورتجلسه پیوست نشده است.")
    # The claim left the pending list.
    assert f"verdict_{asg_id}_" not in " ".join(map(str, secretariat.session_state))


def test_marking_everything_seen_clears_the_new_flags(secretariat: AppTest) -> None:
    secretariat.button(key="mark_seen").click().run()
    assert not secretariat.exception
    assert secretariat.metric[1].value == "۰"


def test_a_second_visit_says_when_the_first_one_was(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    first = sign_in(make_app(seeded_url).run(), "dabir", then="pages/verification.py")
    assert "نخستین بازدید شما" in " ".join(c.value for c in first.caption)
    # Another visit (a new session, as after a reload or the next day).
    second = sign_in(make_app(seeded_url).run(), "dabir", then="pages/verification.py")
    captions = " ".join(c.value for c in second.caption)
    assert "نخستین بازدید" not in captions and "آخرین بازدید شما:" in captions


def test_no_verdict_is_chosen_until_the_secretariat_chooses_one(
    secretariat: AppTest, seeded_url: str
) -> None:
    asg_id, version = _first_form(secretariat)
    assert secretariat.radio(key=f"verdict_{asg_id}_{version}").value is None
    _submit(secretariat, asg_id, version)
    assert any("نتیجهٔ بررسی را برگزینید" in e.value for e in secretariat.error)
    with read_session(seeded_url) as s:
        row = s.get(Assignment, asg_id)
        assert row is not None and (row.verification, row.version) == ("unverified", version)


def test_each_live_document_of_a_claim_is_offered_and_a_withdrawn_one_is_not(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    _, kept, gone = attach_two(seeded_url, "agency02")
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/verification.py")
    offered = {b.key: shown(b.label) for b in at.download_button}
    assert offered.get(f"v_dl_{kept}") == "دریافت گزارش اقدامات.pdf"
    assert f"v_dl_{gone}" not in offered
