"""The steps a new province has left, on the overview of its administrator and secretariat:
each says what to do and links to where it is done; the box is gone once all are done."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from data_layer.jalali import format_number
from data_layer.labels import ROLE_LABELS
from data_layer.queries.setup_steps import SetupStep

__all__ = ["setup_steps"]


def setup_steps(steps: Sequence[SetupStep]) -> None:
    """«راه‌اندازی استان: N گام مانده» and one link per step (nothing when none is left)."""
    if not steps:
        return
    with st.container(border=True, key="setup_steps"):
        st.markdown(
            f"**راه‌اندازی استان: {format_number(len(steps))} گام مانده است.** تا این گام‌ها"
            " انجام نشوند، نمای کلی چیزی برای نشان دادن ندارد."
        )
        for n, step in enumerate(steps, start=1):
            st.page_link(
                f"pages/{step.page}.py",
                label=f"{format_number(n)}. {step.title}",
                icon=":material/arrow_back:",
            )
            st.caption(f"{step.how} (کار {ROLE_LABELS[step.who]})")
