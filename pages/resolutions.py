"""مصوبات: a meeting's resolutions and each responsible agency's follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.db import read_session
from data_layer.jalali import format_jalali, format_jalali_long, format_number, local_today
from data_layer.jalali import to_fa_digits as fa
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS
from data_layer.output import inert
from data_layer.permissions import Readable, Scope
from data_layer.queries import resolutions as q
from data_layer.queries.settings import get_lead_weight, lead_weight_note
from ui.cache import loader
from ui.freshness import current_version, keep_fresh
from ui.html import Html, show
from ui.matrix import matrix_html, resolution_list_html
from ui.pickers import distinct
from ui.session import page_reader
from ui.status import legend_html
from ui.theme import page_title


@loader()
def load_meetings(url: str, scope: Scope, version: int) -> pd.DataFrame:
    """Meetings for the picker."""
    with read_session(url) as s:
        return q.list_meetings(s)


@loader(spinner="در حال خواندن پیگیری‌ها…")
def load_meeting(
    url: str,
    scope: Scope,
    meeting_id: int,
    today: date,
    agency_ids: tuple[int, ...],
    statuses: tuple[str, ...],
    version: int,
) -> dict[str, Any]:
    """Everything the screen shows for one meeting and one set of filters."""
    agencies = list(agency_ids) or None
    with read_session(url) as s:
        lead_weight = get_lead_weight(s)
        return {
            "meeting": q.meeting_header(s, meeting_id),
            "lead_weight": lead_weight,
            "resolutions": q.meeting_resolutions(s, meeting_id, lead_weight),
            "cells": q.follow_up_matrix(s, meeting_id, today, agencies),
            "visible": q.follow_up_matrix(s, meeting_id, today, agencies, list(statuses))
            if statuses
            else None,
            "summary": q.agency_status_summary(s, meeting_id, today, agencies),
            "agencies": q.agency_choices(s, meeting_id),
            "owners": q.owners_on_record(s, meeting_id),
        }


def meeting_label(row: pd.Series) -> str:
    """«جلسه ۷ — ۱۴۰۲/۰۷/۲۹», with (نمونه) on sample meetings."""
    label = f"جلسه {fa(row['number'])} — {format_jalali(row['held_on'])}"
    return label + (" (نمونه)" if row["is_sample"] else "")


def kpis_html(resolutions: pd.DataFrame, summary: pd.DataFrame) -> Html:
    """Headline figures for the rows on screen."""
    rows = int(summary["rows"].sum())

    def share(n: int) -> Html:
        percent = fa(round(100 * n / rows)) if rows else "۰"
        return Html("{} <small>({}٪)</small>").format(format_number(n), percent)

    items: list[tuple[str, str, str | Html]] = [
        ("", "مصوبات", format_number(len(resolutions))),
        ("", "ردیف‌های دستگاه‌ها", format_number(rows)),
        ("done", STATUS_LABELS["done"], share(int(summary["done"].sum()))),
        ("prog", STATUS_LABELS["in_progress"], share(int(summary["in_progress"].sum()))),
        ("none", STATUS_LABELS["not_started"], share(int(summary["not_started"].sum()))),
        ("late", OVERDUE_LABEL, share(int(summary["overdue"].sum()))),
    ]
    cards = Html("").join(
        Html('<div class="{}"><div class="v">{}</div><div class="l">{}</div></div>').format(
            f"kpi {cls}".strip(), value, label
        )
        for cls, label, value in items
    )
    return Html('<div class="kpis">{}</div>').format(cards)


url, reader = page_reader(Readable.RESOLUTIONS)
today = local_today()
version = current_version(url)
meetings = load_meetings(url, reader.scope, version)
if meetings.empty:
    page_title("پیگیری مصوبات")
    st.info("هنوز جلسه‌ای ثبت نشده است. دبیرخانه باید نخستین جلسه و مصوبات آن را ثبت کند.")
    st.stop()

header = st.container()  # filled once the chosen meeting is known
labels = distinct({int(r["id"]): meeting_label(r) for _, r in meetings.iterrows()})
ids = list(labels)
c_meeting, c_agency, c_status = st.columns([1.1, 1.6, 1.3])
meeting_id = c_meeting.selectbox(
    "جلسه", ids, index=0, format_func=labels.__getitem__, key="meeting"
)
base = load_meeting(url, reader.scope, meeting_id, today, (), (), version)
agency_names = distinct(
    dict(zip(base["agencies"]["id"], base["agencies"]["short_name"], strict=True))
)
agency_ids = c_agency.multiselect(
    "دستگاه",
    list(agency_names),
    format_func=agency_names.__getitem__,
    placeholder="همه دستگاه‌ها",
    key="agencies",
)
status_options = [*STATUS_LABELS, q.OVERDUE]
status_names = distinct({**STATUS_LABELS, q.OVERDUE: OVERDUE_LABEL})
statuses = c_status.multiselect(
    "وضعیت",
    status_options,
    format_func=status_names.__getitem__,
    placeholder="همه وضعیت‌ها",
    key="statuses",
)
data = load_meeting(
    url, reader.scope, meeting_id, today, tuple(agency_ids), tuple(statuses), version
)
meeting = data["meeting"]
cells, summary, resolutions = data["cells"], data["summary"], data["resolutions"]

sample_note = None
if meeting["is_sample"]:
    sample_note = "این جلسه و مصوبات آن برای نمایش ساخته شده‌اند."
else:
    sample_parts = []
    if bool(cells["agency_is_sample"].any()):
        sample_parts.append("فهرست دستگاه‌های عضو")
    if bool(cells["is_sample"].any()):
        sample_parts.append("وضعیت و پیشرفت پیگیری‌ها")
    if sample_parts:
        sample_note = (
            "متن جلسه و مصوبات از صورتجلسه واقعی است؛ " + " و ".join(sample_parts) + " نمونه است."
        )
when = format_jalali_long(meeting["held_on"])
if meeting["start_time"]:
    when += f"، ساعت {fa(meeting['start_time'])}"
with header:
    page_title(
        f"پیگیری مصوبات جلسه {fa(meeting['number'])}",
        f"{when} — {meeting['place']} — امروز {format_jalali_long(today)}",
        sample_note,
    )
    if meeting["chair"]:
        st.caption(f"رئیس جلسه: {inert(meeting['chair'])}")

visible_ids = None
if data["visible"] is not None:
    visible_ids = set(int(i) for i in data["visible"]["id"])
    shown_agencies = set(int(a) for a in data["visible"]["agency_id"])
    summary = summary[summary["agency_id"].isin(shown_agencies)]
    cells = cells[cells["agency_id"].isin(shown_agencies)]

show(kpis_html(resolutions, summary))
st.subheader("وضعیت هر دستگاه در هر مصوبه")
if summary.empty:
    st.info("هیچ ردیفی با این پالایه‌ها پیدا نشد. پالایهٔ دستگاه یا وضعیت را تغییر دهید.")
else:
    show(legend_html())
    show(matrix_html(cells, resolutions, summary, visible_ids))
    st.caption(
        "ستون‌ها شمارهٔ مصوبه‌اند (متن هر مصوبه در فهرست زیر و با نگه‌داشتن نشانگر روی شماره)؛"
        " دستگاه‌ها به ترتیب بیشترین تأخیر و کمترین سهم انجام‌شده مرتب شده‌اند؛"
        " خانهٔ قاب‌دار با نشان «اصلی» از آنِ مسئول اصلی مصوبه است."
    )

st.subheader("مصوبات")
st.caption(lead_weight_note(data["lead_weight"]))
show(resolution_list_html(resolutions, data["owners"]))
if meeting["summary"]:
    with st.expander("خلاصه مذاکرات جلسه"):
        for line in meeting["summary"].splitlines():
            show(Html('<p dir="rtl">{}</p>').format(line))

keep_fresh(url, version)
