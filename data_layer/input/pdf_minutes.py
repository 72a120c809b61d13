"""Tables of a PDF with a text layer, read from where its glyphs are drawn.

A table with ruling lines is cut along them (pdfplumber finds the cells); a table
drawn without lines is cut along the gaps between its columns: starting from the
header (the first line `is_header` accepts, split at its wide gaps), each line below
narrows the free bands between the header's parts, a line that would close one ends
the table, and every column boundary is the middle of the widest band left. A new
row starts where the number column has text or the gap above a line is wider than
the lines of one cell; a row cut by a page break goes on on the next page.

A merged cell's text is given to every grid cell it covers, as Word's tables are read.
The result is the same grids (tables → rows → cell strings) that `files.read_tables`
gives for Word, Excel and CSV. A PDF with no text layer raises `NoTextLayer` (the
scan path takes it); a locked or broken one a FileProblem.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from data_layer.input.files import FileProblem, file_name
from data_layer.input.rtl_lines import Glyph, Line, group_lines, logical_text, widths_of
from data_layer.jalali import format_number

__all__ = ["NoTextLayer", "open_pdf", "pdf_tables", "read_pdf"]

Grid = list[list[str]]
HeaderTest = Callable[[Sequence[str]], bool]

_NUMBER = re.compile(r"[\s(]*[0-9۰-۹٠-٩]{1,5}[\s).\-:]*")


class NoTextLayer(Exception):
    """The PDF's pages are pictures (a scan): there is no text to read."""

    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.pages = pages


def open_pdf(content: bytes, max_pages: int) -> Any:
    """The opened PDF (pdfplumber), or FileProblem for a locked, broken or too long one."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(content))
        pages = len(pdf.pages)
    except PDFPasswordIncorrect:
        raise FileProblem("با گذرواژه قفل شده است؛ نسخهٔ بدون گذرواژه را بارگذاری کنید.") from None
    except Exception as e:  # a file from outside: any failure means "unreadable"
        text = str(e).lower()
        if "password" in text or "encrypt" in text:
            raise FileProblem(
                "با گذرواژه قفل شده است؛ نسخهٔ بدون گذرواژه را بارگذاری کنید."
            ) from None
        raise FileProblem(
            "یک PDF سالم نیست یا آسیب دیده است؛ آن را دوباره از برنامهٔ سازنده به PDF ذخیره کنید."
        ) from e
    if pages == 0:
        pdf.close()
        raise FileProblem("هیچ صفحه‌ای ندارد.")
    if pages > max_pages:
        pdf.close()
        raise FileProblem(
            f"{format_number(pages)} صفحه دارد و بیش از {format_number(max_pages)} صفحه"
            " خوانده نمی‌شود؛ فقط صفحه‌های جدول مصوبات را جدا کنید و بارگذاری کنید."
        )
    return pdf


def _glyphs(page: Any, offset: float) -> list[Glyph]:
    return [
        Glyph(
            c["text"],
            c["x0"],
            c["x1"],
            c["top"] + offset,
            c["bottom"] + offset,
            c.get("fontname", ""),
            round(c.get("size", 0.0), 2),
        )
        for c in page.chars
        if c.get("upright", True)
    ]


@dataclass
class _Page:
    glyphs: list[Glyph]
    lines: list[Line]
    ruled: list[Grid]
    ruled_cols: list[tuple[float, ...]]


def pdf_tables(content: bytes, *, max_pages: int, is_header: HeaderTest) -> list[Grid]:
    """Every table of a PDF's text layer as rows of cell strings (reading order)."""
    pdf = open_pdf(content, max_pages)
    try:
        pages = _read_pages(pdf)
    except FileProblem:
        raise
    except Exception as e:
        raise FileProblem(
            "تا پایان خوانده نشد؛ ممکن است آسیب دیده باشد. آن را دوباره به PDF ذخیره کنید."
        ) from e
    finally:
        pdf.close()
    if not any(p.glyphs for p in pages):
        raise NoTextLayer(len(pages))
    widths = widths_of(line for p in pages for line in p.lines)
    tables = _join_ruled(pages)
    if any(_has_header(t, is_header) for t in tables):
        return tables
    unruled = _unruled_table([ln for p in pages for ln in p.lines], widths, is_header)
    return [unruled] if unruled else tables


def _read_pages(pdf: Any) -> list[_Page]:
    from data_layer.input.pdf_actual_text import actual_text_pages

    out: list[_Page] = []
    offset = 0.0
    widths_all: list[Line] = []
    raw: list[tuple[Any, list[Glyph], list[Line]]] = []
    for page in actual_text_pages(pdf):  # a ZWNJ drawn as a zero-advance space is a ZWNJ
        glyphs = _glyphs(page, offset)
        lines = group_lines(glyphs)
        raw.append((page, glyphs, lines))
        widths_all.extend(lines)
        offset += float(page.height) + 1000.0  # pages one under the other, far apart
    widths = widths_of(widths_all)
    offset = 0.0
    for page, glyphs, lines in raw:
        grids, cols = [], []
        for table in page.find_tables():
            grid, xs = _ruled_grid(table, glyphs, offset, widths)
            grids.append(grid)
            cols.append(xs)
        out.append(_Page(glyphs, lines, grids, cols))
        offset += float(page.height) + 1000.0
    return out


def _cell_text(glyphs: Sequence[Glyph], widths: Any) -> str:
    return " ".join(logical_text(line.glyphs, widths) for line in group_lines(glyphs)).strip()


def _ruled_grid(
    table: Any, glyphs: list[Glyph], offset: float, widths: Any
) -> tuple[Grid, tuple[float, ...]]:
    """A table cut along its lines: every slot of the grid with the text of the cell
    covering it (right to left: the first column is the rightmost)."""
    cells = [c for c in table.cells if c is not None]
    xs = sorted({round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells})
    ys = sorted({round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells})
    texts: dict[tuple[float, float, float, float], str] = {}
    for x0, top, x1, bottom in cells:
        inside = [
            g for g in glyphs if x0 <= g.mid_x <= x1 and top + offset <= g.mid_y <= bottom + offset
        ]
        texts[(x0, top, x1, bottom)] = _cell_text(inside, widths)
    grid: Grid = []
    for r in range(len(ys) - 1):
        my = (ys[r] + ys[r + 1]) / 2
        row = []
        for c in range(len(xs) - 2, -1, -1):
            mx = (xs[c] + xs[c + 1]) / 2
            cover = next(
                (t for (x0, t0, x1, b), t in texts.items() if x0 <= mx <= x1 and t0 <= my <= b),
                "",
            )
            row.append(cover)
        grid.append(row)
    return grid, tuple(xs)


def _join_ruled(pages: list[_Page]) -> list[Grid]:
    """Ruled tables, a table that starts a page joined to the one that ended the page
    before when their columns are the same (a table broken across pages)."""
    tables: list[Grid] = []
    last_cols: tuple[float, ...] | None = None
    for page in pages:
        for i, (grid, cols) in enumerate(zip(page.ruled, page.ruled_cols, strict=True)):
            same = last_cols is not None and len(cols) == len(last_cols)
            if (
                i == 0
                and tables
                and same
                and all(abs(a - b) < 2 for a, b in zip(cols, last_cols or (), strict=True))
            ):
                _continue(tables[-1], grid)
            else:
                tables.append(grid)
            last_cols = cols
    return tables


def _continue(table: Grid, more: Grid) -> None:
    """Rows of the next page appended; a first row with a cell left empty where the
    last row has one (its number) is that row cut by the page break, joined to it."""
    if table and more:
        last, first = table[-1], more[0]
        split = any(a and not b for a, b in zip(last, first, strict=False))
        if split and len(last) == len(first) and any(first):
            table[-1] = [" ".join(filter(None, (a, b))) for a, b in zip(last, first, strict=True)]
            more = more[1:]
    table.extend(more)


def _has_header(table: Grid, is_header: HeaderTest) -> bool:
    return any(is_header(row) for row in table[:8])


# --- tables without lines ------------------------------------------------------------


def _segments(line: Line) -> list[list[Glyph]]:
    """A line cut at its wide gaps (about one and a half letters' height or more)."""
    parts: list[list[Glyph]] = [[line.glyphs[0]]]
    for before, glyph in zip(line.glyphs, line.glyphs[1:], strict=False):
        height = glyph.size or (glyph.bottom - glyph.top)
        if glyph.x0 - before.x1 > 1.5 * height:
            parts.append([glyph])
        else:
            parts[-1].append(glyph)
    return parts


def _subtract(free: list[tuple[float, float]], x0: float, x1: float) -> list[tuple[float, float]]:
    out = []
    for a, b in free:
        if x1 <= a or x0 >= b:
            out.append((a, b))
            continue
        if x0 > a:
            out.append((a, x0))
        if x1 < b:
            out.append((x1, b))
    return out


def _unruled_table(lines: list[Line], widths: Any, is_header: HeaderTest) -> Grid:
    """The table under the first line `is_header` accepts, cut along its column gaps."""
    for at, line in enumerate(lines):
        parts = _segments(line)
        texts = [logical_text(p, widths) for p in reversed(parts)]
        if len(parts) >= 2 and is_header(texts):
            return _cut(lines[at], parts, lines[at + 1 :], widths)
    return []


def _cut(header: Line, parts: list[list[Glyph]], body: list[Line], widths: Any) -> Grid:
    free = [
        [(max(g.x1 for g in left), min(g.x0 for g in right))]
        for left, right in itertools.pairwise(parts)
    ]
    taken: list[Line] = []
    for line in body:
        narrowed = list(free)
        for glyph in line.glyphs:
            narrowed = [_subtract(f, glyph.x0, glyph.x1) for f in narrowed]
        if not all(narrowed):
            break  # a line across a column gap: the table ended above it
        free = narrowed
        taken.append(line)
    widest = [max(f, key=lambda ab: ab[1] - ab[0]) for f in free]
    bounds = [(a + b) / 2 for a, b in widest]
    columns = len(parts)

    def column(glyph: Glyph) -> int:
        return sum(glyph.mid_x > b for b in bounds)

    header_row = [logical_text(p, widths) for p in parts]
    pieces: list[list[list[Glyph]]] = []  # per line, per column (visual)
    for line in taken:
        cols: list[list[Glyph]] = [[] for _ in range(columns)]
        for glyph in line.glyphs:
            cols[column(glyph)].append(glyph)
        pieces.append(cols)
    numeric = _numeric_columns(pieces, widths)
    rows: list[list[list[Line]]] = []
    pitch = _pitch(taken)
    previous: Line | None = header
    for line, cols in zip(taken, pieces, strict=True):
        gap = line.top - previous.bottom if previous is not None else 0.0
        numbered = any(_NUMBER.fullmatch(logical_text(cols[c], widths)) for c in numeric if cols[c])
        starts = numbered or pitch * 1.6 < gap < 900
        if not rows or starts:
            rows.append([[] for _ in range(columns)])
        for c, glyphs in enumerate(cols):
            if glyphs:
                rows[-1][c].append(Line(glyphs))
        previous = line
    grid = [header_row[::-1]]
    for row in rows:
        texts = [" ".join(logical_text(ln.glyphs, widths) for ln in cell) for cell in row]
        grid.append(texts[::-1])
    return grid


def _numeric_columns(pieces: list[list[list[Glyph]]], widths: Any) -> list[int]:
    """Columns where most filled lines are a number (the resolution numbers)."""
    out = []
    for c in range(len(pieces[0]) if pieces else 0):
        filled = [logical_text(cols[c], widths) for cols in pieces if cols[c]]
        if filled and sum(bool(_NUMBER.fullmatch(t)) for t in filled) >= 0.8 * len(filled):
            out.append(c)
    return out


def _pitch(lines: list[Line]) -> float:
    """The usual gap between two lines of one cell."""
    gaps = sorted(b.top - a.bottom for a, b in itertools.pairwise(lines) if b.top > a.bottom)
    if not gaps:
        return 1.0
    return max(gaps[: max(1, len(gaps) // 3)][-1], 0.5)


def read_pdf(
    filename: str, content: bytes, *, max_bytes: int, max_pages: int, is_header: HeaderTest
) -> list[Grid]:
    """The tables of an uploaded PDF, or FileProblem naming the file and what to do
    (empty, too big, locked, broken, too many pages, a scan with no text layer)."""
    name = file_name(filename) or "بی‌نام"
    if not content:
        raise FileProblem(f"پروندهٔ «{name}» خالی است (۰ بایت)؛ پروندهٔ درست را انتخاب کنید.")
    if len(content) > max_bytes:
        raise FileProblem(
            f"حجم پروندهٔ «{name}» بیش از {format_number(max_bytes // 1024 // 1024)} مگابایت"
            " است؛ فقط صفحه‌های جدول مصوبات را جدا کنید و بارگذاری کنید."
        )
    if not content.lstrip()[:5].startswith(b"%PDF"):
        raise FileProblem(
            f"پروندهٔ «{name}» PDF نیست (پسوندش .pdf است، محتوایش نه)؛ پروندهٔ درست را بارگذاری کنید."
        )
    try:
        return pdf_tables(content, max_pages=max_pages, is_header=is_header)
    except NoTextLayer:
        raise FileProblem(
            f"پروندهٔ «{name}» متنی ندارد و تصویر اسکن‌شدهٔ صفحه‌هاست؛ نسخهٔ Word یا PDF"
            " متنی صورتجلسه را بارگذاری کنید."
        ) from None
    except FileProblem as e:
        raise FileProblem(f"پروندهٔ «{name}» {e.message}") from None
