"""Projector slides as HTML: big type, AAA contrast, status by shape and word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from data_layer.jalali import (
    format_jalali,
    format_jalali_long,
    format_number,
    format_percent,
    to_fa_digits,
)
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS
from data_layer.output import inert_html
from data_layer.queries.profile import Profile
from ui.status import STATUS_SYMBOLS
from ui.tables import gaps_html, movement_html, neighborhoods_html, scorecards_html


@dataclass(frozen=True)
class Slide:
    """One slide: a title for the slide picker and its HTML."""

    title: str
    html: str
    agency_id: int | None = None


def _chip(status: str, text: str, late: bool) -> str:
    mark = " ⚠" if late else ""
    return (
        f'<div class="pchip ps-{inert_html(status)}{" late" if late else ""}">'
        f'<span class="sym">{STATUS_SYMBOLS.get(status, "")}</span>'
        f"<span>{text}{mark}</span></div>"
    )


def legend() -> str:
    """Every status's shape and word, and the late mark."""
    items = "".join(_chip(s, label, False) for s, label in STATUS_LABELS.items())
    return f'<div class="plegend">{items}{_chip("not_started", OVERDUE_LABEL, True)}</div>'


def cover(
    meeting: dict[str, Any],
    today: date,
    headline: dict[str, int],
    profile: Profile,
    stamp: str = "",
) -> Slide:
    """The working group, the meeting reviewed, today, and four headline figures."""
    kpis = "".join(
        f'<div class="pkpi"><b>{format_number(headline[k])}</b><span>{label}</span></div>'
        for k, label in (
            ("rows", "ردیف پیگیری"),
            ("done", STATUS_LABELS["done"]),
            ("in_progress", STATUS_LABELS["in_progress"]),
            ("overdue", OVERDUE_LABEL),
        )
    )
    html = (
        f'<div class="pcover"><div class="pwg">{inert_html(profile.governorate)} —'
        f" {inert_html(profile.group_name)}</div>"
        f'<div class="pbig">پیگیری مصوبات جلسه {to_fa_digits(meeting["number"])}</div>'
        f"<div>جلسه: {format_jalali_long(meeting['held_on'])} —"
        f" امروز: {format_jalali_long(today)}</div>"
        + (f'<div class="pstamp">{inert_html(stamp)}</div>' if stamp else "")
        + f'<div class="pkpis">{kpis}</div>{legend()}</div>'
    )
    return Slide("آغاز", html)


def _stamp(stamp: str) -> str:
    return f'<div class="pstamp">{inert_html(stamp)}</div>' if stamp else ""


def resolution_slide(
    meeting_number: int, res: pd.Series, cells: pd.DataFrame, total: int, stamp: str = ""
) -> Slide:
    """One resolution: its text and every responsible agency's status, the lead first."""
    done = int((cells["status"] == "done").sum())
    late = int(cells["overdue"].sum())
    detailed = len(cells) <= 4
    chips = []
    if "is_lead" in cells:
        cells = cells.sort_values("is_lead", ascending=False, kind="stable")
    for c in cells.to_dict("records"):
        lead = " (مسئول اصلی)" if c.get("is_lead") else ""
        text = f"{inert_html(c['agency'])}{lead} {format_percent(c['progress'])}"
        if detailed:
            due = format_jalali(c["due"]) if pd.notna(c["due"]) else "بدون تاریخ"
            done_text = str(c["done_text"] or "")
            if len(done_text) > 140:
                done_text = done_text[:138] + "…"
            text = (
                f"<b>{inert_html(c['agency'])}{lead}</b> — {STATUS_LABELS[c['status']]}،"
                f" پیشرفت {format_percent(c['progress'])}، سررسید {due}"
                + (f"<br>{inert_html(done_text)}" if done_text else "")
            )
        chips.append(_chip(c["status"], text, bool(c["overdue"])))
    n = to_fa_digits(res["number"])
    html = (
        f'<div class="phead">جلسه {to_fa_digits(meeting_number)} — مصوبه {n} از'
        f" {to_fa_digits(total)}</div>"
        f'<div class="ptext">{inert_html(res["text"])}</div>'
        f'<div class="psum">{format_number(done)} از {format_number(len(cells))} دستگاه انجام'
        f" داده‌اند — {format_number(late)} {OVERDUE_LABEL}</div>"
        f'<div class="pgrid{" wide" if detailed else ""}">{"".join(chips)}</div>{_stamp(stamp)}'
    )
    return Slide(f"مصوبه {n}", html)


def agency_slide(
    meeting_number: int, agency: str, agency_id: int, cells: pd.DataFrame, stamp: str = ""
) -> Slide:
    """One agency: each of its resolutions with status and progress."""
    done = int((cells["status"] == "done").sum())
    late = int(cells["overdue"].sum())
    chips = "".join(
        _chip(
            c["status"],
            f"مصوبه {to_fa_digits(c['resolution_number'])} {format_percent(c['progress'])}",
            bool(c["overdue"]),
        )
        for c in cells.sort_values("resolution_number").to_dict("records")
    )
    html = (
        f'<div class="phead">پیگیری مصوبات جلسه {to_fa_digits(meeting_number)}</div>'
        f'<div class="ptext">{inert_html(agency)}</div>'
        f'<div class="psum">{format_number(done)} از {format_number(len(cells))} ردیف انجام شده'
        f" — {format_number(late)} {OVERDUE_LABEL}</div>"
        f'<div class="pgrid">{chips}</div>{_stamp(stamp)}'
    )
    return Slide(inert_html(agency), html, agency_id)


def then_now_slide(summary: pd.DataFrame, since: str, until: str) -> Slide:
    """Since the last record: per agency, rows gone back, stalled and moved forward."""
    totals = {
        k: int(summary[k].sum()) if not summary.empty else 0 for k in ("forward", "stalled", "back")
    }
    html = (
        f'<div class="ptitle">آن روز ← اکنون: از {inert_html(since)}</div>'
        f'<div class="psum">{format_number(totals["forward"])} ردیف پیش رفت،'
        f" {format_number(totals['stalled'])} درجا زد و"
        f" <b>{format_number(totals['back'])}</b> پس رفت.</div>"
        f'<div class="ptable">{movement_html(summary, limit=8)}</div>{_stamp(until)}'
    )
    return Slide("آن روز ← اکنون", html)


def scorecards_slide(cards: pd.DataFrame, now_note: bool = False) -> Slide:
    """The agencies furthest behind (with `now_note`, said to be today's figures, when
    the slides before it show a meeting's record)."""
    title = "دستگاه‌ها، از عقب‌مانده‌ترین" + (" — وضعیت امروز" if now_note else "")
    html = (
        f'<div class="ptitle">{title}</div>'
        f'<div class="ptable">{scorecards_html(cards, limit=9, letters=False)}</div>'
    )
    return Slide("کارنامهٔ دستگاه‌ها", html)


def coverage_slide(no_service: pd.DataFrame, total: int) -> Slide:
    """Target neighborhoods that get no active service."""
    html = (
        '<div class="ptitle">پوشش خدمت در محلات هدف</div>'
        f'<div class="psum"><b>{format_number(len(no_service))}</b> محله از'
        f" {format_number(total)} محلهٔ هدف هیچ خدمت فعالی ندارند.</div>"
        f'<div class="ptable">{neighborhoods_html(no_service.head(8))}</div>'
    )
    return Slide("پوشش محلات", html)


def gaps_slide(gaps: pd.DataFrame) -> Slide:
    """The largest unmet needs and who owns them."""
    body = (
        gaps_html(gaps.head(6))
        if not gaps.empty
        else '<div class="psum">کمبودی نسبت به هنجارها محاسبه نشد.</div>'
    )
    html = f'<div class="ptitle">بیشترین کمبود ظرفیت</div><div class="ptable">{body}</div>'
    return Slide("کمبود ظرفیت", html)
