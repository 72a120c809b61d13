"""Agency liaisons in bulk (data_layer/input/people.py, data_layer/commands/people.py).

Files are built in the tests with openpyxl (or as CSV bytes). Every test runs on
SQLite and PostgreSQL (`minutes_url`: the real minutes and the 24 member agencies)
and counts what app_user and history_entry hold before and after.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from sqlmodel import col, func, select

from data_layer.auth import verify_password
from data_layer.commands.people import import_people
from data_layer.db import read_session, write_session
from data_layer.documents.credentials import NewAccount
from data_layer.documents.people_template import EXAMPLE, people_template_xlsx
from data_layer.errors import PermissionDenied, ValidationError
from data_layer.input.people import ImportPreview, read_people_file
from data_layer.jalali import to_fa_digits
from data_layer.models import Agency, HistoryEntry, Role, User
from data_layer.permissions import Actor
from tests.data_layer.commands import add_user

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
HEADER = ["نام و نام خانوادگی", "نام کاربری", "دستگاه", "تلفن همراه"]
HXL = ["#contact+name", "#contact+username", "#org+name", "#contact+phone"]
WELFARE = "اداره کل بهزیستی استان"
EDUCATION = "اداره کل آموزش و پرورش"
SPORTS = "اداره کل ورزش و جوانان استان"
LIBRARIES = "اداره کل کتابخانه‌های عمومی استان"
GOVERNORATE = "دفتر امور اجتماعی استانداری"

# Five liaisons, typed as people type them: the agency by full name, short name with
# Arabic letters, alias; phones in Persian, Arabic and ASCII digits, as an Excel number
# that lost its zero, and none; a username with capitals and Persian digits.
GOOD_ROWS: list[list[Any]] = [
    ["مریم احمدی", "behzisti.ahmadi", WELFARE, "۰۹۱۲۱۲۳۴۵۶۷"],
    ["علی رضایی", "Amoozesh.Rezaei", "آموزش و پرورش", "٠٩٣٥١١١٢٢٣٣"],
    ["زهرا کریمی", "varzesh_karimi", "ورزش و جوانان", 9181234567],
    ["حسین محمدی", "ketab-mohammadi", "كتابخانه‌های عمومی", "0917 123 4567"],
    ["نرگس یزدانی", "ostandari۲", "وزارت کشور", None],
]
EXPECTED = [  # (username, agency, phone) as stored
    ("behzisti.ahmadi", WELFARE, "09121234567"),
    ("amoozesh.rezaei", EDUCATION, "09351112233"),
    ("varzesh_karimi", SPORTS, "09181234567"),
    ("ketab-mohammadi", LIBRARIES, "09171234567"),
    ("ostandari2", GOVERNORATE, ""),
]


@dataclass(frozen=True)
class Cast:
    """The administrator who imports, and the secretariat, who may not."""

    url: str
    admin: Actor
    secretariat: Actor


@pytest.fixture
def cast(minutes_url: str) -> Cast:
    with write_session(minutes_url) as session:
        return Cast(
            url=minutes_url,
            admin=add_user(session, "admin", "مدیر سامانه", Role.ADMIN.value),
            secretariat=add_user(session, "dabir", "دبیرخانه", Role.SECRETARIAT.value),
        )


def xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook whose first sheet holds the rows."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(url: str, content: bytes, filename: str = "liaisons.xlsx") -> ImportPreview:
    with read_session(url) as session:
        return read_people_file(filename, content, session)


def run_import(url: str, actor: Actor, preview: ImportPreview) -> list[NewAccount]:
    with write_session(url) as session:
        return import_people(session, actor=actor, preview=preview, now=NOW)


def counts(url: str) -> tuple[int, int]:
    """(accounts, history entries)."""
    with read_session(url) as session:
        return (
            session.exec(select(func.count()).select_from(User)).one(),
            session.exec(select(func.count()).select_from(HistoryEntry)).one(),
        )


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def assert_persian(message: str) -> None:
    assert _ARABIC_SCRIPT.search(message), message
    for leak in ("Traceback", "None", "Error", "Exception", "IntegrityError"):
        assert leak not in message, message


def the_error(preview: ImportPreview, row: int, column: str) -> str:
    """The one problem of a preview: at this Excel row and column, Persian, naming both."""
    assert not preview.ok
    assert [(e.row, e.field) for e in preview.errors] == [(row, column)], preview.errors
    message = preview.errors[0].message
    assert_persian(message)
    assert message.startswith(f"سطر {to_fa_digits(row)}: "), message
    assert f"«{column}»" in message, message
    return message


def refused(cast: Cast, preview: ImportPreview) -> ValidationError:
    """Importing the preview is refused and writes nothing."""
    before = counts(cast.url)
    with pytest.raises(ValidationError) as caught:
        run_import(cast.url, cast.admin, preview)
    assert counts(cast.url) == before
    for error in caught.value.errors:
        assert_persian(error.message)
    return caught.value


def with_row(row: list[Any], at: int = 2) -> bytes:
    """The good file with one of its rows replaced (at = the Excel row)."""
    rows = [list(r) for r in GOOD_ROWS]
    rows[at - 2] = row
    return xlsx([HEADER, *rows])


# --- a good file ---------------------------------------------------------------------------


def test_a_good_file_makes_every_liaison_bound_to_its_agency(cast: Cast) -> None:
    preview = read(cast.url, xlsx([HEADER, HXL, *GOOD_ROWS]))
    assert preview.ok, preview.errors
    assert preview.row_numbers == [3, 4, 5, 6, 7]  # the HXL row is row 2
    users_before, history_before = counts(cast.url)

    made = run_import(cast.url, cast.admin, preview)

    assert counts(cast.url) == (users_before + 5, history_before + 5)
    assert [(a.username, a.agency) for a in made] == [(u, a) for u, a, _ in EXPECTED]
    assert [a.full_name for a in made] == [r[0] for r in GOOD_ROWS]
    assert len({a.password for a in made}) == 5
    with read_session(cast.url) as s:
        for account, (username, agency, phone) in zip(made, EXPECTED, strict=True):
            user = s.exec(select(User).where(col(User.username) == username)).one()
            bound = s.get(Agency, user.agency_id)
            assert bound is not None and bound.name == agency
            assert user.role == Role.AGENCY_EDITOR.value
            assert user.must_change_password and user.active
            assert user.phone == phone
            assert account.password not in user.password_hash
            assert verify_password(user.password_hash, account.password)
            assert not verify_password(user.password_hash, account.password + "x")
            [entry] = s.exec(
                select(HistoryEntry).where(
                    col(HistoryEntry.entity) == "user", col(HistoryEntry.entity_id) == user.id
                )
            ).all()
            assert (entry.field, entry.old_value) == ("created", None)
            assert entry.new_value == f"{username} (agency_editor)"
            assert entry.user_id == cast.admin.user_id
            assert "liaisons.xlsx" in entry.reason
        passwords = [a.password for a in made]
        stored = s.exec(select(HistoryEntry)).all()
        for entry in stored:  # no one-time password is kept anywhere in history
            kept = f"{entry.old_value} {entry.new_value} {entry.reason}"
            assert not any(p in kept for p in passwords)


def test_a_csv_with_english_headers_and_no_phone_column_imports(cast: Cast) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(
        [["name", "username", "agency"], ["مریم احمدی", "behzisti.ahmadi", "بهزیستی"]]
    )
    preview = read(cast.url, ("\ufeff" + out.getvalue()).encode(), "liaisons.csv")
    assert preview.ok, preview.errors
    [made] = run_import(cast.url, cast.admin, preview)
    assert (made.username, made.agency) == ("behzisti.ahmadi", WELFARE)


def test_the_template_reads_back_as_its_example_row(cast: Cast) -> None:
    content = people_template_xlsx()
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER and sheet[2][0].value == EXAMPLE[0]  # no HXL
    preview = read(cast.url, content, "liaisons-template.xlsx")
    assert preview.ok, preview.errors
    assert preview.row_numbers == [2]
    [clean] = preview.clean
    assert (clean["full_name"], clean["username"], clean["agency"], clean["phone"]) == EXAMPLE


# --- bad rows: named by row and column, nothing written --------------------------------------


def test_an_unknown_agency_is_named_by_row_and_column(cast: Cast) -> None:
    preview = read(cast.url, with_row(["مریم احمدی", "behzisti.ahmadi", "اداره کل هواشناسی"]))
    message = the_error(preview, 2, "دستگاه")
    assert "«اداره کل هواشناسی»" in message and "پیدا نشد" in message
    refused(cast, preview)


def test_a_misspelt_agency_is_refused_with_a_suggestion(cast: Cast) -> None:
    preview = read(cast.url, with_row(["مریم احمدی", "behzisti.ahmadi", "اداره کل بهزیستی استا"]))
    message = the_error(preview, 2, "دستگاه")
    assert f"شاید منظور «{WELFARE}»" in message
    refused(cast, preview)


def test_an_ambiguous_agency_is_refused(cast: Cast) -> None:
    with write_session(cast.url) as s:
        s.add(Agency(name="ادارهٔ بهزیستی شهرستان مرکزی", short_name="بهزیستی", kind="directorate"))
    preview = read(cast.url, with_row(["مریم احمدی", "behzisti.ahmadi", "بهزيستي"]))
    message = the_error(preview, 2, "دستگاه")
    assert "بیش از یک دستگاه" in message
    assert WELFARE in message and "ادارهٔ بهزیستی شهرستان مرکزی" in message
    refused(cast, preview)


def test_an_inactive_agency_is_not_found(cast: Cast) -> None:
    with write_session(cast.url) as s:
        welfare = s.exec(select(Agency).where(col(Agency.name) == WELFARE)).one()
        welfare.active = False
    preview = read(cast.url, xlsx([HEADER, *GOOD_ROWS]))
    assert "پیدا نشد" in the_error(preview, 2, "دستگاه")
    refused(cast, preview)


def test_a_username_taken_in_the_database_is_refused(cast: Cast) -> None:
    preview = read(cast.url, with_row(["زهرا کریمی", "DABIR", SPORTS], at=4))
    message = the_error(preview, 4, "نام کاربری")
    assert "«DABIR»" in message and "قبلاً ثبت شده" in message
    refused(cast, preview)


def test_a_username_repeated_in_the_file_is_refused(cast: Cast) -> None:
    preview = read(cast.url, with_row(["مریم احمدی", "Behzisti.Ahmadi", WELFARE], at=5))
    errors = [(e.row, e.field) for e in preview.errors]
    assert (5, "نام کاربری") in errors
    [message] = [e.message for e in preview.errors if e.field == "نام کاربری"]
    assert message.startswith("سطر ۵: ") and "سطر ۲" in message and "behzisti.ahmadi" in message
    # ...and the agency is given twice too (one liaison per agency).
    [agency] = [e.message for e in preview.errors if e.field == "دستگاه"]
    assert agency.startswith("سطر ۵: ") and "سطر ۲" in agency
    refused(cast, preview)


@pytest.mark.parametrize(
    "username", ["علی", "ab", "ali reza", "a" * 41, "ali@example"], ids=str.__len__
)
def test_a_badly_formed_username_is_refused_by_the_account_rule(cast: Cast, username: str) -> None:
    preview = read(cast.url, with_row(["علی رضایی", username, EDUCATION], at=3))
    assert "حروف کوچک انگلیسی" in the_error(preview, 3, "نام کاربری")
    refused(cast, preview)


@pytest.mark.parametrize(
    "phone",
    ["12345", "08112345678", "۰۹۱۲۱۲۳۴۵", "0912123456789", "0912-ABC-4567", 9121234567.5],
    ids=["short", "landline", "fa-short", "long", "letters", "fraction"],
)
def test_a_phone_that_is_not_an_iranian_mobile_is_refused(cast: Cast, phone: object) -> None:
    preview = read(cast.url, with_row(["مریم احمدی", "behzisti.ahmadi", WELFARE, phone]))
    message = the_error(preview, 2, "تلفن همراه")
    assert "۰۹۱۲۳۴۵۶۷۸۹" in message
    refused(cast, preview)


def test_an_empty_name_is_refused(cast: Cast) -> None:
    preview = read(cast.url, with_row([None, "behzisti.ahmadi", WELFARE, None]))
    assert "را بنویسید" in the_error(preview, 2, "نام و نام خانوادگی")
    refused(cast, preview)


def test_every_problem_of_every_row_is_listed_together(cast: Cast) -> None:
    rows = [
        ["مریم احمدی", "dabir", "اداره کل هواشناسی", "123"],
        ["علی رضایی", "ali.rezaei", "بهزیستی", ""],
    ]
    preview = read(cast.url, xlsx([HEADER, *rows]))
    assert [(e.row, e.field) for e in preview.errors] == [
        (2, "نام کاربری"),
        (2, "دستگاه"),
        (2, "تلفن همراه"),
    ]
    refused(cast, preview)


# --- bad files --------------------------------------------------------------------------------


def file_error(preview: ImportPreview) -> str:
    """The one problem of the whole file (field «پرونده», no row)."""
    assert not preview.ok and preview.rows == []
    [error] = preview.errors
    assert (error.row, error.field) == (None, "پرونده")
    assert_persian(error.message)
    return error.message


def test_a_missing_required_column_is_named(cast: Cast) -> None:
    preview = read(cast.url, xlsx([["نام و نام خانوادگی", "دستگاه"], ["مریم احمدی", WELFARE]]))
    message = file_error(preview)
    assert "«نام کاربری»" in message and "سرستون" in message
    refused(cast, preview)


@pytest.mark.parametrize("filename", ["liaisons.xlsx", "liaisons.csv"])
def test_an_empty_file_is_refused(cast: Cast, filename: str) -> None:
    preview = read(cast.url, b"", filename)
    assert "خالی" in file_error(preview)
    refused(cast, preview)


def test_a_file_with_headers_only_is_refused(cast: Cast) -> None:
    preview = read(cast.url, xlsx([HEADER, HXL]))
    assert "هیچ ردیف" in file_error(preview)
    refused(cast, preview)


# --- the database as it is at commit ---------------------------------------------------------


def test_a_username_taken_after_the_preview_refuses_the_whole_file(cast: Cast) -> None:
    preview = read(cast.url, xlsx([HEADER, *GOOD_ROWS]))
    assert preview.ok
    with write_session(cast.url) as s:  # someone makes «varzesh_karimi» in between
        add_user(s, "varzesh_karimi", "زهرا کریمی", Role.VIEWER.value)
    error = refused(cast, preview)
    [(row, column)] = [(e.row, e.field) for e in error.errors]
    assert (row, column) == (4, "نام کاربری")
    # Found by the check at commit, before any insert is tried.
    assert error.errors[0].message == (
        "سطر ۴: «نام کاربری» «varzesh_karimi»: این نام کاربری قبلاً ثبت شده است."
    )
    with read_session(cast.url) as s:
        assert s.exec(select(User).where(col(User.username) == "behzisti.ahmadi")).first() is None


def test_a_username_taken_at_the_moment_of_insert_refuses_the_whole_file(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = read(cast.url, xlsx([HEADER, *GOOD_ROWS]))
    with write_session(cast.url) as s:
        add_user(s, "ketab-mohammadi", "حسین محمدی", Role.VIEWER.value)
    # The check at commit is passed (as when another transaction inserts between the
    # check and the insert): the unique index still refuses, and nothing is kept.
    monkeypatch.setattr("data_layer.input.people.username_problems", lambda _s, _u: [])
    error = refused(cast, preview)
    [(row, column)] = [(e.row, e.field) for e in error.errors]
    assert (row, column) == (5, "نام کاربری")
    assert error.errors[0].message.startswith("سطر ۵: ") and "هیچ حسابی ساخته نشد" in error.message


def test_an_agency_deactivated_after_the_preview_refuses_the_whole_file(cast: Cast) -> None:
    preview = read(cast.url, xlsx([HEADER, *GOOD_ROWS]))
    with write_session(cast.url) as s:
        sports = s.exec(select(Agency).where(col(Agency.name) == SPORTS)).one()
        sports.active = False
    error = refused(cast, preview)
    assert [(e.row, e.field) for e in error.errors] == [(4, "دستگاه")]


def test_only_the_administrator_may_import(cast: Cast) -> None:
    preview = read(cast.url, xlsx([HEADER, *GOOD_ROWS]))
    before = counts(cast.url)
    with pytest.raises(PermissionDenied) as caught:
        run_import(cast.url, cast.secretariat, preview)
    assert "مدیر سامانه" in caught.value.message
    assert counts(cast.url) == before


def test_an_empty_preview_cannot_be_imported(cast: Cast) -> None:
    error = refused(cast, ImportPreview())
    assert [e.field for e in error.errors] == ["پرونده"]
