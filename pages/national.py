"""انتشار برای سطح ملی: the secretariat builds a draft of the province's snapshot,
looks at it in Persian, approves it (frozen, versioned, pushed to the hub when one is
set), and sees every past publication with its push state."""

from __future__ import annotations

import streamlit as st

from data_layer import sender
from data_layer.db import read_session
from data_layer.jalali import format_number
from data_layer.models_national import NationalPublication
from data_layer.national.link import get_link
from data_layer.national.publish import (
    Draft,
    approve_publication,
    prepare_draft,
    publications,
)
from data_layer.output import inert
from data_layer.permissions import Readable
from ui.national import draft_preview, publications_table, size_text
from ui.run import attempt, run_command
from ui.session import page_person
from ui.theme import page_title

DRAFT_KEY = "national_draft"

url, actor = page_person(Readable.NATIONAL)


def _published(publication: NationalPublication) -> str:
    """The message after approval; the sender's next pass starts now, to push it."""
    sender.wake(url)
    return (
        f"نسخهٔ {format_number(publication.version)} منتشر شد"
        f" ({size_text(publication.size_bytes)})؛ این نسخه دیگر تغییر نمی‌کند."
    )


page_title(
    "انتشار برای سطح ملی",
    "گزارش پیگیری استان برای سازمان امور اجتماعی کشور: پیش‌نویس، تأیید، و نسخه‌های منتشرشده",
)
with read_session(url) as s:
    link = get_link(s)
    past = publications(s)

if not link.can_publish:
    st.warning(
        "کد لاتین و نام استان برای سطح ملی هنوز تنظیم نشده است؛ مدیر سامانه آن را در"
        " «تنظیمات» وارد می‌کند. تا آن زمان پیش‌نویس دیده می‌شود ولی منتشر نمی‌شود."
    )
else:
    where = link.hub_url or "تنظیم نشده؛ مرکز ملی نسخهٔ آخر را خودش دریافت می‌کند"
    st.caption(inert(f"استان: {link.name} ({link.code}) — مرکز ملی: {where}"))
st.caption(
    "در گزارش ملی نام، نام کاربری، تلفن، ایمیل، یادداشت و پرونده‌ای از افراد نمی‌آید؛"
    " فقط دستگاه‌ها، محلات، متن مصوبات و ارقام پیگیری."
)

st.subheader("پیش‌نویس")
if st.button("ساختن پیش‌نویس از وضعیت کنونی", key="national_make_draft", type="secondary"):

    def _build() -> Draft:
        with st.spinner("در حال ساختن پیش‌نویس…", show_time=True), read_session(url) as s:
            return prepare_draft(s)

    built = attempt(_build)
    if built is not None:
        st.session_state[DRAFT_KEY] = built
draft: Draft | None = st.session_state.get(DRAFT_KEY)
if draft is None:
    st.caption("پیش‌نویس بسازید تا ارقامی را که منتشر می‌شود پیش از تأیید ببینید.")
else:
    draft_preview(draft)
    sha = draft.content_sha256
    if link.can_publish and st.button(
        "تأیید و انتشار همین پیش‌نویس",
        key="national_approve",
        type="primary",
        icon=":material/publish:",
    ):
        run_command(
            url,
            lambda s, who: approve_publication(s, actor=who, expected_sha256=sha),
            done=_published,
            forget=[DRAFT_KEY],
        )

st.subheader("نسخه‌های منتشرشده")
publications_table(past)
