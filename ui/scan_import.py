"""A scanned minutes file (PDF of images, JPEG, PNG): read by OCR in the background,
then every cell's text beside its picture for the secretariat to correct, then the
same preview and commit as a Word file (ui/minutes_import.py)."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from data_layer.input.minutes import MinutesPreview, minutes_from_grids
from data_layer.input.ocr import MAX_PAGES, ScanTable
from data_layer.input.scan_jobs import ScanJob, job, start_scan
from data_layer.jalali import format_number
from data_layer.output import inert
from data_layer.queries.agencies import agency_refs
from ui.imports import read_upload

__all__ = ["scan_preview"]

_JOB = "scan_job"  # (upload fingerprint, job id)
_READ = "scan_preview"


def _fingerprint(upload: Any) -> str:
    return hashlib.sha256(upload.getvalue()).hexdigest()[:16] + str(upload.name)


def _job_of(upload: Any) -> ScanJob | None:
    """The background job reading this upload, started on first sight."""
    mark = _fingerprint(upload)
    kept = st.session_state.get(_JOB)
    if not kept or kept[0] != mark or job(kept[1]) is None:
        ext = "." + upload.name.rsplit(".", 1)[-1].lower()
        st.session_state[_JOB] = (
            mark,
            start_scan(upload.name, ext, upload.getvalue(), max_pages=MAX_PAGES),
        )
        st.session_state.pop(_READ, None)
    return job(st.session_state[_JOB][1])


@st.fragment(run_every=1.0)
def _progress(job_id: str) -> None:
    """The job's progress, redrawn every second; the whole page once it is done."""
    scan = job(job_id)
    if scan is None or scan.finished:
        st.rerun(scope="app")
        return
    share = scan.done / scan.pages if scan.pages else 0.0
    pages = (
        f" (صفحهٔ {format_number(scan.done + 1)} از {format_number(scan.pages)})"
        if scan.pages
        else ""
    )
    st.progress(min(share, 1.0), text=f"خواندن تصویر صورتجلسه: {scan.step}{pages}")


def _cells(scan: ScanTable, key: str) -> list[list[str]]:
    """Every cell's picture beside its text, editable; doubtful cells marked."""
    doubtful = sum(c.doubtful for row in scan.rows for c in row)
    st.markdown(
        "متن هر خانهٔ جدول را کنار تصویر آن بخوانید و هر جا لازم است اصلاح کنید؛ سپس"
        " «خواندن جدول اصلاح‌شده» را بزنید."
    )
    if doubtful:
        st.warning(
            f"{format_number(doubtful)} خانه با نشان ⚠ خوانش مطمئنی ندارد؛ آن‌ها را با دقت"
            " بیشتری بازبینی کنید."
        )
    grid: list[list[str]] = []
    for r, row in enumerate(scan.rows):
        values = []
        columns = st.columns(len(row))
        for c, (cell, column) in enumerate(zip(row, columns, strict=True)):
            with column:
                st.image(cell.crop, width="stretch")
                mark = "⚠ " if cell.doubtful else ""
                values.append(
                    st.text_area(
                        f"{mark}ردیف {format_number(r + 1)}، ستون {format_number(c + 1)}",
                        value=cell.text,
                        key=f"{key}_{r}_{c}",
                        height=68,
                    )
                )
        grid.append(values)
    return grid


def scan_preview(url: str, upload: Any) -> MinutesPreview | None:
    """The preview of a scan: None while it is read or until the secretariat has
    reviewed its cells (or after saying, in Persian, why it cannot be read)."""
    scan = _job_of(upload)
    if scan is None:
        return None
    if not scan.finished:
        _progress(scan.id)
        return None
    if scan.problem or scan.table is None:
        st.error(inert(scan.problem))
        return None
    grid = _cells(scan.table, f"scan_{scan.id[:8]}")
    if st.button("خواندن جدول اصلاح‌شده", key="scan_read"):
        st.session_state.pop(_READ, None)
        st.session_state["scan_reviewed"] = scan.id
    if st.session_state.get("scan_reviewed") != scan.id:
        return None
    return read_upload(
        url,
        upload,
        None,
        lambda s: minutes_from_grids(upload.name, "scan", [grid], agency_refs(s)),
    )
