"""Scanned minutes (a PDF of page images, JPEG, PNG): the resolutions table read by OCR.

Each page is rasterised (pypdfium2) or decoded (Pillow), turned to grey, straightened
(the skew that best lines up the rows of dark pixels, within ±3°), and its table found
from its ruling lines: long horizontal and vertical runs of dark pixels, found with
running sums (a morphological opening by a line). Every cell is cropped and all crops
go to one Tesseract run (Debian's `tesseract-ocr` with its Persian model
`tesseract-ocr-fas`, TSV output), so each cell has its own text and the lowest word
confidence in it. The result is the same grids that `files.read_tables` gives, plus
every cell's crop and confidence for the preview, where the secretariat corrects them.

Nothing here writes; any failure is a FileProblem with a Persian message.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from data_layer.input.files import FileProblem
from data_layer.jalali import format_number
from data_layer.text import tidy

__all__ = [
    "IMAGE_TYPES",
    "LOW_CONFIDENCE",
    "OcrCell",
    "ScanTable",
    "is_scan",
    "read_scan",
    "scan_pages",
]

IMAGE_TYPES = (".jpg", ".jpeg", ".png")
DPI = 200  # Tesseract's Persian model reads body text best at about this size
LOW_CONFIDENCE = 80  # a cell with a word Tesseract is less sure of is marked
MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 million
_DARK = 160
MAX_PAGES = 20
MAX_SCAN_BYTES = 10 * 1024 * 1024
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class OcrCell:
    """One cell of the scanned table: what OCR read, how sure it was, its picture."""

    text: str
    confidence: float  # the lowest word confidence (0–100); 100 for an empty cell
    crop: bytes  # PNG
    page: int

    @property
    def doubtful(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass
class ScanTable:
    """The scan's table: rows of cells (right to left), from every page in turn."""

    pages: int
    rows: list[list[OcrCell]] = field(default_factory=list)

    def grid(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


def is_scan(filename: str, content: bytes) -> bool:
    """True for an image, or a PDF whose pages hold no text (read by OCR)."""
    ext = Path(filename).suffix.lower()
    if ext in IMAGE_TYPES:
        return True
    if ext != ".pdf" or not content.lstrip()[:5].startswith(b"%PDF"):
        return False
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            return bool(pdf.pages) and not any(page.chars for page in pdf.pages[:MAX_PAGES])
    except Exception:  # a broken or locked PDF: the text reader says why
        return False


def _refuse(message: str) -> FileProblem:
    return FileProblem(message)


def scan_pages(ext: str, content: bytes, *, max_pages: int, dpi: int = DPI) -> list[Image.Image]:
    """The pages of a scan as grey images, or FileProblem (broken, locked, too long)."""
    if ext == ".pdf":
        return _pdf_pages(content, max_pages, dpi)
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise _refuse(
                    f"تصویر {image.format or 'ناشناخته'} است؛ آن را با قالب JPEG یا PNG ذخیره کنید."
                )
            if image.width * image.height > MAX_PIXELS:
                raise _refuse("تصویری بسیار بزرگ است؛ آن را با وضوح ۳۰۰ نقطه در اینچ اسکن کنید.")
            image.load()
            page = ImageOps.exif_transpose(image).convert("L")
            given = image.info.get("dpi", (dpi, dpi))[0] or dpi
            if given > dpi * 1.2:  # a 300 or 600 dpi photo or scan: down to `dpi`
                scale = dpi / float(given)
                page = page.resize((round(page.width * scale), round(page.height * scale)))
            return [page]
    except FileProblem:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise _refuse(
            "تصویر خوانایی نیست (قالبش شناخته نشد یا آسیب دیده است)؛ آن را با قالب JPEG یا"
            " PNG ذخیره کنید."
        ) from e


def _pdf_pages(content: bytes, max_pages: int, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise _refuse("با گذرواژه قفل شده است؛ نسخهٔ بدون گذرواژه را بارگذاری کنید.") from None
        raise _refuse("یک PDF سالم نیست یا آسیب دیده است؛ دوباره آن را اسکن کنید.") from e
    try:
        if len(pdf) > max_pages:
            raise _refuse(
                f"{format_number(len(pdf))} صفحه دارد و بیش از {format_number(max_pages)}"
                " صفحه خوانده نمی‌شود؛ فقط صفحه‌های جدول مصوبات را اسکن کنید."
            )
        return [
            pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for i in range(len(pdf))
        ]
    finally:
        pdf.close()


# --- straightening and lines --------------------------------------------------------------


def _threshold(image: Image.Image) -> int:
    """Otsu's threshold: the grey that best splits ink from paper."""
    counts = np.asarray(image.histogram(), dtype=np.float64)
    levels = np.arange(256)
    total, weighted = counts.sum(), (counts * levels).sum()
    below = np.cumsum(counts)
    mean_below = np.cumsum(counts * levels)
    above = total - below
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_below * total - weighted * below) ** 2 / (below * above)
    between[~np.isfinite(between)] = 0
    return min(int(np.argmax(between)), _DARK + 40)


def _dark(image: Image.Image) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(image) <= _threshold(image)


def _skew(image: Image.Image) -> float:
    """The rotation (degrees) that lines the rows of dark pixels up best."""
    small = image.copy()
    small.thumbnail((900, 900))

    def score(angle: float) -> float:
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        rows = _dark(turned).sum(axis=1).astype(np.float64)
        return float((rows**2).sum())

    best = max((a / 2 for a in range(-6, 7)), key=score)
    return max((best + a / 20 for a in range(-10, 11)), key=score)


def straighten(image: Image.Image) -> Image.Image:
    angle = _skew(image)
    if abs(angle) < 0.05:
        return image
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)


def _runs(dark: np.ndarray[Any, np.dtype[np.bool_]], length: int) -> np.ndarray[Any, Any]:
    """For every row, whether it holds a run of `length` pixels that are (nearly) all dark."""
    sums = np.cumsum(np.pad(dark, ((0, 0), (1, 0))).astype(np.int32), axis=1)
    windows = sums[:, length:] - sums[:, :-length]
    return np.asarray((windows >= 0.85 * length).any(axis=1))


def _centres(flags: np.ndarray[Any, Any], near: int = 8) -> list[int]:
    """The middle of every run of flagged positions (a line a few pixels thick; runs
    closer than `near` pixels are one line)."""
    runs: list[list[int]] = []
    for i in np.flatnonzero(flags).tolist():
        if runs and i - runs[-1][1] <= near:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [(a + b) // 2 for a, b in runs]


def table_lines(image: Image.Image) -> tuple[list[int], list[int]]:
    """(y of every horizontal ruling line, x of every vertical one) of a straight page."""
    dark = _dark(image)
    width = dark.shape[1]
    rows = _centres(_runs(dark, max(40, width // 8)))
    if len(rows) < 2:
        return rows, []
    band = dark[rows[0] : rows[-1] + 1]
    # a ruling line runs down the whole table; strokes of letters lined up do not
    wide = band.copy()  # a thin grey line may fall on two columns of pixels
    wide[:, 1:] |= band[:, :-1]
    wide[:, :-1] |= band[:, 1:]
    cols = _centres(wide.sum(axis=0) >= 0.85 * band.shape[0])
    return rows, cols


# --- reading the cells -------------------------------------------------------------------


def _crop(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    x0, y0, x1, y1 = box
    inset = 6  # clear of the ruling line (its remains read as letters)
    return image.crop((x0 + inset, y0 + inset, x1 - inset, y1 - inset))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _tesseract(crops: list[Image.Image]) -> list[tuple[str, float]]:
    """(text, lowest word confidence) of every crop, from one Tesseract run."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, crop in enumerate(crops):
            framed = ImageOps.expand(crop, border=24, fill=255)
            path = Path(folder) / f"{i:05d}.png"
            framed.save(path, dpi=(DPI, DPI))
            paths.append(str(path))
        listing = Path(folder) / "cells.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        try:
            done = subprocess.run(
                ["tesseract", str(listing), "stdout", "-l", "fas", "--psm", "6", "tsv"],
                capture_output=True,
                timeout=60 + 10 * len(crops),
                check=True,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
        except (OSError, subprocess.SubprocessError) as e:
            raise _refuse(
                "با نویسه‌خوان (Tesseract) خوانده نشد؛ مدیر سامانه باید tesseract-ocr و"
                " tesseract-ocr-fas را نصب کند."
            ) from e
    words: dict[int, list[tuple[int, int, int, int, str, float]]] = {}
    reader = csv.DictReader(
        io.StringIO(done.stdout.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    for row in reader:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        page = int(row["page_num"]) - 1
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.setdefault(page, []).append((*key, int(row["left"]), text, float(row["conf"])))
    out = []
    for i in range(len(crops)):
        found = sorted(words.get(i, []), key=lambda w: (w[0], w[1], w[2], -w[3]))
        text = tidy(" ".join(w[4] for w in found))
        out.append((text, min((w[5] for w in found), default=100.0)))
    return out


def read_scan(
    ext: str,
    content: bytes,
    *,
    max_pages: int,
    dpi: int = DPI,
    progress: Progress | None = None,
) -> ScanTable:
    """The table of a scan, page by page (`progress(done, pages, what)` after each step)."""
    if not content:
        raise _refuse("خالی است (۰ بایت)؛ پروندهٔ درست را انتخاب کنید.")
    if len(content) > MAX_SCAN_BYTES:
        raise _refuse(
            f"بیش از {format_number(MAX_SCAN_BYTES // 1024 // 1024)} مگابایت است؛ فقط صفحه‌های"
            " جدول مصوبات را با وضوح ۲۰۰ تا ۳۰۰ نقطه در اینچ اسکن کنید."
        )
    pages = scan_pages(ext, content, max_pages=max_pages, dpi=dpi)
    table = ScanTable(len(pages))
    for number, page in enumerate(pages, start=1):
        if progress:
            progress(number - 1, len(pages), "صاف کردن و یافتن خطوط جدول")
        straight = straighten(page)
        rows, cols = table_lines(straight)
        if len(rows) < 2 or len(cols) < 2:
            continue
        boxes = [
            [(cols[c], rows[r], cols[c + 1], rows[r + 1]) for c in range(len(cols) - 2, -1, -1)]
            for r in range(len(rows) - 1)
        ]
        crops = [[_crop(straight, box) for box in row] for row in boxes]
        if progress:
            progress(number - 1, len(pages), "خواندن خانه‌های جدول")
        read = _tesseract([c for row in crops for c in row])
        at = 0
        for row in crops:
            cells = []
            for crop in row:
                text, confidence = read[at]
                at += 1
                cells.append(OcrCell(text, confidence if text else 100.0, _png(crop), number))
            table.rows.append(cells)
    if progress:
        progress(len(pages), len(pages), "پایان")
    if not table.rows:
        raise _refuse(
            "جدولی با خطوط کشیده در تصویرش پیدا نشد؛ صفحه‌ای را اسکن کنید که جدول مصوبات"
            " با خطوط خانه‌هایش در آن باشد، یا مصوبات را دستی وارد کنید."
        )
    return table
