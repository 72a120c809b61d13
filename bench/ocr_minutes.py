"""OCR of scanned minutes: character error rate, owners matched, seconds per page;
and the time to read the minutes in each format.

    python -m bench.ocr_minutes

The 7th meeting's minutes are built as Word (the tests' builder, Word's «Table Grid»
lines), printed to PDF by LibreOffice, rasterised at 200 and 300 dpi (pypdfium2),
and at 300 dpi turned by 0.7° and with noise (2% of pixels flipped, a grey haze),
then read back by `data_layer.input.ocr.read_scan` before any correction.

Character error rate: Levenshtein distance / length of the 14 resolution texts,
(a) after `tidy` with ZWNJ as nothing, (b) after `match_key` (what owner and
duplicate matching compare: no spaces, folded letter variants). Owners matched:
the OCR'd owner cell gives the same agencies as the true one, with no name left
unmatched. A row whose number cell is empty (a row cut by a page break) is joined
to the one above, as the preview does.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.minutes_files import (
    MINUTES_ROWS,
    minutes_docx,
    minutes_xlsx,
    office_pdf,
    rows_of,
    scanned,
)
from data_layer import seed_data
from data_layer.characters import ZWNJ
from data_layer.input.minutes import read_minutes_file
from data_layer.input.ocr import read_scan
from data_layer.input.owners import owner_matcher
from data_layer.queries.agencies import AgencyRef
from data_layer.text import match_key, tidy


def refs() -> list[AgencyRef]:
    return [
        AgencyRef(i, a.name, a.short_name, a.aliases, a.is_member)
        for i, a in enumerate(seed_data.AGENCIES, start=1)
    ]


def measure(name: str, content: bytes, dpi: int) -> str:
    started = time.perf_counter()
    table = read_scan(".pdf", content, max_pages=20)
    seconds = time.perf_counter() - started
    rows = rows_of(table.grid())
    matcher = owner_matcher(refs())
    errors_tidy = errors_key = length_tidy = length_key = 0
    owners_ok = 0
    for i, (_, text, owner) in enumerate(MINUTES_ROWS):
        got_text, got_owner = (rows[i][1], rows[i][2]) if i < len(rows) else ("", "")
        a, b = tidy(text).replace(ZWNJ, ""), tidy(got_text).replace(ZWNJ, "")
        errors_tidy += Levenshtein.distance(a, b)
        length_tidy += len(a)
        a, b = match_key(text), match_key(got_text)
        errors_key += Levenshtein.distance(a, b)
        length_key += len(a)
        want, got = matcher.match(owner), matcher.match(got_owner)
        same = (want.all_members, [x for _, x, _ in want.matched]) == (
            got.all_members,
            [x for _, x, _ in got.matched],
        )
        owners_ok += same and not got.unmatched
    doubtful = sum(c.doubtful for row in table.rows for c in row)
    cells = sum(len(row) for row in table.rows)
    return (
        f"| {name} | {100 * errors_tidy / length_tidy:.1f}% | {100 * errors_key / length_key:.1f}%"
        f" | {owners_ok} of 14 | {len(rows)} | {doubtful} of {cells}"
        f" | {seconds / table.pages:.1f} s ({table.pages} pages) |"
    )


def import_times(plain_pdf: bytes, scan: bytes) -> list[str]:
    agencies = refs()
    out = []
    for label, filename, content in (
        ("Word (.docx)", "m.docx", minutes_docx()),
        ("Excel (.xlsx)", "m.xlsx", minutes_xlsx()),
        ("PDF with a text layer (LibreOffice)", "m.pdf", plain_pdf),
    ):
        started = time.perf_counter()
        for _ in range(3):
            read_minutes_file(filename, content, agencies)
        out.append(f"| {label} | {(time.perf_counter() - started) / 3:.2f} s |")
    started = time.perf_counter()
    read_scan(".pdf", scan, max_pages=20)
    out.append(
        f"| scanned PDF, 300 dpi (OCR, before correction) | {time.perf_counter() - started:.2f} s |"
    )
    return out


def main() -> None:
    if shutil.which("soffice") is None or shutil.which("tesseract") is None:
        sys.exit("needs LibreOffice (soffice) and tesseract-ocr with tesseract-ocr-fas")
    random.seed(7)
    with tempfile.TemporaryDirectory() as folder:
        ruled = office_pdf(minutes_docx(), Path(folder), "ruled")
        plain = office_pdf(minutes_docx(lines=False), Path(folder), "plain")
    print(
        "| scan | CER (tidy, no ZWNJ) | CER (match key) | owners matched | rows | cells marked"
        " | time per page |"
    )
    print("|---|---|---|---|---|---|---|")
    scan300 = scanned(ruled, 300)
    for name, content, dpi in (
        ("200 dpi", scanned(ruled, 200), 200),
        ("300 dpi", scan300, 300),
        ("300 dpi, turned 0.7°", scanned(ruled, 300, angle=0.7), 300),
        ("300 dpi, turned 0.7° and noisy", scanned(ruled, 300, angle=0.7, noise=True), 300),
        ("200 dpi, turned 0.7° and noisy", scanned(ruled, 200, angle=0.7, noise=True), 200),
    ):
        print(measure(name, content, dpi), flush=True)
    print()
    print("| format | read and match (the 14 resolutions) |")
    print("|---|---|")
    for line in import_times(plain, scan300):
        print(line)


if __name__ == "__main__":
    main()
