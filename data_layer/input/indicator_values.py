"""Indicator values as typed in «دستگاه من»'s grid or read from a spreadsheet row.

One check for both: `check_value(row, keys, check)` finds the neighborhood and the
indicator (by id from the grid, by name from a file), parses the period (a season or
a year of the indicator's kind, not one that has not begun), and the value — a count
(whole, ≥ 0), a rate (≥ 0) or a percentage (0-100), given as the value itself or, for
a rate or a percentage, as its numerator and denominator (never a zero denominator).
Every problem goes to the row's `Check`, so a file's errors come by row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.errors import FieldError
from data_layer.input import pipeline
from data_layer.input.check import Check, shown
from data_layer.input.pipeline import SheetImport, check_each
from data_layer.input.sheet import Column
from data_layer.jalali import format_number
from data_layer.models import Agency, County, Neighborhood
from data_layer.models_indicators import Indicator, IndicatorMeasure, IndicatorValue
from data_layer.rules import indicators as rule
from data_layer.text import match_key

__all__ = [
    "COLUMNS",
    "LABELS",
    "VALUE_IMPORT",
    "CleanValue",
    "ImportPreview",
    "ValueKeys",
    "ValueRow",
    "check_value",
    "check_value_rows",
    "read_value_keys",
]

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_AMOUNT = 1_000_000_000

COLUMNS: tuple[Column, ...] = (
    Column("county", "شهرستان", False, "#adm2+name", ("#adm2", "county")),
    Column("neighborhood", "محله", True, "#loc+name", ("#loc", "neighborhood", "نام محله")),
    Column("indicator", "شاخص", True, "#indicator+name", ("indicator", "نام شاخص")),
    Column("period", "دوره", True, "#date+period", ("#meta+period", "period", "فصل")),
    Column("value", "مقدار", False, "#indicator+value+num", ("#indicator+num", "value")),
    Column("numerator", "صورت", False, "#indicator+numerator+num", ("numerator", "صورت کسر")),
    Column("denominator", "مخرج", False, "#indicator+denominator+num", ("denominator", "مخرج کسر")),
    Column("note", "توضیح", False, "#description", ("note", "توضیحات")),
)
LABELS: dict[str, str] = {c.field: c.label for c in COLUMNS}


@dataclass(frozen=True)
class ValueRow:
    """One value as typed: the grid gives ids, a file gives names and the period's text."""

    neighborhood: object  # an id (int) or a name
    indicator: object  # an id (int) or a name
    period: object  # (year, number) or «بهار ۱۴۰۵» / «۱۴۰۵»
    value: object = None
    numerator: object = None
    denominator: object = None
    note: object = ""
    county: object = None  # a name, when a file has the column
    value_id: int | None = None  # the grid's row as it was shown (None: no value then)
    expected_version: int | None = None


@dataclass(frozen=True)
class CleanValue:
    """A checked value, ready to write."""

    neighborhood_id: int
    indicator_id: int
    agency_id: int  # the indicator's reporting agency
    year: int
    number: int
    period_end: date
    value: float
    numerator: float | None
    denominator: float | None
    note: str
    value_id: int | None
    expected_version: int | None
    row: int


@dataclass
class ValueKeys:
    """What a check reads from the store, read once: neighborhoods and indicators by id
    and by name, the stored values of the periods concerned, today, and the agency
    whose liaison writes (None: the secretariat, any indicator)."""

    today: date
    agency_id: int | None
    hoods: dict[int, tuple[str, str, bool]]  # id -> (county, name, active)
    hood_names: dict[str, list[int]]  # match_key(name) -> ids
    indicators: dict[int, Indicator]
    indicator_names: dict[str, int]
    agencies: dict[int, str]
    stored: dict[tuple[int, int, int, int], tuple[int, int]]  # (n, i, y, p) -> (id, version)


def read_value_keys(session: Session, *, today: date, agency_id: int | None) -> ValueKeys:
    """Read everything `check_value` needs, in the caller's transaction."""
    hoods: dict[int, tuple[str, str, bool]] = {}
    names: dict[str, list[int]] = {}
    for n_id, county, name, active in session.execute(
        select(
            col(Neighborhood.id), col(County.name), col(Neighborhood.name), col(Neighborhood.active)
        ).join(County, col(County.id) == col(Neighborhood.county_id))
    ).all():
        hoods[n_id] = (county, name, active)
        names.setdefault(match_key(name), []).append(n_id)
    indicators = {i.id or 0: i for i in session.execute(select(Indicator)).scalars()}
    stored = {
        (v.neighborhood_id, v.indicator_id, v.period_year, v.period_no): (v.id or 0, v.version)
        for v in session.execute(select(IndicatorValue)).scalars()
    }
    return ValueKeys(
        today=today,
        agency_id=agency_id,
        hoods=hoods,
        hood_names=names,
        indicators=indicators,
        indicator_names={match_key(i.name): k for k, i in indicators.items()},
        agencies={a.id or 0: a.short_name for a in session.execute(select(Agency)).scalars()},
        stored=stored,
    )


def _neighborhood(row: ValueRow, keys: ValueKeys, check: Check) -> int | None:
    if isinstance(row.neighborhood, int) and not isinstance(row.neighborhood, bool):
        found = [row.neighborhood] if row.neighborhood in keys.hoods else []
    else:
        found = keys.hood_names.get(match_key(str(row.neighborhood or "")), [])
        county = match_key(str(row.county or ""))
        if county:
            found = [n for n in found if match_key(keys.hoods[n][0]) == county]
    found = [n for n in found if keys.hoods[n][2]]
    if len(found) == 1:
        return found[0]
    where = f" در شهرستان «{shown(row.county)}»" if row.county else ""
    if not found:
        check.add(
            "neighborhood",
            f"محلهٔ «{shown(row.neighborhood)}»{where} در فهرست محلات هدف فعال پیدا نشد؛"
            " نام را همان‌گونه که در سامانه آمده بنویسید.",
        )
    else:
        check.add(
            "neighborhood",
            f"بیش از یک محله «{shown(row.neighborhood)}» نام دارد؛ ستون «شهرستان» را هم بنویسید.",
        )
    return None


def _indicator(row: ValueRow, keys: ValueKeys, check: Check) -> Indicator | None:
    if isinstance(row.indicator, int) and not isinstance(row.indicator, bool):
        ind = keys.indicators.get(row.indicator)
    else:
        ind = keys.indicators.get(keys.indicator_names.get(match_key(str(row.indicator or "")), 0))
    if ind is None or not ind.active:
        check.add(
            "indicator",
            f"شاخص «{shown(row.indicator)}» در فهرست شاخص‌های فعال پیدا نشد؛"
            " نام را همان‌گونه که در فهرست شاخص‌ها آمده بنویسید.",
        )
        return None
    if keys.agency_id is not None and ind.agency_id != keys.agency_id:
        owner = keys.agencies.get(ind.agency_id, "")
        check.add(
            "indicator",
            f"شاخص «{ind.name}» را «{owner}» گزارش می‌کند، نه دستگاه شما؛ این سطر را حذف کنید.",
        )
        return None
    return ind


def _period(row: ValueRow, ind: Indicator, keys: ValueKeys, check: Check) -> tuple[int, int]:
    if isinstance(row.period, tuple):
        year, number = row.period
    else:
        try:
            year, number = rule.parse_period(ind.period_kind, str(row.period or ""))
        except ValueError as e:
            check.add("period", f"{e} (نوشته شده: «{shown(row.period)}»)")
            return 0, 0
    if problem := rule.future_problem(ind.period_kind, year, number, keys.today):
        check.add("period", problem + " مقدار دوره‌ای را که هنوز نرسیده نمی‌توان ثبت کرد.")
        return 0, 0
    return year, number


def _amounts(row: ValueRow, ind: Indicator, check: Check) -> tuple[Any, Any, Any]:
    value = check.amount("value", row.value, high=MAX_AMOUNT, required=False)
    num = check.amount("numerator", row.numerator, high=MAX_AMOUNT, required=False)
    den = check.amount(
        "denominator", row.denominator, low=-MAX_AMOUNT, high=MAX_AMOUNT, required=False
    )
    if check.has("value", "numerator", "denominator"):
        return None, None, None
    if ind.measure == IndicatorMeasure.COUNT and (num is not None or den is not None):
        check.add("numerator", f"شاخص «{ind.name}» شمارشی است؛ صورت و مخرج ندارد، فقط «مقدار».")
        return None, None, None
    if num is not None or den is not None:
        if problem := rule.rate_problem(num, den):
            check.add("denominator" if den in (None, 0) else "numerator", problem)
            return None, None, None
        assert num is not None and den is not None
        computed = rule.rate_value(num, den, ind.per_multiplier)
        if value is not None and abs(value - computed) > 0.005 * max(1.0, abs(computed)):
            check.add(
                "value",
                f"«مقدار» ({format_number(value, 2)}) با صورت و مخرج"
                f" ({format_number(computed, 2)}) نمی‌خواند؛ یکی را درست کنید یا «مقدار» را خالی"
                " بگذارید.",
            )
            return None, None, None
        value = computed
    if value is None:
        check.add("value", "«مقدار» را بنویسید (یا برای شاخص نسبتی، صورت و مخرج را).")
        return None, None, None
    if problem := rule.range_problem(ind.measure, value):
        check.add("value", f"{problem} (نوشته شده: «{format_number(value, 2)}»)")
        return None, None, None
    return value, num, den


def check_value(row: ValueRow, number: int, keys: ValueKeys, check: Check) -> CleanValue | None:
    """One value checked against the store as `keys` read it; problems go to `check`."""
    hood = _neighborhood(row, keys, check)
    ind = _indicator(row, keys, check)
    if ind is None:
        return None
    year, period_no = _period(row, ind, keys, check)
    value, num, den = _amounts(row, ind, check)
    note = check.text("note", row.note, limit=1000)
    if check or hood is None or value is None:
        return None
    return CleanValue(
        neighborhood_id=hood,
        indicator_id=ind.id or 0,
        agency_id=ind.agency_id,
        year=year,
        number=period_no,
        period_end=rule.period_bounds(ind.period_kind, year, period_no)[1],
        value=value,
        numerator=num,
        denominator=den,
        note=note,
        value_id=row.value_id,
        expected_version=row.expected_version,
        row=number,
    )


def check_value_rows(
    rows: Sequence[ValueRow], numbers: Sequence[int], keys: ValueKeys
) -> tuple[list[CleanValue], list[FieldError]]:
    """Every row checked; the same neighborhood, indicator and period twice is refused."""
    first: dict[tuple[int, int, int, int], int] = {}

    def one(row: ValueRow, number: int, check: Check) -> CleanValue | None:
        clean = check_value(row, number, keys, check)
        if clean is None:
            return None
        key = (clean.neighborhood_id, clean.indicator_id, clean.year, clean.number)
        if key in first:
            check.add(
                "period",
                f"همین محله، شاخص و دوره در سطر {format_number(first[key])} هم آمده است؛"
                " یکی از دو سطر را حذف کنید.",
            )
            return None
        first[key] = number
        return clean

    return check_each(rows, numbers, LABELS, one)


# --- the spreadsheet import -----------------------------------------------------------------


@dataclass
class ImportPreview(pipeline.ImportPreview[ValueRow, CleanValue]):
    """A values spreadsheet, checked: how many values it adds and how many it changes."""

    new_count: int = 0
    changed_count: int = 0


_ROW_FIELDS = tuple(
    f.name for f in fields(ValueRow) if f.name not in ("value_id", "expected_version")
)


def _to_row(raw: dict[str, object]) -> ValueRow:
    return ValueRow(**{k: raw.get(k) for k in _ROW_FIELDS})  # type: ignore[arg-type]


def _check(preview: ImportPreview, keys: ValueKeys) -> None:
    preview.clean, preview.errors = check_value_rows(preview.rows, preview.numbers(), keys)
    stored = [
        (c.neighborhood_id, c.indicator_id, c.year, c.number) in keys.stored for c in preview.clean
    ]
    preview.changed_count = sum(stored)
    preview.new_count = len(stored) - preview.changed_count


VALUE_IMPORT = SheetImport(
    COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, "مقدار شاخص", ImportPreview, _check, _to_row
)
