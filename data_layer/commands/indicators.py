"""Indicators: the secretariat keeps the catalogue and each neighborhood's baseline and
target; the reporting agency's liaison saves values (one grid, or a spreadsheet); the
secretariat verifies them. Every change is a history row (entities "indicator",
"indicator_target", "indicator_value")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from data_layer import clock
from data_layer.commands.common import check_version, flush_unique, load
from data_layer.commands.history import History
from data_layer.commands.indicator_standing import indicator_pairs, refresh_standings
from data_layer.errors import ConflictError, FieldError, ValidationError
from data_layer.input.check import Check
from data_layer.input.indicator_values import (
    CleanValue,
    ImportPreview,
    ValueRow,
    check_value_rows,
    read_value_keys,
)
from data_layer.input.pipeline import import_reason, rows_to_commit
from data_layer.jalali import format_jalali, format_number
from data_layer.labels import VERIFICATION_LABELS
from data_layer.models import Agency, Neighborhood, Verification, utcnow
from data_layer.models_indicators import (
    Indicator,
    IndicatorMeasure,
    IndicatorPeriod,
    IndicatorTarget,
    IndicatorValue,
)
from data_layer.permissions import Action, Actor, can, require
from data_layer.rules import indicators as rule
from data_layer.text import match_key

__all__ = [
    "DIRECTION_LABELS",
    "INDICATOR_LABELS",
    "MEASURE_LABELS",
    "PERIOD_LABELS",
    "IndicatorInput",
    "TargetInput",
    "create_indicator",
    "import_indicator_values",
    "save_indicator_values",
    "set_indicator_target",
    "update_indicator",
    "verify_indicator_value",
]

DIRECTION_LABELS = rule.DIRECTION_LABELS
PERIOD_LABELS: dict[str, str] = {IndicatorPeriod.SEASON: "فصلی", IndicatorPeriod.YEAR: "سالانه"}
MEASURE_LABELS: dict[str, str] = {
    IndicatorMeasure.COUNT: "شمارشی",
    IndicatorMeasure.RATE: "نسبت",
    IndicatorMeasure.PERCENT: "درصد",
}
INDICATOR_LABELS: dict[str, str] = {
    "name": "نام شاخص",
    "definition": "تعریف",
    "unit": "واحد",
    "direction": "جهت بهبود",
    "period_kind": "دورهٔ سنجش",
    "agency_id": "دستگاه گزارش‌دهنده",
    "measure": "نوع شاخص",
    "numerator_label": "صورت",
    "denominator_label": "مخرج",
    "per_multiplier": "ضریب (به ازای)",
}
TARGET_LABELS: dict[str, str] = {
    "neighborhood_id": "محله",
    "indicator_id": "شاخص",
    "baseline_value": "مقدار مبنا",
    "baseline_period": "دورهٔ مبنا",
    "target_value": "مقدار هدف",
    "target_on": "تاریخ هدف",
    "note": "توضیح",
}
GONE = "این شاخص پیدا نشد؛ فهرست شاخص‌ها را تازه کنید."
VALUE_GONE = "این مقدار شاخص پیدا نشد؛ فهرست را تازه کنید."


@dataclass(frozen=True)
class IndicatorInput:
    """An indicator as typed in the catalogue form."""

    name: str
    definition: str
    unit: str
    direction: str
    period_kind: str
    agency_id: int | None
    measure: str
    numerator_label: str = ""
    denominator_label: str = ""
    per_multiplier: object = 1


def _validate_indicator(
    session: Session, data: IndicatorInput, current: Indicator | None
) -> dict[str, Any]:
    check = Check(INDICATOR_LABELS)
    clean: dict[str, Any] = {
        "name": check.text("name", data.name, limit=200, required=True),
        "definition": check.text("definition", data.definition, limit=4000, multiline=True),
        "unit": check.text("unit", data.unit, limit=60, required=True),
        "direction": check.choice("direction", data.direction, DIRECTION_LABELS),
        "period_kind": check.choice("period_kind", data.period_kind, PERIOD_LABELS),
        "measure": check.choice("measure", data.measure, MEASURE_LABELS),
        "numerator_label": check.text("numerator_label", data.numerator_label, limit=200),
        "denominator_label": check.text("denominator_label", data.denominator_label, limit=200),
        "per_multiplier": check.amount(
            "per_multiplier", data.per_multiplier, low=0.000001, high=1_000_000
        ),
    }
    if clean["measure"] == IndicatorMeasure.PERCENT:
        clean["per_multiplier"] = 100.0
    elif clean["measure"] == IndicatorMeasure.COUNT:
        clean["per_multiplier"], clean["numerator_label"], clean["denominator_label"] = 1.0, "", ""
    agency_id = check.picked("agency_id", data.agency_id)
    if agency_id is not None and (current is None or agency_id != current.agency_id):
        agency = session.get(Agency, agency_id)
        if agency is None or not agency.active:
            check.add("agency_id", "دستگاه انتخاب‌شده پیدا نشد یا غیرفعال است.")
    clean["agency_id"] = agency_id
    if current is not None and clean["period_kind"] != current.period_kind:
        has_values = session.execute(
            select(col(IndicatorValue.id))
            .where(col(IndicatorValue.indicator_id) == current.id)
            .limit(1)
        ).first()
        if has_values:
            check.add(
                "period_kind",
                "این شاخص مقدار ثبت‌شده دارد؛ دورهٔ سنجش آن را نمی‌توان تغییر داد."
                " شاخص تازه‌ای تعریف کنید.",
            )
    key = match_key(clean["name"])
    for other in session.execute(select(Indicator)).scalars() if key else ():
        if (current is None or other.id != current.id) and match_key(other.name) == key:
            check.add("name", f"شاخص «{other.name}» پیش‌تر ثبت شده است؛ نام دیگری بنویسید.")
            break
    check.raise_if_any()
    return clean


def create_indicator(
    session: Session, *, actor: Actor, data: IndicatorInput, now: datetime | None = None
) -> Indicator:
    """Add an indicator to the catalogue."""
    require(session, actor, Action.MANAGE_INDICATORS)
    now = now or utcnow()
    clean = _validate_indicator(session, data, None)
    row = Indicator(**clean, updated_at=now, updated_by_id=actor.user_id)
    session.add(row)
    flush_unique(session, "name", f"شاخص «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    History(session, actor, now).add(
        "indicator", row.id, "created", None, json.dumps(clean, ensure_ascii=False, sort_keys=True)
    )
    session.flush()
    return row


def update_indicator(
    session: Session,
    *,
    actor: Actor,
    indicator_id: int,
    expected_version: int,
    data: IndicatorInput,
    active: bool = True,
    now: datetime | None = None,
) -> bool:
    """Change an indicator (or retire it: `active` False); False when nothing changed."""
    require(session, actor, Action.MANAGE_INDICATORS)
    now = now or utcnow()
    row = load(session, Indicator, indicator_id, GONE, lock=True)
    check_version(row, expected_version, "این شاخص")
    clean = _validate_indicator(session, data, row) | {"active": bool(active)}
    changes = {k: v for k, v in clean.items() if getattr(row, k) != v}
    History(session, actor, now).fields("indicator", row, changes)
    for key, value in changes.items():
        setattr(row, key, value)
    if changes:
        row.version += 1
        row.updated_at, row.updated_by_id = now, actor.user_id
    flush_unique(session, "name", f"شاخص «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    if "direction" in changes:  # every place's status and moves turn around
        refresh_standings(session, indicator_pairs(session, indicator_id))
    return bool(changes)


# --- baseline and target ---------------------------------------------------------------------


@dataclass(frozen=True)
class TargetInput:
    """A neighborhood's baseline and target for an indicator, as typed."""

    baseline_value: object
    baseline_period: object  # «زمستان ۱۴۰۳» / «۱۴۰۳», or (year, number)
    target_value: object
    target_on: object  # a date or Jalali text
    note: str = ""


def _validate_target(ind: Indicator, data: TargetInput, today: date) -> dict[str, Any]:
    check = Check(TARGET_LABELS)
    base = check.amount("baseline_value", data.baseline_value, high=1_000_000_000)
    goal = check.amount("target_value", data.target_value, high=1_000_000_000)
    for field, value in (("baseline_value", base), ("target_value", goal)):
        if value is not None and (problem := rule.range_problem(ind.measure, value)):
            check.add(field, f"«{TARGET_LABELS[field]}»: {problem}")
    year = number = 0
    if isinstance(data.baseline_period, tuple):
        year, number = data.baseline_period
    else:
        try:
            year, number = rule.parse_period(ind.period_kind, str(data.baseline_period or ""))
        except ValueError as e:
            check.add("baseline_period", f"«دورهٔ مبنا»: {e}")
    if year and (problem := rule.future_problem(ind.period_kind, year, number, today)):
        check.add("baseline_period", f"«دورهٔ مبنا»: {problem}")
    target_on = check.date("target_on", data.target_on)
    note = check.text("note", data.note, limit=1000)
    check.raise_if_any()
    assert base is not None and goal is not None and target_on is not None
    end = rule.period_bounds(ind.period_kind, year, number)[1]
    if target_on <= end:
        check.add(
            "target_on",
            f"«تاریخ هدف» ({format_jalali(target_on)}) باید پس از پایان دورهٔ مبنا"
            f" ({format_jalali(end)}) باشد.",
        )
    if not rule.better_or_equal(ind.direction, goal, base):
        better = DIRECTION_LABELS[ind.direction]
        check.add(
            "target_value",
            f"برای «{ind.name}» {better} است؛ «مقدار هدف» ({format_number(goal, 2)}) نباید بدتر"
            f" از «مقدار مبنا» ({format_number(base, 2)}) باشد.",
        )
    check.raise_if_any()
    return {
        "baseline_value": base,
        "baseline_year": year,
        "baseline_no": number,
        "baseline_end": end,
        "target_value": goal,
        "target_on": target_on,
        "note": note,
    }


def set_indicator_target(
    session: Session,
    *,
    actor: Actor,
    neighborhood_id: int,
    indicator_id: int,
    expected_version: int | None,
    data: TargetInput,
    now: datetime | None = None,
) -> IndicatorTarget:
    """Set (or change) a neighborhood's baseline and target for an indicator.

    `expected_version` None means the form saw no target: one saved since is refused."""
    require(session, actor, Action.MANAGE_INDICATORS)
    now = now or utcnow()
    hood = load(session, Neighborhood, neighborhood_id, "این محله پیدا نشد؛ صفحه را تازه کنید.")
    ind = load(session, Indicator, indicator_id, GONE)
    if not hood.active or not ind.active:
        raise ValidationError([FieldError("indicator_id", "این محله یا این شاخص غیرفعال است.")])
    clean = _validate_target(ind, data, clock.today())
    existing: IndicatorTarget | None = session.execute(
        select(IndicatorTarget)
        .where(
            col(IndicatorTarget.neighborhood_id) == neighborhood_id,
            col(IndicatorTarget.indicator_id) == indicator_id,
        )
        .with_for_update()
    ).scalar_one_or_none()
    history = History(session, actor, now)
    row = existing
    if row is None:
        if expected_version is not None:
            raise ConflictError(message="هدف این محله پس از باز شدن فرم تغییر کرده است.")
        row = IndicatorTarget(neighborhood_id=neighborhood_id, indicator_id=indicator_id, **clean)
        row.updated_at, row.updated_by_id = now, actor.user_id
        session.add(row)
        flush_unique(session, "indicator_id", "هدف این محله هم‌زمان توسط کاربر دیگری ثبت شد.")
        history.add("indicator_target", row.id, "created", None, json.dumps(clean, default=str))
        refresh_standings(session, [(neighborhood_id, indicator_id)])
        return row
    if expected_version is None or row.version != expected_version:
        check_version(row, expected_version if expected_version is not None else -1, "هدف این محله")
    changes = {k: v for k, v in clean.items() if getattr(row, k) != v}
    history.fields("indicator_target", row, changes)
    for key, value in changes.items():
        setattr(row, key, value)
    if changes:
        row.version += 1
        row.updated_at, row.updated_by_id = now, actor.user_id
    session.flush()
    refresh_standings(session, [(neighborhood_id, indicator_id)])
    return row


# --- values ------------------------------------------------------------------------------------

_VALUE_FIELDS = ("value", "numerator", "denominator", "note")


def _reporter(session: Session, actor: Actor) -> int | None:
    """None for the secretariat (any indicator), else the liaison's agency (its own only)."""
    if can(actor, Action.MANAGE_INDICATORS):
        require(session, actor, Action.MANAGE_INDICATORS)
        return None
    require(session, actor, Action.REPORT_INDICATORS, actor.agency_id)
    return actor.agency_id


STALE = (
    "سطر {row}: این مقدار پس از باز شدن جدول توسط کاربر دیگری ثبت یا تغییر داده شده است؛"
    " هیچ مقداری ذخیره نشد. جدول را دوباره ببینید و اگر هنوز لازم است دوباره ثبت کنید."
)


def _stored(session: Session, clean: CleanValue, stale_check: bool) -> IndicatorValue | None:
    """The stored value of the row's place, indicator and period, locked; with
    `stale_check`, refused unless it is the one (and the version) the grid showed."""
    stored = session.execute(
        select(IndicatorValue)
        .where(
            col(IndicatorValue.neighborhood_id) == clean.neighborhood_id,
            col(IndicatorValue.indicator_id) == clean.indicator_id,
            col(IndicatorValue.period_year) == clean.year,
            col(IndicatorValue.period_no) == clean.number,
        )
        .with_for_update()
    ).scalar_one_or_none()
    shown = (clean.value_id, clean.expected_version)
    seen = None if stored is None else (stored.id, stored.version)
    if stale_check and (seen or (None, None)) != shown:
        raise ConflictError(message=STALE.format(row=format_number(clean.row)))
    return stored


def _write_values(
    session: Session,
    actor: Actor,
    rows: Sequence[CleanValue],
    source: str,
    now: datetime,
    *,
    stale_check: bool,
    reason: str = "",
) -> int:
    """Insert or update each value; returns how many values were added or changed."""
    history = History(session, actor, now)
    changed = 0
    for clean in rows:
        stored = _stored(session, clean, stale_check)
        new = {f: getattr(clean, f) for f in _VALUE_FIELDS}
        if stored is None:
            row = IndicatorValue(
                neighborhood_id=clean.neighborhood_id,
                indicator_id=clean.indicator_id,
                period_year=clean.year,
                period_no=clean.number,
                period_end=clean.period_end,
                source=source[:300],
                reported_at=now,
                reported_by_id=actor.user_id,
                **new,
            )
            session.add(row)
            session.flush()
            history.add("indicator_value", row.id, "created", None, json.dumps(new), reason)
            changed += 1
            continue
        changes = {k: v for k, v in new.items() if getattr(stored, k) != v}
        if not changes:
            continue
        history.fields("indicator_value", stored, changes, reason)
        if stored.verification != Verification.UNVERIFIED:
            # A changed figure is a new claim: the secretariat looks again.
            history.add(
                "indicator_value",
                stored.id,
                "verification",
                stored.verification,
                "unverified",
                reason,
            )
        for key, value in changes.items():
            setattr(stored, key, value)
        stored.verification, stored.verification_note = Verification.UNVERIFIED.value, ""
        stored.source, stored.reported_at, stored.reported_by_id = source[:300], now, actor.user_id
        stored.version += 1
        changed += 1
    session.flush()
    refresh_standings(session, {(c.neighborhood_id, c.indicator_id) for c in rows})
    return changed


def save_indicator_values(
    session: Session,
    *,
    actor: Actor,
    rows: Sequence[ValueRow],
    numbers: Sequence[int] | None = None,
    source: str = "جدول «دستگاه من»",
    now: datetime | None = None,
) -> int:
    """Save a grid of values in one transaction: every row is checked and re-read here;
    any problem or any value changed since the grid was shown refuses them all.
    Returns how many values were added or changed."""
    now = now or utcnow()
    keys = read_value_keys(session, today=clock.today(), agency_id=_reporter(session, actor))
    clean, errors = check_value_rows(rows, list(numbers or range(1, len(rows) + 1)), keys)
    if errors:
        raise ValidationError(errors)
    return _write_values(session, actor, clean, source, now, stale_check=True)


def import_indicator_values(
    session: Session, *, actor: Actor, preview: ImportPreview, now: datetime | None = None
) -> int:
    """Write every row of a clean import preview in one transaction (checked again
    against the store as it is now); returns how many values were added or changed."""
    now = now or utcnow()
    keys = read_value_keys(session, today=clock.today(), agency_id=_reporter(session, actor))
    clean = rows_to_commit(preview, lambda rows, numbers: check_value_rows(rows, numbers, keys))
    source = f"اکسل: {preview.filename}" if preview.filename else "اکسل"
    return _write_values(
        session, actor, clean, source, now, stale_check=False, reason=import_reason(preview)
    )


def verify_indicator_value(
    session: Session,
    *,
    actor: Actor,
    value_id: int,
    expected_version: int,
    verdict: str,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """The secretariat rules on a reported value: document seen, verified in the field,
    or rejected with a reason (a rejected value stops counting for the status)."""
    require(session, actor, Action.VERIFY_ASSIGNMENT)
    now = now or utcnow()
    row = load(session, IndicatorValue, value_id, VALUE_GONE, lock=True)
    check_version(row, expected_version, "این مقدار شاخص")
    check = Check({"verdict": "نتیجهٔ بررسی", "note": "توضیح"})
    choices = {k: v for k, v in VERIFICATION_LABELS.items() if k != Verification.UNVERIFIED}
    verdict_code = check.choice("verdict", verdict, choices)
    text = check.text("note", note, limit=1000, required=verdict_code == Verification.REJECTED)
    check.raise_if_any()
    history = History(session, actor, now)
    history.add("indicator_value", row.id, "verification", row.verification, verdict_code, text)
    row.verification, row.verification_note = str(verdict_code), text
    row.verified_at, row.verified_by_id = now, actor.user_id
    row.version += 1
    session.flush()
    refresh_standings(session, [(row.neighborhood_id, row.indicator_id)])
