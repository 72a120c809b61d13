"""The one import pipeline: template -> read -> check by row and column -> preview ->
one-transaction commit. Every import is an instance of it.

1. **Template.** An import declares its `Column`s (input/sheet.py: the Persian header,
   the HXL tag, the synonyms it accepts). The workbook people fill in is written from
   them (documents/templates.py), so the template and the reader cannot disagree.
2. **Read.** `SheetImport.read` turns the file into raw rows by field
   (`read_sheet`); a problem with the file as a whole (its type or size, a missing or
   repeated column, no rows, too many rows) stops it there, as a FieldError of the
   field «پرونده».
3. **Check.** The import's `check(preview, context)` checks every row, usually with
   `check_each`: one `Check` per row, so every problem names its row as Excel shows it
   and its column by its Persian header, and a row with several problems gives them
   all. It then checks the rows against each other and against what is stored (read
   through `context`: a session, or keys read from one) and fills `preview.clean`
   (plus whatever summary its preview adds) or `preview.errors`. Nothing is written.
4. **Preview.** The `ImportPreview` (subclassed by an import that shows more than its
   rows) is what the screen shows (ui/imports.py): every error by row and column, or
   the clean rows and the confirm button. `ok` is true only with rows and no error.
5. **Commit.** The import's command (data_layer/commands/) runs in the caller's one
   transaction and starts with `rows_to_commit(preview, recheck)`: a preview that is
   not ok is refused, and the rows are checked again against the database as it is now
   (someone may have written since the preview); any problem raises ValidationError
   before anything is written. It then writes every row, with history whose reason is
   `import_reason(preview)`.

A new import (indicators, PDF minutes) is one more instance: its columns and limits, a
row type and a check, a command that begins with `rows_to_commit`, and an
`ui.imports.ImportScreen` for its tab. An import whose file is not a sheet (the
meeting's Word minutes, input/minutes.py) has its own reader and uses steps 3 to 5.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from data_layer.errors import FieldError, ValidationError
from data_layer.input.check import Check
from data_layer.input.sheet import FILE_FIELD, Column, read_sheet, row_errors

__all__ = [
    "NOTHING_TO_IMPORT",
    "ImportPreview",
    "SheetImport",
    "check_each",
    "import_reason",
    "rows_to_commit",
]

NOTHING_TO_IMPORT = "پرونده هیچ ردیفی برای ورود ندارد؛ ابتدا پرونده را بخوانید."

R = TypeVar("R")  # a row as read
C = TypeVar("C")  # a row as checked
K = TypeVar("K")  # what a check reads the stored data through
P = TypeVar("P", bound="ImportPreview[Any, Any]")


@dataclass
class ImportPreview(Generic[R, C]):
    """What a file holds, checked, before anything is written.

    `rows` are the non-empty data rows as read and `row_numbers` their rows as Excel
    shows them (the header is row 1); `clean` holds the checked rows when no row has a
    problem; `errors` every problem (row = the Excel row and field = the Persian column
    name, or row None and field «پرونده» for the file as a whole); `columns` the
    columns found, in the file's order, and `ignored_columns` those it does not read.
    """

    filename: str = ""
    rows: list[R] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    clean: list[C] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is at least one row and no problem at all."""
        return not self.errors and bool(self.rows)

    @property
    def checked(self) -> bool:
        """Whether `clean` holds every row (a preview the reader made, not rows handed
        over without a file)."""
        return len(self.clean) == len(self.rows)

    def numbers(self) -> list[int]:
        """Each row's Excel row; rows handed over without a file count from row 2."""
        if len(self.row_numbers) == len(self.rows):
            return list(self.row_numbers)
        return list(range(2, len(self.rows) + 2))


def check_each(
    rows: Sequence[R],
    numbers: Sequence[int],
    labels: Mapping[str, str],
    check_row: Callable[[R, int, Check], C | None],
) -> tuple[list[C], list[FieldError]]:
    """Every row checked on its own `Check` (rows before it may be remembered by
    `check_row`): (the clean rows, every problem by row and column).

    `check_row(row, number, check)` puts each problem in `check` and returns the clean
    row; it may return None only with a problem in `check`.
    """
    clean: list[C] = []
    errors: list[FieldError] = []
    for row, number in zip(rows, numbers, strict=True):
        check = Check(labels, row=number)
        value = check_row(row, number, check)
        if check:
            errors.extend(row_errors(check, number))
        elif value is None:  # a row is never dropped without a reason
            raise ValueError(f"row {number} was refused without a problem to show")
        else:
            clean.append(value)
    return clean, errors


@dataclass(frozen=True)
class SheetImport(Generic[P, K]):
    """One spreadsheet import: its columns, its limits, its preview and its check.

    `what` names one row in messages («محله», «دستگاه»); `row` makes the preview's row
    from a raw row (field -> cell value); `check(preview, context)` fills the
    preview's clean rows or its errors (see the module's step 3).
    """

    columns: tuple[Column, ...]
    max_bytes: int
    max_rows: int
    what: str
    preview: type[P]
    check: Callable[[P, K], None]
    row: Callable[[dict[str, object]], Any] = dict

    @property
    def labels(self) -> dict[str, str]:
        """Field -> the Persian header (the name of the column in every message)."""
        return {c.field: c.label for c in self.columns}

    def read(self, filename: str, content: bytes, context: K) -> P:
        """Read and check a file (.xlsx or .csv); nothing is written."""
        sheet = read_sheet(
            filename,
            content,
            self.columns,
            max_bytes=self.max_bytes,
            max_rows=self.max_rows,
            what=self.what,
        )
        preview = self.preview(
            filename=sheet.filename,
            rows=[self.row(raw) for raw in sheet.rows],
            row_numbers=sheet.row_numbers,
            errors=sheet.errors,
            columns=sheet.columns,
            ignored_columns=sheet.ignored_columns,
        )
        if not preview.errors:
            self.check(preview, context)
        return preview


def rows_to_commit(
    preview: ImportPreview[R, Any],
    recheck: Callable[[Sequence[R], list[int]], tuple[list[C], list[FieldError]]],
) -> list[C]:
    """The rows a command writes: a preview that is not ok is refused, and its rows are
    checked again by `recheck(rows, numbers)` against the database as it is now; any
    problem raises ValidationError, before anything is written."""
    if not preview.ok:
        raise ValidationError(preview.errors or [FieldError(FILE_FIELD, NOTHING_TO_IMPORT)])
    clean, errors = recheck(preview.rows, preview.numbers())
    if errors:
        raise ValidationError(errors)
    return clean


def import_reason(preview: ImportPreview[Any, Any], doing: str = "ورود") -> str:
    """The history reason of what an import wrote: «ورود از پروندهٔ «…»»."""
    if not preview.filename:
        return f"{doing} از پرونده"
    return f"{doing} از پروندهٔ «{preview.filename}»"[:1000]
