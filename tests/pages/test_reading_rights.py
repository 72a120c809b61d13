"""Every page asks `permissions.can_read` for its reader and scope, and every cached
loader keys its entries by that scope: a reader who may not read a page sees why (and
the sign-in form when not signed in) and nothing of the page, and two readers of
different scopes never share a cached frame."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer import auth
from data_layer.commands.access import create_access_token
from data_layer.db import read_data_version, read_session, write_session
from data_layer.jalali import local_today
from data_layer.models import AppSetting, County, User
from data_layer.permissions import PROVINCE, Actor, Readable, Reader, Scope, read_refusal
from data_layer.queries.access import ANONYMOUS_READ_KEY
from tests.pages.conftest import COOKIES, messages, page_html, sign_in, sign_out
from ui import coverage_view, loaders

ROOT = Path(__file__).resolve().parents[2]
OPEN_PAGES = [
    "overview",
    "resolutions",
    "meetings",
    "projector",
    "coverage",
    "gaps",
    "neighborhoods",
    "dossier",
    "reports",
]
PERSON_PAGES = [
    "my_agency",
    "letters",
    "verification",
    "backlog",
    "agencies",
    "users",
    "settings",
    "account",
]
ROLE_LABEL = {
    "chair": "بیننده",
    "agency02": "کارشناس رابط دستگاه",
    "dabir": "دبیرخانه",
    "admin": "مدیر سامانه",
}
# Each person and the pages of other roles, with whom each is for.
REFUSED: dict[str, dict[str, str]] = {
    "chair": {
        "my_agency": "کارشناس رابط دستگاه",
        "letters": "دبیرخانه",
        "agencies": "مدیر سامانه، دبیرخانه",
        "users": "مدیر سامانه",
    },
    "agency02": {
        "verification": "دبیرخانه",
        "backlog": "دبیرخانه",
        "settings": "مدیر سامانه، دبیرخانه",
    },
    "dabir": {"my_agency": "کارشناس رابط دستگاه", "users": "مدیر سامانه"},
    "admin": {
        "letters": "دبیرخانه",
        "verification": "دبیرخانه",
        "my_agency": "کارشناس رابط دستگاه",
    },
}


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, (page, at.exception)
    return at


def _nothing_of_the_page(at: AppTest, page: str) -> None:
    """The page stopped at its reader check: no title, figure, table or chart of it."""
    assert 'class="app-title"' not in page_html(at), page
    assert 'class="deck"' not in page_html(at), page
    assert not at.metric and not at.dataframe, page


def _anyone_may_read(url: str, allowed: bool) -> None:
    with write_session(url) as s:
        s.merge(AppSetting(key=ANONYMOUS_READ_KEY, value="everyone" if allowed else "nobody"))


def test_nobody_is_offered_the_sign_in_form_and_nothing_of_any_page(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    _anyone_may_read(seeded_url, False)
    at = make_app(seeded_url).run()
    for page in OPEN_PAGES:
        _open(at, page)
        assert messages(at.info) == ["برای دیدن این صفحه وارد شوید."], page
        assert 'action="/auth/sign-in"' in page_html(at), page
        _nothing_of_the_page(at, page)
    for page in PERSON_PAGES:
        _open(at, page)
        assert messages(at.warning) == ["برای این صفحه ابتدا وارد شوید."], page
        assert 'action="/auth/sign-in"' in page_html(at), page
        _nothing_of_the_page(at, page)


def test_anyone_reads_the_open_pages_but_no_persons_page(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    _anyone_may_read(seeded_url, True)
    at = make_app(seeded_url).run()
    for page in OPEN_PAGES:
        _open(at, page)
        assert not at.info and not at.error, page
        assert 'action="/auth/sign-in"' not in page_html(at), page
    for page in PERSON_PAGES:
        _open(at, page)
        assert messages(at.warning) == ["برای این صفحه ابتدا وارد شوید."], page
        _nothing_of_the_page(at, page)


def test_a_kiosk_link_reads_its_one_page(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    _anyone_may_read(seeded_url, False)
    with write_session(seeded_url) as s:
        dabir = auth.actor_of(s.exec(select(User).where(User.username == "dabir")).one())
        _, token = create_access_token(
            s, actor=dabir, kind="kiosk", name="سالن جلسه", scope="projector"
        )
    COOKIES[auth.KIOSK_COOKIE] = token
    at = _open(make_app(seeded_url).run(), "projector")
    assert 'class="deck"' in page_html(at)
    for page in ["overview", "resolutions", "coverage"]:
        _open(at, page)
        assert messages(at.info) == ["برای دیدن این صفحه وارد شوید."], page
        _nothing_of_the_page(at, page)
    _open(at, "letters")
    assert messages(at.warning) == ["برای این صفحه ابتدا وارد شوید."]


def test_a_person_is_told_whose_page_it_is_and_sees_nothing_of_it(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run()
    for username, pages in REFUSED.items():
        sign_in(at, username)
        for page, whose in pages.items():
            _open(at, page)
            said = f"این صفحه برای {whose} است؛ حساب شما «{ROLE_LABEL[username]}» است."
            assert messages(at.error) == [said], (username, page)
            assert 'action="/auth/sign-in"' not in page_html(at), (username, page)
            _nothing_of_the_page(at, page)
        sign_out()


def _county_of(url: str) -> int:
    with read_session(url) as s:
        county = s.exec(select(County)).first()
        assert county is not None and county.id is not None
        return county.id


COUNTY_PAGES = {"overview", "coverage", "gaps", "neighborhoods", "dossier", "account"}


def test_a_county_reader_reads_its_county_views_and_is_refused_the_provinces(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "farmandari")
    with read_session(seeded_url) as s:
        user = s.exec(select(User).where(User.username == "farmandari")).one()
        reader = Reader.person(auth.actor_of(user))
    for page in [*OPEN_PAGES, *PERSON_PAGES]:
        _open(at, page)
        if page in COUNTY_PAGES:
            assert not at.error, (page, messages(at.error))
            continue
        said = read_refusal(reader, Readable(page), reader.scope)
        assert said.endswith("حساب شما «فرمانداری» است."), page
        assert messages(at.error) == [said], page
        _nothing_of_the_page(at, page)


# --- cached loaders ------------------------------------------------------------------


@contextmanager
def computed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The database reads the shared loaders make inside the block (none: from the cache)."""
    seen: list[str] = []
    for module in (loaders, coverage_view):
        real = module.read_session

        def counting(url: str, _real: Any = real, _name: str = module.__name__) -> Any:
            seen.append(_name)
            return _real(url)

        monkeypatch.setattr(module, "read_session", counting)
    yield seen


def test_two_readers_of_different_scopes_never_share_a_cached_frame(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    st.cache_data.clear()
    url, today, version = seeded_url, local_today(), read_data_version(seeded_url)
    chair = Actor(1, "chair", "بیننده", "viewer")
    readers = [
        Reader.anyone(),
        Reader.person(chair),
        Reader.person(dataclasses.replace(chair, scope=Scope(county_id=_county_of(url)))),
    ]
    shared: dict[str, Callable[[Scope], object]] = {
        "overview": lambda scope: loaders.overview(url, scope, today, version),
        "projector": lambda scope: loaders.projector(url, scope, today, None, version),
        "gaps": lambda scope: loaders.gaps(url, scope, version),
        "meetings": lambda scope: loaders.meetings(url, scope, today, version),
        "coverage": lambda scope: coverage_view.view(url, scope, (), (), None, None, version),
    }
    with computed(monkeypatch) as seen:
        for name, load in shared.items():
            first = load(readers[0].scope)
            assert seen, f"{name}: the first read was not computed"
            seen.clear()
            # Another reader of the province is served the same entry…
            assert str(load(readers[1].scope)) == str(first)
            assert seen == [], f"{name}: two readers of the province computed it twice"
            # …but a reader of one county never is: its own entry is computed.
            load(readers[2].scope)
            assert seen, f"{name}: a county's reader was served the province's entry"
            seen.clear()
    assert readers[0].scope == readers[1].scope == PROVINCE


def _caches(decorator: str) -> bool:
    """`@loader(...)` (ui.cache) or Streamlit's own cache decorator."""
    return "cache_data" in decorator or decorator == "loader" or decorator.startswith("loader(")


def _cached_loaders() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted([*ROOT.joinpath("ui").glob("*.py"), *ROOT.joinpath("pages").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                _caches(ast.unparse(d)) for d in node.decorator_list
            ):
                found.append((f"{path.relative_to(ROOT)}:{node.name}", node))
    return found


def test_every_cached_loader_takes_the_readers_scope_in_its_key() -> None:
    found = _cached_loaders()
    assert len(found) >= 18  # the shared loaders, the pages' own and the exports
    for where, node in found:
        arguments = {a.arg: a.annotation for a in node.args.args}
        assert "scope" in arguments, f"{where} does not take the reader's scope"
        assert ast.unparse(arguments["scope"]) == "Scope", where  # type: ignore[arg-type]
