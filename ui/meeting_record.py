"""A meeting's record on its page: take it (the secretariat), see it, and then → now.

The record is the follow-up as reported when the meeting was held. Taken on the
meeting's day it is the live rows at that moment; afterwards it is replayed from
history as of the meeting's start. Then → now compares it with the rows today."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.snapshots import freeze_meeting
from data_layer.db import read_session
from data_layer.jalali import format_jalali, format_jalali_datetime, format_number, format_percent
from data_layer.permissions import Action, Reader, Scope
from data_layer.queries import snapshots as qs
from ui.cache import loader
from ui.pickers import as_shown
from ui.run import run_command

__all__ = ["movement_table", "record_label", "record_section"]

HOW = {"live": "در جلسه، از گزارش‌های همان لحظه", "replay": "پس از جلسه، بازسازی از تاریخچه"}


def record_label(record: qs.Record) -> str:
    """«وضعیت ثبت‌شده در ۱۴۰۵/۰۹/۱۰ ساعت ۰۹:۰۰ (در جلسه…)»."""
    return f"وضعیت ثبت‌شده در {format_jalali_datetime(record.as_of)} ({HOW[record.how]})"


def movement_table(summary: pd.DataFrame, by: str) -> pd.DataFrame:
    """Then → now counts per agency or resolution, for st.dataframe (right to left)."""
    return pd.DataFrame(
        {
            "پیشرفت اکنون": summary["now_progress"].map(format_percent),
            "پیشرفت آن روز": summary["then_progress"].map(format_percent),
            **{
                label: summary[kind].map(format_number)
                for kind, label in reversed(qs.MOVEMENT_LABELS.items())
            },
            "ردیف": summary["rows"].map(format_number),
            ("دستگاه" if by == "agency" else "مصوبه"): summary["name"],
        }
    )


@loader()
def _movement(url: str, scope: Scope, record_id: int, version: int) -> dict[str, Any]:
    with read_session(url) as s:
        record = qs.record_by_id(s, record_id)
        moved = qs.movement(s, record, None)
        return {
            "agency": qs.movement_by(s, moved, "agency"),
            "resolution": qs.movement_by(s, moved, "resolution"),
            "totals": moved["movement"].value_counts().to_dict(),
        }


def _freeze_button(url: str, meeting: dict[str, Any], today: date) -> None:
    mid = int(meeting["id"])
    if meeting["held_on"] > today:
        st.caption(
            f"وضعیت پیگیری این جلسه را در روز جلسه ({format_jalali(meeting['held_on'])}) ثبت کنید."
        )
        return
    live = meeting["held_on"] == today
    st.caption(
        "با ثبت، گزارش‌های همین لحظهٔ دستگاه‌ها سند جلسه می‌شود و نمایش و گزارش جلسه همان را"
        " نشان می‌دهند."
        if live
        else "جلسه برگزار شده است؛ وضعیت هر ردیف در ساعت شروع جلسه از تاریخچه بازسازی و ثبت می‌شود."
    )
    key = f"mt_record_{mid}"
    shown = as_shown(key, int(meeting["version"]))
    if st.button("ثبت وضعیت پیگیری این جلسه", key=f"{key}_{shown}", icon=":material/lock:"):
        run_command(
            url,
            lambda s, who: freeze_meeting(s, actor=who, meeting_id=mid, expected_version=shown),
            done=lambda r: f"وضعیت {format_number(r.rows)} ردیف برای این جلسه ثبت شد.",
            shown=key,
        )


def record_section(
    url: str, reader: Reader, meeting: dict[str, Any], today: date, version: int
) -> None:
    """The meeting's record and what moved since, or the button that takes it (for a
    reader who may take it)."""
    st.markdown("##### سند پیگیری جلسه: آن روز ← اکنون")
    with read_session(url) as s:
        record = qs.record_of(s, int(meeting["id"]))
    if record is None:
        if reader.may(Action.MANAGE_MEETINGS):
            _freeze_button(url, meeting, today)
        else:
            st.caption("وضعیت پیگیری این جلسه هنوز ثبت نشده است.")
        return
    st.caption(f"{record_label(record)} — {format_number(record.rows)} ردیف")
    data = _movement(url, reader.scope, record.id, version)
    totals = data["totals"]
    cols = st.columns(len(qs.MOVEMENT_LABELS))
    for c, (kind, label) in zip(cols, qs.MOVEMENT_LABELS.items(), strict=True):
        c.metric(label, format_number(int(totals.get(kind, 0))))
    by_agency, by_resolution = st.tabs(["به تفکیک دستگاه", "به تفکیک مصوبه"])
    with by_agency:
        st.dataframe(movement_table(data["agency"], "agency"), hide_index=True, width="stretch")
    with by_resolution:
        st.dataframe(
            movement_table(data["resolution"], "resolution"), hide_index=True, width="stretch"
        )
