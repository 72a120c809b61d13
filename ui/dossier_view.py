"""Pieces of the neighborhood's dossier screen: its loader, and its sections as HTML
whose every typed word is escaped (ui.html.Html)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from data_layer.db import read_session
from data_layer.documents.dossier import dossier_pdf, facts_lines, problem_plan, rows_of
from data_layer.jalali import MISSING, format_amount, format_jalali, format_number, to_fa_digits
from data_layer.labels import DELIVERY_STATUS_LABELS
from data_layer.models_dossier import DOCUMENT_KIND_LABELS
from data_layer.permissions import Scope
from data_layer.queries.agencies import list_agencies
from data_layer.queries.county import outside_county, require_in_county
from data_layer.queries.dossier import (
    DocumentFile,
    Dossier,
    document_file,
    neighborhood_documents,
    neighborhood_dossier,
    plan_indicators,
)
from data_layer.queries.places import list_neighborhoods
from ui.cache import loader
from ui.coverage_view import LEVELS
from ui.html import Html
from ui.status import progress_chip
from ui.tables import html_table


@loader(spinner="در حال خواندن پرونده…")
def dossier(
    url: str, scope: Scope, neighborhood_id: int, today: date, version: int
) -> Dossier | None:
    """One neighborhood's dossier (None: no such neighborhood; another county's is
    refused to a county's reader)."""
    with read_session(url) as s:
        return neighborhood_dossier(s, neighborhood_id, today, county_id=scope.county_id)


@loader()
def outside_scope(url: str, scope: Scope, neighborhood_id: int, version: int) -> bool:
    """True when the neighborhood exists but lies outside the reader's county."""
    with read_session(url) as s:
        return outside_county(s, neighborhood_id, scope.county_id)


@loader()
def choices(url: str, scope: Scope, version: int) -> dict[str, Any]:
    """The neighborhoods to open, and the agencies a plan may name (id -> name)."""
    with read_session(url) as s:
        hoods = list_neighborhoods(s, county_id=scope.county_id)
        agencies = list_agencies(s)
    return {
        "hoods": {
            int(i): f"{n} ({c})"
            for i, n, c in zip(hoods["id"], hoods["name"], hoods["county"], strict=True)
        },
        "agencies": {
            int(i): str(n) for i, n in zip(agencies["id"], agencies["short_name"], strict=True)
        },
    }


def pdf_bytes(url: str, scope: Scope, neighborhood_id: int, today: date) -> bytes:
    """The dossier as an A4 PDF, built when the download is asked for."""
    with read_session(url) as s:
        return dossier_pdf(
            s, neighborhood_id=neighborhood_id, today=today, county_id=scope.county_id
        )


def facts_html(d: Dossier) -> Html:
    """The registry's facts as a row of labelled items."""
    items = Html("").join(
        Html('<div class="fact"><span>{}</span><b>{}</b></div>').format(k, v)
        for k, v in facts_lines(d.facts)
    )
    return Html('<div class="facts">{}</div>').format(items)


def services_html(d: Dossier) -> Html:
    """Each service against the need norm: level by symbol and word."""
    rows = []
    for r in rows_of(d.cells):
        sym, word, cls = LEVELS[str(r.level)]
        need = MISSING if pd.isna(r.need) else format_amount(float(r.need))
        rows.append(
            [
                r.service,
                Html('<span class="lv {}">{} {}</span>').format(cls, sym, word),
                need,
                format_amount(float(r.delivered)),
                r.unit,
            ]
        )
    return html_table(["خدمت", "وضعیت", "نیاز", "موجود", "واحد"], rows, "dossier")


def deliveries_html(d: Dossier) -> Html:
    """Who serves the neighborhood with what."""
    rows = [
        [
            r.agency,
            r.service,
            f"{format_amount(float(r.units))} {r.unit}",
            format_number(int(r.beneficiaries)),
            DELIVERY_STATUS_LABELS.get(str(r.status), str(r.status)),
        ]
        for r in rows_of(d.deliveries)
    ]
    return html_table(["دستگاه", "خدمت", "مقدار", "بهره‌مندان", "وضعیت"], rows, "dossier")


def rows_html(d: Dossier) -> Html:
    """The agency rows that name the neighborhood, with status and progress."""
    rows = [
        [
            f"{to_fa_digits(r.meeting_number)}/{to_fa_digits(r.resolution_number)}",
            r.resolution_text,
            r.agency,
            progress_chip(str(r.status), int(r.progress)),
            format_jalali(r.due) or MISSING,
        ]
        for r in rows_of(d.rows)
    ]
    return html_table(["جلسه/بند", "مصوبه", "دستگاه", "وضعیت", "سررسید"], rows, "dossier")


def documents_html(d: Dossier) -> Html:
    """The studies and documents, newest first."""
    rows = [
        [
            DOCUMENT_KIND_LABELS.get(str(r.kind), str(r.kind)),
            r.title,
            format_jalali(r.issued_on) or MISSING,
            r.source or MISSING,
            r.filename,
        ]
        for r in rows_of(d.documents)
    ]
    return html_table(["نوع", "عنوان", "تاریخ", "منبع", "پرونده"], rows, "dossier")


def problem_html(r: Any) -> Html:
    """One problem with its plan."""
    lines = Html("").join(
        Html('<div><b>{}:</b> <span class="pre">{}</span></div>').format(label, value)
        for label, value in problem_plan(r)
    )
    about = Html('<p class="pre">{}</p>').format(r.description) if r.description else Html("")
    return Html('<div class="problem"><h4>{}. {}</h4>{}{}</div>').format(
        to_fa_digits(r.priority), r.title, about, lines
    )


@loader(keep=4)
def document_files(
    url: str, scope: Scope, neighborhood_id: int, version: int
) -> dict[int, DocumentFile]:
    """The bytes of the neighborhood's live documents, for their download buttons."""
    with read_session(url) as s:
        require_in_county(s, neighborhood_id, scope.county_id)
        listed = neighborhood_documents(s, neighborhood_id)
        found = {int(i): document_file(s, int(i)) for i in listed["id"]}
    return {i: f for i, f in found.items() if f is not None}


@loader()
def indicator_choices(url: str, scope: Scope, version: int) -> dict[int, str]:
    """The active indicators a plan may name, id -> name."""
    with read_session(url) as s:
        return plan_indicators(s)
