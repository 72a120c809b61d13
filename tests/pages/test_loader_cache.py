"""The one cache policy of ui/cache.py: keyed by every argument (the data version, and a
reader's scope like any other), bounded by count, refused without a version."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import streamlit as st

from ui.cache import loader


@dataclass(frozen=True)
class Scope:
    """A reader's reach, as a later issue will pass it (a county, or the province)."""

    county_id: int | None


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    st.cache_data.clear()


def test_an_entry_is_computed_once_per_version_and_again_after_a_write() -> None:
    computed: list[int] = []

    @loader()
    def figures(url: str, version: int) -> int:
        computed.append(version)
        return version * 10

    assert [figures("sqlite:///a.db", 1) for _ in range(3)] == [10, 10, 10]
    assert figures("sqlite:///a.db", 2) == 20  # a write moved the version
    assert figures("sqlite:///b.db", 2) == 20  # another database: its own entry
    assert computed == [1, 2, 2]


def test_two_scopes_never_share_an_entry() -> None:
    seen: list[Scope] = []

    @loader()
    def rows(url: str, version: int, scope: Scope) -> list[int | None]:
        seen.append(scope)
        return [scope.county_id]

    assert rows("sqlite:///a.db", 1, Scope(3)) == [3]
    assert rows("sqlite:///a.db", 1, Scope(None)) == [None]
    assert rows("sqlite:///a.db", 1, Scope(3)) == [3]
    assert seen == [Scope(3), Scope(None)]


def test_entries_are_bounded_by_count_least_recently_used_first() -> None:
    computed: list[int] = []

    @loader(keep=2)
    def page(url: str, version: int) -> int:
        computed.append(version)
        return version

    for version in (1, 2, 1, 3, 1, 2):
        page("sqlite:///a.db", version)
    # 3 pushed out 2 (1 was used since); then 2 pushed out 3.
    assert computed == [1, 2, 3, 2]


@pytest.mark.parametrize("arguments", ["url", "version", ""])
def test_a_loader_without_the_database_or_the_version_is_refused(arguments: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"def read({arguments}): return 1", namespace)
    with pytest.raises(TypeError, match="must take"):
        loader()(namespace["read"])  # type: ignore[type-var]
