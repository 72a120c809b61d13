"""A small builder of province snapshots that follow the agreed format
(province-snapshot/1), for the hub's benchmark and (through tests/hub_snapshots.py) its
tests: the hub is tested against bodies built here, not against the province side's
builder. At L_SIZES a body is about 1.6 MB."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from typing import Any

from data_layer.input.snapshot import canonical, signature_of

STATUSES = ("not_started", "in_progress", "done", "blocked", "needs_follow_up")


def content(
    *,
    agencies: int = 4,
    meetings: int = 2,
    resolutions: int = 3,
    neighborhoods: int = 5,
    group_name: str = "کارگروه اجتماعی، فرهنگی، سلامت، زنان و خانواده",
    seed: int = 0,
) -> dict[str, Any]:
    """The content of a snapshot, its figures consistent with its own rows."""
    names = [(f"اداره کل شمارهٔ {i + 1}", f"اداره {i + 1}") for i in range(agencies)]
    per_agency = {n: {"rows": 0, "done": 0, "late": 0, "progress": 0.0} for n, _ in names}
    out_meetings, rows, rows_done, rows_late, res_count = [], 0, 0, 0, 0
    for m in range(meetings):
        held = date(2023, 1, 7) + timedelta(days=45 * m)
        items = []
        for r in range(resolutions):
            owners = []
            for k in range(1 + (r + m + seed) % 3):
                name, short = names[(r + k + m) % agencies]
                status = STATUSES[(r + k + m + seed) % len(STATUSES)]
                progress = 100.0 if status == "done" else float((r * 17 + k * 9) % 90)
                late = status != "done" and (r + k + seed) % 4 == 0
                owners.append(
                    {
                        "agency": name,
                        "short_name": short,
                        "status": status,
                        "progress": progress,
                        "late": late,
                        "due_on": (held + timedelta(days=60)).isoformat() if r % 2 else None,
                    }
                )
                stats = per_agency[name]
                stats["rows"] += 1
                stats["done"] += status == "done"
                stats["late"] += late
                stats["progress"] += progress
                rows, rows_done, rows_late = (
                    rows + 1,
                    rows_done + (status == "done"),
                    rows_late + late,
                )
            items.append(
                {
                    "number": r + 1,
                    "text": f"مصوبهٔ {r + 1} جلسهٔ {m + 1}: تجهیز کتابخانهٔ سیار محلات هدف",
                    "theme": "فرهنگی" if r % 2 else None,
                    "progress": sum(o["progress"] for o in owners) / len(owners),
                    "done": all(o["status"] == "done" for o in owners),
                    "late": any(o["late"] for o in owners),
                    "owners": owners,
                }
            )
            res_count += 1
        out_meetings.append({"number": m + 1, "held_on": held.isoformat(), "resolutions": items})
    agency_rows = [
        {
            "name": n,
            "short_name": s,
            "rows": per_agency[n]["rows"],
            "done": per_agency[n]["done"],
            "late": per_agency[n]["late"],
            "progress": round(per_agency[n]["progress"] / max(per_agency[n]["rows"], 1), 1),
        }
        for n, s in names
    ]
    hoods = [
        {
            "name": f"محلهٔ {i + 1}",
            "county": f"شهرستان {i % 7 + 1}",
            "kind": ("marginal", "acute", "critical")[i % 3],
            "population": 1000 + 37 * i,
            "active_services": (i + seed) % 4,
            "gaps": i % 3,
            "services": [
                {"service": "کتابخانهٔ سیار", "need": 2.0, "delivered": float(i % 3), "gap": 1.0},
                {"service": "پایگاه سلامت", "need": None, "delivered": None, "gap": None},
            ],
        }
        for i in range(neighborhoods)
    ]
    indicators = [
        {
            "neighborhood": h["name"],
            "county": h["county"],
            "indicator": "نرخ ترک تحصیل",
            "unit": "درصد",
            "better": "down",
            "baseline": 12.0,
            "target": 8.0,
            "target_on": "2025-03-20",
            "latest": 9.0 + i % 5,
            "latest_period": "۱۴۰۳",
            "standing": ("on_track", "off_track", "no_data")[i % 3],
        }
        for i, h in enumerate(hoods)
    ]
    standings = [i["standing"] for i in indicators]
    return {
        "group_name": group_name,
        "meetings": out_meetings,
        "agencies": agency_rows,
        "neighborhoods": hoods,
        "indicators": indicators,
        "totals": {
            "meetings": meetings,
            "resolutions": res_count,
            "rows": rows,
            "rows_done": rows_done,
            "rows_late": rows_late,
            "neighborhoods": neighborhoods,
            "neighborhoods_without_service": sum(1 for h in hoods if not h["active_services"]),
            "indicator_targets": len(indicators),
            "on_track": standings.count("on_track"),
            "off_track": standings.count("off_track"),
        },
    }


def body(
    code: str = "khuzestan",
    name: str = "خوزستان",
    version: int = 1,
    *,
    as_of: date = date(2026, 11, 28),
    content_: dict[str, Any] | None = None,
    **sizes: Any,
) -> bytes:
    """The exact bytes a province publishes."""
    inner = content_ if content_ is not None else content(seed=version, **sizes)
    envelope = {
        "format": "province-snapshot/1",
        "province": {"code": code, "name": name},
        "version": version,
        "published_at": f"{as_of.isoformat()}T08:30:00Z",
        "as_of": as_of.isoformat(),
        "content_sha256": hashlib.sha256(canonical(inner)).hexdigest(),
        "content": inner,
    }
    return json.dumps(envelope, ensure_ascii=False).encode("utf-8")


def headers(token: str, payload: bytes) -> dict[str, str]:
    """The headers a province sends with a body."""
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "X-Snapshot-Signature": signature_of(token, payload),
    }


L_SIZES = {"agencies": 30, "meetings": 20, "resolutions": 15, "neighborhoods": 2500}
