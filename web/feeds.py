"""The read-only data feeds: coverage, gaps, deliveries, capacity and indicator values as
CSV with HXL."""

from __future__ import annotations

from data_layer.db import read_session
from data_layer.exports import (
    capacity_table,
    coverage_table,
    deliveries_table,
    gaps_table,
    indicators_table,
    to_csv_with_hxl,
)

FEEDS = {
    "coverage": coverage_table,
    "gaps": gaps_table,
    "deliveries": deliveries_table,
    "capacity": capacity_table,
    "indicators": indicators_table,
}


def feed_csv(url: str, name: str) -> bytes:
    """One feed as UTF-8 CSV: the Persian headers, the HXL row, the rows."""
    with read_session(url) as s:
        df, tags = FEEDS[name](s)
    return to_csv_with_hxl(df, tags)
