"""Streamlit's /_stcore/metrics (its sessions, caches and memory) answers a signed-in
administrator only: a real server (the launcher, as deployed) on SQLite and
PostgreSQL, asked without a sign-in, with an ended one, as the secretariat and as
the administrator."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from data_layer import auth
from tests.browser.conftest import running_app


def _status(url: str, token: str = "") -> tuple[int, str]:
    headers = {"Cookie": f"{auth.SESSION_COOKIE}={token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def test_metrics_answer_a_signed_in_administrator_only(seeded_url: str, tmp_path: Path) -> None:
    _, admin = auth.sign_in_url(seeded_url, username="admin", password=auth.SAMPLE_PASSWORD)
    _, dabir = auth.sign_in_url(seeded_url, username="dabir", password=auth.SAMPLE_PASSWORD)
    _, ended = auth.sign_in_url(seeded_url, username="admin", password=auth.SAMPLE_PASSWORD)
    auth.sign_out_url(seeded_url, token=ended)
    with running_app(seeded_url, tmp_path / "server.log", seed="none") as base:
        for path in ("/_stcore/metrics", "/_stcore/metrics/", "/_STCORE/metrics"):
            for token in ("", "made-up", ended, dabir):
                status, body = _status(base + path, token)
                assert status in (401, 404), (path, token[:4], status)
                assert "session" not in body.lower() and "cache" not in body.lower(), body[:200]
        status, body = _status(base + "/_stcore/metrics", admin)
        assert status == 200 and "cache_memory_bytes" in body, body[:200]
        # The rest of Streamlit's own routes still answer as before.
        assert _status(base + "/_stcore/health")[0] == 200
