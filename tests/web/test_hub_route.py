"""POST /api/hub/snapshots as the agreed format says: 201 stored, 200 the same again,
413 over the size limit (read no further), 400 a body cut short or a sender gone
half-way, and 404 on a province's server; each refusal logged for the administrator."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.applications import Starlette

from data_layer.db import read_session
from data_layer.queries.hub import ingest_log
from tests.hub_snapshots import body, headers
from tests.hub_world import HUB_KEY, hub_people, register
from web.routes import routes


@pytest.fixture
def served(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Starlette, str, str]:
    """The server's routes on a hub database with Khuzestan registered: (app, url, token)."""
    monkeypatch.setenv("APP_MODE", "hub")
    monkeypatch.setenv("HUB_TOKEN_KEY", HUB_KEY)
    monkeypatch.setenv("DATABASE_URL", db_url)
    token = register(db_url, hub_people(db_url), {"khuzestan": "خوزستان"})["khuzestan"]
    return Starlette(routes=routes(cache_ready=lambda _: True)), db_url, token


def _post(
    app: Starlette,
    sent: dict[str, str],
    chunks: list[bytes],
    *,
    length: int | None = None,
    disconnect: bool = False,
) -> tuple[int, dict[str, Any]]:
    """One POST through the ASGI app, its body in `chunks` (then, with `disconnect`, the
    sender gone); `length` is the Content-Length sent (None: none, a streamed body)."""
    head = [(k.lower().encode(), v.encode()) for k, v in sent.items()]
    if length is not None:
        head.append((b"content-length", str(length).encode()))
    events: list[dict[str, Any]] = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1 or disconnect}
        for i, c in enumerate(chunks)
    ]
    if disconnect:
        events.append({"type": "http.disconnect"})
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        return events.pop(0) if events else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        else:
            answer["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "server": ("hub.test", 80),
        "path": "/api/hub/snapshots",
        "root_path": "",
        "headers": head,
        "query_string": b"",
        "client": ("127.0.0.1", 5000),
    }
    # On a thread of its own: a browser test earlier in this process may have left its
    # event loop running on the main thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return answer["status"], json.loads(answer["body"])


def _last(url: str) -> dict[str, Any]:
    with read_session(url) as s:
        return ingest_log(s)[0]


def test_a_push_is_stored_then_the_same_again_is_idempotent(
    served: tuple[Starlette, str, str],
) -> None:
    app, _, token = served
    payload = body(version=1)
    first = _post(app, headers(token, payload), [payload], length=len(payload))
    assert first[0] == 201 and first[1]["version"] == 1
    again = _post(app, headers(token, payload), [payload[:500], payload[500:]])
    assert again[0] == 200 and again[1]["status"] == "same"


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
def test_a_body_over_the_limit_is_refused_unread(
    served: tuple[Starlette, str, str], monkeypatch: pytest.MonkeyPatch, declared: bool
) -> None:
    app, url, token = served
    monkeypatch.setenv("HUB_MAX_SNAPSHOT_BYTES", "4096")
    payload = body(version=1)
    assert len(payload) > 4096
    chunks = [payload[i : i + 1000] for i in range(0, len(payload), 1000)]
    status, answer = _post(
        app, headers(token, payload), chunks, length=len(payload) if declared else None
    )
    assert status == 413 and "مگابایت" in answer["error"]
    last = _last(url)
    assert (last["status"], last["outcome"], last["province"]) == (413, "refused", "خوزستان")


def test_a_body_shorter_than_declared_or_cut_off_is_refused(
    served: tuple[Starlette, str, str],
) -> None:
    app, url, token = served
    payload = body(version=1)
    sent = headers(token, payload)
    status, answer = _post(app, sent, [payload[:1000]], length=len(payload))
    assert status == 400 and "نیمه‌کاره" in answer["error"]
    status, answer = _post(app, sent, [payload[:1000]], length=len(payload), disconnect=True)
    assert status == 400 and "قطع شد" in answer["error"]
    assert _last(url)["status"] == 400
    with read_session(url) as s:
        assert [e["outcome"] for e in ingest_log(s)] == ["refused", "refused"]


def test_a_wrong_token_gets_401_and_a_persian_reason(served: tuple[Starlette, str, str]) -> None:
    app, _, _ = served
    payload = body(version=1)
    status, answer = _post(app, headers("guessed", payload), [payload])
    assert status == 401 and "کلید" in answer["error"]


def test_a_province_server_has_no_hub_route(
    served: tuple[Starlette, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, token = served
    monkeypatch.setenv("APP_MODE", "province")
    payload = body(version=1)
    assert _post(app, headers(token, payload), [payload])[0] == 404
