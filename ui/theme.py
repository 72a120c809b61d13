"""Page-wide look: RTL, fonts, shared CSS, the title block and the sample badge."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path

import streamlit as st

from data_layer.labels import SAMPLE_BADGE

_CSS = Path(__file__).resolve().parents[1] / "assets" / "app.css"


@cache
def _css() -> str:
    return _CSS.read_text(encoding="utf-8")


def apply_theme() -> None:
    """Inject the app's stylesheet (once per script run)."""
    st.markdown(f"<style>{_css()}</style>", unsafe_allow_html=True)


def sample_badge_html(tooltip: str) -> str:
    """The «دادهٔ نمونه» badge, with what exactly is sample in its tooltip."""
    return f'<span class="badge badge-sample" title="{escape(tooltip)}">{SAMPLE_BADGE}</span>'


def page_title(title: str, subtitle: str = "", sample_note: str | None = None) -> None:
    """The page heading; a sample badge beside it when the page shows sample data."""
    badge = ""
    if sample_note:
        badge = sample_badge_html(sample_note)
        badge += f'<span class="sample-note">{escape(sample_note)}</span>'

    html = f'<div class="app-title"><h1>{escape(title)}</h1>{badge}</div>'
    if subtitle:
        html += f'<p class="app-subtitle">{escape(subtitle)}</p>'
    st.markdown(html, unsafe_allow_html=True)
