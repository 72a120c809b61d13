"""«کارتابل» through AppTest: the first screen of liaisons and the secretariat, its items
leave when the work is done, and the menu carries the count."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from data_layer import auth
from data_layer.db import write_session
from data_layer.models import Agency, Assignment, Role, User, Verification
from data_layer.queries.inbox import EMPTY
from tests.pages.conftest import COOKIES, page_html


def _inbox(make_app: Callable[[str], AppTest], url: str, who: str) -> AppTest:
    """The first screen of a fresh visit after signing in (the app's home page)."""
    _, token = auth.sign_in_url(url, username=who, password=auth.SAMPLE_PASSWORD)
    COOKIES[auth.SESSION_COOKIE] = token
    at = make_app(url).run()
    assert not at.exception
    return at


def test_a_liaison_lands_on_the_inbox_with_its_late_rows(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _inbox(make_app, seeded_url, "agency02")
    body = page_html(at)
    assert "کارتابل" in body and "معوق: جلسه" in body
    assert 'href="/my_agency?row=' in body


def test_a_returned_row_shows_its_reason_and_leaves_once_reported_again(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    with write_session(seeded_url) as s:
        row = s.exec(
            select(Assignment).where(Assignment.agency_id == 2).order_by(col(Assignment.id))
        ).first()
        assert row is not None
        row.verification, row.verification_note = Verification.REJECTED.value, "سند <b>ناخوانا</b>"
        s.add(row)
        row_id = row.id
    at = _inbox(make_app, seeded_url, "agency02")
    body = page_html(at)
    assert f'href="/my_agency?row={row_id}"' in body
    assert "دلیل: سند <b>ناخوانا</b>" in body  # the reason, as text
    assert "<b>ناخوانا</b>" not in "\n".join(m.value for m in at.markdown)  # never as markup
    with write_session(seeded_url) as s:  # the liaison reports the row again
        row = s.get(Assignment, row_id)
        assert row is not None
        row.verification, row.verification_note = Verification.UNVERIFIED.value, ""
        s.add(row)
    at.run()
    assert "برگشت از دبیرخانه" not in page_html(at)


def test_the_secretariat_sees_claims_letters_and_records_with_their_screens(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _inbox(make_app, seeded_url, "dabir")
    body = page_html(at)
    assert "در انتظار بررسی" in body and 'href="/verification"' in body
    assert 'href="/letters"' in body and 'href="/meetings"' in body


def test_an_empty_inbox_says_so_in_a_sentence(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    with write_session(seeded_url) as s:  # an agency with no row, and its liaison
        agency = Agency(name="دستگاه تازه", short_name="تازه")
        s.add(agency)
        s.flush()
        s.add(
            User(
                username="rabet_new",
                full_name="رابط تازه",
                password_hash=auth.hash_password(auth.SAMPLE_PASSWORD),
                role=Role.AGENCY_EDITOR.value,
                agency_id=agency.id,
            )
        )
    at = _inbox(make_app, seeded_url, "rabet_new")
    assert EMPTY in page_html(at)
    assert not at.exception


def test_the_chair_keeps_the_overview_as_first_screen(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _inbox(make_app, seeded_url, "dabir")
    assert "<h1>کارتابل</h1>" in page_html(at)
    chair = _inbox(make_app, seeded_url, "chair")
    assert "<h1>کارتابل</h1>" not in page_html(chair)
    assert "<h1>نمای کلی" in page_html(chair)


def test_an_item_opens_its_row_in_the_full_form(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _inbox(make_app, seeded_url, "agency02")
    link = next(i for i in page_html(at).split('"') if i.startswith("/my_agency?row="))
    row_id = int(link.split("=")[1])
    at.query_params["row"] = str(row_id)
    at.switch_page("pages/my_agency.py").run()
    assert not at.exception
    assert at.selectbox(key="detail_row").value == row_id
    assert not at.warning  # no "value set via Session State" warning
