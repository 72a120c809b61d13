"""Follow-up letters (نامه پیگیری) to agencies with late or unreported rows.

Which rows go in an agency's letter, and which agencies get one, are read by
queries/ladder.py (`letter_rows`, `late_agencies`); this module prints them.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlmodel import Session

from data_layer.documents.html import Safe, document, el, join, render_pdf, table, void
from data_layer.documents.names import file_name
from data_layer.errors import NotFound
from data_layer.jalali import MISSING, format_jalali, format_jalali_long, to_fa_digits
from data_layer.labels import SAMPLE_BADGE, STATUS_LABELS, default_head_title
from data_layer.models import Agency
from data_layer.queries.ladder import late_agencies, letter_rows, letter_rows_by_agency
from data_layer.queries.profile import Profile, get_profile

__all__ = [
    "DEFAULT_REPLY_DAYS",
    "LetterStep",
    "addressee_line",
    "follow_up_letter_pdf",
    "letter_file_name",
    "letter_html",
    "letters_zip",
    "liaison_line",
    "org_block",
]

DEFAULT_REPLY_DAYS = 10


@dataclass(frozen=True)
class LetterStep:
    """A step of the ladder as its letter uses it: which, its title and its wording."""

    number: int
    title: str
    wording: str


_BLANK = "................................"
_SUBJECT = "پیگیری مصوبات کارگروه"
_NOT_REPORTED = "ثبت نشده"


def _tuples(frame: pd.DataFrame) -> list[Any]:
    """The frame's rows as named tuples (loosely typed: columns hold mixed values)."""
    return list(frame.itertuples(index=False))


# --- the letter ------------------------------------------------------------------------------


LEAD_ROLE = "مسئول اصلی"


def _role(row: Any) -> Safe:
    """The agency's part in a resolution: «مسئول اصلی», or the lead it supports."""
    if row.is_lead:
        return el("div", f"نقش این دستگاه: {LEAD_ROLE}", cls="small bold")
    if isinstance(row.lead_agency, str) and row.lead_agency:
        return el("div", f"{LEAD_ROLE}: {row.lead_agency}؛ این دستگاه همکار است", cls="small")
    return Safe("")


def _letter_table(rows: pd.DataFrame) -> Safe:
    body = []
    for i, r in enumerate(_tuples(rows), start=1):
        status = STATUS_LABELS.get(r.status, r.status)
        reported = (
            _NOT_REPORTED if r.unreported else format_jalali(pd.Timestamp(r.reported_at).date())
        )
        body.append(
            (
                to_fa_digits(i),
                join(
                    [
                        el("div", f"جلسه {to_fa_digits(r.meeting_number)}"),
                        el("div", format_jalali(r.held_on), cls="small"),
                    ]
                ),
                to_fa_digits(r.resolution_number),
                join([el("div", r.resolution_text), _role(r)]),
                status,
                reported,
                format_jalali(r.due),
                to_fa_digits(r.days_late) if r.overdue else MISSING,
            )
        )
    return table(
        [
            "ردیف",
            "جلسه",
            "بند",
            "شرح مصوبه",
            "وضعیت",
            "آخرین گزارش",
            "موعد",
            "تأخیر (روز)",
        ],
        body,
        cell_classes=["num", "date", "num", "", "center", "date", "date", "num late"],
        widths=["6%", "12%", "6%", "", "11%", "11%", "11%", "9%"],
    )


_LETTER_CSS = """
.nowrap { white-space: nowrap; }
table.head { margin: 0 0 3mm 0; }
table.head td { vertical-align: top; }
.org { font-weight: 700; font-size: 10.5pt; line-height: 1.6; }
.org .secretariat { font-weight: 500; font-size: 9.5pt; }
.bismillah { text-align: center; font-weight: 700; font-size: 11pt; }
.meta { font-size: 10pt; line-height: 1.9; white-space: nowrap; }
.meta .label { font-weight: 700; }
.addressee { font-weight: 700; font-size: 11.5pt; margin-top: 4mm; }
.subject { margin: 3mm 0 4mm 0; }
.subject .label { font-weight: 700; }
/* The last paragraph, the thanks, the signature and the copy line stay on one page:
   a page never holds the closing and signature alone. */
.ending { break-inside: avoid; page-break-inside: avoid; }
.signature {
  margin-top: 6mm;
  margin-right: 55%;
  text-align: center;
  line-height: 1.7;
}
.signature .title { font-weight: 700; }
.signature .line { margin-top: 8mm; color: #777; font-size: 9pt; }
.cc { margin-top: 5mm; font-size: 9pt; border-top: 0.5pt solid #aaa; padding-top: 1.5mm; }
hr.rule { border: none; border-top: 1pt solid #333; margin: 0 0 5mm 0; }
"""


def addressee_line(agency: Agency) -> str:
    """The salutation line for an agency's head: the registry's title, else by its kind."""
    return agency.head_title.strip() or default_head_title(agency.kind, agency.name)


def logo_img(profile: Profile, height_mm: int = 16) -> Safe:
    """The province's logo from the profile (bytes the app itself holds), or nothing."""
    if not profile.logo or profile.logo_type not in ("image/png", "image/jpeg"):
        return Safe("")
    data = base64.b64encode(profile.logo).decode("ascii")
    return void(
        "img",
        cls="logo",
        attrs={"src": f"data:{profile.logo_type};base64,{data}", "style": f"height:{height_mm}mm"},
    )


def org_block(profile: Profile) -> Safe:
    """The issuing offices: the letterhead lines, then the working group's secretariat."""
    return el(
        "div",
        *(el("div", line) for line in profile.heading_lines),
        el("div", f"دبیرخانه {profile.group_name}", cls="secretariat"),
        cls="org",
    )


def _letter_head(*, profile: Profile, letter_number: str, today: date, is_sample: bool) -> Safe:
    """The letterhead: the issuing offices, «بسمه تعالی» (and the sample badge), number and date."""
    number = to_fa_digits(letter_number.strip()) if letter_number.strip() else _BLANK
    meta = el(
        "div",
        el("div", el("span", "شماره: ", cls="label"), number),
        el("div", el("span", "تاریخ: ", cls="label"), format_jalali(today)),
        el("div", el("span", "پیوست: ", cls="label"), "ندارد"),
        cls="meta",
    )
    org = org_block(profile)
    badge = el("div", el("span", SAMPLE_BADGE, cls="badge")) if is_sample else Safe("")
    return el(
        "table",
        el(
            "tr",
            el("td", org, attrs={"style": "width: 42%"}),
            el(
                "td",
                logo_img(profile),
                el("div", "بسمه تعالی", cls="bismillah"),
                badge,
                cls="center",
            ),
            el("td", meta, attrs={"style": "width: 30%"}),
        ),
        cls="plain head",
    )


def liaison_line(agency: Agency) -> str:
    """The salutation of a reminder (steps 1 and 2): the agency's liaison."""
    return f"کارشناس محترم رابط {agency.name} در کارگروه"


def _letter_intro(rows: pd.DataFrame, today: date, wording: str = "") -> tuple[str, Safe, str]:
    """The opening paragraph, the table of rows, and how the request refers to them;
    `wording` (a step of the ladder's) comes first when given."""
    overdue = int(rows["overdue"].sum())
    unreported = int(rows["unreported"].sum())
    parts: list[str] = []
    if overdue:
        parts.append(f"{to_fa_digits(overdue)} مورد از موعد مقرر گذشته است")
    if unreported:
        parts.append(f"برای {to_fa_digits(unreported)} مورد تاکنون گزارشی در سامانه ثبت نشده است")
    opening = (
        "احتراماً، ضمن سپاس از همکاری آن دستگاه در پیشبرد اهداف کارگروه، به استحضار"
        " می‌رساند بر اساس اطلاعات سامانه پایش مصوبات کارگروه تا تاریخ"
        f" {format_jalali_long(today)}، "
    )
    if wording.strip():
        opening = f"{wording.strip()} بر اساس اطلاعات سامانه تا تاریخ {format_jalali_long(today)}، "
    if parts:
        intro = f"{opening}از مصوبات زیر که پیگیری آن‌ها بر عهده آن دستگاه است، {' و '.join(parts)}:"
        return intro, _letter_table(rows), "هر یک از موارد فوق"
    # Asked for an agency with nothing late: say so rather than send an empty table.
    intro = f"{opening}مورد معوق یا گزارش‌نشده‌ای برای آن دستگاه ثبت نشده است."
    return intro, Safe(""), "مصوبات مربوط"


def _reply_request(reply_by: date, scope: str) -> str:
    """The paragraph asking the agency to update its rows in the dashboard by `reply_by`."""
    return (
        "خواهشمند است دستور فرمایید حداکثر تا تاریخ"
        f" {format_jalali_long(reply_by)} آخرین وضعیت اقدامات انجام‌شده، برنامه زمان‌بندی"
        f" و مستندات مربوط به {scope} از طریق بخش «دستگاه من» در داشبورد پایش"
        " مصوبات کارگروه ثبت و به‌روزرسانی شود تا در جلسه آتی کارگروه گزارش گردد."
    )


def _letter_closing(profile: Profile, copy_to_chair: bool = True) -> Safe:
    """Thanks, the secretary's signature block and (unless a reminder) the copy to the
    working group's chair."""
    return el(
        "div",
        el("p", "پیشاپیش از حسن همکاری آن دستگاه سپاسگزار است."),
        el(
            "div",
            *(el("div", name, cls="title") for name in profile.secretary_name.split("\n") if name),
            el("div", profile.secretary_title or "دبیر کارگروه", cls="title"),
            el("div", profile.group_name, cls="small"),
            el("div", "امضا", cls="line"),
            cls="signature",
        ),
        el(
            "div",
            el("span", "رونوشت: ", cls="bold"),
            f"معاون محترم سیاسی، امنیتی و اجتماعی {profile.governorate} و رئیس کارگروه،"
            " جهت استحضار.",
            cls="cc",
        )
        if copy_to_chair
        else Safe(""),
        cls="closing",
    )


def letter_html(
    session: Session,
    *,
    agency_id: int,
    today: date,
    letter_number: str = "",
    reply_by: date | None = None,
    step: LetterStep | None = None,
    rows: pd.DataFrame | None = None,
) -> str:
    """The HTML of an agency's follow-up letter (see `follow_up_letter_pdf`); with a
    step of the ladder, its wording and addressee (a reminder goes to the liaison
    without a copy; step 3 to the head with a copy to the chair)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("دستگاه موردنظر پیدا نشد.")
    reply_by = reply_by or today + timedelta(days=DEFAULT_REPLY_DAYS)
    if rows is None:
        rows = letter_rows(session, agency_id, today)
    is_sample = bool(rows["is_sample"].any()) or agency.is_sample
    intro, items, scope = _letter_intro(rows, today, step.wording if step else "")
    to_head = step is None or step.number == 3
    addressee = addressee_line(agency) if to_head else liaison_line(agency)
    profile = get_profile(session)
    body = join(
        [
            _letter_head(
                profile=profile, letter_number=letter_number, today=today, is_sample=is_sample
            ),
            void("hr", cls="rule"),
            el("div", addressee, cls="addressee"),
            el("p", "با سلام و احترام"),
            el("div", el("span", "موضوع: ", cls="label"), _SUBJECT, cls="subject"),
            el("p", intro),
            items,
            el(
                "div",
                el("p", _reply_request(reply_by, scope)),
                _letter_closing(profile, copy_to_chair=to_head),
                cls="ending",
            ),
        ]
    )
    kind = f" — {step.title}" if step else ""
    footer = f"نامه پیگیری مصوبات{kind} — {agency.short_name} — {format_jalali(today)}"
    return document(
        f"{_SUBJECT} — {agency.name}",
        body,
        footer_note=footer,
        extra_css=_LETTER_CSS,
        author=f"دبیرخانه {profile.group_name}",
    )


def follow_up_letter_pdf(
    session: Session,
    *,
    agency_id: int,
    today: date,
    letter_number: str = "",
    reply_by: date | None = None,
    step: LetterStep | None = None,
    rows: pd.DataFrame | None = None,
) -> bytes:
    """An official A4 follow-up letter to one agency listing its overdue and
    never-reported rows; `reply_by` defaults to today + 10 days."""
    return render_pdf(
        letter_html(
            session,
            agency_id=agency_id,
            today=today,
            letter_number=letter_number,
            reply_by=reply_by,
            step=step,
            rows=rows,
        )
    )


# --- many letters at once --------------------------------------------------------------------


def letter_file_name(number: object, short_name: str) -> str:
    """نامه-<number>-<short name>.pdf (documents/names.py): the letter's number
    (1405/24 -> 1405-24), or the agency's id while the letter has none."""
    return file_name("نامه", number, short_name, ext="pdf")


def letters_zip(session: Session, *, today: date, letter_number_prefix: str = "") -> bytes:
    """A zip of one follow-up letter PDF per agency `late_agencies` lists, nothing else.

    With a prefix, each letter is numbered prefix + the agency's id (stable across
    re-runs); without one, the number is left blank to fill by hand.
    """
    agencies = _ids_and_names(late_agencies(session, today))
    rows_of = letter_rows_by_agency(session, [i for i, _ in agencies], today)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for agency_id, short_name in agencies:
            number = f"{letter_number_prefix}{agency_id}" if letter_number_prefix else ""
            pdf = follow_up_letter_pdf(
                session,
                agency_id=agency_id,
                today=today,
                letter_number=number,
                rows=rows_of[agency_id],
            )
            archive.writestr(letter_file_name(agency_id, short_name), pdf)
    return buffer.getvalue()


def _ids_and_names(agencies: pd.DataFrame) -> Sequence[tuple[int, str]]:
    return [
        (int(i), str(n)) for i, n in zip(agencies["agency_id"], agencies["short_name"], strict=True)
    ]
