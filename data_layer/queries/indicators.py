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
- `wrong_way_moves(session, limit=None) -> DataFrame`: (neighborhood, indicator) pairs whose value
  in the indicator's latest reported period is worse than the neighborhood's value
  before it; worst share first.
- `wrong_way_count(session) -> int`: how many pairs `wrong_way_moves` would list.
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
from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session, col

from data_layer.models import Agency, County, Neighborhood, Verification
from data_layer.models_indicators import (
    Indicator,
    IndicatorStanding,
    IndicatorTarget,
    IndicatorValue,
)
from data_layer.queries.county import hood_in_county
from data_layer.rules import indicators as rule


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


# --- province-wide: read from indicator_standing, which every write keeps -------------------

_S = IndicatorStanding


# The neighborhood (with its county) and the indicator a standing row is about.
_PAIR_COLUMNS = (
    col(_S.neighborhood_id),
    col(County.name),
    col(Neighborhood.name),
    col(_S.indicator_id),
    col(Indicator.name),
    col(Indicator.unit),
    col(Indicator.direction),
)


def _live(query: Any, county_id: int | None = None) -> Any:
    """Only active neighborhoods (of one county, if given) and indicators, with the
    county's and the names."""
    return (
        query.join(Neighborhood, col(Neighborhood.id) == col(_S.neighborhood_id))
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .join(Indicator, col(Indicator.id) == col(_S.indicator_id))
        .where(
            col(Neighborhood.active).is_(True),
            col(Indicator.active).is_(True),
            hood_in_county(col(Neighborhood.county_id), county_id),
        )
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
    query = _live(
        select(
            *_PAIR_COLUMNS,
            col(IndicatorTarget.baseline_value),
            col(IndicatorTarget.target_value),
            col(IndicatorTarget.target_on),
            col(Indicator.period_kind),
            col(_S.latest_year),
            col(_S.latest_no),
            col(_S.latest_value),
            col(_S.status),
        ).join(
            IndicatorTarget,
            and_(
                col(IndicatorTarget.neighborhood_id) == col(_S.neighborhood_id),
                col(IndicatorTarget.indicator_id) == col(_S.indicator_id),
            ),
        )
    ).order_by(col(County.name), col(Neighborhood.name), col(Indicator.name))
    records = [
        (
            *r[:10],
            rule.period_label(r[10], r[11], r[12]) if r[11] is not None else "",
            r[13],
            r[14],
        )
        for r in session.execute(query).all()
    ]
    return pd.DataFrame(records, columns=TARGET_STATUS_COLUMNS)


def target_status_counts(session: Session, *, county_id: int | None = None) -> dict[str, int]:
    """How many (neighborhood, indicator) targets are on track, off track, without data
    (of one county's neighborhoods, if given)."""
    counts = {s.value: 0 for s in rule.IndicatorStatus}
    query = _live(
        select(col(_S.status), func.count()).where(col(_S.has_target).is_(True)), county_id
    ).group_by(col(_S.status))
    for state, n in session.execute(query).all():
        counts[state] = int(n)
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


def _in_newest_period(query: Any, county_id: int | None = None) -> Any:
    """The wrong-way pairs of `query` (of one county's neighborhoods, if given), in their
    indicator's newest reported period."""
    newest = (
        select(col(_S.indicator_id).label("indicator_id"), func.max(_S.latest_end).label("end"))
        .group_by(col(_S.indicator_id))
        .subquery()
    )
    return _live(
        query.join(
            newest,
            and_(newest.c.indicator_id == col(_S.indicator_id), newest.c.end == col(_S.latest_end)),
        ).where(col(_S.wrong_way).is_(True)),
        county_id,
    )


def wrong_way_count(session: Session, *, county_id: int | None = None) -> int:
    """How many pairs moved the wrong way in their indicator's newest period (the rows
    `wrong_way_moves` lists), counted in SQL."""
    return int(
        session.execute(
            _in_newest_period(select(func.count()).select_from(_S), county_id)
        ).scalar_one()
    )


def _wrong_way_query(limit: int | None, county_id: int | None = None) -> Any:
    """The wrong-way pairs in their indicator's newest period, worst relative change first."""
    query = _in_newest_period(
        select(
            *_PAIR_COLUMNS,
            col(Indicator.period_kind),
            col(_S.previous_year),
            col(_S.previous_no),
            col(_S.previous_value),
            col(_S.latest_year),
            col(_S.latest_no),
            col(_S.latest_value),
        ),
        county_id,
    )
    change = func.abs(col(_S.latest_value) - col(_S.previous_value))
    worst = case(
        (col(_S.previous_value) == 0, literal(1.0)),
        else_=change / func.abs(col(_S.previous_value)),
    )
    query = query.order_by(worst.desc(), col(Neighborhood.name), col(Indicator.name))
    if limit is not None:
        query = query.limit(limit)
    return query


def wrong_way_moves(
    session: Session, limit: int | None = None, *, county_id: int | None = None
) -> pd.DataFrame:
    """Pairs whose value in the indicator's latest reported period got worse than the
    neighborhood's value before it; largest relative worsening first (the first `limit`;
    None: all). The order and the limit are SQL's, so a screen that shows a few reads a few."""
    query = _wrong_way_query(limit, county_id)
    records = []
    for (
        n,
        county,
        name,
        i,
        ind,
        unit,
        direction,
        kind,
        y0,
        p0,
        before,
        y1,
        p1,
        now,
    ) in session.execute(query).all():
        share = abs(now - before) / abs(before) if before else 1.0
        records.append(
            (
                n,
                county,
                name,
                i,
                ind,
                unit,
                direction,
                rule.period_label(kind, y0, p0),
                before,
                rule.period_label(kind, y1, p1),
                now,
                round(share, 4),
            )
        )
    return pd.DataFrame(records, columns=WRONG_WAY_COLUMNS)


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


def indicator_value_rows(session: Session, *, county_id: int | None = None) -> pd.DataFrame:
    """Every value of an active indicator in an active neighborhood (of one county, if
    given), by place and period."""
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
        .where(
            col(Neighborhood.active).is_(True),
            col(Indicator.active).is_(True),
            hood_in_county(col(Neighborhood.county_id), county_id),
        )
        .order_by(
            col(County.name),
            col(Neighborhood.name),
            col(Indicator.name),
            col(IndicatorValue.period_end),
        )
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=VALUE_ROW_COLUMNS)
