"""دستگاه من: an agency's liaison reports on its own rows (a quick table and a full form).

The rows are read once into this session (a snapshot) and every save names the
rows by id with the version the form showed; a row someone else saved since is
refused, and «خواندن دوباره» reads them again.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
import streamlit as st

from data_layer import clock
from data_layer.commands.assignments import (
    AssignmentChanges,
    RowUpdate,
    update_assignment,
    update_assignments,
)
from data_layer.commands.evidence import (
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    add_evidence,
    withdraw_evidence,
)
from data_layer.db import read_session
from data_layer.documents.names import file_name, jalali_stamp
from data_layer.exports import to_csv
from data_layer.input.numbers import NotANumber, parse_number
from data_layer.jalali import format_jalali, format_jalali_datetime, format_number, local_today
from data_layer.jalali import to_fa_digits as fa
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS, VERIFICATION_LABELS
from data_layer.models import Verification
from data_layer.output import inert
from data_layer.permissions import Readable
from data_layer.queries import assignments as qa
from data_layer.queries.agencies import agency_name
from data_layer.queries.ladder import STEP_TITLES, letter_register
from data_layer.rules.lateness import STALE_DAYS
from ui import agency_services, indicator_values
from ui.history import timeline_html
from ui.html import Html, show
from ui.jalali_picker import date_field
from ui.numbers import number_field
from ui.pickers import pick
from ui.quick_edit import (
    COLUMN_ORDER,
    TableMismatch,
    quick_export,
    quick_table,
    row_labels,
    row_updates,
)
from ui.row_places import row_places_form
from ui.run import Command, run_command, show_failure
from ui.session import page_person
from ui.status import chip
from ui.theme import page_title
from ui.uploads import uploader

url, actor = page_person(Readable.MY_AGENCY)
assert actor.agency_id is not None
today = local_today()
SNAPSHOT = f"my_rows_{actor.agency_id}"
LABEL_TO_STATUS = {label: code for code, label in STATUS_LABELS.items()}
READ_ONLY = ["تأیید دبیرخانه", "تأخیر", "مصوبه"]


def load_snapshot() -> pd.DataFrame:
    """The rows as this form opened them: their versions guard against lost edits."""
    with read_session(url) as s:
        rows = qa.agency_assignments(s, actor.agency_id, today)  # type: ignore[arg-type]
        # The title names the agency even before it has a row.
        st.session_state[f"{SNAPSHOT}_agency"] = agency_name(s, actor.agency_id)  # type: ignore[arg-type]
    st.session_state[SNAPSHOT] = rows
    st.session_state[f"{SNAPSHOT}_table"] = quick_table(rows)  # drawn from it until a reload
    st.session_state[f"{SNAPSHOT}_at"] = clock.now()
    st.session_state["editor_generation"] = st.session_state.get("editor_generation", 0) + 1
    return rows


def starts_work(rows: pd.DataFrame, updates: list[RowUpdate]) -> int:
    """How many rows not started get progress and no status of their own (the command
    moves them to «در حال انجام»)."""
    not_started = set(rows.loc[rows["status"] == "not_started", "id"].astype(int))
    return sum(
        1
        for u in updates
        if u.assignment_id in not_started
        and u.changes.status is None
        and _positive(u.changes.progress)
    )


def _positive(value: object) -> bool:
    try:
        return (parse_number(str(value).replace("٪", "").replace("%", "")) or 0) > 0
    except NotANumber:
        return False  # the command refuses it with its reason


def withdrawal(evidence_id: int, reason: str) -> Command[None]:
    """Taking one document back, with the reason typed for it."""
    return lambda s, who: withdraw_evidence(s, actor=who, evidence_id=evidence_id, reason=reason)


rows = st.session_state.get(SNAPSHOT)
if rows is None:
    rows = load_snapshot()
labels = dict(zip(rows["id"].astype(int).tolist(), row_labels(rows), strict=True))
versions = {int(i): int(v) for i, v in zip(rows["id"], rows["version"], strict=True)}
page_title(
    f"دستگاه من — {st.session_state.get(f'{SNAPSHOT}_agency', '')}",
    f"{actor.full_name} — امروز {format_jalali(today)}",
    "ردیف‌های نمونه وضعیت ساختگی دارند." if bool(rows["is_sample"].any()) else None,
)
if rows.empty:
    st.info("هنوز مصوبه‌ای به دستگاه شما سپرده نشده است.")
    st.stop()

reported = pd.to_datetime(rows["reported_at"], utc=True)
quiet_since = pd.Timestamp(clock.now()) - pd.Timedelta(days=STALE_DAYS)
stale = rows["reported_at"].isna() | (reported < quiet_since)
c = st.columns(4)
c[0].metric("ردیف‌های دستگاه", format_number(len(rows)))
c[1].metric(
    "برگشت‌خورده از دبیرخانه",
    format_number(int((rows["verification"] == Verification.REJECTED).sum())),
)
c[2].metric(OVERDUE_LABEL, format_number(int(rows["overdue"].sum())))
c[3].metric(f"بدون گزارش در {format_number(STALE_DAYS)} روز اخیر", format_number(int(stale.sum())))
with read_session(url) as s:
    letters = letter_register(s, actor.agency_id)
if not letters.empty:
    waiting = letters[letters["replied_on"].isna()]
    last = letters.iloc[0]
    st.caption(
        f"نامه‌های پیگیری دبیرخانه به این دستگاه: {format_number(len(letters))}، بی‌پاسخ"
        f" {format_number(len(waiting))}. آخرین: {last['number']}"
        f" ({format_jalali(last['issued_on'])}، {STEP_TITLES[int(last['step'])]})،"
        f" مهلت پاسخ {format_jalali(last['reply_by'])}."
        " پاسخ دستگاه با به‌روز کردن ردیف‌ها در همین صفحه و نامهٔ اداری به دبیرخانه است."
    )
top = st.columns([3, 1])
top[0].caption(
    f"ردیف‌ها در {format_jalali_datetime(st.session_state.get(f'{SNAPSHOT}_at'))} خوانده شده‌اند."
    " اگر همکار دیگری در این فاصله ذخیره کرده باشد، ذخیرهٔ شما رد می‌شود تا چیزی از دست نرود."
)
if top[1].button("خواندن دوباره", icon=":material/refresh:", key="reload_rows"):
    load_snapshot()
    st.rerun()

TABS = [
    "ویرایش سریع (جدول)",
    "فرم کامل یک ردیف",
    "خدمات در محلات هدف",
    "ظرفیت دستگاه",
    "گزارش عملکرد",
    "شاخص‌های محلات",
]
# A link of the inbox opens one row in the full form (?row=id) or the report (?tab=report).
opened = st.query_params.get("row", "")
opened_row = int(opened) if opened.isdigit() and int(opened) in labels else None
if opened_row is not None and st.session_state.get("opened_row") != opened_row:
    st.session_state["opened_row"] = opened_row
    st.session_state["detail_row"] = opened_row
first_tab = TABS[1] if opened_row is not None else None
first_tab = TABS[4] if st.query_params.get("tab") == "report" else first_tab
first_tab = TABS[5] if st.query_params.get("tab") == "indicators" else first_tab
quick, detail, services_tab, capacity_tab, report_tab, values = st.tabs(TABS, default=first_tab)
with services_tab:
    agency_services.deliveries_tab(url, actor)
with capacity_tab:
    agency_services.capacity_tab(url, actor)
with report_tab:
    agency_services.report_tab(url, actor)
with values:
    indicator_values.values_tab(url, actor)
    st.markdown("**ورود مقادیر از اکسل**")
    indicator_values.values_import(url, actor)

# --- quick table -----------------------------------------------------------------------

with quick:
    st.caption(
        "مانند اکسل: خانه‌ها را ویرایش کنید و در پایان «ذخیرهٔ همهٔ تغییرات» را بزنید. همه با هم"
        " ذخیره می‌شوند یا هیچ‌کدام. برای تغییر تاریخی که قبلاً ثبت شده، دلیل آن را بنویسید."
        " «دریافت CSV» ردیف‌ها را همان‌طور که ذخیره شده‌اند می‌دهد."
    )
    view = st.session_state.get(f"{SNAPSHOT}_table")
    if view is None:
        view = quick_table(rows)
    edited = st.data_editor(
        view,
        key=f"quick_editor_{st.session_state.get('editor_generation', 0)}",
        hide_index=True,
        disabled=READ_ONLY,
        num_rows="fixed",
        width="stretch",
        column_order=COLUMN_ORDER,
        # Pixel widths that fit 1280 px (1,100 in all): wider, the grid would open
        # scrolled to its left end, cutting the resolution column a Persian reader
        # starts with. Short headers (the full name in the column's help) fit their
        # width; text is right-aligned, so it starts where a Persian reader looks.
        column_config={
            "دلیل تغییر تاریخ": st.column_config.TextColumn(
                "دلیل تغییر", help="دلیل تغییر تاریخ برنامه", width=110, alignment="right"
            ),
            "تاریخ برنامه": st.column_config.TextColumn(
                "تاریخ", help="تاریخ برنامه، مثلاً ۱۴۰۵/۱۰/۱۵", width=95, alignment="right"
            ),
            "گام بعدی": st.column_config.TextColumn(width=130, alignment="right"),
            "اقدامات انجام‌شده": st.column_config.TextColumn(
                "انجام‌شده", help="اقدامات انجام‌شده", width=150, alignment="right"
            ),
            # Text in Persian digits (a number column shows Latin digits), checked 0-100
            # by the command, which reads digits in any script.
            "پیشرفت ٪": st.column_config.TextColumn(
                "پیشرفت", help="پیشرفت (٪)، ۰ تا ۱۰۰", width=80, alignment="right"
            ),
            "وضعیت": st.column_config.SelectboxColumn(
                options=list(STATUS_LABELS.values()), required=True, width=125
            ),
            "تأیید دبیرخانه": st.column_config.TextColumn(
                "تأیید", help="تأیید دبیرخانه", width=95, alignment="right"
            ),
            "تأخیر": st.column_config.TextColumn(width=75, alignment="right"),
            "مصوبه": st.column_config.TextColumn(width=240, alignment="right"),
        },
    )
    if st.button("ذخیرهٔ همهٔ تغییرات", type="primary", key="save_quick"):
        try:
            updates = row_updates(view, edited, versions, LABEL_TO_STATUS, READ_ONLY)
        except TableMismatch as e:
            show_failure(e)
            updates = []
        if not updates:
            st.info("تغییری در جدول نیست.")
        else:
            started = starts_work(rows, updates)
            run_command(
                url,
                lambda s, who: update_assignments(s, actor=who, updates=updates),
                done=lambda n: (
                    f"{format_number(n)} ردیف ذخیره شد."
                    + (
                        f" وضعیت {format_number(started)} ردیف که پیشرفت گرفت «در حال انجام» شد."
                        if started
                        else ""
                    )
                ),
                forget=[SNAPSHOT],
                row_label=lambda i: labels.get(i, ""),
            )
    # The grid's own CSV download is hidden (assets/app.css): it wrote the columns right
    # to left and progress as text. This one writes the saved rows as a reader reads them.
    st.download_button(
        "دریافت CSV",
        to_csv(quick_export(rows)),
        file_name=file_name(
            "مصوبات",
            st.session_state.get(f"{SNAPSHOT}_agency", ""),
            jalali_stamp(today),
            ext="csv",
        ),
        mime="text/csv",
        key="quick_csv",
        icon=":material/download:",
        on_click="ignore",
    )

# --- one row in full -------------------------------------------------------------------

with detail:
    by_id = rows.set_index("id")
    picked = pick(
        "ردیف",
        {i: (labels[i], versions[i]) for i in labels},
        key="detail_row",
        first="opened_row" not in st.session_state,  # a link chose the row (session state)
    )
    if picked is None or picked.gone:
        st.warning("این ردیف دیگر به دستگاه شما سپرده نیست؛ «خواندن دوباره» را بزنید.")
        st.stop()
    chosen = picked.id
    r = cast("pd.Series[Any]", by_id.loc[chosen])  # one row: the ids are unique
    version = int(r["version"])
    note = f" — {r['verification_note']}" if r["verification_note"] else ""
    late = (
        Html(' <span class="badge badge-late">{}</span>').format(OVERDUE_LABEL)
        if r["overdue"]
        else ""
    )
    show(
        Html(
            '<div class="side-by-side"><b>وضعیت گزارش‌شده:</b> {}'
            " <b>تأیید دبیرخانه:</b> {}{}{}</div>"
        ).format(chip(r["status"]), VERIFICATION_LABELS[r["verification"]], note, late)
    )
    st.markdown(f"**متن مصوبه:** {inert(r['resolution_text'])}")
    moves = int(r["reschedule_count"])
    if pd.notna(r["first_planned_date"]):
        st.caption(
            f"نخستین تاریخ برنامه: {format_jalali(r['first_planned_date'])}"
            + (f" — {fa(moves)} بار تغییر کرده است" if moves else "")
        )
    k = f"{chosen}_{version}"  # new widgets (fresh values) whenever the row changes
    old_planned = format_jalali(r["planned_date"]) if pd.notna(r["planned_date"]) else ""
    with st.form(f"row_form_{k}", enter_to_submit=False):
        a, b = st.columns(2)
        status = a.selectbox(
            "وضعیت",
            list(STATUS_LABELS),
            index=list(STATUS_LABELS).index(r["status"]),
            format_func=STATUS_LABELS.__getitem__,
            key=f"f_status_{k}",
        )
        progress = number_field(b, "پیشرفت ٪", int(r["progress"]), key=f"f_progress_{k}")
        done_text = st.text_area("اقدامات انجام‌شده", value=r["done_text"], key=f"f_done_{k}")
        next_step = st.text_area("گام بعدی", value=r["next_step"], key=f"f_next_{k}")
        a, b = st.columns(2)
        planned = date_field(
            a,
            "تاریخ برنامه‌ریزی‌شده برای اتمام",
            old_planned,
            placeholder="۱۴۰۵/۱۰/۱۵",
            key=f"f_planned_{k}",
        )
        reason = b.text_input("دلیل تغییر تاریخ (اگر تاریخ را عوض می‌کنید)", key=f"f_reason_{k}")
        link = st.text_input("پیوند مستند (اختیاری)", value=r["evidence_url"], key=f"f_link_{k}")
        submitted = st.form_submit_button("ذخیرهٔ این ردیف", type="primary")
    if submitted:
        changes = AssignmentChanges(
            status=status,
            progress=progress,
            done_text=done_text,
            next_step=next_step,
            planned_date=planned if planned.strip() != old_planned else None,
            reschedule_reason=reason or None,
            evidence_url=link,
        )
        run_command(
            url,
            lambda s, who: update_assignment(
                s, actor=who, assignment_id=chosen, expected_version=version, changes=changes
            ),
            done=lambda changed: "ردیف ذخیره شد." if changed else "تغییری نبود؛ چیزی ذخیره نشد.",
            forget=[SNAPSHOT],
        )

    st.markdown("##### محلات هدف این ردیف")
    row_places_form(url, actor.scope, chosen)

    st.markdown("##### مستندات")
    allowed = "، ".join(e.lstrip(".") for e in EVIDENCE_TYPES)
    limit_mb = MAX_EVIDENCE_BYTES // 1024 // 1024
    upload = uploader(
        f"بارگذاری سند یا عکس ({allowed}؛ حداکثر {format_number(limit_mb)} مگابایت)",
        key=f"upload_{chosen}",
        max_mb=limit_mb,
        types=sorted(e.lstrip(".") for e in EVIDENCE_TYPES),
    )
    if upload is not None and st.button("افزودن مستند", key=f"add_evidence_{chosen}"):
        name, content = upload.name, upload.getvalue()
        run_command(
            url,
            lambda s, who: add_evidence(
                s,
                actor=who,
                assignment_id=chosen,
                filename=name,
                content=content,
                expected_version=version,
            ),
            done=lambda added: f"مستند «{added.filename}» افزوده شد.",
            forget=[SNAPSHOT],
        )
    with read_session(url) as s:
        files = qa.assignment_evidence(s, chosen)
        history = qa.assignment_history(s, chosen)
        downloads = {e.id: e for e in qa.live_evidence(s, [chosen]).get(chosen, [])}
    for _, f in files.iterrows():
        cols = st.columns([3, 1, 2])
        state = " (پس گرفته شده)" if f["withdrawn"] else ""
        cols[0].markdown(
            f"{inert(f['filename'])}{state} —"
            f" {format_number(round(f['size_bytes'] / 1024))} کیلوبایت،"
            f" {format_jalali_datetime(f['uploaded_at'])}"
        )
        if f["withdrawn"]:
            continue
        evidence_id = int(f["id"])
        blob = downloads.get(evidence_id)
        if blob:
            cols[1].download_button(
                "دریافت",
                blob.content,
                file_name=blob.filename,
                mime=blob.content_type,
                key=f"dl_{evidence_id}",
                on_click="ignore",
            )
        why = cols[2].text_input(
            "دلیل پس‌گرفتن",
            key=f"why_{evidence_id}",
            label_visibility="collapsed",
            placeholder="دلیل پس‌گرفتن",
        )
        if cols[2].button("پس‌گرفتن", key=f"withdraw_{evidence_id}"):
            run_command(
                url,
                withdrawal(evidence_id, why),
                done="مستند پس گرفته شد؛ در تاریخچه می‌ماند.",
                forget=[SNAPSHOT],
            )
    if files.empty:
        st.caption("هنوز مستندی بارگذاری نشده است.")

    st.markdown("##### تاریخچهٔ تغییرات")
    show(timeline_html(history))
