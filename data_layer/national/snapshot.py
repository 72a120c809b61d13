"""The province's snapshot for the national level (format province-snapshot/1, see
docs/national.md): built from the province's own reads — the overview's headline, the
resolutions' follow-up, coverage and gaps, the indicators' standing — so every figure
is the one the province's own screens show. Nothing personal goes in: no person's
name, username, phone, email, note or file; agency and neighborhood names and the
resolutions' texts are public follow-up content.

canonical(x) is the agreed byte form (sorted keys, no spaces, UTF-8); the body itself is
written canonically, and its signature is HMAC-SHA256 of those exact bytes keyed by the
province's token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import case, literal, select
from sqlmodel import Session, col

from data_layer.models import Agency, Assignment, Meeting, Resolution
from data_layer.queries.coverage import coverage_matrix, gaps
from data_layer.queries.indicators import target_status_counts, target_statuses
from data_layer.queries.overview import (
    done_and_verified,
    headline,
    neighborhood_count,
    neighborhoods_without_active_service,
)
from data_layer.queries.places import list_neighborhoods
from data_layer.queries.profile import get_profile
from data_layer.queries.resolutions import agency_status_summary
from data_layer.rules.lateness import effective_due, is_overdue

__all__ = [
    "FORMAT",
    "canonical",
    "content_sha256",
    "signature",
    "snapshot_body",
    "snapshot_content",
    "utc_text",
]

FORMAT = "province-snapshot/1"
BETTER = {"higher": "up", "lower": "down"}


def canonical(value: Any) -> bytes:
    """The agreed byte form of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def content_sha256(content: dict[str, Any]) -> str:
    """The hex SHA-256 of canonical(content)."""
    return hashlib.sha256(canonical(content)).hexdigest()


def signature(token: str, body: bytes) -> str:
    """The X-Snapshot-Signature header: sha256=<hex HMAC-SHA256(token, body)>."""
    return "sha256=" + hmac.new(token.encode("utf-8"), body, hashlib.sha256).hexdigest()


def utc_text(moment: datetime) -> str:
    """An aware (or naive UTC) moment as 'YYYY-MM-DDTHH:MM:SSZ'."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(value: Any, places: int = 2) -> float | None:
    """A figure as JSON can hold it: rounded, None for missing (never NaN)."""
    if value is None or pd.isna(value):
        return None
    number = round(float(value), places)
    return None if math.isnan(number) or math.isinf(number) else number


def _day(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _owner_rows(session: Session, today: date) -> dict[int, list[dict[str, Any]]]:
    """Each resolution's live rows, as its owners list (agency order)."""
    stmt = (
        select(
            col(Resolution.id),
            col(Agency.name),
            col(Agency.short_name),
            col(Assignment.status),
            col(Assignment.progress),
            case((is_overdue(today), literal(True)), else_=literal(False)),
            effective_due(),
            case((done_and_verified(), literal(True)), else_=literal(False)),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(col(Assignment.withdrawn).is_(False))
        .order_by(col(Resolution.id), col(Agency.sort_order), col(Agency.short_name))
    )
    owners: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rid, name, short, status, progress, late, due, verified in session.execute(stmt):
        owners[int(rid)].append(
            {
                "agency": name,
                "short_name": short,
                "status": status,
                "progress": _number(progress, 1),
                "late": bool(late),
                "due_on": _day(due),
                "_done_verified": bool(verified),
            }
        )
    return owners


def _resolution(row: Any, owners: list[dict[str, Any]]) -> dict[str, Any]:
    progress = sum(float(o["progress"] or 0) for o in owners) / len(owners) if owners else 0.0
    return {
        "number": int(row.number),
        "text": row.text,
        "theme": row.theme or None,
        "progress": _number(progress, 1),
        "done": bool(owners) and all(o["_done_verified"] for o in owners),
        "late": any(o["late"] for o in owners),
        "owners": [{k: v for k, v in o.items() if not k.startswith("_")} for o in owners],
    }


def _meetings(session: Session, today: date) -> list[dict[str, Any]]:
    """Every meeting in order, each with its resolutions and their owners' rows."""
    owners = _owner_rows(session, today)
    resolutions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    stmt = select(
        col(Resolution.id),
        col(Resolution.meeting_id),
        col(Resolution.number),
        col(Resolution.text),
        col(Resolution.theme),
    ).order_by(col(Resolution.meeting_id), col(Resolution.number))
    for row in session.execute(stmt):
        resolutions[int(row.meeting_id)].append(_resolution(row, owners.get(int(row.id), [])))
    meetings = select(col(Meeting.id), col(Meeting.number), col(Meeting.held_on)).order_by(
        col(Meeting.held_on), col(Meeting.number)
    )
    return [
        {"number": int(n), "held_on": _day(held), "resolutions": resolutions.get(int(mid), [])}
        for mid, n, held in session.execute(meetings)
    ]


def _agencies(session: Session, today: date) -> list[dict[str, Any]]:
    """Per agency owning live rows: its rows, done, late and mean progress."""
    summary = agency_status_summary(session, None, today)
    names = {int(i): n for i, n in session.execute(select(col(Agency.id), col(Agency.name)))}
    agencies = [
        {
            "name": names[int(r["agency_id"])],
            "short_name": r["agency"],
            "rows": int(r["rows"]),
            "done": int(r["done"]),
            "late": int(r["overdue"]),
            "progress": _number(r["mean_progress"], 1),
        }
        for r in summary.to_dict("records")
    ]
    return sorted(agencies, key=lambda a: (a["short_name"], a["name"]))


def _neighborhoods(session: Session) -> list[dict[str, Any]]:
    """Every active neighborhood with its services' need, delivered and gap."""
    matrix = coverage_matrix(session)
    short = gaps(session, by="neighborhood")
    gap_of = {
        (int(r["neighborhood_id"]), int(r["service_type_id"])): r["gap"]
        for r in short.to_dict("records")
    }
    services: dict[int, list[dict[str, Any]]] = defaultdict(list)
    active: dict[int, int] = defaultdict(int)
    for r in matrix.to_dict("records"):
        hood, service = int(r["neighborhood_id"]), int(r["service_type_id"])
        has_need = not pd.isna(r["need"])
        if int(r["agencies"]) > 0:
            active[hood] += 1
        if not has_need and not r["delivered"]:
            continue  # no norm and nothing delivered: nothing to say
        gap = gap_of.get((hood, service), 0.0 if has_need else None)
        services[hood].append(
            {
                "service": r["service"],
                "need": _number(r["need"]),
                "delivered": _number(r["delivered"]),
                "gap": _number(gap),
            }
        )
    return [
        {
            "name": r["name"],
            "county": r["county"],
            "kind": r["kind"],
            "population": None if pd.isna(r["population"]) else int(r["population"]),
            "active_services": active.get(int(r["id"]), 0),
            "gaps": sum(1 for s in services.get(int(r["id"]), []) if (s["gap"] or 0) > 0),
            "services": services.get(int(r["id"]), []),
        }
        for r in list_neighborhoods(session).to_dict("records")
    ]


def _indicators(session: Session) -> list[dict[str, Any]]:
    """Every target of an active indicator in an active neighborhood, with its standing."""
    return [
        {
            "neighborhood": r["neighborhood"],
            "county": r["county"],
            "indicator": r["indicator"],
            "unit": r["unit"],
            "better": BETTER.get(r["direction"], "up"),
            "baseline": _number(r["baseline_value"]),
            "target": _number(r["target_value"]),
            "target_on": _day(r["target_on"]),
            "latest": _number(r["latest_value"]),
            "latest_period": r["latest_label"] or None,
            "standing": r["status"],
        }
        for r in target_statuses(session).to_dict("records")
    ]


def _totals(session: Session, today: date) -> dict[str, int]:
    figures = headline(session, today)
    standing = target_status_counts(session)
    return {
        "meetings": figures["meetings"],
        "resolutions": figures["resolutions"],
        "rows": figures["rows"],
        "rows_done": figures["done"],
        "rows_late": figures["overdue"],
        "neighborhoods": neighborhood_count(session),
        "neighborhoods_without_service": len(neighborhoods_without_active_service(session)),
        "indicator_targets": sum(standing.values()),
        "on_track": standing.get("on_track", 0),
        "off_track": standing.get("off_track", 0),
    }


def snapshot_content(session: Session, today: date) -> dict[str, Any]:
    """The CONTENT of a snapshot: the province's follow-up as it stands on `today`."""
    return {
        "group_name": get_profile(session).group_name,
        "meetings": _meetings(session, today),
        "agencies": _agencies(session, today),
        "neighborhoods": _neighborhoods(session),
        "indicators": _indicators(session),
        "totals": _totals(session, today),
    }


def snapshot_body(
    *,
    code: str,
    name: str,
    version: int,
    published_at: datetime,
    as_of: date,
    content: dict[str, Any],
) -> bytes:
    """The whole snapshot's exact bytes (written canonically)."""
    return canonical(
        {
            "format": FORMAT,
            "province": {"code": code, "name": name},
            "version": version,
            "published_at": utc_text(published_at),
            "as_of": as_of.isoformat(),
            "content_sha256": content_sha256(content),
            "content": content,
        }
    )
