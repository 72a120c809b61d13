"""Page-wide look: RTL, fonts, shared CSS, the title block and the sample badge."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from data_layer.labels import SAMPLE_BADGE
from data_layer.output import inert_attr, inert_html
from ui.run import show_flash

_CSS = Path(__file__).resolve().parents[1] / "assets" / "app.css"


@cache
def _css() -> str:
    return _CSS.read_text(encoding="utf-8")


def apply_theme() -> None:
    """Inject the app's stylesheet (once per script run)."""
    st.markdown(f"<style>{_css()}</style>", unsafe_allow_html=True)


def sample_badge_html(tooltip: str) -> str:
    """The «دادهٔ نمونه» badge, with what exactly is sample in its tooltip."""
    return f'<span class="badge badge-sample" title="{inert_attr(tooltip)}">{SAMPLE_BADGE}</span>'


def page_title(title: str, subtitle: str = "", sample_note: str | None = None) -> None:
    """The page heading (a sample badge beside it when the page shows sample data), then the
    message the last action left, if any."""
    badge = ""
    if sample_note:
        badge = sample_badge_html(sample_note)
        badge += f'<span class="sample-note">{inert_html(sample_note)}</span>'

    html = f'<div class="app-title"><h1>{inert_html(title)}</h1>{badge}</div>'
    if subtitle:
        html += f'<p class="app-subtitle">{inert_html(subtitle)}</p>'
    st.markdown(html, unsafe_allow_html=True)
    show_flash()
