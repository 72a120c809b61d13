"""One cache policy for every loader: what sessions read alike is computed once for all.

`@loader()` caches a function that reads the database (a "loader") in Streamlit's
cache, shared by every session of the process and by the warmer (ui.warmer):

- keyed by every argument: the database URL, the data version (every write moves it,
  so nobody is shown a frame from before a save; ui.freshness reads it once a run) and
  whatever else changes the answer (the day, the filters, the agency). A reader's
  scope is one more argument like these, so two scopes never share an entry;
- bounded by count, never by age: each loader keeps its KEEP most recently used
  entries. An entry of the current version must not expire in a quiet hour (the
  warmer computes it once per version, and a first visitor after an expiry would
  compute it again); older versions' entries are the least recently used and go first.

A loader must take `url` and `version`: a cache that could outlive a write, or mix
two databases, is refused when the module is imported.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

import streamlit as st

KEEP = 16  # entries per loader
F = TypeVar("F", bound=Callable[..., Any])
REQUIRED = ("url", "version")


def loader(*, spinner: str | bool = False, keep: int = KEEP) -> Callable[[F], F]:
    """Cache a loader under the one policy; `spinner` is what a person waiting sees
    (False: nothing), `keep` the entries kept (a loader of large files keeps fewer)."""

    def cached(fn: F) -> F:
        missing = [name for name in REQUIRED if name not in inspect.signature(fn).parameters]
        if missing:
            raise TypeError(
                f"{fn.__qualname__} is cached, so it must take {' and '.join(missing)}:"
                " its entries are keyed by the database and the data version"
            )
        return cast(F, st.cache_data(max_entries=keep, show_spinner=spinner)(fn))

    return cached
