"""تنظیمات: scorecard thresholds, the lead owner's weight in a resolution's progress, who
may read without signing in and kiosk links (the secretariat); data-feed tokens (the
administrator)."""

from __future__ import annotations

from dataclasses import astuple

import streamlit as st

from data_layer.commands.profile import update_profile
from data_layer.commands.settings import set_lead_weight, set_thresholds
from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.models import AccessKind, Role
from data_layer.queries.overview import Thresholds
from data_layer.queries.profile import Profile, get_profile
from data_layer.queries.settings import (
    MAX_LEAD_WEIGHT,
    get_lead_weight,
    get_thresholds,
    lead_weight_note,
)
from ui.access import anonymous_read_form, tokens_section
from ui.pickers import as_shown
from ui.profile_form import logo_html, profile_fields
from ui.run import run_command
from ui.session import require_actor
from ui.theme import page_title

url = get_settings().database_url
actor = require_actor(url, {Role.SECRETARIAT, Role.ADMIN})


def thresholds_form(fresh: Thresholds) -> None:
    t = as_shown("thresholds", fresh)  # the values as the person first saw them
    k = "_".join(str(v) for v in astuple(t))  # fresh widgets whenever they change
    with st.form(f"thresholds_{k}", enter_to_submit=False):
        a, b = st.columns(2)
        green = a.number_input(
            "«مطلوب» از چند درصد انجام‌شده",
            0,
            100,
            round(100 * t.green_done_share),
            key=f"th_green:{k}",
        )
        red = b.number_input(
            "«نیازمند توجه» زیر چند درصد انجام‌شده",
            0,
            100,
            round(100 * t.red_done_share),
            key=f"th_red:{k}",
        )
        amber_overdue = a.number_input(
            "«مطلوب» فقط با کمتر از این تعداد ردیف دارای تأخیر",
            1,
            1000,
            t.amber_overdue,
            key=f"th_amber_o:{k}",
        )
        red_overdue = b.number_input(
            "«نیازمند توجه» از این تعداد ردیف دارای تأخیر",
            1,
            1000,
            t.red_overdue,
            key=f"th_red_o:{k}",
        )
        stale = a.number_input(
            "گزارش تازه یعنی در چند روز اخیر", 1, 365, t.stale_days, key=f"th_stale:{k}"
        )
        if st.form_submit_button("ذخیره", type="primary"):
            run_command(
                url,
                lambda s, who: set_thresholds(
                    s,
                    actor=who,
                    green_done_share=green,
                    red_done_share=red,
                    amber_overdue=amber_overdue,
                    red_overdue=red_overdue,
                    stale_days=stale,
                    expected=t,
                ),
                done="آستانه‌ها ذخیره شد؛ نمای کلی و حالت ارائه با آن‌ها رنگ‌بندی می‌شوند.",
                shown="thresholds",
            )


def lead_weight_form(fresh: int) -> None:
    weight = as_shown("lead_weight", fresh)  # the weight as the person first saw it
    with st.form(f"lead_weight_{weight}", enter_to_submit=False):
        value = st.number_input(
            "وزن مسئول اصلی در پیشرفت مصوبه",
            1,
            MAX_LEAD_WEIGHT,
            weight,
            help="عدد صحیح ۱ تا ۱۰؛ ۱ یعنی همهٔ دستگاه‌ها هم‌وزن‌اند.",
            key=f"lead_weight:{weight}",
        )
        st.caption(lead_weight_note(weight))
        if st.form_submit_button("ذخیرهٔ وزن", type="primary"):
            run_command(
                url,
                lambda s, who: set_lead_weight(s, actor=who, weight=value, expected=weight),
                done="وزن مسئول اصلی ذخیره شد؛ پیشرفت مصوبات با آن محاسبه می‌شود.",
                shown="lead_weight",
            )


def profile_form(fresh: Profile) -> None:
    shown = as_shown("profile", fresh)  # the version the administrator first saw
    with st.form(f"profile_{shown.version}", enter_to_submit=False):
        st.markdown(logo_html(shown), unsafe_allow_html=True)
        data = profile_fields(f"profile_{shown.version}", shown)
        if st.form_submit_button("ذخیرهٔ مشخصات", type="primary"):
            run_command(
                url,
                lambda s, who: update_profile(
                    s, actor=who, data=data, expected_version=shown.version
                ),
                done="مشخصات استان ذخیره شد.",
                shown="profile",
            )


if actor.role == Role.SECRETARIAT:
    page_title("تنظیمات", "رنگ‌بندی کارنامه‌ها، خواندن بدون ورود و پیوندهای نمایش")
    with read_session(url) as s:
        shown = get_thresholds(s)
        lead_weight = get_lead_weight(s)
    st.subheader("آستانه‌های رنگ‌بندی کارنامهٔ دستگاه‌ها")
    thresholds_form(shown)
    st.subheader("وزن مسئول اصلی در پیشرفت مصوبه")
    lead_weight_form(lead_weight)
    st.subheader("خواندن بدون ورود")
    anonymous_read_form(url)
    st.subheader("پیوندهای نمایش (کیوسک)")
    st.caption(
        "برای لپ‌تاپ سالن جلسه یا صفحهٔ دیواری: فقط همان یک صفحه را بی‌ورود نشان می‌دهد"
        " و با «باطل کن» همان لحظه از کار می‌افتد."
    )
    tokens_section(url, AccessKind.KIOSK.value)
else:
    page_title("تنظیمات", "مشخصات استان و سربرگ، و کلیدهای خوراک داده برای ابزارهای بیرونی")
    st.subheader("مشخصات استان و سربرگ")
    st.caption("در عنوان صفحه‌ها، نامه‌ها، گزارش جلسه، جلد حالت ارائه و خروجی‌ها می‌آید.")
    with read_session(url) as s:
        stored = get_profile(s)
    profile_form(stored)
    st.subheader("کلیدهای خوراک داده (CSV با ردیف HXL)")
    st.caption(
        "هر مصرف‌کننده (مثلاً یک ابزار HXL یا «From Web» در اکسل) کلید خودش را می‌گیرد؛"
        " با باطل کردن، همان لحظه دسترسی‌اش قطع می‌شود."
    )
    tokens_section(url, AccessKind.FEED.value)
