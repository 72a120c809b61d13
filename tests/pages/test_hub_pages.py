"""The national hub's pages (APP_MODE=hub): the ministry's reader sees the provinces side
by side with the stale ones marked and drills down to any version a province
published; the administrator registers a province (its token shown once) and reads the
ingest log; a province's typed text stays text."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Role
from data_layer.models_hub import HubProvince
from data_layer.permissions import PROVINCE, Actor, Readable, Reader, can_read
from tests.hub_snapshots import body, content
from tests.hub_world import HUB_KEY, hub_people, publish, register
from tests.pages.conftest import messages, page_html, sign_in

HUB = "pages/hub.py"
PROVINCES = "pages/hub_provinces.py"
HOSTILE = "<script>alert(1)</script> **درشت**"


@pytest.fixture
def hub_app(
    make_app: Callable[[str], AppTest], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[AppTest, dict[str, str]]:
    """A hub with three provinces: Khuzestan published twice (its latest with hostile
    text), Fars once long ago (stale), Kerman never."""
    monkeypatch.setenv("APP_MODE", "hub")
    monkeypatch.setenv("HUB_TOKEN_KEY", HUB_KEY)
    admin = hub_people(sqlite_url)
    tokens = register(sqlite_url, admin)
    assert publish(sqlite_url, tokens["khuzestan"], body("khuzestan", version=1)) == 201
    latest = content(group_name=HOSTILE, seed=2)
    latest["meetings"][0]["resolutions"][0]["text"] = HOSTILE
    latest["agencies"][0]["name"] = HOSTILE
    payload = body("khuzestan", version=2, content_=latest)
    assert publish(sqlite_url, tokens["khuzestan"], payload) == 201
    old = body("fars", "فارس", version=1, as_of=date(2026, 6, 1))
    assert publish(sqlite_url, tokens["fars"], old) == 201
    return make_app(sqlite_url), tokens


def test_the_ministry_reader_sees_the_provinces_side_by_side(
    hub_app: tuple[AppTest, dict[str, str]],
) -> None:
    at, _ = hub_app
    sign_in(at.run(), "ministry", then=HUB)
    assert not at.exception and not at.error
    html = page_html(at)
    for name in ("خوزستان", "فارس", "کرمان"):
        assert name in html
    assert "کهنه: ۱۸۰ روز" in html  # Fars's figures are as of June
    assert "منتشر نکرده" in html  # Kerman never did
    assert "۱۴۰۵/۰۹/۰۷" in html  # Khuzestan's figures as of 2026-11-28
    assert "استان منتشرکرده از ۳" in html
    raw = "\n".join(m.value for m in at.markdown)
    assert "<script>" not in raw


def test_a_province_drills_down_to_any_version_it_published(
    hub_app: tuple[AppTest, dict[str, str]],
) -> None:
    at, _ = hub_app
    sign_in(at.run(), "ministry", then=HUB)
    province = at.selectbox(key="hub_province")
    khuzestan = next(o for o in province.options if o == "خوزستان")
    province.select(khuzestan).run()
    versions = at.selectbox(key="hub_version").options
    assert versions[0].startswith("نسخهٔ ۲") and "(آخرین)" in versions[0]
    html = page_html(at)
    assert HOSTILE in html  # the hostile resolution text, shown as text
    raw = "\n".join(m.value for m in at.markdown)
    assert "<script>" not in raw and "**" not in raw
    at.selectbox(key="hub_version").select(versions[1]).run()
    assert not at.exception
    html = page_html(at)
    assert HOSTILE not in html
    assert "تجهیز کتابخانهٔ سیار محلات هدف" in html


def _table(at: AppTest, css: str) -> str:
    """The one drawn table of this class on the page (its hyphen escaped as every
    attribute's)."""
    css = css.replace("-", "&#45;")
    found = [m.value for m in at.markdown if f'class="grid {css}"' in m.value]
    assert len(found) == 1, [m.value[:90] for m in at.markdown]
    return found[0]


def test_each_meeting_and_county_shows_its_own_rows_drawn_once_for_all(
    hub_app: tuple[AppTest, dict[str, str]],
) -> None:
    at, _ = hub_app
    sign_in(at.run(), "ministry", then=HUB)
    at.selectbox(key="hub_province").select("خوزستان").run()
    assert "مصوبهٔ 2 جلسهٔ 2" in _table(at, "hub-res")  # the latest meeting first
    at.selectbox(key="hub_meeting").select_index(1).run()
    first = _table(at, "hub-res")
    assert "مصوبهٔ 2 جلسهٔ 1" in first and "جلسهٔ 2:" not in first
    assert all(f"محلهٔ {i}" in _table(at, "hub-hoods") for i in range(1, 6))
    at.selectbox(key="hub_county").select("شهرستان 2").run()
    hoods = _table(at, "hub-hoods")
    assert "محلهٔ 2" in hoods and "محلهٔ 1" not in hoods and "محلهٔ 3" not in hoods
    assert "محلهٔ 1" in _table(at, "hub-indicators")  # the other tab keeps its own county
    at.selectbox(key="hub_county").select("همهٔ شهرستان‌ها").run()
    at.selectbox(key="hub_meeting").select_index(0).run()
    assert not at.exception
    assert "محلهٔ 1" in _table(at, "hub-hoods")
    assert "مصوبهٔ 2 جلسهٔ 2" in _table(at, "hub-res")


def test_the_administrator_registers_a_province_and_sees_its_token_once(
    hub_app: tuple[AppTest, dict[str, str]],
) -> None:
    at, _ = hub_app
    sign_in(at.run(), "hubadmin", then=PROVINCES)
    assert not at.exception and not at.error
    assert "دریافت شد" in page_html(at)  # the ingest log
    at.text_input(key="hub_code").input("isfahan")
    at.text_input(key="hub_name").input("اصفهان")
    at.text_input(key="hub_pull_url").input("https://isfahan.example.ir")
    next(b for b in at.button if b.label == "ثبت و ساخت کلید").click().run()
    assert not at.exception and not at.error, messages(at.error)
    shown = [c.value for c in at.code if c.value.startswith("Authorization: Bearer ")]
    assert len(shown) == 1
    token = shown[0].removeprefix("Authorization: Bearer ")
    with read_session(os.environ["DATABASE_URL"]) as s:
        row = s.exec(select(HubProvince).where(HubProvince.code == "isfahan")).one()
    assert row.pull_url == "https://isfahan.example.ir" and token not in row.token_hash
    at.run()
    assert not [c for c in at.code if c.value.startswith("Authorization: Bearer ")]


def test_a_wrong_code_is_refused_with_its_reasons(hub_app: tuple[AppTest, dict[str, str]]) -> None:
    at, _ = hub_app
    sign_in(at.run(), "hubadmin", then=PROVINCES)
    at.text_input(key="hub_code").input("خوزستان")
    at.text_input(key="hub_name").input("")
    next(b for b in at.button if b.label == "ثبت و ساخت کلید").click().run()
    errors = " ".join(messages(at.error))
    assert "شناسهٔ استان" in errors and "نام استان" in errors
    assert not [c for c in at.code if c.value.startswith("Authorization: Bearer ")]


def test_the_ministry_reader_cannot_open_the_provinces_page(
    hub_app: tuple[AppTest, dict[str, str]],
) -> None:
    at, _ = hub_app
    sign_in(at.run(), "ministry", then=PROVINCES)
    assert not at.exception
    assert any("مدیر سامانه" in m for m in messages(at.error))
    assert not at.text_input


def test_nobody_signed_in_is_offered_the_sign_in(hub_app: tuple[AppTest, dict[str, str]]) -> None:
    at, _ = hub_app
    at.run()
    assert not at.exception
    assert "خوزستان" not in page_html(at)


def test_the_stale_days_are_typed_in_persian_digits(
    hub_app: tuple[AppTest, dict[str, str]],
) -> None:
    at, _ = hub_app
    sign_in(at.run(), "hubadmin", then=PROVINCES)
    box = at.text_input(key="hub_stale_days")
    assert box.value == "۱۴"
    box.input("۴۰۰")
    next(b for b in at.button if b.label == "ثبت").click().run()
    assert any("میان ۱ و ۳۶۵" in m for m in messages(at.error))
    at.text_input(key="hub_stale_days").input("۳۰۰")
    next(b for b in at.button if b.label == "ثبت").click().run()
    assert not at.error
    sign_in(at, "ministry", then=HUB)
    assert "کهنه: ۱۸۰ روز" not in page_html(at)  # Fars's figures are 180 days old: not stale now


@pytest.mark.parametrize(
    ("page", "username"),
    [
        (HUB, "ministry"),
        (HUB, "hubadmin"),
        (PROVINCES, "hubadmin"),
        ("pages/users.py", "hubadmin"),
        ("pages/account.py", "ministry"),
        ("pages/sign_in.py", None),
    ],
)
def test_every_hub_page_renders_for_its_readers(
    hub_app: tuple[AppTest, dict[str, str]], page: str, username: str | None
) -> None:
    at, _ = hub_app
    at.run()
    if username:
        sign_in(at, username)
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error, messages(at.error)


def test_a_province_page_is_not_served_by_the_hub(hub_app: tuple[AppTest, dict[str, str]]) -> None:
    at, _ = hub_app
    sign_in(at.run(), "hubadmin")
    # The hub registers none of a province's pages; opened all the same (as AppTest can),
    # a province's page refuses to read in a hub.
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert any("در سامانهٔ ملی نیست" in m for m in messages(at.error))
    assert "کارگروه" not in " ".join(m.value for m in at.metric)


def test_what_each_installation_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    viewer = Reader.person(Actor(1, "ministry", "وزارت", Role.VIEWER.value))
    monkeypatch.setenv("APP_MODE", "hub")
    assert can_read(viewer, Readable.HUB, PROVINCE)
    assert not can_read(viewer, Readable.OVERVIEW, PROVINCE)
    assert not can_read(Reader.feed(), Readable.FEEDS, PROVINCE)
    monkeypatch.setenv("APP_MODE", "province")
    assert not can_read(viewer, Readable.HUB, PROVINCE)
    assert can_read(viewer, Readable.OVERVIEW, PROVINCE)
