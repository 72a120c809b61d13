"""The server's own read routes ask `permissions.can_read`: a kiosk link opens only its
page, a data feed answers only a live feed token, and each refuses the other's token."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response

from data_layer import auth
from data_layer.commands.access import create_access_token, revoke_access_token
from data_layer.db import read_session, write_session
from data_layer.models import AccessKind, Role, SignInThrottle
from data_layer.sign_in_limits import address_key, name_key
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


# --- whose sign-in attempt it is ------------------------------------------------------


def _from(peer: str, *headers: tuple[str, str], method: str = "GET", body: bytes = b"") -> Request:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        more, sent = not sent, True
        return {"type": "http.request", "body": body if more else b"", "more_body": False}

    return Request(
        {
            "type": "http",
            "method": method,
            "scheme": "http",
            "server": ("testserver", 80),
            "client": (peer, 50000),
            "path": "/auth/sign-in",
            "root_path": "",
            "headers": [(k.encode(), v.encode()) for k, v in headers],
            "query_string": b"",
            "path_params": {},
        },
        receive,
    )


@pytest.mark.parametrize(
    ("peer", "headers", "counted"),
    [
        # Straight from the browser: what it claims about itself is not believed.
        ("203.0.113.9", [("x-forwarded-for", "10.9.9.9")], "203.0.113.9"),
        ("203.0.113.9", [("x-real-ip", "10.9.9.9")], "203.0.113.9"),
        # Through the shipped nginx ($proxy_add_x_forwarded_for): the address nginx
        # appended, whatever the client put before it.
        ("127.0.0.1", [("x-forwarded-for", "10.9.9.9, 203.0.113.9")], "203.0.113.9"),
        ("127.0.0.1", [("x-forwarded-for", "203.0.113.9")], "203.0.113.9"),
        ("::1", [("x-real-ip", "203.0.113.9")], "203.0.113.9"),
        # A dual-stack server reports the IPv4 proxy as ::ffff:127.0.0.1.
        ("::ffff:127.0.0.1", [("x-forwarded-for", "203.0.113.9")], "203.0.113.9"),
        ("::ffff:203.0.113.9", [("x-forwarded-for", "10.9.9.9")], "203.0.113.9"),
        ("127.0.0.1", [], "127.0.0.1"),
    ],
)
def test_attempts_count_against_the_client_address_a_trusted_proxy_names(
    peer: str, headers: list[tuple[str, str]], counted: str
) -> None:
    assert routes.client_address(_from(peer, *headers)) == counted


def test_trusted_proxies_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8")
    forwarded = ("x-forwarded-for", "203.0.113.9")
    assert routes.client_address(_from("10.1.2.3", forwarded)) == "203.0.113.9"
    assert routes.client_address(_from("127.0.0.1", forwarded)) == "127.0.0.1"


def test_the_sign_in_route_counts_a_failure_against_the_forwarded_address(
    minutes_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", minutes_url)
    body = urlencode({"csrf": "t", "username": "nobody", "password": "guess", "next": "/"})
    request = _from(
        "127.0.0.1",
        ("x-forwarded-for", "10.9.9.9, 203.0.113.9"),
        ("cookie", f"{auth.CSRF_COOKIE}=t"),
        ("content-type", "application/x-www-form-urlencoded"),
        method="POST",
        body=body.encode(),
    )
    response = _run(routes.sign_in(request))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign_in?e=bad")
    with read_session(minutes_url) as s:
        subjects = {r.subject for r in s.exec(select(SignInThrottle))}
    assert subjects == {address_key("203.0.113.9"), name_key("nobody")}
