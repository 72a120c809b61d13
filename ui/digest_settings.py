"""The secretariat's settings of the reminders: the digest's hour, the quiet days, the
inbox's horizon and the wording of the email and SMS."""

from __future__ import annotations

import streamlit as st

from data_layer.commands.digests import set_digest_schedule, set_digest_templates
from data_layer.db import read_session
from data_layer.jalali import to_fa_digits
from data_layer.queries.digests import PLACEHOLDERS, SMS_LIMIT, get_digest_settings
from data_layer.queries.inbox import get_due_days
from ui.numbers import number_field, whole_or
from ui.run import run_command


# A typed value that is not a whole number reaches the command as -1, which it refuses.
def _holidays_text(holidays: tuple[str, ...]) -> str:
    return "\n".join(to_fa_digits(h) for h in holidays)


def digest_settings_section(url: str) -> None:
    """Two forms: when (hour, holidays, the inbox's days) and what (the wording)."""
    with read_session(url) as s:
        settings = get_digest_settings(s)
        due_days = get_due_days(s)
    st.caption(
        "هر روز کاری در این ساعت (به وقت تهران) به هر کس که نشانی تأییدشده دارد و کاری در"
        " کارتابلش هست، یک خلاصه فرستاده می‌شود؛ جمعه‌ها و تعطیلات فهرست‌شده نه."
    )
    with st.form("digest_schedule", enter_to_submit=False):
        a, b = st.columns(2)
        hour = number_field(a, "ساعت ارسال (۰ تا ۲۳)", settings.hour, key="digest_hour")
        days = number_field(
            b, "ردیف‌ها از چند روز پیش از سررسید در کارتابل", due_days, key="due_days"
        )
        holidays = st.text_area(
            "تعطیلات: هر سطر یک تاریخ؛ ۰۱/۱۳ برای هر سال، ۱۴۰۵/۰۳/۲۴ برای یک روز"
            " (تعطیلات قمری هر سال)",
            _holidays_text(settings.holidays),
            height=180,
            key="digest_holidays",
        )
        if st.form_submit_button("ذخیرهٔ زمان‌بندی", type="primary"):
            run_command(
                url,
                lambda s, who: set_digest_schedule(
                    s,
                    actor=who,
                    hour=whole_or(hour, -1, low=-1, high=10_000),
                    holidays_text=holidays,
                    due_days=whole_or(days, -1, low=-1, high=10_000),
                ),
                done="زمان‌بندی یادآوری‌ها ذخیره شد.",
            )
    names = "، ".join(f"{{{p}}}: {w}" for p, w in PLACEHOLDERS.items())
    st.caption(
        f"جای‌نماها: {names}. پیامک باید {{link}} داشته باشد و از"
        f" {to_fa_digits(SMS_LIMIT)} نویسه بیشتر نشود؛ فهرست کارها خودبه‌خود زیر متن ایمیل می‌آید."
    )
    with st.form("digest_templates", enter_to_submit=False):
        typed = {
            name: st.text_input(label, settings.templates[name], key=f"tpl_{name}")
            for name, label in (
                ("subject", "عنوان ایمیل"),
                ("intro", "آغاز ایمیل"),
                ("sms", "متن پیامک"),
            )
        }
        if st.form_submit_button("ذخیرهٔ متن‌ها", type="primary"):
            run_command(
                url,
                lambda s, who: set_digest_templates(s, actor=who, templates=typed),
                done="متن یادآوری‌ها ذخیره شد.",
            )
