"""راه‌اندازی: the first run on a database with no account — the setup code from the
server's log, the first administrator and the province profile."""

from __future__ import annotations

import streamlit as st

from data_layer.config import get_settings
from data_layer.db import write_session
from data_layer.queries.profile import Profile
from data_layer.setup import AdminInput, complete_setup, setup_code
from ui.first_run import setup_done
from ui.profile_form import profile_fields
from ui.run import attempt, flash
from ui.session import current_actor, sign_in_form
from ui.theme import page_title

url = get_settings().database_url
if setup_done(url):
    page_title("راه‌اندازی سامانه", "راه‌اندازی این سامانه پیش‌تر انجام شده است.")
    if current_actor(url) is None:
        sign_in_form("/")
    st.stop()

page_title(
    "راه‌اندازی سامانه",
    "این پایگاه داده هنوز هیچ حسابی ندارد: مدیر سامانه و مشخصات استان را اینجا ثبت کنید.",
)
setup_code(url)  # issued and printed in the server's log once per server process

st.info(
    "کد راه‌اندازی را سرور هنگام آغاز در گزارش خود (همان پنجره‌ای که سرور را در آن اجرا"
    " کردید، یا `journalctl -u dashboard@8501`) چاپ کرده است. این کد فقط یک بار به کار"
    " می‌آید و پس از راه‌اندازی از کار می‌افتد."
)
with st.form("setup", enter_to_submit=False):
    code = st.text_input("کد راه‌اندازی", placeholder="xxxx-xxxx-xxxx-xxxx", key="setup_code")
    st.markdown("##### مشخصات استان")
    profile = profile_fields("setup", Profile())
    st.markdown("##### حساب مدیر سامانه")
    a, b = st.columns(2)
    username = a.text_input("نام کاربری مدیر (حروف لاتین)", "admin", key="setup_username")
    full_name = b.text_input("نام و نام خانوادگی مدیر", key="setup_full_name")
    password = a.text_input("گذرواژه (دست‌کم ۱۰ نویسه)", type="password", key="setup_pw")
    again = b.text_input("تکرار گذرواژه", type="password", key="setup_pw_again")
    if st.form_submit_button("راه‌اندازی", type="primary"):
        admin = AdminInput(username, full_name, password, again)

        def finish() -> str:
            with write_session(url) as s:
                return complete_setup(s, code=code, admin=admin, profile=profile).username

        done = attempt(finish)
        if done is not None:
            flash(
                f"راه‌اندازی کامل شد. اکنون با نام کاربری «{done}» و گذرواژه‌ای که برگزیدید"
                " وارد شوید."
            )
