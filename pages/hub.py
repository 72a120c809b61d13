"""نمای ملی: the national hub's view — every province side by side (resolutions done and
late, rows late, the agencies most behind, target neighborhoods with no active service,
indicators on and off track), when each last published (stale ones marked), and a
province's published pages, any version it published."""

from __future__ import annotations

from datetime import date

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

ALL = "__all__"
HOODS_SHOWN = 300  # neighborhoods a table shows at once (the rest are counted, not hidden)

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
    hub_view.content(url, reader.scope, snapshot_id, version) if snapshot_id is not None else None
)
if shown is None:
    st.warning("این نسخه دیگر پیدا نشد؛ صفحه را دوباره بخوانید.")
    st.stop()
data = shown["content"]
stale_note = " — کهنه" if (today - shown["as_of"]).days > days else ""
st.caption(
    inert(
        f"{data['group_name']} — استان {shown['province_name']}"
        f" — نسخهٔ {to_fa_digits(shown['version'])}"
        f"، وضعیت در تاریخ {format_jalali(shown['as_of'])}{stale_note}"
    )
)
tabs = st.tabs(["مصوبات", "دستگاه‌ها", "محلات هدف", "شاخص‌ها", "نسخه‌ها"])
with tabs[0]:
    meetings = data["meetings"]
    if not meetings:
        st.info("این نسخه جلسه‌ای ندارد.")
    else:
        meeting_labels = distinct(
            {
                i: f"جلسهٔ {to_fa_digits(m['number'])}"
                f" — {format_jalali(date.fromisoformat(m['held_on']))}"
                for i, m in enumerate(meetings)
            }
        )
        chosen = st.selectbox(
            "جلسه",
            list(meeting_labels)[::-1],
            format_func=meeting_labels.__getitem__,
            key="hub_meeting",
        )
        show(hub_view.resolutions_table(meetings[chosen if chosen is not None else -1]))
with tabs[1]:
    show(hub_view.agencies_table(data["agencies"]))
counties = sorted(
    {n["county"] for n in data["neighborhoods"]} | {i["county"] for i in data["indicators"]}
)
county_labels = distinct({ALL: "همهٔ شهرستان‌ها", **{c: c for c in counties}})
with tabs[2]:
    county = st.selectbox(
        "شهرستان", list(county_labels), format_func=county_labels.__getitem__, key="hub_county"
    )
    hoods = [n for n in data["neighborhoods"] if county in (ALL, n["county"])]
    show(hub_view.neighborhoods_table(hoods[:HOODS_SHOWN] if county == ALL else hoods))
    if county == ALL and len(hoods) > HOODS_SHOWN:
        st.caption(
            f"{to_fa_digits(HOODS_SHOWN)} محله از {to_fa_digits(len(hoods))} نشان داده شد"
            " (نخست آن‌ها که خدمت فعالی ندارند)؛ برای دیدن بقیه شهرستان را برگزینید."
        )
with tabs[3]:
    county_i = st.selectbox(
        "شهرستان", list(county_labels), format_func=county_labels.__getitem__, key="hub_county_ind"
    )
    measured = [i for i in data["indicators"] if county_i in (ALL, i["county"])]
    show(hub_view.indicators_table(measured[:HOODS_SHOWN] if county_i == ALL else measured))
    if county_i == ALL and len(measured) > HOODS_SHOWN:
        st.caption(
            f"{to_fa_digits(HOODS_SHOWN)} ردیف از {to_fa_digits(len(measured))} نشان داده شد؛"
            " برای دیدن بقیه شهرستان را برگزینید."
        )
with tabs[4]:
    show(hub_view.versions_table(kept))
keep_fresh(url, version)
