"""The import pipeline (data_layer/input/pipeline.py) as a next import would use it: a
small import of its own, declared in a few lines, reads a file, reports every problem by
row and column, writes nothing while any row is wrong, and checks its rows again at the
commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from data_layer.errors import FieldError, ValidationError
from data_layer.input.check import Check
from data_layer.input.pipeline import (
    NOTHING_TO_IMPORT,
    ImportPreview,
    SheetImport,
    check_each,
    import_reason,
    rows_to_commit,
)
from data_layer.input.sheet import FILE_FIELD, Column

COLUMNS = (
    Column("name", "نام شاخص", True, "#indicator+name", ("شاخص",)),
    Column("value", "مقدار", True, "#indicator+num", ("value",)),
)
LABELS = {c.field: c.label for c in COLUMNS}


@dataclass
class IndicatorPreview(ImportPreview[dict[str, object], dict[str, Any]]):
    """The toy import's preview: its rows plus the total it would add."""

    total: int = 0
    taken: set[str] = field(default_factory=set)


def check_rows(
    rows: list[dict[str, object]], numbers: list[int], taken: set[str]
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    def one(raw: dict[str, object], number: int, check: Check) -> dict[str, Any]:
        name = check.text("name", raw.get("name"), limit=50, required=True)
        if name in taken:
            check.add("name", f"«{name}» پیش‌تر ثبت شده است.")
        return {"name": name, "value": check.whole("value", raw.get("value"), low=0, high=100)}

    return check_each(rows, numbers, LABELS, one)


def check(preview: IndicatorPreview, taken: set[str]) -> None:
    preview.clean, preview.errors = check_rows(preview.rows, preview.row_numbers, taken)
    preview.total = sum(c["value"] for c in preview.clean)


INDICATORS = SheetImport(COLUMNS, 1024 * 1024, 10, "شاخص", IndicatorPreview, check)


def csv(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


def test_a_clean_file_is_a_preview_ready_to_commit() -> None:
    preview = INDICATORS.read("شاخص‌ها.csv", csv("شاخص,مقدار", "الف,۱۲", "ب,30"), set())
    assert preview.ok and preview.errors == []
    assert preview.clean == [{"name": "الف", "value": 12}, {"name": "ب", "value": 30}]
    assert preview.row_numbers == [2, 3] and preview.total == 42
    assert preview.columns == ["نام شاخص", "مقدار"]


def test_every_problem_is_given_by_row_and_column_and_nothing_is_ready() -> None:
    content = csv("نام شاخص,مقدار,یادداشت", "الف,۱۲,x", ",۵۰۰,y", "ب,3,z")
    preview = INDICATORS.read("شاخص‌ها.csv", content, {"ب"})
    assert not preview.ok and preview.clean == [{"name": "الف", "value": 12}]
    assert [(e.row, e.field) for e in preview.errors] == [
        (3, "نام شاخص"),
        (3, "مقدار"),
        (4, "نام شاخص"),
    ]
    assert all(e.message.startswith(f"سطر {'۳' if e.row == 3 else '۴'}: ") for e in preview.errors)
    assert preview.ignored_columns == ["یادداشت"]  # said, not dropped in silence
    with pytest.raises(ValidationError) as refused:
        rows_to_commit(preview, lambda rows, numbers: check_rows(list(rows), numbers, set()))
    assert refused.value.errors == preview.errors


def test_a_file_without_a_required_column_stops_before_any_row_is_checked() -> None:
    preview = INDICATORS.read("x.csv", csv("نام شاخص", "الف"), set())
    assert [e.field for e in preview.errors] == [FILE_FIELD] and "«مقدار»" in preview.errors[
        0
    ].message
    assert preview.rows == [] and not preview.ok


def test_the_commit_checks_the_rows_again_as_the_database_is_now() -> None:
    preview = INDICATORS.read("شاخص‌ها.csv", csv("شاخص,مقدار", "الف,1", "ب,2"), set())
    assert preview.ok
    with pytest.raises(ValidationError) as refused:  # «ب» was registered since the preview
        rows_to_commit(preview, lambda rows, numbers: check_rows(list(rows), numbers, {"ب"}))
    assert [(e.row, e.field) for e in refused.value.errors] == [(3, "نام شاخص")]
    clean = rows_to_commit(preview, lambda rows, numbers: check_rows(list(rows), numbers, set()))
    assert [c["name"] for c in clean] == ["الف", "ب"]


def test_rows_handed_over_without_a_file_count_from_row_two() -> None:
    seen: list[list[int]] = []

    def recheck(rows: Any, numbers: list[int]) -> tuple[list[Any], list[FieldError]]:
        seen.append(numbers)
        return list(rows), []

    preview = IndicatorPreview(rows=[{"name": "الف"}, {"name": "ب"}])
    assert not preview.checked
    assert rows_to_commit(preview, recheck) == preview.rows and seen == [[2, 3]]


def test_an_empty_preview_is_refused_with_the_reason() -> None:
    with pytest.raises(ValidationError) as refused:
        rows_to_commit(IndicatorPreview(), lambda rows, numbers: ([], []))
    assert [(e.field, e.message) for e in refused.value.errors] == [(FILE_FIELD, NOTHING_TO_IMPORT)]


def test_the_history_reason_names_the_file() -> None:
    assert import_reason(IndicatorPreview(filename="الف.xlsx")) == "ورود از پروندهٔ «الف.xlsx»"
    assert import_reason(IndicatorPreview(), "ورود سوابق") == "ورود سوابق از پرونده"


def test_a_row_is_never_dropped_without_a_problem_to_show() -> None:
    with pytest.raises(ValueError, match="row 3"):
        check_each(
            [{"name": "الف"}, {"name": "ب"}],
            [2, 3],
            LABELS,
            lambda raw, n, c: None if n == 3 else raw,
        )
