"""The registry's «نام‌های آموخته از صورتجلسه‌ها»: the names the secretariat matched by hand
in the minutes and asked to remember, each with its agency, who taught it and when, and
(for the secretariat) a way to take one back."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.commands.aliases import forget_learned_name
from data_layer.db import read_session
from data_layer.jalali import format_jalali_datetime, format_number
from data_layer.queries.aliases import learned_names
from ui.html import show
from ui.pickers import distinct
from ui.run import run_command
from ui.tables import html_table

__all__ = ["learned_names_section"]


def learned_names_section(url: str, registry: pd.DataFrame, *, can_edit: bool) -> None:
    """The learned names of every agency (retired and merged ones too, marked)."""
    with read_session(url) as s:
        learned = learned_names(s)
    st.subheader("نام‌های آموخته از صورتجلسه‌ها")
    if learned.empty:
        st.caption(
            "هنوز نامی به خاطر سپرده نشده است؛ در ورود مصوبات از صورتجلسه، نامی که دستی با"
            " دستگاهی جور می‌شود با «به خاطر سپرده شود» اینجا می‌آید."
        )
        return
    label = {
        int(r["id"]): str(r["short_name"])
        + ("" if r["active"] else " (غیرفعال؛ این نام جور نمی‌شود)")
        for _, r in registry.iterrows()
    }
    st.caption(f"{format_number(len(learned))} نام؛ هر نام تنها یک دستگاه را می‌رساند.")
    show(
        html_table(
            ["دستگاه", "نام به نوشتهٔ صورتجلسه", "به خاطر سپرد", "زمان"],
            [
                [
                    label.get(int(r["agency_id"]), "?"),
                    r["alias"],
                    r["added_by"] or "—",
                    format_jalali_datetime(r["added_at"]),
                ]
                for _, r in learned.iterrows()
            ],
            "learned",
        )
    )
    if not can_edit:
        return
    names = {
        int(r["id"]): f"{r['alias']} ← {label.get(int(r['agency_id']), '?')}"
        for _, r in learned.iterrows()
    }
    names = distinct(names)
    picked = st.selectbox(
        "برداشتن یک نام آموخته",
        list(names),
        index=None,
        format_func=names.__getitem__,
        placeholder="نامی را انتخاب کنید",
        key="ag_learned_pick",
    )
    if picked is not None and st.button("برداشتن این نام", key="ag_learned_forget"):
        run_command(
            url,
            lambda s, who: forget_learned_name(s, actor=who, alias_id=int(picked)),
            done=lambda alias: f"نام «{alias}» از نام‌های آموخته برداشته شد.",
        )
