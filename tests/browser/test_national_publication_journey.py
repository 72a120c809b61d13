"""The province publishes to the national level, in Chromium: with the link to a hub
set (a stand-in hub on localhost, checking the token and signature), the secretariat
opens «انتشار برای سطح ملی», builds the draft, reads it and approves it; the server's
sender pushes the frozen bytes to the hub; the list says it arrived; the hub's pull
with the token gets the very same bytes, and a wrong token gets nothing."""

from __future__ import annotations

import hashlib
import hmac
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from data_layer.db import read_session, write_session
from data_layer.models import User
from data_layer.models_national import NationalPublication
from data_layer.national.link import set_link
from data_layer.permissions import Actor
from tests.browser.steps import act, sign_in, visit

TOKEN = "journey-hub-token-0123456789"
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def database_url(app_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app server's database (conftest keeps it at <basetemp>/app<N>/dashboard.db)."""
    base = tmp_path_factory.getbasetemp()
    found = sorted({p.resolve() / "dashboard.db" for p in base.glob("app*") if p.is_dir()})
    assert len(found) == 1, f"expected the app server's one database, found {found}"
    yield f"sqlite:///{found[0]}"


class StandInHub:
    """Answers 201 to a POST whose signature matches its token, 403 otherwise."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.arrived = threading.Event()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                mac = hmac.new(TOKEN.encode(), body, hashlib.sha256).hexdigest()
                good = self.headers.get("X-Snapshot-Signature") == f"sha256={mac}"
                good = good and self.headers.get("Authorization") == f"Bearer {TOKEN}"
                self.send_response(201 if good else 403)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                if good:
                    hub.bodies.append(body)
                    hub.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hub() -> Iterator[StandInHub]:
    stand_in = StandInHub()
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()


def _pull(base: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{base}/api/national/snapshot", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status), answer.read()
    except urllib.error.HTTPError as e:
        return int(e.code), e.read()


def test_the_secretariat_publishes_and_the_hub_receives_and_pulls_the_same_bytes(
    page: Page, app_server: str, database_url: str, hub: StandInHub
) -> None:
    page.set_viewport_size(VIEWPORT)
    visit(page, app_server)  # the server seeds its database on the first visit
    with write_session(database_url) as s:
        admin = s.exec(select(User).where(User.username == "admin")).one()
        assert admin.id is not None
        who = Actor(admin.id, admin.username, admin.full_name, admin.role, admin.agency_id)
        set_link(s, actor=who, code="nemune", name="استان نمونه", hub_url=hub.url, token=TOKEN)
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/national")
    expect(page.get_by_text("استان نمونه (nemune)")).to_be_visible()
    act(page, page.get_by_role("button", name="ساختن پیش‌نویس از وضعیت کنونی").click)
    expect(page.get_by_text("محلات هدف بدون خدمت فعال")).to_be_visible()
    act(page, page.get_by_role("button", name="تأیید و انتشار همین پیش‌نویس").click)
    expect(page.get_by_text("منتشر شد").first).to_be_visible()

    assert hub.arrived.wait(120), "the server's sender did not push the publication"
    with read_session(database_url) as s:
        [publication] = s.exec(select(NationalPublication)).all()
    assert hub.bodies == [publication.body]
    visit(page, f"{app_server}/national")
    expect(page.get_by_text("به مرکز ملی رسید")).to_be_visible()

    assert _pull(app_server, TOKEN) == (200, publication.body)
    status, said = _pull(app_server, "not-the-token-0123456789")
    assert status == 401 and publication.body not in said
