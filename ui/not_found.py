"""An address that names no page («/no_such_page»): Streamlit would open the default
page under a dialog of its own in English ("Page not found"). `install` makes
st.navigation remember the miss instead of sending that dialog, and `notice` says it
in Persian above the page that opened."""

from __future__ import annotations

import streamlit as st
from streamlit.commands import navigation as _navigation
from streamlit.runtime.scriptrunner import ScriptRunContext

from data_layer.config import is_hub

__all__ = ["MISSING", "MISSING_IN_HUB", "install", "notice"]

MISSING = "صفحه‌ای با این نشانی وجود ندارد؛ نمای کلی باز شد. صفحهٔ دیگر را از فهرست بالا برگزینید."
MISSING_IN_HUB = (
    "صفحه‌ای با این نشانی در سامانهٔ ملی وجود ندارد؛ نمای ملی باز شد."
    " صفحهٔ دیگر را از فهرست بالا برگزینید."
)
_KEY = "_address_named_no_page"


def _remember(ctx: ScriptRunContext) -> None:
    """In place of Streamlit's send_page_not_found: no English dialog, a flag instead."""
    ctx.session_state[_KEY] = True


def install() -> None:
    """Route st.navigation's "page not found" to `notice` (idempotent, cheap)."""
    _navigation.send_page_not_found = _remember


def notice() -> None:
    """Say in Persian that the typed address named no page, once."""
    if st.session_state.pop(_KEY, False):
        st.warning(MISSING_IN_HUB if is_hub() else MISSING)
