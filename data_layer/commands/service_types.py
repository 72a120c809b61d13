"""The secretariat keeps the service catalogue and each service's need norm."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.history import History
from data_layer.input.check import Check
from data_layer.models import Agency, ServiceType, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.text import match_key

__all__ = ["SERVICE_FIELD_LABELS", "ServiceTypeInput", "create_service_type", "update_service_type"]

SERVICE_FIELD_LABELS: dict[str, str] = {
    "name": "نام خدمت",
    "unit": "واحد",
    "owner_agency_id": "دستگاه مسئول",
    "norm_per_1000": "سرانه در هر هزار نفر",
    "resolution_ref": "مصوبهٔ مرجع",
}
_LIMITS = {"name": 120, "unit": 40, "resolution_ref": 40}
GONE = "این خدمت پیدا نشد؛ فهرست خدمات را تازه کنید."


@dataclass(frozen=True)
class ServiceTypeInput:
    """A kind of service as typed in the catalogue form."""

    name: str
    unit: str
    owner_agency_id: int | None
    norm_per_1000: object = None  # None or "" = no norm; else a number >= 0
    resolution_ref: str = ""


def _validate(
    session: Session, data: ServiceTypeInput, current: ServiceType | None
) -> dict[str, Any]:
    """Clean values of a service type, or a ValidationError with every problem.

    The owner agency must exist and be active, unless it is the one the service
    already has (an agency deactivated later does not block fixing its services).
    """
    check = Check(SERVICE_FIELD_LABELS)
    clean: dict[str, Any] = {
        key: check.text(key, getattr(data, key), limit=limit, required=key != "resolution_ref")
        for key, limit in _LIMITS.items()
    }
    clean["norm_per_1000"] = check.amount(
        "norm_per_1000", data.norm_per_1000, high=1_000_000, required=False
    )
    owner = data.owner_agency_id
    if owner is not None and (current is None or owner != current.owner_agency_id):
        agency = session.get(Agency, owner) if isinstance(owner, int) else None
        if agency is None or not agency.active:
            check.add(
                "owner_agency_id",
                "دستگاه مسئول انتخاب‌شده پیدا نشد یا غیرفعال است؛"
                " دستگاه دیگری را از فهرست انتخاب کنید.",
            )
    clean["owner_agency_id"] = owner
    key = match_key(clean["name"])
    for other in session.execute(select(ServiceType)).scalars() if key else ():
        if (current is None or other.id != current.id) and match_key(other.name) == key:
            state = "" if other.active else " (غیرفعال)"
            check.add(
                "name",
                f"خدمت «{other.name}»{state} پیش‌تر در فهرست خدمات ثبت شده است؛"
                " نام دیگری بنویسید یا همان خدمت را ویرایش کنید.",
            )
            break
    check.raise_if_any()
    return clean


def create_service_type(
    session: Session, *, actor: Actor, data: ServiceTypeInput, now: datetime | None = None
) -> ServiceType:
    """Add a kind of service to the catalogue (history: entity 'service_type', 'created')."""
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    clean = _validate(session, data, None)
    service = ServiceType(**clean)
    session.add(service)
    flush_unique(session, "name", f"خدمت «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    History(session, actor, now).add(
        "service_type",
        service.id,
        "created",
        None,
        json.dumps(clean, ensure_ascii=False, default=str, sort_keys=True),
    )
    session.flush()
    return service


def update_service_type(
    session: Session,
    *,
    actor: Actor,
    service_type_id: int,
    data: ServiceTypeInput,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Change a kind of service; one history row per changed field. False if nothing changed."""
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    service = load(session, ServiceType, service_type_id, GONE, lock=True)
    check_version(service, expected_version, "این خدمت")
    clean = _validate(session, data, service)
    changes = {k: v for k, v in clean.items() if getattr(service, k) != v}
    for key, value in changes.items():
        History(session, actor, now).add(
            "service_type", service.id, key, getattr(service, key), value
        )
        setattr(service, key, value)
    if changes:
        service.version += 1
    session.add(service)
    flush_unique(session, "name", f"خدمت «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    return bool(changes)
