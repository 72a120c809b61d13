"""HXL-tagged exports of coverage, gaps, deliveries (3W), capacity and indicator values:
CSV and Excel.

The CSVs have Persian headers (row 1) and HXL hashtags (row 2, https://hxlstandard.org)
so that they feed humanitarian tools; their #date columns are ISO, as HXL documents
(the Jalali period is a text column beside them). The workbook is for people: one
header row, no hashtags, every date Jalali (documents/workbook.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
from sqlmodel import Session

from data_layer.documents.workbook import SheetSpec, is_missing, workbook_xlsx
from data_layer.labels import (
    DELIVERY_STATUS_LABELS,
    NEIGHBORHOOD_KIND_LABELS,
    VERIFICATION_LABELS,
)
from data_layer.output import sheet_text
from data_layer.queries.coverage import coverage_matrix, delivery_rows, gaps, service_ratios
from data_layer.queries.indicators import indicator_value_rows
from data_layer.queries.periods import delivery_period_label
from data_layer.rules.coverage import COVERAGE_LEVEL_LABELS
from data_layer.rules.indicators import DIRECTION_LABELS
from data_layer.rules.indicators import period_label as indicator_period_label

Table = tuple[pd.DataFrame, dict[str, str]]  # Persian-headed frame, header -> HXL tag

# Internal column -> (Persian header, HXL hashtag).
COLUMNS: dict[str, tuple[str, str]] = {
    "agency": ("دستگاه اجرایی", "#org+impl+name"),
    "owner_agency": ("دستگاه متولی", "#org+lead+name"),
    "county": ("شهرستان", "#adm2+name"),
    "neighborhood_id": ("کد محله", "#loc+code"),
    "neighborhood": ("محله", "#loc+name"),
    "kind": ("نوع محله", "#loc+type"),
    "priority_rank": ("اولویت", "#priority"),
    "population": ("جمعیت", "#population"),
    "service": ("خدمت", "#activity+name"),
    "unit": ("واحد", "#activity+unit"),
    "norm_per_1000": ("سرانه در هر هزار نفر", "#indicator+norm+num"),
    "need": ("نیاز", "#need+num"),
    "delivered": ("ارائه‌شده", "#output+num"),
    "agencies": ("تعداد دستگاه‌های ارائه‌دهنده", "#org+impl+num"),
    "level": ("وضعیت پوشش", "#status+coverage"),
    "gap": ("کسری", "#indicator+gap+num"),
    "unmet_share": ("سهم برآورده‌نشده (درصد)", "#indicator+gap+pct"),
    "period": ("دوره", "#meta+period"),
    "period_start": ("از تاریخ", "#date+start"),
    "period_end": ("تا تاریخ", "#date+end"),
    "units": ("میزان ارائه‌شده", "#output+num"),
    "beneficiaries": ("بهره‌مندان", "#reached"),
    "status": ("وضعیت", "#status"),
    "total_units": ("ظرفیت کل", "#capacity+total+num"),
    "target_units": ("ظرفیت در محلات هدف", "#capacity+targeted+num"),
    "ratio": ("سهم محلات هدف از ظرفیت (درصد)", "#indicator+ratio+pct"),
    "delivered_in_targets": ("ارائه‌شده در محلات هدف", "#output+num"),
    "indicator_id": ("کد شاخص", "#indicator+code"),
    "indicator": ("شاخص", "#indicator+name"),
    "indicator_unit": ("واحد شاخص", "#indicator+unit"),
    "direction": ("جهت بهبود", "#indicator+direction"),
    "reporting_agency": ("دستگاه گزارش‌دهنده", "#org+reporting+name"),
    "indicator_period": ("دوره", "#date+period"),
    "value": ("مقدار", "#indicator+value+num"),
    "numerator": ("صورت", "#indicator+numerator+num"),
    "denominator": ("مخرج", "#indicator+denominator+num"),
    "source": ("منبع", "#meta+source"),
    "verification": ("وضعیت تأیید", "#status+verification"),
    "is_sample": ("دادهٔ نمونه", "#meta+sample"),
}
HXL_TAGS: dict[str, str] = {name: tag for name, (_, tag) in COLUMNS.items()}
HEADERS: dict[str, str] = {name: header for name, (header, _) in COLUMNS.items()}

SHEET_NAMES: dict[str, str] = {
    "coverage": "پوشش خدمات",
    "gaps": "کسری خدمات",
    "deliveries": "خدمات ارائه‌شده",
    "capacity": "ظرفیت دستگاه‌ها",
    "indicators": "مقادیر شاخص‌ها",
}


def _table(df: pd.DataFrame, columns: list[str]) -> Table:
    """The chosen columns under their Persian headers, and header -> HXL tag."""
    out = df[columns].rename(columns=HEADERS)
    return out.reset_index(drop=True), {HEADERS[c]: HXL_TAGS[c] for c in columns}


def _pct(series: pd.Series) -> pd.Series:
    """A 0-1 share as a 0-100 percentage with one decimal (NaN stays NaN)."""
    return (series.astype(float) * 100).round(1)


# --- tables -------------------------------------------------------------------------------------


def coverage_table(session: Session, county_id: int | None = None) -> Table:
    """Every active neighbourhood x active service: need, delivered, coverage level."""
    df = coverage_matrix(session, county_id=county_id)
    df["kind"] = df["kind"].map(lambda k: NEIGHBORHOOD_KIND_LABELS.get(k, k))
    df["level"] = df["level"].map(lambda v: COVERAGE_LEVEL_LABELS.get(v, v))
    df["need"] = df["need"].round(2)
    columns = ["county", "neighborhood_id", "neighborhood", "kind", "priority_rank", "population"]
    columns += ["service", "unit", "norm_per_1000", "need", "delivered", "agencies", "level"]
    return _table(df, columns)


def gaps_table(session: Session, county_id: int | None = None) -> Table:
    """Neighbourhood x service pairs below their norm, largest gap first, with the owner."""
    df = gaps(session, by="neighborhood", county_id=county_id)
    df["need"], df["gap"] = df["need"].round(2), df["gap"].round(2)
    df["unmet_share"] = _pct(df["unmet_share"])
    columns = ["county", "neighborhood_id", "neighborhood", "service", "unit", "owner_agency"]
    columns += ["need", "delivered", "gap", "unmet_share"]
    return _table(df, columns)


def deliveries_table(session: Session, county_id: int | None = None) -> Table:
    """Who does what where (3W): every live delivery, in any status."""
    df = delivery_rows(session, county_id=county_id)
    df["period"] = [
        delivery_period_label(s, e)
        for s, e in zip(df["period_start"], df["period_end"], strict=True)
    ]
    df["status"] = df["status"].map(lambda v: DELIVERY_STATUS_LABELS.get(v, v))
    columns = ["agency", "county", "neighborhood_id", "neighborhood", "service", "unit", "period"]
    columns += ["period_start", "period_end", "units", "beneficiaries", "status"]
    return _table(df, columns)


def capacity_table(session: Session) -> Table:
    """Each agency's capacity of a service and the share of it in the target neighbourhoods."""
    df = service_ratios(session)
    df["ratio"] = _pct(df["ratio"])
    columns = ["agency", "service", "unit", "total_units", "target_units", "ratio"]
    return _table(df, [*columns, "delivered_in_targets"])


def indicators_table(session: Session, county_id: int | None = None) -> Table:
    """Every value of an indicator per neighborhood and period (the period's end as the date)."""
    df = indicator_value_rows(session, county_id=county_id)
    df["indicator_period"] = [
        indicator_period_label(k, y, n)
        for k, y, n in zip(df["period_kind"], df["period_year"], df["period_no"], strict=True)
    ]
    df["direction"] = df["direction"].map(lambda v: DIRECTION_LABELS.get(v, v))
    df["verification"] = df["verification"].map(lambda v: VERIFICATION_LABELS.get(v, v))
    df["is_sample"] = df["is_sample"].map(lambda v: "بله" if v else "خیر")
    df = df.rename(columns={"unit": "indicator_unit", "agency": "reporting_agency"})
    columns = ["county", "neighborhood_id", "neighborhood", "indicator_id", "indicator"]
    columns += ["indicator_unit", "direction", "reporting_agency", "indicator_period"]
    columns += ["period_end", "value", "numerator", "denominator", "source", "verification"]
    return _table(df, [*columns, "is_sample"])


# Tables of the whole province only: an agency's capacity is not a county's figure.
PROVINCE_ONLY = frozenset({"capacity"})


def all_tables(session: Session, county_id: int | None = None) -> dict[str, Table]:
    """Every export table under its Persian sheet name (for one workbook); of one
    county's neighbourhoods with `county_id` (without the province-only tables)."""
    tables: dict[str, Callable[[], Table]] = {
        "coverage": lambda: coverage_table(session, county_id),
        "gaps": lambda: gaps_table(session, county_id),
        "deliveries": lambda: deliveries_table(session, county_id),
        "capacity": lambda: capacity_table(session),
        "indicators": lambda: indicators_table(session, county_id),
    }
    return {
        SHEET_NAMES[name]: build()
        for name, build in tables.items()
        if county_id is None or name not in PROVINCE_ONLY
    }


# --- files ------------------------------------------------------------------------------------


def _csv_cell(value: object) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return sheet_text(value)
    return str(value)


def _csv_bytes(head: list[list[str]], df: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(head)
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads Persian): the headers, then the rows, in the
    frame's column order; numbers stay numbers, user text cannot start a formula."""
    return _csv_bytes([[str(c) for c in df.columns]], df)


def to_csv_with_hxl(df: pd.DataFrame, tags: dict[str, str]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads Persian): row 1 headers, row 2 HXL hashtags."""
    columns = [str(c) for c in df.columns]
    return _csv_bytes([columns, [tags.get(c, "") for c in columns]], df)


def to_xlsx(sheets: dict[str, Table]) -> bytes:
    """One right-to-left sheet per table: Persian headers, then the data (no HXL row;
    documents/workbook.py: print setup, column types, Jalali dates, never a formula)."""
    return workbook_xlsx(
        [
            SheetSpec(
                name,
                [str(c) for c in df.columns],
                list(df.itertuples(index=False, name=None)),
            )
            for name, (df, _tags) in sheets.items()
        ]
    )
