"""The read-only data feeds: coverage, gaps, deliveries, capacity and indicator values as
CSV with HXL."""

from __future__ import annotations

from collections.abc import Callable

from data_layer.db import read_session
from data_layer.exports import (
    PROVINCE_ONLY,
    Table,
    capacity_table,
    coverage_table,
    deliveries_table,
    gaps_table,
    indicators_table,
    to_csv_with_hxl,
)

FEEDS: dict[str, Callable[..., Table]] = {
    "coverage": coverage_table,
    "gaps": gaps_table,
    "deliveries": deliveries_table,
    "capacity": capacity_table,
    "indicators": indicators_table,
}


def feed_csv(url: str, name: str, county_id: int | None = None) -> bytes:
    """One feed as UTF-8 CSV: the Persian headers, the HXL row, the rows (of one county's
    neighbourhoods with `county_id`; a province-only feed is refused for a county)."""
    if county_id is not None and name in PROVINCE_ONLY:
        raise ValueError(f"the {name} feed is of the whole province")
    with read_session(url) as s:
        df, tags = FEEDS[name](s, county_id) if county_id is not None else FEEDS[name](s)
    return to_csv_with_hxl(df, tags)
