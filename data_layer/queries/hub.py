"""The national hub's reads: its provinces, each one's latest snapshot and every
version it keeps, one version's content, and the ingest log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from data_layer.models import AppSetting
from data_layer.models_hub import HubIngestLog, HubProvince, HubSnapshot, HubSnapshotBody

STALE_DAYS_KEY = "hub_stale_days"
DEFAULT_STALE_DAYS = 14
MAX_STALE_DAYS = 365


def stale_days(session: Session) -> int:
    """After how many days without a publication a province is marked stale."""
    row = session.get(AppSetting, STALE_DAYS_KEY)
    try:
        return int(row.value) if row is not None else DEFAULT_STALE_DAYS
    except ValueError:
        return DEFAULT_STALE_DAYS


@dataclass(frozen=True)
class ProvinceLatest:
    """A registered province and what it last published (None: nothing yet)."""

    province_id: int
    code: str
    name: str
    active: bool
    pull_url: str
    row_version: int
    versions: int
    snapshot_id: int | None = None
    version: int | None = None
    published_at: datetime | None = None
    as_of: date | None = None
    received_at: datetime | None = None
    summary: dict[str, Any] | None = None

    def stale(self, today: date, days: int) -> bool:
        """True when it never published, or its last figures are older than `days`."""
        return self.as_of is None or (today - self.as_of).days > days


def provinces_latest(session: Session) -> list[ProvinceLatest]:
    """Every registered province, by name, with its latest snapshot's figures (never
    its body: the national page reads one summary per province)."""
    latest = (
        columns(
            col(HubSnapshot.province_id),
            func.max(col(HubSnapshot.version)).label("top"),
            func.count().label("n"),
        )
        .group_by(col(HubSnapshot.province_id))
        .subquery()
    )
    query = (
        columns(
            HubProvince,
            latest.c.n,
            col(HubSnapshot.id),
            col(HubSnapshot.version),
            col(HubSnapshot.published_at),
            col(HubSnapshot.as_of),
            col(HubSnapshot.received_at),
            col(HubSnapshot.summary),
        )
        .outerjoin(latest, latest.c.province_id == HubProvince.id)
        .outerjoin(
            HubSnapshot,
            (col(HubSnapshot.province_id) == HubProvince.id)
            & (col(HubSnapshot.version) == latest.c.top),
        )
        .order_by(col(HubProvince.name), col(HubProvince.id))
    )
    out = []
    for p, n, sid, version, published, as_of, received, summary in session.execute(query).all():
        assert p.id is not None
        out.append(
            ProvinceLatest(
                p.id,
                p.code,
                p.name,
                p.active,
                p.pull_url,
                p.version,
                int(n or 0),
                sid,
                version,
                published,
                as_of,
                received,
                json.loads(summary) if summary else None,
            )
        )
    return out


def province_versions(session: Session, province_id: int) -> list[dict[str, Any]]:
    """Every version a province published, newest first (without their bodies)."""
    keys = ("id", "version", "published_at", "as_of", "received_at", "size", "via")
    query = (
        columns(*(getattr(HubSnapshot, k) for k in keys))
        .where(col(HubSnapshot.province_id) == province_id)
        .order_by(col(HubSnapshot.version).desc())
    )
    return [dict(zip(keys, row, strict=True)) for row in session.execute(query).all()]


def snapshot_content(session: Session, snapshot_id: int) -> dict[str, Any] | None:
    """One kept version: its envelope and content as the province published them."""
    row = session.get(HubSnapshot, snapshot_id)
    kept = session.get(HubSnapshotBody, snapshot_id)
    if row is None or kept is None:
        return None
    body = json.loads(kept.body)
    return {
        "province_id": row.province_id,
        "version": row.version,
        "published_at": row.published_at,
        "as_of": row.as_of,
        "received_at": row.received_at,
        "province_name": body["province"]["name"],
        "content": body["content"],
    }


def ingest_log(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """The latest attempts, newest first, each with its province's name ("" : unknown)."""
    query = (
        select(HubIngestLog, HubProvince.name)
        .outerjoin(HubProvince, col(HubProvince.id) == HubIngestLog.province_id)
        .order_by(col(HubIngestLog.at).desc(), col(HubIngestLog.id).desc())
        .limit(limit)
    )
    return [
        {
            "at": log.at,
            "province": name or "",
            "via": log.via,
            "outcome": log.outcome,
            "status": log.http_status,
            "version": log.version,
            "message": log.message,
        }
        for log, name in session.exec(query).all()
    ]
