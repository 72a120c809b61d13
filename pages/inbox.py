"""کارتابل: what is due from me, each item a link to where it is done."""

from __future__ import annotations

import streamlit as st

from data_layer import clock
from data_layer.jalali import format_jalali, format_number
from data_layer.labels import ROLE_LABELS
from data_layer.permissions import Readable
from data_layer.queries.inbox import EMPTY, InboxItem, things_due
from ui.freshness import current_version
from ui.html import Html, show
from ui.inbox import items_for
from ui.session import page_reader
from ui.theme import page_title

KIND_LABELS = {
    "returned": "برگشتی",
    "late": "معوق",
    "due": "سررسید نزدیک",
    "letter": "نامهٔ بی‌پاسخ",
    "report": "گزارش عملکرد",
    "failed": "پیام ناموفق",
    "claims": "بررسی گزارش‌ها",
    "values": "بررسی مقادیر شاخص",
    "ladder": "نامه‌های پیگیری",
    "record": "سابقهٔ جلسه",
    "reply": "پاسخ نامه",
    "priority": "اولویت محلات",
}


def entries(item: InboxItem) -> Html:
    """A summary's first things, each a link, and how many more its screen holds."""
    if not item.entries:
        return Html("")
    lines = [
        Html('<li><a href="{}" target="_self">{}</a></li>').format(e.link, e.text)
        for e in item.entries
    ]
    more = item.count - len(item.entries)
    if more > 0:
        lines.append(
            Html(
                '<li class="inbox-more"><a href="{}" target="_self">و {} مورد دیگر</a></li>'
            ).format(item.link, format_number(more))
        )
    return Html('<ul class="inbox-entries">{}</ul>').format(Html("").join(lines))


url, reader = page_reader(Readable.INBOX)
assert reader.actor is not None
items = items_for(url, reader, current_version(url))
page_title(
    "کارتابل",
    f"{reader.actor.full_name} — {ROLE_LABELS[reader.actor.role]} — امروز"
    f" {format_jalali(clock.today())}",
)
if reader.actor.agency_id is not None:  # a liaison: every row of the agency, not only these
    st.page_link(
        "pages/my_agency.py", label="به‌روزرسانی ردیف‌های دستگاه من", icon=":material/edit_note:"
    )
if not items:
    show(Html('<p class="inbox-empty">{}</p>').format(EMPTY))
else:
    show(
        Html('<p class="inbox-count">{} کار در انتظار شماست.</p>').format(
            format_number(things_due(items))
        )
    )
    cards = Html("").join(
        Html(
            '<li class="inbox-item inbox-{}"><a href="{}" target="_self">'
            '<span class="inbox-kind">{}</span> <b>{}</b></a><br><small>{}</small>{}</li>'
        ).format(i.kind, i.link, KIND_LABELS[i.kind], i.title, i.detail, entries(i))
        for i in items
    )
    show(Html('<ul class="inbox">{}</ul>').format(cards))
