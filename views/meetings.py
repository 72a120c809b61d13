"""جلسات: meetings and their resolutions, minutes import, carry-over, letters, calendar."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from data_layer.commands.meetings import (
    MeetingInput,
    OwnerSpec,
    add_resolution,
    commit_minutes,
    create_meeting,
    read_minutes_file,
    set_attendance,
    update_meeting,
    update_resolution,
)
from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.documents import (
    follow_up_letter_pdf,
    late_agencies,
    letters_zip,
    meeting_report_pdf,
    meeting_report_xlsx,
)
from data_layer.errors import UserFacingError
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
from data_layer.models import Role
from data_layer.queries import meetings as qm
from data_layer.queries import resolutions as qr
from data_layer.queries.agencies import list_agencies
from ui.session import acting, current_actor
from ui.theme import page_title

url = get_settings().database_url
today = local_today()
actor = current_actor(url)
secretariat = actor is not None and actor.role == Role.SECRETARIAT
FLASH = "meetings_flash"
PDF, XLSX = "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def done(message: str) -> None:
    """Keep a message and rerun (cached screens key on the data version)."""
    st.session_state[FLASH] = message
    st.rerun()


with read_session(url) as s:
    meetings = qm.meetings_table(s, today)
    agencies = list_agencies(s)
members = agencies[agencies["is_member"]]
member_names = dict(zip(members["id"].astype(int), members["short_name"], strict=True))

page_title("جلسات و مصوبات", "ثبت جلسه و مصوبات، پیگیری مصوبات باز، نامه‌ها و گزارش جلسه")
flash = st.session_state.pop(FLASH, None)
# Always one element here: when the message goes on the next run, the tabs below keep
# their place on the page, and so the tab the user is on (they would jump to the first).
flash_slot = st.empty()
if flash:
    flash_slot.success(flash)

tabs = ["فهرست جلسات", "یک جلسه", "تقویم"]
if secretariat:
    tabs += ["جلسهٔ تازه", "ورود مصوبات از صورتجلسه", "نامه‌های پیگیری"]
tab = dict(zip(tabs, st.tabs(tabs), strict=True))

with tab["فهرست جلسات"]:
    st.dataframe(
        pd.DataFrame(
            {
                "غایب": meetings["absent"].map(format_number),
                "حاضر": meetings["present"].map(format_number),
                "دارای تأخیر": meetings["overdue"].map(format_number),
                "انجام‌شده": [
                    f"{format_number(d)} از {format_number(r)}"
                    for d, r in zip(meetings["done"], meetings["rows"], strict=True)
                ],
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

with tab["یک جلسه"]:
    if meetings.empty:
        st.info("هنوز جلسه‌ای ثبت نشده است.")
    else:
        labels = {
            int(r["id"]): f"جلسه {to_fa_digits(r['number'])} — {format_jalali(r['held_on'])}"
            for _, r in meetings.iterrows()
        }
        mid = st.selectbox("جلسه", list(labels), format_func=labels.__getitem__, key="mt_pick")
        with read_session(url) as s:
            meeting = qr.meeting_header(s, mid)
            resolutions = qr.meeting_resolutions(s, mid)
            attendance = qm.meeting_attendance(s, mid)
            carried = qm.carry_over(s, mid, today)
        assert meeting is not None
        st.markdown(
            f"**{format_jalali_long(meeting['held_on'])}**"
            + (f"، ساعت {to_fa_digits(meeting['start_time'])}" if meeting["start_time"] else "")
            + f" — {escape(meeting['place'])} — رئیس: {escape(meeting['chair'])}"
        )
        present = attendance[attendance["present"] == True]  # noqa: E712
        absent = attendance[attendance["present"] == False]  # noqa: E712
        st.caption(
            f"حاضر: {'، '.join(present['agency']) or '—'}"
            f" | غایب: {'، '.join(absent['agency']) or '—'}"
        )
        # Documents are built on request: rendering a PDF takes most of a second.
        c = st.columns(3)
        if c[0].button("ساخت گزارش پیگیری جلسه", key="mt_build", icon=":material/description:"):
            with read_session(url) as s:
                st.session_state["meeting_docs"] = (
                    mid,
                    meeting_report_pdf(s, meeting_id=mid, today=today),
                    meeting_report_xlsx(s, meeting_id=mid, today=today),
                )
        docs = st.session_state.get("meeting_docs")
        if docs and docs[0] == mid:
            c[1].download_button(
                "دریافت PDF",
                docs[1],
                file_name=f"meeting-{meeting['number']}-report.pdf",
                mime=PDF,
                key="mt_pdf",
            )
            c[2].download_button(
                "دریافت اکسل",
                docs[2],
                file_name=f"meeting-{meeting['number']}-report.xlsx",
                mime=XLSX,
                key="mt_xlsx",
            )
        st.markdown("##### مصوبات این جلسه")
        st.dataframe(
            pd.DataFrame(
                {
                    "انجام‌شده": [
                        f"{format_number(d)} از {format_number(r)}"
                        for d, r in zip(resolutions["done"], resolutions["rows"], strict=True)
                    ],
                    "سررسید": [
                        format_jalali(d) if pd.notna(d) else "—" for d in resolutions["due_date"]
                    ],
                    "مسوول پیگیری": resolutions["owners_as_written"],
                    "شرح مصوبه": resolutions["text"],
                    "شماره": resolutions["number"].map(to_fa_digits),
                }
            ),
            hide_index=True,
            width="stretch",
        )
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
            with st.expander("ویرایش جلسه، حضور و مصوبات"):
                with st.form(f"mt_edit_{mid}"):
                    a, b = st.columns(2)
                    number = a.text_input(
                        "شماره", to_fa_digits(meeting["number"]), key=f"me_no_{mid}"
                    )
                    held = b.text_input(
                        "تاریخ", format_jalali(meeting["held_on"]), key=f"me_date_{mid}"
                    )
                    start = a.text_input("ساعت", meeting["start_time"] or "", key=f"me_time_{mid}")
                    place = b.text_input("مکان", meeting["place"], key=f"me_place_{mid}")
                    chair = a.text_input("رئیس جلسه", meeting["chair"], key=f"me_chair_{mid}")
                    secretary = b.text_input("دبیر", meeting["secretary"], key=f"me_sec_{mid}")
                    summary = st.text_area("خلاصهٔ مذاکرات", meeting["summary"], key=f"me_sum_{mid}")
                    if st.form_submit_button("ذخیرهٔ جلسه"):
                        data = MeetingInput(
                            number=number,
                            held_on=held,
                            start_time=start,
                            place=place,
                            chair=chair,
                            secretary=secretary,
                            guests=meeting["guests"],
                            summary=summary,
                        )
                        try:
                            with acting(url) as (session, who):
                                update_meeting(session, actor=who, meeting_id=mid, data=data)
                        except UserFacingError as e:
                            st.error(e.message)
                        else:
                            done("جلسه ذخیره شد.")
                with st.form(f"mt_attend_{mid}"):
                    was = {
                        int(a)
                        for a, p in zip(attendance["agency_id"], attendance["present"], strict=True)
                        if p
                    }
                    here = st.multiselect(
                        "دستگاه‌های حاضر",
                        list(member_names),
                        default=sorted(was & set(member_names)),
                        format_func=member_names.__getitem__,
                        placeholder="دستگاه‌های حاضر را انتخاب کنید",
                        key=f"me_att_{mid}",
                    )
                    if st.form_submit_button("ذخیرهٔ حضور و غیاب"):
                        try:
                            with acting(url) as (session, who):
                                set_attendance(
                                    session, actor=who, meeting_id=mid, present_agency_ids=set(here)
                                )
                        except UserFacingError as e:
                            st.error(e.message)
                        else:
                            done("حضور و غیاب ذخیره شد.")
                with st.form(f"mt_res_{mid}"):
                    st.markdown("**مصوبهٔ تازه یا ویرایش مسوولان یک مصوبه**")
                    existing = {
                        int(r["id"]): f"مصوبه {to_fa_digits(r['number'])}"
                        for _, r in resolutions.iterrows()
                    }
                    target = st.selectbox(
                        "مصوبه",
                        [None, *existing],
                        format_func=lambda i: "— مصوبهٔ تازه —" if i is None else existing[i],
                        key=f"mr_pick_{mid}",
                    )
                    a, b = st.columns(2)
                    rnum = a.text_input("شماره (برای مصوبهٔ تازه)", key=f"mr_no_{mid}")
                    due = b.text_input(
                        "سررسید (اختیاری)", placeholder="۱۴۰۵/۱۲/۱۵", key=f"mr_due_{mid}"
                    )
                    text = st.text_area("شرح مصوبه (برای مصوبهٔ تازه)", key=f"mr_text_{mid}")
                    everyone = st.checkbox("همهٔ ادارات عضو کارگروه", key=f"mr_all_{mid}")
                    owners = st.multiselect(
                        "یا دستگاه‌های مسوول",
                        list(member_names),
                        format_func=member_names.__getitem__,
                        placeholder="دستگاه‌ها را انتخاب کنید",
                        key=f"mr_owners_{mid}",
                    )
                    if st.form_submit_button("ذخیرهٔ مصوبه"):
                        spec = OwnerSpec(all_members=everyone, agency_ids=tuple(owners))
                        try:
                            with acting(url) as (session, who):
                                if target is None:
                                    add_resolution(
                                        session,
                                        actor=who,
                                        meeting_id=mid,
                                        number=rnum,
                                        text=text,
                                        owners_as_written="ادارات عضو کارگروه"
                                        if everyone
                                        else " / ".join(member_names[o] for o in owners),
                                        owners=spec,
                                        due_date=due or None,
                                    )
                                    message = "مصوبه افزوده شد."
                                else:
                                    n = update_resolution(
                                        session,
                                        actor=who,
                                        resolution_id=target,
                                        owners=spec,
                                        due_date=due or None,
                                    )
                                    message = (
                                        f"مسوولان به‌روز شد: {format_number(n['added'])} ردیف تازه،"
                                        f" {format_number(n['withdrawn'])} ردیف برداشته،"
                                        f" {format_number(n['restored'])} بازگشته."
                                    )
                        except UserFacingError as e:
                            st.error(e.message)
                        else:
                            done(message)

with tab["تقویم"]:
    j = to_jalali(today)
    a, b = st.columns(2)
    year = a.number_input("سال", 1390, 1499, j.year, key="cal_year")
    month = b.selectbox(
        "ماه",
        range(1, 13),
        index=j.month - 1,
        format_func=lambda m: JALALI_MONTHS[m - 1],
        key="cal_month",
    )
    with read_session(url) as s:
        cal = qm.due_in_month(s, int(year), int(month))
    if cal.empty:
        st.caption("در این ماه جلسه یا سررسیدی نیست.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "وضعیت": [
                        STATUS_LABELS.get(x, x or "—") if isinstance(x, str) else "—"
                        for x in cal["status"]
                    ],
                    "دستگاه": cal["agency"].fillna("—"),
                    "شرح": cal["label"],
                    "نوع": ["جلسه" if k == "meeting" else "سررسید" for k in cal["kind"]],
                    "تاریخ": [format_jalali_long(d) for d in cal["date"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )

if secretariat:
    with tab["جلسهٔ تازه"], st.form("mt_new"):
        a, b = st.columns(2)
        next_no = int(meetings["number"].max()) + 1 if not meetings.empty else 1
        number = a.text_input("شماره جلسه", to_fa_digits(next_no), key="mn_no")
        held = b.text_input("تاریخ", format_jalali(today), key="mn_date")
        start = a.text_input("ساعت", "۰۹:۰۰", key="mn_time")
        place = b.text_input("مکان", "سالن شهدای گمنام استانداری", key="mn_place")
        chair = a.text_input("رئیس جلسه", key="mn_chair")
        secretary = b.text_input("دبیر", "دبیر کارگروه", key="mn_sec")
        summary = st.text_area("خلاصهٔ مذاکرات", key="mn_sum")
        if st.form_submit_button("ثبت جلسه", type="primary"):
            data = MeetingInput(
                number=number,
                held_on=held,
                start_time=start,
                place=place,
                chair=chair,
                secretary=secretary,
                summary=summary,
            )
            try:
                with acting(url) as (session, who):
                    created = create_meeting(session, actor=who, data=data)
                    created_no = created.number
            except UserFacingError as e:
                st.error(e.message)
            else:
                done(f"جلسه {to_fa_digits(created_no)} ثبت شد؛ اکنون مصوبات آن را وارد کنید.")

    with tab["ورود مصوبات از صورتجلسه"]:
        st.markdown(
            "پروندهٔ صورتجلسه (Word، اکسل یا CSV) با جدول «شماره مصوبه»، «شرح مصوبه»، «مسوول پیگیری»"
            " را بارگذاری کنید. مسوولان با نام دستگاه‌ها تطبیق داده می‌شوند؛ هر تطبیق را بازبینی و در"
            " صورت نیاز اصلاح کنید، سپس همه با هم ثبت می‌شوند."
        )
        labels = {
            int(r["id"]): f"جلسه {to_fa_digits(r['number'])} — {format_jalali(r['held_on'])}"
            for _, r in meetings.iterrows()
        }
        target = st.selectbox(
            "مصوبات برای کدام جلسه است؟",
            list(labels),
            format_func=labels.__getitem__,
            key="imp_meeting",
        )
        upload = st.file_uploader("صورتجلسه", type=["docx", "xlsx", "csv"], key="imp_file")
        if upload is not None and target is not None:
            try:
                with read_session(url) as s:
                    preview = read_minutes_file(upload.name, upload.getvalue(), s)
            except UserFacingError as e:
                st.error(e.message)
                preview = None
            if preview is not None:
                names = dict(zip(agencies["id"].astype(int), agencies["short_name"], strict=True))
                overrides: dict[int, OwnerSpec] = {}
                for row in preview.rows:
                    m = row.match
                    found = (
                        "همهٔ ادارات عضو"
                        if m.all_members
                        else "، ".join(names.get(a, "?") for _, a, _ in m.matched)
                    )
                    line = (
                        f"**{to_fa_digits(row.number)}.** {escape(row.text)} — مسوول:"
                        f" «{escape(row.owners_as_written)}»" + (f" ← {found}" if found else "")
                    )
                    if m.unmatched:
                        st.warning(line + f" — جور نشد: {'، '.join(m.unmatched)}")
                        fix = st.multiselect(
                            f"دستگاه‌های مسوول مصوبه {to_fa_digits(row.number)}",
                            list(names),
                            default=[a for _, a, _ in m.matched],
                            format_func=names.__getitem__,
                            placeholder="دستگاه‌ها را انتخاب کنید",
                            key=f"imp_fix_{row.number}",
                        )
                        if fix:
                            overrides[row.number] = OwnerSpec(
                                all_members=False, agency_ids=tuple(fix)
                            )
                    else:
                        st.markdown(line)
                if st.button(
                    f"ثبت {format_number(len(preview.rows))} مصوبه",
                    type="primary",
                    key="imp_commit",
                ):
                    try:
                        with acting(url) as (session, who):
                            n = commit_minutes(
                                session,
                                actor=who,
                                meeting_id=target,
                                preview=preview,
                                overrides=overrides,
                            )
                    except UserFacingError as e:
                        st.error(e.message)
                    else:
                        done(f"{format_number(n)} مصوبه ثبت شد.")

    with tab["نامه‌های پیگیری"]:
        with read_session(url) as s:
            late = late_agencies(s, today)
        st.caption(
            "دستگاه‌هایی که ردیف دارای تأخیر یا ردیف بی‌گزارش دارند. نامه شامل همان ردیف‌هاست و"
            " می‌خواهد تا تاریخی مشخص در «دستگاه من» گزارش دهند."
        )
        if late.empty:
            st.success("هیچ دستگاهی تأخیر یا ردیف بی‌گزارش ندارد.")
        else:
            a, b = st.columns(2)
            prefix = a.text_input("پیشوند شمارهٔ نامه (اختیاری)", key="lt_prefix")
            if b.button(f"ساخت نامهٔ همهٔ {format_number(len(late))} دستگاه (zip)", key="lt_zip_go"):
                with read_session(url) as s:
                    st.session_state["letters_zip"] = letters_zip(
                        s, today=today, letter_number_prefix=prefix
                    )
            if "letters_zip" in st.session_state:
                b.download_button(
                    "دریافت zip نامه‌ها",
                    st.session_state["letters_zip"],
                    file_name=f"letters-{today.isoformat()}.zip",
                    mime="application/zip",
                    key="lt_zip",
                )
            st.dataframe(
                pd.DataFrame(
                    {
                        "بی‌گزارش": late["unreported"].map(format_number),
                        "دارای تأخیر": late["overdue"].map(format_number),
                        "دستگاه": late["name"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            names = dict(zip(late["agency_id"].astype(int), late["name"], strict=True))
            pick = st.selectbox(
                "نامهٔ یک دستگاه", list(names), format_func=names.__getitem__, key="lt_pick"
            )
            number = st.text_input("شمارهٔ نامه", key="lt_number")
            if st.button("ساخت نامه", key="lt_build"):
                with read_session(url) as s:
                    st.session_state["letter_pdf"] = (
                        pick,
                        follow_up_letter_pdf(s, agency_id=pick, today=today, letter_number=number),
                    )
            letter = st.session_state.get("letter_pdf")
            if letter and letter[0] == pick:
                st.download_button(
                    "دریافت نامه (PDF)",
                    letter[1],
                    file_name=f"letter-{pick}-{today.isoformat()}.pdf",
                    mime=PDF,
                    key="lt_one",
                )
