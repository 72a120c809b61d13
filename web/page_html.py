"""The page's own HTML as the server sends it: Persian and right to left from its first
byte, with the product's title, and the app's base address.

Streamlit serves one index.html for every page (`<html lang="en">`, titled
"Streamlit"); its scripts set the title only once they have run. A screen reader
that opens the page before then, or reads the HTML as sent, would choose an English
voice. The middleware below rewrites that HTML on its way out: `lang="fa" dir="rtl"`
on `<html>`, the title the app's header shows, and one line that tells Streamlit's
page its base address.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders

from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.queries.profile import Profile, get_profile

__all__ = ["BaseUrlMiddleware", "page_title", "persian_page"]

log = logging.getLogger("dashboard")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]
STREAMLIT_HTML_TAG = b'<html lang="en">'
PERSIAN_HTML_TAG = b'<html lang="fa" dir="rtl">'
STREAMLIT_TITLE = b"<title>Streamlit</title>"


def page_title(url: str) -> str:
    """The browser tab's title: the app's title from the province profile (its default
    before setup, or while the database cannot be read)."""
    try:
        with read_session(url) as s:
            return get_profile(s).app_title
    except Exception as e:  # the database away: the page still opens, with the default
        log.info("page title from the defaults: %s", type(e).__name__)
        return Profile().app_title


def persian_page(page: bytes, *, title: str, base_script: bytes = b"") -> bytes:
    """Streamlit's index.html made Persian: lang, direction, title, and `base_script`
    first in <head>."""
    page = page.replace(STREAMLIT_HTML_TAG, PERSIAN_HTML_TAG, 1)
    page = page.replace(STREAMLIT_TITLE, f"<title>{html.escape(title)}</title>".encode(), 1)
    return page.replace(b"<head>", b"<head>" + base_script, 1)


def _is_page_request(scope: Scope) -> bool:
    """A GET that is answered with the page: a browser asking for HTML, or any address
    whose last part has no file extension outside Streamlit's and our own routes."""
    if scope["type"] != "http" or scope.get("method") != "GET":
        return False
    accepts = dict(scope.get("headers") or []).get(b"accept", b"")
    if b"text/html" in accepts:
        return True
    path = str(scope.get("path", ""))
    if "/_stcore/" in path or path.startswith(("/api/", "/auth/", "/app/static/")):
        return False
    return "." not in path.rsplit("/", 1)[-1]


class BaseUrlMiddleware:
    """Sends the page's HTML in Persian (see the module's note) and tells the browser
    the app's base address in the page itself.

    Without the address, Streamlit's page guesses its base from the URL: on a deep link
    such as /coverage it first asks /coverage/_stcore/health and
    /coverage/_stcore/host-config (two 404s in the console) before trying the root.
    The page's HTML gets one line, `window.__streamlit = {BACKEND_BASE_URL: <root>}`,
    before Streamlit's own scripts.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if not _is_page_request(scope):
            await self.app(scope, receive, send)
            return
        # The page is small: ask for it uncompressed, so it can be rewritten.
        headers = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        scope = {**scope, "headers": headers}
        root = json.dumps(str(scope.get("root_path", "")).rstrip("/") + "/")
        script = (
            "<script>window.__streamlit=Object.assign({},window.__streamlit,"
            f"{{BACKEND_BASE_URL:new URL({root},location.href).href}});</script>"
        ).encode()
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def inject(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                is_page = headers.get("content-type", "").startswith("text/html")
                if not is_page or headers.get("content-encoding"):
                    await send(message)
                    return
                start.update(message)
                return
            if not start or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            title = await run_in_threadpool(page_title, get_settings().database_url)
            page = persian_page(b"".join(body), title=title, base_script=script)
            headers = MutableHeaders(scope=start)
            headers["content-length"] = str(len(page))
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, inject)
