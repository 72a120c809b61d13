"""The 7th meeting's minutes as offices send them, for the OCR benchmarks: a Word file
with Word's «Table Grid» lines, printed to PDF by LibreOffice, then "scanned"
(rasterised by pypdfium2, maybe turned and noisy)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import docx
import numpy as np
from PIL import Image, ImageFilter
from rapidfuzz.distance import Indel

from data_layer.seed_data import MEETING_7

__all__ = [
    "MINUTES_ROWS",
    "columns",
    "minutes_docx",
    "minutes_xlsx",
    "office_pdf",
    "rows_of",
    "scanned",
]

HEADER = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری")
MINUTES_ROWS = tuple((r.number, r.text, r.owners_as_written) for r in MEETING_7.resolutions)


def minutes_docx(*, lines: bool = True) -> bytes:
    """A paragraph, then the resolutions table (with Word's «Table Grid» lines)."""
    document = docx.Document()
    document.add_paragraph("صورتجلسه هفتمین جلسه کارگروه اجتماعی، فرهنگی، سلامت، زنان و خانواده")
    table = document.add_table(rows=1, cols=3)
    if lines:
        table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in MINUTES_ROWS:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    document.add_paragraph("امضای اعضا")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def minutes_xlsx() -> bytes:
    """A workbook with the header and the resolutions table."""
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    for row in MINUTES_ROWS:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def office_pdf(content: bytes, folder: Path, name: str) -> bytes:
    """A Word file printed to PDF by LibreOffice (`soffice --headless`)."""
    (folder / f"{name}.docx").write_bytes(content)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), name + ".docx"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return (folder / f"{name}.pdf").read_bytes()


def scanned(pdf: bytes, dpi: int, angle: float = 0.0, noise: bool = False) -> bytes:
    """The PDF printed and scanned: page images at `dpi`, maybe turned and noisy."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    rnd = np.random.default_rng(7)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for i in range(len(doc)):
        image = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if angle:
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        if noise:
            pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(0.6))).astype(np.int16)
            pixels = pixels - rnd.integers(0, 40, pixels.shape)  # a grey haze
            flip = rnd.random(pixels.shape) < 0.02
            pixels[flip] = 255 - pixels[flip]
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        pages.append(image)
    doc.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()


def columns(header: list[str]) -> list[int]:
    """Where the number, text and owner columns are, by the (OCR'd) header."""
    return [
        max(range(len(header)), key=lambda c, n=n: Indel.normalized_similarity(header[c], n))
        for n in HEADER
    ]


def rows_of(grid: list[list[str]]) -> list[tuple[str, str, str]]:
    """(number, text, owner) by the header's columns; a row with no number joined up."""
    at = columns(grid[0])
    out: list[list[str]] = []
    for row in grid[1:]:
        number, text, owner = (row[c] if c < len(row) else "" for c in at)
        if not number and out:
            out[-1][1] += " " + text
            out[-1][2] += (" " + owner) if owner else ""
        else:
            out.append([number, text, owner])
    return [(n, t.strip(), o.strip()) for n, t, o in out]
