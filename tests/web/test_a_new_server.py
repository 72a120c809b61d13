"""A server started on a new province's empty database: its log tells the setup code in
Persian before anyone has asked it anything, and the first HTML of every page is Persian
(lang, direction, title) from its first byte."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from data_layer.db import dispose_engine, read_session
from data_layer.models import AppSetting
from data_layer.queries.profile import Profile
from data_layer.setup import SETUP_LOG_LINES, _code_key
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^\s+([0-9a-f]{4}(?:-[0-9a-f]{4}){3})\s*$", re.M)
SERVER_ARGS = ("--server.headless", "true", "--server.port")
WAIT_AT_MOST = 180.0  # a dead server fails the test instead of hanging it


@dataclass
class Server:
    base: str
    database_url: str
    log: Path
    proc: subprocess.Popen[bytes]

    def wait_for_log(self, pattern: re.Pattern[str]) -> str:
        """The log once `pattern` is in it; fails if the server exits first."""
        deadline = time.monotonic() + WAIT_AT_MOST
        while time.monotonic() < deadline:
            text = self.log.read_text(encoding="utf-8", errors="replace")
            if pattern.search(text):
                return text
            assert self.proc.poll() is None, f"the server exited:\n{text}"
            time.sleep(0.1)
        raise AssertionError(f"the log never showed {pattern.pattern}:\n{text}")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """`streamlit run launcher.py` on an empty database; the first test to use it makes
    the first request."""
    tmp_path = tmp_path_factory.mktemp("new-server")
    url = f"sqlite:///{tmp_path / 'province.db'}" if request.param == "sqlite" else None
    url = url or _create_postgres_database()
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "DATABASE_URL": url, "SEED_ON_START": "none"}
    env["PYTHONIOENCODING"] = "utf-8"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "launcher.py", *SERVER_ARGS, str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Server(f"http://127.0.0.1:{port}", url, log, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        dispose_engine(url)
        if request.param == "postgresql":
            _drop_postgres_database(url)


def _get(url: str) -> str:
    """A plain GET, as a screen reader's first fetch or curl makes it (no Accept header)."""
    with urllib.request.urlopen(urllib.request.Request(url), timeout=30) as r:
        assert r.status == 200
        return str(r.read().decode("utf-8"))


def test_the_setup_code_is_in_the_log_in_persian_before_any_request(server: Server) -> None:
    text = server.wait_for_log(CODE)  # nothing has asked the server anything yet
    code = CODE.findall(text)[-1]
    for line in SETUP_LOG_LINES:
        assert line in text
    assert "First-run" not in text and "setup code" not in text
    # The code printed is the one the database accepts.
    with read_session(server.database_url) as s:
        assert s.get(AppSetting, _code_key(code)) is not None


def test_every_page_is_persian_and_titled_from_the_first_byte(server: Server) -> None:
    server.wait_for_log(CODE)
    title = Profile().app_title
    for path in ("/", "/sign_in", "/overview", "/resolutions?meeting=7"):
        page = _get(server.base + path)
        head = page[: page.index("</head>")]
        assert re.search(r'<html lang="fa" dir="rtl">', page), path
        assert 'lang="en"' not in page, path
        assert f"<title>{title}</title>" in head, path
        assert "<title>Streamlit</title>" not in page, path
    assert not title.endswith("استان")
