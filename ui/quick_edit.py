"""The liaison's Excel-like table: what changed in it, as row updates for one save.

Only the rows this page showed, and only their editable columns, can turn into
updates; a table that came back with other rows or other columns (a tampered or
out-of-date payload) is refused whole, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import pandas as pd

from data_layer.commands.assignments import AssignmentChanges, RowUpdate
from data_layer.errors import UserFacingError
from data_layer.jalali import format_jalali
from data_layer.jalali import to_fa_digits as fa
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS, VERIFICATION_LABELS

__all__ = [
    "COLUMN_ORDER",
    "TableMismatch",
    "quick_export",
    "quick_table",
    "row_labels",
    "row_updates",
]

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


def row_labels(rows: pd.DataFrame) -> list[str]:
    """«جلسه ۷، مصوبه ۱۰ — text…» of each row, for pickers and messages."""
    return [
        f"جلسه {fa(m)}، مصوبه {fa(n)} — {text if len(text) < 70 else text[:68] + '…'}"
        for m, n, text in zip(
            rows["meeting_number"], rows["resolution_number"], rows["resolution_text"], strict=True
        )
    ]


def quick_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as the grid holds them, in a Persian reader's order (the resolution
    first): the grid's own «download as CSV» writes them so. Progress is text in Persian
    digits, as every number a person edits (the command reads digits in any script).
    The grid draws its columns left to right, so the page shows them in COLUMN_ORDER,
    this order reversed (the resolution on the right)."""
    return pd.DataFrame(
        {
            "مصوبه": row_labels(rows),
            "تأخیر": [OVERDUE_LABEL if o else "" for o in rows["overdue"]],
            "تأیید دبیرخانه": [VERIFICATION_LABELS[v] for v in rows["verification"]],
            "وضعیت": [STATUS_LABELS[s] for s in rows["status"]],
            "پیشرفت ٪": [fa(int(p)) for p in rows["progress"]],  # Persian digits, as typed
            "اقدامات انجام‌شده": rows["done_text"].tolist(),
            "گام بعدی": rows["next_step"].tolist(),
            "تاریخ برنامه": [format_jalali(d) if pd.notna(d) else "" for d in rows["planned_date"]],
            "دلیل تغییر تاریخ": [""] * len(rows),
        },
        index=rows["id"].astype(int).tolist(),
    )


def quick_export(rows: pd.DataFrame) -> pd.DataFrame:
    """The grid's columns for «دریافت CSV», as saved: in a Persian reader's order (the
    resolution first, where the grid's own download wrote them right to left), progress
    a number, the planned date Jalali («۱۴۰۵/۱۰/۱۵»: text no spreadsheet mistakes for a
    Gregorian date). The reason for a new date is an input of the next save, not a
    saved value: left out."""
    table = quick_table(rows).drop(columns=["دلیل تغییر تاریخ"])
    table["پیشرفت ٪"] = [int(p) for p in rows["progress"]]
    return table.reset_index(drop=True)


COLUMN_ORDER: tuple[str, ...] = (
    "دلیل تغییر تاریخ",
    "تاریخ برنامه",
    "گام بعدی",
    "اقدامات انجام‌شده",
    "پیشرفت ٪",
    "وضعیت",
    "تأیید دبیرخانه",
    "تأخیر",
    "مصوبه",
)
"""The grid's columns on screen, left to right: the reader's first column last."""


class TableMismatch(UserFacingError):
    """The edited table is not the table that was shown."""

    def __init__(self) -> None:
        super().__init__(_MISMATCH)


def _blank(value: object) -> bool:
    missing = not isinstance(value, str) and bool(pd.isna(value))  # type: ignore[call-overload]
    return value is None or missing or value == ""


def _number(value: object) -> float | None:
    """A cell's value as a number when the grid holds one (progress)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Integral | Real):
        return None
    return float(value)


def _same(a: object, b: object) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        return x == y
    return str(a) == str(b)


def _plain(value: object) -> object:
    """A whole number the grid handed back as 40.0 or numpy's 40 becomes 40."""
    number = _number(value)
    return int(number) if number is not None and number.is_integer() else value


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
                value: Any = "" if _blank(after[column]) else _plain(after[column])
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
