"""The resolution x agency follow-up matrix as an HTML table we control (RTL)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from data_layer.jalali import format_jalali, format_number, format_percent, to_fa_digits
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS, VERIFICATION_LABELS
from data_layer.queries.resolutions import OwnersOnRecord
from data_layer.rules.completeness import share_done
from ui.html import Html
from ui.status import progress_chip

LEAD_MARK = "(مسئول اصلی)"

SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("done", "انجام شده"),
    ("in_progress", "در حال انجام"),
    ("not_started", "انجام نشده"),
    ("overdue", OVERDUE_LABEL),
    ("mean_progress", "میانگین پیشرفت"),
)


def _cell_title(row: Mapping[Hashable, Any], resolution_text: str) -> str:
    parts = [
        f"مصوبه {to_fa_digits(row['resolution_number'])}: {resolution_text}",
        f"دستگاه: {row['agency']}" + (f" {LEAD_MARK}" if row.get("is_lead") else ""),
        f"وضعیت: {STATUS_LABELS.get(row['status'], row['status'])}"
        f" — پیشرفت {format_percent(row['progress'])}",
        f"سررسید: {format_jalali(row['due'] if pd.notna(row['due']) else None)}",
        f"تأیید دبیرخانه: {VERIFICATION_LABELS.get(row['verification'], '')}",
    ]
    if row["overdue"]:
        parts.append(OVERDUE_LABEL)
    if row["reschedule_count"]:
        parts.append(f"{to_fa_digits(row['reschedule_count'])} بار تمدید")
    return "\n".join(parts)


def _cell_td(r: Mapping[Hashable, Any], resolution_text: str, muted: bool) -> Html:
    """One agency's cell of one resolution: its chip, framed and marked for the lead."""
    classes = ["cell"]
    if r.get("is_lead"):
        classes.append("lead")
    if r["verification"] in ("document_seen", "field_verified"):
        classes.append("v-ok")
    elif r["verification"] == "rejected":
        classes.append("v-rejected")
    if r["overdue"]:
        classes.append("late")
    if muted:
        classes.append("muted")
    mark = Html('<span class="lead-mark">اصلی</span>') if r.get("is_lead") else ""
    return Html('<td class="{}" title="{}" data-status="{}">{}{}</td>').format(
        " ".join(classes),
        _cell_title(r, resolution_text),
        r["status"],
        progress_chip(r["status"], int(r["progress"])),
        mark,
    )


def matrix_html(
    cells: pd.DataFrame,
    resolutions: pd.DataFrame,
    summary: pd.DataFrame,
    visible_ids: set[int] | None = None,
) -> Html:
    """Agencies as rows (right), resolutions as columns, per-agency counts at the end.

    `cells` are every row of the shown agencies; `visible_ids` (assignment ids that
    pass the status filter) dims the others, so the grid keeps its shape.
    """
    texts = dict(zip(resolutions["number"], resolutions["text"], strict=True))
    numbers = list(resolutions["number"])
    head = [Html('<th class="agency" scope="col">دستگاه</th>')]
    for n in numbers:
        head.append(Html('<th scope="col" title="{}">{}</th>').format(texts[n], to_fa_digits(n)))
    head += [Html('<th class="sum" scope="col">{}</th>').format(lb) for _, lb in SUMMARY_COLUMNS]

    # Plain dicts, not DataFrame rows: this loop runs once per cell on every rerun.
    by_agency: dict[int, dict[int, dict[Hashable, Any]]] = {}
    for r in cells.to_dict("records"):
        by_agency.setdefault(int(r["agency_id"]), {})[int(r["resolution_number"])] = r
    body: list[Html] = []
    for s in summary.to_dict("records"):
        by_number = by_agency.get(int(s["agency_id"]))
        if by_number is None:
            continue
        tds = [Html('<th class="agency" scope="row">{}</th>').format(s["agency"])]
        for n in numbers:
            cell = by_number.get(int(n))
            if cell is None:
                tds.append(Html('<td class="none" title="مسوول این مصوبه نیست">—</td>'))
                continue
            muted = visible_ids is not None and int(cell["id"]) not in visible_ids
            tds.append(_cell_td(cell, texts[n], muted))
        for key, _ in SUMMARY_COLUMNS:
            value = format_percent(s[key]) if key == "mean_progress" else format_number(int(s[key]))
            cls = "sum late-n" if key == "overdue" and s[key] else "sum"
            tds.append(Html('<td class="{}">{}</td>').format(cls, value))
        body.append(Html("<tr>{}</tr>").format(Html("").join(tds)))
    return Html(
        '<div class="matrix-wrap"><table class="matrix" dir="rtl">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>"
    ).format(Html("").join(head), Html("").join(body))


def _owners_line(row: pd.Series, on_record: OwnersOnRecord | None = None) -> Html:
    """«مسوول پیگیری:» the lead first, marked, then the owners as the minutes wrote them;
    with `on_record`, the owner cell exactly as written beside the agencies it matched."""
    if on_record is not None:
        return Html("مسوول پیگیری به نوشتهٔ صورتجلسه: «{}»<br>دستگاه‌های مسوول: {}").format(
            on_record.as_written, owner_agencies_html(on_record)
        )
    lead = str(row.get("lead") or "")
    written = row["owners_as_written"]
    if not lead:
        return Html("مسوول پیگیری: {}").format(written)
    return Html("مسوول پیگیری: <b>{} {}</b>؛ {}").format(lead, Html(LEAD_MARK), written)


def owner_agencies(on_record: OwnersOnRecord) -> str:
    """The agencies a resolution's owners matched, as a line of text (the lead marked)."""
    if not on_record.agencies:
        return "هیچ دستگاهی (ردیفی ندارد)"
    if on_record.all_members:
        return f"همهٔ ادارات عضو کارگروه ({format_number(len(on_record.agencies))} دستگاه)"
    return "، ".join(
        f"{name} {LEAD_MARK}" if name == on_record.lead and i == 0 else name
        for i, name in enumerate(on_record.agencies)
    )


def owner_agencies_html(on_record: OwnersOnRecord) -> Html:
    """`owner_agencies` with the lead in bold."""
    if not on_record.lead or on_record.all_members or not on_record.agencies:
        return Html("{}").format(owner_agencies(on_record))
    rest = on_record.agencies[1:]
    lead = Html("<b>{} {}</b>").format(on_record.lead, Html(LEAD_MARK))
    return Html("{}{}{}").format(lead, Html("، ") if rest else "", "، ".join(rest))


def resolution_list_html(
    resolutions: pd.DataFrame, owners: Mapping[int, OwnersOnRecord] | None = None
) -> Html:
    """Each resolution's number, text, owners (as written and, given `owners`, the
    agencies they matched), share of rows done and progress (weighted towards the
    lead: see queries.settings.lead_weight_note)."""
    items = []
    for _, r in resolutions.iterrows():
        rows, done = int(r["rows"]), int(r["done"])
        share = share_done(done, rows)
        due = f" — سررسید {format_jalali(r['due_date'])}" if pd.notna(r["due_date"]) else ""
        on_record = owners.get(int(r["id"])) if owners is not None else None
        items.append(
            Html(
                '<div class="res"><div class="n">{}</div>'
                '<div><div class="t">{}</div><div class="o">{}{}</div></div>'
                '<div class="p"><div class="bar"><span style="width:{:.0f}%"></span></div>'
                '<div class="f">{} از {} دستگاه انجام داده‌اند — میانگین پیشرفت {}</div></div>'
                "</div>"
            ).format(
                to_fa_digits(r["number"]),
                r["text"],
                _owners_line(r, on_record),
                due,
                share * 100,
                format_number(done),
                format_number(rows),
                format_percent(r["mean_progress"]),
            )
        )
    return Html('<div class="res-list">{}</div>').format(Html("").join(items))
