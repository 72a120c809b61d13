"""Projector slides as HTML: big type, AAA contrast, status by shape and word."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from data_layer.jalali import (
    format_amount,
    format_jalali,
    format_jalali_long,
    format_number,
    format_percent,
    to_fa_digits,
)
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS
from data_layer.queries.dossier import Dossier
from data_layer.queries.indicators import NeighborhoodIndicator
from data_layer.queries.profile import Profile
from data_layer.rules.indicators import STATUS_LABELS as IND_LABELS
from data_layer.rules.indicators import STATUS_MARKS as IND_MARKS
from ui.html import Html
from ui.status import STATUS_SYMBOLS
from ui.tables import (
    gaps_html,
    movement_html,
    neighborhoods_html,
    scorecards_html,
    wrong_way_html,
)


@dataclass(frozen=True)
class Slide:
    """One slide: a title for the slide picker (text) and its HTML."""

    title: str
    html: Html
    agency_id: int | None = None


def _chip(status: str, text: str | Html, late: bool) -> Html:
    return Html('<div class="{}"><span class="sym">{}</span><span>{}{}</span></div>').format(
        f"pchip ps-{status}" + (" late" if late else ""),
        STATUS_SYMBOLS.get(status, ""),
        text,
        " ⚠" if late else "",
    )


def legend() -> Html:
    """Every status's shape and word, and the late mark."""
    items = Html("").join(_chip(s, label, False) for s, label in STATUS_LABELS.items())
    return Html('<div class="plegend">{}{}</div>').format(
        items, _chip("not_started", OVERDUE_LABEL, True)
    )


def cover(
    meeting: dict[str, Any],
    today: date,
    headline: dict[str, int],
    profile: Profile,
    stamp: str = "",
) -> Slide:
    """The working group, the meeting reviewed, today, and four headline figures."""
    kpis = Html("").join(
        Html('<div class="pkpi"><b>{}</b><span>{}</span></div>').format(
            format_number(headline[k]), label
        )
        for k, label in (
            ("rows", "ردیف پیگیری"),
            ("done", STATUS_LABELS["done"]),
            ("in_progress", STATUS_LABELS["in_progress"]),
            ("overdue", OVERDUE_LABEL),
        )
    )
    html = Html(
        '<div class="pcover"><div class="pwg">{} — {}</div>'
        '<div class="pbig">پیگیری مصوبات جلسه {}</div>'
        "<div>جلسه: {} — امروز: {}</div>"
        '{}<div class="pkpis">{}</div>{}</div>'
    ).format(
        profile.governorate,
        profile.group_name,
        to_fa_digits(meeting["number"]),
        format_jalali_long(meeting["held_on"]),
        format_jalali_long(today),
        _stamp(stamp),
        kpis,
        legend(),
    )
    return Slide("آغاز", html)


def _stamp(stamp: str) -> Html:
    return Html('<div class="pstamp">{}</div>').format(stamp) if stamp else Html()


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
        lead = Html(" (مسئول اصلی)") if c.get("is_lead") else ""
        text = Html("{}{} {}").format(c["agency"], lead, format_percent(c["progress"]))
        if detailed:
            due = format_jalali(c["due"]) if pd.notna(c["due"]) else "بدون تاریخ"
            done_text = str(c["done_text"] or "")
            if len(done_text) > 140:
                done_text = done_text[:138] + "…"
            text = Html("<b>{}{}</b> — {}، پیشرفت {}، سررسید {}{}").format(
                c["agency"],
                lead,
                STATUS_LABELS[c["status"]],
                format_percent(c["progress"]),
                due,
                Html("<br>{}").format(done_text) if done_text else "",
            )
        chips.append(_chip(c["status"], text, bool(c["overdue"])))
    n = to_fa_digits(res["number"])
    html = Html(
        '<div class="phead">جلسه {} — مصوبه {} از {}</div><div class="ptext">{}</div>'
        '<div class="psum">{} از {} دستگاه انجام داده‌اند — {} {}</div>'
        '<div class="{}">{}</div>{}'
    ).format(
        to_fa_digits(meeting_number),
        n,
        to_fa_digits(total),
        res["text"],
        format_number(done),
        format_number(len(cells)),
        format_number(late),
        OVERDUE_LABEL,
        "pgrid wide" if detailed else "pgrid",
        Html("").join(chips),
        _stamp(stamp),
    )
    return Slide(f"مصوبه {n}", html)


def agency_slide(
    meeting_number: int, agency: str, agency_id: int, cells: pd.DataFrame, stamp: str = ""
) -> Slide:
    """One agency: each of its resolutions with status and progress."""
    done = int((cells["status"] == "done").sum())
    late = int(cells["overdue"].sum())
    chips = Html("").join(
        _chip(
            c["status"],
            f"مصوبه {to_fa_digits(c['resolution_number'])} {format_percent(c['progress'])}",
            bool(c["overdue"]),
        )
        for c in cells.sort_values("resolution_number").to_dict("records")
    )
    html = Html(
        '<div class="phead">پیگیری مصوبات جلسه {}</div><div class="ptext">{}</div>'
        '<div class="psum">{} از {} ردیف انجام شده — {} {}</div>'
        '<div class="pgrid">{}</div>{}'
    ).format(
        to_fa_digits(meeting_number),
        agency,
        format_number(done),
        format_number(len(cells)),
        format_number(late),
        OVERDUE_LABEL,
        chips,
        _stamp(stamp),
    )
    return Slide(agency, html, agency_id)


def then_now_slide(summary: pd.DataFrame, since: str, until: str) -> Slide:
    """Since the last record: per agency, rows gone back, stalled and moved forward."""
    totals = {
        k: int(summary[k].sum()) if not summary.empty else 0 for k in ("forward", "stalled", "back")
    }
    html = Html(
        '<div class="ptitle">آن روز ← اکنون: از {}</div>'
        '<div class="psum">{} ردیف پیش رفت، {} درجا زد و <b>{}</b> پس رفت.</div>'
        '<div class="ptable">{}</div>{}'
    ).format(
        since,
        format_number(totals["forward"]),
        format_number(totals["stalled"]),
        format_number(totals["back"]),
        movement_html(summary, limit=8),
        _stamp(until),
    )
    return Slide("آن روز ← اکنون", html)


def scorecards_slide(cards: pd.DataFrame, now_note: bool = False) -> Slide:
    """The agencies furthest behind (with `now_note`, said to be today's figures, when
    the slides before it show a meeting's record)."""
    title = "دستگاه‌ها، از عقب‌مانده‌ترین" + (" — وضعیت امروز" if now_note else "")
    html = Html('<div class="ptitle">{}</div><div class="ptable">{}</div>').format(
        title, scorecards_html(cards, limit=9, letters=False)
    )
    return Slide("کارنامهٔ دستگاه‌ها", html)


def coverage_slide(no_service: pd.DataFrame, total: int) -> Slide:
    """Target neighborhoods that get no active service."""
    html = Html(
        '<div class="ptitle">پوشش خدمت در محلات هدف</div>'
        '<div class="psum"><b>{}</b> محله از {} محلهٔ هدف هیچ خدمت فعالی ندارند.</div>'
        '<div class="ptable">{}</div>'
    ).format(
        format_number(len(no_service)), format_number(total), neighborhoods_html(no_service.head(8))
    )
    return Slide("پوشش محلات", html)


def gaps_slide(gaps: pd.DataFrame) -> Slide:
    """The largest unmet needs and who owns them."""
    body = (
        gaps_html(gaps.head(6))
        if not gaps.empty
        else Html('<div class="psum">کمبودی نسبت به هنجارها محاسبه نشد.</div>')
    )
    html = Html('<div class="ptitle">بیشترین کمبود ظرفیت</div><div class="ptable">{}</div>').format(
        body
    )
    return Slide("کمبود ظرفیت", html)


def _indicator_counts(counts: Mapping[str, int]) -> Html:
    return Html("").join(
        Html('<div class="pkpi"><b>{}</b><span>{} {}</span></div>').format(
            format_number(counts.get(s, 0)), IND_MARKS[s], IND_LABELS[s]
        )
        for s in ("on_track", "off_track", "no_data")
    )


def indicators_slide(counts: Mapping[str, int], wrong: pd.DataFrame, worse: int) -> Slide:
    """How many targets are on track, and the neighborhoods whose indicator got worse
    (`worse` of them; `wrong`, the worst first, lists the first few)."""
    body = (
        wrong_way_html(wrong.head(5))
        if not wrong.empty
        else Html('<div class="psum">در آخرین دوره هیچ شاخصی بدتر نشده است.</div>')
    )
    html = Html(
        '<div class="ptitle">شاخص‌های محلات: اهداف در مسیر</div>'
        '<div class="pkpis three">{}</div>'
        '<div class="psum">بدتر از دورهٔ پیش ({}):</div><div class="ptable">{}</div>'
    ).format(_indicator_counts(counts), format_number(worse), body)
    return Slide("شاخص‌های محلات", html)


def _indicator_chip(ind: NeighborhoodIndicator) -> Html:
    counted = [v for v in ind.values if v.verification != "rejected"]
    latest = (
        Html("آخرین: {} ({})").format(format_amount(counted[-1].value), counted[-1].label)
        if counted
        else Html("بی‌مقدار")
    )
    target = (
        Html(" — هدف {} تا {}").format(
            format_amount(ind.target_value), format_jalali(ind.target_on)
        )
        if ind.target_value is not None
        else Html("")
    )
    return Html(
        '<div class="pind pi-{}"><b>{} {}</b> <span>{}</span><br><small>{}{}</small></div>'
    ).format(ind.status, IND_MARKS[ind.status], IND_LABELS[ind.status], ind.name, latest, target)


def neighborhood_slide(d: Dossier) -> Slide:
    """One neighborhood for a meeting that reviews it: indicators, problems, gaps."""
    inds = Html("").join(_indicator_chip(i) for i in d.indicators[:6]) or Html(
        '<div class="psum">شاخصی ثبت نشده است.</div>'
    )
    problems = Html("").join(
        Html("<li><b>{}</b> — {} <small>({}، سررسید {})</small></li>").format(
            p["title"],
            (p["actions"] or "")[:90],
            p["agency"] or "بی‌مسئول",
            format_jalali(p["due_date"]) or "—",
        )
        for p in d.problems.head(3).to_dict("records")
    ) or Html("<li>مسئله‌ای ثبت نشده است.</li>")
    gaps = d.gaps
    html = Html(
        '<div class="ptitle">محله {} <small>({})</small></div>'
        '<div class="psum">{} خدمت با کمبود — {} ردیف مصوبات در این محله</div>'
        '<div class="pgrid inds">{}</div>'
        '<div class="phead">مسائل اولویت‌دار</div><ol class="pproblems">{}</ol>'
    ).format(
        d.name,
        d.facts["county"],
        format_number(len(gaps)),
        format_number(len(d.rows)),
        inds,
        problems,
    )
    return Slide(f"محله {d.name}", html)
