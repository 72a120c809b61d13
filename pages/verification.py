"""بررسی گزارش‌ها: the secretariat rules on what agencies claimed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.commands.verification import VERDICTS, mark_claims_seen, verify_assignment
from data_layer.db import read_session
from data_layer.jalali import (
    format_jalali,
    format_jalali_datetime,
    format_number,
    format_percent,
    local_today,
)
from data_layer.jalali import to_fa_digits as fa
from data_layer.labels import OVERDUE_LABEL, VERIFICATION_LABELS
from data_layer.output import inert
from data_layer.permissions import Readable
from data_layer.queries import assignments as qa
from ui.html import Html, show
from ui.numbers import number_field, whole_or
from ui.run import Command, flash, record_quietly, run_command
from ui.session import page_person
from ui.status import chip
from ui.theme import page_title

PAGE_SIZE = 10
url, actor = page_person(Readable.VERIFICATION)
today = local_today()
SNAPSHOT = "claims_snapshot"


def load_snapshot() -> pd.DataFrame:
    """Pending claims as this screen shows them; their versions guard the verdicts."""
    with read_session(url) as s:
        since = qa.last_look(s, actor.user_id)
        claims = qa.claims_to_verify(s, today, since)
        counts = qa.claims_count(s, since)
    st.session_state[SNAPSHOT] = (claims, since, counts)
    return claims


if SNAPSHOT not in st.session_state:
    load_snapshot()
    # This visit is the next one's «last visit»: what arrives after it shows as new then.
    record_quietly(url, lambda s, who: mark_claims_seen(s, actor=who, visit=True), "a visit")
claims, since, (pending, fresh) = st.session_state[SNAPSHOT]
page_title(
    "بررسی گزارش دستگاه‌ها",
    "وضعیت گزارش‌شده و نتیجهٔ بررسی دبیرخانه کنار هم؛ ردشده‌ها با دلیل به دستگاه برمی‌گردند.",
    "بخشی از گزارش‌ها نمونه است." if bool(claims["is_sample"].any()) else None,
)
c = st.columns([1, 1, 2])
c[0].metric("گزارش‌های بررسی‌نشده", format_number(pending))
c[1].metric("تازه از آخرین بازدید شما", format_number(fresh))
if pending > len(claims):
    st.caption(f"{format_number(len(claims))} گزارش تازه‌تر در فهرست زیر است.")
c[2].caption(
    f"آخرین بازدید شما: {format_jalali_datetime(since)}"
    if since
    else "نخستین بازدید شما از این صفحه است."
)
b = st.columns([1, 1, 2])
if b[0].button("همه را دیده‌ام", key="mark_seen", icon=":material/done_all:"):
    run_command(
        url,
        lambda s, who: mark_claims_seen(s, actor=who),
        done="زمان بازدید ثبت شد؛ از این پس فقط گزارش‌های تازه‌تر «تازه» نشان داده می‌شوند.",
        forget=[SNAPSHOT],
    )
if b[1].button("خواندن دوباره", key="reload_claims", icon=":material/refresh:"):
    st.session_state.pop(SNAPSHOT, None)
    flash("فهرست دوباره خوانده شد.")

if claims.empty:
    st.info("گزارش بررسی‌نشده‌ای نیست.")
    st.stop()

f = st.columns([2, 1])
agencies = sorted(claims["agency"].unique())
chosen = f[0].multiselect("دستگاه", agencies, placeholder="همه دستگاه‌ها", key="claims_agencies")
only_new = f[1].toggle("فقط گزارش‌های تازه", key="claims_only_new")
shown = claims
if chosen:
    shown = shown[shown["agency"].isin(chosen)]
if only_new:
    shown = shown[shown["new"]]
pages = max(1, -(-len(shown) // PAGE_SIZE))
page = whole_or(
    number_field(st, f"صفحه (از {format_number(pages)})", 1, key="claims_page"),
    1,
    low=1,
    high=pages,
)
start = (page - 1) * PAGE_SIZE
on_page = shown.iloc[start : start + PAGE_SIZE]


def ruling(assignment_id: int, seen_version: int, outcome: str, why: str) -> Command[None]:
    """The secretariat's verdict on one row, as the row was shown."""
    return lambda s, who: verify_assignment(
        s,
        actor=who,
        assignment_id=assignment_id,
        expected_version=seen_version,
        verdict=outcome,
        note=why,
    )


with read_session(url) as s:  # every document of the page's rows, in one read
    documents = qa.live_evidence(s, [int(i) for i in on_page["id"]])

for _, r in on_page.iterrows():
    asg_id, version = int(r["id"]), int(r["version"])
    with st.container(border=True):
        new = Html(' <span class="badge badge-sample">تازه</span>') if r["new"] else ""
        late = f" — {OVERDUE_LABEL}" if r["overdue"] else ""
        show(
            Html("<b>{}</b> — جلسه {}، مصوبه {}{}<br><small>{}</small>").format(
                r["agency"],
                fa(r["meeting_number"]),
                fa(r["resolution_number"]),
                new,
                r["resolution_text"],
            )
        )
        show(
            Html(
                '<div class="side-by-side"><span>گزارش دستگاه:</span> {}'
                " <span>پیشرفت {}</span> <span>— بررسی دبیرخانه: {}</span>"
                " <span>— گزارش در {}{}</span></div>"
            ).format(
                chip(r["status"]),
                format_percent(r["progress"]),
                VERIFICATION_LABELS[r["verification"]],
                format_jalali_datetime(r["reported_at"]),
                late,
            )
        )
        if r["done_text"]:
            st.markdown("اقدامات: " + inert(r["done_text"]))
        planned = format_jalali(r["planned_date"]) if pd.notna(r["planned_date"]) else "—"
        st.caption(f"گام بعدی: {inert(r['next_step'] or '—')} — تاریخ برنامه: {planned}")
        if r["evidence_url"]:
            # Shown as text to copy, never as a link: the agency typed it.
            st.caption("پیوند مستند (برای بررسی، نشانی را کپی کنید):")
            st.code(r["evidence_url"], language=None, wrap_lines=True)
        for blob in documents.get(asg_id, []):
            st.download_button(
                f"دریافت {inert(blob.filename)}",
                blob.content,
                file_name=blob.filename,
                mime=blob.content_type,
                key=f"v_dl_{blob.id}",
                on_click="ignore",
            )
        with st.form(f"verify_{asg_id}_{version}", enter_to_submit=False):
            cols = st.columns([2, 3, 1])
            verdict = cols[0].radio(
                "نتیجهٔ بررسی",
                [v.value for v in VERDICTS],
                index=None,  # nothing chosen for the secretariat: one click never rules
                format_func=VERIFICATION_LABELS.__getitem__,
                horizontal=True,
                key=f"verdict_{asg_id}_{version}",
            )
            note = cols[1].text_input("توضیح (برای رد الزامی است)", key=f"note_{asg_id}_{version}")
            submitted = cols[2].form_submit_button("ثبت", type="primary")
        if submitted and verdict is None:
            st.error("نتیجهٔ بررسی را برگزینید؛ چیزی ثبت نشد.")
        elif submitted and verdict is not None:
            run_command(
                url,
                ruling(asg_id, version, verdict, note),
                done=f"«{VERIFICATION_LABELS[verdict]}» برای {r['agency']}، مصوبه"
                f" {fa(r['resolution_number'])} ثبت شد.",
                forget=[SNAPSHOT],
            )
