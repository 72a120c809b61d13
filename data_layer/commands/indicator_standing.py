"""Keep `indicator_standing` (models_indicators.IndicatorStanding) true: called, in the
same transaction, by every write that can move a neighborhood's indicator — so the
overview's counts are one small aggregate whatever the number of values stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select, true, tuple_
from sqlmodel import Session, col

from data_layer.models import Verification
from data_layer.models_indicators import (
    Indicator,
    IndicatorStanding,
    IndicatorTarget,
    IndicatorValue,
)
from data_layer.rules import indicators as rule

__all__ = ["indicator_pairs", "refresh_standings"]

_CHUNK = 500
Pair = tuple[int, int]


def indicator_pairs(session: Session, indicator_id: int) -> set[Pair]:
    """Every (neighborhood, indicator) of this indicator with a target or a value."""
    pairs = {
        (n, indicator_id)
        for (n,) in session.execute(
            select(col(IndicatorValue.neighborhood_id))
            .where(col(IndicatorValue.indicator_id) == indicator_id)
            .distinct()
        ).all()
    }
    pairs |= {
        (n, indicator_id)
        for (n,) in session.execute(
            select(col(IndicatorTarget.neighborhood_id)).where(
                col(IndicatorTarget.indicator_id) == indicator_id
            )
        ).all()
    }
    return pairs


def _where(pairs: list[Pair] | None, n: Any, i: Any) -> Any:
    return true() if pairs is None else tuple_(n, i).in_(pairs)


def _standings(session: Session, pairs: list[Pair] | None) -> list[dict[str, Any]]:
    """The standing rows of `pairs` (None: every pair), computed from the store."""
    last: dict[Pair, list[IndicatorValue]] = defaultdict(list)
    for v in session.execute(
        select(IndicatorValue)
        .where(
            col(IndicatorValue.verification) != Verification.REJECTED.value,
            _where(pairs, col(IndicatorValue.neighborhood_id), col(IndicatorValue.indicator_id)),
        )
        .order_by(col(IndicatorValue.period_end).desc())
    ).scalars():
        kept = last[(v.neighborhood_id, v.indicator_id)]
        if len(kept) < 2:
            kept.append(v)
    targets = {
        (t.neighborhood_id, t.indicator_id): t
        for t in session.execute(
            select(IndicatorTarget).where(
                _where(
                    pairs, col(IndicatorTarget.neighborhood_id), col(IndicatorTarget.indicator_id)
                )
            )
        ).scalars()
    }
    directions = {i.id: i.direction for i in session.execute(select(Indicator)).scalars()}
    keys = sorted(set(last) | set(targets)) if pairs is None else sorted(set(pairs))
    return [
        _standing(pair, last.get(pair, []), targets.get(pair), directions[pair[1]])
        for pair in keys
        if pair in last or pair in targets
    ]


def _standing(
    pair: Pair, values: list[IndicatorValue], target: IndicatorTarget | None, direction: str
) -> dict[str, Any]:
    """One pair's standing row from its last two counted values and its target."""
    latest = values[0] if values else None
    previous = values[1] if len(values) > 1 else None
    state = rule.IndicatorStatus.NO_DATA
    if target is not None:
        trend = rule.Trend(
            direction,
            target.baseline_value,
            target.baseline_end,
            target.target_value,
            target.target_on,
        )
        state = rule.status(trend, (latest.period_end, latest.value) if latest else None)
    return {
        "neighborhood_id": pair[0],
        "indicator_id": pair[1],
        "has_target": target is not None,
        "status": state.value,
        "latest_year": latest.period_year if latest else None,
        "latest_no": latest.period_no if latest else None,
        "latest_end": latest.period_end if latest else None,
        "latest_value": latest.value if latest else None,
        "previous_year": previous.period_year if previous else None,
        "previous_no": previous.period_no if previous else None,
        "previous_value": previous.value if previous else None,
        "wrong_way": bool(
            latest and previous and rule.moved_wrong_way(direction, previous.value, latest.value)
        ),
    }


def refresh_standings(session: Session, pairs: Iterable[Pair] | None = None) -> int:
    """Compute the standing of `pairs` (None: every pair) again; returns the rows kept."""
    chunks: list[list[Pair] | None]
    if pairs is None:
        chunks = [None]
    else:
        wanted = sorted(set(pairs))
        chunks = [wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK)]
    kept = 0
    for chunk in chunks:
        if chunk == []:
            continue
        rows = _standings(session, chunk)
        session.execute(
            delete(IndicatorStanding).where(
                _where(
                    chunk,
                    col(IndicatorStanding.neighborhood_id),
                    col(IndicatorStanding.indicator_id),
                )
            )
        )
        if rows:
            session.execute(insert(IndicatorStanding), rows)
        kept += len(rows)
    return kept
