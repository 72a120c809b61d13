"""The agency registry (the secretariat): add, edit, membership periods, retire, merge,
import a member list. Nothing is deleted: a retired or merged agency keeps its rows
and their history; a merge carries the open rows over to the agency it joined.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlmodel import Session, col

from data_layer.auth import revoke_sessions
from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.history import History
from data_layer.input.agencies import (
    AGENCY_LABELS,
    AgencyImportPreview,
    AgencyInput,
    NameKeys,
    Period,
    check_agency_rows,
    duplicate_names,
    periods_text,
    validate_agency,
    validate_periods,
)
from data_layer.input.check import Check
from data_layer.input.pipeline import import_reason, rows_to_commit
from data_layer.input.sheet import FILE_FIELD
from data_layer.jalali import local_today
from data_layer.models import Agency, AgencyMembership, Assignment, User, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.membership import periods_of
from data_layer.text import match_key

__all__ = [
    "create_agency",
    "import_agencies",
    "merge_agency",
    "name_keys",
    "retire_agency",
    "set_memberships",
    "update_agency",
]

GONE = "این دستگاه پیدا نشد؛ فهرست دستگاه‌ها را تازه کنید."
_COPIED = (
    "status",
    "progress",
    "done_text",
    "next_step",
    "planned_date",
    "first_planned_date",
    "reschedule_count",
    "evidence_url",
    "reported_at",
    "is_sample",
)


def name_keys(session: Session) -> NameKeys:
    """Every agency's normalised name and short name (for duplicates)."""
    keys: NameKeys = {}
    for agency_id, name, short in session.execute(
        select(col(Agency.id), col(Agency.name), col(Agency.short_name))
    ).all():
        keys.setdefault(match_key(short), (agency_id, name))
        keys[match_key(name)] = (agency_id, name)
    return keys


def _write_periods(session: Session, agency_id: int, periods: Sequence[Period]) -> None:
    session.execute(delete(AgencyMembership).where(col(AgencyMembership.agency_id) == agency_id))
    for start, end in periods:
        session.add(AgencyMembership(agency_id=agency_id, member_from=start, member_to=end))


def _shown(session: Session, agency_id: int, expected_version: int | None) -> Agency:
    """The agency a form named, locked, as the form showed it (else a Persian refusal)."""
    agency = load(session, Agency, agency_id, GONE, lock=True)
    check_version(agency, expected_version, "این دستگاه")
    return agency


def _next_order(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Agency.sort_order), 0))).scalar_one())


def create_agency(
    session: Session,
    *,
    actor: Actor,
    data: AgencyInput,
    periods: Sequence[tuple[object, object]] = ((None, None),),
    now: datetime | None = None,
) -> Agency:
    """Register an agency with its membership periods (default: a member from now on;
    an empty list: invited, not a member)."""
    require(session, actor, Action.MANAGE_AGENCIES)
    now = now or utcnow()
    check = Check(AGENCY_LABELS)
    clean = validate_agency(data, check)
    checked = validate_periods(periods, check)
    if not check:
        duplicate_names(clean, name_keys(session), check)
    check.raise_if_any()
    if clean["sort_order"] is None:
        clean["sort_order"] = _next_order(session) + 1
    agency = Agency(**clean)
    session.add(agency)
    flush_unique(session, "name", f"دستگاه «{clean['name']}» هم‌زمان ثبت شد.")
    assert agency.id is not None
    _write_periods(session, agency.id, checked)
    history = History(session, actor, now)
    history.add("agency", agency.id, "created", None, clean["name"])
    history.add("agency", agency.id, "periods", None, periods_text(checked))
    session.flush()
    return agency


def update_agency(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    data: AgencyInput,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Change an agency's names, kind, head title, aliases or order; False if nothing changed."""
    require(session, actor, Action.MANAGE_AGENCIES)
    now = now or utcnow()
    agency = _shown(session, agency_id, expected_version)
    check = Check(AGENCY_LABELS)
    clean = validate_agency(data, check)
    if clean["sort_order"] is None:
        clean["sort_order"] = agency.sort_order
    if not check:
        duplicate_names(clean, name_keys(session), check, exclude_id=agency.id)
    check.raise_if_any()
    changes = {k: v for k, v in clean.items() if getattr(agency, k) != v}
    History(session, actor, now).fields("agency", agency, changes)
    for key, value in changes.items():
        setattr(agency, key, value)
    if changes:
        agency.version += 1
    flush_unique(session, "name", f"دستگاه «{clean['name']}» هم‌زمان ثبت شد.")
    return bool(changes)


def set_memberships(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    periods: Sequence[tuple[object, object]],
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Replace an agency's membership periods (checked: ordered, not overlapping)."""
    require(session, actor, Action.MANAGE_AGENCIES)
    now = now or utcnow()
    agency = _shown(session, agency_id, expected_version)
    check = Check(AGENCY_LABELS)
    checked = validate_periods(periods, check)
    check.raise_if_any()
    before = periods_of(session, agency_id)
    if before == checked:
        return False
    _write_periods(session, agency_id, checked)
    History(session, actor, now).add(
        "agency", agency_id, "periods", periods_text(before), periods_text(checked)
    )
    agency.version += 1
    session.flush()
    return True


def _close_membership(
    session: Session, agency_id: int, on: date, history: History, reason: str
) -> None:
    """End the open membership period on `on` (the day before it, if it started that day)."""
    before = periods_of(session, agency_id)
    after = [(a, b if b is not None else max(on, a or on)) for a, b in before]
    if after != before:
        _write_periods(session, agency_id, after)
        history.add(
            "agency", agency_id, "periods", periods_text(before), periods_text(after), reason
        )


def _reason(check: Check, reason: str) -> str:
    return check.text("reason", reason, limit=1000, required=True, min_length=3)


def retire_agency(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    reason: str,
    on: date | str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """The agency left the working group on `on` (default today): its open membership period
    ends, it leaves the pickers, and it keeps every row and its history."""
    require(session, actor, Action.MANAGE_AGENCIES)
    now = now or utcnow()
    agency = _shown(session, agency_id, expected_version)
    check = Check(AGENCY_LABELS)
    why = _reason(check, reason)
    day = check.date("on", on, required=False) if on is not None else local_today()
    if not agency.active:
        check.add("reason", f"دستگاه «{agency.name}» پیش‌تر بازنشسته یا ادغام شده است.")
    check.raise_if_any()
    history = History(session, actor, now)
    _close_membership(session, agency_id, day or local_today(), history, why)
    history.add("agency", agency_id, "active", True, False, why)
    agency.active = False
    agency.version += 1
    session.flush()


def _carry_rows(session: Session, source: Agency, target: Agency, history: History) -> int:
    """Open rows of `source` move to `target` (a new row with the same state, history
    on both); where `target` already has a row of that resolution, the source's is
    only withdrawn. Returns the number of rows carried over."""
    rows = list(
        session.execute(
            select(Assignment).where(
                col(Assignment.agency_id) == source.id, col(Assignment.withdrawn).is_(False)
            )
        ).scalars()
    )
    owned = set(
        session.execute(
            select(col(Assignment.resolution_id)).where(col(Assignment.agency_id) == target.id)
        ).scalars()
    )
    reason = f"ادغام «{source.name}» در «{target.name}»"
    moved = 0
    for row in rows:
        row.withdrawn, row.version = True, row.version + 1
        row.updated_at, row.updated_by_id = history.now, history.actor.user_id
        history.add("assignment", row.id, "withdrawn", False, True, reason)
        if row.resolution_id in owned:
            continue
        copy = Assignment(
            resolution_id=row.resolution_id,
            agency_id=target.id,  # type: ignore[arg-type]
            updated_at=history.now,
            updated_by_id=history.actor.user_id,
            **{k: getattr(row, k) for k in _COPIED},
        )
        session.add(copy)
        session.flush()
        history.add("assignment", copy.id, "created", None, f"از ردیف {row.id}", reason)
        moved += 1
    return moved


def merge_agency(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    into_id: int,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> int:
    """Merge an agency into another: its open rows go to the other, its membership ends,
    its liaisons' accounts are deactivated; the number of rows carried over."""
    require(session, actor, Action.MANAGE_AGENCIES)
    now = now or utcnow()
    check = Check(AGENCY_LABELS)
    why = _reason(check, reason)
    if agency_id == into_id:
        check.add("target", "دستگاهی را نمی‌توان در خودش ادغام کرد؛ دستگاه مقصد دیگری برگزینید.")
        check.raise_if_any()
    source = _shown(session, agency_id, expected_version)
    target = load(session, Agency, into_id, "دستگاه مقصد پیدا نشد؛ فهرست را تازه کنید.", lock=True)
    if not source.active:
        check.add("target", f"دستگاه «{source.name}» پیش‌تر بازنشسته یا ادغام شده است.")
    if not target.active:
        check.add("target", f"دستگاه مقصد «{target.name}» فعال نیست؛ دستگاه فعالی برگزینید.")
    check.raise_if_any()
    history = History(session, actor, now)
    moved = _carry_rows(session, source, target, history)
    _close_membership(session, source.id, local_today(), history, why)  # type: ignore[arg-type]
    liaisons = session.execute(
        select(User).where(col(User.agency_id) == source.id, col(User.active).is_(True))
    ).scalars()
    for user in liaisons:
        user.active, user.version = False, user.version + 1
        revoke_sessions(session, user.id, now)
        history.add("user", user.id, "active", True, False, why)
    history.add("agency", source.id, "merged_into_id", None, target.id, why)
    source.active, source.merged_into_id, source.version = False, target.id, source.version + 1
    session.execute(
        update(Agency).where(col(Agency.id) == target.id).values(version=Agency.version + 1)
    )
    session.flush()
    return moved


def import_agencies(
    session: Session, *, actor: Actor, preview: AgencyImportPreview, now: datetime | None = None
) -> int:
    """Register every agency of a clean member list in this one transaction; how many.

    The rows are checked again against the registry as it is now; any problem refuses
    the whole file.
    """
    require(session, actor, Action.MANAGE_AGENCIES)
    now = now or utcnow()
    keys = name_keys(session)
    clean_rows = rows_to_commit(
        preview, lambda rows, numbers: check_agency_rows(rows, numbers, keys)
    )
    order = _next_order(session)
    reason = import_reason(preview)
    history = History(session, actor, now)
    for clean in clean_rows:
        values: dict[str, Any] = {k: v for k, v in clean.items() if k != "periods"}
        if values["sort_order"] is None:
            order += 1
            values["sort_order"] = order
        agency = Agency(**values)
        session.add(agency)
        session.flush()
        assert agency.id is not None
        _write_periods(session, agency.id, clean["periods"])
        history.add("agency", agency.id, "created", None, values["name"], reason)
    flush_unique(session, FILE_FIELD, "هم‌زمان با این ورود، دستگاهی با یکی از همین نام‌ها ثبت شد.")
    return len(clean_rows)
