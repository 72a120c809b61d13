"""The secretariat keeps the registry of target neighborhoods (resolutions 2 and 6).

A neighborhood is checked by `input/neighborhoods.py` (the form and every row of an
import alike); its county is created when new. Nothing is deleted: a neighborhood
is deactivated, with its reason in history.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.history import History, record_changes
from data_layer.errors import FieldError, ValidationError
from data_layer.input.check import Check
from data_layer.input.neighborhoods import (
    LABELS,
    ImportPreview,
    NeighborhoodInput,
    check_rows,
    duplicate_message,
    duplicate_row,
    validate_neighborhood,
)
from data_layer.input.pipeline import check_each, import_reason, rows_to_commit
from data_layer.input.sheet import FILE_FIELD
from data_layer.models import County, Neighborhood, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.places import county_keys, neighborhood_keys
from data_layer.text import match_key

__all__ = [
    "create_neighborhood",
    "import_neighborhoods",
    "set_neighborhood_active",
    "update_neighborhood",
]

GONE = "این محله پیدا نشد؛ فهرست محلات را تازه کنید."


def _snapshot(clean: dict[str, Any]) -> str:
    """The values a neighborhood was created with, as the history's new value."""
    return json.dumps(clean, ensure_ascii=False, default=str, sort_keys=True)


def _county_for(session: Session, name: str, actor: Actor, now: datetime) -> County:
    """The county with this name (by match key), created (with its history row) if new."""
    county = county_keys(session).get(match_key(name))
    if county is None:
        county = County(name=name)
        session.add(county)
        flush_unique(session, "county", f"شهرستان «{name}» هم‌زمان توسط کاربر دیگری ثبت شد.")
        History(session, actor, now).add("county", county.id, "created", None, name)
    return county


def _duplicate(session: Session, clean: dict[str, Any], exclude_id: int | None) -> str | None:
    """The refusal when the county already has a neighborhood of that name."""
    county = county_keys(session).get(match_key(clean["county"]))
    if county is None:
        return None
    key = match_key(clean["name"])
    stmt = select(Neighborhood).where(col(Neighborhood.county_id) == county.id)
    for other in session.execute(stmt).scalars():
        if other.id != exclude_id and match_key(other.name) == key:
            return duplicate_message(county.name, other.name, other.active)
    return None


def _checked(session: Session, data: NeighborhoodInput, exclude_id: int | None) -> dict[str, Any]:
    check = Check(LABELS)
    clean = validate_neighborhood(data, check)
    if not check and (message := _duplicate(session, clean, exclude_id)):
        check.add("name", message)
    check.raise_if_any()
    return clean


def create_neighborhood(
    session: Session, *, actor: Actor, data: NeighborhoodInput, now: datetime | None = None
) -> Neighborhood:
    """Register a target neighborhood (its county is created when new)."""
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    clean = _checked(session, data, None)
    county = _county_for(session, clean["county"], actor, now)
    assert county.id is not None
    hood = Neighborhood(county_id=county.id, **{k: v for k, v in clean.items() if k != "county"})
    session.add(hood)
    flush_unique(session, "name", f"محلهٔ «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    History(session, actor, now).add("neighborhood", hood.id, "created", None, _snapshot(clean))
    session.flush()
    return hood


def update_neighborhood(
    session: Session,
    *,
    actor: Actor,
    neighborhood_id: int,
    data: NeighborhoodInput,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Change a neighborhood; one history row per changed field. False if nothing changed.

    A change of county is recorded as field 'county' with the old and new names.
    """
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    hood = load(session, Neighborhood, neighborhood_id, GONE, lock=True)
    check_version(hood, expected_version, "این محله")
    clean = _checked(session, data, hood.id)
    changes = {k: v for k, v in clean.items() if k != "county" and getattr(hood, k) != v}
    old_county = session.get(County, hood.county_id)
    assert old_county is not None
    if match_key(old_county.name) != match_key(clean["county"]):
        new_county = _county_for(session, clean["county"], actor, now)
        changes["county_id"] = new_county.id
        History(session, actor, now).add(
            "neighborhood", hood.id, "county", old_county.name, new_county.name
        )
    for key, value in changes.items():
        if key != "county_id":
            History(session, actor, now).add(
                "neighborhood", hood.id, key, getattr(hood, key), value
            )
        setattr(hood, key, value)
    if changes:
        hood.version += 1
    session.add(hood)
    flush_unique(session, "name", f"محلهٔ «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    return bool(changes)


def set_neighborhood_active(
    session: Session,
    *,
    actor: Actor,
    neighborhood_id: int,
    active: bool,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Deactivate (or reactivate) a neighborhood with a reason; the row is kept.

    Returns False when it already was in that state (nothing written).
    """
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    hood = load(session, Neighborhood, neighborhood_id, GONE, lock=True)
    check_version(hood, expected_version, "این محله")
    check = Check(LABELS)
    reason = check.text("reason", reason, limit=500)
    if len(reason) < 5:
        what = "فعال کردن دوبارهٔ" if active else "غیرفعال کردن"
        check.add("reason", f"دلیل {what} محله را بنویسید (دست‌کم ۵ نویسه).")
    check.raise_if_any()
    if hood.active == active:
        return False
    History(session, actor, now).add("neighborhood", hood.id, "active", hood.active, active, reason)
    hood.active, hood.version = active, hood.version + 1
    session.add(hood)
    session.flush()
    return True


# --- import ---------------------------------------------------------------------------


def _recheck(session: Session, preview: ImportPreview) -> list[dict[str, Any]]:
    """The preview's rows checked again against the database as it is now."""
    existing = neighborhood_keys(session)
    if not preview.checked:  # not made by read_neighborhood_file: check every row
        return rows_to_commit(preview, lambda rows, numbers: check_rows(rows, numbers, existing))
    first_seen: dict[tuple[str, str], int] = {}  # checked when read: only the database moved

    def again(clean: dict[str, Any], number: int, check: Check) -> dict[str, Any]:
        duplicate_row(clean, number, existing, first_seen, check)
        return clean

    return rows_to_commit(
        preview, lambda _rows, numbers: check_each(preview.clean, numbers, LABELS, again)
    )


def _insert_all(session: Session, values: list[dict[str, Any]]) -> list[int]:
    """A Core executemany, then the new ids in one query (an ORM bulk INSERT ... RETURNING
    of 10,000 rows takes seconds where this takes a fraction of one)."""
    try:
        session.execute(insert(Neighborhood), values)
    except IntegrityError as e:
        raise ValidationError(
            [
                FieldError(
                    FILE_FIELD,
                    "هم‌زمان با این ورود، محله‌ای با یکی از همین نام‌ها ثبت شد؛"
                    " پرونده را دوباره بخوانید و ثبت کنید.",
                )
            ]
        ) from e
    stmt = select(col(Neighborhood.id), col(Neighborhood.county_id), col(Neighborhood.name)).where(
        col(Neighborhood.county_id).in_({v["county_id"] for v in values})
    )
    new_ids = {(c, n): i for i, c, n in session.execute(stmt).all()}
    return [new_ids[(v["county_id"], v["name"])] for v in values]


def import_neighborhoods(
    session: Session, *, actor: Actor, preview: ImportPreview, now: datetime | None = None
) -> int:
    """Write every row of a clean preview in this one transaction; the number written.

    The rows are checked again against the database as it is now (someone may have
    added a neighborhood since the preview); any problem refuses the whole file.
    """
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    clean_rows = _recheck(session, preview)
    counties = county_keys(session)
    for clean in clean_rows:
        key = match_key(clean["county"])
        if key not in counties:
            counties[key] = _county_for(session, clean["county"], actor, now)
    values = [
        {k: v for k, v in clean.items() if k != "county"}
        | {"county_id": counties[match_key(clean["county"])].id, "active": True, "is_sample": False}
        for clean in clean_rows
    ]
    ids = _insert_all(session, values)
    reason = import_reason(preview)
    record_changes(
        session,
        actor=actor,
        now=now,
        changes=(
            ("neighborhood", i, "created", None, _snapshot(c), reason)
            for i, c in zip(ids, clean_rows, strict=True)
        ),
    )
    session.flush()
    return len(ids)
