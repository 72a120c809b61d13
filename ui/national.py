"""Pieces of «انتشار برای سطح ملی»: a draft snapshot's preview in Persian, the list of
past publications with their push state, and the administrator's link to the hub."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.jalali import format_jalali, format_jalali_datetime, format_number, format_percent
from data_layer.labels import NEIGHBORHOOD_KIND_LABELS
from data_layer.national.link import LINK_LABELS, NationalLink, set_link
from data_layer.national.publish import MAX_BODY_BYTES, Draft, requeue_push, too_large
from data_layer.output import inert
from ui.html import show
from ui.pickers import as_shown
from ui.run import Command, run_command
from ui.tables import html_table

PUSH_LABELS = {
    "queued": "در صف ارسال",
    "sending": "در حال ارسال",
    "sent": "به مرکز ملی رسید",
    "failed": "ناموفق",
}
NO_PUSH = "بدون ارسال (مرکز ملی خودش دریافت می‌کند)"


def size_text(size: int) -> str:
    """A size in kilobytes or megabytes, Persian digits."""
    if size >= 1024 * 1024:
        return f"{format_number(size / (1024 * 1024), 1)} مگابایت"
    return f"{format_number(max(size / 1024, 0.1), 1)} کیلوبایت"


def _day(text: str | None) -> str:
    return format_jalali(date.fromisoformat(text)) if text else "—"


def _totals(draft: Draft) -> None:
    totals = draft.content["totals"]
    st.caption(
        f"وضعیت روز {format_jalali(draft.as_of)} — حجم {size_text(draft.size_bytes)} —"
        f" شناسهٔ محتوا {draft.content_sha256[:12]}"
    )
    if draft.size_bytes > MAX_BODY_BYTES:
        st.error(too_large(draft.size_bytes))
    figures = [
        ("جلسه", totals["meetings"]),
        ("مصوبه", totals["resolutions"]),
        ("ردیف پیگیری", totals["rows"]),
        ("انجام‌شده", totals["rows_done"]),
        ("دارای تأخیر", totals["rows_late"]),
        ("محلهٔ هدف", totals["neighborhoods"]),
        ("محلهٔ بدون خدمت", totals["neighborhoods_without_service"]),
        ("هدف شاخص در مسیر", totals["on_track"]),
        ("هدف شاخص دور از هدف", totals["off_track"]),
    ]
    for row in (figures[:5], figures[5:]):
        for place, (label, value) in zip(st.columns(5), row, strict=False):
            place.metric(label, format_number(value))


def _meetings(meetings: list[dict[str, Any]]) -> None:
    st.markdown("###### جلسات")
    rows = []
    for m in reversed(meetings):
        passed = m["resolutions"]
        mean = sum(r["progress"] for r in passed) / max(len(passed), 1)
        rows.append(
            (
                format_number(m["number"]),
                _day(m["held_on"]),
                format_number(len(passed)),
                format_number(sum(r["done"] for r in passed)),
                format_number(sum(r["late"] for r in passed)),
                format_percent(mean / 100),
            )
        )
    head = ["جلسه", "تاریخ", "مصوبات", "انجام و تأییدشده", "دارای تأخیر", "پیشرفت میانگین"]
    show(html_table(head, rows, "national-meetings"))


def _agencies(agencies: list[dict[str, Any]]) -> None:
    st.markdown("###### دستگاه‌ها")
    worst_first = sorted(agencies, key=lambda a: (-a["late"], a["short_name"]))
    rows = [
        (
            a["short_name"],
            format_number(a["rows"]),
            format_number(a["done"]),
            format_number(a["late"]),
            format_percent((a["progress"] or 0) / 100),
        )
        for a in worst_first
    ]
    head = ["دستگاه", "ردیف", "انجام‌شده", "دارای تأخیر", "پیشرفت میانگین"]
    show(html_table(head, rows, "national-agencies"))


def _unserved(neighborhoods: list[dict[str, Any]], shown: int = 200) -> None:
    st.markdown("###### محلات هدف بدون خدمت فعال")
    unserved = [h for h in neighborhoods if h["active_services"] == 0]
    if not unserved:
        st.caption("همهٔ محلات هدف دست‌کم یک خدمت فعال دارند.")
        return
    rows = [
        (
            h["county"],
            h["name"],
            NEIGHBORHOOD_KIND_LABELS.get(h["kind"], h["kind"]),
            format_number(h["population"]) if h["population"] is not None else "—",
        )
        for h in unserved[:shown]
    ]
    show(html_table(["شهرستان", "محله", "نوع", "جمعیت"], rows, "national-unserved"))
    if len(unserved) > shown:
        st.caption(f"و {format_number(len(unserved) - shown)} محلهٔ دیگر.")


def draft_preview(draft: Draft) -> None:
    """What the draft says, as the secretariat checks it before approving."""
    _totals(draft)
    _meetings(draft.content["meetings"])
    _agencies(draft.content["agencies"])
    _unserved(draft.content["neighborhoods"])


def publications_table(past: pd.DataFrame) -> None:
    """Every past publication: version, date, who approved, size, the push's state."""
    if past.empty:
        st.caption("هنوز چیزی برای سطح ملی منتشر نشده است.")
        return
    rows = []
    for p in past.to_dict("records"):
        state = p["push_state"]
        push = NO_PUSH if state is None or pd.isna(state) else PUSH_LABELS.get(state, state)
        if isinstance(state, str) and state != "sent" and p["last_error"]:
            push = f"{push} — {p['last_error']}"
        rows.append(
            (
                format_number(p["version"]),
                p["province_code"],
                format_jalali_datetime(p["published_at"]),
                format_jalali(p["as_of"]),
                p["approved_by"],
                size_text(int(p["size_bytes"])),
                push,
            )
        )
    show(
        html_table(
            ["نسخه", "کد استان", "زمان انتشار", "وضعیت روز", "تأییدکننده", "حجم", "ارسال"],
            rows,
            "national-publications",
        )
    )


def _requeue(push_id: int) -> Command[None]:
    return lambda s, who: requeue_push(s, actor=who, push_id=push_id)


def failed_pushes(url: str, past: pd.DataFrame) -> None:
    """A button per failed push, for the administrator to send it again."""
    failed = past[past["push_state"] == "failed"] if not past.empty else past
    for p in failed.head(10).to_dict("records"):
        if st.button(
            f"ارسال دوبارهٔ نسخهٔ {format_number(p['version'])} به مرکز ملی",
            key=f"national_requeue_{p['push_id']}",
            icon=":material/replay:",
        ):
            run_command(
                url,
                _requeue(int(p["push_id"])),
                done="ارسال دوباره در صف گذاشته شد.",
            )


def link_form(url: str, fresh: NationalLink) -> None:
    """The administrator's form: the province's code and name, the hub, the token."""
    shown = as_shown("national_link", fresh)
    k = abs(hash(shown.public())) % 10**8
    with st.form(f"national_link_{k}", enter_to_submit=False):
        a, b = st.columns(2)
        code = a.text_input(LINK_LABELS["code"], shown.code, key=f"nl_code:{k}")
        name = b.text_input(LINK_LABELS["name"], shown.name, key=f"nl_name:{k}")
        hub = st.text_input(LINK_LABELS["hub_url"], shown.hub_url, key=f"nl_hub:{k}")
        token = st.text_input(
            LINK_LABELS["token"],
            "",
            type="password",
            key=f"nl_token:{k}",
            help="خالی بگذارید تا کلید کنونی بماند.",
        )
        st.caption(inert(f"کلید کنونی: {shown.token_shown}"))
        if st.form_submit_button("ذخیرهٔ پیوند مرکز ملی", type="primary"):
            run_command(
                url,
                lambda s, who: set_link(
                    s,
                    actor=who,
                    code=code,
                    name=name,
                    hub_url=hub,
                    token=token,
                    expected=shown,
                ),
                done="پیوند مرکز ملی ذخیره شد.",
                shown="national_link",
            )
