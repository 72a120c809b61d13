"""An agency records the services it delivers in target neighborhoods ("who does what
where"): record, correct, withdraw. A withdrawn row stays stored and stops counting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from data_layer.commands.common import conflict, load, rowcount, user_name
from data_layer.commands.history import History
from data_layer.errors import ConflictError
from data_layer.input.check import Check
from data_layer.jalali import MAX_JALALI_YEAR, format_amount, format_number
from data_layer.labels import DELIVERY_STATUS_LABELS
from data_layer.models import (
    DeliveryStatus,
    Neighborhood,
    PeriodKind,
    ServiceDelivery,
    ServiceType,
    utcnow,
)
from data_layer.permissions import Action, Actor, require
from data_layer.queries.periods import delivery_period_label, period_bounds

__all__ = [
    "DELIVERY_FIELDS",
    "DeliveryInput",
    "record_delivery",
    "update_delivery",
    "withdraw_delivery",
]

MIN_YEAR = 1390
MAX_YEAR = min(1500, MAX_JALALI_YEAR)
MAX_UNITS = 1_000_000_000
MAX_BENEFICIARIES = 100_000_000
# The fields a form sets; a change to any of them is one history row.
DELIVERY_FIELDS = (
    "neighborhood_id",
    "service_type_id",
    "period_start",
    "period_end",
    "units",
    "beneficiaries",
    "status",
    "note",
)
LABELS: dict[str, str] = {
    "neighborhood_id": "محله",
    "service_type_id": "نوع خدمت",
    "year": "سال",
    "season": "فصل",
    "units": "میزان خدمت ارائه‌شده",
    "beneficiaries": "تعداد بهره‌مندان",
    "status": "وضعیت خدمت",
    "note": "توضیح",
    "reason": "دلیل پس گرفتن",
}
GONE = "این ردیف خدمت پیدا نشد یا پس گرفته شده است؛ فهرست را دوباره باز کنید."


@dataclass(frozen=True, kw_only=True)
class DeliveryInput:
    """What an agency reports for one delivery, as typed (numbers may be Persian text).

    season None means the whole Jalali year; else 1 (spring) ... 4 (winter).
    """

    neighborhood_id: int
    service_type_id: int
    year: object
    season: object = None
    units: object
    beneficiaries: object = 0
    status: str = DeliveryStatus.ACTIVE.value
    note: str = ""


def _place(
    session: Session, data: DeliveryInput, check: Check, current: ServiceDelivery | None
) -> dict[str, Any]:
    """The neighborhood and the service: live ones (a row already there stays editable)."""
    values: dict[str, Any] = {}
    hood_id = check.picked("neighborhood_id", data.neighborhood_id)
    hood = session.get(Neighborhood, hood_id) if hood_id is not None else None
    kept = current is not None and current.neighborhood_id == hood_id
    if hood_id is not None and (hood is None or not (hood.active or kept)):
        check.add(
            "neighborhood_id",
            "محلهٔ انتخاب‌شده پیدا نشد یا دیگر جزو محلات هدف فعال نیست؛"
            " محله را از فهرست انتخاب کنید.",
        )
    elif hood_id is not None:
        values["neighborhood_id"] = hood_id
    service_id = check.picked("service_type_id", data.service_type_id)
    service = session.get(ServiceType, service_id) if service_id is not None else None
    kept = current is not None and current.service_type_id == service_id
    if service_id is not None and (service is None or not (service.active or kept)):
        check.add(
            "service_type_id",
            "نوع خدمت انتخاب‌شده پیدا نشد یا غیرفعال است؛ خدمت را از فهرست انتخاب کنید.",
        )
    elif service_id is not None:
        values["service_type_id"] = service_id
    return values


def _period(data: DeliveryInput, check: Check) -> dict[str, Any]:
    year = check.whole("year", data.year, low=MIN_YEAR, high=MAX_YEAR)
    season = check.whole("season", data.season, low=1, high=4, required=False)
    if year is None or check.has("season"):
        return {}
    if season is None:
        start, _ = period_bounds(PeriodKind.MONTH, year, 1)
        _, end = period_bounds(PeriodKind.MONTH, year, 12)
    else:
        start, end = period_bounds(PeriodKind.SEASON, year, season)
    return {"period_start": start, "period_end": end}


def _validate(
    session: Session, data: DeliveryInput, current: ServiceDelivery | None
) -> dict[str, Any]:
    """The delivery's stored values from the form, or a ValidationError with every problem."""
    check = Check(LABELS)
    values = _place(session, data, check, current) | _period(data, check)
    values["units"] = check.amount("units", data.units, high=MAX_UNITS)
    values["beneficiaries"] = check.whole(
        "beneficiaries", data.beneficiaries, low=0, high=MAX_BENEFICIARIES, required=False
    )
    values["beneficiaries"] = values["beneficiaries"] or 0
    values["status"] = check.choice("status", data.status, DELIVERY_STATUS_LABELS)
    values["note"] = check.text("note", data.note, limit=1000)
    check.raise_if_any()
    return values


def _conflict(session: Session, delivery_id: int) -> ConflictError:
    """Describe what the other person saved, for the refused form."""
    session.expire_all()
    current = session.get(ServiceDelivery, delivery_id)
    assert current is not None
    if current.withdrawn:
        shown = "این ردیف پس گرفته شده است"
    else:
        shown = "، ".join(
            [
                f"دوره: {delivery_period_label(current.period_start, current.period_end)}",
                f"میزان: {format_amount(current.units)}",
                f"بهره‌مندان: {format_number(current.beneficiaries)}",
                f"وضعیت: {DELIVERY_STATUS_LABELS.get(current.status, current.status)}",
            ]
        )
    theirs = {f: getattr(current, f) for f in DELIVERY_FIELDS} | {"withdrawn": current.withdrawn}
    name = user_name(session, current.updated_by_id)
    return conflict("این ردیف خدمت", name, shown, theirs=theirs, saved_at=current.updated_at)


def record_delivery(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    data: DeliveryInput,
    now: datetime | None = None,
) -> ServiceDelivery:
    """An agency records a service it delivers (or plans) in a target neighborhood."""
    now = now or utcnow()
    require(session, actor, Action.REPORT_SERVICES, agency_id)
    values = _validate(session, data, None)
    row = ServiceDelivery(
        agency_id=agency_id, updated_at=now, updated_by_id=actor.user_id, version=1, **values
    )
    session.add(row)
    session.flush()
    snapshot = {f: getattr(row, f) for f in DELIVERY_FIELDS}
    History(session, actor, now).add(
        "delivery", row.id, "created", None, json.dumps(snapshot, ensure_ascii=False, default=str)
    )
    session.flush()
    return row


def update_delivery(
    session: Session,
    *,
    actor: Actor,
    delivery_id: int,
    expected_version: int,
    data: DeliveryInput,
    now: datetime | None = None,
) -> bool:
    """An agency corrects its own delivery. Returns False when nothing changed."""
    now = now or utcnow()
    row = load(session, ServiceDelivery, delivery_id, GONE)
    require(session, actor, Action.REPORT_SERVICES, row.agency_id)
    if row.version != expected_version:
        raise _conflict(session, delivery_id)
    values = _validate(session, data, row)
    new = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not new:
        return False
    result = session.execute(
        update(ServiceDelivery)
        .where(
            col(ServiceDelivery.id) == delivery_id,
            col(ServiceDelivery.version) == expected_version,
            col(ServiceDelivery.withdrawn).is_(False),
        )
        .values(updated_at=now, updated_by_id=actor.user_id, version=expected_version + 1, **new)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise _conflict(session, delivery_id)
    for field in DELIVERY_FIELDS:
        if field in new:
            History(session, actor, now).add(
                "delivery", delivery_id, field, getattr(row, field), new[field]
            )
    session.flush()
    session.expire(row)
    return True


def withdraw_delivery(
    session: Session,
    *,
    actor: Actor,
    delivery_id: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Take a delivery back: it stays stored, stops counting, and the reason is history.

    With `expected_version` (what the screen showed), a row changed since is refused.
    """
    now = now or utcnow()
    row = load(session, ServiceDelivery, delivery_id, GONE)
    require(session, actor, Action.REPORT_SERVICES, row.agency_id)
    if expected_version is not None and row.version != expected_version:
        raise _conflict(session, delivery_id)
    check = Check(LABELS)
    reason = check.text("reason", reason, limit=500, required=True)
    check.raise_if_any()
    result = session.execute(
        update(ServiceDelivery)
        .where(
            col(ServiceDelivery.id) == delivery_id,
            col(ServiceDelivery.version) == row.version,
            col(ServiceDelivery.withdrawn).is_(False),
        )
        .values(
            withdrawn=True,
            updated_at=now,
            updated_by_id=actor.user_id,
            version=row.version + 1,  # an open form on this row becomes stale
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise _conflict(session, delivery_id)
    History(session, actor, now).add("delivery", delivery_id, "withdrawn", False, True, reason)
    session.flush()
    session.expire(row)
