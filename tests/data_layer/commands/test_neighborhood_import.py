"""Tests of the neighborhoods spreadsheet import (data_layer.commands.places).

Files are built in the tests (openpyxl for .xlsx, bytes for .csv). Every test runs on
SQLite and on PostgreSQL (`db_url`) and checks what the database holds afterwards.
"""

from __future__ import annotations

import csv
import io
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from sqlmodel import Session, col, func, select

from data_layer.commands.neighborhoods import create_neighborhood, import_neighborhoods
from data_layer.db import read_data_version, read_session, write_session
from data_layer.documents.templates import neighborhood_template_xlsx
from data_layer.errors import PermissionDenied, ValidationError
from data_layer.input.neighborhoods import (
    IMPORT_COLUMNS,
    ImportPreview,
    NeighborhoodInput,
    read_neighborhood_file,
)
from data_layer.models import County, HistoryEntry, Neighborhood, Role
from data_layer.permissions import Actor
from tests.data_layer.commands import add_user

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
HXL = [
    "#adm2+name",
    "#loc+name",
    "#population",
    "#household",
    "#type",
    "#priority",
    "#date+announced",
    "#status+facilitation",
    "#status+transformation",
    "#geo+lat",
    "#geo+lon",
]
HEADER = list(IMPORT_COLUMNS)

# Five good rows, typed as people type them: Persian digits and separators, labels.
GOOD_ROWS: list[list[Any]] = [
    [
        "مرکز استان",
        "کوی زاغه",
        "۱۲٬۵۰۰",
        "۳٬۴۰۰",
        "بحرانی",
        "۱",
        "۱۴۰۲/۰۷/۲۹",
        "بله",
        "خیر",
        "۳۴٫۷۹۸۱",
        "۴۸٫۵۱۴۶",
    ],
    [
        "مرکز استان",
        "حصار",
        9800,
        2500,
        "حاشیه\u200cنشین",
        2,
        "1401/11/15",
        "دارد",
        "ندارد",
        34.81,
        48.52,
    ],
    ["مركز استان", "جعفرآباد", "7,300", "", "حاد", "", "", "", "", "", ""],
    ["بهاران", "دولت‌آباد", "۵۴۰۰", "۱۴۰۰", "marginal", "3", "", "1", "0", "", ""],
    [
        "بهاران",
        "شیرآباد",
        15000.0,
        4000,
        "critical",
        None,
        date(2023, 10, 21),
        True,
        False,
        None,
        None,
    ],
]


# --- people and files -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """The secretariat member who imports, and a viewer who may not."""

    url: str
    secretariat: Actor
    viewer: Actor


def _add_user(session: Session, username: str, role: str) -> Actor:
    return add_user(session, username, username, role)


@pytest.fixture
def cast(db_url: str) -> Cast:
    with write_session(db_url) as session:
        return Cast(
            url=db_url,
            secretariat=_add_user(session, "secretariat", Role.SECRETARIAT.value),
            viewer=_add_user(session, "viewer", Role.VIEWER.value),
        )


def xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook whose first sheet holds the rows."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: Sequence[Sequence[Any]], delimiter: str = ",") -> str:
    """The rows as Excel writes a CSV (cells with the delimiter quoted)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


def read(url: str, filename: str, content: bytes) -> ImportPreview:
    with read_session(url) as session:
        return read_neighborhood_file(filename, content, session)


def run_import(url: str, actor: Actor, preview: ImportPreview) -> int:
    with write_session(url) as session:
        return import_neighborhoods(session, actor=actor, preview=preview, now=NOW)


def stored(url: str) -> list[tuple[str, str, int, int, str]]:
    """(county, neighborhood, population, households, kind), in insertion order."""
    with read_session(url) as session:
        rows = session.exec(
            select(Neighborhood, col(County.name))
            .join(County, col(County.id) == col(Neighborhood.county_id))
            .order_by(col(Neighborhood.id))
        )
        return [(county, n.name, n.population, n.households, n.kind) for n, county in rows]


def counts(url: str) -> tuple[int, int, int]:
    """(counties, neighborhoods, history entries)."""
    with read_session(url) as session:
        return (
            session.exec(select(func.count()).select_from(County)).one(),
            session.exec(select(func.count()).select_from(Neighborhood)).one(),
            session.exec(select(func.count()).select_from(HistoryEntry)).one(),
        )


def pairs(preview: ImportPreview) -> list[tuple[int | None, str]]:
    return [(e.row, e.field) for e in preview.errors]


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def assert_persian(message: str) -> None:
    assert _ARABIC_SCRIPT.search(message), message
    for leak in ("Traceback", "None", "openpyxl", "codec", "Error", "BadZip", "Exception"):
        assert leak not in message, message


def file_error(preview: ImportPreview) -> str:
    """The one problem of a file that cannot be read; no rows reported."""
    assert not preview.ok
    assert preview.rows == []
    [error] = preview.errors
    assert (error.row, error.field) == (None, "پرونده")
    assert_persian(error.message)
    return error.message


# --- good files ------------------------------------------------------------------------------


def test_a_good_xlsx_with_persian_digits_and_an_hxl_row_imports_every_row(cast: Cast) -> None:
    content = xlsx([HEADER, HXL, *GOOD_ROWS])

    preview = read(cast.url, "محلات هدف.xlsx", content)

    assert preview.errors == []
    assert preview.ok
    assert preview.columns == HEADER
    assert preview.row_numbers == [3, 4, 5, 6, 7]
    assert (preview.new_count, preview.new_counties) == (5, ["مرکز استان", "بهاران"])
    assert counts(cast.url) == (0, 0, 0)  # reading writes nothing

    assert run_import(cast.url, cast.secretariat, preview) == 5

    assert stored(cast.url) == [
        ("مرکز استان", "کوی زاغه", 12500, 3400, "critical"),
        ("مرکز استان", "حصار", 9800, 2500, "marginal"),
        ("مرکز استان", "جعفرآباد", 7300, 0, "acute"),
        ("بهاران", "دولت‌آباد", 5400, 1400, "marginal"),
        ("بهاران", "شیرآباد", 15000, 4000, "critical"),
    ]
    with read_session(cast.url) as session:
        hoods = list(session.exec(select(Neighborhood).order_by(col(Neighborhood.id))))
        entries = list(
            session.exec(select(HistoryEntry).where(HistoryEntry.entity == "neighborhood"))
        )
    first, second, third, _, fifth = hoods
    assert (first.announced_on, first.latitude, first.longitude) == (
        date(2023, 10, 21),
        34.7981,
        48.5146,
    )
    assert (first.has_facilitation_office, first.has_transformation_office) == (True, False)
    assert (second.has_facilitation_office, second.priority_rank) == (True, 2)
    assert (third.priority_rank, third.announced_on, third.latitude) == (None, None, None)
    assert fifth.announced_on == date(2023, 10, 21)
    assert sorted(e.entity_id for e in entries) == sorted(h.id or 0 for h in hoods)
    for entry in entries:
        assert (entry.field, entry.user_id, entry.changed_at) == (
            "created",
            cast.secretariat.user_id,
            NOW,
        )
        assert entry.reason == "ورود از پروندهٔ «محلات هدف.xlsx»"
    assert counts(cast.url) == (2, 5, 5 + 2)  # two "created" entries for the counties


def test_an_existing_county_typed_another_way_is_reused(cast: Cast) -> None:
    with write_session(cast.url) as session:
        session.add(County(name="گلستان‌آباد"))
    rows: list[list[Any]] = [HEADER, ["گلستان آباد", "کوی گلستان", 100, 20, "حاد"]]

    preview = read(cast.url, "a.xlsx", xlsx(rows))
    before = read_data_version(cast.url)

    assert preview.ok and preview.new_counties == []
    assert run_import(cast.url, cast.secretariat, preview) == 1
    assert stored(cast.url) == [("گلستان‌آباد", "کوی گلستان", 100, 20, "acute")]
    # No county was created, yet cached screens must see the new neighborhood.
    assert read_data_version(cast.url) == before + 1


def test_a_utf8_csv_with_bom_imports(cast: Cast) -> None:
    text = csv_text([HEADER, HXL, *GOOD_ROWS[:4]])
    content = b"\xef\xbb\xbf" + text.encode("utf-8")

    preview = read(cast.url, "hoods.CSV", content)

    assert preview.errors == []
    assert run_import(cast.url, cast.secretariat, preview) == 4
    assert [r[1] for r in stored(cast.url)] == ["کوی زاغه", "حصار", "جعفرآباد", "دولت‌آباد"]


def test_a_windows_arabic_cp1256_csv_with_semicolons_imports(cast: Cast) -> None:
    # Windows' Arabic code page has no Persian yeh or Persian digits: Excel writes
    # Arabic yeh and ASCII digits, which the import turns back into Persian letters.
    rows = [
        HEADER,
        ["مرکز استان", "کوی زاغه", "12500", "3400", "بحرانی", "1", "1402/07/29", "بله", "خیر"],
        ["کوهسار", "رحیم‌آباد", "6800", "", "حاد", "", "", "ندارد", "دارد"],
    ]
    text = csv_text(rows, delimiter=";").replace("ی", "ي")
    content = text.encode("cp1256")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    preview = read(cast.url, "cp1256.csv", content)

    assert preview.errors == []
    assert run_import(cast.url, cast.secretariat, preview) == 2
    assert stored(cast.url) == [
        ("مرکز استان", "کوی زاغه", 12500, 3400, "critical"),
        ("کوهسار", "رحیم‌آباد", 6800, 0, "acute"),
    ]


def test_excel_unicode_text_utf16_with_tabs_imports(cast: Cast) -> None:
    text = csv_text([HEADER, GOOD_ROWS[0], GOOD_ROWS[1]], delimiter="\t")
    preview = read(cast.url, "unicode.csv", text.encode("utf-16"))
    assert preview.errors == []
    assert run_import(cast.url, cast.secretariat, preview) == 2
    assert [r[1] for r in stored(cast.url)] == ["کوی زاغه", "حصار"]


def test_a_tab_separated_csv_with_english_headers_imports(cast: Cast) -> None:
    rows = [
        ["County", "Neighborhood", "Population", "Households", "Type", "Lat", "Lon"],
        ["بهاران", "سیدآباد", "4,200", "1,000", "acute", "35.1", "50.2"],
    ]
    preview = read(cast.url, "hoods.csv", csv_text(rows, "\t").encode())
    assert preview.errors == []
    assert preview.columns == [
        "شهرستان",
        "نام محله",
        "جمعیت",
        "خانوار",
        "نوع",
        "عرض جغرافیایی",
        "طول جغرافیایی",
    ]
    assert run_import(cast.url, cast.secretariat, preview) == 1
    assert stored(cast.url) == [("بهاران", "سیدآباد", 4200, 1000, "acute")]


def test_hxl_tags_alone_are_enough_as_headers(cast: Cast) -> None:
    rows: list[list[Any]] = [
        ["#adm2", "#loc", "#population", "#type", "#notes"],
        ["بهاران", "سیدآباد", 10, "حاد", ""],
    ]
    preview = read(cast.url, "hxl.xlsx", xlsx(rows))
    assert preview.ok
    assert preview.ignored_columns == ["#notes"]
    assert preview.row_numbers == [2]


def test_empty_rows_are_skipped_and_row_numbers_stay_as_excel_shows_them(cast: Cast) -> None:
    rows: list[list[Any]] = [
        HEADER,
        HXL,
        ["بهاران", "سیدآباد", 100, 10, "حاد"],
        [None, "", "  "],
        [],
        ["بهاران", "شیرآباد", -4, 10, "حاد"],
    ]
    preview = read(cast.url, "gaps.xlsx", xlsx(rows))
    assert preview.row_numbers == [3, 6]
    assert pairs(preview) == [(6, "جمعیت")]


# --- bad rows ----------------------------------------------------------------------------------


def test_bad_rows_are_all_reported_by_row_and_column_and_nothing_is_imported(cast: Cast) -> None:
    rows = [
        HEADER,
        HXL,
        GOOD_ROWS[0],  # row 3: good
        ["بهاران", "سیدآباد", "-۵", "", "حاد"],  # row 4
        ["بهاران", "شیرآباد", "۱۰۰", "۲۰۰", "حاد"],  # row 5
        ["بهاران", "دولت‌آباد", "۱۰۰", "۲۰", "متوسط"],  # row 6
        ["بهاران", "کوی فرهنگیان", "۱۰۰", "۲۰", "حاد", "", "", "", "", "۳۴٫۵", ""],  # row 7
        ["", "ک" * 151, "۱۰۰", "۲۰", "حاد", "", "1404/12/30", "شاید"],  # row 8
        GOOD_ROWS[1],  # row 9: good
    ]

    preview = read(cast.url, "bad.xlsx", xlsx(rows))

    assert not preview.ok
    assert pairs(preview) == [
        (4, "جمعیت"),
        (5, "خانوار"),
        (6, "نوع"),
        (7, "طول جغرافیایی"),
        (8, "شهرستان"),
        (8, "نام محله"),
        (8, "تاریخ اعلام"),
        (8, "دفتر تسهیل‌گری"),
    ]
    for error in preview.errors:
        assert_persian(error.message)
    messages = {(e.row, e.field): e.message for e in preview.errors}
    assert messages[(4, "جمعیت")].startswith("سطر ۴: ")
    assert "منفی" in messages[(4, "جمعیت")]
    assert "وجود ندارد" in messages[(8, "تاریخ اعلام")]
    assert "۱۵۰" in messages[(8, "نام محله")]
    assert len(preview.rows) == 7 and len(preview.clean) == 2

    with pytest.raises(ValidationError) as refused:
        run_import(cast.url, cast.secretariat, preview)
    assert [(e.row, e.field) for e in refused.value.errors] == pairs(preview)
    assert counts(cast.url) == (0, 0, 0)


def test_a_duplicate_within_the_file_and_one_in_the_database_are_reported(cast: Cast) -> None:
    with write_session(cast.url) as session:
        create_neighborhood(
            session,
            actor=cast.secretariat,
            data=NeighborhoodInput("مرکز استان", "کوی طالقانی", 5000, 1000, "حاد"),
            now=NOW,
        )
    before = counts(cast.url)
    rows: list[list[Any]] = [
        HEADER,
        ["مرکز استان", "کوی زاغه", 100, 10, "حاد"],  # row 2
        ["مرکز استان", "حصار", 100, 10, "حاد"],  # row 3
        ["مركز استان", "كوي زاغه", 100, 10, "حاد"],  # row 4: row 2 again (Arabic letters)
        ["مرکز استان", "کوی  طالقانی", 100, 10, "حاد"],  # row 5: in the database
        ["بهاران", "کوی زاغه", 100, 10, "حاد"],  # row 6: another county, fine
    ]

    preview = read(cast.url, "dups.xlsx", xlsx(rows))

    assert pairs(preview) == [(4, "نام محله"), (5, "نام محله")]
    within, existing = (e.message for e in preview.errors)
    assert "سطر ۲" in within and "همین پرونده" in within
    assert "«کوی طالقانی»" in existing and "پیش‌تر در سامانه" in existing
    with pytest.raises(ValidationError):
        run_import(cast.url, cast.secretariat, preview)
    assert counts(cast.url) == before


def test_a_neighborhood_added_after_the_preview_refuses_the_whole_import(cast: Cast) -> None:
    preview = read(cast.url, "a.xlsx", xlsx([HEADER, *GOOD_ROWS]))
    assert preview.ok
    with write_session(cast.url) as session:
        create_neighborhood(
            session,
            actor=cast.secretariat,
            data=NeighborhoodInput("بهاران", "شیرآباد", 10, 1, "حاد"),
            now=NOW,
        )
    before = counts(cast.url)

    with pytest.raises(ValidationError) as refused:
        run_import(cast.url, cast.secretariat, preview)

    assert [(e.row, e.field) for e in refused.value.errors] == [(6, "نام محله")]
    assert counts(cast.url) == before


def test_only_the_secretariat_may_import(cast: Cast) -> None:
    preview = read(cast.url, "a.xlsx", xlsx([HEADER, *GOOD_ROWS]))
    with pytest.raises(PermissionDenied) as refused:
        run_import(cast.url, cast.viewer, preview)
    assert "دبیرخانه" in refused.value.message
    assert counts(cast.url) == (0, 0, 0)


def test_a_preview_made_by_hand_is_checked_again(cast: Cast) -> None:
    bad = ImportPreview(
        rows=[NeighborhoodInput("بهاران", "سیدآباد", "-3", None, "حاد")], row_numbers=[2]
    )
    assert bad.ok  # nobody checked it
    with pytest.raises(ValidationError) as refused:
        run_import(cast.url, cast.secretariat, bad)
    assert [(e.row, e.field) for e in refused.value.errors] == [(2, "جمعیت")]
    assert counts(cast.url) == (0, 0, 0)

    good = ImportPreview(rows=[NeighborhoodInput("بهاران", "سیدآباد", "۳۰۰", None, "حاد")])
    assert run_import(cast.url, cast.secretariat, good) == 1
    assert stored(cast.url) == [("بهاران", "سیدآباد", 300, 0, "acute")]


def test_an_empty_preview_cannot_be_imported(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        run_import(cast.url, cast.secretariat, ImportPreview())
    assert_persian(refused.value.message)
    assert counts(cast.url) == (0, 0, 0)


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "fragments"),
    [
        (["شهر", "محله‌ها", "جمعیت", "نوع"], ("«شهرستان»", "«نام محله»")),
        (["شهرستان", "نام محله", "خانوار"], ("«جمعیت»", "«نوع»")),
        (["a", "b", "c"], ("«شهرستان»", "«نام محله»", "«جمعیت»", "«نوع»")),
    ],
    ids=["misnamed", "two-missing", "no-known-column"],
)
def test_missing_required_columns_are_named(
    cast: Cast, header: list[str], fragments: tuple[str, ...]
) -> None:
    preview = read(cast.url, "cols.xlsx", xlsx([header, ["x"] * len(header)]))
    message = file_error(preview)
    for fragment in fragments:
        assert fragment in message
    assert "سرستون" in message


def test_a_duplicated_column_is_refused(cast: Cast) -> None:
    header = ["شهرستان", "نام محله", "جمعیت", "نوع", "population"]
    preview = read(cast.url, "cols.csv", csv_text([header, ["a", "b", "1", "حاد", "2"]]).encode())
    message = file_error(preview)
    assert "«جمعیت»" in message and "C، E" in message


@pytest.mark.parametrize("filename", ["hoods.xlsx", "hoods.csv"])
def test_an_empty_file_is_refused(cast: Cast, filename: str) -> None:
    assert "خالی" in file_error(read(cast.url, filename, b""))


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("hoods.xlsx", xlsx([HEADER])),
        ("hoods.xlsx", xlsx([HEADER, HXL, [None, None]])),
        ("hoods.csv", ("\ufeff" + csv_text([HEADER, HXL]) + "\r\n,,,\r\n").encode()),
    ],
    ids=["xlsx-header-only", "xlsx-header-and-hxl", "csv-header-hxl-blank-line"],
)
def test_a_file_with_headers_but_no_rows_is_refused(
    cast: Cast, filename: str, content: bytes
) -> None:
    assert "هیچ ردیف" in file_error(read(cast.url, filename, content))


def test_a_blank_sheet_is_refused(cast: Cast) -> None:
    assert "خالی" in file_error(read(cast.url, "blank.xlsx", xlsx([])))


def test_a_corrupted_xlsx_is_refused(cast: Cast) -> None:
    noise = random.Random(7).randbytes(4096)
    assert "Excel" in file_error(read(cast.url, "hoods.xlsx", noise))
    truncated = xlsx([HEADER, *GOOD_ROWS])[:900]
    assert "Excel" in file_error(read(cast.url, "hoods.xlsx", truncated))


@pytest.mark.parametrize(
    ("filename", "fragment"),
    [("hoods.txt", "«.txt»"), ("hoods.xls", ".xlsx"), ("hoods", "بدون پسوند")],
)
def test_an_unknown_kind_of_file_is_refused(cast: Cast, filename: str, fragment: str) -> None:
    message = file_error(read(cast.url, filename, csv_text([HEADER, GOOD_ROWS[0]]).encode()))
    assert fragment in message


def test_an_excel_file_named_csv_is_refused_with_advice(cast: Cast) -> None:
    message = file_error(read(cast.url, "hoods.csv", xlsx([HEADER, *GOOD_ROWS])))
    assert ".xlsx" in message


# --- 10,000 rows ------------------------------------------------------------------------------


def test_ten_thousand_rows_import_in_one_transaction(cast: Cast, db_url: str) -> None:
    kinds = ["حاشیه‌نشین", "حاد", "بحرانی"]
    rows: list[list[Any]] = [HEADER, HXL]
    for i in range(10_000):
        rows.append(
            [
                f"شهرستان {i % 12}",
                f"محله {i}",
                1000 + i,
                200 + i // 10,
                kinds[i % 3],
                i + 1,
                "۱۴۰۲/۰۷/۲۹" if i % 2 else None,
                "بله" if i % 4 == 0 else "خیر",
                "خیر",
                34 + i / 100_000,
                48 + i / 100_000,
            ]
        )
    content = xlsx(rows)
    backend = "postgresql" if db_url.startswith("postgresql") else "sqlite"

    started = time.perf_counter()
    preview = read(cast.url, "big.xlsx", content)
    read_seconds = time.perf_counter() - started
    assert preview.errors == []
    assert preview.new_count == 10_000

    started = time.perf_counter()
    assert run_import(cast.url, cast.secretariat, preview) == 10_000
    import_seconds = time.perf_counter() - started
    print(
        f"\n[{backend}] 10,000-row .xlsx ({len(content) // 1024} KB):"
        f" read {read_seconds:.2f} s, import {import_seconds:.2f} s"
    )

    assert counts(cast.url) == (12, 10_000, 10_000 + 12)
    with read_session(cast.url) as session:
        last = session.exec(select(Neighborhood).where(Neighborhood.name == "محله 9999")).one()
    assert (last.population, last.households, last.priority_rank, last.kind) == (
        10_999,
        1199,
        10_000,
        "marginal",
    )


# --- the template ---------------------------------------------------------------------------------


def test_the_template_reads_back_as_its_two_example_rows(cast: Cast) -> None:
    content = neighborhood_template_xlsx()
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.sheet_view.rightToLeft is True
    assert [c.value for c in sheet[1]] == HEADER
    assert not any(str(c.value).startswith("#") for c in sheet[2])  # no HXL row for people

    preview = read(cast.url, "الگو.xlsx", content)

    assert preview.errors == []
    assert preview.ok
    assert preview.columns == HEADER
    assert preview.row_numbers == [2, 3]
    assert [(c["county"], c["name"], c["kind"]) for c in preview.clean] == [
        ("مرکز استان", "کوی زاغه", "critical"),
        ("بهاران", "شهرک ولیعصر", "marginal"),
    ]
    assert preview.clean[0]["announced_on"] == date(2023, 10, 21)
    assert run_import(cast.url, cast.secretariat, preview) == 2
    assert counts(cast.url)[1] == 2
