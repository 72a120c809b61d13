"""Entry point: page config, theme and RTL, the database, and the navigation."""

from __future__ import annotations

import streamlit as st

from data_layer.bootstrap import prepare_database
from data_layer.config import get_settings
from ui.theme import apply_theme

st.set_page_config(
    page_title="داشبورد پایش کارگروه اجتماعی استان",
    page_icon="🏛️",
    layout="wide",
    initial_sidebar_state="collapsed",
)


@st.cache_resource(show_spinner="در حال آماده‌سازی پایگاه داده…")
def _prepare(url: str) -> bool:
    prepare_database(url)
    return True


_prepare(get_settings().database_url)
apply_theme()

navigation = st.navigation(
    [
        st.Page(
            "pages/resolutions.py",
            title="مصوبات",
            icon=":material/fact_check:",
            url_path="resolutions",
            default=True,
        ),
    ],
    position="top",
)
navigation.run()
