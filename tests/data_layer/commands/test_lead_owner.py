"""The lead owner (مسئول اصلی) of a resolution: stored, refused when it is not an owner,
changed and cleared with history, weighted in the resolution's progress by a setting
the secretariat keeps, shown first in letters, slides and the matrix, and read from a
«مسئول اصلی» column of the minutes. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import docx
import openpyxl
import pandas as pd
import pytest
from sqlmodel import Session, func, select

from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.minutes import commit_minutes
from data_layer.commands.resolutions import add_resolution, update_resolution
from data_layer.commands.settings import set_lead_weight
from data_layer.db import read_session, write_session
from data_layer.documents.letters import letter_html
from data_layer.documents.report import meeting_report_data, meeting_report_html
from data_layer.errors import ConflictError, PermissionDenied, ValidationError
from data_layer.input.minutes import MinutesPreview, read_minutes_file
from data_layer.input.owners import OwnerSpec
from data_layer.models import (
    Agency,
    AppSetting,
    Assignment,
    HistoryEntry,
    Meeting,
    Resolution,
    Role,
)
from data_layer.permissions import Actor
from data_layer.queries.agencies import agency_refs
from data_layer.queries.ladder import letter_rows
from data_layer.queries.resolutions import (
    follow_up_matrix,
    meeting_resolutions,
    owners_on_record,
)
from data_layer.queries.settings import LEAD_WEIGHT_KEY, get_lead_weight
from tests.data_layer.commands import add_user
from ui.matrix import matrix_html, owner_agencies, resolution_list_html
from ui.slides import resolution_slide

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
TODAY = date(2026, 11, 28)

INTERIOR = "دفتر امور اجتماعی استانداری"
EDUCATION = "اداره کل آموزش و پرورش"
KANOON = "کانون پرورش فکری کودکان و نوجوانان"
WELFARE = "اداره کل بهزیستی استان"
SEMINARY = "حوزه علمیه استان"  # invited, not a member
ALL = "ادارات عضو کارگروه"
LEAD_LABEL = "مسئول اصلی"


@dataclass(frozen=True)
class Cast:
    url: str
    secretariat: Actor
    admin: Actor
    viewer: Actor
    editor: Actor  # liaison of EDUCATION
    agency: dict[str, int]  # name -> id
    short: dict[int, str]  # id -> short name
    meeting_id: int  # meeting 8, no resolutions yet


@pytest.fixture
def cast(minutes_url: str) -> Cast:
    with write_session(minutes_url) as session:
        agencies = list(session.exec(select(Agency)))
        agency = {a.name: a.id for a in agencies if a.id is not None}
        secretariat = add_user(session, "secretariat", "مریم احمدی", Role.SECRETARIAT.value)
        meeting = create_meeting(
            session,
            actor=secretariat,
            data=MeetingInput(8, "1402/09/18", "09:00", "سالن شهدای گمنام استانداری", "معاون"),
            now=NOW,
        )
        assert meeting.id is not None
        return Cast(
            url=minutes_url,
            secretariat=secretariat,
            admin=add_user(session, "admin", "مدیر سامانه", Role.ADMIN.value),
            viewer=add_user(session, "viewer", "علی رضایی", Role.VIEWER.value),
            editor=add_user(
                session, "education", "حسین محمدی", Role.AGENCY_EDITOR.value, agency[EDUCATION]
            ),
            agency=agency,
            short={a.id: a.short_name for a in agencies if a.id is not None},
            meeting_id=meeting.id,
        )


def owners(cast: Cast, *names: str, lead: str | None = None, everyone: bool = False) -> OwnerSpec:
    return OwnerSpec(
        everyone,
        tuple(cast.agency[n] for n in names),
        cast.agency[lead] if lead is not None else None,
    )


def new_resolution(cast: Cast, number: int, spec: OwnerSpec) -> int:
    with write_session(cast.url) as session:
        res = add_resolution(
            session,
            actor=cast.secretariat,
            meeting_id=cast.meeting_id,
            number=number,
            text="ضرورت تأمین و تجهیز نقاط هدف به کتابخانه‌های ثابت و سیار",
            owners=spec,
            now=NOW,
        )
        assert res.id is not None
        return res.id


def edit_owners(cast: Cast, resolution_id: int, spec: OwnerSpec) -> dict[str, int]:
    with write_session(cast.url) as session:
        return update_resolution(
            session, actor=cast.secretariat, resolution_id=resolution_id, owners=spec, now=LATER
        )


def lead_of(url: str, resolution_id: int) -> int | None:
    with read_session(url) as session:
        res = session.get(Resolution, resolution_id)
        assert res is not None
        return res.lead_agency_id


def counts(url: str) -> tuple[int, int, int, int]:
    """Resolutions, rows, history rows and settings stored."""
    with read_session(url) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Resolution, Assignment, HistoryEntry, AppSetting)
        )


def lead_history(url: str, resolution_id: int) -> list[tuple[str | None, str | None]]:
    with read_session(url) as session:
        stmt = (
            select(HistoryEntry)
            .where(
                HistoryEntry.entity == "resolution",
                HistoryEntry.entity_id == resolution_id,
                HistoryEntry.field == "lead_agency_id",
            )
            .order_by(HistoryEntry.id)  # type: ignore[arg-type]
        )
        return [(h.old_value, h.new_value) for h in session.exec(stmt)]


def refusal(exc: ValidationError, field: str) -> str:
    messages = [e.message for e in exc.errors if e.field == field]
    assert messages, exc.errors
    return messages[0]


# --- storing and refusing -------------------------------------------------------------------


def test_the_lead_is_stored_and_read_back(cast: Cast) -> None:
    res_id = new_resolution(cast, 9, owners(cast, INTERIOR, KANOON, lead=KANOON))
    assert lead_of(cast.url, res_id) == cast.agency[KANOON]
    with read_session(cast.url) as session:
        resolutions = meeting_resolutions(session, cast.meeting_id)
        cells = follow_up_matrix(session, cast.meeting_id, TODAY)
    assert list(resolutions["lead"]) == [cast.short[cast.agency[KANOON]]]
    assert int(resolutions["lead_agency_id"].iloc[0]) == cast.agency[KANOON]
    leads = dict(zip(cells["agency_id"], cells["is_lead"], strict=True))
    assert leads == {cast.agency[INTERIOR]: False, cast.agency[KANOON]: True}


def test_a_lead_of_all_members_must_be_a_member(cast: Cast) -> None:
    res_id = new_resolution(cast, 1, owners(cast, everyone=True, lead=EDUCATION))
    assert lead_of(cast.url, res_id) == cast.agency[EDUCATION]
    before = counts(cast.url)
    with pytest.raises(ValidationError) as raised:
        new_resolution(cast, 2, owners(cast, everyone=True, lead=SEMINARY))
    assert LEAD_LABEL in refusal(raised.value, "lead")
    assert counts(cast.url) == before


def test_a_lead_that_is_not_an_owner_is_refused_and_nothing_written(cast: Cast) -> None:
    before = counts(cast.url)
    with pytest.raises(ValidationError) as raised:
        new_resolution(cast, 9, owners(cast, INTERIOR, KANOON, lead=WELFARE))
    message = refusal(raised.value, "lead")
    assert f"«{LEAD_LABEL}»" in message and cast.short[cast.agency[WELFARE]] in message
    assert counts(cast.url) == before


# --- editing ----------------------------------------------------------------------------------


def test_an_edit_changes_the_lead_with_history(cast: Cast) -> None:
    res_id = new_resolution(cast, 9, owners(cast, INTERIOR, KANOON, EDUCATION, lead=EDUCATION))
    with read_session(cast.url) as session:
        version = session.get(Resolution, res_id).version  # type: ignore[union-attr]
    result = edit_owners(cast, res_id, owners(cast, INTERIOR, KANOON, EDUCATION, lead=KANOON))
    assert result == {"added": 0, "withdrawn": 0, "restored": 0}
    assert lead_of(cast.url, res_id) == cast.agency[KANOON]
    assert lead_history(cast.url, res_id) == [
        (str(cast.agency[EDUCATION]), str(cast.agency[KANOON]))
    ]
    with read_session(cast.url) as session:
        assert session.get(Resolution, res_id).version == version + 1  # type: ignore[union-attr]
    # The same lead again changes nothing and writes no history.
    edit_owners(cast, res_id, owners(cast, INTERIOR, KANOON, EDUCATION, lead=KANOON))
    assert len(lead_history(cast.url, res_id)) == 1


def test_an_edit_naming_a_lead_outside_the_new_owners_is_refused(cast: Cast) -> None:
    res_id = new_resolution(cast, 9, owners(cast, INTERIOR, KANOON, lead=KANOON))
    before = counts(cast.url)
    with pytest.raises(ValidationError) as raised:
        edit_owners(cast, res_id, owners(cast, INTERIOR, WELFARE, lead=KANOON))
    assert LEAD_LABEL in refusal(raised.value, "lead")
    assert counts(cast.url) == before
    assert lead_of(cast.url, res_id) == cast.agency[KANOON]
    with read_session(cast.url) as session:
        live = session.exec(
            select(Assignment.agency_id).where(
                Assignment.resolution_id == res_id,
                Assignment.withdrawn == False,  # noqa: E712
            )
        ).all()
    assert set(live) == {cast.agency[INTERIOR], cast.agency[KANOON]}


def test_removing_the_lead_from_the_owners_clears_it_with_history(cast: Cast) -> None:
    res_id = new_resolution(cast, 9, owners(cast, INTERIOR, KANOON, lead=KANOON))
    result = edit_owners(cast, res_id, owners(cast, INTERIOR, WELFARE))
    assert result == {"added": 1, "withdrawn": 1, "restored": 0}
    assert lead_of(cast.url, res_id) is None
    assert lead_history(cast.url, res_id) == [(str(cast.agency[KANOON]), None)]


# --- the weighted progress --------------------------------------------------------------------


def set_progress(url: str, resolution_id: int, progress: dict[int, int]) -> None:
    with write_session(url) as session:
        for row in session.exec(
            select(Assignment).where(Assignment.resolution_id == resolution_id)
        ):
            row.progress = progress[row.agency_id]
            session.add(row)


def progress_by_number(session: Session, meeting_id: int, weight: int | None) -> dict[int, float]:
    frame = meeting_resolutions(session, meeting_id, weight)
    return dict(zip(frame["number"], frame["mean_progress"], strict=True))


def test_the_lead_weighs_in_the_resolution_progress(cast: Cast) -> None:
    trio = (INTERIOR, KANOON, EDUCATION)
    led = new_resolution(cast, 9, owners(cast, *trio, lead=EDUCATION))
    plain = new_resolution(cast, 10, owners(cast, *trio))
    progress = {cast.agency[INTERIOR]: 0, cast.agency[KANOON]: 0, cast.agency[EDUCATION]: 100}
    set_progress(cast.url, led, progress)
    set_progress(cast.url, plain, progress)
    with read_session(cast.url) as session:
        assert get_lead_weight(session) == 2  # the default
        by_default = progress_by_number(session, cast.meeting_id, None)
        equal = progress_by_number(session, cast.meeting_id, 1)
        heavy = progress_by_number(session, cast.meeting_id, 10)
    assert by_default == {9: pytest.approx(50.0), 10: pytest.approx(100 / 3)}
    assert equal == {9: pytest.approx(100 / 3), 10: pytest.approx(100 / 3)}
    assert heavy == {9: pytest.approx(1000 / 12), 10: pytest.approx(100 / 3)}

    with write_session(cast.url) as session:
        assert set_lead_weight(session, actor=cast.secretariat, weight="۳", now=LATER) == 3
    with read_session(cast.url) as session:
        assert progress_by_number(session, cast.meeting_id, None)[9] == pytest.approx(60.0)
        report = meeting_report_data(session, cast.meeting_id, TODAY)
        html = meeting_report_html(session, meeting_id=cast.meeting_id, today=TODAY)
    assert report.lead_weight == 3
    weighted = report.resolutions.set_index("number")["mean_progress"].to_dict()
    assert weighted == {
        9: pytest.approx(60.0),
        10: pytest.approx(100 / 3),
    }
    assert "مسئول اصلی × ۳" in html
    # The report's rows list the lead first within its resolution.
    first = report.rows[report.rows["resolution_number"] == 9].iloc[0]
    assert int(first["agency_id"]) == cast.agency[EDUCATION] and bool(first["is_lead"])


def test_a_resolution_without_rows_has_no_progress(cast: Cast) -> None:
    res_id = new_resolution(cast, 9, owners(cast, KANOON, lead=KANOON))
    with write_session(cast.url) as session:
        for row in session.exec(select(Assignment).where(Assignment.resolution_id == res_id)):
            row.withdrawn = True
            session.add(row)
    with read_session(cast.url) as session:
        frame = meeting_resolutions(session, cast.meeting_id, 2)
    assert (int(frame["rows"].iloc[0]), float(frame["mean_progress"].iloc[0])) == (0, 0.0)


# --- the setting -----------------------------------------------------------------------------


def test_only_the_secretariat_sets_the_weight(cast: Cast) -> None:
    before = counts(cast.url)
    for actor in (cast.viewer, cast.editor, cast.admin):
        with write_session(cast.url) as session, pytest.raises(PermissionDenied) as refused:
            set_lead_weight(session, actor=actor, weight=5, now=LATER)
        assert "دبیرخانه" in refused.value.message
    assert counts(cast.url) == before
    with write_session(cast.url) as session:
        assert set_lead_weight(session, actor=cast.secretariat, weight=5, expected=2) == 5
    with read_session(cast.url) as session:
        assert get_lead_weight(session) == 5
        row = session.get(AppSetting, LEAD_WEIGHT_KEY)
        assert row is not None and row.value == "5"
        history = session.exec(
            select(HistoryEntry).where(
                HistoryEntry.entity == "setting", HistoryEntry.field == LEAD_WEIGHT_KEY
            )
        ).all()
    assert [(h.old_value, h.new_value, h.user_id) for h in history] == [
        (None, "5", cast.secretariat.user_id)
    ]


def test_a_stale_form_or_a_bad_weight_is_refused(cast: Cast) -> None:
    with write_session(cast.url) as session:
        set_lead_weight(session, actor=cast.secretariat, weight=4, now=NOW)
    before = counts(cast.url)
    with write_session(cast.url) as session, pytest.raises(ConflictError) as stale:
        set_lead_weight(session, actor=cast.secretariat, weight=6, expected=2, now=LATER)
    assert "وزن مسئول اصلی" in stale.value.message
    for bad in (0, 11, "۲٫۵", "زیاد", ""):
        with write_session(cast.url) as session, pytest.raises(ValidationError) as raised:
            set_lead_weight(session, actor=cast.secretariat, weight=bad, now=LATER)
        assert "«وزن مسئول اصلی در پیشرفت مصوبه»" in refusal(raised.value, "lead_weight")
    assert counts(cast.url) == before
    with read_session(cast.url) as session:
        assert get_lead_weight(session) == 4


# --- letters, slides and the matrix -----------------------------------------------------------


def test_letters_slides_and_matrix_show_the_lead_first(cast: Cast) -> None:
    new_resolution(cast, 9, owners(cast, INTERIOR, KANOON, EDUCATION, lead=KANOON))
    kanoon, education = cast.agency[KANOON], cast.agency[EDUCATION]
    with read_session(cast.url) as session:
        rows = letter_rows(session, kanoon, TODAY)
        lead_letter = letter_html(session, agency_id=kanoon, today=TODAY)
        other_letter = letter_html(session, agency_id=education, today=TODAY)
        cells = follow_up_matrix(session, cast.meeting_id, TODAY)
        resolutions = meeting_resolutions(session, cast.meeting_id)
        summary_ids = sorted(set(cells["agency_id"]))
    mine = rows[(rows["meeting_number"] == 8) & (rows["resolution_number"] == 9)]
    assert len(mine) == 1 and bool(mine["is_lead"].iloc[0])
    assert "نقش این دستگاه: مسئول اصلی" in lead_letter
    assert f"مسئول اصلی: {cast.short[kanoon]}" in other_letter

    slide = resolution_slide(8, resolutions.iloc[0], cells, 1)
    marked = f"{cast.short[kanoon]} (مسئول اصلی)"
    assert slide.html.count("(مسئول اصلی)") == 1
    others = [cast.short[cast.agency[INTERIOR]], cast.short[education]]
    assert all(slide.html.index(marked) < slide.html.index(name) for name in others)

    summary = pd.DataFrame(
        {
            "agency_id": summary_ids,
            "agency": [cast.short[i] for i in summary_ids],
            **{k: 0 for k in ("done", "in_progress", "not_started", "overdue")},
            "mean_progress": 0.0,
        }
    )
    grid = matrix_html(cells, resolutions, summary)
    assert grid.count('class="lead-mark"') == 1 and grid.count('class="cell lead') == 1
    assert "&#40;مسئول اصلی&#41;" in grid  # in the lead cell's tooltip, escaped
    listing = resolution_list_html(resolutions)
    assert f"{cast.short[kanoon]} (مسئول اصلی)" in listing


def test_owners_on_record_put_the_lead_first_and_leave_out_a_withdrawn_owner(cast: Cast) -> None:
    rid = new_resolution(cast, 9, owners(cast, INTERIOR, EDUCATION, KANOON, lead=KANOON))
    kanoon, education = cast.agency[KANOON], cast.agency[EDUCATION]
    interior = cast.agency[INTERIOR]
    with read_session(cast.url) as session:
        on_record = owners_on_record(session, cast.meeting_id)[rid]
    assert on_record.agencies[0] == on_record.lead == cast.short[kanoon]
    assert set(on_record.agencies) == {cast.short[a] for a in (kanoon, education, interior)}
    assert owner_agencies(on_record).startswith(f"{cast.short[kanoon]} (مسئول اصلی)، ")
    assert not on_record.all_members and on_record.as_written  # the names, as typed

    edit_owners(cast, rid, owners(cast, INTERIOR, KANOON, lead=KANOON))  # education withdrawn
    with read_session(cast.url) as session:
        on_record = owners_on_record(session, cast.meeting_id)[rid]
    assert on_record.agencies == (cast.short[kanoon], cast.short[interior])
    assert owner_agencies(on_record) == f"{cast.short[kanoon]} (مسئول اصلی)، {cast.short[interior]}"


# --- the minutes' «مسئول اصلی» column -------------------------------------------------------

HEADER = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری", "مسئول اصلی")
ROWS: tuple[tuple[int, str, str, str], ...] = (
    (1, "برگزاری مستمر جلسات کارگروه با حضور دستگاه‌های مرتبط", ALL, "آموزش و پرورش"),
    (
        2,
        "ضرورت تأمین و تجهیز نقاط هدف به کتابخانه‌های ثابت و سیار",
        "وزارت کشور / کانون پرورش فکری کودکان و نوجوانان",
        "کانون پرورش فکری",
    ),
    (3, "ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)", EDUCATION, ""),
)


def docx_minutes(rows: tuple[tuple[int, str, str, str], ...]) -> bytes:
    document = docx.Document()
    document.add_paragraph("مصوبات جلسه به شرح جدول زیر است:")
    table = document.add_table(rows=0, cols=len(HEADER))
    for cell, text in zip(table.add_row().cells, HEADER, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_minutes(rows: tuple[tuple[object, ...], ...], header: tuple[str, ...] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def preview_of(url: str, filename: str, content: bytes) -> MinutesPreview:
    with read_session(url) as session:
        return read_minutes_file(filename, content, agency_refs(session))


def commit(cast: Cast, preview: MinutesPreview) -> int:
    with write_session(cast.url) as session:
        return commit_minutes(
            session, actor=cast.secretariat, meeting_id=cast.meeting_id, preview=preview
        )


def leads_of_meeting_8(url: str) -> dict[int, int | None]:
    with read_session(url) as session:
        stmt = (
            select(Resolution.number, Resolution.lead_agency_id)
            .join(Meeting, Meeting.id == Resolution.meeting_id)  # type: ignore[arg-type]
            .where(Meeting.number == 8)
        )
        return dict(session.exec(stmt).all())


@pytest.mark.parametrize(("name", "build"), [("m.docx", docx_minutes), ("m.xlsx", xlsx_minutes)])
def test_the_minutes_lead_column_is_stored(cast: Cast, name: str, build: object) -> None:
    preview = preview_of(cast.url, name, build(ROWS))  # type: ignore[operator]
    assert [r.lead for r in preview.rows] == [cast.agency[EDUCATION], cast.agency[KANOON], None]
    assert [r.lead_as_written for r in preview.rows] == ["آموزش و پرورش", "کانون پرورش فکری", ""]
    assert preview.lead_problems == [] and preview.unmatched == []
    assert [r.owners_as_written for r in preview.rows] == [row[2] for row in ROWS]
    assert commit(cast, preview) == 3
    assert leads_of_meeting_8(cast.url) == {
        1: cast.agency[EDUCATION],
        2: cast.agency[KANOON],
        3: None,
    }


def test_a_minutes_lead_that_is_not_an_owner_of_its_row_is_refused(cast: Cast) -> None:
    rows = (ROWS[0], ROWS[1], (3, ROWS[2][1], EDUCATION, "بهزیستی"))
    preview = preview_of(cast.url, "m.xlsx", xlsx_minutes(rows))
    assert [n for n, _ in preview.lead_problems] == [3]
    problem = preview.rows[2].lead_problem
    assert f"«{LEAD_LABEL}»" in problem and "بهزیستی" in problem
    assert preview.rows[2].lead is None
    before = counts(cast.url)
    with pytest.raises(ValidationError) as raised:
        commit(cast, preview)
    assert "مصوبه ۳" in refusal(raised.value, "lead")
    assert counts(cast.url) == before
    assert leads_of_meeting_8(cast.url) == {}


def test_a_minutes_lead_that_is_no_agency_or_not_a_member_is_refused(cast: Cast) -> None:
    rows = (
        (1, ROWS[0][1], ALL, "حوزه علمیه"),  # an agency, but not a member
        (2, ROWS[1][1], ROWS[1][2], "سازمان پژوهش‌های ناشناخته"),  # no agency
    )
    preview = preview_of(cast.url, "m.docx", docx_minutes(rows))
    assert preview.rows[0].lead == cast.agency[SEMINARY]  # checked against the members on commit
    assert [n for n, _ in preview.lead_problems] == [2]
    assert LEAD_LABEL in preview.rows[1].lead_problem
    before = counts(cast.url)
    with pytest.raises(ValidationError) as raised:
        commit(cast, preview)
    leads = [e.message for e in raised.value.errors if e.field == "lead"]
    assert len(leads) == 2 and leads[0].startswith("مصوبه ۱") and leads[1].startswith("مصوبه ۲")
    assert counts(cast.url) == before


def test_a_lone_lead_column_is_the_owner_column(cast: Cast) -> None:
    rows = tuple((n, text, owner) for n, text, owner, _ in ROWS)
    header = ("شماره مصوبه", "شرح مصوبه", "مسئول اصلی")
    preview = preview_of(cast.url, "m.xlsx", xlsx_minutes(rows, header))
    assert [r.owners_as_written for r in preview.rows] == [row[2] for row in ROWS]
    assert [r.lead for r in preview.rows] == [None, None, None]
    assert preview.rows[2].match.matched[0][1] == cast.agency[EDUCATION]
