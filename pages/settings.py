"""تنظیمات: scorecard thresholds, the lead owner's weight in a resolution's progress, who
may read without signing in and kiosk links (the secretariat); data-feed tokens (the
administrator), and the province's link to the national hub (the administrator)."""

from __future__ import annotations

from dataclasses import astuple

import streamlit as st

from data_layer.commands.letters import set_ladder
from data_layer.commands.profile import update_profile
from data_layer.commands.settings import set_lead_weight, set_thresholds
from data_layer.db import read_session
from data_layer.jalali import to_fa_digits
from data_layer.models import AccessKind
from data_layer.national.link import get_link
from data_layer.national.publish import publications
from data_layer.permissions import Action, Readable, can
from data_layer.queries.ladder import STEP_TITLES, Ladder, get_ladder
from data_layer.queries.profile import Profile, get_profile
from data_layer.queries.settings import (
    MAX_LEAD_WEIGHT,
    get_lead_weight,
    get_thresholds,
    lead_weight_note,
)
from data_layer.rules.scorecard import Thresholds
from ui.access import anonymous_read_form, tokens_section
from ui.digest_settings import digest_settings_section
from ui.html import show
from ui.national import failed_pushes, link_form, publications_table
from ui.numbers import number_field
from ui.pickers import as_shown
from ui.profile_form import logo_html, profile_fields
from ui.run import run_command
from ui.session import page_person
from ui.theme import page_title

url, actor = page_person(Readable.SETTINGS)


def thresholds_form(fresh: Thresholds) -> None:
    t = as_shown("thresholds", fresh)  # the values as the person first saw them
    k = "_".join(str(v) for v in astuple(t))  # fresh widgets whenever they change
    with st.form(f"thresholds_{k}", enter_to_submit=False):
        a, b = st.columns(2)
        green = number_field(
            a,
            "«مطلوب» از چند درصد انجام‌شده",
            round(100 * t.green_done_share),
            key=f"th_green:{k}",
        )
        red = number_field(
            b,
            "«نیازمند توجه» زیر چند درصد انجام‌شده",
            round(100 * t.red_done_share),
            key=f"th_red:{k}",
        )
        amber_overdue = number_field(
            a,
            "«مطلوب» فقط با کمتر از این تعداد ردیف دارای تأخیر",
            t.amber_overdue,
            key=f"th_amber_o:{k}",
        )
        red_overdue = number_field(
            b,
            "«نیازمند توجه» از این تعداد ردیف دارای تأخیر",
            t.red_overdue,
            key=f"th_red_o:{k}",
        )
        stale = number_field(
            a, "گزارش تازه یعنی در چند روز اخیر", t.stale_days, key=f"th_stale:{k}"
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
        value = number_field(
            st,
            "وزن مسئول اصلی در پیشرفت مصوبه",
            weight,
            help=f"عدد صحیح ۱ تا {to_fa_digits(MAX_LEAD_WEIGHT)}؛ ۱ یعنی همهٔ دستگاه‌ها هم‌وزن‌اند.",
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


def ladder_form(fresh: Ladder) -> None:
    """The days each step of the chase waits and the paragraph its letter opens with."""
    was = as_shown("ladder", fresh)
    k = abs(hash(was)) % 10**8  # fresh widgets whenever the stored ladder changes
    with st.form(f"ladder_{k}", enter_to_submit=False):
        days: list[str] = []
        wordings: list[str] = []
        for n in (1, 2, 3):
            step = was.step(n)
            a, b = st.columns([1, 3])
            after = "پس از دارای تأخیر شدن ردیف" if n == 1 else "پس از گام پیش"
            days.append(
                number_field(a, f"{STEP_TITLES[n]}: روز {after}", step.days, key=f"ld_days_{n}:{k}")
            )
            wordings.append(
                b.text_area(
                    f"متن {STEP_TITLES[n]}", step.wording, key=f"ld_text_{n}:{k}", height=90
                )
            )
        if st.form_submit_button("ذخیرهٔ پلکان", type="primary"):
            run_command(
                url,
                lambda s, who: set_ladder(s, actor=who, days=days, wordings=wordings, expected=was),
                done="پلکان پیگیری ذخیره شد؛ سررسید نامه‌ها با آن حساب می‌شود.",
                shown="ladder",
            )


def profile_form(fresh: Profile) -> None:
    shown = as_shown("profile", fresh)  # the version the administrator first saw
    with st.form(f"profile_{shown.version}", enter_to_submit=False):
        show(logo_html(shown))
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


if can(actor, Action.MANAGE_SETTINGS):
    page_title("تنظیمات", "رنگ‌بندی کارنامه‌ها، خواندن بدون ورود و پیوندهای نمایش")
    with read_session(url) as s:
        shown = get_thresholds(s)
        lead_weight = get_lead_weight(s)
        ladder = get_ladder(s)
    st.subheader("آستانه‌های رنگ‌بندی کارنامهٔ دستگاه‌ها")
    thresholds_form(shown)
    st.subheader("وزن مسئول اصلی در پیشرفت مصوبه")
    lead_weight_form(lead_weight)
    st.subheader("پلکان پیگیری: یادآوری‌ها و نامه به رئیس دستگاه")
    st.caption(
        "گام نخست چند روز پس از دارای تأخیر شدن ردیفی (یا بی‌درنگ برای ردیف بی‌گزارش)، و هر گام"
        " بعد چند روز پس از نامهٔ گام پیش اگر پاسخی نیامده باشد. گام سوم به رئیس دستگاه با"
        " رونوشت به رئیس کارگروه است."
    )
    ladder_form(ladder)
    st.subheader("یادآوری با ایمیل و پیامک")
    digest_settings_section(url)
    st.subheader("خواندن بدون ورود")
    anonymous_read_form(url)
    st.subheader("پیوندهای نمایش (کیوسک)")
    st.caption(
        "برای لپ‌تاپ سالن جلسه یا صفحهٔ دیواری: فقط همان یک صفحه را بی‌ورود نشان می‌دهد"
        " و با «باطل کن» همان لحظه از کار می‌افتد."
    )
    tokens_section(url, AccessKind.KIOSK.value)
else:
    page_title("تنظیمات", "مشخصات استان و سربرگ، کلیدهای خوراک داده، و پیوند با مرکز ملی")
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
    st.subheader("پیوند با مرکز ملی")
    st.caption(
        "کد و نام استان در هر گزارش ملی می‌آید؛ گزارشی که دبیرخانه تأیید کند با این کلید امضا"
        " و به این نشانی فرستاده می‌شود، و مرکز ملی نسخهٔ آخر را با همین کلید دریافت می‌کند."
    )
    with read_session(url) as s:
        link = get_link(s)
        past = publications(s)
    link_form(url, link)
    st.markdown("###### نسخه‌های منتشرشده و ارسال آن‌ها")
    publications_table(past)
    failed_pushes(url, past)
