"""The server's own read routes ask `permissions.can_read`: a kiosk link opens only its
page, a data feed answers only a live feed token, and each refuses the other's token."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response

from data_layer import auth
from data_layer.commands.access import create_access_token, revoke_access_token
from data_layer.db import write_session
from data_layer.models import AccessKind, Role
from tests.data_layer.commands import add_user
from web import routes


@pytest.fixture
def tokens(minutes_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[int, str]]:
    """A projector and an overview kiosk link and a feed token, on the served database."""
    monkeypatch.setenv("DATABASE_URL", minutes_url)
    made: dict[str, tuple[int, str]] = {}
    with write_session(minutes_url) as s:
        dabir = add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        admin = add_user(s, "admin", "مدیر سامانه", Role.ADMIN.value)
        for name, who, kind, scope in (
            ("projector", dabir, AccessKind.KIOSK, "projector"),
            ("overview", dabir, AccessKind.KIOSK, "overview"),
            ("feed", admin, AccessKind.FEED, ""),
        ):
            row, token = create_access_token(s, actor=who, kind=kind, name=name, scope=scope)
            made[name] = (int(row.id or 0), token)
    return made


def _get(path_params: dict[str, str], query: str = "", bearer: str = "") -> Request:
    headers = [(b"authorization", f"Bearer {bearer}".encode())] if bearer else []
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "server": ("testserver", 80),
            "path": "/",
            "root_path": "",
            "headers": headers,
            "query_string": query.encode(),
            "path_params": path_params,
        }
    )


def _run(route: Coroutine[Any, Any, Response]) -> Response:
    """Await a route on a thread of its own: a browser test earlier in this process may
    have left its event loop running on the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, route).result()


def _kiosk(token: str) -> Response:
    return _run(routes.kiosk(_get({"token": token})))


def _feed(name: str, token: str) -> Response:
    return _run(routes.feed(_get({"name": name}, bearer=token)))


def test_a_kiosk_link_opens_its_own_page_and_a_feed_token_opens_none(
    tokens: dict[str, tuple[int, str]],
) -> None:
    projector = _kiosk(tokens["projector"][1])
    assert projector.status_code == 303 and projector.headers["location"] == "/projector"
    overview = _kiosk(tokens["overview"][1])
    assert overview.status_code == 303 and overview.headers["location"] == "/"
    assert auth.KIOSK_COOKIE in overview.headers["set-cookie"]
    refused = _kiosk(tokens["feed"][1])
    assert refused.status_code == 404
    assert "این پیوند نمایش دیگر معتبر نیست" in bytes(refused.body).decode()
    assert _kiosk("not-a-token").status_code == 404


def test_a_feed_answers_a_live_feed_token_only(
    minutes_url: str, tokens: dict[str, tuple[int, str]]
) -> None:
    served = _feed("coverage", tokens["feed"][1])
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/csv")
    for token in (tokens["projector"][1], tokens["overview"][1], "", "not-a-token"):
        refused = _feed("coverage", token)
        assert refused.status_code == 401
        assert "کلید خوراک داده معتبر نیست" in bytes(refused.body).decode()
    feed_id, feed_token = tokens["feed"]
    with write_session(minutes_url) as s:
        admin = add_user(s, "admin2", "مدیر سامانه", Role.ADMIN.value)
        assert revoke_access_token(s, actor=admin, token_id=feed_id)
    assert _feed("coverage", feed_token).status_code == 401
