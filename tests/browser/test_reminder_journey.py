"""The reminder reaches the liaison, in a real Chromium, on SQLite and PostgreSQL: a row
due tomorrow is in the morning's digest (a real SMTP server receives it), its link
opens the row after signing in, the liaison reports it done, the next day's digest no
longer lists it, and the secretariat's inbox shows the claim."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from data_layer.auth import SAMPLE_PASSWORD
from data_layer.clock import LOCAL_TZ
from data_layer.config import MailSettings
from data_layer.db import dispose_engine, write_session
from data_layer.models import Assignment, User, Verification
from data_layer.models_messages import ContactChannel
from data_layer.sender import Transports, send_due
from data_layer.transport.email import send_email
from tests.browser.conftest import running_app, screenshot_path
from tests.browser.steps import act, choose, visit
from tests.conftest import AS_OF, Templates, _drop_postgres_database
from tests.servers import Mailbox, smtp_server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server(
    request: pytest.FixtureRequest, tmp_path: Path, templates: Templates
) -> Iterator[tuple[str, str]]:
    """(app URL, database URL) on the sample province; the outbox is sent from here, as
    by the systemd timer."""
    sqlite_file = tmp_path / "dashboard.db" if request.param == "sqlite" else None
    url = templates.copy("seeded_url", sqlite_file)
    try:
        with running_app(url, tmp_path / "server.log", env={"SENDER_IN_SERVER": "0"}) as base:
            yield base, url
    finally:
        dispose_engine(url)
        if request.param == "postgresql":
            _drop_postgres_database(url)


def _due_tomorrow(url: str) -> int:
    """One of agency02's rows falls due tomorrow, not yet reported; the liaison has a
    confirmed email."""
    with write_session(url) as s:
        user = s.exec(select(User).where(User.username == "agency02")).one()
        row = s.exec(
            select(Assignment)
            .where(Assignment.agency_id == user.agency_id, Assignment.status != "done")
            .order_by(col(Assignment.id))
        ).first()
        assert row is not None and row.id is not None
        row.planned_date, row.first_planned_date = AS_OF + timedelta(days=1), None
        row.reported_at, row.verification = None, Verification.UNVERIFIED.value
        s.add(row)
        s.add(
            ContactChannel(
                user_id=user.id,
                kind="email",
                address="rabet2@ostan.example",
                confirmed_at=datetime.combine(AS_OF, time(7), LOCAL_TZ),
            )
        )
        return row.id


def _morning_digest(url: str, port: int, box: Mailbox, day_offset: int) -> str | None:
    """The sender's pass at 08:05 of that day; the HTML of the digest it delivered."""
    settings = MailSettings("127.0.0.1", port, "none", "", "", "dabir@ostan.example", 5.0)
    before = len(box.messages)
    moment = datetime.combine(AS_OF + timedelta(days=day_offset), time(8, 5), LOCAL_TZ)
    send_due(
        url, transports=Transports(email=lambda m: send_email(settings, m)), now=lambda: moment
    )
    if len(box.messages) == before:
        return None
    body = box.messages[-1].get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())


def test_the_digest_leads_the_liaison_to_the_row_and_the_claim_reaches_the_secretariat(
    page: Page, server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, url = server
    monkeypatch.setenv("APP_PUBLIC_URL", base)  # this process sends, as the timer would
    row_id = _due_tomorrow(url)
    page.set_viewport_size({"width": 1366, "height": 900})
    with smtp_server() as (port, box):
        html = _morning_digest(url, port, box, 0)
        assert html is not None and box.messages[0]["Subject"].startswith("کارتابل شما")
        link = f"{base}/my_agency?row={row_id}"
        assert f'href="{link}"' in html and "سررسید فردا" in html

        # The link, followed while signed out: the sign-in form, then the row itself.
        visit(page, link)
        page.get_by_label("نام کاربری").fill("agency02")
        page.get_by_label("گذرواژه").fill(SAMPLE_PASSWORD)
        act(page, page.get_by_role("button", name="ورود").click)
        assert page.url == link
        expect(page.get_by_role("tab", name="فرم کامل یک ردیف")).to_have_attribute(
            "aria-selected", "true"
        )
        form = page.locator("[data-testid='stForm']").first
        choose(page, "وضعیت", "انجام شده", scope=form)
        form.get_by_label("پیشرفت ٪").fill("۱۰۰")
        form.get_by_label("اقدامات انجام‌شده").fill("جلسهٔ هماهنگی برگزار و صورتجلسه پیوست شد.")
        act(page, form.get_by_role("button", name="ذخیرهٔ این ردیف").click)
        expect(page.get_by_text("ردیف ذخیره شد.")).to_be_visible()
        with write_session(url) as s:
            saved = s.get(Assignment, row_id)
            assert saved is not None and saved.status == "done"

        # The next morning's digest no longer lists the row (the agency's late rows stay).
        html = _morning_digest(url, port, box, 1)
        assert html is None or f'/my_agency?row={row_id}"' not in html

    # The secretariat's inbox shows the claim.
    act(page, page.get_by_role("link", name="حساب من").click)
    act(page, page.get_by_role("button", name="خروج از سامانه").click)
    visit(page, f"{base}/sign_in")
    page.get_by_label("نام کاربری").fill("dabir")
    page.get_by_label("گذرواژه").fill(SAMPLE_PASSWORD)
    act(page, page.get_by_role("button", name="ورود").click)
    expect(page.get_by_role("heading", name="کارتابل")).to_be_visible()
    claims = page.locator("li.inbox-claims")
    expect(claims).to_contain_text("در انتظار بررسی")
    with write_session(url) as s:
        row = s.get(Assignment, row_id)
        assert row is not None
    expect(claims).to_contain_text(re.compile("تازه‌ترین: آموزش و پرورش، جلسه"))
    expect(page.get_by_role("link", name=re.compile(r"^کارتابل \(")).first).to_be_visible()
    page.screenshot(path=str(screenshot_path("inbox-secretariat-1366.png")))


def test_the_server_sends_the_digest_itself_when_its_hour_has_come(
    tmp_path: Path, templates: Templates
) -> None:
    """The sender inside the server (the default): started with the server, it queues
    the day's digest and delivers it, with nobody visiting a page."""
    url = templates.copy("seeded_url", tmp_path / "dashboard.db")  # the sample province
    _due_tomorrow(url)  # agency02 has a row due tomorrow and a confirmed email
    dispose_engine(url)
    with smtp_server() as (port, box):
        env = {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none",
            "SMTP_FROM": "dabir@ostan.example",
        }
        with running_app(url, tmp_path / "server.log", seed="none", env=env) as base:
            assert box.arrived.wait(120), "the server sent no digest"
        [mail] = box.messages
    assert box.recipients[0] == ["rabet2@ostan.example"]
    body = mail.get_body(preferencelist=("html",))
    assert body is not None and f"{base}/my_agency?row=" in body.get_content()
