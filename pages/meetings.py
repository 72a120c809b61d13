"""جلسات: meetings and their resolutions, minutes import, carry-over, letters, calendar."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.db import read_session
from data_layer.documents import meeting_report_pdf, meeting_report_xlsx
from data_layer.documents.names import file_name
from data_layer.jalali import (
    JALALI_MONTHS,
    format_jalali,
    format_jalali_long,
    format_number,
    local_today,
    to_fa_digits,
    to_jalali,
)
from data_layer.labels import STATUS_LABELS
from data_layer.output import inert
from data_layer.permissions import Action, Readable, Scope, can_read
from data_layer.queries import meetings as qm
from data_layer.queries import resolutions as qr
from ui import loaders
from ui.cache import loader
from ui.freshness import current_version
from ui.matrix import owner_agencies
from ui.meeting_forms import edit_meeting, new_meeting
from ui.meeting_record import record_section
from ui.minutes_import import minutes_import_tab
from ui.numbers import number_field, whole_or
from ui.pickers import agency_choices, distinct
from ui.run import attempt
from ui.session import page_reader
from ui.theme import page_title

url, reader = page_reader(Readable.MEETINGS)
today = local_today()
secretariat = reader.may(Action.MANAGE_MEETINGS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@loader(spinner="در حال خواندن…")
def load_meeting(url: str, scope: Scope, mid: int, today: date, version: int) -> dict[str, Any]:
    """One meeting's header, resolutions, attendance and carry-over agenda."""
    with read_session(url) as s:
        return {
            "meeting": qr.meeting_header(s, mid),
            "resolutions": qr.meeting_resolutions(s, mid),
            "owners": qr.owners_on_record(s, mid),
            "attendance": qm.meeting_attendance(s, mid),
            "carried": qm.carry_over(s, mid, today),
        }


@loader(spinner="در حال خواندن…")
def calendar(url: str, scope: Scope, year: int, month: int, version: int) -> pd.DataFrame:
    """A Jalali month's meetings and due dates, as the table shows them."""
    with read_session(url) as s:
        cal = qm.due_in_month(s, year, month)
    return pd.DataFrame(
        {
            "وضعیت": [
                STATUS_LABELS.get(x, "—") if isinstance(x, str) else "—" for x in cal["status"]
            ],
            "دستگاه": cal["agency"].fillna("—"),
            "شرح": cal["label"],
            "نوع": ["جلسه" if k == "meeting" else "سررسید" for k in cal["kind"]],
            "تاریخ": [format_jalali_long(d) for d in cal["date"]],
        }
    )


version = current_version(url)
meetings, agencies = loaders.meetings(url, reader.scope, today, version)
members = agencies[agencies["is_member"]]
# Owners are picked by short or full name: both are in each choice's label.
member_names = agency_choices(members)
agency_names = agency_choices(agencies)

page_title("جلسات و مصوبات", "ثبت جلسه و مصوبات، پیگیری مصوبات باز، نامه‌ها و گزارش جلسه")
tabs = ["فهرست جلسات", "یک جلسه", "تقویم"]
if secretariat:
    tabs += ["جلسهٔ تازه", "ورود مصوبات از صورتجلسه"]
tab = dict(zip(tabs, st.tabs(tabs), strict=True))


def done_of(done: pd.Series, rows: pd.Series) -> list[str]:
    """«۳ از ۲۴» for each row."""
    return [f"{format_number(d)} از {format_number(r)}" for d, r in zip(done, rows, strict=True)]


with tab["فهرست جلسات"]:
    st.dataframe(
        pd.DataFrame(
            {
                "غایب": meetings["absent"].map(format_number),
                "حاضر": meetings["present"].map(format_number),
                "دارای تأخیر": meetings["overdue"].map(format_number),
                "انجام‌شده": done_of(meetings["done"], meetings["rows"]),
                "مصوبات": meetings["resolutions"].map(format_number),
                "رئیس": meetings["chair"],
                "مکان": meetings["place"],
                "تاریخ": meetings["held_on"].map(format_jalali),
                "جلسه": [
                    to_fa_digits(n) + (" (نمونه)" if smp else "")
                    for n, smp in zip(meetings["number"], meetings["is_sample"], strict=True)
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def documents(mid: int, number: int) -> None:
    """The meeting's report, built on request (a PDF takes most of a second)."""
    if not can_read(reader, Readable.MEETING_REPORT, reader.scope):
        return
    c = st.columns(3)
    if c[0].button("ساخت گزارش پیگیری جلسه", key="mt_build", icon=":material/description:"):

        def build() -> tuple[int, bytes, bytes]:
            with read_session(url) as s:
                return (
                    mid,
                    meeting_report_pdf(s, meeting_id=mid, today=today),
                    meeting_report_xlsx(s, meeting_id=mid, today=today),
                )

        st.session_state["meeting_docs"] = attempt(build)
    docs = st.session_state.get("meeting_docs")
    if docs and docs[0] == mid:
        name = f"گزارش جلسه {number}"
        c[1].download_button(
            "دریافت PDF",
            docs[1],
            file_name=file_name(name, ext="pdf"),
            mime="application/pdf",
            key="mt_pdf",
            on_click="ignore",
        )
        c[2].download_button(
            "دریافت اکسل",
            docs[2],
            file_name=file_name(name, ext="xlsx"),
            mime=XLSX,
            key="mt_xlsx",
            on_click="ignore",
        )


def resolutions_table(
    resolutions: pd.DataFrame, owners: Mapping[int, qr.OwnersOnRecord]
) -> pd.DataFrame:
    """A meeting's resolutions as its table shows them: the owners as the minutes wrote
    them beside the agencies they matched (`owners`: queries.resolutions.owners_on_record)."""
    ids = [int(i) for i in resolutions["id"]]
    return pd.DataFrame(
        {
            "انجام‌شده": done_of(resolutions["done"], resolutions["rows"]),
            "سررسید": [format_jalali(d) if pd.notna(d) else "—" for d in resolutions["due_date"]],
            "مسئول اصلی": resolutions["lead"].replace("", "—"),
            "دستگاه‌های مسوول": [owner_agencies(owners[i]) if i in owners else "—" for i in ids],
            "مسوول پیگیری به نوشتهٔ صورتجلسه": [
                owners[i].as_written if i in owners else w
                for i, w in zip(ids, resolutions["owners_as_written"], strict=True)
            ],
            "شرح مصوبه": resolutions["text"],
            "شماره": resolutions["number"].map(to_fa_digits),
        }
    )


def one_meeting(mid: int) -> None:
    """A meeting's facts, attendance, resolutions and the carry-over agenda."""
    got = load_meeting(url, reader.scope, mid, today, version)
    meeting, resolutions, owners = got["meeting"], got["resolutions"], got["owners"]
    attendance, carried = got["attendance"], got["carried"]
    if meeting is None:
        st.warning("این جلسه دیگر در فهرست نیست؛ صفحه را دوباره باز کنید.")
        return
    when = format_jalali_long(meeting["held_on"])
    if meeting["start_time"]:
        when += f"، ساعت {to_fa_digits(meeting['start_time'])}"
    st.markdown(f"**{when}** — {inert(meeting['place'])} — رئیس: {inert(meeting['chair'])}")
    present = "، ".join(attendance.loc[attendance["present"] == True, "agency"]) or "—"  # noqa: E712
    absent = "، ".join(attendance.loc[attendance["present"] == False, "agency"]) or "—"  # noqa: E712
    st.caption(inert(f"حاضر: {present} | غایب: {absent}"))
    documents(mid, int(meeting["number"]))
    record_section(url, reader, meeting, today, version)
    st.markdown("##### مصوبات این جلسه")
    st.dataframe(resolutions_table(resolutions, owners), hide_index=True, width="stretch")
    st.markdown("##### دستور کار پیگیری: مصوبات باز جلسات پیشین")
    if carried.empty:
        st.caption("همهٔ مصوبات جلسات پیشین انجام شده‌اند.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "دستگاه‌های بدهکار": carried["not_done"],
                    "تأخیر (روز)": carried["days_late"].map(format_number),
                    "چند جلسه مانده": carried["carried"].map(format_number),
                    "شرح": carried["text"],
                    "مصوبه": [
                        f"جلسه {to_fa_digits(m)}، مصوبه {to_fa_digits(n)}"
                        for m, n in zip(
                            carried["meeting_number"], carried["resolution_number"], strict=True
                        )
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if secretariat:
        edit_meeting(url, meeting, attendance, (resolutions, owners), member_names)


with tab["یک جلسه"]:
    if meetings.empty:
        st.info("هنوز جلسه‌ای ثبت نشده است.")
    else:
        labels = distinct(
            {
                int(r["id"]): f"جلسه {to_fa_digits(r['number'])} — {format_jalali(r['held_on'])}"
                for _, r in meetings.iterrows()
            }
        )
        one_meeting(
            st.selectbox("جلسه", list(labels), format_func=labels.__getitem__, key="mt_pick")
        )

with tab["تقویم"]:
    j = to_jalali(today)
    a, b = st.columns(2)
    year = whole_or(number_field(a, "سال", j.year, key="cal_year"), j.year, low=1390, high=1499)
    month = b.selectbox(
        "ماه",
        range(1, 13),
        index=j.month - 1,
        format_func=lambda m: JALALI_MONTHS[m - 1],
        key="cal_month",
    )
    cal = calendar(url, reader.scope, int(year), int(month), version)
    if cal.empty:
        st.caption("در این ماه جلسه یا سررسیدی نیست.")
    else:
        st.dataframe(cal, hide_index=True, width="stretch")

if secretariat:
    with tab["جلسهٔ تازه"]:
        new_meeting(url, today, int(meetings["number"].max()) + 1 if not meetings.empty else 1)
    with tab["ورود مصوبات از صورتجلسه"]:
        minutes_import_tab(url, meetings, agency_names)
