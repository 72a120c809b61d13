"""Reads on indicators (شاخص): the catalogue, each neighborhood's baseline, target,
values and status, the province's counts of targets on and off track, the
neighborhoods whose indicator moved the wrong way, an agency's grid of values for a
period, and the rows of the feed.

API (kept stable; later additions only):

- `neighborhood_indicators(session, neighborhood_id) -> list[NeighborhoodIndicator]`:
  every active indicator with a target or a value for the neighborhood: its baseline,
  target (+ date), values by period (oldest first, `PeriodValue`), status and
  direction, and whether its latest value moved the wrong way.
- `target_status_counts(session) -> dict[str, int]`: over the province, how many
  (neighborhood, indicator) targets are on track / off track / no data (every key of
  `IndicatorStatus`, zeros included).
- `target_statuses(session) -> DataFrame`: the same, one row per target.
- `wrong_way_moves(session) -> DataFrame`: (neighborhood, indicator) pairs whose value
  in the indicator's latest reported period is worse than the neighborhood's value
  before it; worst share first.
- `indicator_catalogue(session, include_inactive=False) -> DataFrame`.
- `agency_value_grid(session, agency_id, kind, year, number) -> DataFrame`: one row per
  (active neighborhood, active indicator of the agency of that period kind).
- `indicator_value_rows(session) -> DataFrame`: every value, for the feed and export.

The secretariat's forms read data_layer/queries/indicator_forms.py.

Rejected values are shown (with their verification) but never count for a status
or a move; the rule is data_layer/rules/indicators.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from data_layer.models import Agency, County, Neighborhood, Verification
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue
from data_layer.rules import indicators as rule

_COUNTED = col(IndicatorValue.verification) != Verification.REJECTED.value


@dataclass(frozen=True)
class PeriodValue:
    """One period's value of a neighborhood's indicator."""

    value_id: int
    year: int
    number: int  # season 1-4, 0 for a year
    label: str  # «بهار ۱۴۰۵»
    period_end: date
    value: float
    numerator: float | None
    denominator: float | None
    verification: str  # Verification
    version: int


@dataclass(frozen=True)
class NeighborhoodIndicator:
    """An indicator as it stands in one neighborhood."""

    indicator_id: int
    name: str
    definition: str
    unit: str
    direction: str  # IndicatorDirection
    period_kind: str  # IndicatorPeriod
    measure: str  # IndicatorMeasure
    agency: str  # the reporting agency's short name
    target_id: int | None
    baseline_value: float | None
    baseline_label: str  # «بهار ۱۴۰۴», "" without a target
    baseline_end: date | None
    target_value: float | None
    target_on: date | None
    values: tuple[PeriodValue, ...]  # oldest first, rejected ones included
    status: str  # IndicatorStatus; NO_DATA without a target
    moved_wrong_way: bool
    is_sample: bool


def _trend(ind: Indicator, target: IndicatorTarget) -> rule.Trend:
    return rule.Trend(
        ind.direction,
        target.baseline_value,
        target.baseline_end,
        target.target_value,
        target.target_on,
    )


def neighborhood_indicators(session: Session, neighborhood_id: int) -> list[NeighborhoodIndicator]:
    """Every active indicator with a target or a value for the neighborhood, by name."""
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for v in session.execute(
        select(IndicatorValue)
        .where(col(IndicatorValue.neighborhood_id) == neighborhood_id)
        .order_by(col(IndicatorValue.period_end))
    ).scalars():
        values[v.indicator_id].append(v)
    targets = {
        t.indicator_id: t
        for t in session.execute(
            select(IndicatorTarget).where(col(IndicatorTarget.neighborhood_id) == neighborhood_id)
        ).scalars()
    }
    wanted = set(values) | set(targets)
    if not wanted:
        return []
    rows = session.execute(
        select(Indicator, col(Agency.short_name))
        .join(Agency, col(Agency.id) == col(Indicator.agency_id))
        .where(col(Indicator.id).in_(wanted), col(Indicator.active).is_(True))
        .order_by(col(Indicator.name))
    ).all()
    return [
        _standing(ind, agency, values.get(ind.id or 0, []), targets.get(ind.id or 0))
        for ind, agency in rows
    ]


def _standing(
    ind: Indicator, agency: str, mine: list[IndicatorValue], target: IndicatorTarget | None
) -> NeighborhoodIndicator:
    assert ind.id is not None
    counted = [v for v in mine if v.verification != Verification.REJECTED]
    latest = (counted[-1].period_end, counted[-1].value) if counted else None
    state = rule.status(_trend(ind, target), latest) if target else rule.IndicatorStatus.NO_DATA
    wrong = len(counted) >= 2 and rule.moved_wrong_way(
        ind.direction, counted[-2].value, counted[-1].value
    )
    return NeighborhoodIndicator(
        indicator_id=ind.id,
        name=ind.name,
        definition=ind.definition,
        unit=ind.unit,
        direction=ind.direction,
        period_kind=ind.period_kind,
        measure=ind.measure,
        agency=agency,
        target_id=target.id if target else None,
        baseline_value=target.baseline_value if target else None,
        baseline_label=(
            rule.period_label(ind.period_kind, target.baseline_year, target.baseline_no)
            if target
            else ""
        ),
        baseline_end=target.baseline_end if target else None,
        target_value=target.target_value if target else None,
        target_on=target.target_on if target else None,
        values=tuple(_period_value(ind.period_kind, v) for v in mine),
        status=state.value,
        moved_wrong_way=wrong,
        is_sample=ind.is_sample,
    )


def _period_value(kind: str, v: IndicatorValue) -> PeriodValue:
    assert v.id is not None
    return PeriodValue(
        value_id=v.id,
        year=v.period_year,
        number=v.period_no,
        label=rule.period_label(kind, v.period_year, v.period_no),
        period_end=v.period_end,
        value=v.value,
        numerator=v.numerator,
        denominator=v.denominator,
        verification=v.verification,
        version=v.version,
    )


# --- province-wide -----------------------------------------------------------------------------


def _latest_two(session: Session) -> dict[tuple[int, int], list[tuple[Any, ...]]]:
    """(neighborhood, indicator) -> its last two counted values, newest first:
    (year, number, period_end, value). The window keeps two rows a pair in SQL."""
    rank = (
        func.row_number()
        .over(
            partition_by=(col(IndicatorValue.neighborhood_id), col(IndicatorValue.indicator_id)),
            order_by=col(IndicatorValue.period_end).desc(),
        )
        .label("rank")
    )
    ranked = (
        select(
            col(IndicatorValue.neighborhood_id),
            col(IndicatorValue.indicator_id),
            col(IndicatorValue.period_year),
            col(IndicatorValue.period_no),
            col(IndicatorValue.period_end),
            col(IndicatorValue.value),
            rank,
        )
        .where(_COUNTED)
        .subquery()
    )
    out: dict[tuple[int, int], list[tuple[Any, ...]]] = defaultdict(list)
    for n, i, year, number, end, value, _ in session.execute(
        select(ranked).where(ranked.c.rank <= 2).order_by(ranked.c.rank)
    ).all():
        out[(n, i)].append((year, number, end, value))
    return out


def _places() -> Any:
    return (
        select(
            col(Neighborhood.id).label("id"),
            col(County.name).label("county"),
            col(Neighborhood.name).label("neighborhood"),
        )
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .where(col(Neighborhood.active).is_(True))
    )


TARGET_STATUS_COLUMNS = [
    "neighborhood_id",
    "county",
    "neighborhood",
    "indicator_id",
    "indicator",
    "unit",
    "direction",
    "baseline_value",
    "target_value",
    "target_on",
    "latest_label",
    "latest_value",
    "status",
]


def target_statuses(session: Session) -> pd.DataFrame:
    """Every target of an active indicator in an active neighborhood, with its status."""
    latest = _latest_two(session)
    places = _places().subquery()
    rows = session.execute(
        select(places, Indicator, IndicatorTarget)
        .join(IndicatorTarget, col(IndicatorTarget.neighborhood_id) == places.c.id)
        .join(
            Indicator,
            and_(
                col(Indicator.id) == col(IndicatorTarget.indicator_id),
                col(Indicator.active).is_(True),
            ),
        )
        .order_by(places.c.county, places.c.neighborhood, col(Indicator.name))
    ).all()
    records = []
    for n_id, county, name, ind, target in rows:
        last = latest.get((n_id, ind.id), [])
        year, number, end, value = last[0] if last else (None, None, None, None)
        state = rule.status(_trend(ind, target), (end, value) if last else None)
        records.append(
            (
                n_id,
                county,
                name,
                ind.id,
                ind.name,
                ind.unit,
                ind.direction,
                target.baseline_value,
                target.target_value,
                target.target_on,
                rule.period_label(ind.period_kind, year, number) if last else "",
                value,
                state.value,
            )
        )
    return pd.DataFrame(records, columns=TARGET_STATUS_COLUMNS)


def target_status_counts(session: Session) -> dict[str, int]:
    """How many (neighborhood, indicator) targets are on track, off track, without data."""
    counts = {s.value: 0 for s in rule.IndicatorStatus}
    for state in target_statuses(session)["status"]:
        counts[state] += 1
    return counts


WRONG_WAY_COLUMNS = [
    "neighborhood_id",
    "county",
    "neighborhood",
    "indicator_id",
    "indicator",
    "unit",
    "direction",
    "previous_label",
    "previous_value",
    "latest_label",
    "latest_value",
    "change_share",
]


def wrong_way_moves(session: Session) -> pd.DataFrame:
    """Pairs whose value in the indicator's latest reported period got worse than the
    neighborhood's value before it; largest relative worsening first."""
    latest = _latest_two(session)
    newest: dict[int, date] = {}
    for (_, i), last in latest.items():
        newest[i] = max(newest.get(i, last[0][2]), last[0][2])
    places = {n: (c, name) for n, c, name in session.execute(_places()).all()}
    indicators = {
        ind.id: ind
        for ind in session.execute(
            select(Indicator).where(col(Indicator.active).is_(True))
        ).scalars()
    }
    records = []
    for (n, i), last in latest.items():
        ind = indicators.get(i)
        if ind is None or n not in places or len(last) < 2 or last[0][2] != newest[i]:
            continue
        (y1, p1, _, now), (y0, p0, _, before) = last
        if not rule.moved_wrong_way(ind.direction, before, now):
            continue
        share = abs(now - before) / abs(before) if before else 1.0
        kind = ind.period_kind
        records.append(
            (
                n,
                *places[n],
                i,
                ind.name,
                ind.unit,
                ind.direction,
                rule.period_label(kind, y0, p0),
                before,
                rule.period_label(kind, y1, p1),
                now,
                round(share, 4),
            )
        )
    df = pd.DataFrame(records, columns=WRONG_WAY_COLUMNS)
    return df.sort_values(
        ["change_share", "neighborhood", "indicator"], ascending=[False, True, True]
    ).reset_index(drop=True)


# --- catalogue, grid, rows ---------------------------------------------------------------------

CATALOGUE_COLUMNS = [
    "indicator_id",
    "name",
    "definition",
    "unit",
    "direction",
    "period_kind",
    "agency_id",
    "agency",
    "measure",
    "numerator_label",
    "denominator_label",
    "per_multiplier",
    "active",
    "version",
    "is_sample",
]


def indicator_catalogue(session: Session, include_inactive: bool = False) -> pd.DataFrame:
    """The catalogue, by name, with the reporting agency's short name."""
    query = select(Indicator, col(Agency.short_name)).join(
        Agency, col(Agency.id) == col(Indicator.agency_id)
    )
    if not include_inactive:
        query = query.where(col(Indicator.active).is_(True))
    rows = [
        (
            ind.id,
            ind.name,
            ind.definition,
            ind.unit,
            ind.direction,
            ind.period_kind,
            ind.agency_id,
            agency,
            ind.measure,
            ind.numerator_label,
            ind.denominator_label,
            ind.per_multiplier,
            ind.active,
            ind.version,
            ind.is_sample,
        )
        for ind, agency in session.execute(query.order_by(col(Indicator.name))).all()
    ]
    return pd.DataFrame(rows, columns=CATALOGUE_COLUMNS)


GRID_COLUMNS = [
    "neighborhood_id",
    "indicator_id",
    "value_id",
    "version",
    "county",
    "neighborhood",
    "indicator",
    "unit",
    "measure",
    "value",
    "numerator",
    "denominator",
    "note",
    "verification",
]


def agency_value_grid(
    session: Session, agency_id: int, kind: str, year: int, number: int
) -> pd.DataFrame:
    """One row per active neighborhood × active indicator the agency reports with this
    period kind, with the period's value when there is one (value_id None otherwise)."""
    value = (
        select(IndicatorValue)
        .where(
            col(IndicatorValue.period_year) == year,
            col(IndicatorValue.period_no) == number,
        )
        .subquery()
    )
    rows = session.execute(
        select(
            col(Neighborhood.id),
            col(Indicator.id),
            value.c.id,
            value.c.version,
            col(County.name),
            col(Neighborhood.name),
            col(Indicator.name),
            col(Indicator.unit),
            col(Indicator.measure),
            value.c.value,
            value.c.numerator,
            value.c.denominator,
            value.c.note,
            value.c.verification,
        )
        .select_from(Indicator)
        .join(Neighborhood, col(Neighborhood.active).is_(True))
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .outerjoin(
            value,
            and_(
                value.c.neighborhood_id == col(Neighborhood.id),
                value.c.indicator_id == col(Indicator.id),
            ),
        )
        .where(
            col(Indicator.agency_id) == agency_id,
            col(Indicator.active).is_(True),
            col(Indicator.period_kind) == kind,
        )
        .order_by(County.name, col(Neighborhood.name), col(Indicator.name))
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=GRID_COLUMNS)


VALUE_ROW_COLUMNS = [
    "county",
    "neighborhood_id",
    "neighborhood",
    "indicator_id",
    "indicator",
    "unit",
    "measure",
    "direction",
    "agency",
    "period_kind",
    "period_year",
    "period_no",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "source",
    "verification",
    "reported_at",
    "is_sample",
]


def indicator_value_rows(session: Session) -> pd.DataFrame:
    """Every value of an active indicator in an active neighborhood, by place and period."""
    rows = session.execute(
        select(
            col(County.name),
            col(Neighborhood.id),
            col(Neighborhood.name),
            col(Indicator.id),
            col(Indicator.name),
            col(Indicator.unit),
            col(Indicator.measure),
            col(Indicator.direction),
            col(Agency.short_name),
            col(Indicator.period_kind),
            col(IndicatorValue.period_year),
            col(IndicatorValue.period_no),
            col(IndicatorValue.period_end),
            col(IndicatorValue.value),
            col(IndicatorValue.numerator),
            col(IndicatorValue.denominator),
            col(IndicatorValue.source),
            col(IndicatorValue.verification),
            col(IndicatorValue.reported_at),
            col(IndicatorValue.is_sample),
        )
        .join(Neighborhood, col(Neighborhood.id) == col(IndicatorValue.neighborhood_id))
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .join(Indicator, col(Indicator.id) == col(IndicatorValue.indicator_id))
        .join(Agency, col(Agency.id) == col(Indicator.agency_id))
        .where(col(Neighborhood.active).is_(True), col(Indicator.active).is_(True))
        .order_by(
            col(County.name),
            col(Neighborhood.name),
            col(Indicator.name),
            col(IndicatorValue.period_end),
        )
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=VALUE_ROW_COLUMNS)
