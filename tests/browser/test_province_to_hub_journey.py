"""A real province publishes to a real national hub, in Chromium: two servers of this
code, one on the sample province (SQLite) and one in hub mode (PostgreSQL), the
province's link pointing at the hub with the token the hub gave it. The secretariat
approves a publication in «انتشار برای سطح ملی»; the province's sender pushes it; the
hub's «نمای ملی» shows the province at version ۱. A row is then done through the
data layer and a second approval reaches the hub as version ۲ with its figures. The
stored body of version 2 with one byte changed (its version, 2 -> 3) and the old
signature is refused with a Persian reason, the hub still shows version ۲, and the
hub's administrator reads the refusal in its ingest log."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import col, select

from bench.app_server import running_app
from data_layer import clock
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.db import read_session, write_session
from data_layer.jalali import format_jalali
from data_layer.models import Assignment, AssignmentStatus, Resolution, Role, User
from data_layer.models_national import NationalPublication, NationalPush, PushState
from data_layer.national.link import set_link
from data_layer.national.snapshot import signature
from data_layer.permissions import Actor
from data_layer.rules.lateness import is_overdue
from tests.browser.conftest import screenshot_path
from tests.browser.steps import act, sign_in, visit
from tests.conftest import Templates
from tests.hub_world import HUB_KEY, hub_people, register

CODE, NAME = "nemune", "استان نمونه"
VIEWPORT = {"width": 1366, "height": 768}
PUSH_TIMEOUT = 180.0  # seconds: a generous bound on a busy machine, not an expected time


@dataclass(frozen=True)
class Servers:
    province: str  # the province server's address
    province_db: str
    hub: str  # the hub server's address
    token: str  # the province's token at the hub


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, templates: Templates) -> Iterator[Servers]:
    """The hub (APP_MODE=hub, a fresh PostgreSQL database, the province registered) and
    a province server of its own on a copy of the seeded sample, linked to the hub."""
    folder = tmp_path_factory.mktemp("province-to-hub")
    hub_url = templates.copy(None)
    province_db = templates.copy("seeded_url", folder / "dashboard.db")
    os.environ["HUB_TOKEN_KEY"] = HUB_KEY  # registering derives the token from it
    try:
        token = register(hub_url, hub_people(hub_url), {CODE: NAME})[CODE]
        env = {"APP_MODE": "hub", "HUB_TOKEN_KEY": HUB_KEY}
        with running_app(hub_url, folder / "hub.log", seed="none", env=env) as hub:
            _link(province_db, hub, token)
            with running_app(province_db, folder / "province.log") as province:
                yield Servers(province, province_db, hub, token)
    finally:
        os.environ.pop("HUB_TOKEN_KEY", None)
        templates.drop_later(hub_url)


def _admin(session: Any) -> Actor:
    admin = session.exec(select(User).where(User.username == "admin")).one()
    assert admin.id is not None
    return Actor(admin.id, admin.username, admin.full_name, admin.role, admin.agency_id)


def _link(province_db: str, hub: str, token: str) -> None:
    with write_session(province_db) as s:
        set_link(s, actor=_admin(s), code=CODE, name=NAME, hub_url=hub, token=token)


def _wait_pushed(page: Page, province_db: str, version: int) -> bytes:
    """Until the province's sender has pushed `version` and the hub stored it (the
    push's state is `sent`); its stored body. A refusal fails at once with its reason."""
    deadline = time.monotonic() + PUSH_TIMEOUT
    while True:
        with read_session(province_db) as s:
            row = s.exec(
                select(NationalPush, NationalPublication)
                .join(
                    NationalPublication, col(NationalPublication.id) == NationalPush.publication_id
                )
                .where(col(NationalPublication.version) == version)
            ).one_or_none()
        if row is not None:
            push, publication = row
            assert push.state != PushState.FAILED.value, push.last_error
            if push.state == PushState.SENT.value:
                assert push.hub_status == 201, push.hub_status
                return bytes(publication.body)
        assert time.monotonic() < deadline, f"version {version} did not reach the hub"
        page.wait_for_timeout(250)  # a poll's pause; the wait is on the push's state


def _approve(page: Page, province: str) -> None:
    visit(page, f"{province}/national")
    expect(page.get_by_text(f"{NAME} ({CODE})")).to_be_visible()
    act(page, page.get_by_role("button", name="ساختن پیش‌نویس از وضعیت کنونی").click)
    expect(page.get_by_text("محلات هدف بدون خدمت فعال")).to_be_visible()
    act(page, page.get_by_role("button", name="تأیید و انتشار همین پیش‌نویس").click)
    expect(page.get_by_text("منتشر شد").first).to_be_visible()


def _finish_a_late_row(province_db: str) -> None:
    """A late row reported done at 100% by its agency's liaison, through the data layer."""
    today = clock.local_day(clock.now())
    with write_session(province_db) as s:
        asg, liaison = s.exec(
            select(Assignment, User)
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .join(User, col(User.agency_id) == col(Assignment.agency_id))
            .where(
                is_overdue(today),
                col(Assignment.withdrawn).is_(False),
                col(User.role) == Role.AGENCY_EDITOR.value,
                col(User.active).is_(True),
                col(User.must_change_password).is_(False),
            )
            .order_by(col(Assignment.id), col(User.id))
            .limit(1)
        ).one()
        assert asg.id is not None and liaison.id is not None
        who = Actor(
            liaison.id, liaison.username, liaison.full_name, liaison.role, liaison.agency_id
        )
        changed = update_assignment(
            s,
            actor=who,
            assignment_id=asg.id,
            expected_version=asg.version,
            changes=AssignmentChanges(
                status=AssignmentStatus.DONE.value, progress=100, done_text="انجام شد"
            ),
        )
        assert changed


def _hub_row(page: Page, hub: str) -> Any:
    visit(page, f"{hub}/")  # the hub opens on its national view
    return page.locator("table.hub-national tbody tr").filter(has_text=NAME)


def _fa(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def _post(hub: str, token: str, body: bytes, signed: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{hub}/api/hub/snapshots",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "X-Snapshot-Signature": signed,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return int(r.status), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return int(e.code), json.loads(e.read())


def test_a_province_publishes_to_the_hub_replaces_it_and_a_broken_body_is_refused(
    servers: Servers, page: Page, browser: Browser
) -> None:
    province, hub = servers.province, servers.hub
    page.set_viewport_size(VIEWPORT)
    visit(page, province)
    sign_in(page, province, "dabir")
    ministry = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        sign_in(ministry, hub, "ministry")

        # 1. The first approval reaches the hub: version ۱.
        _approve(page, province)
        first = json.loads(_wait_pushed(page, servers.province_db, 1))
        visit(page, f"{province}/national")
        expect(page.get_by_text("به مرکز ملی رسید")).to_be_visible()
        row = _hub_row(ministry, hub)
        expect(row.locator("td").nth(2)).to_have_text("۱")
        totals = first["content"]["totals"]
        expect(row.locator("td").nth(6)).to_have_text(
            f"{_fa(totals['rows_late'])} از {_fa(totals['rows'])}"
        )

        # 2. A late row is done; the second approval replaces it: version ۲, its figures.
        _finish_a_late_row(servers.province_db)
        _approve(page, province)
        second_body = _wait_pushed(page, servers.province_db, 2)
        second = json.loads(second_body)
        before, after = first["content"]["totals"], second["content"]["totals"]
        assert after["rows_late"] == before["rows_late"] - 1, (before, after)
        row = _hub_row(ministry, hub)
        expect(row.locator("td").nth(2)).to_have_text("۲")
        expect(row.locator("td").nth(3)).to_have_text(_fa(after["resolutions"]))
        expect(row.locator("td").nth(6)).to_have_text(
            f"{_fa(after['rows_late'])} از {_fa(after['rows'])}"
        )
        expect(row).to_contain_text(format_jalali(date.fromisoformat(second["as_of"])))

        # 3. Version 2's body with one byte changed (its version: 3), the old signature.
        broken = second_body.replace(b'"version":2', b'"version":3', 1)
        assert len(broken) == len(second_body) and broken != second_body
        status, answer = _post(hub, servers.token, broken, signature(servers.token, second_body))
        assert status == 403, answer
        assert "امضای پرونده" in str(answer["error"]), answer
        row = _hub_row(ministry, hub)
        expect(row.locator("td").nth(2)).to_have_text("۲")
        expect(row.locator("td").nth(6)).to_have_text(
            f"{_fa(after['rows_late'])} از {_fa(after['rows'])}"
        )
        ministry.screenshot(path=str(screenshot_path("province-to-hub.png")), full_page=True)
        # The hub's administrator reads the refusal, in Persian, in the ingest log.
        administrator = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
        try:
            sign_in(administrator, hub, "hubadmin")
            visit(administrator, f"{hub}/hub_provinces")
            latest = administrator.locator("table.hub-log tbody tr").first
            expect(latest).to_contain_text("پذیرفته نشد")
            expect(latest).to_contain_text("امضای پرونده")
        finally:
            administrator.close()
    finally:
        ministry.close()
