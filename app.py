"""Entry point: page config, theme and RTL, the database, who is signed in, navigation."""

from __future__ import annotations

import streamlit as st

from data_layer import auth
from data_layer.bootstrap import prepare_database
from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.models import Role
from ui.session import GO_HOME, NOTICE_KEY, current_actor
from ui.theme import apply_theme

st.set_page_config(
    page_title="داشبورد پایش کارگروه اجتماعی استان",
    page_icon="🏛️",
    layout="wide",
    initial_sidebar_state="collapsed",
)


@st.cache_resource(show_spinner="در حال آماده‌سازی پایگاه داده…")
def _prepare(url: str) -> bool:
    prepare_database(url)
    return True


url = get_settings().database_url
_prepare(url)
apply_theme()
actor = current_actor(url)
role = actor.role if actor else None

# Each page is (file, title, icon, url path, roles that see it; None = everyone).
# The screens live in views/, not pages/: Streamlit 1.67 still runs the first
# request of a fresh process through its old pages/-folder mode, which sends a
# deep link (/sign_in) to the page file without this script around it.
PAGES: list[tuple[str, str, str, str, set[str] | None]] = [
    ("views/resolutions.py", "مصوبات", ":material/fact_check:", "resolutions", None),
    ("views/my_agency.py", "دستگاه من", ":material/edit_note:", "my_agency", {Role.AGENCY_EDITOR}),
    (
        "views/verification.py",
        "بررسی گزارش‌ها",
        ":material/verified:",
        "verification",
        {Role.SECRETARIAT},
    ),
    ("views/users.py", "کاربران", ":material/group:", "users", {Role.ADMIN}),
]
HOME = {Role.AGENCY_EDITOR: "my_agency", Role.SECRETARIAT: "verification", Role.ADMIN: "users"}

visible = [p for p in PAGES if p[4] is None or role in p[4]]
if actor is None:
    visible.append(("views/sign_in.py", "ورود", ":material/login:", "sign_in", None))
else:
    visible.append(("views/account.py", "حساب من", ":material/person:", "account", None))
# The resolutions screen is always the root URL, so a shared link never breaks;
# right after signing in, people are sent to their role's own home page.
pages = {
    slug: st.Page(path, title=title, icon=icon, url_path=slug, default=slug == "resolutions")
    for path, title, icon, slug, _ in visible
}
navigation = st.navigation(list(pages.values()), position="top")
if st.session_state.pop(GO_HOME, False) and role in HOME:
    st.switch_page(pages[HOME[role]])
notice = st.session_state.pop(NOTICE_KEY, None)  # e.g. the sign-in has expired
if notice:
    st.warning(notice)
if actor is not None:
    with read_session(url) as s:
        if auth.must_change_password(s, actor=actor):
            st.warning(
                "گذرواژهٔ شما را مدیر سامانه تعیین کرده است؛ لطفاً آن را در «حساب من» عوض کنید."
            )
navigation.run()
