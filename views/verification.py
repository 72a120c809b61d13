"""بررسی گزارش‌ها: the secretariat rules on what agencies claimed."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from data_layer.commands.assignments import VERDICTS, verify_assignment
from data_layer.config import get_settings
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, UserFacingError
from data_layer.jalali import (
    format_jalali,
    format_jalali_datetime,
    format_number,
    format_percent,
    local_today,
)
from data_layer.jalali import to_fa_digits as fa
from data_layer.labels import OVERDUE_LABEL, VERIFICATION_LABELS
from data_layer.models import Role
from data_layer.queries import assignments as qa
from ui.session import acting, require_actor
from ui.status import chip
from ui.theme import page_title

PAGE_SIZE = 10
url = get_settings().database_url
actor = require_actor(url, {Role.SECRETARIAT})
today = local_today()
SNAPSHOT = "claims_snapshot"
FLASH = "verification_flash"


def load_snapshot() -> pd.DataFrame:
    """Pending claims as this screen shows them; their versions guard the verdicts."""
    with read_session(url) as s:
        since = qa.last_look(s, actor.user_id)
        claims = qa.claims_to_verify(s, today, since)
        counts = qa.claims_count(s, since)
    st.session_state[SNAPSHOT] = (claims, since, counts)
    return claims


def reload(message: str) -> None:
    """Keep a message, forget the snapshot and rerun (caches key on the data version)."""
    st.session_state[FLASH] = message
    st.session_state.pop(SNAPSHOT, None)
    st.rerun()


if SNAPSHOT not in st.session_state:
    load_snapshot()
claims, since, (pending, fresh) = st.session_state[SNAPSHOT]
page_title(
    "بررسی گزارش دستگاه‌ها",
    "وضعیت گزارش‌شده و نتیجهٔ بررسی دبیرخانه کنار هم؛ ردشده‌ها با دلیل به دستگاه برمی‌گردند.",
    "بخشی از گزارش‌ها نمونه است." if bool(claims["is_sample"].any()) else None,
)
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

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
    with write_session(url) as s:
        qa.mark_looked(s, actor.user_id)
    reload("زمان بازدید ثبت شد؛ از این پس فقط گزارش‌های تازه‌تر «تازه» نشان داده می‌شوند.")
if b[1].button("خواندن دوباره", key="reload_claims", icon=":material/refresh:"):
    reload("فهرست دوباره خوانده شد.")

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
page = st.number_input(
    f"صفحه (از {format_number(pages)})", min_value=1, max_value=pages, value=1, key="claims_page"
)
start = (int(page) - 1) * PAGE_SIZE

for _, r in shown.iloc[start : start + PAGE_SIZE].iterrows():
    asg_id, version = int(r["id"]), int(r["version"])
    with st.container(border=True):
        new = ' <span class="badge badge-sample">تازه</span>' if r["new"] else ""
        late = f" — {OVERDUE_LABEL}" if r["overdue"] else ""
        st.markdown(
            f"**{escape(r['agency'])}** — جلسه {fa(r['meeting_number'])}، مصوبه"
            f" {fa(r['resolution_number'])}{new}<br><small>{escape(r['resolution_text'])}</small>",
            unsafe_allow_html=True,
        )
        st.markdown(
            f'<div class="side-by-side"><span>گزارش دستگاه:</span> {chip(r["status"])}'
            f" <span>پیشرفت {format_percent(r['progress'])}</span>"
            f" <span>— بررسی دبیرخانه: {escape(VERIFICATION_LABELS[r['verification']])}</span>"
            f" <span>— گزارش در {format_jalali_datetime(r['reported_at'])}{late}</span></div>",
            unsafe_allow_html=True,
        )
        if r["done_text"]:
            st.markdown(f"اقدامات: {escape(r['done_text'])}")
        planned = format_jalali(r["planned_date"]) if pd.notna(r["planned_date"]) else "—"
        st.caption(f"گام بعدی: {r['next_step'] or '—'} — تاریخ برنامه: {planned}")
        if r["evidence_url"]:
            st.markdown(f"پیوند مستند: `{r['evidence_url']}`")
        if int(r["evidence_count"]):
            with read_session(url) as s:
                files = qa.assignment_evidence(s, asg_id)
            for _, e in files[~files["withdrawn"]].iterrows():
                with read_session(url) as s:
                    blob = qa.evidence_file(s, int(e["id"]))
                if blob:
                    st.download_button(
                        f"دریافت {blob[0]}",
                        blob[2],
                        file_name=blob[0],
                        mime=blob[1],
                        key=f"v_dl_{e['id']}",
                    )
        with st.form(f"verify_{asg_id}_{version}"):
            cols = st.columns([2, 3, 1])
            verdict = cols[0].radio(
                "نتیجهٔ بررسی",
                [v.value for v in VERDICTS],
                format_func=VERIFICATION_LABELS.__getitem__,
                horizontal=True,
                key=f"verdict_{asg_id}_{version}",
            )
            note = cols[1].text_input("توضیح (برای رد الزامی است)", key=f"note_{asg_id}_{version}")
            submitted = cols[2].form_submit_button("ثبت", type="primary")
        if submitted:
            try:
                with acting(url) as (session, who):
                    verify_assignment(
                        session,
                        actor=who,
                        assignment_id=asg_id,
                        expected_version=version,
                        verdict=verdict,
                        note=note,
                    )
            except ConflictError as e:
                st.error(e.message)
            except UserFacingError as e:
                st.error(e.message)
            else:
                reload(
                    f"«{VERIFICATION_LABELS[verdict]}» برای {r['agency']}، مصوبه"
                    f" {fa(r['resolution_number'])} ثبت شد."
                )
