"""The liaison's quick grid on «دستگاه من» holds its rows in a Persian reader's order
(the resolution first) with progress in Persian digits, as every number a person edits;
the page shows the columns reversed (the grid draws left to right) and a changed
progress saves; the page's own «دریافت CSV» writes the saved rows in reading order,
progress a number, dates Jalali (on SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pandas as pd
import pytest
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.exports import to_csv
from data_layer.jalali import to_fa_digits
from data_layer.labels import STATUS_LABELS
from data_layer.models import Assignment
from tests.pages.conftest import sign_in
from ui.quick_edit import COLUMN_ORDER, quick_export, row_updates

Grid = tuple[pd.DataFrame, dict[int, Assignment]]


@pytest.fixture
def grid(make_app: Callable[[str], AppTest], seeded_url: str) -> Grid:
    """Education's liaison (agency02) on «دستگاه من»: the grid's frame and its rows."""
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    assert not at.exception and not at.error
    [key] = [k for k in at.session_state if str(k).endswith("_table")]
    table: pd.DataFrame = at.session_state[key]
    with read_session(seeded_url) as s:
        rows = s.exec(select(Assignment).where(col(Assignment.id).in_(list(table.index)))).all()
    return table, {int(r.id or 0): r for r in rows}


def test_the_grid_holds_numbers_in_reading_order(grid: Grid) -> None:
    table, rows = grid
    assert table.columns[0] == "مصوبه"  # the reader's first column comes first
    assert list(table.columns) == list(reversed(COLUMN_ORDER))  # and shows on the right
    assert list(table["پیشرفت ٪"]) == [to_fa_digits(rows[i].progress) for i in table.index]
    assert table["مصوبه"].map(lambda s: s.startswith("جلسه ")).all()


def test_a_progress_typed_in_the_grid_is_a_change_to_save(grid: Grid) -> None:
    table, rows = grid
    versions = {i: r.version for i, r in rows.items()}
    edited = table.copy()
    first = table.index[0]
    assert table.loc[first, "پیشرفت ٪"] != "۵۵"
    edited.loc[first, "پیشرفت ٪"] = "۵۵"
    codes = {label: code for code, label in STATUS_LABELS.items()}
    [update] = row_updates(table, edited, versions, codes, ["تأیید دبیرخانه", "تأخیر", "مصوبه"])
    assert update.assignment_id == first and update.changes.progress == "۵۵"


def test_the_pages_csv_holds_the_saved_rows_in_reading_order_with_numbers(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert "دریافت CSV" in labels
    [key] = [k for k in at.session_state if re.fullmatch(r"my_rows_\d+", str(k))]
    shown: pd.DataFrame = at.session_state[key]  # the rows the page drew and exports
    data = to_csv(quick_export(shown))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads Persian
    header, *lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    # The grid's columns as a Persian reader reads them: the resolution first.
    assert header == [c for c in reversed(COLUMN_ORDER) if c != "دلیل تغییر تاریخ"]
    assert header[0] == "مصوبه" and len(lines) == len(shown)
    with read_session(seeded_url) as s:
        saved = {
            int(a.id or 0): a
            for a in s.exec(select(Assignment).where(col(Assignment.id).in_(shown["id"].tolist())))
        }
    progress = header.index("پیشرفت ٪")
    planned = header.index("تاریخ برنامه")
    for row_id, line in zip(shown["id"].astype(int), lines, strict=True):
        assert line[progress] == str(saved[row_id].progress)  # a number, Latin digits
        date = saved[row_id].planned_date
        assert (line[planned] == "") == (date is None)
        if date is not None:
            assert re.fullmatch(r"۱۴۰[۰-۹]/[۰-۹]{2}/[۰-۹]{2}", line[planned]), line[planned]
    assert any(line[planned] for line in lines) and any(int(line[progress]) > 9 for line in lines)
