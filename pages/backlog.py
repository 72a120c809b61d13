"""سوابق و پالایش: the secretariat brings earlier meetings' resolutions in from one
workbook, then works the backlog in bulk: a new date, «انجام شده», or withdrawn.

Import (the one import flow, ui/imports.py): upload, read and check every row (nothing
written), every problem listed by row and column, or a summary of what would be
created; one commit writes it all.
Triage: filters find the rows, the list shows them with their count; an action and
its reason are checked first («این کار n ردیف را تغییر می‌دهد»), and the commit runs on
the ids and versions that list showed, so a row changed since is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import pandas as pd
import streamlit as st

from data_layer.commands.backlog import import_backlog
from data_layer.commands.triage import (
    ACTIONS,
    TriageResult,
    bulk_mark_done,
    bulk_reschedule,
    bulk_withdraw,
    changes_for,
)
from data_layer.db import read_session
from data_layer.documents.backlog_template import backlog_template_xlsx
from data_layer.documents.names import file_name
from data_layer.input.backlog import BACKLOG_IMPORT, BacklogPreview
from data_layer.input.dates import DateProblem, parse_date
from data_layer.jalali import format_jalali, format_number, local_today, to_fa_digits
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS
from data_layer.output import inert
from data_layer.permissions import Readable, Scope
from data_layer.queries.agencies import list_agencies
from data_layer.queries.backlog import BacklogFilter, backlog_rows
from data_layer.queries.resolutions import list_meetings
from ui.cache import loader
from ui.freshness import current_version
from ui.imports import ImportScreen, import_tab
from ui.jalali_picker import date_field
from ui.pickers import distinct
from ui.run import run_command
from ui.session import page_person
from ui.theme import page_title

PENDING = "backlog_pending"
url, actor = page_person(Readable.BACKLOG)
today = local_today()


@loader()
def load_choices(url: str, scope: Scope, version: int) -> tuple[dict[int, str], dict[int, str]]:
    """Meetings (newest first) and active agencies for the filters: id -> label."""
    with read_session(url) as s:
        meetings = list_meetings(s)
        agencies = list_agencies(s)
    return (
        {
            int(r["id"]): f"جلسه {to_fa_digits(r['number'])} — {format_jalali(r['held_on'])}"
            for _, r in meetings.iterrows()
        },
        dict(zip(agencies["id"].astype(int), agencies["short_name"], strict=True)),
    )


@loader(spinner="در حال خواندن ردیف‌ها…")
def load_rows(
    url: str,
    scope: Scope,
    today: date,
    meeting_ids: tuple[int, ...],
    agency_ids: tuple[int, ...],
    statuses: tuple[str, ...],
    overdue_only: bool,
    due_before: date | None,
    text: str,
    version: int,
) -> pd.DataFrame:
    """The live rows the filters find (with their ids and versions)."""
    where = BacklogFilter(meeting_ids, agency_ids, statuses, overdue_only, due_before, text)
    with read_session(url) as s:
        return backlog_rows(s, today, where)


version = current_version(url)
page_title(
    "سوابق و پالایش",
    "مصوبات جلسات پیشین با وضعیتشان از یک پرونده، سپس پالایش گروهی ردیف‌ها:"
    " مهلت تازه، انجام‌شده یا برداشتن، همه با دلیل و در تاریخچه.",
)
bring_in, triage = st.tabs(["ورود سوابق از پرونده", "پالایش گروهی ردیف‌ها"])


# --- import ---------------------------------------------------------------------------


def show_summary(preview: BacklogPreview) -> None:
    """What the import would create."""
    st.success(
        f"{format_number(preview.meeting_count)} جلسه، {format_number(preview.resolution_count)}"
        f" مصوبه، {format_number(preview.assignment_count)} ردیف"
    )
    new = "، ".join(to_fa_digits(n) for n in preview.new_meetings) or "هیچ"
    st.caption(
        f"از {format_number(len(preview.rows))} سطر پرونده. جلسه‌های تازه: {new}؛"
        " بقیه به جلسه‌های ثبت‌شده افزوده می‌شوند."
    )
    groups = preview.groups[:50]
    st.dataframe(
        pd.DataFrame(
            {
                "ردیف‌ها": [format_number(len(g.owners)) for g in groups],
                "مسوول پیگیری": [g.owners_as_written for g in groups],
                "شرح مصوبه": [g.text for g in groups],
                "مصوبه": [to_fa_digits(g.number) for g in groups],
                "تاریخ جلسه": [format_jalali(g.meeting_date) for g in groups],
                "جلسه": [to_fa_digits(g.meeting_number) for g in groups],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if len(preview.groups) > len(groups):
        st.caption(f"{format_number(len(groups))} مصوبهٔ نخست نشان داده شده است.")


BACKLOG = ImportScreen(
    key="bl",
    intro=lambda _: (
        "مصوبات جلسات پیشین را با وضعیت امروزشان در یک پرونده (اکسل یا CSV) بارگذاری کنید:"
        " هر سطر یک مصوبه و مسوولان آن با وضعیت، پیشرفت، مهلت و آخرین پیگیری. سطرهای یک"
        " مصوبه (همان جلسه و همان شماره) یکی می‌شوند. پرونده نخست خوانده و بررسی می‌شود و"
        " چیزی ثبت نمی‌شود؛ اگر حتی یک سطر خطا داشته باشد، هیچ سطری وارد نمی‌شود و همهٔ"
        " خطاها با شمارهٔ سطر و نام ستون فهرست می‌شوند."
    ),
    template=backlog_template_xlsx,
    template_file=file_name("الگوی سوابق مصوبات", ext="xlsx"),
    sheet=BACKLOG_IMPORT,
    show=show_summary,
    button="ورود همهٔ سطرها",
    command=import_backlog,
    done=lambda result: (
        f"{format_number(result.resolutions)} مصوبه و {format_number(result.assignments)}"
        f" ردیف وارد شد ({format_number(result.meetings)} جلسهٔ تازه)."
    ),
    refused="هیچ سطری وارد نمی‌شود تا پرونده اصلاح شود.",
    forget=(PENDING,),
    keep_preview=True,
)
with bring_in:
    import_tab(url, BACKLOG)


# --- triage ---------------------------------------------------------------------------


def filters(meetings: dict[int, str], agencies: dict[int, str]) -> tuple[Any, ...] | None:
    """The filters as load_rows takes them; None (after saying why) for a bad date."""
    meetings, agencies = distinct(meetings), distinct(agencies)
    a, b, c = st.columns(3)
    meeting_ids = a.multiselect(
        "جلسه",
        list(meetings),
        format_func=meetings.__getitem__,
        placeholder="همهٔ جلسات",
        key="tr_meetings",
    )
    agency_ids = b.multiselect(
        "دستگاه",
        list(agencies),
        format_func=agencies.__getitem__,
        placeholder="همهٔ دستگاه‌ها",
        key="tr_agencies",
    )
    statuses = c.multiselect(
        "وضعیت",
        list(STATUS_LABELS),
        format_func=STATUS_LABELS.__getitem__,
        placeholder="همهٔ وضعیت‌ها",
        key="tr_statuses",
    )
    d, e, f = st.columns(3)
    overdue = d.toggle(f"فقط {OVERDUE_LABEL}", key="tr_overdue")
    due_text = date_field(e, "مهلت پیش از", None, placeholder="۱۴۰۳/۰۱/۰۱", key="tr_due")
    text = f.text_input("شرح مصوبه شامل", key="tr_text")
    try:
        due_before = parse_date(due_text)
    except DateProblem as problem:
        st.error(inert(f"«مهلت پیش از»: {problem.message}"))
        return None
    return (tuple(meeting_ids), tuple(agency_ids), tuple(statuses), overdue, due_before, text)


def rows_table(rows: pd.DataFrame) -> None:
    """Every row found (the action runs on exactly these), meeting and resolution on the
    right: the grid draws its columns left to right whatever the page's direction."""
    st.dataframe(
        pd.DataFrame(
            {
                "دفعات تغییر": rows["reschedule_count"].map(format_number),
                "مهلت": [format_jalali(d) if pd.notna(d) else "—" for d in rows["due"]],
                "تأخیر": ["⚠ " + OVERDUE_LABEL if o else "" for o in rows["overdue"]],
                "پیشرفت": [f"{format_number(p)}٪" for p in rows["progress"]],
                "وضعیت": rows["status"].map(STATUS_LABELS),
                "دستگاه": rows["agency"],
                "شرح مصوبه": rows["resolution_text"],
                "مصوبه": rows["resolution_number"].map(to_fa_digits),
                "جلسه": rows["meeting_number"].map(to_fa_digits),
            }
        ),
        hide_index=True,
        width="stretch",
        height=420,
    )


def action_form() -> tuple[str, str, str]:
    """The action, its new date (for a reschedule) and its reason, as typed."""
    action = st.radio(
        "کار گروهی بر همهٔ ردیف‌های یافته‌شده",
        list(ACTIONS),
        format_func=ACTIONS.__getitem__,
        horizontal=True,
        key="tr_action",
    )
    new_date = ""
    if action == "reschedule":
        new_date = date_field(st, "مهلت تازه", None, placeholder="۱۴۰۴/۰۶/۳۱", key="tr_new_date")
    reason = st.text_area("دلیل (الزامی؛ در تاریخچهٔ هر ردیف می‌ماند)", key="tr_reason")
    return action, new_date, reason


def review(action: str, new_date: str, reason: str, rows: pd.DataFrame) -> dict[str, Any] | None:
    """What the action would do to the rows shown, or None (after saying why)."""
    if not reason.strip():
        st.error("دلیل این کار را بنویسید؛ در تاریخچهٔ هر ردیف می‌ماند.")
        return None
    day = None
    if action == "reschedule":
        try:
            day = parse_date(new_date)
        except DateProblem as problem:
            st.error(inert(f"«مهلت تازه»: {problem.message}"))
            return None
        if day is None:
            st.error("«مهلت تازه» را به شکل ۱۴۰۲/۰۷/۲۹ بنویسید.")
            return None
    records = cast(list[dict[str, Any]], rows.to_dict("records"))
    changing = sum(bool(changes_for(action, r, day)) for r in records)
    shown = dict(zip(rows["id"].astype(int), rows["version"].astype(int), strict=True))
    return {"rows": shown, "changing": changing}


def commit(action: str, new_date: str, reason: str, rows: dict[int, int]) -> None:
    """Run the action on the rows (ids and the versions shown) in one transaction."""

    def run(s: Any, who: Any) -> TriageResult:
        if action == "reschedule":
            return bulk_reschedule(s, actor=who, rows=rows, new_date=new_date, reason=reason)
        if action == "done":
            return bulk_mark_done(s, actor=who, rows=rows, reason=reason)
        return bulk_withdraw(s, actor=who, rows=rows, reason=reason)

    def done(result: TriageResult) -> str:
        kept = (
            f"؛ {format_number(result.unchanged)} ردیف از پیش چنین بود و دست نخورد"
            if result.unchanged
            else ""
        )
        return f"{ACTIONS[action]}: {format_number(result.changed)} ردیف تغییر کرد{kept}."

    run_command(url, run, done=done, forget=[PENDING])


def confirm(pending: dict[str, Any]) -> None:
    """The count of rows that change, then the commit (or a way back)."""
    changing, total = pending["changing"], len(pending["rows"])
    if changing == 0:
        st.info("این کار هیچ ردیفی را تغییر نمی‌دهد؛ همهٔ ردیف‌های یافته‌شده از پیش چنین‌اند.")
        return
    rest = total - changing
    also = f" ({format_number(rest)} ردیف از پیش چنین است و دست نمی‌خورد)" if rest else ""
    st.warning(f"این کار {format_number(changing)} ردیف را تغییر می‌دهد{also}.")
    a, b = st.columns([1, 3])
    if a.button("ثبت", type="primary", key="tr_commit"):
        commit(pending["action"], pending["new_date"], pending["reason"], pending["rows"])
    if b.button("انصراف", key="tr_cancel"):
        st.session_state.pop(PENDING, None)
        st.rerun()


def triage_tab() -> None:
    """Filters, the rows found and their count, the action, its check and its commit."""
    meetings, agencies = load_choices(url, actor.scope, version)
    chosen = filters(meetings, agencies)
    if chosen is None:
        return
    meeting_ids, agency_ids, statuses, overdue, due_before, text = chosen
    rows = load_rows(
        url,
        actor.scope,
        today,
        meeting_ids,
        agency_ids,
        statuses,
        overdue,
        due_before,
        text,
        version,
    )
    st.metric("ردیف‌های یافته‌شده", format_number(len(rows)))
    if rows.empty:
        st.info("ردیفی با این پالایه‌ها پیدا نشد.")
        return
    rows_table(rows)
    action, new_date, reason = action_form()
    asked = (chosen, action, new_date, reason)
    pending = st.session_state.get(PENDING)
    if pending is not None and pending["asked"] != asked:
        st.session_state.pop(PENDING, None)  # the filters or the action changed since
        pending = None
    if st.button("بررسی پیش از ثبت", key="tr_review"):
        st.session_state.pop(PENDING, None)
        pending = None
        planned = review(action, new_date, reason, rows)
        if planned is not None:
            pending = {"asked": asked, "action": action, "new_date": new_date, "reason": reason}
            st.session_state[PENDING] = pending | planned
            pending = st.session_state[PENDING]
    if pending is not None:
        confirm(pending)


with triage:
    triage_tab()
