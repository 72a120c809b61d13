"""The HTML and CSS of every printed document, and their rendering to PDF.

One place decides the page (A4, 18 mm x 16 mm margins, right to left), the fonts
(Vazirmatn from static/fonts when present — its PDF copies of static/fonts/pdf when
built, see pdf_fonts — else DejaVu Sans), page numbers in
Persian digits, and tables whose header row repeats on every page.

Escaping: text reaches markup only through `esc` or `el`, which html.escape
everything that is not already a `Safe` fragment built by this module, and reaches
the stylesheet only through `output.css_text`, whose strings nothing typed can end.

Fetching: the renderer reads only our own font files and the stored logo (a data:
URL of a PNG or JPEG); every other address a document names — a file, a web
address, an attachment — is refused (`OwnFilesOnly`), for every document we render.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from data_layer import clock
from data_layer.config import PROJECT_ROOT
from data_layer.documents.pdf_fonts import PDF_FONTS_SUBDIR
from data_layer.output import css_text, html_text

__all__ = [
    "FONTS_DIR",
    "FONT_STACK",
    "DocumentFetchRefused",
    "Safe",
    "document",
    "el",
    "esc",
    "font_face_css",
    "join",
    "refused_fetch",
    "render_pdf",
    "stylesheet",
    "table",
    "void",
]

FONTS_DIR = PROJECT_ROOT / "static" / "fonts"
FONT_STACK = "'Vazirmatn', 'DejaVu Sans', sans-serif"

# (file suffix, CSS weight) of the Vazirmatn files scripts/fetch_fonts.sh installs.
_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("Regular", 400),
    ("Medium", 500),
    ("Bold", 700),
    ("ExtraBold", 800),
)


# The media types of a stored logo (input/profile accepts only these).
_LOGO_TYPES = frozenset({"image/png", "image/jpeg"})


class Safe(str):
    """A fragment of markup that is already escaped (built by this module)."""

    __slots__ = ()


def esc(value: object) -> Safe:
    """`value` as text safe to put in HTML: escaped unless it is already `Safe`."""
    if isinstance(value, Safe):
        return value
    return Safe(html_text(value))


def join(parts: Iterable[object], sep: str = "") -> Safe:
    """Concatenate fragments, escaping every part that is not `Safe`."""
    return Safe(esc(sep).join(esc(p) for p in parts))


def _attributes(cls: str, attrs: dict[str, str] | None) -> str:
    attributes = f' class="{esc(cls)}"' if cls else ""
    for name, value in (attrs or {}).items():
        attributes += f' {name}="{esc(value)}"'
    return attributes


def el(tag: str, *children: object, cls: str = "", attrs: dict[str, str] | None = None) -> Safe:
    """<tag class=cls ...>children</tag>, every child and attribute value escaped."""
    return Safe(f"<{tag}{_attributes(cls, attrs)}>{join(children)}</{tag}>")


def void(tag: str, *, cls: str = "", attrs: dict[str, str] | None = None) -> Safe:
    """An empty element such as <br>, <hr class=cls> or <img src=...>."""
    return Safe(f"<{tag}{_attributes(cls, attrs)}>")


def _font_files(folder: Path) -> list[tuple[Path, int]]:
    """(file, CSS weight) of each Vazirmatn weight in `folder`: its PDF copy (see
    pdf_fonts: one glyph a letter, so the text layer reads back right) when built,
    else the published file."""
    files = []
    for suffix, weight in _WEIGHTS:
        name = f"Vazirmatn-{suffix}.ttf"
        for path in (folder / PDF_FONTS_SUBDIR / name, folder / name):
            if path.is_file():
                files.append((path, weight))
                break
    return files


def font_face_css(fonts_dir: Path | None = None) -> str:
    """@font-face rules for the Vazirmatn TTF files that exist (none: empty string)."""
    folder = FONTS_DIR if fonts_dir is None else fonts_dir
    rules = []
    # as_uri() percent-encodes every character that could end the CSS string.
    for path, weight in _font_files(folder):
        rules.append(
            "@font-face { font-family: 'Vazirmatn'; "
            f"src: url(\"{path.resolve().as_uri()}\") format('truetype'); "
            f"font-weight: {weight}; font-style: normal; }}"
        )
    return "\n".join(rules)


_BASE_CSS = """
@page {
  size: A4;
  margin: 18mm 16mm;
  @bottom-center {
    content: "صفحه " counter(page, persian) " از " counter(pages, persian);
    font-family: FONT_STACK;
    font-size: 8.5pt;
    color: #444;
  }
  @bottom-right {
    content: FOOTER_NOTE;
    font-family: FONT_STACK;
    font-size: 7.5pt;
    color: #666;
    direction: rtl;
  }
}
html { direction: rtl; }
body {
  direction: rtl;
  text-align: right;
  font-family: FONT_STACK;
  font-size: 10.5pt;
  line-height: 1.65;
  color: #111;
  margin: 0;
}
p { margin: 0 0 2.5mm 0; text-align: justify; }
h1 { font-size: 14pt; font-weight: 700; margin: 0 0 2mm 0; text-align: center; }
h2 { font-size: 11.5pt; font-weight: 700; margin: 6mm 0 2mm 0; break-after: avoid; }
.muted { color: #555; }
.small { font-size: 9pt; }
.bold { font-weight: 700; }
.center { text-align: center; }
.badge {
  display: inline-block;
  border: 0.8pt solid #8a5a00;
  color: #8a5a00;
  padding: 0 2mm;
  border-radius: 1mm;
  font-size: 8.5pt;
}
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm 0; }
table.grid { font-size: 8.8pt; line-height: 1.45; }
table.grid thead { display: table-header-group; }
table.grid tr { break-inside: avoid; }
table.grid th {
  background: #e6ebf1;
  font-weight: 700;
  border: 0.6pt solid #4a4a4a;
  padding: 1.2mm 1.2mm;
  text-align: center;
  vertical-align: middle;
}
table.grid td {
  border: 0.6pt solid #8a8a8a;
  padding: 1mm 1.2mm;
  text-align: right;
  vertical-align: top;
}
table.grid td.num, table.grid td.date { text-align: center; white-space: nowrap; }
table.grid tbody tr:nth-child(even) td { background: #f6f7f9; }
table.plain td { border: none; padding: 0; vertical-align: top; }
td.late { font-weight: 700; }
"""


def stylesheet(fonts_dir: Path | None = None, footer_note: str = "", extra_css: str = "") -> str:
    """The whole stylesheet of a document: fonts, page, body and tables."""
    css = _BASE_CSS.replace("FONT_STACK", FONT_STACK).replace("FOOTER_NOTE", css_text(footer_note))
    return "\n".join(part for part in (font_face_css(fonts_dir), css, extra_css) if part)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    cell_classes: Sequence[str] | None = None,
    widths: Sequence[str] | None = None,
    row_classes: Sequence[str] | None = None,
    cls: str = "grid",
) -> Safe:
    """A table whose header row repeats on each page; every cell is escaped.

    `cell_classes[i]` is the class of the i-th cell of every row ("num", "date", ...);
    `widths[i]` its CSS width (e.g. "12%"; "" leaves it to the layout);
    `row_classes[j]` the class of the j-th body row.
    """
    classes = list(cell_classes or [])
    head_cells = []
    for i, header in enumerate(headers):
        width = widths[i] if widths and i < len(widths) and widths[i] else ""
        attrs = {"style": f"width: {width}"} if width else None
        head_cells.append(el("th", header, attrs=attrs))
    body_rows = []
    for j, row in enumerate(rows):
        cells = [el("td", v, cls=classes[i] if i < len(classes) else "") for i, v in enumerate(row)]
        row_cls = row_classes[j] if row_classes and j < len(row_classes) else ""
        body_rows.append(el("tr", *cells, cls=row_cls))
    return el("table", el("thead", el("tr", *head_cells)), el("tbody", *body_rows), cls=cls)


def document(
    title: str,
    body: Safe,
    *,
    fonts_dir: Path | None = None,
    footer_note: str = "",
    extra_css: str = "",
    author: str = "",
    created: datetime | None = None,
) -> str:
    """A complete right-to-left HTML page around `body`; its title, author and creation
    moment become the PDF's metadata, its language (fa) the PDF's /Lang."""
    css = stylesheet(fonts_dir, footer_note, extra_css)
    moment = (created or clock.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n"
        + (f'<meta name="author" content="{esc(author)}">\n' if author.strip() else "")
        + f'<meta name="dcterms.created" content="{moment}">\n'
        f'<meta name="dcterms.modified" content="{moment}">\n'
        f"<style>\n{css}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _allowed_files() -> frozenset[Path]:
    """The font files `font_face_css` may name (those of FONTS_DIR at this moment)."""
    return frozenset(
        (folder / f"Vazirmatn-{suffix}.ttf").resolve()
        for folder in (FONTS_DIR, FONTS_DIR / PDF_FONTS_SUBDIR)
        for suffix, _ in _WEIGHTS
    )


def _font_path(url: str) -> Path | None:
    """The font file a file: URL names, when it is one of ours."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(parts.path)).resolve()
    return path if path in _allowed_files() else None


def refused_fetch(url: str) -> str | None:
    """Why the renderer must not fetch `url`, or None when it is ours to read.

    Ours: a data: URL of a PNG or JPEG image (the stored logo) and the Vazirmatn
    files of FONTS_DIR. Anything else — another file, http(s), ftp, an attachment —
    is refused, whatever a document's text managed to put in it.
    """
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme == "data":
        media = rest.split(",", 1)[0].split(";", 1)[0].strip().lower()
        return None if media in _LOGO_TYPES else f"a data: URL of type {media!r}"
    if scheme != "file":
        return f"the {scheme!r} scheme"
    return None if _font_path(url) is not None else "a file that is not one of our fonts"


class DocumentFetchRefused(ValueError):
    """The renderer was asked for an address that is not ours (see `refused_fetch`)."""


def _fetcher() -> object:
    """WeasyPrint's URL fetcher narrowed to `refused_fetch`'s rule."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class OwnFilesOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> object:
            reason = refused_fetch(url)
            if reason is not None:
                # WeasyPrint logs this and leaves the resource out of the document.
                raise DocumentFetchRefused(f"not fetched ({reason}): {url[:120]}")
            font = _font_path(url) if url[:5].lower() == "file:" else None
            if font is not None:  # the very file checked, not urllib's reading of the URL
                return URLFetcherResponse(url, font.read_bytes(), {"Content-Type": "font/ttf"})
            return super().fetch(url, headers)  # a data: URL of an image

    return OwnFilesOnly(allowed_protocols=("data",), allow_redirects=False)


def render_pdf(html_text: str) -> bytes:
    """Render an HTML page built by `document` to PDF bytes with WeasyPrint, fetching
    nothing but our own fonts and the stored logo."""
    # Imported here: WeasyPrint is slow to import and only documents need it.
    from weasyprint import HTML  # type: ignore[import-untyped]

    # Fonts come from absolute file:// URLs, so no base URL is needed.
    # Tagged (structure tree, /Lang from <html lang>): screen readers and text tools
    # read the document in its logical order.
    pdf = HTML(string=html_text, url_fetcher=_fetcher()).write_pdf(pdf_tags=True)
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without target
        raise TypeError("WeasyPrint returned no bytes")
    return pdf
