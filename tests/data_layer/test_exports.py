"""Tests for data_layer.exports: HXL-tagged CSV and Excel files (SQLite and PostgreSQL).

A county «مرکزی» with one neighbourhood «شهرک ولیعصر» (population 2000), the service
«مشاوره خانواده» (norm 3 per 1000, owner «شهرداری») and one delivery by «بهزیستی» of
1.5 units to 120 people in autumn 1405, whose note starts with "=" (a formula in Excel).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from data_layer.db import read_session, write_session
from data_layer.exports import (
    HXL_TAGS,
    SHEET_NAMES,
    all_tables,
    capacity_table,
    coverage_table,
    deliveries_table,
    gaps_table,
    to_csv_with_hxl,
    to_xlsx,
)
from data_layer.models import (
    Agency,
    AgencyCapacity,
    County,
    Neighborhood,
    ServiceDelivery,
    ServiceType,
)

BOM = b"\xef\xbb\xbf"
HOOD = "شهرک ولیعصر"
SERVICE = "مشاوره خانواده"


@dataclass(frozen=True)
class Data:
    url: str
    hood: int


@pytest.fixture
def data(db_url: str) -> Data:
    with write_session(db_url) as s:
        mun = Agency(name="شهرداری مرکز استان", short_name="شهرداری")
        wel = Agency(name="اداره کل بهزیستی", short_name="بهزیستی")
        county = County(name="مرکزی")
        s.add_all([mun, wel, county])
        s.flush()
        assert mun.id and wel.id and county.id
        hood = Neighborhood(county_id=county.id, name=HOOD, population=2000, kind="critical")
        service = ServiceType(name=SERVICE, unit="جلسه", owner_agency_id=mun.id, norm_per_1000=3)
        s.add_all([hood, service])
        s.flush()
        assert hood.id and service.id
        s.add(
            ServiceDelivery(
                agency_id=wel.id, neighborhood_id=hood.id, service_type_id=service.id,
                period_start=date(2026, 9, 23), period_end=date(2026, 12, 21), units=1.5,
                beneficiaries=120, status="completed", note="=HYPERLINK(\"x\")",
            )
        )  # fmt: skip
        s.add(
            AgencyCapacity(
                agency_id=wel.id, service_type_id=service.id, total_units=40, target_units=10
            )
        )
        return Data(db_url, hood.id)


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- tables ----------------------------------------------------------------------------------


def test_coverage_table_has_persian_headers_and_hxl_tags(data: Data) -> None:
    with read_session(data.url) as s:
        df, tags = coverage_table(s)
    assert list(tags) == list(df.columns)
    assert tags["شهرستان"] == "#adm2+name" and tags["محله"] == "#loc+name"
    assert tags["نیاز"] == "#need+num" and tags["ارائه‌شده"] == "#output+num"
    assert all(t.startswith("#") for t in tags.values())
    [row] = df.to_dict("records")
    assert (row["محله"], row["خدمت"], row["نوع محله"], row["وضعیت پوشش"]) == (
        HOOD,
        SERVICE,
        "بحرانی",
        "پوشش ناقص",
    )
    assert (row["نیاز"], row["ارائه‌شده"], row["تعداد دستگاه‌های ارائه‌دهنده"]) == (6.0, 1.5, 1)


def test_gaps_deliveries_and_capacity_tables(data: Data) -> None:
    with read_session(data.url) as s:
        gap, gap_tags = gaps_table(s)
        done, done_tags = deliveries_table(s)
        cap, cap_tags = capacity_table(s)
    [g] = gap.to_dict("records")
    assert (g["دستگاه متولی"], g["نیاز"], g["کسری"], g["سهم برآورده‌نشده (درصد)"]) == (
        "شهرداری",
        6.0,
        4.5,
        75.0,
    )
    assert gap_tags["کسری"] == "#indicator+gap+num"
    assert gap_tags["دستگاه متولی"] == "#org+lead+name"
    [d] = done.to_dict("records")
    assert list(done.columns)[:2] == ["دستگاه اجرایی", "شهرستان"]
    assert (d["دستگاه اجرایی"], d["دوره"], d["بهره‌مندان"], d["وضعیت"]) == (
        "بهزیستی",
        "پاییز ۱۴۰۵",
        120,
        "تکمیل‌شده",
    )
    assert d["از تاریخ"] == date(2026, 9, 23)
    assert done_tags["دستگاه اجرایی"] == "#org+impl+name"
    assert done_tags["بهره‌مندان"] == "#reached"
    assert done_tags["از تاریخ"] == "#date+start" and done_tags["وضعیت"] == "#status"
    [c] = cap.to_dict("records")
    assert (c["ظرفیت کل"], c["سهم محلات هدف از ظرفیت (درصد)"]) == (40.0, 25.0)
    assert cap_tags["ظرفیت کل"].startswith("#capacity")
    assert set(HXL_TAGS) >= {"agency", "county", "neighborhood", "service", "gap"}


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_starts_with_bom_then_headers_then_hxl(data: Data) -> None:
    with read_session(data.url) as s:
        df, tags = deliveries_table(s)
    content = to_csv_with_hxl(df, tags)
    assert content.startswith(BOM)
    assert not content[3:].startswith(BOM)  # exactly one BOM
    header, hxl, row = rows_of(content)
    assert header == list(df.columns)
    assert hxl == [tags[h] for h in header]
    assert all(tag.startswith("#") for tag in hxl)
    record = dict(zip(header, row, strict=True))
    assert record["محله"] == HOOD and record["دوره"] == "پاییز ۱۴۰۵"  # Persian round-trips
    assert (record["میزان ارائه‌شده"], record["بهره‌مندان"]) == ("1.5", "120")
    assert (record["از تاریخ"], record["تا تاریخ"]) == ("2026-09-23", "2026-12-21")


def test_csv_of_a_hand_made_frame() -> None:
    df = pd.DataFrame(
        {
            "نام": ["الف", "=1+1", "-2", None],
            "عدد": [6.0, 2.5, float("nan"), 3.0],
            "تاریخ": [date(2026, 1, 2), None, None, None],
        }
    )
    content = to_csv_with_hxl(df, {"نام": "#org+name", "عدد": "#value"})
    assert rows_of(content) == [
        ["نام", "عدد", "تاریخ"],
        ["#org+name", "#value", ""],  # a column without a tag: an empty tag cell
        ["الف", "6", "2026-01-02"],
        ["'=1+1", "2.5", ""],  # never a formula in Excel
        ["'-2", "", ""],
        ["", "3", ""],
    ]
    assert b"\r\n" in content


# --- Excel -------------------------------------------------------------------------------------


def test_xlsx_has_every_sheet_rtl_with_headers_and_hxl(data: Data) -> None:
    with read_session(data.url) as s:
        tables = all_tables(s)
    content = to_xlsx(tables)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        SHEET_NAMES["coverage"],
        SHEET_NAMES["gaps"],
        SHEET_NAMES["deliveries"],
        SHEET_NAMES["capacity"],
        SHEET_NAMES["indicators"],
    ]
    for name, (df, tags) in tables.items():
        ws = book[name]
        assert ws.sheet_view.rightToLeft is True
        assert [c.value for c in ws[1]] == list(df.columns)
        assert [c.value for c in ws[2]] == [tags[h] for h in df.columns]
        assert ws.max_row == 2 + len(df)
        assert ws.freeze_panes == "A3"
        assert ws.column_dimensions["A"].width >= 8
    deliveries = book[SHEET_NAMES["deliveries"]]
    header = [c.value for c in deliveries[1]]
    values = dict(zip(header, [c.value for c in deliveries[3]], strict=True))
    assert values["محله"] == HOOD and values["دوره"] == "پاییز ۱۴۰۵"
    assert values["میزان ارائه‌شده"] == 1.5 and values["بهره‌مندان"] == 120
    assert values["از تاریخ"].date() == date(2026, 9, 23)
    coverage = book[SHEET_NAMES["coverage"]]
    need_col = [c.value for c in coverage[1]].index("نیاز")
    assert coverage.cell(row=3, column=need_col + 1).value == 6


def test_xlsx_never_stores_a_formula() -> None:
    df = pd.DataFrame({"توضیح": ['=HYPERLINK("http://x")', "متن"], "اولویت": [1, None]})
    df["اولویت"] = df["اولویت"].astype("Int64")
    content = to_xlsx({"برگه": (df, {"توضیح": "#description", "اولویت": "#priority"})})
    ws = load_workbook(io.BytesIO(content))["برگه"]
    cell = ws["A3"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
    assert ws["B3"].value == 1 and ws["B4"].value is None


def test_sheet_titles_are_made_legal_and_unique() -> None:
    df = pd.DataFrame({"الف": [1]})
    long_name = "کسری/خدمات:" + "ب" * 40
    content = to_xlsx({long_name: (df, {}), long_name + "x": (df, {})})
    names = load_workbook(io.BytesIO(content)).sheetnames
    assert len(names) == 2 and len(set(names)) == 2
    assert all(len(n) <= 31 and "/" not in n and ":" not in n for n in names)
