"""Indicator values as a feed (CSV with HXL) and in the Excel export: every value, the
HXL row, and hostile text in every indicator field kept as text (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from data_layer.db import read_session
from data_layer.exports import SHEET_NAMES, all_tables, indicators_table, to_xlsx
from tests.hostile import plant_indicators
from web.feeds import FEEDS, feed_csv


def _rows(url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(feed_csv(url, "indicators").decode("utf-8-sig"))))


def test_the_indicators_feed_has_persian_headers_hxl_and_every_value(seeded_url: str) -> None:
    assert "indicators" in FEEDS
    rows = _rows(seeded_url)
    header, tags, body = rows[0], rows[1], rows[2:]
    assert header[:5] == ["شهرستان", "کد محله", "محله", "کد شاخص", "شاخص"]
    assert tags[:5] == [
        "#adm2+name",
        "#loc+code",
        "#loc+name",
        "#indicator+code",
        "#indicator+name",
    ]
    assert "#indicator+value+num" in tags and "#date+period" in tags and "#date+end" in tags
    with read_session(seeded_url) as s:
        df, _ = indicators_table(s)
    assert len(body) == len(df) > 0
    period = header.index("دوره")
    assert {r[period].split(" ")[0] for r in body} <= {"بهار", "تابستان", "پاییز", "زمستان", "سال"}
    end = header.index("تا تاریخ")
    assert all(len(r[end]) == 10 and r[end][4] == "-" for r in body)  # ISO dates


def test_hostile_indicator_text_stays_text_in_the_feed_and_the_workbook(seeded_url: str) -> None:
    p = plant_indicators(seeded_url)
    rows = _rows(seeded_url)
    header = rows[0]
    mine = [r for r in rows[2:] if r[header.index("کد شاخص")] == str(p.indicator_id)]
    assert len(mine) == 1
    name, unit = mine[0][header.index("شاخص")], mine[0][header.index("واحد شاخص")]
    for typed, cell in ((p.texts["name"], name), (p.texts["unit"], unit)):
        # a cell a spreadsheet would run is quoted; otherwise exactly as typed
        assert cell in (typed, "'" + typed)
    assert all(not c.startswith(("=", "+", "@")) for r in rows[2:] for c in r)
    with read_session(seeded_url) as s:
        book = load_workbook(io.BytesIO(to_xlsx(all_tables(s))))
    ws = book[SHEET_NAMES["indicators"]]
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value in (p.texts["name"], "'" + p.texts["name"]) for c in cells)
