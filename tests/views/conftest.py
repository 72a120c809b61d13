"""AppTest: the app's scripts run in-process against a test database."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
VIEWS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))


@pytest.fixture
def make_app(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    """An AppTest of app.py bound to a database URL; caches start empty."""

    def make(url: str) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("SEED_ON_START", "none")
        # Cached reads are keyed by URL, but a PostgreSQL test database is reused
        # (emptied) between tests: start each test with no cached answers.
        st.cache_data.clear()
        return AppTest.from_file(str(APP), default_timeout=60)

    return make


def sign_in(
    at: AppTest, username: str, password: str | None = None, then: str | None = None
) -> AppTest:
    """Sign in through the sign-in page, as a person would, then open `then`.

    (AppTest keeps its own idea of the current page, so the app's redirect to the
    role's home page is followed explicitly.)
    """
    from data_layer.auth import SAMPLE_PASSWORD

    at.switch_page("views/sign_in.py").run()
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password or SAMPLE_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    if then:
        at.switch_page(then).run()
    return at


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
