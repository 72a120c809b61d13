"""The secretariat's «کارتابل» through AppTest: each kind a count with its first things
listed, and a reply received that opens its letter and leaves once marked reviewed."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.commands.letters import issue_letters, plan_letters, record_reply
from data_layer.db import read_session, write_session
from data_layer.jalali import format_jalali, format_number
from data_layer.models import Letter, User
from data_layer.permissions import Actor
from data_layer.queries.assignments import claims_count
from data_layer.queries.inbox import LISTED
from tests.conftest import AS_OF
from tests.pages.conftest import messages, page_html, sign_in


def _dabir(url: str) -> Actor:
    with read_session(url) as s:
        u = s.exec(select(User).where(User.username == "dabir")).one()
        return Actor(int(u.id or 0), u.username, u.full_name, u.role, u.agency_id)


def test_each_kind_shows_its_full_count_and_its_first_things(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/inbox.py")
    body = page_html(at)
    with read_session(seeded_url) as s:
        pending, _ = claims_count(s, None)
    claims = body.split('class="inbox-item inbox-claims"')[1].split('class="inbox-item ')[0]
    assert f"{format_number(pending)} گزارش دستگاه در انتظار بررسی" in claims
    assert claims.count('<li><a href="/verification"') == LISTED
    assert f"و {format_number(pending - LISTED)} مورد دیگر" in claims


def test_a_reply_opens_its_letter_and_leaves_the_inbox_once_reviewed(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    dabir = _dabir(seeded_url)
    with read_session(seeded_url) as s:
        plans = plan_letters(s, today=AS_OF, agency_ids=[2])
    with write_session(seeded_url) as s:
        letter = issue_letters(s, actor=dabir, plans=plans, today=AS_OF)[0]
        record_reply(
            s,
            actor=dabir,
            letter_id=int(letter.id or 0),
            expected_version=letter.version,
            replied_on=format_jalali(AS_OF),
            text="پاسخ <b>دستگاه</b>",
            today=AS_OF,
        )
        letter_id = int(letter.id or 0)
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/inbox.py")
    link = f'href="/letters?letter={letter_id}"'
    assert link in page_html(at) and "پاسخ نامه رسیده" in page_html(at)

    at.query_params["letter"] = str(letter_id)  # the item's link
    at.switch_page("pages/letters.py").run()
    assert not at.exception
    assert at.selectbox(key="lr_pick").value == letter_id
    at.button(key=f"lr_{letter_id}_reviewed").click().run()
    assert not at.exception
    assert "بررسی پاسخ ثبت شد و از کارتابل بیرون رفت." in messages(at.success)
    with read_session(seeded_url) as s:
        stored = s.get(Letter, letter_id)
        assert stored is not None and stored.reply_reviewed_by_id == dabir.user_id

    at.switch_page("pages/inbox.py").run()
    assert not at.exception
    assert link not in page_html(at) and "پاسخ نامه رسیده" not in page_html(at)
