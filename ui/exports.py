"""Download buttons: coverage, gaps, deliveries and capacity as Excel, or CSV with HXL."""

from __future__ import annotations

from typing import Any

import streamlit as st

from data_layer.db import read_session
from data_layer.documents.names import file_name, jalali_stamp
from data_layer.exports import all_tables, to_csv_with_hxl, to_xlsx
from data_layer.jalali import local_today
from data_layer.permissions import Readable, Reader, Scope, can_read
from ui.cache import loader
from ui.freshness import current_version


@loader(spinner="در حال ساخت پرونده‌ها…", keep=2)
def _files(url: str, scope: Scope, day: str, version: int) -> dict[str, Any]:
    """The workbook and one CSV per table (a few entries kept: they are large)."""
    with read_session(url) as s:
        tables = all_tables(s, scope.county_id)
    return {
        "xlsx": to_xlsx(tables),
        "csv": {name: to_csv_with_hxl(df, tags) for name, (df, tags) in tables.items()},
    }


def export_buttons(url: str, reader: Reader, key: str) -> None:
    """An Excel workbook of every table, and each table as a CSV with an HXL row (for a
    reader who may take them).

    Built on request: writing the workbook costs more than the rest of the screen.
    """
    if not can_read(reader, Readable.EXPORTS, reader.scope):
        return
    day = local_today().isoformat()
    stamp = jalali_stamp(local_today())
    st.markdown("##### دریافت داده‌ها")
    st.caption(
        "اکسل: هر جدول در یک برگه. CSV: سطر دوم برچسب‌های HXL دارد تا ابزارهای"
        " «چه کسی، چه کاری، کجا» آن را بخوانند."
    )
    if not st.session_state.get(f"{key}_export_ready"):
        if st.button("ساخت پرونده‌های اکسل و CSV", key=f"{key}_build", icon=":material/download:"):
            st.session_state[f"{key}_export_ready"] = True
            st.rerun()
        return
    files = _files(url, reader.scope, day, current_version(url))
    cols = st.columns(1 + len(files["csv"]))
    cols[0].download_button(
        "اکسل (همه)",
        files["xlsx"],
        file_name=file_name("داده‌های پوشش", stamp, ext="xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    for i, (name, data) in enumerate(files["csv"].items(), start=1):
        cols[i].download_button(
            f"CSV {name}",
            data,
            file_name=file_name(name, stamp, ext="csv"),
            mime="text/csv",
            key=f"{key}_csv_{i}",
            on_click="ignore",
        )
