"""Small HTML tables we control (RTL, Persian digits): scorecards, late rows, gaps."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import pandas as pd

from data_layer.jalali import (
    days_ago,
    format_amount,
    format_jalali,
    format_number,
    format_percent,
    to_fa_digits,
)
from data_layer.labels import STATUS_LABELS
from ui.html import Html

RAG = {
    "red": ("■", "نیازمند توجه"),
    "amber": ("▲", "در معرض تأخیر"),
    "green": ("●", "مطلوب"),
}


def rag_chip(rag: str) -> Html:
    """Red / amber / green as colour, shape and word."""
    shape, label = RAG[rag]
    return Html('<span class="rag rag-{}">{} {}</span>').format(rag, shape, label)


def html_table(head: Sequence[str], rows: Sequence[Sequence[object]], cls: str) -> Html:
    """A table, right to left: each cell is text, or Html for a cell with markup."""
    th = Html("").join(Html("<th>{}</th>").format(h) for h in head)
    body = Html("").join(
        Html("<tr>{}</tr>").format(Html("").join(Html("<td>{}</td>").format(c) for c in r))
        for r in rows
    )
    return Html(
        '<table class="grid {}" dir="rtl"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
    ).format(cls, th, body)


def _days(n: object) -> str:
    """Days since an agency last reported: «امروز», «دیروز», «۳ روز پیش» or «هرگز»."""
    if n is None or pd.isna(n):  # type: ignore[call-overload]
        return "هرگز"
    return days_ago(int(n))  # type: ignore[call-overload]


def _letters(card: Mapping[Hashable, object]) -> str:
    """«۳ (۱ بی‌پاسخ)»: letters received and unanswered, or a dash."""
    sent = int(card.get("letters", 0) or 0)  # type: ignore[call-overload]
    open_ = int(card.get("unanswered", 0) or 0)  # type: ignore[call-overload]
    if not sent:
        return "—"
    return (
        f"{format_number(sent)} ({format_number(open_)} بی‌پاسخ)" if open_ else format_number(sent)
    )


def scorecards_html(cards: pd.DataFrame, limit: int | None = None, *, letters: bool = True) -> Html:
    """Agencies worst first: RAG, done, on time, with evidence, last update, late rows
    and (unless `letters` is False: the projector's slide keeps its seven columns) the
    follow-up letters received and unanswered."""
    shown = cards if limit is None else cards.head(limit)
    rows = [
        [
            Html("<b>{}</b>").format(c["agency"]),
            rag_chip(c["rag"]),
            format_percent(100 * c["share_done"]),
            format_percent(100 * c["share_on_time"]),
            format_percent(100 * c["share_evidence"]),
            _days(c["days_since_update"]),
            format_number(int(c["overdue"])),
            *([_letters(c)] if letters else []),
        ]
        for c in shown.to_dict("records")
    ]
    head = [
        "دستگاه",
        "وضعیت",
        "انجام‌شده",
        "به‌موقع",
        "با مستند",
        "آخرین گزارش",
        "دارای تأخیر",
        *(["نامه (بی‌پاسخ)"] if letters else []),
    ]
    return html_table(head, rows, "scorecards")


def overdue_html(late: pd.DataFrame, limit: int | None = None) -> Html:
    """Late rows: resolution, agency, days late, times rescheduled."""
    shown = late if limit is None else late.head(limit)
    rows = [
        [
            f"جلسه {to_fa_digits(r['meeting_number'])}، "
            f"مصوبه {to_fa_digits(r['resolution_number'])}",
            r["agency"],
            Html("<b>{}</b> روز").format(format_number(int(r["days_late"]))),
            format_number(int(r["reschedule_count"])),
            STATUS_LABELS.get(r["status"], r["status"]),
        ]
        for r in shown.to_dict("records")
    ]
    return html_table(["مصوبه", "دستگاه", "تأخیر", "تمدید", "وضعیت"], rows, "late")


def movement_html(summary: pd.DataFrame, limit: int | None = None) -> Html:
    """Then → now per agency: rows gone back, stalled, moved forward, and the mean
    progress then and now (the most gone back first)."""
    shown = summary if limit is None else summary.head(limit)
    rows = [
        [
            Html("<b>{}</b>").format(r["name"]),
            Html("<b>{}</b>").format(format_number(int(r["back"])))
            if int(r["back"])
            else format_number(0),
            format_number(int(r["stalled"])),
            format_number(int(r["forward"])),
            f"{format_percent(r['then_progress'])} ← {format_percent(r['now_progress'])}",
        ]
        for r in shown.to_dict("records")
    ]
    head = ["دستگاه", "پس رفت", "درجا", "پیش رفت", "پیشرفت آن روز ← اکنون"]
    return html_table(head, rows, "movement")


def gaps_html(gaps: pd.DataFrame) -> Html:
    """The largest unmet needs: neighborhood, service, need, in place, gap, owner."""
    rows = [
        [
            Html("{} <small>({})</small>").format(g["neighborhood"], g["county"]),
            g["service"],
            format_amount(g["need"]),
            format_amount(g["delivered"]),
            Html("<b>{}</b> {} ({})").format(
                format_amount(g["gap"]), g["unit"], format_percent(100 * g["unmet_share"])
            ),
            g["owner_agency"] or "—",
        ]
        for g in gaps.to_dict("records")
    ]
    return html_table(["محله", "خدمت", "نیاز", "موجود", "کمبود", "مسوول"], rows, "gaps")


def neighborhoods_html(hoods: pd.DataFrame) -> Html:
    """Neighborhoods with no active service, by priority."""
    rows = [
        [
            h["name"],
            h["county"],
            format_number(int(h["population"])),
            to_fa_digits(h["priority_rank"]) if pd.notna(h["priority_rank"]) else "—",
        ]
        for h in hoods.to_dict("records")
    ]
    return html_table(["محله", "شهرستان", "جمعیت", "اولویت"], rows, "hoods")


def jalali_or_dash(d: object) -> str:
    """A date as Jalali text, or a dash."""
    shown = d is not None and not pd.isna(d)  # type: ignore[call-overload]
    return format_jalali(d) if shown else "—"  # type: ignore[arg-type]


def wrong_way_html(moves: pd.DataFrame, *, links: bool = False) -> Html:
    """Neighborhoods whose indicator moved the wrong way: the period before → the latest.
    With `links`, each neighborhood opens its dossier."""
    rows = []
    for m in moves.to_dict("records"):
        name = Html("{} <small>({})</small>").format(m["neighborhood"], m["county"])
        if links:
            name = Html('<a href="/dossier?id={}" target="_self">{}</a>').format(
                int(m["neighborhood_id"]), name
            )
        rows.append(
            [
                name,
                Html("{} <small>({})</small>").format(m["indicator"], m["unit"])
                if m["unit"]
                else m["indicator"],
                Html("{} <small>{}</small>").format(
                    format_amount(m["previous_value"]), m["previous_label"]
                ),
                Html("<b>▼ {}</b> <small>{}</small>").format(
                    format_amount(m["latest_value"]), m["latest_label"]
                ),
            ]
        )
    return html_table(["محله", "شاخص", "دورهٔ پیش", "آخرین دوره"], rows, "wrong-way")
