"""Writes on what agencies report about services (resolutions 4, 5, 9, 10 and 12).

- deliveries, "who does what where" (3W): record, update, withdraw;
- capacity: what an agency has of a service and how much of it serves the targets;
- performance reports per month or season;
- the report deadline rule the secretariat sets.

As in data_layer.commands.assignments: every command takes the acting user and checks
the role itself (an agency editor acts for its own agency only), validates everything
before writing, writes one history row per changed field in the same transaction, and
refuses a stale form (UPDATE ... WHERE version = the version the form showed).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_layer.commands.history import record_change
from data_layer.errors import ConflictError, NotFound, ValidationError
from data_layer.jalali import MAX_JALALI_YEAR, format_jalali, format_number, to_ascii_digits
from data_layer.labels import DELIVERY_STATUS_LABELS
from data_layer.models import (
    AgencyCapacity,
    AppSetting,
    DeliveryStatus,
    HistoryEntry,
    Neighborhood,
    PerformanceReport,
    PeriodKind,
    ServiceDelivery,
    ServiceType,
    User,
    utcnow,
)
from data_layer.permissions import Action, Actor, require
from data_layer.queries.coverage import (
    ReportRule,
    delivery_period_label,
    local_date,
    period_bounds,
    period_label,
)

# The same markup test as every other free-text field of the app.
from data_layer.validation import _MARKUP, Collector, to_fa

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "REPORT_RULE_KEY",
    "DeliveryInput",
    "ReportRule",
    "get_report_rule",
    "record_delivery",
    "set_capacity",
    "set_report_rule",
    "submit_report",
    "update_delivery",
    "withdraw_delivery",
]

REPORT_RULE_KEY = "reports.rule"

MIN_YEAR = 1390
MAX_YEAR = min(1500, MAX_JALALI_YEAR)  # the Jalali helpers stop at 1499
MAX_UNITS = 1_000_000_000
MAX_BENEFICIARIES = 100_000_000
MAX_REPORT_DAYS = 90
BODY_MIN, BODY_MAX = 10, 5000
MAX_FIGURES = 50
FIGURE_NAME_MAX = 100

# The fields of a delivery a form sets; a change to any of them is one history row.
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
CAPACITY_FIELDS = ("total_units", "target_units", "note")

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
    "total_units": "ظرفیت کل",
    "target_units": "ظرفیت اختصاص‌یافته به محلات هدف",
    "period_kind": "نوع دوره",
    "period_year": "سال دوره",
    "period_no": "شمارهٔ دوره",
    "body": "متن گزارش",
    "figures": "ارقام گزارش",
    "days_after_period_end": "مهلت ارسال گزارش پس از پایان دوره (روز)",
}
PERIOD_KIND_LABELS: dict[str, str] = {PeriodKind.MONTH: "ماهانه", PeriodKind.SEASON: "فصلی"}


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


# --- checks of what people type ---------------------------------------------------------------


def _shown(value: object) -> str:
    """What was typed, short enough to quote back in a message."""
    text = str(value).strip()
    return text if len(text) <= 30 else text[:30] + "…"


def _number(value: object) -> float | None:
    """A finite number (Persian, Arabic or ASCII digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(to_ascii_digits(value).strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _amount(check: Collector, field: str, value: object, high: float) -> float | None:
    """A number from 0 to high (fractions allowed)."""
    name = LABELS[field]
    if _blank(value):
        check.add(field, f"«{name}» را وارد کنید (عددی صفر یا بیشتر).")
        return None
    number = _number(value)
    if number is None or not 0 <= number <= high:
        check.add(
            field,
            f"«{name}» باید عددی بین ۰ تا {format_number(high)} باشد"
            f" (نوشته شده: «{_shown(value)}»).",
        )
        return None
    return number


def _whole(check: Collector, field: str, value: object, low: int, high: int) -> int | None:
    """A whole number from low to high."""
    name = LABELS[field]
    if _blank(value):
        check.add(field, f"«{name}» را وارد کنید.")
        return None
    number = _number(value)
    if number is None or number != int(number) or not low <= number <= high:
        check.add(
            field,
            f"«{name}» باید عدد صحیحی بین {to_fa(low)} تا {format_number(high)} باشد"
            f" (نوشته شده: «{_shown(value)}»).",
        )
        return None
    return int(number)


def _text(
    check: Collector,
    field: str,
    value: object,
    *,
    limit: int,
    required: bool = False,
    min_len: int = 0,
) -> str:
    """Stripped plain text: no markup, not over `limit`, and at least `min_len` if required."""
    name = LABELS[field]
    text = "" if value is None else str(value).strip()
    if required and not text:
        hint = f" (دست‌کم {to_fa(min_len)} نویسه)" if min_len else ""
        check.add(field, f"«{name}» را بنویسید{hint}.")
    elif text and len(text) < min_len:
        check.add(
            field,
            f"«{name}» باید دست‌کم {to_fa(min_len)} نویسه باشد؛ اکنون {to_fa(len(text))} نویسه است.",
        )
    if len(text) > limit:
        check.add(
            field,
            f"«{name}» حداکثر {format_number(limit)} نویسه است؛"
            f" اکنون {format_number(len(text))} نویسه است.",
        )
    if _MARKUP.search(text):
        check.add(
            field,
            f"«{name}» نباید برچسب HTML یا اسکریپت داشته باشد؛ آن را به صورت متن ساده بنویسید.",
        )
    return text


def _id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _fmt(value: float) -> str:
    """A quantity for a message: whole numbers plainly, else up to two decimals."""
    if float(value).is_integer():
        return format_number(value)
    return format_number(value, 2).rstrip("۰").rstrip("٫")


# --- shared writing pieces --------------------------------------------------------------------


def _plain(value: object) -> object:
    """A value as JSON holds it."""
    return value.isoformat() if isinstance(value, date) else value


def _history(
    session: Session,
    *,
    actor: Actor,
    entity: str,
    entity_id: int,
    field: str,
    old: object,
    new: object,
    now: datetime,
    reason: str = "",
) -> None:
    record_change(
        session,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        field=field,
        old=old,
        new=new,
        now=now,
        reason=reason,
        text=lambda v: str(_plain(v)),
    )


def _user_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.full_name if user is not None else "کاربر دیگر"


def _conflict(what: str, name: str, shown: str, **extra: Any) -> ConflictError:
    return ConflictError(
        message=(
            f"{what} پس از باز شدن فرم شما توسط «{name}» ذخیره شده است ({shown})."
            " تغییرات شما ذخیره نشد؛ مقادیر تازه را ببینید و دوباره ثبت کنید."
        ),
        saved_by=name,
        **extra,
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


# --- deliveries -------------------------------------------------------------------------------


def _validate_delivery(
    session: Session, data: DeliveryInput, check: Collector, current: ServiceDelivery | None
) -> dict[str, Any]:
    """The delivery's stored values from the form; problems go to `check`."""
    values: dict[str, Any] = {}
    hood_id, service_id = _id(data.neighborhood_id), _id(data.service_type_id)
    hood = session.get(Neighborhood, hood_id) if hood_id is not None else None
    # A row already in a neighbourhood (or of a service) deactivated since stays editable.
    hood_kept = current is not None and current.neighborhood_id == hood_id
    if hood is None or not (hood.active or hood_kept):
        check.add(
            "neighborhood_id",
            "محلهٔ انتخاب‌شده پیدا نشد یا دیگر جزو محلات هدف فعال نیست؛"
            " محله را از فهرست انتخاب کنید.",
        )
    else:
        values["neighborhood_id"] = hood_id
    service = session.get(ServiceType, service_id) if service_id is not None else None
    service_kept = current is not None and current.service_type_id == service_id
    if service is None or not (service.active or service_kept):
        check.add(
            "service_type_id",
            "نوع خدمت انتخاب‌شده پیدا نشد یا غیرفعال است؛ خدمت را از فهرست انتخاب کنید.",
        )
    else:
        values["service_type_id"] = service_id

    year = _whole(check, "year", data.year, MIN_YEAR, MAX_YEAR)
    season: int | None = None
    season_ok = True
    if not _blank(data.season):
        season = _whole(check, "season", data.season, 1, 4)
        season_ok = season is not None
    if year is not None and season_ok:
        if season is None:
            values["period_start"] = period_bounds(PeriodKind.MONTH, year, 1)[0]
            values["period_end"] = period_bounds(PeriodKind.MONTH, year, 12)[1]
        else:
            values["period_start"], values["period_end"] = period_bounds(
                PeriodKind.SEASON, year, season
            )

    units = _amount(check, "units", data.units, MAX_UNITS)
    if units is not None:
        values["units"] = units
    beneficiaries = 0 if _blank(data.beneficiaries) else data.beneficiaries
    count = _whole(check, "beneficiaries", beneficiaries, 0, MAX_BENEFICIARIES)
    if count is not None:
        values["beneficiaries"] = count
    if data.status not in DELIVERY_STATUS_LABELS:
        choices = "، ".join(f"«{label}»" for label in DELIVERY_STATUS_LABELS.values())
        check.add("status", f"«{LABELS['status']}» را از میان {choices} انتخاب کنید.")
    else:
        values["status"] = str(data.status)
    values["note"] = _text(check, "note", data.note, limit=1000)
    return values


def _load_delivery(session: Session, delivery_id: int) -> ServiceDelivery:
    row = session.get(ServiceDelivery, delivery_id)
    if row is None or row.withdrawn:
        raise NotFound("این ردیف خدمت پیدا نشد یا پس گرفته شده است؛ فهرست را دوباره باز کنید.")
    return row


def _delivery_conflict(session: Session, delivery_id: int) -> ConflictError:
    """Describe what the other person saved, for the refused form."""
    session.expire_all()
    current = session.get(ServiceDelivery, delivery_id)
    assert current is not None
    name = _user_name(session, current.updated_by_id)
    if current.withdrawn:
        shown = "این ردیف پس گرفته شده است"
    else:
        shown = "، ".join(
            [
                f"دوره: {delivery_period_label(current.period_start, current.period_end)}",
                f"میزان: {_fmt(current.units)}",
                f"بهره‌مندان: {format_number(current.beneficiaries)}",
                f"وضعیت: {DELIVERY_STATUS_LABELS.get(current.status, current.status)}",
            ]
        )
    theirs = {f: getattr(current, f) for f in DELIVERY_FIELDS}
    theirs["withdrawn"] = current.withdrawn
    return _conflict("این ردیف خدمت", name, shown, theirs=theirs, saved_at=current.updated_at)


def record_delivery(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    data: DeliveryInput,
    now: datetime | None = None,
) -> ServiceDelivery:
    """An agency records a service it delivers (or plans) in a target neighbourhood."""
    now = now or utcnow()
    require(actor, Action.REPORT_SERVICES, agency_id)
    check = Collector()
    values = _validate_delivery(session, data, check, None)
    if check.errors:
        raise ValidationError(check.errors)
    row = ServiceDelivery(
        agency_id=agency_id, updated_at=now, updated_by_id=actor.user_id, version=1, **values
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    snapshot = {f: _plain(getattr(row, f)) for f in DELIVERY_FIELDS}
    _history(
        session,
        actor=actor,
        entity="delivery",
        entity_id=row.id,
        field="created",
        old=None,
        new=json.dumps(snapshot, ensure_ascii=False),
        now=now,
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
    row = _load_delivery(session, delivery_id)
    require(actor, Action.REPORT_SERVICES, row.agency_id)
    check = Collector()
    values = _validate_delivery(session, data, check, row)
    if check.errors:
        raise ValidationError(check.errors)
    new = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not new:
        return False
    if row.version != expected_version:
        raise _delivery_conflict(session, delivery_id)
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
    if _rowcount(result) != 1:
        raise _delivery_conflict(session, delivery_id)
    for field in DELIVERY_FIELDS:
        if field in new:
            _history(
                session,
                actor=actor,
                entity="delivery",
                entity_id=delivery_id,
                field=field,
                old=getattr(row, field),
                new=new[field],
                now=now,
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
    now: datetime | None = None,
) -> None:
    """Take a delivery back: it stays stored, stops counting, and the reason is history."""
    now = now or utcnow()
    row = _load_delivery(session, delivery_id)
    require(actor, Action.REPORT_SERVICES, row.agency_id)
    check = Collector()
    reason = _text(check, "reason", reason, limit=500, required=True)
    if check.errors:
        raise ValidationError(check.errors)
    result = session.execute(
        update(ServiceDelivery)
        .where(col(ServiceDelivery.id) == delivery_id, col(ServiceDelivery.withdrawn).is_(False))
        .values(
            withdrawn=True,
            updated_at=now,
            updated_by_id=actor.user_id,
            # An open form on this row becomes stale, as it should.
            version=col(ServiceDelivery.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise NotFound("این ردیف خدمت پیش‌تر پس گرفته شده است.")
    _history(
        session,
        actor=actor,
        entity="delivery",
        entity_id=delivery_id,
        field="withdrawn",
        old=False,
        new=True,
        now=now,
        reason=reason,
    )
    session.flush()
    session.expire(row)


# --- capacity ---------------------------------------------------------------------------------


def _capacity_row(session: Session, agency_id: int, service_type_id: int) -> AgencyCapacity | None:
    stmt = select(AgencyCapacity).where(
        col(AgencyCapacity.agency_id) == agency_id,
        col(AgencyCapacity.service_type_id) == service_type_id,
    )
    return session.execute(stmt).scalars().first()


def _capacity_conflict(
    session: Session, agency_id: int, service_type_id: int, service: str
) -> ConflictError:
    session.expire_all()
    current = _capacity_row(session, agency_id, service_type_id)
    assert current is not None
    name = _user_name(session, current.updated_by_id)
    shown = (
        f"ظرفیت کل: {_fmt(current.total_units)}، اختصاص به محلات هدف: {_fmt(current.target_units)}"
    )
    theirs = {f: getattr(current, f) for f in CAPACITY_FIELDS}
    theirs["version"] = current.version
    return _conflict(
        f"ظرفیت «{service}» برای این دستگاه",
        name,
        shown,
        theirs=theirs,
        saved_at=current.updated_at,
    )


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
    require(actor, Action.REPORT_SERVICES, agency_id)
    check = Collector()
    service_id = _id(service_type_id)
    service = session.get(ServiceType, service_id) if service_id is not None else None
    row = _capacity_row(session, agency_id, service_id) if service_id is not None else None
    if service is None or not (service.active or row is not None):
        check.add(
            "service_type_id",
            "نوع خدمت انتخاب‌شده پیدا نشد یا غیرفعال است؛ خدمت را از فهرست انتخاب کنید.",
        )
    total = _amount(check, "total_units", total_units, MAX_UNITS)
    target = _amount(check, "target_units", target_units, MAX_UNITS)
    if total is not None and target is not None and target > total:
        check.add(
            "target_units",
            f"«{LABELS['target_units']}» ({_fmt(target)}) نمی‌تواند بیشتر از"
            f" «{LABELS['total_units']}» ({_fmt(total)}) باشد؛ یکی از دو عدد را اصلاح کنید.",
        )
    note = _text(check, "note", note, limit=1000)
    if check.errors:
        raise ValidationError(check.errors)
    assert service is not None and service_id is not None
    values: dict[str, Any] = {"total_units": total, "target_units": target, "note": note}

    if row is None:
        if expected_version is not None:
            raise NotFound("ردیف ظرفیت این خدمت پیدا نشد؛ صفحه را دوباره باز کنید.")
        row = AgencyCapacity(
            agency_id=agency_id,
            service_type_id=service_id,
            as_of=local_date(now),
            updated_at=now,
            updated_by_id=actor.user_id,
            version=1,
            **values,
        )
        try:
            with session.begin_nested():  # a concurrent first save: refuse, do not fail
                session.add(row)
        except IntegrityError:
            raise _capacity_conflict(session, agency_id, service_id, service.name) from None
        assert row.id is not None
        for field in CAPACITY_FIELDS:
            if values[field] != "":
                _history(
                    session,
                    actor=actor,
                    entity="capacity",
                    entity_id=row.id,
                    field=field,
                    old=None,
                    new=values[field],
                    now=now,
                )
        session.flush()
        return row

    if expected_version is None or row.version != expected_version:
        raise _capacity_conflict(session, agency_id, service_id, service.name)
    new = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not new:
        return row
    result = session.execute(
        update(AgencyCapacity)
        .where(
            col(AgencyCapacity.id) == row.id,
            col(AgencyCapacity.version) == expected_version,
        )
        .values(
            as_of=local_date(now),
            updated_at=now,
            updated_by_id=actor.user_id,
            version=expected_version + 1,
            **new,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise _capacity_conflict(session, agency_id, service_id, service.name)
    assert row.id is not None
    for field in CAPACITY_FIELDS:
        if field in new:
            _history(
                session,
                actor=actor,
                entity="capacity",
                entity_id=row.id,
                field=field,
                old=getattr(row, field),
                new=new[field],
                now=now,
            )
    session.flush()
    session.refresh(row)
    return row


# --- performance reports ----------------------------------------------------------------------


def _figures(check: Collector, figures: object) -> str:
    """Named numbers as JSON (names kept in the order given)."""
    if not isinstance(figures, dict):
        check.add("figures", "ارقام گزارش باید فهرستی از «عنوان: عدد» باشد.")
        return "{}"
    if len(figures) > MAX_FIGURES:
        check.add("figures", f"گزارش حداکثر {to_fa(MAX_FIGURES)} رقم می‌تواند داشته باشد.")
    out: dict[str, int | float] = {}
    for key, value in figures.items():
        name = str(key).strip()
        if not name or len(name) > FIGURE_NAME_MAX or _MARKUP.search(name):
            check.add(
                "figures",
                f"عنوان هر رقم گزارش باید متن سادهٔ ۱ تا {to_fa(FIGURE_NAME_MAX)} نویسه باشد"
                f" (نوشته شده: «{_shown(key)}»).",
            )
            continue
        if name in out:
            check.add("figures", f"عنوان «{name}» دو بار آمده است؛ هر عنوان را یک بار بنویسید.")
            continue
        number = _number(value)
        if number is None:
            check.add(
                "figures",
                f"مقدار «{name}» باید عدد باشد (نوشته شده: «{_shown(value)}»)؛"
                " رقم فارسی یا انگلیسی پذیرفته است.",
            )
            continue
        out[name] = int(number) if number.is_integer() and abs(number) < 2**53 else number
    return json.dumps(out, ensure_ascii=False)


def _report_row(
    session: Session, agency_id: int, kind: str, year: int, number: int
) -> PerformanceReport | None:
    r = PerformanceReport
    stmt = select(r).where(
        col(r.agency_id) == agency_id,
        col(r.period_kind) == kind,
        col(r.period_year) == year,
        col(r.period_no) == number,
    )
    return session.execute(stmt).scalars().first()


def _report_conflict(
    session: Session, agency_id: int, kind: str, year: int, number: int
) -> ConflictError:
    session.expire_all()
    current = _report_row(session, agency_id, kind, year, number)
    assert current is not None
    last = session.execute(
        select(col(HistoryEntry.user_id), col(HistoryEntry.changed_at))
        .where(col(HistoryEntry.entity) == "report", col(HistoryEntry.entity_id) == current.id)
        .order_by(col(HistoryEntry.changed_at).desc(), col(HistoryEntry.id).desc())
        .limit(1)
    ).first()
    user_id, saved_at = (last[0], last[1]) if last else (current.submitted_by_id, None)
    name = _user_name(session, user_id)
    label = period_label(kind, year, number)
    try:
        figures = json.loads(current.figures_json)
    except ValueError:
        figures = {}
    first = format_jalali(local_date(current.submitted_at)) if current.submitted_at else "—"
    return _conflict(
        f"گزارش «{label}» این دستگاه",
        name,
        f"ثبت نخست: {first}",
        theirs={"body": current.body, "figures": figures, "version": current.version},
        saved_at=saved_at or current.submitted_at,
    )


def submit_report(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    period_kind: str,
    period_year: object,
    period_no: object,
    body: str,
    figures: dict[str, object],
    expected_version: int | None = None,
    now: datetime | None = None,
) -> PerformanceReport:
    """An agency submits (or resubmits) its report for a month or season that has started.

    The first submission sets submitted_at; a resubmission (with the version the form
    showed) keeps it, and each changed field becomes a history row.
    """
    now = now or utcnow()
    require(actor, Action.REPORT_SERVICES, agency_id)
    check = Collector()
    kind_ok = period_kind in PERIOD_KIND_LABELS
    if not kind_ok:
        check.add("period_kind", f"«{LABELS['period_kind']}» باید ماهانه یا فصلی باشد.")
    year = _whole(check, "period_year", period_year, MIN_YEAR, MAX_YEAR)
    number = None
    if kind_ok:
        last = 12 if period_kind == PeriodKind.MONTH else 4
        number = _whole(check, "period_no", period_no, 1, last)
    if year is not None and number is not None:
        start, _ = period_bounds(period_kind, year, number)
        if start > local_date(now):
            check.add(
                "period_no",
                f"دورهٔ «{period_label(period_kind, year, number)}» هنوز آغاز نشده است"
                f" (آغاز: {format_jalali(start)})؛ گزارش را برای دوره‌ای بنویسید که آغاز شده است.",
            )
    text = _text(check, "body", body, limit=BODY_MAX, required=True, min_len=BODY_MIN)
    figures_json = _figures(check, figures)
    if check.errors:
        raise ValidationError(check.errors)
    assert year is not None and number is not None
    kind = str(period_kind)

    row = _report_row(session, agency_id, kind, year, number)
    if row is None:
        if expected_version is not None:
            raise NotFound("گزارش این دوره پیدا نشد؛ صفحه را دوباره باز کنید.")
        row = PerformanceReport(
            agency_id=agency_id,
            period_kind=kind,
            period_year=year,
            period_no=number,
            submitted_at=now,
            body=text,
            figures_json=figures_json,
            submitted_by_id=actor.user_id,
            version=1,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise _report_conflict(session, agency_id, kind, year, number) from None
        assert row.id is not None
        _history(
            session,
            actor=actor,
            entity="report",
            entity_id=row.id,
            field="submitted",
            old=None,
            new=period_label(kind, year, number),
            now=now,
        )
        session.flush()
        return row

    if expected_version is None or row.version != expected_version:
        raise _report_conflict(session, agency_id, kind, year, number)
    new: dict[str, Any] = {
        k: v for k, v in (("body", text), ("figures_json", figures_json)) if getattr(row, k) != v
    }
    if row.submitted_at is None:  # a row stored without a submission: this is the first
        new.update(submitted_at=now, submitted_by_id=actor.user_id)
    if not new:
        return row
    result = session.execute(
        update(PerformanceReport)
        .where(
            col(PerformanceReport.id) == row.id,
            col(PerformanceReport.version) == expected_version,
        )
        .values(version=expected_version + 1, **new)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise _report_conflict(session, agency_id, kind, year, number)
    assert row.id is not None
    for field, value in new.items():
        if field != "submitted_by_id":
            _history(
                session,
                actor=actor,
                entity="report",
                entity_id=row.id,
                field=field,
                old=getattr(row, field),
                new=value,
                now=now,
            )
    session.flush()
    session.refresh(row)
    return row


# --- the report deadline rule -----------------------------------------------------------------


def get_report_rule(session: Session) -> ReportRule:
    """The stored rule, or the default (seasonal, 10 days) when none or unreadable."""
    row = session.get(AppSetting, REPORT_RULE_KEY)
    if row is None:
        return ReportRule()
    try:
        data = json.loads(row.value)
        kind, days = data["period_kind"], data["days_after_period_end"]
    except (ValueError, TypeError, KeyError):
        return ReportRule()
    if kind not in PERIOD_KIND_LABELS or type(days) is not int or not 0 <= days <= MAX_REPORT_DAYS:
        return ReportRule()
    return ReportRule(period_kind=str(kind), days_after_period_end=days)


def set_report_rule(
    session: Session,
    *,
    actor: Actor,
    period_kind: str,
    days_after_period_end: object,
    now: datetime | None = None,
) -> ReportRule:
    """Set which periods agencies report on and the days allowed after a period ends."""
    require(actor, Action.MANAGE_SETTINGS)
    check = Collector()
    if period_kind not in PERIOD_KIND_LABELS:
        check.add("period_kind", f"«{LABELS['period_kind']}» باید ماهانه یا فصلی باشد.")
    days = _whole(check, "days_after_period_end", days_after_period_end, 0, MAX_REPORT_DAYS)
    if check.errors:
        raise ValidationError(check.errors)
    assert days is not None
    now = now or utcnow()
    rule = ReportRule(period_kind=str(period_kind), days_after_period_end=days)
    value = json.dumps(asdict(rule), sort_keys=True)
    row = session.get(AppSetting, REPORT_RULE_KEY)
    old = row.value if row is not None else None
    if old == value:
        return rule
    row = row or AppSetting(key=REPORT_RULE_KEY, value=value)
    row.value, row.updated_at, row.updated_by_id = value, now, actor.user_id
    session.add(row)
    _history(
        session,
        actor=actor,
        entity="setting",
        entity_id=0,
        field=REPORT_RULE_KEY,
        old=old,
        new=value,
        now=now,
    )
    session.flush()
    return rule
