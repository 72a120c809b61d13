"""GET /api/national/snapshot: the national hub pulls the province's latest publication
(format province-snapshot/1) with the token it gave the province: 200 with the exact
stored bytes and their X-Snapshot-Signature, 404 when nothing was published, 401 on
a missing or wrong token (or none set here)."""

from __future__ import annotations

import hmac

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.national.link import get_link
from data_layer.national.publish import latest_publication
from data_layer.national.snapshot import signature

__all__ = ["national_snapshot"]

WRONG_TOKEN = "کلید استان نادرست است یا در این سامانه تنظیم نشده است."
NOTHING_YET = "این استان هنوز گزارشی برای سطح ملی منتشر نکرده است."


def _latest(url: str) -> tuple[str, bytes | None]:
    """The token set here and the newest publication's bytes (None: none yet)."""
    with read_session(url) as s:
        link = get_link(s)
        publication = latest_publication(s, link.code) if link.code else None
        return link.token, publication.body if publication is not None else None


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


async def national_snapshot(request: Request) -> Response:
    """GET /api/national/snapshot with `Authorization: Bearer <province token>`."""
    token, body = await run_in_threadpool(_latest, get_settings().database_url)
    given = _bearer(request)
    if not token or not given or not hmac.compare_digest(given.encode(), token.encode()):
        return JSONResponse(
            {"error": WRONG_TOKEN},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="national"', "Cache-Control": "no-store"},
        )
    if body is None:
        return JSONResponse({"error": NOTHING_YET}, status_code=404)
    return Response(
        body,
        media_type="application/json",
        headers={"X-Snapshot-Signature": signature(token, body), "Cache-Control": "no-store"},
    )
