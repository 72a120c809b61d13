"""نمای کلی: where things stand, who is behind, which neighborhoods get nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.db import read_session
from data_layer.jalali import format_jalali, format_jalali_long, format_number, local_today
from data_layer.jalali import to_fa_digits as fa
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS
from data_layer.models import Role
from data_layer.permissions import Readable, Scope
from data_layer.queries import overview as qo
from data_layer.rules.indicators import STATUS_LABELS as IND_LABELS
from data_layer.rules.indicators import STATUS_MARKS as IND_MARKS
from ui import loaders
from ui.cache import loader
from ui.charts import completions_by_month, status_by_agency
from ui.county import county_note
from ui.freshness import current_version, keep_fresh
from ui.html import Html, show
from ui.pickers import distinct
from ui.session import page_reader
from ui.setup_steps import setup_steps
from ui.tables import (
    gaps_html,
    neighborhoods_html,
    overdue_html,
    scorecards_html,
    wrong_way_html,
)
from ui.theme import page_title

LATE_SHOWN, LATE_PAGE = loaders.LATE_SHOWN, loaders.LATE_PAGE


@loader()
def late_page(url: str, scope: Scope, today: date, page: int, version: int) -> pd.DataFrame:
    """One page of every late row after the first (the overview's loader reads page 1)."""
    with read_session(url) as s:
        return qo.overdue_rows(
            s,
            today,
            limit=LATE_PAGE,
            offset=(page - 1) * LATE_PAGE,
            county_id=scope.county_id,
        )


def _page_labels(pages: int) -> dict[int, str]:
    return {n: f"صفحهٔ {format_number(n)} از {format_number(pages)}" for n in range(1, pages + 1)}


@loader()
def drawn(url: str, scope: Scope, today: date, version: int) -> dict[str, Any]:
    """The overview's tables as HTML and its charts, built once per data version for
    every session (at L, formatting 125 agencies' scorecards and building the charts
    took most of a warm visit)."""
    data = loaders.overview(url, scope, today, version)
    first_late = data["late"]
    return {
        "cards_top": scorecards_html(data["cards"], limit=8),
        "cards_all": scorecards_html(data["cards"]),
        "late": overdue_html(first_late.head(LATE_SHOWN)),
        "late_page": overdue_html(first_late),
        # «صفحهٔ ۳ از ۱٬۲۷۶»: a label for each page of every late row (page -> label).
        "page_labels": _page_labels(-(-data["headline"]["overdue"] // LATE_PAGE)),
        "no_service": neighborhoods_html(data["no_service"].head(10)),
        "gaps": gaps_html(data["gaps"]),
        "wrong_way": wrong_way_html(data["wrong_way"], links=True),
        "by_agency": status_by_agency(data["by_agency"]),
        "monthly": completions_by_month(data["monthly"]),
    }


def kpi(label: str, value: str, cls: str = "", note: str = "") -> Html:
    """One headline card."""
    sub = Html('<div class="n">{}</div>').format(note) if note else ""
    return Html('<div class="{}"><div class="v">{}</div><div class="l">{}</div>{}</div>').format(
        f"kpi {cls}".strip(), value, label, sub
    )


url, reader = page_reader(Readable.OVERVIEW)
today = local_today()
version = current_version(url)
data = loaders.overview(url, reader.scope, today, version)
screen = drawn(url, reader.scope, today, version)
h = data["headline"]
cards, first_late = data["cards"], data["late"]
late = first_late.head(LATE_SHOWN)
last = data["last"]
page_title(
    "نمای کلی پیگیری مصوبات",
    f"امروز {format_jalali_long(today)}"
    + (
        f" — آخرین جلسه: جلسه {fa(last['number'])} ({format_jalali(last['held_on'])})"
        if last
        else ""
    ),
    "بخشی از پیگیری‌ها، دستگاه‌ها یا محلات نمونه است." if data["sample"] else None,
)
county_note(url, reader)
if reader.scope.county_id is not None and h["rows"] == 0:
    st.caption(
        "هنوز هیچ ردیف مصوبه‌ای محله‌ای از این شهرستان را محل اجرای خود نام نبرده است؛"
        " ردیفی برای شهرستان شمرده می‌شود که دستگاه یا دبیرخانه یکی از محلات آن را"
        " محل اجرایش ثبت کند."
    )

actor = reader.actor
if actor is not None and actor.role in (Role.ADMIN.value, Role.SECRETARIAT.value):
    setup_steps(data["steps"])
if actor is not None and actor.agency_id is not None:
    mine = cards[cards["agency_id"] == actor.agency_id]
    if not mine.empty:
        m = mine.iloc[0]
        st.info(
            f"دستگاه شما: {format_number(int(m['overdue']))} ردیف دارای تأخیر، "
            f"{format_number(int(m['done']))} از {format_number(int(m['rows']))} ردیف انجام شده."
        )
        st.page_link(
            "pages/my_agency.py", label="به‌روزرسانی ردیف‌های دستگاه من", icon=":material/edit_note:"
        )

rows = max(h["rows"], 1)


def share(n: int) -> str:
    return f"{format_number(round(100 * n / rows))}٪"


show(
    Html('<div class="kpis">')
    + kpi(
        "مصوبات", format_number(h["resolutions"]), note=f"{format_number(h['rows'])} ردیف دستگاه‌ها"
    )
    + kpi(
        "انجام و تأییدشده",
        format_number(h["done_verified"]),
        "done",
        f"از {format_number(h['done'])} انجام‌شده",
    )
    + kpi(
        STATUS_LABELS["in_progress"],
        format_number(h["in_progress"]),
        "prog",
        share(h["in_progress"]),
    )
    + kpi(
        STATUS_LABELS["not_started"],
        format_number(h["not_started"]),
        "none",
        share(h["not_started"]),
    )
    + kpi(OVERDUE_LABEL, format_number(h["overdue"]), "late", share(h["overdue"]))
    + kpi("بی‌گزارش در ۳۰ روز", format_number(h["stale"]), "late", "ردیف انجام‌نشده")
    + kpi(
        "محله بدون خدمت فعال",
        format_number(len(data["no_service"])),
        "late",
        f"از {format_number(data['hoods'])} محله هدف",
    )
    + Html("</div>")
)

right, left = st.columns([1.3, 1])
with right:
    st.markdown("##### دستگاه‌ها، از عقب‌مانده‌ترین")
    show(screen["cards_top"])
    with st.expander(f"همهٔ {format_number(len(cards))} دستگاه"):
        show(screen["cards_all"])
with left:
    total_late = h["overdue"]
    counted = format_number(total_late)
    if len(late) < total_late:
        counted = f"{format_number(len(late))} از {counted}"
    st.markdown(f"##### ردیف‌های دارای تأخیر ({counted})")
    if late.empty:
        st.success("هیچ ردیفی از سررسید خود عقب نیست.")
    else:
        show(screen["late"])
        if total_late > len(late):
            with st.expander(f"همهٔ {format_number(total_late)} ردیف دارای تأخیر"):
                pages = -(-total_late // LATE_PAGE)
                page = 1
                if pages > 1:
                    page_labels = distinct(screen["page_labels"])
                    page = st.selectbox(
                        "صفحه",
                        range(1, pages + 1),
                        format_func=page_labels.__getitem__,
                        key="late_page",
                    )
                rows = (
                    first_late if page == 1 else late_page(url, reader.scope, today, page, version)
                )
                first = (page - 1) * LATE_PAGE + 1
                st.caption(
                    f"ردیف‌های {format_number(first)} تا {format_number(first + len(rows) - 1)}"
                    f" از {format_number(total_late)}، از بیشترین تأخیر"
                )
                show(screen["late_page"] if page == 1 else overdue_html(rows))

t = data["thresholds"]
show(
    Html(
        '<p class="section-note">«مطلوب»: دست‌کم {}٪ انجام‌شده، کمتر از {} ردیف دارای تأخیر و'
        " گزارش در {} روز اخیر. «نیازمند توجه»: کمتر از {}٪ انجام‌شده، یا دست‌کم {} ردیف"
        " دارای تأخیر، یا بی‌گزارش بیش از {} روز. دبیرخانه این آستانه‌ها را در «تنظیمات»"
        " تغییر می‌دهد.</p>"
    ).format(
        fa(round(100 * t.green_done_share)),
        fa(t.amber_overdue),
        fa(t.stale_days),
        fa(round(100 * t.red_done_share)),
        fa(t.red_overdue),
        fa(2 * t.stale_days),
    )
)

changes, moved = data["changes"], data["moved"]
if moved is not None:
    st.markdown(f"##### از جلسهٔ {fa(data['last']['number'])} تا امروز")
    st.caption(f"نسبت به {moved['label']}")
    c = st.columns(4)
    c[0].metric("ردیف‌های تکمیل‌شده", format_number(moved["completed"]))
    c[1].metric("پیش رفت", format_number(moved.get("forward", 0)))
    c[2].metric("درجا", format_number(moved.get("stalled", 0)))
    c[3].metric("پس رفت", format_number(moved.get("back", 0)))
elif changes is not None and data["last"]:
    st.markdown(f"##### از جلسهٔ {fa(data['last']['number'])} تا امروز")
    c = st.columns(4)
    c[0].metric("ردیف‌های تکمیل‌شده", format_number(changes["completed"]))
    c[1].metric("ردیف‌های آغازشده", format_number(changes["started"]))
    c[2].metric("ردیف‌های تمدیدشده", format_number(changes["moved"]))
    c[3].metric("ردیف‌های تغییرکرده", format_number(changes["since_meeting_rows_changed"]))

st.markdown("##### محلات هدف")
a, b = st.columns([1, 1.4])
with a:
    st.markdown(
        f"**{format_number(len(data['no_service']))}** محله از {format_number(data['hoods'])}"
        " هیچ خدمت فعالی ندارند:"
    )
    show(screen["no_service"])
with b:
    st.markdown("بیشترین کمبود نسبت به نیاز (هنجار × جمعیت):")
    if data["gaps"].empty:
        st.caption("برای هیچ خدمتی کمبودی محاسبه نشد.")
    else:
        show(screen["gaps"])

st.markdown("##### شاخص‌های محلات: اهداف در مسیر")
targets, wrong, worse = data["targets"], data["wrong_way"], data["wrong_way_count"]
show(
    Html('<div class="kpis">')
    + Html("").join(
        kpi(f"{IND_MARKS[k]} {IND_LABELS[k]}", format_number(targets.get(k, 0)), cls)
        for k, cls in (("on_track", "done"), ("off_track", "late"), ("no_data", "none"))
    )
    + Html("</div>")
)
if wrong.empty:
    st.caption("در آخرین دورهٔ گزارش‌شده هیچ شاخصی در هیچ محله‌ای بدتر نشده است.")
else:
    st.markdown(
        f"محلاتی که شاخصشان در آخرین دوره بدتر شد ({format_number(worse)}؛"
        " برای پرونده روی نام محله بزنید):"
    )
    show(screen["wrong_way"])

st.markdown("##### نمودارها")
a, b = st.columns([1.2, 1])
with a:
    st.caption("ردیف‌های هر دستگاه به تفکیک وضعیت")
    st.altair_chart(screen["by_agency"], width="stretch")
with b:
    st.caption("ردیف‌های تکمیل‌شده در هر ماه (شمسی)")
    st.altair_chart(screen["monthly"], width="stretch")

keep_fresh(url, version)
