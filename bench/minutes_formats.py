"""How long reading the 7th meeting's minutes takes, per format, clean and as offices
write them (a due-date column, a resolution over two rows with a merged number cell,
a column not read).

    python -m bench.minutes_formats

Each file is built in memory from the seed's transcription of 1402/07/29 and read
with `read_minutes_file` against the seed's agencies (no database): the median of
nine reads, and the file's size.
"""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Sequence

import docx
import openpyxl

from data_layer import seed_data
from data_layer.input.minutes import read_minutes_file
from data_layer.queries.agencies import AgencyRef

CLEAN = ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری")
HARD = ("ردیف", "عنوان مصوبه", "اقدام کننده", "مهلت اجرا", "ملاحظات")
Row = list[object]


def rows(hard: bool) -> list[Row]:
    """The 14 resolutions; `hard`: due dates, a note column, resolution 4 over two rows."""
    out: list[Row] = []
    for r in seed_data.MEETING_7.resolutions:
        if not hard:
            out.append([r.number, r.text, r.owners_as_written])
            continue
        cells: Row = [r.number, r.text, r.owners_as_written, "1402/12/29", "—"]
        if r.number == 4:
            words = r.text.split()
            cells[1] = " ".join(words[: len(words) // 2])
            out += [cells, ["", " ".join(words[len(words) // 2 :]), "", "", ""]]
        else:
            out.append(cells)
    return out


def as_docx(header: Sequence[str], body: list[Row], merge: bool) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=0, cols=len(header))
    for cell, text in zip(table.add_row().cells, header, strict=True):
        cell.text = text
    for row in body:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    if merge:  # resolution 4's number cell merged over its two rows
        top = table.cell(4, 0)
        top.merge(table.cell(5, 0)).text = "4"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_xlsx(header: Sequence[str], body: list[Row], merge: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in body:
        sheet.append(row)
    if merge:
        sheet.merge_cells("A5:A6")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(header: Sequence[str], body: list[Row], merge: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


def main() -> None:
    refs = [
        AgencyRef(i, a.name, a.short_name, a.aliases, a.is_member)
        for i, a in enumerate(seed_data.AGENCIES, start=1)
    ]
    print("| format | table | size (KB) | read, median of 9 (ms) | resolutions |")
    print("|---|---|---:|---:|---:|")
    for name, build in (("docx", as_docx), ("xlsx", as_xlsx), ("csv", as_csv)):
        for hard in (False, True):
            content = build(HARD if hard else CLEAN, rows(hard), hard)
            times, found = [], 0
            for _ in range(9):
                start = time.perf_counter()
                preview = read_minutes_file(f"minutes.{name}", content, refs)
                times.append(time.perf_counter() - start)
                found = len(preview.rows)
            print(
                f"| {name} | {'as offices write it' if hard else 'clean'} |"
                f" {len(content) / 1024:.1f} | {statistics.median(times) * 1000:.1f} | {found} |"
            )


if __name__ == "__main__":
    main()
