"""The server's own routes beside Streamlit's: sign-in and sign-out (cookies Streamlit
cannot set), kiosk links, the health check, the data feeds, and the national hub's
pull of the province's latest publication (web/national.py).

Every form that posts here carries the token of the CSRF cookie (double submit) and
must come from this site (its Origin, when the browser sends one). Cookies are
HttpOnly and SameSite=Strict, and Secure when the request came over HTTPS (directly
or through the proxy's X-Forwarded-Proto).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from data_layer import auth
from data_layer.commands.hub import IngestResult, receive_snapshot, refuse_early
from data_layer.config import get_settings, hub_settings, is_hub
from data_layer.db import ping
from data_layer.errors import SessionExpired, SignInFailed, database_trouble
from data_layer.exports import PROVINCE_ONLY
from data_layer.jalali import to_fa_digits
from data_layer.migrate import schema_is_current
from data_layer.models import AccessKind, Role
from data_layer.permissions import (
    PROVINCE,
    Readable,
    Reader,
    can_read,
    read_refusal,
    reads_of,
)
from data_layer.permissions import Scope as ReadScope  # starlette's Scope is the ASGI one
from web.feeds import FEEDS, feed_csv
from web.national import national_snapshot
from web.page_html import BaseUrlMiddleware

__all__ = [
    "MIDDLEWARE_CLASSES",
    "BaseUrlMiddleware",
    "CsrfCookieMiddleware",
    "MetricsForAdministratorsMiddleware",
    "routes",
]

log = logging.getLogger("dashboard")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


def _https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_https(request),
    )


def _local_path(target: str | None) -> str:
    """Where to go after signing in: a path of this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _same_site(request: Request) -> bool:
    """True unless the browser says the form came from another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # old browsers send neither; the CSRF token still has to match
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def _form_ok(request: Request) -> tuple[bool, dict[str, str]]:
    form = {k: str(v) for k, v in (await request.form()).items()}
    cookie = request.cookies.get(auth.CSRF_COOKIE, "")
    token = form.get("csrf", "")
    ok = _same_site(request) and bool(cookie) and hmac.compare_digest(cookie, token)
    return ok, form


def _plain(address: str) -> str:
    """An address as one writes it: an IPv4 address a dual-stack server reports as
    IPv6 (::ffff:127.0.0.1) back in its IPv4 form; anything else as it came."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return str(mapped or ip)


def _in_networks(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)
    except ValueError:
        return False


def client_address(request: Request) -> str:
    """The address sign-in attempts are counted against: the peer itself, unless the
    peer is a trusted proxy (TRUSTED_PROXIES). Then the nearest address it names in
    X-Forwarded-For that is not a proxy of ours (nginx appends the peer it saw to what
    the client sent, so the client cannot choose it), else its X-Real-IP."""
    peer = _plain(request.client.host if request.client else "")
    trusted = get_settings().trusted_proxies
    if not _in_networks(peer, trusted):
        return peer
    forwarded = [_plain(a) for a in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _in_networks(address, trusted):
            return address
    return _plain(request.headers.get("x-real-ip", "")) or peer


def _back_to_sign_in(code: str, target: str, **extra: str) -> RedirectResponse:
    query = urlencode({"e": code, "next": target, **extra})
    return RedirectResponse(f"/sign_in?{query}", status_code=303)


async def sign_in(request: Request) -> Response:
    """POST /auth/sign-in: check the form, open a sign-in, set its cookie, go on."""
    ok, form = await _form_ok(request)
    target = _local_path(form.get("next"))
    if not ok:
        return _back_to_sign_in("csrf", target)
    url = get_settings().database_url
    try:
        actor, token = await run_in_threadpool(
            auth.sign_in_url,
            url,
            username=form.get("username", ""),
            password=form.get("password", ""),
            address=client_address(request),
        )
        change = await run_in_threadpool(_must_change, url, actor.user_id)
    except SignInFailed as e:
        extra = {"until": str(int(e.until.timestamp()))} if e.until is not None else {}
        return _back_to_sign_in(e.code, target, **extra)
    except Exception as e:
        if database_trouble(e) is None:
            log.error("sign-in failed unexpectedly", exc_info=e)
        return _back_to_sign_in("busy", target)
    response = RedirectResponse("/account" if change else target, status_code=303)
    _cookie(response, request, auth.SESSION_COOKIE, token, int(auth.SESSION_MAX.total_seconds()))
    return response


def _must_change(url: str, user_id: int) -> bool:
    from data_layer.db import read_session
    from data_layer.queries.users import must_change_password

    with read_session(url) as s:
        return must_change_password(s, user_id=user_id)


async def sign_out(request: Request) -> Response:
    """POST /auth/sign-out: end this sign-in everywhere it is open, clear the cookie."""
    ok, _ = await _form_ok(request)
    if not ok:
        return RedirectResponse("/account", status_code=303)
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        await run_in_threadpool(auth.sign_out_url, get_settings().database_url, token=token)
    response = RedirectResponse("/sign_in?e=out", status_code=303)
    response.delete_cookie(
        auth.SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_https(request)
    )
    return response


_GONE = (
    '<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8"><title>پیوند نامعتبر</title>'
    '<body style="font-family:Vazirmatn,Tahoma,sans-serif;padding:3rem">'
    "<h1>این پیوند نمایش دیگر معتبر نیست</h1>"
    "<p>از دبیرخانهٔ کارگروه پیوند تازه بخواهید.</p></body></html>"
)

# Where a kiosk link opens, by what it may read (the overview is the root URL).
_KIOSK_HOMES = {Readable.PROJECTOR: "/projector", Readable.OVERVIEW: "/"}


async def kiosk(request: Request) -> Response:
    """GET /kiosk/{token}: a read-only screen for the hall's laptop or a wall screen."""
    token = request.path_params["token"]
    url = get_settings().database_url
    row = await run_in_threadpool(
        auth.resolve_access_token, url, kind=AccessKind.KIOSK.value, token=token
    )
    reader = Reader.kiosk(row.scope) if row is not None else None
    homes = [path for what, path in _KIOSK_HOMES.items() if can_read(reader, what, PROVINCE)]
    if not homes:
        response: Response = Response(_GONE, status_code=404, media_type="text/html")
        response.delete_cookie(
            auth.KIOSK_COOKIE, path="/", httponly=True, samesite="strict", secure=_https(request)
        )
        return response
    response = RedirectResponse(homes[0], status_code=303)
    _cookie(response, request, auth.KIOSK_COOKIE, token, 400 * 24 * 3600)
    return response


def _health(cache_ready: Callable[[str], bool]) -> Callable[[Request], Awaitable[Response]]:
    async def health(request: Request) -> Response:
        """GET /api/health: 200 when the database answers, its schema is the newest and
        the shared pages are computed; 503 otherwise (nginx and systemd take the replica
        out until it is)."""
        return await _health_of(get_settings().database_url, cache_ready)

    return health


async def _health_of(url: str, cache_ready: Callable[[str], bool]) -> Response:
    """The health check's answer for the database at `url`."""
    try:
        await run_in_threadpool(ping, url)
        current = await run_in_threadpool(schema_is_current, url)
    except Exception as e:
        log.warning("health check: database unreachable: %s", e)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    if not current:
        return JSONResponse(
            {"status": "error", "database": "ok", "schema": "not migrated"}, status_code=503
        )
    if not cache_ready(url):  # the first visitors would compute the shared pages
        return JSONResponse({"status": "starting", "database": "ok", "cache": "warming"}, 503)
    return JSONResponse({"status": "ok", "database": "ok", "schema": "current"})


async def _feed_reader(request: Request, url: str) -> Reader | None:
    """A feed token's consumer (Bearer header or ?token=), else the person of the
    sign-in cookie (a county governorate's reader takes its county's feeds so)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    token = token or request.query_params.get("token", "")
    if token:
        row = await run_in_threadpool(
            auth.resolve_access_token, url, kind=AccessKind.FEED.value, token=token
        )
        return Reader.feed() if row is not None else None
    signed = request.cookies.get(auth.SESSION_COOKIE)
    if not signed:
        return None
    try:
        actor = await run_in_threadpool(auth.resolve_session_url, url, token=signed)
    except SessionExpired:
        return None
    if await run_in_threadpool(_must_change, url, actor.user_id):
        return None  # a one-time password opens «حساب من» only, as on the screens
    return Reader.person(actor)


def _feed_refusal(text: str, status: int) -> Response:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="feeds"'
    return PlainTextResponse(text + "\n", status_code=status, headers=headers)


async def feed(request: Request) -> Response:
    """GET /api/feeds/{name}.csv with a feed token (Bearer header or ?token=) or the
    sign-in of a person who reads feeds; ?county=ID narrows it to one county, and a
    county governorate's reader is given its own county's and refused any other."""
    name = request.path_params["name"]
    url = get_settings().database_url
    reader = await _feed_reader(request, url)
    if reader is None or Readable.FEEDS not in reads_of(reader):
        return _feed_refusal("کلید خوراک داده معتبر نیست یا باطل شده است.", 401)
    asked = request.query_params.get("county", "").strip()
    if asked and not asked.isdigit():
        return _feed_refusal("شناسهٔ شهرستان باید عدد باشد.", 400)
    scope = ReadScope(county_id=int(asked)) if asked else reader.scope
    if not can_read(reader, Readable.FEEDS, scope):
        return _feed_refusal(read_refusal(reader, Readable.FEEDS, scope), 403)
    if name not in FEEDS:
        return _feed_refusal("این خوراک داده وجود ندارد.", 404)
    if scope.county_id is not None and name in PROVINCE_ONLY:
        return _feed_refusal(
            "این خوراک داده (ظرفیت دستگاه‌ها) از همهٔ استان است و برای یک شهرستان ساخته نمی‌شود.",
            403,
        )
    body = await run_in_threadpool(feed_csv, url, name, scope.county_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _answer(result: IngestResult) -> JSONResponse:
    if result.status >= 400:
        return JSONResponse({"error": result.message}, status_code=result.status)
    return JSONResponse(
        {"status": result.outcome, "version": result.version, "message": result.message},
        status_code=result.status,
    )


async def _body_within(request: Request, limit: int) -> bytes | IngestResult:
    """The whole body, or why it is refused: over `limit` bytes (413, read no further),
    shorter than its Content-Length or cut off by the sender (400)."""
    declared = request.headers.get("content-length", "")
    length = int(declared) if declared.isdigit() else None
    megabytes = to_fa_digits(limit // (1024 * 1024))
    over = f"پرونده از سقف {megabytes} مگابایت بزرگ‌تر است و خوانده نشد."
    if length is not None and length > limit:
        return IngestResult(413, "refused", over)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return IngestResult(413, "refused", over)
            chunks.append(chunk)
    except ClientDisconnect:
        return IngestResult(
            400, "refused", "فرستنده پیش از رسیدن همهٔ پرونده قطع شد؛ چیزی نگه داشته نشد."
        )
    body = b"".join(chunks)
    if length is not None and len(body) != length:
        return IngestResult(
            400, "refused", "پرونده نیمه‌کاره رسید (کوتاه‌تر از طول اعلام‌شده)؛ چیزی نگه داشته نشد."
        )
    return body


async def hub_snapshot(request: Request) -> Response:
    """POST /api/hub/snapshots: a province pushes a snapshot (the hub only; see
    data_layer/input/snapshot.py for the format and commands/hub.py for the checks)."""
    if not is_hub():
        return JSONResponse({"error": "این کارگزار سامانهٔ ملی نیست."}, status_code=404)
    url, token = get_settings().database_url, _bearer(request)
    got = await _body_within(request, hub_settings().max_body_bytes)
    if isinstance(got, IngestResult):
        return _answer(await run_in_threadpool(refuse_early, url, token, got))
    signature = request.headers.get("x-snapshot-signature", "")
    try:
        result = await run_in_threadpool(
            receive_snapshot, url, token=token, signature=signature, body=got
        )
    except Exception as e:
        if database_trouble(e) is None:
            log.error("a snapshot could not be received", exc_info=e)
        return JSONResponse(
            {"error": "سامانهٔ ملی اکنون نتوانست پرونده را نگه دارد؛ کمی بعد دوباره بفرستید."},
            status_code=503,
        )
    return _answer(result)


def routes(*, cache_ready: Callable[[str], bool]) -> list[Route]:
    """The server's routes. `cache_ready(url)` answers the health check's last question,
    whether this replica's shared pages are computed: the launcher passes the warmer's
    answer (the screens' side), so these routes never import a screen module."""
    return [
        Route("/auth/sign-in", sign_in, methods=["POST"]),
        Route("/auth/sign-out", sign_out, methods=["POST"]),
        Route("/kiosk/{token}", kiosk, methods=["GET"]),
        Route("/api/health", _health(cache_ready), methods=["GET"]),
        Route("/api/feeds/{name}.csv", feed, methods=["GET"]),
        Route("/api/hub/snapshots", hub_snapshot, methods=["POST"]),
        Route("/api/national/snapshot", national_snapshot, methods=["GET"]),
    ]


class CsrfCookieMiddleware:
    """Gives every browser a CSRF token cookie the first time it asks for anything."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if request.cookies.get(auth.CSRF_COOKIE):
            await self.app(scope, receive, send)
            return
        token = secrets.token_urlsafe(32)
        secure = "; Secure" if _https(request) else ""
        value = f"{auth.CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", value)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class MetricsForAdministratorsMiddleware:
    """Streamlit answers /_stcore/metrics (its sessions, caches and memory) to anyone;
    here it answers only a signed-in administrator, and 401 to everyone else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = str(scope.get("path", "")).rstrip("/").lower()
        metrics = scope["type"] == "http" and path.endswith("/_stcore/metrics")
        if metrics and not await self._administrator(Request(scope)):
            refusal = PlainTextResponse(
                "این نشانی فقط برای مدیر سامانهٔ واردشده است.\n",
                status_code=401,
                headers={"Cache-Control": "no-store"},
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _administrator(request: Request) -> bool:
        token = request.cookies.get(auth.SESSION_COOKIE)
        if not token:
            return False
        try:
            actor = await run_in_threadpool(
                auth.resolve_session_url, get_settings().database_url, token=token
            )
        except Exception as e:  # an ended sign-in, or the database away: not an administrator
            log.info("metrics refused: %s", type(e).__name__)
            return False
        return actor.role == Role.ADMIN.value


MIDDLEWARE_CLASSES = [MetricsForAdministratorsMiddleware, CsrfCookieMiddleware, BaseUrlMiddleware]
