"""A meeting's follow-up report, to print for the session (PDF) or to work on (Excel).

Both formats show the same data, gathered once by `meeting_report_data`:
the meeting's facts, summary figures, a per-agency table (worst first), a
per-resolution table and (Excel only) every live row of the follow-up matrix.
Status is always written as a word; colour only repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from data_layer.documents.html import Safe, document, el, join, render_pdf, table, void
from data_layer.documents.letters import logo_img, org_block
from data_layer.documents.workbook import YES_NO, SheetSpec, workbook_xlsx
from data_layer.errors import NotFound
from data_layer.jalali import (
    MISSING,
    format_jalali,
    format_jalali_datetime,
    format_jalali_long,
    format_percent,
    to_fa_digits,
)
from data_layer.labels import OVERDUE_LABEL, SAMPLE_BADGE, STATUS_LABELS, VERIFICATION_LABELS
from data_layer.models import AssignmentStatus, Meeting
from data_layer.queries.profile import Profile, get_profile
from data_layer.queries.resolutions import (
    agency_status_summary,
    follow_up_matrix,
    meeting_resolutions,
)
from data_layer.queries.settings import DEFAULT_LEAD_WEIGHT, get_lead_weight, lead_weight_note
from data_layer.queries.snapshots import (
    apply_record,
    cell_figures,
    record_for_review,
    record_rows,
    recount_agencies,
    recount_resolutions,
)
from data_layer.rules.lateness import days_late

__all__ = [
    "SHEET_NAMES",
    "MeetingReport",
    "meeting_report_data",
    "meeting_report_html",
    "meeting_report_pdf",
    "meeting_report_xlsx",
]

SHEET_NAMES = ("خلاصه", "دستگاه‌ها", "مصوبات", "ردیف‌ها")
_NO_ROWS = "بدون ردیف"
_YES, _NO = YES_NO

# (key, label) of the summary figures, in the order both formats show them.
_FIGURES: tuple[tuple[str, str], ...] = (
    ("resolutions", "مصوبات"),
    ("rows", "ردیف‌های پیگیری"),
    (AssignmentStatus.DONE.value, STATUS_LABELS[AssignmentStatus.DONE]),
    (AssignmentStatus.IN_PROGRESS.value, STATUS_LABELS[AssignmentStatus.IN_PROGRESS]),
    (AssignmentStatus.NOT_STARTED.value, STATUS_LABELS[AssignmentStatus.NOT_STARTED]),
    (AssignmentStatus.BLOCKED.value, STATUS_LABELS[AssignmentStatus.BLOCKED]),
    (AssignmentStatus.NEEDS_FOLLOW_UP.value, STATUS_LABELS[AssignmentStatus.NEEDS_FOLLOW_UP]),
    ("overdue", OVERDUE_LABEL),
)


@dataclass(frozen=True)
class MeetingReport:
    """Everything a meeting report shows, as plain values and small frames."""

    meeting: dict[str, Any]
    today: date
    figures: dict[str, int]
    mean_progress: float | None
    agencies: pd.DataFrame  # agency_status_summary + `status_word`
    resolutions: pd.DataFrame  # meeting_resolutions + `overdue`, `status_word`
    rows: pd.DataFrame  # follow_up_matrix + `resolution_text`, `days_late`
    is_sample: bool
    profile: Profile = field(default_factory=Profile)
    lead_weight: int = DEFAULT_LEAD_WEIGHT  # the lead owner's weight in mean_progress
    # When the follow-up comes from the record of the meeting that reviewed it: «وضعیت
    # ثبت‌شده در ...», and the day its figures stand for (else "" and today).
    stamp: str = ""
    as_of: date | None = None

    @property
    def title(self) -> str:
        """«گزارش پیگیری مصوبات جلسه ۷ کارگروه ...»."""
        number = to_fa_digits(self.meeting["number"])
        return f"گزارش پیگیری مصوبات جلسه {number} {self.profile.group_name}"


def _tuples(frame: pd.DataFrame) -> list[Any]:
    """The frame's rows as named tuples (loosely typed: columns hold mixed values)."""
    return list(frame.itertuples(index=False))


def _agency_word(row: Any) -> str:
    if int(row.overdue) > 0:
        return OVERDUE_LABEL
    if int(row.rows) > 0 and int(row.done) == int(row.rows):
        return STATUS_LABELS[AssignmentStatus.DONE]
    if int(row.done) + int(row.in_progress) + int(row.needs_follow_up) > 0:
        return STATUS_LABELS[AssignmentStatus.IN_PROGRESS]
    if int(row.blocked) > 0:
        return STATUS_LABELS[AssignmentStatus.BLOCKED]
    return STATUS_LABELS[AssignmentStatus.NOT_STARTED]


def _resolution_word(rows: int, done: int, overdue: int, mean_progress: float) -> str:
    if rows == 0:
        return _NO_ROWS
    if done == rows:
        return STATUS_LABELS[AssignmentStatus.DONE]
    if overdue > 0:
        return OVERDUE_LABEL
    if done > 0 or mean_progress > 0:
        return STATUS_LABELS[AssignmentStatus.IN_PROGRESS]
    return STATUS_LABELS[AssignmentStatus.NOT_STARTED]


def _follow_up(
    session: Session, meeting_id: int, today: date, lead_weight: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, str, date]:
    """The rows, resolutions and agencies of a meeting's follow-up: from the record of
    the meeting that reviewed it when there is one (with its label and day), else live."""
    rows = follow_up_matrix(session, meeting_id, today)
    resolutions = meeting_resolutions(session, meeting_id, lead_weight)
    agencies = agency_status_summary(session, meeting_id, today)
    record = record_for_review(session, meeting_id)
    if record is None:
        return rows, resolutions, agencies, "", today
    as_of = record.as_of_day
    rows = apply_record(rows, record_rows(session, record.id), as_of)
    stamp = f"وضعیت ثبت‌شده در {format_jalali_datetime(record.as_of)}"
    return (
        rows,
        recount_resolutions(resolutions, rows, lead_weight),
        recount_agencies(agencies, rows),
        stamp,
        as_of,
    )


def meeting_report_data(session: Session, meeting_id: int, today: date) -> MeetingReport:
    """Gather a meeting's report; NotFound if there is no such meeting."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("جلسه موردنظر پیدا نشد.")
    header = meeting.model_dump()

    lead_weight = get_lead_weight(session)
    rows, resolutions, agencies, stamp, as_of = _follow_up(session, meeting_id, today, lead_weight)
    texts = dict(zip(resolutions["number"], resolutions["text"], strict=True))
    rows["resolution_text"] = [texts.get(n, "") for n in rows["resolution_number"]]
    rows["days_late"] = [
        days_late(due, as_of, overdue=late)
        for due, late in zip(rows["due"], rows["overdue"], strict=True)
    ]
    rows = rows.sort_values(
        ["resolution_number", "is_lead", "agency_order"],
        ascending=[True, False, True],
        kind="stable",
    ).reset_index(drop=True)

    late_by_resolution = rows.groupby("resolution_number")["overdue"].sum()
    resolutions["overdue"] = [int(late_by_resolution.get(n, 0)) for n in resolutions["number"]]
    resolutions["rows"] = resolutions["rows"].astype(int)
    resolutions["status_word"] = [
        _resolution_word(int(r), int(d), int(o), float(p))
        for r, d, o, p in zip(
            resolutions["rows"],
            resolutions["done"],
            resolutions["overdue"],
            resolutions["mean_progress"],
            strict=True,
        )
    ]

    agencies["status_word"] = [_agency_word(r) for r in _tuples(agencies)]

    figures = {"resolutions": len(resolutions), **cell_figures(rows)}
    mean = float(rows["progress"].mean()) if len(rows) else None
    is_sample = bool(meeting.is_sample) or bool(rows["is_sample"].any())
    return MeetingReport(
        header,
        today,
        figures,
        mean,
        agencies,
        resolutions,
        rows,
        is_sample,
        get_profile(session),
        lead_weight,
        stamp,
        as_of,
    )


# --- PDF ---------------------------------------------------------------------------------------

_REPORT_CSS = """
.org { text-align: center; font-weight: 700; font-size: 10pt; line-height: 1.6; }
.org .secretariat { font-weight: 500; font-size: 9pt; }
hr.rule { border: none; border-top: 1pt solid #333; margin: 2mm 0 4mm 0; }
table.facts { font-size: 9.5pt; margin-bottom: 3mm; }
table.facts td { padding: 0.6mm 0; }
table.facts td.label { font-weight: 700; width: 24%; }
table.figures td { text-align: center; font-size: 12pt; font-weight: 700; }
table.figures th { font-size: 8.5pt; }
td.word { text-align: center; white-space: nowrap; }
tr.late td.word { font-weight: 700; color: #8b1a1a; }
"""


def _facts(report: MeetingReport) -> Safe:
    m = report.meeting
    when = format_jalali_long(m["held_on"])
    if m.get("start_time"):
        when += f"، ساعت {to_fa_digits(m['start_time'])}"
    facts = [
        ("جلسه:", f"جلسه {to_fa_digits(m['number'])}"),
        ("تاریخ و ساعت:", when),
        ("مکان:", m.get("place") or MISSING),
        ("رئیس جلسه:", m.get("chair") or MISSING),
        ("وضعیت تا تاریخ:", report.stamp or format_jalali_long(report.today)),
    ]
    rows = [el("tr", el("td", label, cls="label"), el("td", value)) for label, value in facts]
    return el("table", *rows, cls="plain facts")


def _figures_table(report: MeetingReport) -> Safe:
    headers = [label for _, label in _FIGURES] + ["میانگین پیشرفت"]
    values: list[object] = [to_fa_digits(report.figures[key]) for key, _ in _FIGURES]
    values.append(format_percent(report.mean_progress))
    return table(headers, [values], cls="grid figures")


def _agencies_table(report: MeetingReport) -> Safe:
    body = []
    for i, r in enumerate(_tuples(report.agencies), start=1):
        body.append(
            (
                to_fa_digits(i),
                r.agency,
                to_fa_digits(r.rows),
                to_fa_digits(r.done),
                to_fa_digits(r.in_progress),
                to_fa_digits(r.not_started),
                to_fa_digits(int(r.blocked) + int(r.needs_follow_up)),
                to_fa_digits(r.overdue),
                format_percent(r.mean_progress),
                r.status_word,
            )
        )
    return table(
        [
            "ردیف",
            "دستگاه",
            "ردیف‌ها",
            STATUS_LABELS[AssignmentStatus.DONE],
            STATUS_LABELS[AssignmentStatus.IN_PROGRESS],
            STATUS_LABELS[AssignmentStatus.NOT_STARTED],
            "متوقف / نیازمند پیگیری",
            OVERDUE_LABEL,
            "میانگین پیشرفت",
            "وضعیت",
        ],
        body,
        cell_classes=["num", "", "num", "num", "num", "num", "num", "num late", "num", "word"],
        widths=["6%", "", "7%", "8%", "8%", "8%", "10%", "8%", "9%", "11%"],
        row_classes=["late" if int(n) > 0 else "" for n in report.agencies["overdue"]],
    )


def _owners_cell(row: Any) -> Safe:
    """The lead owner first, marked, then the owners as the minutes wrote them."""
    lead = el("div", f"{row.lead} (مسئول اصلی)", cls="bold") if row.lead else Safe("")
    return join([lead, el("div", row.owners_as_written or MISSING)])


def _resolutions_table(report: MeetingReport) -> Safe:
    body = []
    for r in _tuples(report.resolutions):
        done = f"{to_fa_digits(r.done)} از {to_fa_digits(r.rows)}"
        body.append(
            (
                to_fa_digits(r.number),
                r.text,
                _owners_cell(r),
                done,
                format_percent(r.mean_progress) if r.rows else MISSING,
                r.status_word,
            )
        )
    return table(
        ["بند", "شرح مصوبه", "مسئول پیگیری (طبق صورت‌جلسه)", "انجام‌شده", "میانگین پیشرفت", "وضعیت"],
        body,
        cell_classes=["num", "", "", "num", "num", "word"],
        widths=["6%", "", "20%", "10%", "9%", "11%"],
        row_classes=["late" if int(n) > 0 else "" for n in report.resolutions["overdue"]],
    )


def meeting_report_html(session: Session, *, meeting_id: int, today: date) -> str:
    """The HTML of a meeting's follow-up report (see `meeting_report_pdf`)."""
    report = meeting_report_data(session, meeting_id, today)
    profile = report.profile
    badge: Safe = Safe("")
    if report.is_sample:
        badge = el(
            "p",
            el("span", SAMPLE_BADGE, cls="badge"),
            " ارقام این گزارش شامل دادهٔ نمونه است.",
            cls="small center",
        )
    body = join(
        [
            logo_img(profile),
            org_block(profile),
            void("hr", cls="rule"),
            el("h1", report.title),
            badge,
            _facts(report),
            el("h2", "خلاصه وضعیت"),
            _figures_table(report),
            el("h2", "وضعیت دستگاه‌ها (به ترتیب بیشترین تأخیر)"),
            _agencies_table(report),
            el("h2", "وضعیت مصوبات"),
            el("p", lead_weight_note(report.lead_weight), cls="small"),
            _resolutions_table(report),
        ]
    )
    footer = (
        f"گزارش پیگیری مصوبات جلسه {to_fa_digits(report.meeting['number'])}"
        f" — تهیه‌شده در {format_jalali(today)}"
    )
    return document(
        report.title,
        body,
        footer_note=footer,
        extra_css=_REPORT_CSS,
        author=f"دبیرخانه {report.profile.group_name}",
    )


def meeting_report_pdf(session: Session, *, meeting_id: int, today: date) -> bytes:
    """A meeting's follow-up status as an A4 PDF to print for the session."""
    return render_pdf(meeting_report_html(session, meeting_id=meeting_id, today=today))


# --- Excel -----------------------------------------------------------------------------------

_NOT_REPORTED_TEXT = "ثبت نشده"


def _reported(moment: Any) -> datetime | str:
    if moment is None or pd.isna(moment):
        return _NOT_REPORTED_TEXT
    stamp: datetime = pd.Timestamp(moment).to_pydatetime()
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)  # naive is UTC


# A sheet's header row and its data rows.
_Sheet = tuple[list[str], list[list[object]]]


def _summary_sheet(report: MeetingReport) -> _Sheet:
    """The meeting's facts and the summary figures, one (label, value) pair a row."""
    m = report.meeting
    summary: list[list[object]] = [
        ["عنوان", report.title],
        ["استان", report.profile.province or MISSING],
        ["صادرکننده", report.profile.governorate],
        ["شماره جلسه", int(m["number"])],
        ["تاریخ جلسه", format_jalali_long(m["held_on"])],
        ["ساعت", to_fa_digits(m.get("start_time") or MISSING)],
        ["مکان", m.get("place") or MISSING],
        ["رئیس جلسه", m.get("chair") or MISSING],
        ["وضعیت تا تاریخ", report.stamp or format_jalali_long(report.today)],
        *([label, report.figures[key]] for key, label in _FIGURES),
        [
            "میانگین پیشرفت (٪)",
            round(report.mean_progress, 1) if report.mean_progress is not None else MISSING,
        ],
        ["وزن مسئول اصلی در پیشرفت مصوبه", report.lead_weight],
        ["دادهٔ نمونه", _YES if report.is_sample else _NO],
    ]
    return ["شرح", "مقدار"], summary


def _agencies_sheet(report: MeetingReport) -> _Sheet:
    """One row per agency: its rows by status, overdue, mean progress and done share."""
    agencies: list[list[object]] = [
        [
            r.agency,
            int(r.rows),
            int(r.done),
            int(r.in_progress),
            int(r.not_started),
            int(r.blocked),
            int(r.needs_follow_up),
            int(r.overdue),
            round(float(r.mean_progress), 1),
            round(100 * float(r.done_share), 1),
            r.status_word,
        ]
        for r in _tuples(report.agencies)
    ]
    done, in_progress, not_started, blocked, follow_up = (
        STATUS_LABELS[s]
        for s in (
            AssignmentStatus.DONE,
            AssignmentStatus.IN_PROGRESS,
            AssignmentStatus.NOT_STARTED,
            AssignmentStatus.BLOCKED,
            AssignmentStatus.NEEDS_FOLLOW_UP,
        )
    )
    header = [
        "دستگاه",
        "ردیف‌ها",
        done,
        in_progress,
        not_started,
        blocked,
        follow_up,
        OVERDUE_LABEL,
        "میانگین پیشرفت (٪)",
        "سهم انجام‌شده (٪)",
        "وضعیت",
    ]
    return header, agencies


def _resolutions_sheet(report: MeetingReport) -> _Sheet:
    """One row per resolution: its text, owners as written, due date and progress."""
    resolutions: list[list[object]] = [
        [
            int(r.number),
            r.text,
            r.theme,
            r.owners_as_written,
            r.due_date if r.due_date else MISSING,
            int(r.rows),
            int(r.done),
            int(r.overdue),
            round(float(r.mean_progress), 1),
            r.status_word,
            r.lead or MISSING,
        ]
        for r in _tuples(report.resolutions)
    ]
    header = [
        "بند",
        "شرح مصوبه",
        "محور",
        "مسئول پیگیری (طبق صورت‌جلسه)",
        "موعد",
        "ردیف‌ها",
        "انجام‌شده",
        OVERDUE_LABEL,
        "میانگین وزنی پیشرفت (٪)",
        "وضعیت",
        "مسئول اصلی",
    ]
    return header, resolutions


def _follow_up_rows_sheet(report: MeetingReport) -> _Sheet:
    """Every live row of the follow-up matrix, with its status, due date and last report."""
    rows: list[list[object]] = [
        [
            int(r.id),
            int(r.resolution_number),
            r.resolution_text,
            r.agency,
            _YES if r.is_lead else _NO,
            STATUS_LABELS.get(r.status, r.status),
            int(r.progress),
            r.due if r.due else MISSING,
            _YES if r.overdue else _NO,
            int(r.days_late),
            VERIFICATION_LABELS.get(r.verification, r.verification),
            int(r.reschedule_count),
            _reported(r.reported_at),
            r.done_text,
            _YES if r.is_sample else _NO,
        ]
        for r in _tuples(report.rows)
    ]
    header = [
        "شناسه ردیف",
        "بند",
        "شرح مصوبه",
        "دستگاه",
        "مسئول اصلی",
        "وضعیت",
        "پیشرفت (٪)",
        "موعد",
        OVERDUE_LABEL,
        "روزهای تأخیر",
        "تأیید دبیرخانه",
        "دفعات تغییر موعد",
        "آخرین گزارش",
        "شرح اقدام",
        "دادهٔ نمونه",
    ]
    return header, rows


def _sheet_rows(report: MeetingReport) -> dict[str, _Sheet]:
    """The workbook's sheets by name, in SHEET_NAMES order: (header, rows) each."""
    return {
        SHEET_NAMES[0]: _summary_sheet(report),
        SHEET_NAMES[1]: _agencies_sheet(report),
        SHEET_NAMES[2]: _resolutions_sheet(report),
        SHEET_NAMES[3]: _follow_up_rows_sheet(report),
    }


def meeting_report_xlsx(session: Session, *, meeting_id: int, today: date) -> bytes:
    """The meeting report as an Excel workbook: «خلاصه»، «دستگاه‌ها»، «مصوبات»، «ردیف‌ها»
    (every live row), right-to-left sheets, bold frozen headers, dates as sortable Jalali
    numbers (documents/workbook.py: print setup, column types, never a formula)."""
    report = meeting_report_data(session, meeting_id, today)
    sheets = [
        SheetSpec(name, headers, rows, filter=name != SHEET_NAMES[0])
        for name, (headers, rows) in _sheet_rows(report).items()
    ]
    return workbook_xlsx(sheets, title=report.title)
