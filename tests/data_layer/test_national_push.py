"""The push of a publication to the national hub, against a real HTTP server on
localhost standing in for the hub (SQLite and PostgreSQL): 201 is sent, 500 then 201 is
retried after a wait and sent, 409 stops with the hub's Persian message for the
administrator (who can send it again), no answer in time is retried; every request
carries the token and the signature of the exact stored bytes; the outbox's sender
pushes in its pass."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlmodel import select

from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, PermissionDenied
from data_layer.models_national import NationalPublication, NationalPush, PushState
from data_layer.national.link import get_link, set_link
from data_layer.national.publish import publications, requeue_push
from data_layer.national.push import MAX_ATTEMPTS, push_due, wait_after
from data_layer.sender import Transports, send_due
from tests.data_layer.test_national_publication import NOW, TOKEN, people, publish

REFUSED = "نسخهٔ ۳ از نسخهٔ نگه‌داشته‌شده کهنه‌تر است."


@dataclass
class Hub:
    """The hub's stand-in: answers each POST from `script` (status, JSON body), or
    holds the request until `release` is set when the entry is "hold"."""

    port: int = 0
    script: list[Any] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def hub() -> Iterator[Hub]:
    stand_in = Hub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            stand_in.received.append(
                {
                    "path": self.path,
                    "body": raw,
                    "auth": self.headers.get("Authorization", ""),
                    "signature": self.headers.get("X-Snapshot-Signature", ""),
                    "type": self.headers.get("Content-Type", ""),
                }
            )
            answer = stand_in.script.pop(0) if stand_in.script else (201, {"stored": True})
            if answer == "hold":
                stand_in.release.wait()
                return
            status, body = answer
            data = json.dumps(body, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stand_in.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        stand_in.release.set()
        server.shutdown()
        server.server_close()


def pushes(url: str) -> list[NationalPush]:
    with read_session(url) as s:
        return list(s.exec(select(NationalPush).order_by(NationalPush.id)).all())


def clock_at(moment: datetime) -> Any:
    return lambda: moment


def test_a_201_is_sent_with_the_token_and_the_signature_of_the_stored_bytes(
    seeded_url: str, hub: Hub
) -> None:
    who = people(seeded_url, hub=hub.url)
    pub = publish(seeded_url, who["dabir"])
    done = push_due(seeded_url, now=clock_at(NOW))
    assert (done.sent, done.retried, done.failed) == (1, 0, 0)
    [request] = hub.received
    assert request["path"] == "/api/hub/snapshots"
    assert request["body"] == pub.body
    assert request["auth"] == f"Bearer {TOKEN}"
    assert request["type"] == "application/json"
    mac = hmac.new(TOKEN.encode(), pub.body, hashlib.sha256).hexdigest()
    assert request["signature"] == f"sha256={mac}"
    [push] = pushes(seeded_url)
    assert (push.state, push.attempts, push.hub_status) == ("sent", 1, 201)
    assert push_due(seeded_url, now=clock_at(NOW + timedelta(days=1))).sent == 0  # once
    assert len(hub.received) == 1


def test_a_500_is_retried_after_a_wait_then_sent(seeded_url: str, hub: Hub) -> None:
    who = people(seeded_url, hub=hub.url)
    publish(seeded_url, who["dabir"])
    hub.script = [(500, {"error": "خطای درونی"}), (201, {})]
    first = push_due(seeded_url, now=clock_at(NOW))
    assert (first.sent, first.retried) == (0, 1)
    [push] = pushes(seeded_url)
    assert push.state == "queued" and push.hub_status == 500
    assert "مرکز ملی" in push.last_error
    assert push.next_attempt_at == NOW + wait_after(1)
    early = push_due(seeded_url, now=clock_at(NOW + wait_after(1) - timedelta(seconds=1)))
    assert early.sent == early.retried == 0 and len(hub.received) == 1
    later = push_due(seeded_url, now=clock_at(NOW + wait_after(1)))
    assert later.sent == 1 and len(hub.received) == 2
    [push] = pushes(seeded_url)
    assert (push.state, push.attempts, push.last_error) == ("sent", 2, "")


def test_a_409_stops_with_the_hubs_message_and_the_administrator_sends_again(
    seeded_url: str, hub: Hub
) -> None:
    who = people(seeded_url, hub=hub.url)
    publish(seeded_url, who["dabir"])
    hub.script = [(409, {"error": REFUSED})]
    done = push_due(seeded_url, now=clock_at(NOW))
    assert (done.sent, done.retried, done.failed) == (0, 0, 1)
    [push] = pushes(seeded_url)
    assert push.state == "failed" and push.hub_status == 409
    assert REFUSED in push.last_error
    assert push_due(seeded_url, now=clock_at(NOW + timedelta(days=1))).sent == 0
    with read_session(seeded_url) as s:
        listed = publications(s)
    assert listed["push_state"].tolist() == ["failed"]
    assert REFUSED in listed["last_error"].iloc[0]
    assert push.id is not None
    with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
        requeue_push(s, actor=who["dabir"], push_id=push.id, now=NOW)
    with write_session(seeded_url) as s:
        requeue_push(s, actor=who["admin"], push_id=push.id, now=NOW + timedelta(hours=1))
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        requeue_push(s, actor=who["admin"], push_id=push.id, now=NOW + timedelta(hours=1))
    again = push_due(seeded_url, now=clock_at(NOW + timedelta(hours=1)))
    assert again.sent == 1 and len(hub.received) == 2
    assert hub.received[0]["body"] == hub.received[1]["body"]  # the same frozen bytes


def test_no_answer_in_time_is_retried_and_the_limit_fails_it(seeded_url: str, hub: Hub) -> None:
    who = people(seeded_url, hub=hub.url)
    publish(seeded_url, who["dabir"])
    hub.script = ["hold"]
    done = push_due(seeded_url, now=clock_at(NOW), timeout=0.5)
    assert (done.sent, done.retried, done.failed) == (0, 1, 0)
    [push] = pushes(seeded_url)
    assert push.state == "queued" and push.hub_status is None
    assert "زمان مقرر" in push.last_error
    hub.release.set()
    # A hub that stays down: refused connections until the limit, then failed.
    with write_session(seeded_url) as s:
        link = get_link(s)
        set_link(
            s, actor=who["admin"], code=link.code, name=link.name, hub_url="http://127.0.0.1:9"
        )
    moment = NOW
    for attempt in range(2, MAX_ATTEMPTS + 1):
        moment += wait_after(attempt - 1)
        push_due(seeded_url, now=clock_at(moment))
    [push] = pushes(seeded_url)
    assert (push.state, push.attempts) == ("failed", MAX_ATTEMPTS)
    assert "وصل نشد" in push.last_error


def test_the_outbox_sender_pushes_in_its_pass(seeded_url: str, hub: Hub) -> None:
    who = people(seeded_url, hub=hub.url)
    publish(seeded_url, who["dabir"])
    done = send_due(seeded_url, transports=Transports(), now=clock_at(NOW), digests=False)
    assert done.pushes.sent == 1
    with read_session(seeded_url) as s:
        [pub] = s.exec(select(NationalPublication)).all()
    assert hub.received[0]["body"] == pub.body
    assert [p.state for p in pushes(seeded_url)] == [PushState.SENT.value]
