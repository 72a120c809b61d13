"""A province's snapshot as the hub receives it (the agreed format, province-snapshot/1):
its signature, its body read and checked field by field, its checksum, and the few
figures the national page reads from it.

Nothing here trusts the body: every field the hub shows is checked for its type before
it is kept, so a page never meets a list where it expects a number.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from data_layer.errors import UserFacingError

FORMAT = "province-snapshot/1"
CODE_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
_PUBLISHED_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
STATUSES = ("not_started", "in_progress", "done", "blocked", "needs_follow_up")
STANDINGS = ("on_track", "off_track", "no_data")
TOTALS = (
    "meetings",
    "resolutions",
    "rows",
    "rows_done",
    "rows_late",
    "neighborhoods",
    "neighborhoods_without_service",
    "indicator_targets",
    "on_track",
    "off_track",
)


class SnapshotRefused(UserFacingError):
    """A body or request the hub does not keep; `status` is the HTTP answer the format
    gives for it, `message` the Persian reason for the hub's administrator."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def canonical(value: object) -> bytes:
    """The bytes the content's checksum is taken over (the format's canonical form)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def signature_of(token: str, body: bytes) -> str:
    """The X-Snapshot-Signature header of a body: HMAC-SHA256 keyed by the token."""
    return "sha256=" + hmac.new(token.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_matches(token: str, body: bytes, header: str) -> bool:
    """True when the header is the body's signature under the token (constant time)."""
    return hmac.compare_digest(signature_of(token, body).encode(), header.strip().encode())


@dataclass(frozen=True)
class Snapshot:
    """A snapshot that passed every check."""

    code: str
    name: str
    version: int
    published_at: datetime
    as_of: date
    content_sha256: str
    content: dict[str, Any]


def _bad(where: str, what: str) -> SnapshotRefused:
    return SnapshotRefused(400, f"پروندهٔ رسیده با قالب توافق‌شده نمی‌خواند: «{where}» {what}.")


def _int(v: Any, where: str, low: int = 0) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise _bad(where, f"باید عدد صحیح و دست‌کم {low} باشد")
    return v


def _num(v: Any, where: str, *, optional: bool = False, percent: bool = False) -> float | None:
    if v is None and optional:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or v != v:
        raise _bad(where, "باید عدد باشد")
    if percent and not 0 <= v <= 100:
        raise _bad(where, "باید میان ۰ و ۱۰۰ باشد")
    return float(v)


def _str(v: Any, where: str, *, optional: bool = False, limit: int = 20_000) -> str | None:
    if v is None and optional:
        return None
    if not isinstance(v, str) or len(v) > limit:
        raise _bad(where, "باید متن باشد")
    return v


def _day(v: Any, where: str, *, optional: bool = False) -> date | None:
    if v is None and optional:
        return None
    if not isinstance(v, str) or not _DATE_RE.fullmatch(v):
        raise _bad(where, "باید تاریخ به شکل YYYY-MM-DD باشد")
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise _bad(where, "تاریخی ناموجود است") from None


def _choice(v: Any, where: str, choices: tuple[str, ...]) -> str:
    if v not in choices:
        raise _bad(where, "مقداری بیرون از فهرست توافق‌شده دارد")
    return str(v)


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise _bad(where, "باید true یا false باشد")
    return v


def _obj(v: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _bad(where, "باید یک شیء باشد")
    for key in keys:
        if key not in v:
            raise _bad(f"{where}.{key}", "نیامده است")
    return v


def _each(v: Any, where: str, check: Callable[[Any, str], None]) -> None:
    if not isinstance(v, list):
        raise _bad(where, "باید فهرست باشد")
    for i, item in enumerate(v):
        check(item, f"{where}[{i}]")


def _owner(o: Any, w: str) -> None:
    o = _obj(o, w, ("agency", "short_name", "status", "progress", "late", "due_on"))
    _str(o["agency"], f"{w}.agency")
    _str(o["short_name"], f"{w}.short_name")
    _choice(o["status"], f"{w}.status", STATUSES)
    _num(o["progress"], f"{w}.progress", percent=True)
    _bool(o["late"], f"{w}.late")
    _day(o["due_on"], f"{w}.due_on", optional=True)


def _resolution(r: Any, w: str) -> None:
    r = _obj(r, w, ("number", "text", "theme", "progress", "done", "late", "owners"))
    _int(r["number"], f"{w}.number", 1)
    _str(r["text"], f"{w}.text")
    _str(r["theme"], f"{w}.theme", optional=True)
    _num(r["progress"], f"{w}.progress", percent=True)
    _bool(r["done"], f"{w}.done")
    _bool(r["late"], f"{w}.late")
    _each(r["owners"], f"{w}.owners", _owner)


def _meeting(m: Any, w: str) -> None:
    m = _obj(m, w, ("number", "held_on", "resolutions"))
    _int(m["number"], f"{w}.number", 1)
    _day(m["held_on"], f"{w}.held_on")
    _each(m["resolutions"], f"{w}.resolutions", _resolution)


def _agency(a: Any, w: str) -> None:
    a = _obj(a, w, ("name", "short_name", "rows", "done", "late", "progress"))
    _str(a["name"], f"{w}.name")
    _str(a["short_name"], f"{w}.short_name")
    for key in ("rows", "done", "late"):
        _int(a[key], f"{w}.{key}")
    _num(a["progress"], f"{w}.progress", percent=True)


def _service(v: Any, w: str) -> None:
    v = _obj(v, w, ("service", "need", "delivered", "gap"))
    _str(v["service"], f"{w}.service")
    for key in ("need", "delivered", "gap"):
        _num(v[key], f"{w}.{key}", optional=True)


def _neighborhood(n: Any, w: str) -> None:
    keys = ("name", "county", "kind", "population", "active_services", "gaps", "services")
    n = _obj(n, w, keys)
    for key in ("name", "county", "kind"):
        _str(n[key], f"{w}.{key}")
    if n["population"] is not None:
        _int(n["population"], f"{w}.population")
    _int(n["active_services"], f"{w}.active_services")
    _int(n["gaps"], f"{w}.gaps")
    _each(n["services"], f"{w}.services", _service)


def _indicator(i: Any, w: str) -> None:
    keys = ("neighborhood", "county", "indicator", "unit", "better", "baseline", "target")
    i = _obj(i, w, (*keys, "target_on", "latest", "latest_period", "standing"))
    for key in ("neighborhood", "county", "indicator", "unit"):
        _str(i[key], f"{w}.{key}")
    _choice(i["better"], f"{w}.better", ("up", "down"))
    for key in ("baseline", "target", "latest"):
        _num(i[key], f"{w}.{key}", optional=True)
    _day(i["target_on"], f"{w}.target_on", optional=True)
    _str(i["latest_period"], f"{w}.latest_period", optional=True)
    _choice(i["standing"], f"{w}.standing", STANDINGS)


def check_content(content: Any) -> dict[str, Any]:
    """The content, every field checked; raises SnapshotRefused(400) at the first fault."""
    keys = ("group_name", "meetings", "agencies", "neighborhoods", "indicators", "totals")
    checked = _obj(content, "content", keys)
    _str(checked["group_name"], "content.group_name")
    _each(checked["meetings"], "content.meetings", _meeting)
    _each(checked["agencies"], "content.agencies", _agency)
    _each(checked["neighborhoods"], "content.neighborhoods", _neighborhood)
    _each(checked["indicators"], "content.indicators", _indicator)
    totals = _obj(checked["totals"], "content.totals", TOTALS)
    for key in TOTALS:
        _int(totals[key], f"content.totals.{key}")
    return checked


def _parse(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise SnapshotRefused(400, "پروندهٔ رسیده UTF-8 نیست یا نیمه‌کاره رسیده است.") from None
    except json.JSONDecodeError:
        raise SnapshotRefused(
            400, "پروندهٔ رسیده JSON درستی نیست؛ احتمالاً نیمه‌کاره فرستاده شده است."
        ) from None


def _header(data: Any) -> tuple[str, str, int, datetime, date]:
    """The envelope's fields: code, name, version, published_at, as_of."""
    data = _obj(data, "snapshot", ("format", "province", "version", "published_at", "as_of"))
    if data["format"] != FORMAT:
        raise SnapshotRefused(400, f"قالب پرونده «{FORMAT}» نیست و این نسخه آن را نمی‌شناسد.")
    province = _obj(data["province"], "province", ("code", "name"))
    code = _str(province["code"], "province.code", limit=40) or ""
    if not CODE_RE.fullmatch(code):
        raise _bad("province.code", "باید حروف کوچک لاتین، رقم و خط تیره باشد")
    name = _str(province["name"], "province.name", limit=120) or ""
    version = _int(data["version"], "version", 1)
    published = data["published_at"]
    if not isinstance(published, str) or not _PUBLISHED_RE.fullmatch(published):
        raise _bad("published_at", "باید زمان به شکل YYYY-MM-DDTHH:MM:SSZ باشد")
    try:
        at = datetime.strptime(published, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise _bad("published_at", "زمانی ناموجود است") from None
    as_of = _day(data["as_of"], "as_of")
    assert as_of is not None
    return code, name.strip(), version, at, as_of


def read_snapshot(body: bytes) -> Snapshot:
    """The snapshot a body holds, checked: its envelope, its checksum, its content."""
    data = _parse(body)
    code, name, version, published_at, as_of = _header(data)
    if not name:
        raise _bad("province.name", "خالی است")
    claimed = data.get("content_sha256")
    if not isinstance(claimed, str) or "content" not in data:
        raise _bad("content_sha256", "نیامده است")
    if not hmac.compare_digest(hashlib.sha256(canonical(data["content"])).hexdigest(), claimed):
        raise SnapshotRefused(
            400,
            "چکیدهٔ محتوا (content_sha256) با محتوای رسیده نمی‌خواند؛ پرونده در راه خراب شده"
            " یا ناقص است و نگه داشته نشد.",
        )
    content: dict[str, Any] = check_content(data["content"])
    return Snapshot(code, name, version, published_at, as_of, claimed, content)


def _behind(agencies: list[dict[str, Any]], n: int = 3) -> list[dict[str, Any]]:
    """The agencies most behind: most late rows, then least progress."""
    ranked = sorted(
        (a for a in agencies if a["rows"]), key=lambda a: (-a["late"], a["progress"], a["name"])
    )
    return [
        {"name": a["name"], "short_name": a["short_name"], "late": a["late"]}
        for a in ranked[:n]
        if a["late"] or a["progress"] < 100
    ]


def summary_of(snapshot: Snapshot) -> dict[str, Any]:
    """What the national page shows of a snapshot, computed once when it arrives."""
    content = snapshot.content
    resolutions = [r for m in content["meetings"] for r in m["resolutions"]]
    return {
        "group_name": content["group_name"],
        "totals": dict(content["totals"]),
        "resolutions_done": sum(1 for r in resolutions if r["done"]),
        "resolutions_late": sum(1 for r in resolutions if r["late"]),
        "behind": _behind(content["agencies"]),
        "without_service": [
            n["name"] for n in content["neighborhoods"] if not n["active_services"]
        ][:5],
    }
