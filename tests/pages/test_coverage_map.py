"""The coverage map names its dots without one name over another (ui.coverage_view)."""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from data_layer.db import read_data_version
from data_layer.permissions import PROVINCE
from ui.coverage_view import _overlap, map_boxes, named_apart, view


def _names_clear(per: pd.DataFrame) -> None:
    names, dots = map_boxes(per)
    chosen = [i for i, named in enumerate(per["named"]) if named]
    assert chosen, "the map names at least its most populous neighborhood"
    for i, j in combinations(chosen, 2):
        assert not _overlap(names[i], names[j]), (
            per["neighborhood"].iloc[i],
            per["neighborhood"].iloc[j],
        )
    for i in chosen:
        for j, dot in enumerate(dots):
            beside = j == i or _overlap(dot, dots[i])  # under the named dot itself
            assert beside or not _overlap(names[i], dot), per["neighborhood"].iloc[i]


def test_the_sample_province_map_names_no_two_dots_on_top_of_each_other(seeded_url: str) -> None:
    per = view(seeded_url, PROVINCE, (), (), None, None, read_data_version(seeded_url))["map"]
    assert len(per) == 24
    _names_clear(per)
    # The most populous neighborhood always carries its name.
    assert bool(per.loc[per["population"].idxmax(), "named"])


def test_a_cluster_of_dots_names_only_its_most_populous() -> None:
    per = pd.DataFrame(
        {
            "neighborhood": [f"محله شماره {n}" for n in range(10)] + ["دوردست"],
            "population": [1000 + 10 * n for n in range(10)] + [500],
            "lat": [34.0 + 0.0001 * n for n in range(10)] + [36.0],
            "lon": [50.0 + 0.0001 * n for n in range(10)] + [52.0],
        }
    )
    per["named"] = named_apart(per)
    assert per["named"].tolist() == [False] * 9 + [True, True]
    _names_clear(per)
