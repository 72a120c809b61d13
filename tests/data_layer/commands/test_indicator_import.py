"""The indicator values import: template → read → errors by row and column → commit,
with nothing written while any row is wrong (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import col, select

from data_layer.commands.indicators import import_indicator_values
from data_layer.db import read_session, write_session
from data_layer.documents.templates import indicator_values_template_xlsx
from data_layer.errors import ValidationError
from data_layer.input.indicator_values import VALUE_IMPORT, ImportPreview, read_value_keys
from data_layer.models_indicators import IndicatorValue
from data_layer.permissions import Actor
from tests.data_layer.commands.test_indicators import World, define, world  # noqa: F401
from tests.hostile import CORPUS

TODAY = date(2026, 11, 28)
HEADER = ["شهرستان", "محله", "شاخص", "دوره", "مقدار", "صورت", "مخرج", "توضیح"]


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview_of(w: World, content: bytes, who: Actor) -> ImportPreview:
    with read_session(w.url) as s:
        keys = read_value_keys(s, today=TODAY, agency_id=who.agency_id)
        return VALUE_IMPORT.read("values.xlsx", content, keys)


def stored(w: World) -> list[tuple[object, ...]]:
    with read_session(w.url) as s:
        return [
            (v.neighborhood_id, v.period_year, v.period_no, v.value, v.source, v.note)
            for v in s.execute(select(IndicatorValue).order_by(col(IndicatorValue.id))).scalars()
        ]


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    world: World,  # noqa: F811
) -> None:
    define(world)
    content = sheet(
        [
            ["مرکزی", "الف", "نرخ باسوادی", "بهار ۱۴۰۵", 45, None, None, ""],  # row 2: good
            ["مرکزی", "ناکجا", "نرخ باسوادی", "بهار ۱۴۰۵", 45, None, None, ""],  # 3: no such place
            ["مرکزی", "ب", "شاخص گمشده", "بهار ۱۴۰۵", 45, None, None, ""],  # 4: no such indicator
            ["مرکزی", "ب", "نرخ باسوادی", "زمستان ۱۴۰۵", 45, None, None, ""],  # 5: future
            ["مرکزی", "ب", "نرخ باسوادی", "تابستان ۱۴۰۵", None, 3, 0, ""],  # 6: zero denominator
            ["مرکزی", "ب", "نرخ باسوادی", "پاییز ۱۴۰۵", 120, None, None, ""],  # 7: above 100
        ]
    )
    preview = preview_of(world, content, world.people["editor"])
    assert not preview.ok
    found = [(e.row, e.field) for e in preview.errors]
    assert found == [(3, "محله"), (4, "شاخص"), (5, "دوره"), (6, "مخرج"), (7, "مقدار")]
    assert all(
        e.message.startswith(f"سطر {n}") for e, n in zip(preview.errors, "۳۴۵۶۷", strict=True)
    )
    with write_session(world.url) as s, pytest.raises(ValidationError):
        import_indicator_values(s, actor=world.people["editor"], preview=preview)
    assert stored(world) == []


def test_a_clean_file_is_written_with_its_source_and_text_stays_text(
    world: World,  # noqa: F811
) -> None:
    define(world)
    note = CORPUS[2]  # raw HTML
    content = sheet(
        [
            ["مرکزی", "الف", "نرخ باسوادی", "بهار ۱۴۰۵", "۴۵٫۵", None, None, note],
            [None, "ب", "نرخ باسوادی", "بهار 1405", None, 120, 240, None],
        ]
    )
    preview = preview_of(world, content, world.people["editor"])
    assert preview.ok, preview.errors
    assert (preview.new_count, preview.changed_count) == (2, 0)
    with write_session(world.url) as s:
        assert import_indicator_values(s, actor=world.people["editor"], preview=preview) == 2
    rows = stored(world)
    assert [r[3] for r in rows] == [45.5, 50.0]
    assert rows[0][4] == "اکسل: values.xlsx"
    assert rows[0][5] == note


def test_the_template_is_prefilled_and_reads_back(world: World) -> None:  # noqa: F811
    define(world)
    content = indicator_values_template_xlsx([("مرکزی", "الف", "نرخ باسوادی", "بهار ۱۴۰۵")])
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in ws[1]] == HEADER
    assert str(ws.cell(2, 1).value).startswith("#")
    assert [c.value for c in ws[3]][:4] == ["مرکزی", "الف", "نرخ باسوادی", "بهار ۱۴۰۵"]
    preview = preview_of(world, content, world.people["editor"])
    # the value is left blank for the agency: the row asks for it, nothing is dropped
    assert [(e.row, e.field) for e in preview.errors] == [(3, "مقدار")]
