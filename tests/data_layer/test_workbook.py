"""The one Excel writer (data_layer/documents/workbook.py): what every workbook people
download shares — right-to-left sheets, the print setup, each cell by its type — read
back with openpyxl, and printed by LibreOffice and read back with poppler."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import select

from data_layer.db import read_session
from data_layer.documents.backlog_template import backlog_template_xlsx
from data_layer.documents.people_template import people_template_xlsx
from data_layer.documents.report import meeting_report_xlsx
from data_layer.documents.templates import agency_template_xlsx, neighborhood_template_xlsx
from data_layer.documents.workbook import SheetSpec, workbook_xlsx
from data_layer.exports import to_xlsx
from data_layer.models import Meeting

TODAY = date(2026, 11, 28)


def _assert_prints_landscape_one_page_wide(content: bytes, header_rows: dict[str, int]) -> None:
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == list(header_rows)
    for ws in book.worksheets:
        rows = header_rows[ws.title]
        assert ws.sheet_view.rightToLeft is True, ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == f"$1:${rows}", ws.title
        assert ws.freeze_panes == f"A{rows + 1}", ws.title
        assert all(cell.font.bold for cell in ws[1]), ws.title


def test_templates_and_exports_share_the_print_setup() -> None:
    for template, title in (
        (agency_template_xlsx, "دستگاه‌ها"),
        (neighborhood_template_xlsx, "محلات هدف"),
        (backlog_template_xlsx, "سوابق مصوبات"),
        (people_template_xlsx, "رابطان دستگاه‌ها"),
    ):
        _assert_prints_landscape_one_page_wide(template(), {title: 1, "راهنما": 1})
    df = pd.DataFrame({"محله": ["کوی زاغه"], "جمعیت": [12500]})
    content = to_xlsx({"پوشش": (df, {"محله": "#loc+name", "جمعیت": "#population"})})
    _assert_prints_landscape_one_page_wide(content, {"پوشش": 1})
    assert [c.value for c in load_workbook(io.BytesIO(content))["پوشش"][2]] == ["کوی زاغه", 12500]


def test_the_meeting_report_shares_the_print_setup(seeded_url: str) -> None:
    with read_session(seeded_url) as session:
        meeting = session.exec(select(Meeting).where(Meeting.number == 7)).one()
        assert meeting.id is not None
        content = meeting_report_xlsx(session, meeting_id=meeting.id, today=TODAY)
    sheets = {"خلاصه": 1, "دستگاه‌ها": 1, "مصوبات": 1, "ردیف‌ها": 1}
    _assert_prints_landscape_one_page_wide(content, sheets)
    book = load_workbook(io.BytesIO(content))
    assert book["خلاصه"].auto_filter.ref is None  # a list of figures, not a table to filter
    assert book["ردیف‌ها"].auto_filter.ref == book["ردیف‌ها"].dimensions


def test_each_cell_is_stored_by_its_type() -> None:
    row = [
        np.int64(7),
        np.float64(1.5),
        float("nan"),
        pd.NA,
        True,
        pd.Timestamp("2026-09-23"),
        date(2026, 11, 28),
        '=HYPERLINK("http://x")',
        "متن\u202e",
        Path("x"),
    ]
    header = [f"ستون {i}" for i in range(len(row))]
    content = workbook_xlsx([SheetSpec("برگه", header, [row])])
    ws = load_workbook(io.BytesIO(content))["برگه"]
    cells = list(ws[2])
    values = [c.value for c in cells]
    assert values[:5] == [7, 1.5, None, None, "بله"]
    # Jalali dates a sheet sorts and filters: 1405/07/01 and 1405/09/07, never Gregorian
    assert values[5] == 14050701 and values[6] == 14050907
    assert [c.number_format for c in cells[5:7]] == ['0000"/"00"/"00'] * 2
    assert cells[7].data_type == "s" and values[7] == '=HYPERLINK("http://x")'
    assert values[8] == "متن"  # a bidi override typed into a cell cannot reorder the sheet
    assert values[9] == "x"


def test_a_long_sheet_prints_one_page_wide_with_its_header_on_every_page(
    tmp_path: Path,
) -> None:
    soffice, pdftotext, pdfinfo = (shutil.which(n) for n in ("soffice", "pdftotext", "pdfinfo"))
    assert soffice and pdftotext and pdfinfo, "LibreOffice and poppler-utils print the workbook"
    header = ["FirstCol", *(f"ستون شمارهٔ {i}" for i in range(1, 15)), "LastCol"]
    rows = [[f"r{n}", *(f"خانهٔ {n}-{i}" for i in range(1, 15)), n] for n in range(1, 201)]
    source = tmp_path / "long.xlsx"
    source.write_bytes(workbook_xlsx([SheetSpec("برگه", header, rows)]))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    pdf = tmp_path / "long.pdf"
    info = subprocess.run(
        [pdfinfo, "-f", "1", "-l", "999", str(pdf)], capture_output=True, check=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) > 1, info  # 200 rows take more than one page down
    assert all(float(w) > float(h) for w, h in sizes), sizes  # landscape
    for page in range(1, len(sizes) + 1):
        text = subprocess.run(
            [pdftotext, "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        # one page wide: the first and the last column on every page, under the header
        assert "FirstCol" in text and "LastCol" in text, (page, text[:200])


def test_text_wider_than_a_column_wraps_and_its_row_stands_at_the_top() -> None:
    long_text = "شرح " * 30
    rows = [["کوتاه", long_text, 3], ["کوتاه", "کوتاه", 4]]
    content = workbook_xlsx([SheetSpec("برگه", ["الف", "ب", "ج"], rows)])
    ws = load_workbook(io.BytesIO(content))["برگه"]
    assert ws["B2"].alignment.wrap_text and ws["B2"].alignment.vertical == "top"
    assert ws["A2"].alignment.vertical == "top" and not ws["A2"].alignment.wrap_text
    assert ws["A3"].alignment.vertical is None and not ws["B3"].alignment.wrap_text
    assert ws.column_dimensions["B"].width == 60  # as wide as a column gets
    assert ws.column_dimensions["A"].width == 8 and ws["B2"].value == long_text
