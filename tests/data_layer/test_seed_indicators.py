"""The sample indicators: eight measures, targets and values for the sample
neighborhoods, all marked as sample data; a second seed adds nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import col

from data_layer.db import read_session, write_session
from data_layer.models import Neighborhood
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue
from data_layer.queries.indicators import target_status_counts, wrong_way_moves
from data_layer.seed_indicators import SAMPLE_INDICATORS, seed_sample_indicators

AS_OF = date(2026, 11, 28)


def test_the_sample_has_every_indicator_with_targets_and_values(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        names = set(s.execute(select(col(Indicator.name))).scalars())
        assert names == {i.name for i in SAMPLE_INDICATORS}
        for model in (Indicator, IndicatorTarget, IndicatorValue):
            flags = set(s.execute(select(col(model.is_sample))).scalars())  # type: ignore[attr-defined]
            assert flags == {True}, model
        hoods = s.execute(select(func.count()).select_from(Neighborhood)).scalar_one()
        per_hood = s.execute(
            select(func.count(func.distinct(IndicatorValue.neighborhood_id)))
        ).scalar_one()
        assert per_hood == hoods
        counts = target_status_counts(s)
        moves = wrong_way_moves(s)
        latest = s.execute(select(func.max(IndicatorValue.period_end))).scalar_one()
    # something on track, off track and without data, and some moves the wrong way
    assert all(n > 0 for n in counts.values()), counts
    assert len(moves) > 0
    assert latest < AS_OF  # only periods that have ended


def test_a_second_seed_adds_nothing(seeded_url: str) -> None:
    with write_session(seeded_url) as s:
        assert seed_sample_indicators(s, AS_OF) == {"indicator_target": 0, "indicator_value": 0}
