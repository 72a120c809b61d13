"""نمای ملی: the national hub's view — every province side by side (resolutions done and
late, rows late, the agencies most behind, target neighborhoods with no active service,
indicators on and off track), when each last published (stale ones marked), and a
province's published pages, any version it published."""

from __future__ import annotations

import streamlit as st

from data_layer.config import is_hub
from data_layer.jalali import format_jalali, format_jalali_long, local_today, to_fa_digits
from data_layer.output import inert
from data_layer.permissions import Readable
from ui import hub_view
from ui.freshness import current_version, keep_fresh
from ui.html import show
from ui.pickers import distinct
from ui.session import page_reader
from ui.theme import page_title

ALL, HOODS_SHOWN = hub_view.ALL, hub_view.HOODS_SHOWN

if not is_hub():  # a province's server: say so before asking who reads
    page_title("نمای ملی")
    st.info("این صفحه فقط در سامانهٔ ملی (کارگزاری که با APP_MODE=hub آغاز شده) کار می‌کند.")
    st.stop()
url, reader = page_reader(Readable.HUB)
today = local_today()
version = current_version(url)
screen = hub_view.drawn(url, reader.scope, today, version)
days = screen["days"]
page_title(
    "نمای ملی کارگروه‌های استانی",
    "پیگیری مصوبات و محلات هدف استان‌ها، به روایت آخرین انتشار هر استان"
    f" — {format_jalali_long(today)}",
)
if not screen["provinces"]:
    st.info(
        "هنوز استانی در سامانهٔ ملی ثبت نشده است؛ مدیر سامانه استان‌ها را در"
        " «استان‌ها و دریافت» ثبت می‌کند."
    )
    st.stop()
show(screen["headline"])
show(screen["table"])
st.caption(
    f"▲ کهنه: آخرین انتشار استان قدیمی‌تر از {to_fa_digits(days)} روز است؛ ارقام آن همان"
    " آخرین نسخهٔ منتشرشده است با تاریخ خودش."
)

st.subheader("صفحه‌های منتشرشدهٔ یک استان")
published: dict[int, str] = screen["published"]
if not published:
    st.info("هنوز هیچ استانی چیزی منتشر نکرده است.")
    st.stop()
names = distinct(published)
a, b = st.columns(2)
province_id = a.selectbox("استان", list(names), format_func=names.__getitem__, key="hub_province")
kept = hub_view.versions(url, reader.scope, province_id, version)
labels = distinct(
    {
        int(v["id"]): f"نسخهٔ {to_fa_digits(v['version'])} — وضعیت در {format_jalali(v['as_of'])}"
        + (" (آخرین)" if i == 0 else "")
        for i, v in enumerate(kept)
    }
)
snapshot_id = b.selectbox("نسخه", list(labels), format_func=labels.__getitem__, key="hub_version")
shown = (
    hub_view.published(url, reader.scope, snapshot_id, version) if snapshot_id is not None else None
)
if shown is None:
    st.warning("این نسخه دیگر پیدا نشد؛ صفحه را دوباره بخوانید.")
    st.stop()
assert snapshot_id is not None
stale_note = " — کهنه" if (today - shown["as_of"]).days > days else ""
st.caption(
    inert(
        f"{shown['group_name']} — استان {shown['province_name']}"
        f" — نسخهٔ {to_fa_digits(shown['version'])}"
        f"، وضعیت در تاریخ {format_jalali(shown['as_of'])}{stale_note}"
    )
)
tabs = st.tabs(["مصوبات", "دستگاه‌ها", "محلات هدف", "شاخص‌ها", "نسخه‌ها"])
with tabs[0]:
    if not shown["meetings"]:
        st.info("این نسخه جلسه‌ای ندارد.")
    else:
        meeting_labels = distinct(shown["meetings"])
        chosen = st.selectbox(
            "جلسه",
            list(meeting_labels)[::-1],
            format_func=meeting_labels.__getitem__,
            key="hub_meeting",
        )
        index = chosen if chosen is not None else len(meeting_labels) - 1
        show(hub_view.meeting_html(url, reader.scope, snapshot_id, index, version))
with tabs[1]:
    show(shown["agencies"])
county_labels = distinct({ALL: "همهٔ شهرستان‌ها", **{c: c for c in shown["counties"]}})
with tabs[2]:
    county = st.selectbox(
        "شهرستان", list(county_labels), format_func=county_labels.__getitem__, key="hub_county"
    )
    table, count = hub_view.hoods_html(url, reader.scope, snapshot_id, county, version)
    show(table)
    if county == ALL and count > HOODS_SHOWN:
        st.caption(
            f"{to_fa_digits(HOODS_SHOWN)} محله از {to_fa_digits(count)} نشان داده شد"
            " (نخست آن‌ها که خدمت فعالی ندارند)؛ برای دیدن بقیه شهرستان را برگزینید."
        )
with tabs[3]:
    county_i = st.selectbox(
        "شهرستان", list(county_labels), format_func=county_labels.__getitem__, key="hub_county_ind"
    )
    table, count = hub_view.indicators_html(url, reader.scope, snapshot_id, county_i, version)
    show(table)
    if county_i == ALL and count > HOODS_SHOWN:
        st.caption(
            f"{to_fa_digits(HOODS_SHOWN)} ردیف از {to_fa_digits(count)} نشان داده شد؛"
            " برای دیدن بقیه شهرستان را برگزینید."
        )
with tabs[4]:
    show(hub_view.versions_table(kept))
keep_fresh(url, version)
