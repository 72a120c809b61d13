"""AppTest: the app's scripts run in-process against a test database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


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
