"""حساب من: who I am, change my password (my other sign-ins end), sign out."""

from __future__ import annotations

import streamlit as st

from data_layer.commands.accounts import change_own_password
from data_layer.labels import ROLE_LABELS
from data_layer.permissions import Readable
from ui.channels import channel_forms
from ui.run import run_command
from ui.session import page_person, sign_out_form
from ui.theme import page_title

url, actor = page_person(Readable.ACCOUNT)
page_title("حساب من", f"{actor.full_name} — {ROLE_LABELS[actor.role]} — {actor.username}")

with st.form("change_password", enter_to_submit=False):
    old = st.text_input("گذرواژهٔ فعلی", type="password", key="pw_old")
    new = st.text_input("گذرواژهٔ تازه (دست‌کم ۱۰ نویسه)", type="password", key="pw_new")
    again = st.text_input("تکرار گذرواژهٔ تازه", type="password", key="pw_again")
    if st.form_submit_button("تغییر گذرواژه", type="primary"):
        if new != again:
            st.error("گذرواژهٔ تازه و تکرار آن یکی نیستند.")
        else:
            run_command(
                url,
                lambda s, who: change_own_password(
                    s, actor=who, old_password=old, new_password=new
                ),
                done="گذرواژه تغییر کرد؛ ورودهای دیگر شما (دستگاه‌ها و مرورگرهای دیگر) پایان یافت.",
            )

channel_forms(url, actor)

st.markdown("##### خروج")
st.caption("خروج، این ورود را در همهٔ زبانه‌های این مرورگر پایان می‌دهد.")
sign_out_form()
