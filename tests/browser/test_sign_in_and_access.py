"""Sign-in, sign-out and reading without signing in, against the real server (launcher.py)
on SQLite and on PostgreSQL: the HttpOnly cookie, CSRF, a replayed Streamlit session
id, two tabs, kiosk links, the data feeds and the health route."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from data_layer import auth
from data_layer.commands.access import create_access_token, revoke_access_token, set_anonymous_read
from data_layer.db import dispose_engine, read_session, write_session
from data_layer.models import AccessKind, ServiceDelivery
from data_layer.queries import coverage as qc
from tests.browser.conftest import running_app, runs, screenshot_path, wait_for_app
from tests.browser.steps import act, choose, open_from_menu, open_tab, sign_in, visit
from tests.conftest import Templates, _drop_postgres_database
from ui.agency_services import withdraw_label

SIGN_IN_PROMPT = "ابتدا وارد شوید"
READ_PROMPT = "برای دیدن این صفحه وارد شوید."
MY_AGENCY = "دستگاه من — آموزش و پرورش"
VIEWPORT = {"width": 1366, "height": 768}


class Server:
    """A real server and its database."""

    def __init__(self, base: str, database_url: str) -> None:
        self.base, self.database_url = base, database_url

    def as_secretariat(self) -> auth.Actor:
        actor, _ = auth.sign_in_url(
            self.database_url, username="dabir", password=auth.SAMPLE_PASSWORD
        )
        return actor

    def as_admin(self) -> auth.Actor:
        actor, _ = auth.sign_in_url(
            self.database_url, username="admin", password=auth.SAMPLE_PASSWORD
        )
        return actor

    def anyone_may_read(self, allowed: bool) -> None:
        who = self.as_secretariat()
        with write_session(self.database_url) as s:
            set_anonymous_read(s, actor=who, value="everyone" if allowed else "nobody")

    def token(self, kind: AccessKind, name: str, scope: str = "") -> tuple[int, str]:
        who = self.as_secretariat() if kind == AccessKind.KIOSK else self.as_admin()
        with write_session(self.database_url) as s:
            row, token = create_access_token(s, actor=who, kind=kind, name=name, scope=scope)
            return int(row.id), token  # type: ignore[arg-type]

    def revoke(self, token_id: int, kind: AccessKind) -> None:
        who = self.as_secretariat() if kind == AccessKind.KIOSK else self.as_admin()
        with write_session(self.database_url) as s:
            assert revoke_access_token(s, actor=who, token_id=token_id)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[Server]:
    """A server on the sample province (a copy of the seeded template)."""
    folder: Path = tmp_path_factory.mktemp(f"access-{request.param}")
    sqlite_file = folder / "dashboard.db" if request.param == "sqlite" else None
    url = templates.copy("seeded_url", sqlite_file)
    try:
        with running_app(url, folder / "server.log", seed="sample") as base:
            yield Server(base, url)
    finally:
        dispose_engine(url)
        if request.param == "postgresql":
            _drop_postgres_database(url)


@pytest.fixture
def nobody_reads(server: Server) -> Iterator[None]:
    """The default of a new province: reading needs a sign-in (the sample allows it)."""
    server.anyone_may_read(False)
    yield
    server.anyone_may_read(True)


def _page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_viewport_size(VIEWPORT)
    return page


# --- HTTP, without a browser --------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _request(
    url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, list[str]], bytes]:
    """One request, redirects not followed: status, headers (lists), body."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers or {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            status, head, content = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, head, content = e.code, e.headers, e.read()
    out: dict[str, list[str]] = {}
    for k, v in head.items():
        out.setdefault(k.lower(), []).append(v)
    return status, out, content


def _csrf(base: str) -> str:
    _, headers, _ = _request(f"{base}/")
    jar = SimpleCookie()
    for line in headers.get("set-cookie", []):
        jar.load(line)
    return jar[auth.CSRF_COOKIE].value


def _post_sign_in(
    server: Server, origin: str | None, csrf_field: str | None
) -> tuple[int, dict[str, list[str]]]:
    csrf = _csrf(server.base)
    form = {"username": "agency02", "password": auth.SAMPLE_PASSWORD, "next": "/my_agency"}
    if csrf_field is not None:
        form["csrf"] = csrf if csrf_field == "right" else csrf_field
    headers = {"Cookie": f"{auth.CSRF_COOKIE}={csrf}"}
    if origin is not None:
        headers["Origin"] = origin
    status, head, _ = _request(f"{server.base}/auth/sign-in", form, headers)
    return status, head


def _sets_session(head: dict[str, list[str]]) -> bool:
    return any(c.startswith(f"{auth.SESSION_COOKIE}=") for c in head.get("set-cookie", []))


def test_only_a_same_site_post_with_the_csrf_token_signs_in(server: Server) -> None:
    status, head = _post_sign_in(server, server.base, "right")
    assert status == 303 and head["location"] == ["/my_agency"] and _sets_session(head)
    cookie = next(c for c in head["set-cookie"] if c.startswith(f"{auth.SESSION_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    for origin, field in (
        ("https://evil.example", "right"),  # another site's page posting here
        ("null", "right"),  # a sandboxed or file page
        (server.base, None),  # no token in the form
        (server.base, "forged-token"),
    ):
        status, head = _post_sign_in(server, origin, field)
        assert status == 303, (origin, field)
        assert head["location"][0].startswith("/sign_in?e=csrf"), (origin, field)
        assert not _sets_session(head), (origin, field)


def test_a_form_on_another_site_cannot_sign_anyone_in(browser: Browser, server: Server) -> None:
    context = browser.new_context()
    page = _page(context)
    page.set_content(
        f'<form method="post" action="{server.base}/auth/sign-in">'
        '<input name="username" value="agency02">'
        f'<input name="password" value="{auth.SAMPLE_PASSWORD}">'
        '<input name="csrf" value="guess"><button>go</button></form>'
    )
    page.get_by_role("button", name="go").click()
    page.wait_for_url("**/sign_in?e=csrf*")
    assert not [c for c in context.cookies() if c["name"] == auth.SESSION_COOKIE]
    context.close()


def test_health_says_the_database_answers(server: Server) -> None:
    status, _, body = _request(f"{server.base}/api/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "schema": "current"}


def test_a_feed_token_gets_csv_with_the_hxl_row_until_it_is_revoked(server: Server) -> None:
    token_id, token = server.token(AccessKind.FEED, "ابزار HXL دفتر هماهنگی")
    for name in ("coverage", "gaps", "deliveries", "capacity"):
        status, head, body = _request(f"{server.base}/api/feeds/{name}.csv?token={token}")
        assert status == 200, name
        assert head["content-type"][0].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert len(rows) >= 3, name  # Persian headers, the HXL row, data
        assert all(tag.startswith("#") for tag in rows[1] if tag), rows[1]
    status, _, body = _request(
        f"{server.base}/api/feeds/gaps.csv", headers={"Authorization": f"Bearer {token}"}
    )
    assert status == 200 and body
    status, _, _ = _request(f"{server.base}/api/feeds/nothing.csv?token={token}")
    assert status == 404
    server.revoke(token_id, AccessKind.FEED)
    for url, headers in (
        (f"{server.base}/api/feeds/coverage.csv?token={token}", {}),
        (f"{server.base}/api/feeds/coverage.csv", {"Authorization": f"Bearer {token}"}),
        (f"{server.base}/api/feeds/coverage.csv", {}),
        (f"{server.base}/api/feeds/coverage.csv?token=made-up", {}),
    ):
        status, head, body = _request(url, headers=headers)
        assert status == 401 and "www-authenticate" in head
        assert b"," not in body  # a message, no data


# --- the browser ------------------------------------------------------------------


def test_a_sign_in_survives_a_reload_and_scripts_cannot_read_its_cookie(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context()
    page = _page(context)
    sign_in(page, server.base, "agency02")
    visit(page, f"{server.base}/my_agency")  # a deep link, signed in
    expect(page.get_by_role("heading", name=MY_AGENCY)).to_be_visible()
    mark = runs(page).mark()
    page.reload()
    wait_for_app(page, after=mark)
    expect(page.get_by_role("heading", name=MY_AGENCY)).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == auth.SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert auth.SESSION_COOKIE not in page.evaluate("document.cookie")
    context.close()


def test_signing_out_in_one_tab_ends_the_sign_in_in_every_tab(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context()
    first, second = _page(context), _page(context)
    sign_in(first, server.base, "agency02")
    visit(second, f"{server.base}/my_agency")
    expect(second.get_by_role("heading", name=MY_AGENCY)).to_be_visible()
    open_from_menu(first, "پیگیری مصوبات", "دستگاه من")
    act(first, first.get_by_role("link", name="حساب من").click)
    act(first, first.get_by_role("button", name="خروج از سامانه").click)
    expect(first.get_by_text("از سامانه خارج شدید")).to_be_visible()
    # The second tab has not reloaded: its next run finds the sign-in ended.
    open_from_menu(second, "پیگیری مصوبات", "مصوبات")
    expect(second.get_by_text("نشست شما منقضی شده است").first).to_be_visible()
    expect(second.get_by_role("link", name="حساب من")).to_have_count(0)
    visit(second, f"{server.base}/my_agency")
    expect(second.get_by_role("heading", name=MY_AGENCY)).to_have_count(0)
    expect(second.get_by_text(SIGN_IN_PROMPT).first).to_be_visible()
    context.close()


def test_a_replayed_session_id_without_the_cookie_is_not_signed_in(
    browser: Browser, server: Server, nobody_reads: None
) -> None:
    owner = browser.new_context()
    page = _page(owner)
    sign_in(page, server.base, "agency02")
    visit(page, f"{server.base}/my_agency")
    expect(page.get_by_role("heading", name=MY_AGENCY)).to_be_visible()
    stolen = runs(page).session_id
    assert stolen
    # Another browser reconnects to that Streamlit session (the third entry of the
    # websocket's subprotocol list is the session to resume), without the cookie.
    thief = browser.new_context()
    thief.add_init_script(
        """(() => {
          const Real = window.WebSocket;
          function Replaying(url, protocols) {
            if (String(url).includes("/_stcore/stream")) {
              const list = [].concat(protocols || []);
              protocols = [list[0] || "streamlit", list[1] || "", STOLEN];
            }
            return new Real(url, protocols);
          }
          Replaying.prototype = Real.prototype;
          Object.assign(Replaying, Real);
          window.WebSocket = Replaying;
        })();""".replace("STOLEN", json.dumps(stolen))
    )
    other = _page(thief)
    visit(other, f"{server.base}/my_agency")
    assert runs(other).session_id == stolen, "the server resumed the replayed session"
    expect(other.get_by_role("heading", name=MY_AGENCY)).to_have_count(0)
    expect(other.get_by_text(SIGN_IN_PROMPT).first).to_be_visible()
    expect(other.get_by_role("link", name="حساب من")).to_have_count(0)
    other.screenshot(path=str(screenshot_path("replayed-session-signed-out-1366.png")))
    thief.close()
    owner.close()


def test_a_deep_link_on_a_fresh_server_opens_inside_the_app(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fresh")
    with running_app(f"sqlite:///{folder / 'db.sqlite'}", folder / "log", seed="sample") as base:
        context = browser.new_context()
        page = _page(context)
        failed: list[str] = []
        page.on(
            "response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
        )
        visit(page, f"{base}/verification")  # the first request this server ever serves
        nav = page.get_by_role("navigation")
        expect(nav.get_by_text("پیگیری مصوبات", exact=True)).to_be_visible()  # app.py's menu
        expect(page.get_by_label("نام کاربری")).to_be_visible()  # app.py's sign-in
        assert page.evaluate("getComputedStyle(document.querySelector('.stMain')).direction") == (
            "rtl"
        )  # app.py's theme
        page.screenshot(path=str(screenshot_path("fresh-server-deep-link-1366.png")))
        # The page knows its base: no probing of /verification/_stcore/health and the like.
        assert failed == []
        context.close()


def test_anonymous_reading_is_refused_unless_the_secretariat_allows_it(
    browser: Browser, server: Server, nobody_reads: None
) -> None:
    context = browser.new_context()
    page = _page(context)
    for path in ("/", "/resolutions", "/projector", "/coverage"):
        visit(page, f"{server.base}{path}")
        expect(page.get_by_text(READ_PROMPT)).to_be_visible()
        expect(page.locator(".kpis, table.matrix, .deck")).to_have_count(0)
    server.anyone_may_read(True)
    visit(page, f"{server.base}/resolutions")
    expect(page.locator("table.matrix")).to_be_visible()
    context.close()


def test_a_kiosk_link_reads_only_its_page_and_stops_once_revoked(
    browser: Browser, server: Server, nobody_reads: None
) -> None:
    token_id, token = server.token(AccessKind.KIOSK, "لپ‌تاپ سالن شهدای گمنام", "projector")
    context = browser.new_context()
    page = _page(context)
    page.set_viewport_size({"width": 1280, "height": 720})
    visit(page, f"{server.base}/kiosk/{token}")
    assert urllib.parse.urlsplit(page.url).path == "/projector"
    expect(page.locator(".deck")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)  # a kiosk has no menu
    page.screenshot(path=str(screenshot_path("kiosk-projector-1280.png")))
    for path in ("/", "/my_agency", "/verification", "/resolutions"):
        visit(page, f"{server.base}{path}")
        expect(page.locator(".kpis, table.matrix, .deck")).to_have_count(0)
    server.revoke(token_id, AccessKind.KIOSK)
    visit(page, f"{server.base}/projector")
    expect(page.locator(".deck")).to_have_count(0)
    expect(page.get_by_text(READ_PROMPT)).to_be_visible()
    page.goto(f"{server.base}/kiosk/{token}")
    expect(page.get_by_role("heading", name="این پیوند نمایش دیگر معتبر نیست")).to_be_visible()
    context.close()


def _live_deliveries(database_url: str, agency_id: int) -> list[int]:
    with read_session(database_url) as s:
        stmt = select(ServiceDelivery.id).where(  # type: ignore[call-overload]
            ServiceDelivery.agency_id == agency_id,
            ServiceDelivery.withdrawn == False,  # noqa: E712
        )
        return sorted(int(i) for i in s.execute(stmt).scalars())


def _labels(database_url: str, agency_id: int) -> list[str]:
    """The withdrawal picker's options, as the screen words them, in its order."""
    with read_session(database_url) as s:
        rows = qc.delivery_rows(s, agency_id=agency_id)
    return [withdraw_label(r) for _, r in rows.iterrows()]


def _withdraw_panel(page: Page, base: str) -> None:
    visit(page, f"{base}/my_agency")
    open_tab(page, "خدمات در محلات هدف")


def test_two_tabs_a_withdrawal_hits_only_the_row_that_was_chosen(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context()
    first, second = _page(context), _page(context)
    sign_in(first, server.base, "agency02")
    live = _live_deliveries(server.database_url, 2)
    assert len(live) >= 2
    _withdraw_panel(first, server.base)
    _withdraw_panel(second, server.base)
    target = _labels(server.database_url, 2)[1]  # not the first: a fallback lands there
    choose(second, "پس‌گرفتن ردیف", target)
    second.get_by_label("دلیل", exact=True).fill("ثبت تکراری بود")
    choose(first, "پس‌گرفتن ردیف", target)
    first.get_by_label("دلیل", exact=True).fill("اشتباه در دوره")
    act(first, first.get_by_role("button", name="پس‌گرفتن", exact=True).click)
    expect(first.get_by_text("ردیف پس گرفته شد")).to_be_visible()
    after_first = _live_deliveries(server.database_url, 2)
    assert len(after_first) == len(live) - 1
    act(second, second.get_by_role("button", name="پس‌گرفتن", exact=True).click)
    expect(second.get_by_text("پس گرفته شده است؛ فهرست را دوباره باز کنید")).to_be_visible()
    assert _live_deliveries(server.database_url, 2) == after_first
    second.screenshot(path=str(screenshot_path("stale-withdrawal-refused-1366.png")))
    context.close()
