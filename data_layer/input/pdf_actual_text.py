"""A PDF's pages read with the text its marked content says its glyphs stand for.

A shaper hides a zero-width non-joiner (نیم‌فاصله) from the glyph run: LibreOffice
(HarfBuzz) draws it as the space glyph at zero advance, so a plain reading finds a
space inside the word, or nothing. It does say what that glyph is: the glyph sits in
a marked-content span `/Span <</ActualText <FEFF200C>>> BDC … EMC`, the PDF's way of
giving the text of glyphs that do not spell it themselves. pdfminer keeps only a
span's MCID; here the first glyph of a span with /ActualText carries that text (the
others none), and a glyph drawn at zero advance takes no room (its box is its origin).

Imported lazily: it loads pdfplumber.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pdfminer.layout import LTChar, LTPage
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import decode_text
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.pdf import PDF

__all__ = ["actual_text_pages"]


class _ActualTextDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, giving the glyphs of an /ActualText span its text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spans: list[str | None] = []  # the ActualText of each open span (None: none)
        self._first = True  # no glyph of the innermost span has been drawn yet

    def begin_tag(self, tag: Any, props: Any = None) -> None:
        super().begin_tag(tag, props)
        actual = props.get("ActualText") if isinstance(props, dict) else None
        self._spans.append(decode_text(actual) if isinstance(actual, bytes) else None)
        self._first = True

    def end_tag(self) -> None:
        super().end_tag()
        if self._spans:
            self._spans.pop()

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        advance = super().render_char(*args, **kwargs)
        actual = next((a for a in reversed(self._spans) if a is not None), None)
        drawn = self.cur_item._objs[-1] if self.cur_item._objs else None
        if actual is not None and isinstance(drawn, LTChar):
            drawn._text = actual if self._first else ""
            self._first = False
            if actual and all(unicodedata.category(c) == "Cf" for c in actual):
                # a format character (ZWNJ) takes no room: its box is its origin
                drawn.set_bbox((drawn.x0, drawn.y0, drawn.x0, drawn.y1))
        return advance


class _ActualTextPage(Page):
    """A pdfplumber page laid out by `_ActualTextDevice`."""

    @property
    def layout(self) -> LTPage:
        if not hasattr(self, "_layout"):
            device = _ActualTextDevice(
                self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams
            )
            PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
            self._layout: LTPage = device.get_result()
        return self._layout


def actual_text_pages(pdf: PDF) -> list[Page]:
    """The pages of an opened PDF whose chars carry their spans' /ActualText."""
    return [
        _ActualTextPage(pdf, p.page_obj, page_number=p.page_number, initial_doctop=p.initial_doctop)
        for p in pdf.pages
    ]
