"""The secretariat's «کارتابل» through AppTest: each kind a count with its first things
listed, and a reply received that opens its letter and leaves once marked reviewed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.commands.letters import issue_letters, plan_letters, record_reply
from data_layer.db import read_session, write_session
from data_layer.jalali import format_jalali, format_number
from data_layer.models import Letter, User
from data_layer.models_indicators import IndicatorValue
from data_layer.permissions import Actor
from data_layer.queries.assignments import claims_count
from data_layer.queries.inbox import LISTED
from data_layer.queries.indicator_forms import values_to_verify
from tests.conftest import AS_OF
from tests.hostile import plant_indicators, raw_markup
from tests.pages.conftest import messages, page_html, press, sign_in


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


def test_a_value_awaiting_verification_opens_its_form_and_leaves_once_verified(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    with read_session(seeded_url) as s:
        first, total = values_to_verify(s, limit=LISTED)
    value_id = int(first["value_id"].iloc[0])
    link = f'href="/indicators?tab=verify&value={value_id}"'
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/inbox.py")
    body = page_html(at)
    values = body.split('class="inbox-item inbox-values"')[1].split('class="inbox-item ')[0]
    assert f"{format_number(total)} مقدار شاخص در انتظار بررسی" in values
    assert values.count('<li><a href="/indicators?tab=verify&value=') == LISTED
    assert link in values

    at.query_params["value"] = str(value_id)  # the entry's link
    at.query_params["tab"] = "verify"
    at.switch_page("pages/indicators.py").run()
    assert not at.exception
    assert at.selectbox(key="iv_verify_pick").value == value_id
    at.switch_page("pages/inbox.py").run()  # looked at, not verified: still there
    assert link in page_html(at)

    at.query_params["value"] = str(value_id)
    at.switch_page("pages/indicators.py").run()
    at.selectbox(key=f"iv_verdict_{value_id}").set_value("document_seen")
    press(at, "ثبت نتیجه", form=f"iv_verify_{value_id}").run()
    assert not at.exception
    assert "نتیجهٔ بررسی ثبت شد." in messages(at.success)
    with read_session(seeded_url) as s:
        stored = s.get(IndicatorValue, value_id)
        assert stored is not None and stored.verification == "document_seen"

    at.switch_page("pages/inbox.py").run()
    assert not at.exception
    assert link not in page_html(at)
    assert f"{format_number(total - 1)} مقدار شاخص در انتظار بررسی" in page_html(at)


def test_an_opened_value_no_longer_awaiting_is_said_so(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    with read_session(seeded_url) as s:
        done = s.exec(
            select(IndicatorValue.id).where(IndicatorValue.verification != "unverified")
        ).first()
    assert done is not None
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/inbox.py")
    at.query_params["value"] = str(done)
    at.switch_page("pages/indicators.py").run()
    assert not at.exception
    assert "مقداری که باز کردید دیگر در انتظار بررسی نیست." in messages(at.info)
    assert at.selectbox(key="iv_verify_pick").value != done


def test_hostile_text_in_a_value_awaiting_verification_stays_text_in_the_inbox(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    p = plant_indicators(seeded_url)
    with write_session(seeded_url) as s:  # the planted value waits longest: listed first
        value = s.exec(
            select(IndicatorValue).where(IndicatorValue.indicator_id == p.indicator_id)
        ).one()
        value.reported_at = datetime(2020, 1, 1, tzinfo=UTC)
        s.add(value)
        value_id = value.id
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/inbox.py")
    assert not at.exception
    assert raw_markup("\n".join(str(m.value) for m in at.markdown)) == []  # as sent
    first = page_html(at).split('class="inbox-item inbox-values"')[1].split("</li>")[0]
    assert f"value={value_id}" in first
    assert p.texts["name"][:20] in first and p.neighborhood in first
