"""Does the server answer other people while a long scan is read?

    python -m bench.ocr_responsiveness

In one process (as in the Streamlit server, where the scan worker thread lives),
the overview page is run with AppTest (one script run on a warm cache, and one on
an empty cache) again and again: first with nothing else running, then while
`scan_jobs` reads a 20-page scan (the 7th meeting's two pages repeated, 200 dpi
OCR), until that job ends. Medians and the 90th percentile of each, in seconds.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.minutes_files import minutes_docx, office_pdf, scanned
from data_layer.input.scan_jobs import job, start_scan
from data_layer.seed import seed

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _run(cold: bool) -> float:
    if cold:
        st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=600)
    start = time.perf_counter()
    at.run()
    took = time.perf_counter() - start
    if at.exception:
        raise RuntimeError([e.message for e in at.exception])
    return took


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{statistics.median(samples):.2f} s (90%: {p90:.2f} s, n={len(samples)})"


def _twenty_pages(pdf: bytes) -> bytes:
    import io

    pages = []
    one = scanned(pdf, 200)
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    doc = pdfium.PdfDocument(one)
    images = [doc[i].render(scale=200 / 72, grayscale=True).to_pil() for i in range(len(doc))]
    doc.close()
    while len(pages) < 20:
        pages.extend(images)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=200, save_all=True, append_images=pages[1:20])
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
        seed(os.environ["DATABASE_URL"])
        scan = _twenty_pages(office_pdf(minutes_docx(), Path(folder), "ruled"))
        for _ in range(2):
            _run(cold=True)  # warm-up: imports, cache_resource
        idle = {"warm": [_run(False) for _ in range(8)], "cold": [_run(True) for _ in range(8)]}
        scan_job = job(start_scan("scan.pdf", ".pdf", scan, max_pages=20))
        assert scan_job is not None
        busy: dict[str, list[float]] = {"warm": [], "cold": []}
        started = time.perf_counter()
        while not scan_job.ended.is_set():
            busy["warm"].append(_run(False))
            busy["cold"].append(_run(True))
        ocr = time.perf_counter() - started
        assert scan_job.table is not None, scan_job.problem
        print(f"20-page scan read in the background: {ocr:.1f} s ({ocr / 20:.1f} s per page)")
        print("| overview, one script run | idle | while the scan is read |")
        print("|---|---|---|")
        for kind in ("warm", "cold"):
            print(f"| {kind} cache | {_summary(idle[kind])} | {_summary(busy[kind])} |")


if __name__ == "__main__":
    main()
