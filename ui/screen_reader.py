"""Streamlit's own controls named in Persian for screen readers (assets/screen_reader.js):
the skip link, the menu's landmark, the data grid's toolbar, chart menus; heading
anchors taken out of the accessibility tree. One small component (components v2,
inline JS bundled with the app) on every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

__all__ = ["persian_names"]

_JS = (Path(__file__).resolve().parents[1] / "assets" / "screen_reader.js").read_text(
    encoding="utf-8"
)
_component = st.components.v2.component(
    "persian_names", html="<span></span>", js=_JS, isolate_styles=False
)


def persian_names() -> None:
    """Install the renaming once on this page (it watches what appears later)."""
    _component(key="persian_names", height=0)
