"""Import templates have one header row and no HXL hashtag row (office staff fill them
in; HXL belongs to the HXL feeds and CSVs), and a filled template some office still
holds from before — with the hashtag row under its header — still imports the same
rows (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import is_dataclass, replace
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from data_layer.commands.agencies import name_keys
from data_layer.db import read_session
from data_layer.documents.backlog_template import backlog_template_xlsx
from data_layer.documents.people_template import people_template_xlsx
from data_layer.documents.templates import agency_template_xlsx, neighborhood_template_xlsx
from data_layer.input.agencies import AGENCY_COLUMNS, read_agency_file
from data_layer.input.backlog import COLUMNS as BACKLOG_COLUMNS
from data_layer.input.backlog import read_backlog_file
from data_layer.input.neighborhoods import COLUMNS as NEIGHBORHOOD_COLUMNS
from data_layer.input.neighborhoods import read_neighborhood_file
from data_layer.input.people import COLUMNS as PEOPLE_COLUMNS
from data_layer.input.people import read_people_file
from data_layer.input.sheet import Column

Reader = Callable[[str, bytes, Any], Any]
TEMPLATES: dict[str, tuple[Callable[[], bytes], tuple[Column, ...], Reader, bool]] = {
    # name: (template, its columns, its reader, whether the reader takes name keys)
    "agencies": (agency_template_xlsx, tuple(AGENCY_COLUMNS), read_agency_file, True),
    "neighborhoods": (
        neighborhood_template_xlsx,
        tuple(NEIGHBORHOOD_COLUMNS),
        read_neighborhood_file,
        False,
    ),
    "backlog": (backlog_template_xlsx, tuple(BACKLOG_COLUMNS), read_backlog_file, False),
    "people": (people_template_xlsx, tuple(PEOPLE_COLUMNS), read_people_file, False),
}


def _with_hxl_row(content: bytes, columns: tuple[Column, ...]) -> bytes:
    """The template as it was written before: the hashtags in row 2, under the header."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    sheet.insert_rows(2)
    for i, column in enumerate(columns, start=1):
        sheet.cell(row=2, column=i, value=column.hxl)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unnumbered(clean: list[Any]) -> list[Any]:
    """The cleaned rows without the row number some of them carry."""
    return [replace(c, row=0) if is_dataclass(c) and hasattr(c, "row") else c for c in clean]


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_no_template_holds_a_hashtag(name: str) -> None:
    template, columns, _, _ = TEMPLATES[name]
    assert any(c.hxl for c in columns)  # the importer still knows the tags
    book = load_workbook(io.BytesIO(template()))
    for sheet in book.worksheets:
        assert sheet.freeze_panes in (None, "A2"), sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        for row in sheet.iter_rows(values_only=True):
            assert not any(str(v).lstrip().startswith("#") for v in row if v), (sheet.title, row)


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_a_template_with_the_old_hashtag_row_imports_the_same_rows(
    name: str, minutes_url: str
) -> None:
    template, columns, reader, takes_keys = TEMPLATES[name]
    new = template()
    old = _with_hxl_row(new, columns)
    with read_session(minutes_url) as s:
        context = name_keys(s) if takes_keys else s
        now, before = reader("template.xlsx", new, context), reader("template.xlsx", old, context)
    assert now.rows, "the template's example rows are read"
    assert _unnumbered(before.clean) == _unnumbered(now.clean) and before.rows == now.rows
    assert before.columns == now.columns and not now.ignored_columns
    assert now.row_numbers[0] == 2  # the first example row is right under the header
    assert before.row_numbers == [n + 1 for n in now.row_numbers]  # under the hashtags
    assert [e.field for e in before.errors] == [e.field for e in now.errors]
