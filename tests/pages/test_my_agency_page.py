"""«دستگاه من» through AppTest: sign in as a liaison, report, and be refused when stale."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.auth import SESSION_COOKIE, sign_in_url, sign_out
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.db import read_session, write_session
from data_layer.models import Assignment, Evidence, HistoryEntry
from tests.pages.conftest import COOKIES, attach_two, page_html, press, sign_in


@pytest.fixture
def liaison(make_app: Callable[[str], AppTest], seeded_url: str) -> AppTest:
    """Education's liaison (agency02), signed in and on «دستگاه من»."""
    return sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")


def _row(url: str, assignment_id: int) -> Assignment:
    with read_session(url) as s:
        row = s.get(Assignment, assignment_id)
        assert row is not None
        return row


def _form_keys(at: AppTest) -> tuple[int, str]:
    chosen = int(at.selectbox(key="detail_row").value)
    status_key = next(k for k in at.session_state if str(k).startswith(f"f_status_{chosen}_"))
    return chosen, str(status_key).removeprefix("f_status_")


def test_a_liaison_lands_on_its_own_agency(liaison: AppTest) -> None:
    html = page_html(liaison)
    assert "دستگاه من — آموزش و پرورش" in html
    assert not liaison.exception


def test_saving_the_form_writes_the_row_and_its_history(liaison: AppTest, seeded_url: str) -> None:
    chosen, k = _form_keys(liaison)
    before = _row(seeded_url, chosen)
    liaison.selectbox(key=f"f_status_{k}").set_value("done")
    liaison.text_input(key=f"f_progress_{k}").input("۱۰۰")
    liaison.text_area(key=f"f_done_{k}").input("۱۲ معلم به محلات هدف اعزام شدند.")
    press(liaison, "ذخیرهٔ این ردیف", form=f"row_form_{k}").run()
    assert not liaison.exception
    assert any("ردیف ذخیره شد" in s.value for s in liaison.success)
    after = _row(seeded_url, chosen)
    assert (after.status, after.progress, after.version) == ("done", 100, before.version + 1)
    assert after.done_text == "۱۲ معلم به محلات هدف اعزام شدند."
    with read_session(seeded_url) as s:
        fields = set(
            s.exec(
                select(HistoryEntry.field).where(
                    HistoryEntry.entity_id == chosen,
                    HistoryEntry.is_sample == False,  # noqa: E712
                )
            ).all()
        )
    assert {"status", "progress", "done_text"} <= fields


def test_an_impossible_date_is_refused_with_a_persian_message(
    liaison: AppTest, seeded_url: str
) -> None:
    chosen, k = _form_keys(liaison)
    before = _row(seeded_url, chosen)
    liaison.text_input(key=f"f_planned_{k}").input("1404/12/30")
    liaison.text_input(key=f"f_reason_{k}").input("تأخیر در تأمین اعتبار")
    press(liaison, "ذخیرهٔ این ردیف", form=f"row_form_{k}").run()
    assert not liaison.exception
    assert any("وجود ندارد" in e.value for e in liaison.error)
    assert _row(seeded_url, chosen).model_dump() == before.model_dump()


def test_a_stale_form_is_refused_and_shows_who_saved(liaison: AppTest, seeded_url: str) -> None:
    chosen, k = _form_keys(liaison)
    # A colleague at the same agency saves the row after this form was opened.
    with write_session(seeded_url) as s:
        colleague, _ = sign_in_url(seeded_url, username="agency02", password="namune-1402")
        update_assignment(
            s,
            actor=colleague,
            assignment_id=chosen,
            expected_version=_row(seeded_url, chosen).version,
            changes=AssignmentChanges(next_step="پیگیری همکار از فرمانداری", status="in_progress"),
        )
    theirs = _row(seeded_url, chosen)
    liaison.text_input(key=f"f_progress_{k}").input("90")
    liaison.selectbox(key=f"f_status_{k}").set_value("in_progress")
    press(liaison, "ذخیرهٔ این ردیف", form=f"row_form_{k}").run()
    errors = [e.value for e in liaison.error]
    assert any("ذخیره نشد" in e and "آموزش و پرورش" in e for e in errors), errors
    assert _row(seeded_url, chosen).model_dump() == theirs.model_dump()


def test_an_expired_session_writes_nothing(liaison: AppTest, seeded_url: str) -> None:
    chosen, k = _form_keys(liaison)
    before = _row(seeded_url, chosen)
    with write_session(seeded_url) as s:
        sign_out(s, token=COOKIES[SESSION_COOKIE])
    liaison.text_input(key=f"f_progress_{k}").input("٥٥")
    liaison.selectbox(key=f"f_status_{k}").set_value("in_progress")
    press(liaison, "ذخیرهٔ این ردیف", form=f"row_form_{k}").run()
    assert not liaison.exception
    assert _row(seeded_url, chosen).model_dump() == before.model_dump()
    assert any("منقضی" in w.value for w in [*liaison.warning, *liaison.error])


def test_the_rows_documents_are_offered_and_a_withdrawn_one_is_listed_without_a_button(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    row, kept, gone = attach_two(seeded_url, "agency02")
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    at.selectbox(key="detail_row").set_value(row).run()
    assert not at.exception
    offered = {b.key for b in at.download_button}
    assert f"dl_{kept}" in offered and f"dl_{gone}" not in offered
    assert "(پس گرفته شده)" in page_html(at)
    assert f"withdraw_{gone}" not in {b.key for b in at.button}


def test_the_liaison_takes_a_document_back_with_the_reason_typed_beside_it(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    row, kept, _ = attach_two(seeded_url, "agency02")
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    at.selectbox(key="detail_row").set_value(row).run()
    at.text_input(key=f"why_{kept}").input("نسخهٔ نهایی نبود")
    at.button(key=f"withdraw_{kept}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        document = s.get(Evidence, kept)
        assert document is not None and document.withdrawn
        noted = s.exec(
            select(HistoryEntry).where(
                HistoryEntry.entity_id == row, HistoryEntry.field == "evidence_withdrawn"
            )
        ).all()
    assert ("گزارش اقدامات.pdf", "نسخهٔ نهایی نبود") in {(h.old_value, h.reason) for h in noted}
