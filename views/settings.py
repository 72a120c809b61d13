"""تنظیمات: the thresholds that colour agencies red, amber or green."""

from __future__ import annotations

import streamlit as st

from data_layer.commands.settings import set_thresholds
from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.models import Role
from data_layer.queries.settings import get_thresholds
from ui.run import run_command
from ui.session import require_actor
from ui.theme import page_title

url = get_settings().database_url
require_actor(url, {Role.SECRETARIAT, Role.ADMIN})
page_title("تنظیمات", "آستانه‌های رنگ‌بندی کارنامهٔ دستگاه‌ها در نمای کلی و حالت ارائه")
with read_session(url) as s:
    t = get_thresholds(s)

with st.form("thresholds", enter_to_submit=False):
    a, b = st.columns(2)
    green = a.number_input(
        "«مطلوب» از چند درصد انجام‌شده", 0, 100, round(100 * t.green_done_share), key="th_green"
    )
    red = b.number_input(
        "«نیازمند توجه» زیر چند درصد انجام‌شده", 0, 100, round(100 * t.red_done_share), key="th_red"
    )
    amber_overdue = a.number_input(
        "«مطلوب» فقط با کمتر از این تعداد ردیف دارای تأخیر",
        1,
        1000,
        t.amber_overdue,
        key="th_amber_o",
    )
    red_overdue = b.number_input(
        "«نیازمند توجه» از این تعداد ردیف دارای تأخیر", 1, 1000, t.red_overdue, key="th_red_o"
    )
    stale = a.number_input("گزارش تازه یعنی در چند روز اخیر", 1, 365, t.stale_days, key="th_stale")
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
            ),
            done="آستانه‌ها ذخیره شد؛ نمای کلی و حالت ارائه با آن‌ها رنگ‌بندی می‌شوند.",
        )
