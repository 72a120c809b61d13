"""ورود: sign in with a username and password."""

from __future__ import annotations

import streamlit as st

from data_layer import auth
from data_layer.config import get_settings
from ui.run import attempt
from ui.session import TOKEN_KEY
from ui.theme import page_title

url = get_settings().database_url
page_title(
    "ورود به سامانه", "کارشناسان رابط دستگاه‌ها، دبیرخانه و مدیر سامانه از اینجا وارد می‌شوند."
)

with st.form("sign_in", border=True, enter_to_submit=True):
    username = st.text_input("نام کاربری", key="sign_in_username", autocomplete="username")
    password = st.text_input(
        "گذرواژه", type="password", key="sign_in_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button("ورود", type="primary")

if submitted:
    signed = attempt(lambda: auth.sign_in_url(url, username=username, password=password))
    if signed is not None:
        st.session_state[TOKEN_KEY] = signed[1]
        # The overview is everyone's home; the menu is rebuilt there for this role.
        st.switch_page("views/overview.py")
