"""The neighborhood's dossier (پرونده محله) as an A4 Persian PDF: its facts, its
indicators against baseline and target, services and gaps, the agency rows that
concern it, its studies and documents, and its prioritized problems with their plans.
Every piece of typed text goes through `el`/`table`, which escape it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from data_layer.documents.html import Safe, document, el, join, render_pdf, table, void
from data_layer.documents.letters import logo_img, org_block
from data_layer.errors import NotFound
from data_layer.jalali import (
    MISSING,
    format_amount,
    format_jalali,
    format_jalali_long,
    format_number,
    format_percent,
    to_fa_digits,
)
from data_layer.labels import (
    DELIVERY_STATUS_LABELS,
    NEIGHBORHOOD_KIND_LABELS,
    OVERDUE_LABEL,
    SAMPLE_BADGE,
    STATUS_LABELS,
)
from data_layer.models_dossier import DOCUMENT_KIND_LABELS
from data_layer.queries.county import require_in_county
from data_layer.queries.dossier import Dossier, neighborhood_dossier
from data_layer.queries.profile import get_profile
from data_layer.rules.coverage import COVERAGE_LEVEL_LABELS
from data_layer.rules.indicators import STATUS_LABELS as INDICATOR_STATUS_LABELS
from data_layer.rules.indicators import STATUS_MARKS

__all__ = ["dossier_html", "dossier_pdf", "facts_lines", "problem_plan", "rows_of"]

_CSS = """
.org { text-align: center; font-size: 9.5pt; font-weight: 700; }
img.logo { display: block; margin: 0 auto 2mm auto; }
hr.rule { border: none; border-top: 1pt solid #333; margin: 2mm 0 4mm 0; }
table.facts td { padding: 0.6mm 0; }
table.facts td.label { width: 48mm; font-weight: 700; }
.problem { break-inside: avoid; border: 0.6pt solid #8a8a8a; padding: 2mm 3mm; margin: 0 0 3mm 0; }
.problem h3 { font-size: 10.5pt; margin: 0 0 1mm 0; }
.pre { white-space: pre-wrap; }
"""


def rows_of(frame: pd.DataFrame) -> list[Any]:
    """A frame's rows as named tuples (attributes by column name)."""
    return list(frame.itertuples(index=False))


def facts_lines(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The registry's facts of a neighborhood as (label, value) pairs, in Persian."""
    rank = facts.get("priority_rank")
    return [
        ("شهرستان", str(facts["county"])),
        ("نوع محله", NEIGHBORHOOD_KIND_LABELS.get(facts["kind"], facts["kind"])),
        ("جمعیت", format_number(facts["population"])),
        ("خانوار", format_number(facts["households"])),
        ("اولویت", to_fa_digits(rank) if rank else MISSING),
        ("اعلام به‌عنوان محله هدف", format_jalali(facts.get("announced_on")) or MISSING),
        ("دفتر تسهیل‌گری", "دارد" if facts["has_facilitation_office"] else "ندارد"),
        ("دفتر تحول اجتماعی", "دارد" if facts["has_transformation_office"] else "ندارد"),
    ]


def _facts(d: Dossier) -> Safe:
    rows = [el("tr", el("td", k, cls="label"), el("td", v)) for k, v in facts_lines(d.facts)]
    return el("table", *rows, cls="plain facts")


def _indicators(d: Dossier) -> Safe:
    """Each indicator: baseline, the values by period, the target and the status."""
    if not d.indicators:
        return el("p", "برای این محله هنوز شاخصی با مبنا و هدف یا مقداری ثبت نشده است.")
    body = []
    for ind in d.indicators:
        baseline = (
            f"{format_amount(ind.baseline_value)} ({ind.baseline_label})"
            if ind.baseline_value is not None
            else MISSING
        )
        target = (
            f"{format_amount(ind.target_value)} تا {format_jalali(ind.target_on)}"
            if ind.target_value is not None
            else MISSING
        )
        values = join(
            [el("div", f"{v.label}: {format_amount(v.value)}") for v in ind.values]
        ) or Safe(MISSING)
        state = f"{STATUS_MARKS[ind.status]} {INDICATOR_STATUS_LABELS[ind.status]}"
        if ind.moved_wrong_way:
            state += " — بدتر از دورهٔ پیش"
        body.append(
            (join([ind.name, el("div", ind.unit, cls="small")]), baseline, values, target, state)
        )
    return table(
        ["شاخص", "مبنا", "مقدار دوره‌ها", "هدف", "وضعیت"],
        body,
        cell_classes=["", "num", "num", "num", ""],
        widths=["", "16%", "22%", "18%", "16%"],
    )


def _services(d: Dossier) -> Safe:
    if d.cells.empty:
        return el("p", "هیچ خدمتی در فهرست خدمات نیست.")
    body = [
        (
            r.service,
            COVERAGE_LEVEL_LABELS.get(r.level, r.level),
            MISSING if r.need != r.need else format_amount(r.need),  # NaN: no norm
            format_amount(r.delivered),
            r.unit,
        )
        for r in rows_of(d.cells)
    ]
    return table(
        ["خدمت", "وضعیت پوشش", "نیاز", "موجود", "واحد"],
        body,
        cell_classes=["", "", "num", "num", ""],
        widths=["", "22%", "12%", "12%", "12%"],
    )


def _deliveries(d: Dossier) -> Safe:
    if d.deliveries.empty:
        return el("p", "هیچ دستگاهی در این محله خدمتی ثبت نکرده است.", cls="small")
    body = [
        (
            r.agency,
            r.service,
            f"{format_amount(r.units)} {r.unit}",
            format_number(r.beneficiaries),
            DELIVERY_STATUS_LABELS.get(r.status, r.status),
        )
        for r in rows_of(d.deliveries)
    ]
    return table(["دستگاه", "خدمت", "مقدار", "بهره‌مندان", "وضعیت"], body)


def _rows(d: Dossier) -> Safe:
    if d.rows.empty:
        return el("p", "هنوز ردیفی از مصوبات این محله را نام نبرده است.", cls="small")
    body = [
        (
            f"{to_fa_digits(r.meeting_number)}/{to_fa_digits(r.resolution_number)}",
            r.resolution_text,
            r.agency,
            STATUS_LABELS.get(r.status, r.status) + (f" ({OVERDUE_LABEL})" if r.overdue else ""),
            format_percent(r.progress),
            format_jalali(r.due) or MISSING,
        )
        for r in rows_of(d.rows)
    ]
    return table(
        ["جلسه/بند", "مصوبه", "دستگاه", "وضعیت", "پیشرفت", "سررسید"],
        body,
        cell_classes=["num", "", "", "", "num", "date"],
        widths=["9%", "", "14%", "14%", "8%", "11%"],
    )


def _documents(d: Dossier) -> Safe:
    if d.documents.empty:
        return el("p", "سندی ثبت نشده است.", cls="small")
    body = [
        (
            DOCUMENT_KIND_LABELS.get(r.kind, r.kind),
            r.title,
            format_jalali(r.issued_on) or MISSING,
            r.source or MISSING,
            r.filename,
        )
        for r in rows_of(d.documents)
    ]
    return table(["نوع", "عنوان", "تاریخ", "منبع", "پرونده"], body)


def _text(value: object) -> str:
    return value if isinstance(value, str) and value else MISSING


def problem_plan(r: Any) -> list[tuple[str, str]]:
    """A problem's plan as (label, value) pairs, in Persian."""
    return [
        ("اقدامات", _text(r.actions)),
        ("دستگاه مسئول", _text(r.agency)),
        ("سررسید", format_jalali(r.due_date) or MISSING),
        ("شاخص هدف", _text(r.indicator)),
    ]


def _problems(d: Dossier) -> Safe:
    if d.problems.empty:
        return el("p", "مسئله‌ای برای این محله ثبت نشده است.", cls="small")
    blocks = []
    for r in rows_of(d.problems):
        lines = [
            el("div", el("span", f"{label}: ", cls="bold"), el("span", value, cls="pre"))
            for label, value in problem_plan(r)
        ]
        blocks.append(
            el(
                "div",
                el("h3", f"{to_fa_digits(r.priority)}. ", r.title),
                el("p", r.description, cls="pre small") if r.description else Safe(""),
                *lines,
                cls="problem",
            )
        )
    return join(blocks)


def dossier_html(session: Session, *, neighborhood_id: int, today: date) -> str:
    """The HTML of a neighborhood's dossier (see `dossier_pdf`)."""
    d = neighborhood_dossier(session, neighborhood_id, today)
    if d is None:
        raise NotFound("این محله پیدا نشد.")
    profile = get_profile(session)
    title = f"پرونده محله {d.name}"
    badge = (
        el("p", el("span", SAMPLE_BADGE, cls="badge"), " شامل دادهٔ نمونه.", cls="small center")
        if d.is_sample
        else Safe("")
    )
    body = join(
        [
            logo_img(profile),
            org_block(profile),
            void("hr", cls="rule"),
            el("h1", title),
            el("p", f"وضعیت تا {format_jalali_long(today)}", cls="small center"),
            badge,
            _facts(d),
            el("h2", "شاخص‌ها در برابر مبنا و هدف"),
            _indicators(d),
            el("h2", "خدمات و کمبودها"),
            _services(d),
            _deliveries(d),
            el("h2", "ردیف‌های مصوبات که به این محله مربوط است"),
            _rows(d),
            el("h2", "مطالعات و اسناد"),
            _documents(d),
            el("h2", "مسائل اولویت‌دار و برنامهٔ عملیاتی"),
            _problems(d),
        ]
    )
    footer = f"{title} — تهیه‌شده در {format_jalali(today)}"
    return document(
        title, body, footer_note=footer, extra_css=_CSS, author=f"دبیرخانه {profile.group_name}"
    )


def dossier_pdf(
    session: Session, *, neighborhood_id: int, today: date, county_id: int | None = None
) -> bytes:
    """A neighborhood's dossier as an A4 PDF to print (for a county's reader, of its
    county only)."""
    require_in_county(session, neighborhood_id, county_id)
    return render_pdf(dossier_html(session, neighborhood_id=neighborhood_id, today=today))
