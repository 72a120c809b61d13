"""The scan screen (ui/scan_import.py) through AppTest: a scan read in the background
(progress shown), its cells beside their pictures with the doubtful ones marked, the
corrected table read into the usual preview and committed, a failed read said in
Persian; markup in what OCR read or what the secretariat typed stays text.

Tesseract is not what is tested here (tests/data_layer/input/test_ocr_minutes.py reads
real scans): the background job's reader is replaced by one that reports progress, then
waits until the test lets it finish with a given table or failure.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.input import scan_jobs
from data_layer.input.files import FileProblem
from data_layer.input.ocr import LOW_CONFIDENCE, OcrCell, ScanTable
from data_layer.jalali import to_fa_digits
from data_layer.models import Meeting, Resolution
from tests.data_layer.commands.test_minutes_import import MINUTES_ROWS
from tests.pages.conftest import messages, page_html
from tests.pages.test_hostile_text_on_screens import assert_inert
from tests.pages.test_minutes_import_page import meeting_8, open_import

HEADER = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری")
ROWS = MINUTES_ROWS[:3]
WAIT = 120  # seconds: a bound for a wait on a condition, never a measure


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (60, 20), 255).save(out, "PNG")
    return out.getvalue()


def _cell(text: str, confidence: float = 95.0) -> OcrCell:
    return OcrCell(text, confidence, _png(), 1)


def table_of(rows: list[tuple[str, str, str]], doubtful: set[tuple[int, int]]) -> ScanTable:
    """A scan's table: the header, then `rows`; the cells at `doubtful` (row, column of
    the body, from 0) read with low confidence."""
    body = [
        [_cell(t, LOW_CONFIDENCE - 30 if (r, c) in doubtful else 95.0) for c, t in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    return ScanTable(1, [[_cell(h) for h in HEADER], *body])


class Reader:
    """Stands for `read_scan` in the background job: says it is reading page 1 of 2,
    then waits for `finish` and returns its table or raises its failure."""

    def __init__(self) -> None:
        self.reading = threading.Event()
        self._go = threading.Event()
        self._result: ScanTable | Exception | None = None

    def __call__(self, ext: str, content: bytes, *, max_pages: int, **kw: Any) -> ScanTable:
        kw["progress"](0, 2, "خواندن خانه‌های جدول")
        self.reading.set()
        assert self._go.wait(WAIT)
        if isinstance(self._result, Exception):
            raise self._result
        assert self._result is not None
        return self._result

    def finish(self, result: ScanTable | Exception) -> None:
        self._result = result
        self._go.set()


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reader]:
    fake = Reader()
    monkeypatch.setattr(scan_jobs, "read_scan", fake)
    yield fake
    fake.finish(RuntimeError("the test ended"))  # never leave the worker waiting


def upload_scan(at: AppTest, name: str) -> AppTest:
    uploader: Any = at.get("file_uploader")
    [box] = [u for u in uploader if u.key == "imp_file"]
    box.set_value((name, _png() + name.encode(), "image/png"))  # a new file each time
    at.run()
    assert not at.exception, at.exception
    return at


def read(make_app: Callable[[str], AppTest], url: str, reader: Reader, name: str) -> AppTest:
    """Upload a scan into meeting 8 and wait until the job is reading it."""
    at = upload_scan(open_import(make_app, url, meeting_8(url)), name)
    assert reader.reading.wait(WAIT)
    return at


def finished(at: AppTest, reader: Reader, result: ScanTable | Exception) -> AppTest:
    """Let the job end with `result`, wait for its end, and show the page again."""
    [(_, job_id)] = [at.session_state["scan_job"]]
    reader.finish(result)
    scan = scan_jobs.job(job_id)
    assert scan is not None and scan.ended.wait(WAIT)
    at.run()
    assert not at.exception, at.exception
    return at


def meeting_8_resolutions(url: str) -> list[tuple[int, str, str]]:
    """(number, text, owners as written) of meeting 8's resolutions, in order."""
    with read_session(url) as s:
        rows = s.exec(
            select(Resolution.number, Resolution.text, Resolution.owners_as_written)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .where(Meeting.number == 8)
            .order_by(Resolution.number)
        ).all()
    return [tuple(r) for r in rows]


def cells(at: AppTest) -> list[Any]:
    """The text boxes of the scan's cells."""
    return [t for t in at.text_area if str(t.key).startswith("scan_")]


def box(at: AppTest, row: int, column: int) -> Any:
    """The text box of a cell (row and column from 1, the header being row 1)."""
    label = f"ردیف {to_fa_digits(row)}، ستون {to_fa_digits(column)}"
    [found] = [t for t in cells(at) if str(t.label).endswith(label)]
    return found


def test_progress_then_cells_marked_then_the_corrected_table_is_committed(
    make_app: Callable[[str], AppTest], seeded_url: str, reader: Reader
) -> None:
    at = read(make_app, seeded_url, reader, "اسکن.png")
    at.run()  # the page as the person sees it while the job reads
    [bar] = at.get("progress")
    assert bar.proto.text == "خواندن تصویر صورتجلسه: خواندن خانه‌های جدول (صفحهٔ ۱ از ۲)"
    assert not cells(at) and not [b for b in at.button if b.key == "imp_commit"]

    # OCR got resolution 2's text wrong (and was unsure of it) and was unsure of an owner.
    ocr = [(str(n), t, o) for n, t, o in ROWS]
    ocr[1] = ("2", "اولویت بندی محلات از طریق استانداریها", ocr[1][2])
    at = finished(at, reader, table_of(ocr, doubtful={(1, 1), (2, 2)}))
    assert not at.get("progress")
    assert "۲ خانه با نشان ⚠ خوانش مطمئنی ندارد" in " ".join(messages(at.warning))
    marked = sorted(str(t.label) for t in cells(at) if str(t.label).startswith("⚠"))
    assert marked == ["⚠ ردیف ۳، ستون ۲", "⚠ ردیف ۴، ستون ۳"]
    assert len(at.get("image")) == 4 * 3  # every cell's picture beside its text
    assert not [b for b in at.button if b.key == "imp_commit"]  # nothing before review

    box(at, 3, 2).input(ROWS[1][1])
    at.button(key="scan_read").click().run()
    assert not at.exception and not at.error, messages(at.error)
    assert f"**۲.** {ROWS[1][1]}" in page_html(at).replace("\u2060", "")
    [commit] = [b for b in at.button if b.key == "imp_commit"]
    assert commit.label == "ثبت ۳ مصوبه"
    commit.click().run()
    assert "۳ مصوبه ثبت شد." in messages(at.success), messages(at.error)
    assert meeting_8_resolutions(seeded_url) == [(n, t, o) for n, t, o in ROWS]


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (FileProblem("تصویری ندارد که خوانده شود."), "پروندهٔ «اسکن.png» تصویری ندارد"),
        (RuntimeError("tesseract crashed"), "خواندن پروندهٔ «اسکن.png» ناتمام ماند"),
    ],
    ids=["refused", "crashed"],
)
def test_a_failed_read_is_a_persian_message_and_nothing_is_written(
    make_app: Callable[[str], AppTest],
    seeded_url: str,
    reader: Reader,
    failure: Exception,
    said: str,
) -> None:
    with read_session(seeded_url) as s:
        before = len(s.exec(select(Resolution)).all())
    at = finished(read(make_app, seeded_url, reader, "اسکن.png"), reader, failure)
    [error] = messages(at.error)
    assert error.startswith(said), error
    assert "Traceback" not in error and "crashed" not in error
    assert not cells(at) and not [b for b in at.button if b.key == "imp_commit"]
    with read_session(seeded_url) as s:
        assert len(s.exec(select(Resolution)).all()) == before


HOSTILE_OCR = "پیگیری <b>x</b> و **x** و [a](javascript:x) و $x$ در محلات"
HOSTILE_TYPED = "تأمین $x$ و [a](javascript:x) و **x** و <b>x</b> برای نقاط هدف"


def test_markup_read_by_ocr_or_typed_in_a_cell_is_shown_as_text_and_stored_as_typed(
    make_app: Callable[[str], AppTest], seeded_url: str, reader: Reader
) -> None:
    at = read(make_app, seeded_url, reader, "اسکن-۲.png")
    ocr = [(str(n), t, o) for n, t, o in ROWS]
    ocr[0] = ("1", HOSTILE_OCR, ocr[0][2])
    at = finished(at, reader, table_of(ocr, doubtful=set()))
    assert box(at, 2, 2).value == HOSTILE_OCR  # the OCR'd text, in its box as text
    box(at, 3, 2).input(HOSTILE_TYPED)
    at.button(key="scan_read").click().run()
    text = assert_inert(at, "scan preview")
    assert f"**۱.** {HOSTILE_OCR}" in text.replace("\u2060", "")
    assert f"**۲.** {HOSTILE_TYPED}" in text.replace("\u2060", "")
    [commit] = [b for b in at.button if b.key == "imp_commit"]
    commit.click().run()
    assert "۳ مصوبه ثبت شد." in messages(at.success), messages(at.error)
    stored = meeting_8_resolutions(seeded_url)
    assert [t for _, t, _ in stored[:2]] == [HOSTILE_OCR, HOSTILE_TYPED]  # exactly as typed
