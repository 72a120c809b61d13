"""Entry point: page config, theme and RTL, the database, who is signed in, navigation."""

from __future__ import annotations

import streamlit as st

from data_layer.bootstrap import prepare_database
from data_layer.config import get_settings, is_hub
from data_layer.db import read_session
from data_layer.jalali import to_fa_digits
from data_layer.output import inert
from data_layer.permissions import Readable, ReaderKind, can_read
from data_layer.queries.inbox import things_due
from data_layer.queries.profile import get_profile
from data_layer.queries.users import must_change_password
from ui import not_found
from ui.first_run import setup_done
from ui.freshness import current_version
from ui.inbox import items_for
from ui.run import guarded
from ui.session import NOTICE_KEY, current_reader, keep_state_for
from ui.theme import apply_theme

st.set_page_config(
    page_title="داشبورد پایش کارگروه",
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
reader = None
ready = False
with guarded():
    ready = _prepare(url)
    if ready and not setup_done(url):
        # A database with no account: only the first-run setup screen exists.
        setup = st.Page("pages/setup.py", title="راه‌اندازی", icon=":material/build:")
        st.navigation([setup], position="hidden").run()
        st.stop()
    with read_session(url) as s:
        title = "سامانهٔ ملی پایش کارگروه‌های استانی" if is_hub() else get_profile(s).app_title
        st.set_page_config(page_title=title)
    reader = current_reader(url)
    keep_state_for(reader)
if not ready:
    st.stop()
actor = reader.actor if reader else None
must_change = False
if actor is not None:
    with guarded(), read_session(url) as s:
        must_change = must_change_password(s, user_id=actor.user_id)

# The menu's sections, each page as (url path, title, icon); its file is pages/<url
# path>.py, and who reads it is permissions.can_read's answer for that url path.
MENU: dict[str, list[tuple[str, str, str]]] = {
    "": [
        ("inbox", "کارتابل", ":material/inbox:"),
        ("overview", "نمای کلی", ":material/dashboard:"),
        ("sign_in", "ورود", ":material/login:"),
        ("setup", "راه‌اندازی", ":material/build:"),
        ("account", "حساب من", ":material/person:"),
    ],
    "پیگیری مصوبات": [
        ("resolutions", "مصوبات", ":material/fact_check:"),
        ("meetings", "جلسات", ":material/event:"),
        ("projector", "حالت ارائه", ":material/slideshow:"),
        ("my_agency", "دستگاه من", ":material/edit_note:"),
        ("letters", "نامه‌ها", ":material/outgoing_mail:"),
        ("verification", "بررسی گزارش‌ها", ":material/verified:"),
        ("backlog", "سوابق و پالایش", ":material/history:"),
    ],
    "محلات هدف": [
        ("coverage", "پوشش خدمت", ":material/grid_on:"),
        ("gaps", "کمبود ظرفیت", ":material/trending_down:"),
        ("neighborhoods", "محلات و خدمات", ":material/map:"),
        ("dossier", "پرونده محله", ":material/folder_open:"),
        ("indicators", "شاخص‌ها", ":material/monitoring:"),
        ("reports", "گزارش عملکرد", ":material/assignment:"),
    ],
    "مدیریت": [
        ("agencies", "دستگاه‌ها", ":material/apartment:"),
        ("users", "کاربران", ":material/group:"),
        ("settings", "تنظیمات", ":material/tune:"),
        ("messages", "پیام‌ها", ":material/mail:"),
        ("national", "انتشار برای سطح ملی", ":material/public:"),
    ],
}
# The national hub (APP_MODE=hub) is the same code with its own pages: the provinces
# side by side for the ministry's readers, and its provinces and ingest log for its
# administrator; a province's pages are not served there.
HUB_MENU: dict[str, list[tuple[str, str, str]]] = {
    "": [
        ("hub", "نمای ملی", ":material/public:"),
        ("sign_in", "ورود", ":material/login:"),
        ("setup", "راه‌اندازی", ":material/build:"),
        ("account", "حساب من", ":material/person:"),
    ],
    "مدیریت": [
        ("hub_provinces", "استان‌ها و دریافت", ":material/hub:"),
        ("users", "کاربران", ":material/group:"),
    ],
}
hub = is_hub()
if hub:
    MENU = HUB_MENU


def shown_in_menu(slug: str) -> bool:
    """Whether this reader sees the page in the menu (every page is reachable by its URL
    and checks its reader itself)."""
    if slug == "sign_in":
        return actor is None
    if slug == "setup":  # the first-run setup: never in the menu
        return False
    return reader is not None and can_read(reader, Readable(slug), reader.scope)


# Liaisons and the secretariat land on their inbox (its title carries the count); the
# chair, viewers and everyone else on the overview.
home = "hub" if hub else "overview"
titles = {}
if not hub and reader is not None and shown_in_menu("inbox") and not must_change:
    home = "inbox"
    with guarded():
        due = things_due(items_for(url, reader, current_version(url)))
        titles["inbox"] = f"کارتابل ({to_fa_digits(due)})" if due else "کارتابل"

# Every page is registered, so a deep link always opens its page (which says what is
# needed); the menu shows what this reader may use. The home page is the root URL.
sections = {
    section: [
        st.Page(
            f"pages/{slug}.py",
            title=titles.get(slug, title),
            icon=icon,
            url_path=slug,
            default=slug == home,
            visibility="visible" if shown_in_menu(slug) else "hidden",
        )
        for slug, title, icon in pages
    ]
    for section, pages in MENU.items()
}
kiosk = reader is not None and reader.kind == ReaderKind.KIOSK
not_found.install()
navigation = st.navigation(sections, position="hidden" if kiosk or must_change else "top")
if must_change and navigation.url_path != "account":
    # A one-time password (first sign-in, or a reset): only «حساب من» opens until the
    # person has chosen their own.
    st.switch_page("pages/account.py")
notice = st.session_state.pop(NOTICE_KEY, None)  # e.g. the sign-in has ended
if notice:
    st.warning(inert(notice))
not_found.notice()
with guarded():
    if must_change:
        st.warning(
            "گذرواژهٔ شما یک‌بارمصرف است و مدیر سامانه آن را تعیین کرده است؛ پیش از هر کاری"
            " گذرواژهٔ تازه‌ای برگزینید."
        )
    navigation.run()
