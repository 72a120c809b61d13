"""Reads for the secretariat's indicator forms: the values waiting for verification and
one neighborhood's target for an indicator."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.models import Agency, County, Neighborhood, Verification
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue

VERIFY_COLUMNS = [
    "value_id",
    "version",
    "county",
    "neighborhood",
    "indicator",
    "unit",
    "agency",
    "period_kind",
    "period_year",
    "period_no",
    "value",
    "source",
    "note",
    "reported_at",
    "is_sample",
]


def _to_verify() -> Any:
    """The columns of a value awaiting verification, with its place, indicator and agency."""
    return (
        select(
            col(IndicatorValue.id),
            col(IndicatorValue.version),
            col(County.name),
            col(Neighborhood.name),
            col(Indicator.name),
            col(Indicator.unit),
            col(Agency.short_name),
            col(Indicator.period_kind),
            col(IndicatorValue.period_year),
            col(IndicatorValue.period_no),
            col(IndicatorValue.value),
            col(IndicatorValue.source),
            col(IndicatorValue.note),
            col(IndicatorValue.reported_at),
            col(IndicatorValue.is_sample),
        )
        .join(Neighborhood, col(Neighborhood.id) == col(IndicatorValue.neighborhood_id))
        .join(County, col(County.id) == col(Neighborhood.county_id))
        .join(Indicator, col(Indicator.id) == col(IndicatorValue.indicator_id))
        .join(Agency, col(Agency.id) == col(Indicator.agency_id))
        .where(_AWAITING)
    )


# A value nobody has ruled on yet: what the verification tab and the inbox hold.
_AWAITING = col(IndicatorValue.verification) == Verification.UNVERIFIED.value


def values_awaiting_count(session: Session) -> int:
    """How many values await the secretariat's verification (read from an index)."""
    return int(
        session.execute(
            select(func.count()).select_from(IndicatorValue).where(_AWAITING)
        ).scalar_one()
    )


def values_to_verify(
    session: Session, limit: int = 200, opened: int | None = None
) -> tuple[pd.DataFrame, int]:
    """Values awaiting verification, the longest waiting first (at most `limit`, plus the
    value `opened` when it still awaits and lies beyond them), and how many there are."""
    rows = list(
        session.execute(
            _to_verify()
            .order_by(col(IndicatorValue.reported_at), col(IndicatorValue.id))
            .limit(limit)
        ).all()
    )
    if opened is not None and opened not in {r[0] for r in rows}:
        rows += session.execute(_to_verify().where(col(IndicatorValue.id) == opened)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=VERIFY_COLUMNS)
    return frame, values_awaiting_count(session)


def target_of(session: Session, neighborhood_id: int, indicator_id: int) -> dict[str, Any] | None:
    """A neighborhood's baseline and target for an indicator, for the form (None: none set)."""
    row = session.execute(
        select(IndicatorTarget).where(
            col(IndicatorTarget.neighborhood_id) == neighborhood_id,
            col(IndicatorTarget.indicator_id) == indicator_id,
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return {
        "baseline_value": row.baseline_value,
        "baseline_year": row.baseline_year,
        "baseline_no": row.baseline_no,
        "target_value": row.target_value,
        "target_on": row.target_on,
        "note": row.note,
        "version": row.version,
    }
