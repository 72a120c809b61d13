"""پیام‌ها: the outbox (queued, sent, failed, with the reason) and who can be reached how.

The secretariat reads the outbox (its inbox links here when messages failed); the
administrator also sends a failed one again and sees who has which confirmed channel."""

from __future__ import annotations

import streamlit as st

from data_layer.commands.messages import retry_message
from data_layer.config import mail_settings, sms_settings
from data_layer.db import read_session
from data_layer.jalali import format_jalali_datetime, format_number
from data_layer.labels import ROLE_LABELS
from data_layer.permissions import Action, Readable, can
from data_layer.queries.messages import confirmed_channels, message_counts, outbox_messages
from ui.html import show
from ui.run import Command, attempt, run_command
from ui.session import page_person
from ui.tables import html_table
from ui.theme import page_title

STATE_LABELS = {
    "queued": "در صف",
    "sending": "در حال ارسال",
    "sent": "فرستاده شد",
    "failed": "ناموفق",
}
CHANNEL_LABELS = {"email": "ایمیل", "sms": "پیامک"}
KIND_LABELS = {"digest": "خلاصهٔ روزانه", "confirm": "کد تأیید", "letter": "نامهٔ پیگیری"}

url, actor = page_person(Readable.MESSAGES)
page_title("پیام‌ها", "پیام‌هایی که سامانه با ایمیل و پیامک می‌فرستد؛ هر پیام یک بار.")

mail, sms = attempt(mail_settings), attempt(sms_settings)
if not (mail and mail.configured) and not (sms and sms.configured):
    st.info(
        "ایمیل و پیامک پیکربندی نشده‌اند؛ سامانه فقط درون خود (کارتابل) کار می‌کند."
        " چگونگی پیکربندی در README آمده است."
    )
else:
    email_state = "پیکربندی شده" if mail and mail.configured else "پیکربندی نشده"
    sms_state = f"پیکربندی شده ({sms.provider})" if sms and sms.configured else "پیکربندی نشده"
    st.caption(f"ایمیل: {email_state} — پیامک: {sms_state}")


def _retry(message_id: int) -> Command[None]:
    """Queue one failed message again: a command of its own for each row's button."""
    return lambda s, who: retry_message(s, actor=who, message_id=message_id)


with read_session(url) as s:
    counts = message_counts(s)
cols = st.columns(4)
for col_, counted in zip(cols, STATE_LABELS, strict=True):
    col_.metric(STATE_LABELS[counted], format_number(counts.get(counted, 0)))

state = st.segmented_control(
    "نمایش",
    list(STATE_LABELS),
    format_func=STATE_LABELS.__getitem__,
    default="failed" if counts.get("failed") else None,
    key="messages_state",
)
with read_session(url) as s:
    shown = outbox_messages(s, state)
if shown.empty:
    st.caption("پیامی در این فهرست نیست.")
else:
    rows = [
        (
            STATE_LABELS[r["state"]],
            KIND_LABELS.get(r["kind"], r["kind"]),
            CHANNEL_LABELS[r["channel"]],
            r["person"] or "—",
            r["address"],
            format_number(r["attempts"]),
            r["last_error"] or "—",
            format_jalali_datetime(r["sent_at"]) if r["sent_at"] else "—",
        )
        for r in shown.to_dict("records")
    ]
    show(
        html_table(
            ["وضعیت", "نوع", "راه", "گیرنده", "نشانی", "تلاش", "دلیل آخرین ناکامی", "ارسال"],
            rows,
            "grid messages",
        )
    )
    if not can(actor, Action.MANAGE_MESSAGES):
        st.caption("ارسال دوبارهٔ پیام ناموفق با مدیر سامانه است.")
        st.stop()
    for r in shown[shown["state"] == "failed"].head(20).to_dict("records"):
        who = r["person"] or r["address"]
        if st.button(
            f"ارسال دوبارهٔ {KIND_LABELS.get(r['kind'], r['kind'])} به {who}",
            key=f"retry_{r['id']}",
            icon=":material/replay:",
        ):
            run_command(
                url,
                _retry(int(r["id"])),
                done="پیام دوباره در صف ارسال گذاشته شد.",
            )

if not can(actor, Action.MANAGE_MESSAGES):
    st.stop()  # people's addresses are the administrator's to see
st.markdown("##### راه‌های تأییدشدهٔ افراد")
st.caption("هر کس نشانی خود را در «حساب من» می‌افزاید و با کد تأیید می‌کند؛ اینجا فقط دیده می‌شود.")
with read_session(url) as s:
    people = confirmed_channels(s)
show(
    html_table(
        ["نام", "نام کاربری", "نقش", "ایمیل تأییدشده", "پیامک تأییدشده"],
        [
            (
                p["full_name"],
                p["username"],
                ROLE_LABELS[p["role"]],
                p["email"] or "—",
                p["sms"] or "—",
            )
            for p in people.to_dict("records")
        ],
        "grid channels",
    )
)
