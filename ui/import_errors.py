"""The one way an import shows a file it refused: how many problems, then each by row
and column, «سطر» as Excel numbers it (a canvas table: what the file held is shown as text)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from data_layer.errors import FieldError
from data_layer.jalali import format_number, to_fa_digits

__all__ = ["show_import_errors"]


def show_import_errors(errors: Sequence[FieldError], nothing: str) -> None:
    """«N خطا؛ <nothing>» and the table of problems (row «—»: the file as a whole)."""
    st.error(f"{format_number(len(errors))} خطا؛ {nothing}")
    st.dataframe(
        pd.DataFrame(
            {
                "خطا": [e.message for e in errors],
                "ستون": [e.field for e in errors],
                "سطر": [to_fa_digits(e.row) if e.row else "—" for e in errors],
            }
        ),
        hide_index=True,
        width="stretch",
    )
