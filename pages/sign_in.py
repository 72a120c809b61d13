"""ورود: the sign-in form. It posts to the server, which sets the HttpOnly cookie; this
page only says why the last attempt failed (from a code, never from typed text)."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from data_layer import auth
from data_layer.config import get_settings
from data_layer.models import utcnow
from ui.session import current_actor, sign_in_form
from ui.theme import page_title

REASONS = {
    "bad": auth.BAD_CREDENTIALS,
    "inactive": auth.DEACTIVATED,
    "csrf": "فرم ورود کهنه شده بود؛ صفحه را دوباره بارگذاری کنید و دوباره وارد شوید.",
    "busy": "اکنون ورود ممکن نشد؛ چند لحظه بعد دوباره تلاش کنید.",
    "out": "از سامانه خارج شدید؛ این ورود در همهٔ زبانه‌ها پایان یافت.",
}


def locked_until(until: str) -> datetime | None:
    """The end of a lock from the address (seconds since 1970), or None for anything no
    lock of ours could name: the address is typed by whoever holds the link."""
    if not (until.isascii() and until.isdigit() and len(until) <= 11):
        return None
    try:
        return datetime.fromtimestamp(int(until), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def reason(code: str, until: str) -> str | None:
    """The Persian message of a failure code from the server."""
    if code == "locked" and (end := locked_until(until)) is not None:
        return auth.locked_message(end, utcnow())
    return REASONS.get(code)


url = get_settings().database_url
page_title(
    "ورود به سامانه", "کارشناسان رابط دستگاه‌ها، دبیرخانه و مدیر سامانه از اینجا وارد می‌شوند."
)
message = reason(st.query_params.get("e", ""), st.query_params.get("until", ""))
if message:
    (st.info if st.query_params.get("e") == "out" else st.error)(message)
actor = current_actor(url)
if actor is not None:
    st.success(f"شما با حساب «{actor.username}» وارد شده‌اید.")
    st.page_link("pages/overview.py", label="رفتن به نمای کلی", icon=":material/dashboard:")
else:
    sign_in_form(st.query_params.get("next", "/"))
