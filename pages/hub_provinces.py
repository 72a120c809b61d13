"""استان‌ها و دریافت: the hub administrator registers provinces (each token shown once),
renews a token, sets a province's pull address and whether it is followed, sets after
how many days a province is stale, and reads the ingest log."""

from __future__ import annotations

import streamlit as st

from data_layer.commands.hub import (
    NO_KEY,
    register_province,
    renew_token,
    set_province,
    set_stale_days,
)
from data_layer.config import hub_settings, is_hub, public_url
from data_layer.jalali import format_jalali, format_jalali_datetime, to_ascii_digits, to_fa_digits
from data_layer.output import inert
from data_layer.permissions import Readable
from ui import hub_view
from ui.freshness import current_version
from ui.html import show
from ui.pickers import pick
from ui.run import attempt, run_command
from ui.session import page_person
from ui.tables import html_table
from ui.theme import page_title

_JUST_MADE = "hub_token_just_made"

if not is_hub():  # a province's server: say so before asking who reads
    page_title("استان‌ها و دریافت")
    st.info("این صفحه فقط در سامانهٔ ملی (کارگزاری که با APP_MODE=hub آغاز شده) کار می‌کند.")
    st.stop()
url, actor = page_person(Readable.HUB_PROVINCES)
page_title(
    "استان‌ها و دریافت", "استان‌هایی که در سامانهٔ ملی منتشر می‌کنند، کلیدهای آن‌ها و گزارش دریافت."
)
settings = attempt(hub_settings)
if settings is not None and not settings.can_derive_tokens:
    st.warning(inert(NO_KEY))
version = current_version(url)
rows, days = hub_view.national(url, actor.scope, version)

made = st.session_state.pop(_JUST_MADE, None)
if made:
    st.success(
        inert(
            f"کلید استان «{made[0]}» ساخته شد. این کلید فقط همین یک بار نشان داده می‌شود؛"
            " آن را به مدیر سامانهٔ استان بدهید تا در تنظیمات انتشار ملی ثبت کند:"
        )
    )
    st.code(f"Authorization: Bearer {made[1]}", language=None, wrap_lines=True)
    st.code(f"{public_url()}/api/hub/snapshots", language=None)


def _days(typed: str) -> int:
    """Days as typed, in either digits (0 when not a number: the command says why)."""
    digits = to_ascii_digits(typed).strip()
    return int(digits) if digits.isdigit() else 0


def _remember(name: str, token: str | None) -> None:
    if token:
        st.session_state[_JUST_MADE] = (name, token)
        st.rerun()


table = [
    [
        p.name,
        p.code,
        p.pull_url or "فقط ارسال استان",
        "پیگیری می‌شود" if p.active else "غیرفعال",
        to_fa_digits(p.version) if p.version else "—",
        format_jalali(p.as_of) if p.as_of else "هنوز منتشر نکرده",
        format_jalali_datetime(p.received_at) if p.received_at else "—",
    ]
    for p in rows
]
if table:
    head = ["استان", "شناسه", "نشانی دریافت", "وضعیت", "آخرین نسخه", "وضعیت در", "دریافت"]
    show(html_table(head, table, "hub-provinces"))
else:
    st.caption("هنوز استانی ثبت نشده است.")

st.subheader("ثبت استان")
with st.form("hub_new_province", enter_to_submit=False, clear_on_submit=True):
    a, b, c = st.columns([1, 1, 2])
    code = a.text_input("شناسه (لاتین، مثلاً khuzestan)", key="hub_code")
    name = b.text_input("نام استان", key="hub_name")
    pull_url = c.text_input("نشانی سامانهٔ استان برای دریافت (اختیاری)", key="hub_pull_url")
    if st.form_submit_button("ثبت و ساخت کلید", type="primary"):
        made_now = run_command(
            url,
            lambda s, who: register_province(s, actor=who, code=code, name=name, pull_url=pull_url),
        )
        _remember(name, made_now[1] if made_now else None)

if rows:
    st.subheader("تغییر یک استان")
    options = {p.province_id: (f"{p.name} ({p.code})", p.row_version) for p in rows}
    chosen = pick("استان", options, key="hub_edit_pick")
    current = next((p for p in rows if p.province_id == chosen.id), None) if chosen else None
    if chosen is not None and current is not None:
        province_id, expected = chosen.id, chosen.version or current.row_version
        with st.form(f"hub_edit_{province_id}_{expected}", enter_to_submit=False):
            address = st.text_input("نشانی دریافت", value=current.pull_url, key="hub_edit_url")
            active = st.checkbox("پیگیری شود", value=current.active, key="hub_edit_active")
            if st.form_submit_button("ثبت تغییر"):
                run_command(
                    url,
                    lambda s, who: set_province(
                        s,
                        actor=who,
                        province_id=province_id,
                        expected_version=expected,
                        pull_url=address,
                        active=active,
                    ),
                    done="ثبت شد.",
                    shown="hub_edit_pick",
                )
        if st.button("کلید تازه (کلید پیشین از کار می‌افتد)", key="hub_renew"):
            token = run_command(
                url,
                lambda s, who: renew_token(
                    s, actor=who, province_id=province_id, expected_version=expected
                ),
                shown="hub_edit_pick",
            )
            _remember(current.name, token)

st.subheader("کهنگی")
with st.form("hub_stale", enter_to_submit=False):
    stale = st.text_input(
        "استانی که آخرین انتشارش از این چند روز قدیمی‌تر است «کهنه» نشان داده می‌شود",
        value=to_fa_digits(days),
        key="hub_stale_days",
    )
    if st.form_submit_button("ثبت"):
        run_command(
            url, lambda s, who: set_stale_days(s, actor=who, days=_days(stale)), done="ثبت شد."
        )

st.subheader("گزارش دریافت")
log = hub_view.log_rows(url, actor.scope, version)
if log:
    show(hub_view.log_table(log))
else:
    st.caption("هنوز چیزی نرسیده است.")
