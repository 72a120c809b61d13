"""Reading scans outside the page's script run: one worker thread per process, jobs by id.

OCR takes seconds per page; a page that waited for it would hold its session's
script run and, with several scans at once, the server's threads. A job is queued
here and the page polls its state by id (kept in the person's session): the server
answers other people meanwhile. One scan is read at a time (Tesseract uses a core
per page); finished jobs are kept for `KEEP_SECONDS` and then dropped.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from data_layer.input.files import FileProblem
from data_layer.input.ocr import ScanTable, read_scan

__all__ = ["ScanJob", "job", "start_scan"]

KEEP_SECONDS = 3600
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan")
_JOBS: dict[str, ScanJob] = {}
_LOCK = threading.Lock()


@dataclass
class ScanJob:
    """A scan being read: how far it got, then its table or the Persian reason it failed."""

    id: str
    filename: str
    done: int = 0
    pages: int = 0
    step: str = "در صف خواندن"
    table: ScanTable | None = None
    problem: str = ""
    finished_at: float | None = None
    ended: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def _progress(self, done: int, pages: int, step: str) -> None:
        with self._lock:
            self.done, self.pages, self.step = done, pages, step


def _run(scan: ScanJob, ext: str, content: bytes, max_pages: int) -> None:
    try:
        scan.table = read_scan(ext, content, max_pages=max_pages, progress=scan._progress)
    except FileProblem as e:
        scan.problem = f"پروندهٔ «{scan.filename}» {e.message}"
    except Exception:  # the worker must never die silently: the page says it failed
        scan.problem = (
            f"خواندن پروندهٔ «{scan.filename}» ناتمام ماند؛ دوباره بارگذاری کنید یا مصوبات را"
            " دستی وارد کنید."
        )
    finally:
        scan.finished_at = time.monotonic()
        scan.ended.set()


def _forget_old() -> None:
    now = time.monotonic()
    for key in [
        k for k, j in _JOBS.items() if j.finished_at and now - j.finished_at > KEEP_SECONDS
    ]:
        del _JOBS[key]


def start_scan(filename: str, ext: str, content: bytes, *, max_pages: int) -> str:
    """Queue a scan for reading; its job id."""
    scan = ScanJob(uuid.uuid4().hex, filename)
    with _LOCK:
        _forget_old()
        _JOBS[scan.id] = scan
    _POOL.submit(_run, scan, ext, content, max_pages)
    return scan.id


def job(job_id: str) -> ScanJob | None:
    """The job, or None when it is unknown (dropped, or started by another process)."""
    with _LOCK:
        return _JOBS.get(job_id)
