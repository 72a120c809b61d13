"""The liaison's Excel-like table: what changed in it, as row updates for one save.

Only the rows this page showed, and only their editable columns, can turn into
updates; a table that came back with other rows or other columns (a tampered or
out-of-date payload) is refused whole, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from data_layer.commands.assignments import AssignmentChanges, RowUpdate
from data_layer.errors import UserFacingError

__all__ = ["TableMismatch", "row_updates"]

# Column of the table -> the field of AssignmentChanges it edits.
EDITABLE: dict[str, str] = {
    "وضعیت": "status",
    "پیشرفت ٪": "progress",
    "اقدامات انجام‌شده": "done_text",
    "گام بعدی": "next_step",
    "تاریخ برنامه": "planned_date",
    "دلیل تغییر تاریخ": "reschedule_reason",
}
_MISMATCH = (
    "جدول ویرایش‌شده با ردیف‌هایی که این صفحه نشان داده بود جور نیست؛ چیزی ذخیره نشد."
    " «خواندن دوباره» را بزنید و تغییرات را دوباره وارد کنید."
)


class TableMismatch(UserFacingError):
    """The edited table is not the table that was shown."""

    def __init__(self) -> None:
        super().__init__(_MISMATCH)


def _blank(value: object) -> bool:
    missing = not isinstance(value, str) and bool(pd.isna(value))  # type: ignore[call-overload]
    return value is None or missing or value == ""


def _same(a: object, b: object) -> bool:
    if _blank(a) and _blank(b):
        return True
    return not _blank(a) and not _blank(b) and str(a) == str(b)


def row_updates(
    shown: pd.DataFrame,
    edited: pd.DataFrame,
    versions: Mapping[int, int],
    status_codes: Mapping[str, str],
    read_only: Sequence[str],
) -> list[RowUpdate]:
    """The changed rows of `edited` (indexed by assignment id) against the table `shown`.

    Raises TableMismatch when rows or columns differ from what was shown, or a
    read-only column was changed.
    """
    if list(edited.index) != list(shown.index) or list(edited.columns) != list(shown.columns):
        raise TableMismatch
    updates: list[RowUpdate] = []
    for row_id in shown.index:
        before, after = shown.loc[row_id], edited.loc[row_id]
        if any(not _same(before[c], after[c]) for c in read_only):
            raise TableMismatch
        changed: dict[str, Any] = {}
        for column, field in EDITABLE.items():
            if column in shown.columns and not _same(before[column], after[column]):
                value = "" if _blank(after[column]) else after[column]
                changed[field] = status_codes.get(value, value) if field == "status" else value
        reason = after.get("دلیل تغییر تاریخ")
        if changed and not _blank(reason):
            changed["reschedule_reason"] = reason
        if changed and int(row_id) in versions:
            updates.append(
                RowUpdate(int(row_id), versions[int(row_id)], AssignmentChanges(**changed))
            )
        elif changed:
            raise TableMismatch
    return updates
