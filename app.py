"""Entry point: page config, theme and RTL, the database, who is signed in, navigation."""

from __future__ import annotations

import streamlit as st

from data_layer.bootstrap import prepare_database
from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.models import Role
from data_layer.output import inert
from data_layer.queries.users import must_change_password
from ui.run import guarded
from ui.session import NOTICE_KEY, current_actor
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
apply_theme()
actor = None
ready = False
with guarded():
    ready = _prepare(url)
    actor = current_actor(url)
if not ready:
    st.stop()
role = actor.role if actor else None

# Each page is (menu section, file, title, icon, url path, roles; None = everyone).
# The screens live in views/, not pages/: Streamlit 1.67 still runs the first
# request of a fresh process through its old pages/-folder mode, which sends a
# deep link (/sign_in) to the page file without this script around it.
PAGES: list[tuple[str, str, str, str, str, set[str] | None]] = [
    ("", "views/overview.py", "نمای کلی", ":material/dashboard:", "overview", None),
    (
        "پیگیری مصوبات",
        "views/resolutions.py",
        "مصوبات",
        ":material/fact_check:",
        "resolutions",
        None,
    ),
    ("پیگیری مصوبات", "views/meetings.py", "جلسات", ":material/event:", "meetings", None),
    (
        "پیگیری مصوبات",
        "views/projector.py",
        "حالت ارائه",
        ":material/slideshow:",
        "projector",
        None,
    ),
    (
        "پیگیری مصوبات",
        "views/my_agency.py",
        "دستگاه من",
        ":material/edit_note:",
        "my_agency",
        {Role.AGENCY_EDITOR},
    ),
    (
        "پیگیری مصوبات",
        "views/verification.py",
        "بررسی گزارش‌ها",
        ":material/verified:",
        "verification",
        {Role.SECRETARIAT},
    ),
    ("محلات هدف", "views/coverage.py", "پوشش خدمت", ":material/grid_on:", "coverage", None),
    ("محلات هدف", "views/gaps.py", "کمبود ظرفیت", ":material/trending_down:", "gaps", None),
    (
        "محلات هدف",
        "views/neighborhoods.py",
        "محلات و خدمات",
        ":material/map:",
        "neighborhoods",
        None,
    ),
    ("محلات هدف", "views/reports.py", "گزارش عملکرد", ":material/assignment:", "reports", None),
    ("مدیریت", "views/users.py", "کاربران", ":material/group:", "users", {Role.ADMIN}),
    (
        "مدیریت",
        "views/settings.py",
        "تنظیمات",
        ":material/tune:",
        "settings",
        {Role.SECRETARIAT, Role.ADMIN},
    ),
]

visible = [p for p in PAGES if p[5] is None or role in p[5]]
if actor is None:
    visible.append(("", "views/sign_in.py", "ورود", ":material/login:", "sign_in", None))
else:
    visible.append(("", "views/account.py", "حساب من", ":material/person:", "account", None))
# The overview is the root URL and every role's landing page, so a shared link
# never breaks; each role's own screens are one click away in the menu.
sections: dict[str, list[st.Page]] = {}
for section, path, title, icon, slug, _ in visible:
    sections.setdefault(section, []).append(
        st.Page(path, title=title, icon=icon, url_path=slug, default=slug == "overview")
    )
navigation = st.navigation(sections, position="top")
notice = st.session_state.pop(NOTICE_KEY, None)  # e.g. the sign-in has expired
if notice:
    st.warning(inert(notice))
with guarded():
    if actor is not None:
        with read_session(url) as s:
            if must_change_password(s, user_id=actor.user_id):
                st.warning(
                    "گذرواژهٔ شما را مدیر سامانه تعیین کرده است؛ لطفاً آن را در «حساب من» عوض کنید."
                )
    navigation.run()
