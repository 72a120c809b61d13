"""Real minutes tables: header wordings, a due-date column, rows that continue the one
above (blank or merged number cells), columns that are not read, in Word, Excel and CSV.

The 7th meeting's table (tests/data_layer/commands/test_minutes_import.py) is written
the ways offices write it and read against a minutes-only database (SQLite and
PostgreSQL); meeting 8 (held 1402/09/18) receives it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

import docx
import openpyxl
import pytest
from sqlmodel import select

from data_layer.db import read_session
from data_layer.errors import ValidationError
from data_layer.input.minutes import MinutesPreview
from data_layer.jalali import from_jalali
from data_layer.models import Resolution
from tests.data_layer.commands.test_minutes_import import (
    MINUTES_ROWS,
    Setup,
    assert_is_the_minutes,
    commit,
    preview_of,
    refused,
    setup,
    stored_counts,
)

__all__ = ["docx_table", "setup"]

Row = Sequence[object]


def docx_table(
    header: Sequence[str],
    rows: Sequence[Row],
    *,
    merge_down: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """A Word document holding one table; `merge_down`: (column, first row, last row)
    of cells merged vertically (rows counted from 1 under the header), the merged
    cell keeping the first row's text."""
    document = docx.Document()
    document.add_paragraph("صورتجلسه کارگروه")
    table = document.add_table(rows=0, cols=len(header))
    for cell, text in zip(table.add_row().cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=False):
            cell.text = str(value)
    for column, first, last in merge_down:
        top = table.cell(first, column)
        text = top.text
        merged = top.merge(table.cell(last, column))
        merged.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_table(
    header: Sequence[str], rows: Sequence[Row], *, merge_down: Sequence[tuple[int, int, int]] = ()
) -> bytes:
    """A workbook whose one sheet is the table (a merged range keeps its first cell)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for column, first, last in merge_down:
        sheet.merge_cells(
            start_row=first + 1, start_column=column + 1, end_row=last + 1, end_column=column + 1
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_table(header: Sequence[str], rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def build(kind: str, header: Sequence[str], rows: Sequence[Row]) -> tuple[str, bytes]:
    if kind == "docx":
        return "minutes.docx", docx_table(header, rows)
    if kind == "xlsx":
        return "minutes.xlsx", xlsx_table(header, rows)
    return "minutes.csv", csv_table(header, rows)


def split_rows(number: int, *, marker: str = "") -> list[list[object]]:
    """The minutes with resolution `number`'s text over two table rows, the second
    row's number cell holding `marker` (blank)."""
    out: list[list[object]] = []
    for n, text, owner in MINUTES_ROWS:
        if n == number:
            words = text.split()
            half = len(words) // 2
            out.append([n, " ".join(words[:half]), owner])
            out.append([marker, " ".join(words[half:]), ""])
        else:
            out.append([n, text, owner])
    return out


# --- 5. header wordings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ("ردیف", "عنوان مصوبه", "اقدام کننده"),
        ("شماره", "موضوع مصوبه", "دستگاه متولی"),
        ("ش", "متن مصوبه", "اقدام‌کننده"),
        ("شماره مصوبه", "مصوبه", "دستگاه مسئول"),
        ("ردیف", "شرح", "مسئول اجرا"),
        ("ردیف", "شرح مصوبه", "متولی"),
        ("شماره", "شرح مصوبه", "مسئول پیگیری"),
    ],
)
def test_header_wordings_offices_use(setup: Setup, header: tuple[str, str, str]) -> None:
    preview = preview_of(setup.url, "minutes.docx", docx_table(header, MINUTES_ROWS))
    assert_is_the_minutes(preview, setup)
    assert preview.ignored_columns == ()


def test_a_table_without_a_fitting_header_names_the_columns_it_has(setup: Setup) -> None:
    rows = [(n, t, "") for n, t, _ in MINUTES_ROWS]
    message = refused(setup.url, "m.docx", docx_table(("ردیف", "عنوان مصوبه", "نماینده"), rows))
    assert message.startswith("جدول مصوبات ستون «مسوول پیگیری» را ندارد")
    assert "«اقدام کننده»" in message  # the wordings that would do
    assert "ستون‌های این جدول: «ردیف»، «عنوان مصوبه»، «نماینده»." in message

    none_fits = docx_table(("دستگاه", "حضور", "نماینده"), [("بهزیستی", "حاضر", "")])
    message = refused(setup.url, "attendance.docx", none_fits)
    assert message.startswith("جدول مصوبات با ستون‌های شرح مصوبه و مسوول پیگیری پیدا نشد")
    assert "ستون‌هایی که در پرونده پیدا شد: «دستگاه»، «حضور»، «نماینده»." in message


# --- 3. due dates and columns not read ------------------------------------------------

DUE_HEADER = ("ردیف", "شرح مصوبه", "مسوول پیگیری", "مهلت اجرا", "توضیحات")
DUES = {
    1: ("1402/10/30", from_jalali(1402, 10, 30)),
    2: ("۱۴۰۲/۰۹/۳۰", from_jalali(1402, 9, 30)),
    3: ("٣٠/١٠/١٤٠٢", from_jalali(1402, 10, 30)),
    4: ("پایان آبان ۱۴۰۲", None),  # before the meeting (1402/09/18): see below
    5: ("پایان اسفند ۱۴۰۲", from_jalali(1402, 12, 29)),
    6: ("مستمر", None),
    7: ("", None),
}


def due_rows(dues: dict[int, tuple[str, date | None]]) -> list[list[object]]:
    return [[n, t, o, dues.get(n, ("", None))[0], "هماهنگ شد"] for n, t, o in MINUTES_ROWS]


@pytest.mark.parametrize("kind", ["docx", "xlsx", "csv"])
def test_due_dates_are_read_and_written_and_other_columns_are_named(
    setup: Setup, kind: str
) -> None:
    dues = {k: v for k, v in DUES.items() if k != 4}
    preview = preview_of(setup.url, *build(kind, DUE_HEADER, due_rows(dues)))
    assert_is_the_minutes(preview, setup)
    assert preview.ignored_columns == ("توضیحات",)
    assert {r.number: r.due for r in preview.rows if r.due} == {
        n: d for n, (_, d) in dues.items() if d
    }
    assert [r.due_as_written for r in preview.rows[:7]] == [
        dues[n][0] if n in dues else "" for n in range(1, 8)
    ]
    assert commit(setup, preview) == 14
    with read_session(setup.url) as session:
        stored = {
            r.number: r.due_date
            for r in session.exec(
                select(Resolution).where(Resolution.meeting_id == setup.meeting_id)
            )
        }
    assert stored == {n: dict((k, d) for k, (_, d) in dues.items()).get(n) for n in range(1, 15)}


def test_a_date_cell_of_a_workbook_is_a_due_date(setup: Setup) -> None:
    rows = due_rows({})
    rows[0][3] = date(2024, 1, 20)  # 1402/10/30, as Excel holds a date
    preview = preview_of(setup.url, "m.xlsx", xlsx_table(DUE_HEADER, rows))
    assert preview.rows[0].due == from_jalali(1402, 10, 30)
    assert preview.rows[0].due_as_written == "۱۴۰۲/۱۰/۳۰"


@pytest.mark.parametrize("wording", ["مهلت", "زمان اجرا", "تاریخ انجام", "مهلت انجام", "زمان‌بندی"])
def test_due_column_wordings(setup: Setup, wording: str) -> None:
    header = ("ردیف", "شرح مصوبه", "مسوول پیگیری", wording)
    rows = [[n, t, o, "1402/12/15"] for n, t, o in MINUTES_ROWS]
    preview = preview_of(setup.url, "m.docx", docx_table(header, rows))
    assert {r.due for r in preview.rows} == {from_jalali(1402, 12, 15)}
    assert preview.ignored_columns == ()


def test_a_bad_due_date_names_its_row_and_column(setup: Setup) -> None:
    rows = due_rows({3: ("1402/13/01", None), 5: ("بعداً", None)})
    before = stored_counts(setup.url)
    message = refused(setup.url, "m.docx", docx_table(DUE_HEADER, rows))
    lines = message.splitlines()
    assert lines[0].startswith(
        "ردیف ۳ جدول (مصوبه ۳): «1402/13/01» در ستون «مهلت اجرا» تاریخ درستی نیست؛"
    )
    assert lines[1].startswith("ردیف ۵ جدول (مصوبه ۵): «بعداً» در ستون «مهلت اجرا»")
    assert stored_counts(setup.url) == before


def test_a_due_date_before_the_meeting_is_refused_at_commit(setup: Setup) -> None:
    preview = preview_of(setup.url, "m.docx", docx_table(DUE_HEADER, due_rows({4: DUES[4]})))
    assert preview.rows[3].due == from_jalali(1402, 8, 30)
    before = stored_counts(setup.url)
    with pytest.raises(ValidationError) as raised:
        commit(setup, preview)
    assert raised.value.message.startswith("مصوبه ۴: «مهلت انجام» (۱۴۰۲/۰۸/۳۰) نمی‌تواند پیش از")
    assert stored_counts(setup.url) == before


# --- 4. rows that continue the one above ----------------------------------------------


def assert_joined(preview: MinutesPreview, number: int, setup: Setup) -> None:
    assert_is_the_minutes(preview, setup)  # the joined text is the resolution's whole text
    row = preview.rows[number - 1]
    assert row.joined == (number + 1,) and row.position == number
    assert [r.joined for r in preview.rows if r.number != number] == [()] * 13
    assert [r.position for r in preview.rows[number:]] == list(range(number + 2, 16))


@pytest.mark.parametrize("kind", ["docx", "xlsx", "csv"])
def test_a_blank_number_continues_the_resolution_above(setup: Setup, kind: str) -> None:
    header = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری")
    preview = preview_of(setup.url, *build(kind, header, split_rows(4)))
    assert_joined(preview, 4, setup)
    assert preview.rows[3].text_as_written.count("\n") == 1  # the two rows as written
    assert commit(setup, preview) == 14


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_merged_number_cell_continues_the_resolution_above(setup: Setup, kind: str) -> None:
    header = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری")
    rows = split_rows(4, marker="")
    if kind == "docx":
        content = docx_table(header, rows, merge_down=[(0, 4, 5)])
    else:
        content = xlsx_table(header, rows, merge_down=[(0, 4, 5)])
    preview = preview_of(setup.url, f"m.{kind}", content)
    assert_joined(preview, 4, setup)


def test_a_number_typed_twice_is_still_a_duplicate(setup: Setup) -> None:
    message = refused(
        setup.url, "m.docx", docx_table(("ردیف", "شرح", "متولی"), split_rows(4, marker="4"))
    )
    assert "شماره مصوبه ۴ ۲ بار آمده است (ردیف‌های ۴ و ۵ جدول)" in message


def test_owners_of_a_continuation_row_join_the_resolution_above(setup: Setup) -> None:
    rows = split_rows(9)
    rows[9][2] = "اداره کل آموزش و پرورش"  # the continuation row names one more owner
    preview = preview_of(setup.url, "m.csv", csv_table(("ردیف", "شرح مصوبه", "مسوول پیگیری"), rows))
    row9 = preview.rows[8]
    assert row9.owners_as_written == f"{MINUTES_ROWS[8][2]} / اداره کل آموزش و پرورش"
    assert [a for _, a, _ in row9.match.matched] == [
        setup.agency["دفتر امور اجتماعی استانداری"],
        setup.agency["کانون پرورش فکری کودکان و نوجوانان"],
        setup.agency["اداره کل آموزش و پرورش"],
    ]


def test_a_blank_first_number_is_numbered_by_position(setup: Setup) -> None:
    rows: list[list[object]] = [[n, t, o] for n, t, o in MINUTES_ROWS]
    rows[0][0] = ""
    preview = preview_of(
        setup.url, "m.docx", docx_table(("ردیف", "شرح مصوبه", "مسوول پیگیری"), rows)
    )
    assert_is_the_minutes(preview, setup)


def test_an_empty_number_column_numbers_by_position(setup: Setup) -> None:
    rows = [["", t, o] for _, t, o in MINUTES_ROWS]  # a «ردیف» column nobody filled in
    preview = preview_of(
        setup.url, "m.docx", docx_table(("ردیف", "شرح مصوبه", "مسوول پیگیری"), rows)
    )
    assert_is_the_minutes(preview, setup)


def test_two_due_dates_on_one_joined_resolution_are_refused(setup: Setup) -> None:
    rows = [[*r, ""] for r in split_rows(2)]
    rows[1][3], rows[2][3] = "1402/10/01", "1402/11/01"
    header = ("ردیف", "شرح مصوبه", "مسوول پیگیری", "مهلت")
    message = refused(setup.url, "m.docx", docx_table(header, rows))
    assert message.startswith(
        "ردیف ۲ جدول (مصوبه ۲): ستون «مهلت» در ردیف‌های به هم پیوستهٔ یک مصوبه دو مقدار دارد"
    )


# --- 7. as written ----------------------------------------------------------------------


def test_the_text_and_owner_cell_are_kept_exactly_as_written(setup: Setup) -> None:
    owner = "وزارت كشور /  كانون پرورش فكري كودكان و نوجوانان"  # Arabic ك/ي, two spaces
    text = "ضرورت\u200c تأمين  و تجهيز نقاط هدف به كتابخانه‌هاي ثابت و سيار"
    rows: list[list[object]] = [[n, t, o] for n, t, o in MINUTES_ROWS]
    rows[8] = [9, text, owner]
    preview = preview_of(
        setup.url, "m.docx", docx_table(("ردیف", "شرح مصوبه", "مسوول پیگیری"), rows)
    )
    assert_is_the_minutes(preview, setup, exact_text=False)  # matched through the variants
    row9 = preview.rows[8]
    assert (row9.text, row9.owners_as_written) == (
        MINUTES_ROWS[8][1],
        "وزارت کشور / کانون پرورش فکری کودکان و نوجوانان",
    )
    assert (row9.text_as_written, row9.owners_raw) == (text, owner)
    assert (preview.rows[0].text_as_written, preview.rows[0].owners_raw) == ("", "")  # same
    assert commit(setup, preview) == 14
    with read_session(setup.url) as session:
        stored = session.exec(
            select(Resolution).where(
                Resolution.meeting_id == setup.meeting_id, Resolution.number == 9
            )
        ).one()
    assert (stored.text, stored.text_as_written) == (MINUTES_ROWS[8][1], text)
    assert (stored.owners_as_written, stored.owners_raw) == (row9.owners_as_written, owner)


def test_a_joined_resolution_keeps_its_rows_as_written(setup: Setup) -> None:
    header = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری")
    rows = split_rows(4)
    preview = preview_of(setup.url, "m.xlsx", xlsx_table(header, rows))
    assert preview.rows[3].text_as_written == f"{rows[3][1]}\n{rows[4][1]}"
    assert commit(setup, preview) == 14
    with read_session(setup.url) as session:
        stored = session.exec(
            select(Resolution).where(
                Resolution.meeting_id == setup.meeting_id, Resolution.number == 4
            )
        ).one()
    assert (stored.text, stored.text_as_written) == (
        MINUTES_ROWS[3][1],
        f"{rows[3][1]}\n{rows[4][1]}",
    )
