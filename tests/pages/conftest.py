"""AppTest: the app's scripts run in-process against a test database."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
import streamlit as st
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Button

import ui.first_run
from data_layer import auth
from data_layer.commands.evidence import add_evidence, withdraw_evidence
from data_layer.db import write_session
from data_layer.models import Assignment, User
from data_layer.permissions import Actor

E = TypeVar("E")
ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
VIEWS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


# The cookies AppTest's browser would send: AppTest cannot seed st.context.cookies,
# so the one function that reads them is pointed here for every test.
COOKIES: dict[str, str] = {}


@pytest.fixture(autouse=True)
def browser_cookies(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This test's browser cookies, empty at the start (a CSRF cookie, as the server sets)."""
    import ui.session

    COOKIES.clear()
    COOKIES[auth.CSRF_COOKIE] = "test-csrf-token"
    monkeypatch.setattr(ui.session, "request_cookies", lambda: dict(COOKIES))
    return COOKIES


@pytest.fixture
def make_app(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    """An AppTest of app.py bound to a database URL; caches start empty."""

    def make(url: str) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("SEED_ON_START", "none")
        # Each test has a database of its own under a new URL, so no cached answer can
        # be another test's; the caches still start empty, as on a server just started.
        st.cache_data.clear()
        ui.first_run._done.clear()  # this process may have set another database up
        return AppTest.from_file(str(APP), default_timeout=60)

    return make


def sign_in(
    at: AppTest, username: str, password: str | None = None, then: str | None = None
) -> AppTest:
    """Sign in as the server's sign-in route does (a session and its cookie), then open
    `then` (or run the current page again)."""
    url = os.environ["DATABASE_URL"]
    _, token = auth.sign_in_url(url, username=username, password=password or auth.SAMPLE_PASSWORD)
    COOKIES[auth.SESSION_COOKIE] = token
    (at.switch_page(then) if then else at).run()
    assert not at.exception
    return at


def sign_out() -> None:
    """The browser forgets its sign-in cookie (the session itself stays, as after a crash)."""
    COOKIES.pop(auth.SESSION_COOKIE, None)


def shown(text: str) -> str:
    """What a person reads of a markdown or HTML body: character references decoded,
    and the invisible joiners that keep user text inert taken out."""
    return html.unescape(text.replace("<span></span>", "")).replace("\u2060", "")


def page_html(at: AppTest) -> str:
    """Everything rendered as markdown/HTML, joined and decoded (for assertions on text)."""
    return "\n".join(shown(m.value) for m in at.markdown)


def messages(elements: object) -> list[str]:
    """The decoded texts of a list of AppTest elements (at.error, at.success, ...)."""
    return [shown(e.value) for e in elements]  # type: ignore[attr-defined]


def keyed(elements: Sequence[E], prefix: str) -> E:
    """The one element whose key starts with `prefix` (forms and their widgets carry
    the version they show in their keys)."""
    found = [e for e in elements if str(getattr(e, "key", "") or "").startswith(prefix)]
    assert len(found) == 1, (prefix, [getattr(e, "key", None) for e in elements])
    return found[0]


def submit_button(where: AppTest | Block, label: str, form: str | None = None) -> Button:
    """The form button a person sees as `label`: the only one on the page (or in `where`,
    a tab or an expander), or, where every row has its own form, the one in the form whose
    key (as the page names it) is `form` or, failing that, the only one starting with it."""
    scope: AppTest | Block = where
    if form is not None:
        forms = [f for f in where.form if str(f.key or "") == form] or [
            f for f in where.form if str(f.key or "").startswith(form)
        ]
        assert len(forms) == 1, (form, [f.key for f in where.form])
        scope = forms[0]
    found = [b for b in scope.form_submit_button if b.label == label]
    assert len(found) == 1, (label, form, [b.label for b in scope.form_submit_button])
    return found[0]


def press(where: AppTest | Block, label: str, form: str | None = None) -> Button:
    """Press the form button a person sees as `label` (see submit_button); `.run()` the
    result to send the form."""
    return submit_button(where, label, form).click()


def let_anyone_read(url: str) -> None:
    """The secretariat's setting that lets anyone read without signing in."""
    from data_layer.db import write_session
    from data_layer.models import AppSetting, Role
    from data_layer.queries.access import ANONYMOUS_READ_KEY
    from data_layer.setup import needs_setup
    from tests.data_layer.commands import add_user

    with write_session(url) as s:
        if needs_setup(s):  # someone set the province up and made that setting
            add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        s.merge(AppSetting(key=ANONYMOUS_READ_KEY, value="everyone"))


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17) + b"IEND\xaeB`\x82"


def attach_two(url: str, username: str) -> tuple[int, int, int]:
    """A row of the liaison's agency gets a PDF and a photo, and the photo is taken back:
    (row, the PDF's id, the photo's id). The row is then the newest claim."""
    with write_session(url) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        liaison = Actor(int(user.id or 0), user.username, user.full_name, user.role, user.agency_id)
        row = s.exec(
            select(Assignment)
            .where(Assignment.agency_id == user.agency_id, Assignment.withdrawn == False)  # noqa: E712
            .order_by(col(Assignment.id))
        ).first()
        assert row is not None and row.id is not None
        kept = add_evidence(
            s, actor=liaison, assignment_id=row.id, filename="گزارش اقدامات.pdf", content=PDF
        )
        gone = add_evidence(s, actor=liaison, assignment_id=row.id, filename="عکس.png", content=PNG)
        assert kept.id is not None and gone.id is not None
        withdraw_evidence(s, actor=liaison, evidence_id=gone.id, reason="عکس اشتباه بود")
        return row.id, kept.id, gone.id
