"""Importing a meeting's resolutions from its minutes: .docx, .xlsx and .csv.

The files are built inside the tests (python-docx, openpyxl, csv) from the clean
transcription of the minutes of 1402/07/29, and read against a minutes-only
database on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import docx
import openpyxl
import pytest
from sqlmodel import Session, func, select

from data_layer import seed_data
from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.minutes import commit_minutes
from data_layer.db import read_session, write_session
from data_layer.errors import PermissionDenied, ValidationError
from data_layer.input.minutes import MinutesPreview, read_minutes_file
from data_layer.models import Agency, Assignment, HistoryEntry, Meeting, Resolution, Role, User
from data_layer.permissions import Actor
from data_layer.queries.agencies import agency_refs
from data_layer.text import match_key

ALL = "ادارات عضو کارگروه"
HEADER = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری")
INTERIOR = "دفتر امور اجتماعی استانداری"
EDUCATION = "اداره کل آموزش و پرورش"
KANOON = "کانون پرورش فکری کودکان و نوجوانان"

# The resolutions table of the clean transcription: number, text, follow-up owner.
MINUTES_ROWS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        (
            "برگزاری مستمر جلسات کارگروه با حضور دستگاه‌های مرتبط و مداخله‌کننده در"
            " محلات هدف سازمان اجتماعی"
        ),
        ALL,
    ),
    (
        2,
        (
            "اولویت‌بندی محلات از طریق استانداری‌ها و فرمانداری‌ها جهت ابلاغ محلات"
            " جدید توسط سازمان امور اجتماعی"
        ),
        ALL,
    ),
    (
        3,
        ("ایجاد هماهنگی و هم‌افزایی بین دستگاه‌های مرتبط با محلات هدف سازمان اجتماعی کشور"),
        ALL,
    ),
    (
        4,
        ("احصاء ظرفیت دستگاه‌های عضو کارگروه و نسبت‌یابی خدمت هر کدام با محلات هدف سازمان اجتماعی"),
        ALL,
    ),
    (
        5,
        "ارسال گزارش عملکرد توسط دستگاه‌ها به امور اجتماعی استانداری",
        ALL,
    ),
    (
        6,
        (
            "تجمیع تمام اطلاعات مربوط به محلات مختلف شهرستان‌های استان که قبلاً در"
            " دفاتر تسهیل‌گری اجتماعی و ... مورد بررسی بوده است"
        ),
        ALL,
    ),
    (
        7,
        (
            "مشارکت دانشگاه‌ها، مرکز بزرگ اسلامی و حوزه‌های علمیه برای ایده‌پردازی"
            " در حوزه مدیریت مبتنی بر تحول و تعالی جوامع حاشیه‌ای"
        ),
        ALL,
    ),
    (
        8,
        "تقویت نهادهای محلی و ارتقاء قدرت اجرایی شهرداران نواحی هدف",
        ALL,
    ),
    (
        9,
        "ضرورت تأمین و تجهیز نقاط هدف به کتابخانه‌های ثابت و سیار",
        "وزارت کشور / کانون پرورش فکری کودکان و نوجوانان",
    ),
    (
        10,
        "ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)",
        "اداره کل آموزش و پرورش",
    ),
    (
        11,
        "پیگیری ایجاد احساس تعلق در جوامع هدف به «جامعه مادر»",
        ALL,
    ),
    (
        12,
        ("ضرورت توسعه فضاهای ورزشی و امکانات ورزشی به‌منظور پیشگیری از بروز آسیب‌های اجتماعی"),
        ALL,
    ),
    (
        13,
        "پرهیز از عمل جزیره‌ای و تأکید به انجام در حوزه نظری و عملی",
        ALL,
    ),
    (
        14,
        (
            "معاون محترم سیاسی، امنیتی و اجتماعی استانداری مرجع تشخیص و مدیریت"
            " دفاتر تحول اجتماعی است و کلیه برنامه‌ها با مجوز و تدبیر ایشان در استان"
            " انجام می‌پذیرد"
        ),
        ALL,
    ),
)

UNKNOWN_OWNER = "سازمان پژوهش‌های ناشناخته"


def rows_with(number: int, owner: str) -> list[tuple[object, str, str]]:
    """The minutes' rows with one owner replaced."""
    return [(n, t, owner if n == number else o) for n, t, o in MINUTES_ROWS]


# --- building files -------------------------------------------------------------------------


def docx_file(
    rows: Sequence[Sequence[object]] = MINUTES_ROWS,
    header: tuple[str, ...] = HEADER,
    *,
    title_row: str | None = None,
    merge_owners: tuple[int, int] | None = None,
) -> bytes:
    """A Word document: a paragraph, then the resolutions table."""
    document = docx.Document()
    document.add_paragraph("صورتجلسه هفتمین جلسه کارگروه اجتماعی، فرهنگی، سلامت، زنان و خانواده")
    document.add_paragraph("مصوبات جلسه به شرح جدول زیر است:")
    table = document.add_table(rows=0, cols=len(header))
    if title_row is not None:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.text = title_row
    for cell, text in zip(table.add_row().cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=False):
            cell.text = str(value)
    if merge_owners is not None:  # the owner cell of rows first..last merged vertically
        offset = 1 + (title_row is not None)
        first, last = merge_owners
        top = table.cell(first - 1 + offset, 2)
        merged = top.merge(table.cell(last - 1 + offset, 2))
        merged.text = ALL
    document.add_paragraph("امضای اعضا")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file(
    rows: tuple[tuple[int, str, str], ...] = MINUTES_ROWS, header: tuple[str, ...] = HEADER
) -> bytes:
    """A workbook: a cover sheet, then a sheet with a merged title row and the table."""
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "جلسه"
    cover.append(["جلسه هفتم", "۱۴۰۲/۰۷/۲۹"])
    sheet = workbook.create_sheet("مصوبات")
    sheet.append(["مصوبات جلسه هفتم"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    sheet.append(list(header))
    for n, text, owner in rows:
        sheet.append([n, text, owner])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_file(
    rows: tuple[tuple[int, str, str], ...] = MINUTES_ROWS,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(row)
    text = out.getvalue()
    if encoding == "cp1256":  # Windows-1256 has the Arabic yeh only
        text = text.replace("ی", "ي")
    return text.encode(encoding)


# --- the database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    url: str
    secretariat: Actor
    viewer: Actor
    meeting_id: int  # meeting 8, no resolutions yet
    agency: dict[str, int]


@pytest.fixture
def setup(minutes_url: str) -> Setup:
    with write_session(minutes_url) as session:
        users = []
        for username, role in (("secretariat", Role.SECRETARIAT), ("viewer", Role.VIEWER)):
            user = User(username=username, full_name=username, password_hash="x", role=role.value)
            session.add(user)
            session.flush()
            assert user.id is not None
            users.append(Actor(user.id, user.username, user.full_name, user.role))
        meeting = create_meeting(
            session,
            actor=users[0],
            data=MeetingInput(8, "1402/09/18", "09:00", "سالن شهدای گمنام استانداری", "معاون"),
        )
        assert meeting.id is not None
        agency = {a.name: a.id for a in session.exec(select(Agency)) if a.id is not None}
        return Setup(minutes_url, users[0], users[1], meeting.id, agency)


def preview_of(url: str, filename: str, content: bytes) -> MinutesPreview:
    with read_session(url) as session:
        return read_minutes_file(filename, content, agency_refs(session))


def refused(url: str, filename: str, content: bytes) -> str:
    """The Persian message a file is refused with."""
    with pytest.raises(ValidationError) as raised:
        preview_of(url, filename, content)
    return raised.value.message


def commit(
    s: Setup,
    preview: MinutesPreview,
    choices: dict[tuple[int, str], int | None] | None = None,
    actor: Actor | None = None,
) -> int:
    with write_session(s.url) as session:
        return commit_minutes(
            session,
            actor=actor or s.secretariat,
            meeting_id=s.meeting_id,
            preview=preview,
            choices=choices,
        )


def owners_by_number(session: Session, meeting_number: int) -> dict[int, set[int]]:
    stmt = (
        select(Resolution.number, Assignment.agency_id)
        .join(Assignment, Assignment.resolution_id == Resolution.id)
        .join(Meeting, Meeting.id == Resolution.meeting_id)
        .where(Meeting.number == meeting_number, Assignment.withdrawn == False)  # noqa: E712
    )
    out: dict[int, set[int]] = {}
    for number, agency_id in session.exec(stmt):
        out.setdefault(number, set()).add(agency_id)
    return out


def stored_counts(url: str) -> tuple[int, int, int]:
    with read_session(url) as session:
        return (
            session.exec(select(func.count()).select_from(Resolution)).one(),
            session.exec(select(func.count()).select_from(Assignment)).one(),
            session.exec(select(func.count()).select_from(HistoryEntry)).one(),
        )


def assert_is_the_minutes(preview: MinutesPreview, s: Setup, *, exact_text: bool = True) -> None:
    """The preview holds exactly the 14 resolutions and their owners."""
    assert [r.number for r in preview.rows] == list(range(1, 15))
    for row, (n, text, owner) in zip(preview.rows, MINUTES_ROWS, strict=True):
        if exact_text:
            assert (row.text, row.owners_as_written) == (text, owner), n
        else:
            assert match_key(row.text) == match_key(text), n
            assert match_key(row.owners_as_written) == match_key(owner), n
        assert row.match.unmatched == [], n
        if owner == ALL:
            assert row.match.all_members and row.match.matched == [], n
    assert [a for _, a, _ in preview.rows[8].match.matched] == [
        s.agency[INTERIOR],
        s.agency[KANOON],
    ]
    assert [a for _, a, _ in preview.rows[9].match.matched] == [s.agency[EDUCATION]]
    assert preview.unmatched == []


# --- the real minutes -----------------------------------------------------------------------


def test_the_transcription_is_the_seed() -> None:
    assert [(r.number, r.text) for r in seed_data.MEETING_7.resolutions] == [
        (n, t) for n, t, _ in MINUTES_ROWS
    ]


def test_docx_preview_holds_the_fourteen_resolutions(setup: Setup) -> None:
    preview = preview_of(setup.url, "صورتجلسه-۱۴۰۲-۰۷-۲۹.docx", docx_file())
    assert preview.kind == "docx" and preview.filename == "صورتجلسه-۱۴۰۲-۰۷-۲۹.docx"
    assert_is_the_minutes(preview, setup)
    assert stored_counts(setup.url)[0] == 14  # reading wrote nothing


def test_committing_the_minutes_into_meeting_8(setup: Setup) -> None:
    before = stored_counts(setup.url)
    preview = preview_of(setup.url, "minutes.docx", docx_file())
    assert commit(setup, preview) == 14
    with read_session(setup.url) as session:
        seventh, eighth = owners_by_number(session, 7), owners_by_number(session, 8)
        resolutions = list(
            session.exec(
                select(Resolution)
                .where(Resolution.meeting_id == setup.meeting_id)
                .order_by(Resolution.number)
            )
        )
    assert len(resolutions) == 14
    assert sum(map(len, eighth.values())) == sum(map(len, seventh.values())) == 291
    assert eighth == seventh  # the same agencies on every resolution
    assert [r.all_members for r in resolutions] == [n not in (9, 10) for n in range(1, 15)]
    assert resolutions[8].owners_as_written == MINUTES_ROWS[8][2]
    after = stored_counts(setup.url)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (14, 291, 14)

    # The same file again: every number is taken, nothing is written.
    with pytest.raises(ValidationError) as raised:
        commit(setup, preview)
    assert "مصوبه شماره ۱ در جلسه ۸ قبلاً ثبت شده است" in raised.value.message
    assert stored_counts(setup.url) == after


def test_header_variants_persian_digits_and_merged_cells(setup: Setup) -> None:
    rows = [
        (f"{n}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")), t, o)
        for n, t, o in MINUTES_ROWS
    ]
    content = docx_file(
        rows,
        ("ردیف", "شرح مصوبات", "مسئول پیگیری"),
        title_row="مصوبات هفتمین جلسه کارگروه",
        merge_owners=(1, 8),  # «ادارات عضو کارگروه» written once for rows 1-8
    )
    assert_is_the_minutes(preview_of(setup.url, "minutes.DOCX", content), setup)


def test_missing_numbers_are_the_row_positions(setup: Setup) -> None:
    rows = [(t, o) for _, t, o in MINUTES_ROWS]  # no number column at all
    preview = preview_of(setup.url, "minutes.docx", docx_file(rows, ("شرح مصوبه", "مسوول پیگیری")))
    assert_is_the_minutes(preview, setup)


# --- owners that do not match ---------------------------------------------------------------


def test_unknown_owner_refuses_the_commit_until_decided(setup: Setup) -> None:
    preview = preview_of(setup.url, "minutes.docx", docx_file(rows_with(9, UNKNOWN_OWNER)))
    assert preview.unmatched == [(9, UNKNOWN_OWNER)]
    before = stored_counts(setup.url)
    with pytest.raises(ValidationError) as raised:
        commit(setup, preview)
    assert raised.value.message.startswith(f"مصوبه ۹: مسوول پیگیری «{UNKNOWN_OWNER}»:")
    assert "انتخاب کنید یا این نام را کنار بگذارید" in raised.value.message
    assert [e.row for e in raised.value.errors] == [9]
    assert stored_counts(setup.url) == before  # nothing written

    assert commit(setup, preview, {(9, UNKNOWN_OWNER): setup.agency[KANOON]}) == 14
    with read_session(setup.url) as session:
        assert owners_by_number(session, 8)[9] == {setup.agency[KANOON]}
        res = session.exec(
            select(Resolution).where(
                Resolution.meeting_id == setup.meeting_id, Resolution.number == 9
            )
        ).one()
        assert res.owners_as_written == UNKNOWN_OWNER  # the minutes' wording is kept


def test_a_partly_matched_owner_cell_is_refused_until_every_name_is_decided(
    setup: Setup,
) -> None:
    """«وزارت کشور/ اداره کل هواشناسی استان»: the first name matches, the second none."""
    cell = "وزارت کشور/ اداره کل هواشناسی استان"
    preview = preview_of(setup.url, "minutes.docx", docx_file(rows_with(9, cell)))
    [row9] = [r for r in preview.rows if r.number == 9]
    assert [(part, agency) for part, agency, _ in row9.match.matched] == [
        ("وزارت کشور", setup.agency[INTERIOR])
    ]
    assert row9.match.unmatched == ["اداره کل هواشناسی استان"]
    before = stored_counts(setup.url)
    with pytest.raises(ValidationError) as raised:
        commit(setup, preview)  # nobody touched the decision: nothing is written
    assert "«اداره کل هواشناسی استان»" in raised.value.message
    assert stored_counts(setup.url) == before

    # Removed explicitly: the resolution keeps its one matched owner and its wording.
    assert commit(setup, preview, {(9, "اداره کل هواشناسی استان"): None}) == 14
    with read_session(setup.url) as session:
        assert owners_by_number(session, 8)[9] == {setup.agency[INTERIOR]}


def test_removing_every_name_of_a_row_is_refused(setup: Setup) -> None:
    preview = preview_of(setup.url, "minutes.docx", docx_file(rows_with(9, UNKNOWN_OWNER)))
    with pytest.raises(ValidationError) as raised:
        commit(setup, preview, {(9, UNKNOWN_OWNER): None})
    assert "دست‌کم یک دستگاه" in raised.value.message


def test_unmatched_owner_message_names_the_suggestions(setup: Setup) -> None:
    rows = rows_with(10, "کمیته امداد امام")
    rows[2] = (3, rows[2][1], "")  # no owner written at all
    preview = preview_of(setup.url, "minutes.docx", docx_file(rows))
    with pytest.raises(ValidationError) as raised:
        commit(setup, preview)
    lines = raised.value.message.splitlines()
    assert lines[0].startswith("مصوبه ۳: مسوول پیگیری (خالی):") and "خالی است" in lines[0]
    assert lines[1].startswith("مصوبه ۱۰: مسوول پیگیری «کمیته امداد امام»:")
    assert "شبیه «کمیته امداد» است" in lines[1]


def test_stray_choices_and_permissions(setup: Setup) -> None:
    preview = preview_of(setup.url, "minutes.docx", docx_file())
    before = stored_counts(setup.url)
    with pytest.raises(ValidationError) as raised:
        commit(setup, preview, {(15, "هر چه"): setup.agency[KANOON]})
    assert "نامِ جورنشده‌ای نیست" in raised.value.message
    with pytest.raises(PermissionDenied):
        commit(setup, preview, actor=setup.viewer)
    assert stored_counts(setup.url) == before


# --- files that are refused -----------------------------------------------------------------


def test_missing_column(setup: Setup) -> None:
    rows = [(n, t, "") for n, t, _ in MINUTES_ROWS]
    message = refused(setup.url, "m.docx", docx_file(rows, ("شماره مصوبه", "شرح مصوبه", "توضیحات")))
    assert message.startswith("جدول مصوبات ستون «مسوول پیگیری» را ندارد")
    rows2 = [(n, "", o) for n, _, o in MINUTES_ROWS]
    message = refused(setup.url, "m.docx", docx_file(rows2, ("ردیف", "موضوع", "مسوول پیگیری")))
    assert message.startswith("جدول مصوبات ستون «شرح مصوبه» را ندارد")


def test_empty_table(setup: Setup) -> None:
    assert refused(setup.url, "m.docx", docx_file([])).startswith("جدول مصوبات هیچ ردیفی ندارد")
    numbered_blanks = [(n, "", "") for n in range(1, 6)]
    assert "هیچ ردیفی ندارد" in refused(setup.url, "m.docx", docx_file(numbered_blanks))


def test_a_docx_that_is_not_minutes(setup: Setup) -> None:
    letter = docx.Document()
    letter.add_paragraph("ریاست محترم سازمان مدیریت و برنامه‌ریزی استان")
    letter.add_paragraph("با سلام، احتراماً به پیوست گزارش عملکرد ارسال می‌گردد.")
    out = io.BytesIO()
    letter.save(out)
    expected = "جدول مصوبات با ستون‌های شرح مصوبه و مسوول پیگیری پیدا نشد"
    assert refused(setup.url, "letter.docx", out.getvalue()).startswith(expected)
    # A table of another kind (attendance) is not a resolutions table either.
    attendance = docx_file([("بهزیستی", "حاضر", "")], ("دستگاه", "حضور", "نماینده"))
    assert refused(setup.url, "attendance.docx", attendance).startswith(expected)


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("minutes.docx", b"this is not a zip file"),
        ("minutes.docx", docx_file()[:3000]),  # cut short
        ("minutes.docx", xlsx_file()),  # a workbook renamed .docx
        ("minutes.xlsx", b"PK\x03\x04 broken"),
        ("minutes.xlsx", docx_file()),  # a Word file renamed .xlsx
        ("minutes.csv", b"%PDF-1.4 binary\x00\x01"),
    ],
)
def test_corrupted_files(setup: Setup, filename: str, content: bytes) -> None:
    message = refused(setup.url, filename, content)
    assert f"پروندهٔ «{filename}»" in message


@pytest.mark.parametrize(
    ("filename", "shown"),
    [("minutes.odt", "«.odt»"), ("minutes.doc", "«.doc»"), ("minutes", "«بدون پسوند»")],
)
def test_unknown_file_types(setup: Setup, filename: str, shown: str) -> None:
    message = refused(setup.url, filename, b"%PDF-1.4")
    assert f"نوع پرونده {shown} پذیرفته نیست" in message and "docx، xlsx، csv یا pdf" in message
    if filename.endswith(".doc"):
        assert "با قالب docx ذخیره کنید" in message


def test_empty_file(setup: Setup) -> None:
    assert "خالی است" in refused(setup.url, "minutes.docx", b"")


def test_duplicate_numbers_and_an_empty_text(setup: Setup) -> None:
    rows: list[tuple[object, str, str]] = list(MINUTES_ROWS[:4])
    rows[2] = (2, rows[2][1], rows[2][2])  # 1, 2, 2, 4
    rows[3] = (4, "", ALL)
    message = refused(setup.url, "m.docx", docx_file(rows))
    assert message.splitlines() == [
        (
            "شرح مصوبه در ردیف ۴ جدول (مصوبه ۴) خالی است؛ متن مصوبه را بنویسید یا"
            " ردیف را از جدول حذف کنید."
        ),
        ("شماره مصوبه ۲ ۲ بار آمده است (ردیف‌های ۲ و ۳ جدول)؛ شماره‌ها را اصلاح کنید."),
    ]


def test_a_number_that_is_not_a_number_and_a_text_too_long(setup: Setup) -> None:
    rows: list[tuple[object, str, str]] = [
        ("الف", MINUTES_ROWS[0][1], ALL),
        (2, "ن" * 4001, ALL),
    ]
    message = refused(setup.url, "m.docx", docx_file(rows))
    assert "شماره مصوبه در ردیف ۱ جدول («الف») عدد نیست" in message
    assert "ردیف ۲ جدول (مصوبه ۲): «شرح مصوبه» حداکثر ۴٬۰۰۰ نویسه است" in message


# --- the same table as a workbook and as text -----------------------------------------------


def test_xlsx_version(setup: Setup) -> None:
    preview = preview_of(setup.url, "minutes.xlsx", xlsx_file())
    assert preview.kind == "xlsx"
    assert_is_the_minutes(preview, setup)
    assert commit(setup, preview) == 14


def test_xlsx_without_the_table(setup: Setup) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["نام", "سمت"])
    out = io.BytesIO()
    workbook.save(out)
    assert "جدول مصوبات با ستون‌های" in refused(setup.url, "people.xlsx", out.getvalue())


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp1256", ","), ("utf-8-sig", ";"), ("utf-8", "\t")],
)
def test_csv_versions(setup: Setup, encoding: str, delimiter: str) -> None:
    content = csv_file(encoding=encoding, delimiter=delimiter)
    preview = preview_of(setup.url, "minutes.csv", content)
    assert preview.kind == "csv"
    assert_is_the_minutes(preview, setup, exact_text=encoding != "cp1256")
    assert not preview.rows[0].text.startswith("\ufeff")
