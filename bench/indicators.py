"""The indicator reads at S against L: the province's target counts, the wrong-way moves
(all, the 8 worst, their count), one neighborhood's indicators and the values awaiting
verification (what the overview, the dossier and the secretariat's inbox call).

    python -m bench.indicators [--dbs sqlite,postgresql] [--repeat 7]

Prints, for each database, the median of `repeat` timed calls (after one warm-up) at S
and at L and their ratio, with the rows each dataset holds. Not a test: figures only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from bench.datasets import Dataset, prepare
from data_layer.db import read_session
from data_layer.models import Neighborhood
from data_layer.models_indicators import IndicatorValue
from data_layer.queries.indicator_forms import values_to_verify
from data_layer.queries.indicators import (
    neighborhood_indicators,
    target_status_counts,
    wrong_way_count,
    wrong_way_moves,
)

# What the overview, the projector, the dossier and the secretariat's inbox call.
READS = (
    "target_status_counts",
    "wrong_way_moves",
    "wrong_way_moves(limit=8)",
    "wrong_way_count",
    "neighborhood_indicators",
    "values_to_verify(limit=5)",
)


def _median_ms(url: str, call: Callable[[Any], object], repeat: int) -> float:
    with read_session(url) as s:
        call(s)  # warm-up: plans and caches
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call(s)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(ds: Dataset, repeat: int) -> dict[str, float]:
    """Median milliseconds of each read on one dataset, and its size."""
    prepare(ds)
    with read_session(ds.url) as s:
        hood = s.execute(select(func.min(Neighborhood.id))).scalar_one()
        values = s.execute(select(func.count()).select_from(IndicatorValue)).scalar_one()
        hoods = s.execute(select(func.count()).select_from(Neighborhood)).scalar_one()
    return {
        "neighborhoods": hoods,
        "values": values,
        "target_status_counts": _median_ms(ds.url, target_status_counts, repeat),
        "wrong_way_moves": _median_ms(ds.url, wrong_way_moves, repeat),
        "wrong_way_moves(limit=8)": _median_ms(
            ds.url, lambda s: wrong_way_moves(s, limit=8), repeat
        ),
        "wrong_way_count": _median_ms(ds.url, wrong_way_count, repeat),
        "values_to_verify(limit=5)": _median_ms(
            ds.url, lambda s: values_to_verify(s, limit=5), repeat
        ),
        "neighborhood_indicators": _median_ms(
            ds.url, lambda s: neighborhood_indicators(s, hood), repeat
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dbs", default="sqlite")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for db in args.dbs.split(","):
        small, large = (measure(Dataset(db, size), args.repeat) for size in ("S", "L"))
        print(
            f"\n{db}: S {small['neighborhoods']:.0f} neighborhoods, {small['values']:.0f} values;"
            f" L {large['neighborhoods']:.0f} neighborhoods, {large['values']:.0f} values"
        )
        print(f"{'read':28} {'S ms':>9} {'L ms':>9} {'L/S':>6}")
        for name in READS:
            s_ms, l_ms = small[name], large[name]
            print(f"{name:28} {s_ms:9.2f} {l_ms:9.2f} {l_ms / s_ms:6.2f}")


if __name__ == "__main__":
    main()
