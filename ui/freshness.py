"""Screens stay fresh: cached reads are keyed by the data version, and read-only
screens poll it so a write made anywhere (any session, any replica) shows up."""

from __future__ import annotations

import streamlit as st

from data_layer.db import read_data_version

POLL_SECONDS = 5


def current_version(url: str) -> int:
    """The data version this run reads with (pass it to every cached loader)."""
    return read_data_version(url)


def keep_fresh(url: str, shown: int, every: int = POLL_SECONDS) -> None:
    """Rerun the whole screen when the data has changed since it was drawn.

    Only for screens without forms: a rerun would drop what someone is typing.
    """

    @st.fragment(run_every=every)
    def _watch() -> None:
        if read_data_version(url) != shown:
            st.rerun(scope="app")

    _watch()
