"""«انتشار برای سطح ملی» and the administrator's link to the hub, through AppTest: the
secretariat builds a draft, reads it in Persian and approves it; the list shows the
version, who approved and the push's state; the administrator sets the link (the
token shown masked) and sends a refused push again; other roles are refused."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session, write_session
from data_layer.models import Agency, Neighborhood, ServiceDelivery, User
from data_layer.models_national import NationalPublication, NationalPush
from data_layer.national.link import get_link, set_link
from tests.data_layer.commands import add_user
from tests.pages.conftest import keyed, messages, page_html, shown, sign_in

PAGE = "pages/national.py"
TOKEN = "hub-given-token-0123456789"
REFUSED = "امضای گزارش با کلید استان نمی‌خواند. <b>"


def _link(url: str, hub: str = "http://127.0.0.1:9") -> None:
    with write_session(url) as s:
        admin = add_user(s, "admin.link", "مدیر پیوند", "admin")
        set_link(
            s, actor=admin, code="khorasan-jonubi", name="خراسان جنوبی", hub_url=hub, token=TOKEN
        )


def test_without_the_link_the_draft_is_shown_but_not_published(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then=PAGE)
    assert not at.error
    assert "مدیر سامانه" in " ".join(messages(at.warning))
    at.button(key="national_make_draft").click().run()
    assert not at.exception and not at.error
    labels = {m.label for m in at.metric}
    assert {"جلسه", "مصوبه", "دارای تأخیر", "محلهٔ بدون خدمت"} <= labels
    body = page_html(at)
    assert "جلسات" in body and "دستگاه‌ها" in body
    assert not [b for b in at.button if b.key == "national_approve"]


def test_the_secretariat_approves_the_draft_and_sees_it_listed(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    _link(seeded_url)
    at = sign_in(make_app(seeded_url).run(), "dabir", then=PAGE)
    assert "خراسان جنوبی (khorasan-jonubi)" in " ".join(shown(c.value) for c in at.caption)
    at.button(key="national_make_draft").click().run()
    at.button(key="national_approve").click().run()
    assert not at.exception and not at.error
    assert "نسخهٔ ۱ منتشر شد" in " ".join(messages(at.success))
    with read_session(seeded_url) as s:
        [pub] = s.exec(select(NationalPublication)).all()
        dabir = s.exec(select(User).where(User.username == "dabir")).one()
        [push] = s.exec(select(NationalPush)).all()
    assert pub.version == 1 and pub.approved_by_id == dabir.id
    assert push.state == "queued"
    body = page_html(at)
    assert dabir.full_name in body and "در صف ارسال" in body
    assert not [b for b in at.button if b.key == "national_approve"]  # the draft is spent


def test_the_administrator_sets_the_link_and_sends_a_refused_push_again(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/settings.py")
    keyed(at.text_input, "nl_code").input("sistan-baluchestan")
    keyed(at.text_input, "nl_name").input("سیستان و بلوچستان")
    keyed(at.text_input, "nl_hub").input("https://hub.example.ir/")
    keyed(at.text_input, "nl_token").input(TOKEN)
    [button] = [b for b in at.button if "پیوند مرکز ملی" in b.label]
    button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        link = get_link(s)
    assert (link.code, link.hub_url, link.token) == (
        "sistan-baluchestan",
        "https://hub.example.ir",
        TOKEN,
    )
    captions = " ".join(shown(c.value) for c in at.caption)
    assert TOKEN not in captions and TOKEN[-4:] in captions
    assert all(t.value != TOKEN for t in at.text_input)

    at = sign_in(make_app(seeded_url).run(), "dabir", then=PAGE)
    at.button(key="national_make_draft").click().run()
    at.button(key="national_approve").click().run()
    with write_session(seeded_url) as s:
        push = s.exec(select(NationalPush)).one()
        push.state, push.attempts, push.hub_status = "failed", 1, 403
        push.last_error = f"مرکز ملی نپذیرفت (403): {REFUSED}"
        s.add(push)
        push_id = push.id
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/settings.py")
    body = page_html(at)
    assert "امضای گزارش با کلید استان نمی‌خواند" in body
    assert "<b>" not in "".join(m.value for m in at.markdown)
    at.button(key=f"national_requeue_{push_id}").click().run()
    assert not at.exception
    assert "دوباره در صف" in " ".join(messages(at.success))
    with read_session(seeded_url) as s:
        again = s.get(NationalPush, push_id)
        assert again is not None and again.state == "queued"


def test_other_roles_do_not_open_the_page(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    for username in ("agency02", "chair", "admin"):
        at = sign_in(make_app(seeded_url).run(), username, then=PAGE)
        assert not at.exception
        assert not [b for b in at.button if b.key == "national_make_draft"]
        assert at.error or at.warning or at.info


def test_names_with_markup_are_shown_as_text_in_the_preview(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    with write_session(seeded_url) as s:
        served = {d.neighborhood_id for d in s.exec(select(ServiceDelivery)).all()}
        hood = next(h for h in s.exec(select(Neighborhood)).all() if h.id not in served)
        hood.name = "<img src=x onerror=alert(1)> محله"
        agency = s.exec(select(Agency).order_by(Agency.id)).first()
        assert agency is not None
        agency.short_name = "**دستگاه** <b>پررنگ</b>"
        s.add_all([hood, agency])
    at = sign_in(make_app(seeded_url).run(), "dabir", then=PAGE)
    at.button(key="national_make_draft").click().run()
    assert not at.exception and not at.error
    raw = "".join(m.value for m in at.markdown)
    assert "<img" not in raw and "<b>" not in raw
    body = page_html(at)
    assert "<img src=x onerror=alert(1)> محله" in body
    assert "**دستگاه** <b>پررنگ</b>" in body
