"""Resolution 4: what an agency has of a service in the province, and how much of it
serves the target neighborhoods (the service ratio)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_layer import clock
from data_layer.commands.common import conflict, rowcount, user_name
from data_layer.commands.history import History
from data_layer.errors import ConflictError, NotFound
from data_layer.input.check import Check
from data_layer.jalali import format_amount
from data_layer.models import AgencyCapacity, ServiceType, utcnow
from data_layer.permissions import Action, Actor, require

__all__ = ["CAPACITY_FIELDS", "set_capacity"]

CAPACITY_FIELDS = ("total_units", "target_units", "note")
MAX_UNITS = 1_000_000_000
LABELS = {
    "service_type_id": "نوع خدمت",
    "total_units": "ظرفیت کل",
    "target_units": "ظرفیت اختصاص‌یافته به محلات هدف",
    "note": "توضیح",
}


def _row(session: Session, agency_id: int, service_type_id: int) -> AgencyCapacity | None:
    stmt = select(AgencyCapacity).where(
        col(AgencyCapacity.agency_id) == agency_id,
        col(AgencyCapacity.service_type_id) == service_type_id,
    )
    return session.execute(stmt).scalars().first()


def _conflict(session: Session, agency_id: int, service_type_id: int) -> ConflictError:
    session.expire_all()
    current = _row(session, agency_id, service_type_id)
    service = session.get(ServiceType, service_type_id)
    assert current is not None and service is not None
    shown = (
        f"ظرفیت کل: {format_amount(current.total_units)}،"
        f" اختصاص به محلات هدف: {format_amount(current.target_units)}"
    )
    theirs = {f: getattr(current, f) for f in CAPACITY_FIELDS} | {"version": current.version}
    return conflict(
        f"ظرفیت «{service.name}» برای این دستگاه",
        user_name(session, current.updated_by_id),
        shown,
        theirs=theirs,
        saved_at=current.updated_at,
    )


def _validate(
    session: Session,
    agency_id: int,
    service_type_id: object,
    total: object,
    target: object,
    note: str,
) -> tuple[int, AgencyCapacity | None, dict[str, Any]]:
    check = Check(LABELS)
    service_id = check.picked("service_type_id", service_type_id)
    service = session.get(ServiceType, service_id) if service_id is not None else None
    row = _row(session, agency_id, service_id) if service_id is not None else None
    if service_id is not None and (service is None or not (service.active or row is not None)):
        check.add(
            "service_type_id",
            "نوع خدمت انتخاب‌شده پیدا نشد یا غیرفعال است؛ خدمت را از فهرست انتخاب کنید.",
        )
    t = check.amount("total_units", total, high=MAX_UNITS)
    s = check.amount("target_units", target, high=MAX_UNITS)
    values: dict[str, Any] = {
        "total_units": t,
        "target_units": s,
        "note": check.text("note", note, limit=1000),
    }
    if t is not None and s is not None and s > t:
        check.add(
            "target_units",
            f"«{LABELS['target_units']}» ({format_amount(s)}) نمی‌تواند بیشتر از"
            f" «{LABELS['total_units']}» ({format_amount(t)}) باشد؛ یکی از دو عدد را اصلاح کنید.",
        )
    check.raise_if_any()
    assert service_id is not None
    return service_id, row, values


def _history(
    session: Session,
    actor: Actor,
    row: AgencyCapacity,
    new: dict[str, Any],
    now: datetime,
    first: bool,
) -> None:
    for field in CAPACITY_FIELDS:
        if field in new and not (first and new[field] == ""):
            History(session, actor, now).add(
                "capacity", row.id, field, None if first else getattr(row, field), new[field]
            )


def _first(
    session: Session,
    actor: Actor,
    agency_id: int,
    service_id: int,
    values: dict[str, Any],
    now: datetime,
) -> AgencyCapacity:
    """The agency's first figures for a service; a concurrent first save is refused."""
    row = AgencyCapacity(
        agency_id=agency_id,
        service_type_id=service_id,
        as_of=clock.local_day(now),
        updated_at=now,
        updated_by_id=actor.user_id,
        version=1,
        **values,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise _conflict(session, agency_id, service_id) from None
    _history(session, actor, row, values, now, first=True)
    session.flush()
    return row


def set_capacity(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    service_type_id: int,
    total_units: object,
    target_units: object,
    expected_version: int | None,
    note: str = "",
    now: datetime | None = None,
) -> AgencyCapacity:
    """Record or correct what an agency has of a service and how much serves the targets.

    A new (agency, service) row needs expected_version None; an existing one the
    version the form showed.
    """
    now = now or utcnow()
    require(session, actor, Action.REPORT_SERVICES, agency_id)
    service_id, row, values = _validate(
        session, agency_id, service_type_id, total_units, target_units, note
    )
    if row is None:
        if expected_version is not None:
            raise NotFound("ردیف ظرفیت این خدمت پیدا نشد؛ صفحه را دوباره باز کنید.")
        return _first(session, actor, agency_id, service_id, values, now)
    if expected_version is None or row.version != expected_version:
        raise _conflict(session, agency_id, service_id)
    new = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not new:
        return row
    result = session.execute(
        update(AgencyCapacity)
        .where(col(AgencyCapacity.id) == row.id, col(AgencyCapacity.version) == expected_version)
        .values(
            as_of=clock.local_day(now),
            updated_at=now,
            updated_by_id=actor.user_id,
            version=expected_version + 1,
            **new,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise _conflict(session, agency_id, service_id)
    _history(session, actor, row, new, now, first=False)
    session.flush()
    session.refresh(row)
    return row
