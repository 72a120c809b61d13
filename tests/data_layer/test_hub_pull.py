"""The hub's pull against a real HTTP server in a province's place: a good answer is
received as a push is; a province down, slow or failing is retried and then logged
with a Persian message, and the last good version stays."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from data_layer.db import read_session, write_session
from data_layer.hub_pull import PATH, main, pull_all
from data_layer.input.snapshot import signature_of
from data_layer.models_hub import HubProvince, HubSnapshot
from data_layer.queries.hub import ingest_log
from tests.hub_snapshots import body
from tests.hub_world import HUB_KEY, hub_people, publish, register
from tests.servers import free_port


@dataclass
class Province:
    """What the province server answers, in order (the last one repeats), and what it saw."""

    token: str
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    slow: bool = False
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def province_server(province: Province) -> Iterator[str]:
    """A province's server on localhost; its base address."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            province.seen.append(self.headers.get("Authorization", ""))
            if province.slow:
                province.release.wait()  # answers only once the test is over
            if self.path != PATH or self.headers.get("Authorization") != f"Bearer {province.token}":
                status, payload = 401, b'{"error": "wrong token"}'
            else:
                status, payload = province.answers[
                    min(len(province.seen), len(province.answers)) - 1
                ]
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if status == 200:
                self.send_header("X-Snapshot-Signature", signature_of(province.token, payload))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        province.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def hub(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A hub with Khuzestan registered and its version 1 received: (url, token)."""
    monkeypatch.setenv("HUB_TOKEN_KEY", HUB_KEY)
    monkeypatch.setenv("HUB_PULL_ATTEMPTS", "3")
    monkeypatch.setenv("HUB_PULL_BACKOFF", "0")
    monkeypatch.setenv("HUB_PULL_TIMEOUT", "0.5")
    admin = hub_people(db_url)
    token = register(db_url, admin, {"khuzestan": "خوزستان"})["khuzestan"]
    assert publish(db_url, token, body(version=1)) == 201
    return db_url, token


def _follow(url: str, address: str) -> None:
    with write_session(url) as s:
        row = s.exec(select(HubProvince)).one()
        row.pull_url = address
        s.add(row)


def _versions(url: str) -> list[int]:
    with read_session(url) as s:
        return sorted(s.exec(select(HubSnapshot.version)).all())


def _last(url: str) -> dict[str, object]:
    with read_session(url) as s:
        return ingest_log(s)[0]


def test_a_good_province_is_pulled_and_received_as_a_push_is(hub: tuple[str, str]) -> None:
    url, token = hub
    province = Province(token, [(200, body(version=2))])
    with province_server(province) as address:
        _follow(url, address)
        (result,) = pull_all(url)
    assert (result.status, result.outcome) == (201, "stored")
    assert _versions(url) == [1, 2]
    last = _last(url)
    assert (last["via"], last["outcome"]) == ("pull", "stored")
    assert province.seen == [f"Bearer {token}"]


def test_a_failing_province_is_tried_again_until_it_answers(hub: tuple[str, str]) -> None:
    url, token = hub
    province = Province(token, [(503, b"{}"), (502, b"{}"), (200, body(version=2))])
    with province_server(province) as address:
        _follow(url, address)
        (result,) = pull_all(url)
    assert result.status == 201 and len(province.seen) == 3
    assert _versions(url) == [1, 2]


def test_a_province_that_is_down_is_logged_and_the_last_version_stays(
    hub: tuple[str, str],
) -> None:
    url, _ = hub
    _follow(url, f"http://127.0.0.1:{free_port()}")
    (result,) = pull_all(url)
    assert result.outcome == "failed"
    assert "در دسترس نبود" in result.message and "۳ بار" in result.message
    assert "آخرین نسخهٔ خوب" in result.message
    assert _versions(url) == [1]
    assert _last(url)["message"] == result.message


def test_a_slow_province_times_out_each_try_and_the_last_version_stays(
    hub: tuple[str, str],
) -> None:
    url, token = hub
    province = Province(token, [(200, body(version=2))], slow=True)
    with province_server(province) as address:
        _follow(url, address)
        (result,) = pull_all(url)
        tries = len(province.seen)
    assert result.outcome == "failed" and "نرسید" in result.message
    assert tries == 3
    assert _versions(url) == [1]


@pytest.mark.parametrize(
    ("status", "words"), [(404, "منتشر نکرده"), (401, "کلید سامانهٔ ملی را نپذیرفت")]
)
def test_nothing_published_or_our_token_refused_is_not_retried(
    hub: tuple[str, str], status: int, words: str
) -> None:
    url, token = hub
    province = Province(token if status == 404 else "another-token", [(404, b"{}")])
    with province_server(province) as address:
        _follow(url, address)
        (result,) = pull_all(url)
    assert result.outcome == "failed" and words in result.message
    assert len(province.seen) == 1
    assert _versions(url) == [1]


def test_a_broken_snapshot_pulled_is_refused_like_a_pushed_one(
    hub: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, token = hub
    monkeypatch.setenv("DATABASE_URL", url)  # the timer's command reads it
    half = body(version=2)
    province = Province(token, [(200, half[: len(half) // 2])])
    with province_server(province) as address:
        _follow(url, address)
        assert main([]) == 0
    last = _last(url)
    assert (last["via"], last["outcome"], last["status"]) == ("pull", "refused", 400)
    assert _versions(url) == [1]
