"""The one output rule: what people typed is shown as text, everywhere it is shown.

- `inert(text)` for a screen: Streamlit renders markdown (and, where a page builds
  HTML, HTML: ui/html.py applies this rule to every value by default) — the text
  comes out with every character that either language could take as markup replaced
  by a character reference (plus an invisible joiner where Streamlit's own text
  plugins would still act), so it reads the same and can never become a link, an
  image, a tag, an icon, a formula or a styled run.
- `html_text(text)` for printed documents (HTML rendered to PDF); `css_text(text)`
  for a CSS string there (a footer's `content:`), which nothing typed can end.
- `sheet_text(text)` for CSV cells: a leading formula character is quoted;
  `xlsx_text(text)` for Excel cells, which the writers store as text, never formulas.

All three drop bidi controls first (embeddings, overrides, isolates and marks), so
a typed text cannot reorder the text around it.
"""

from __future__ import annotations

import re

from data_layer.characters import BIDI_CONTROLS

__all__ = [
    "css_text",
    "html_text",
    "inert",
    "inert_html",
    "label_text",
    "sheet_text",
    "strip_bidi",
]

_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")
# ASCII punctuation: everything markdown, HTML or Streamlit's own markup (":red[…]",
# ":material/…:", "$…$", autolinks) is made of. Each becomes a character reference,
# which Streamlit decodes back to the same character for display.
_PUNCTUATION = frozenset(chr(c) for c in range(33, 127) if not chr(c).isalnum())
# Streamlit runs a few plugins on the decoded text (GFM autolinks after ':' and '@' and
# in "www.", icons and emoji between colons, arrows from "->", "<=", "~="): an invisible
# joiner after these characters breaks every one of them.
_JOIN_AFTER = frozenset(":@<>-~")
_WORD_JOINER = "\u2060"  # zero-width, no line break, no effect on Persian joining
_EMPTY_SPAN = "<span></span>"  # the same inside HTML, and copied text stays clean
# Characters a spreadsheet takes as the start of a formula (with their full-width forms).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# XML 1.0 cannot hold these; openpyxl refuses a cell that contains one.
_ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_bidi(text: str) -> str:
    """text without bidi embeddings, overrides, isolates or direction marks."""
    return _BIDI_RE.sub("", text)


def _space_kept(text: str, i: int) -> bool:
    """A space markdown would eat or read as code (at an end, or in a run)."""
    return i == 0 or i == len(text) - 1 or text[i - 1] in " \n" or text[i + 1] in " \n"


def inert(value: object, *, context: str = "markdown") -> str:
    """User text for the screen: shown exactly as typed, never markup.

    `context` is where it goes: "markdown" (st.markdown without HTML, captions,
    messages, widget labels; line breaks kept), "html" (inside an HTML fragment
    given to st.markdown with unsafe_allow_html; line breaks as <br>) or
    "attribute" (an HTML attribute value such as a tooltip).
    """
    text = strip_bidi("" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if context == "markdown":
        text = text.rstrip("\n")  # a hard break cannot end a paragraph
    joiner = {"markdown": _WORD_JOINER, "html": _EMPTY_SPAN, "attribute": ""}[context]
    newline = {"markdown": "\\\n", "html": "<br>", "attribute": "&#10;"}[context]
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == "\n":
            out.append(newline)
        elif ch in _PUNCTUATION:
            if ch == "." and text[max(0, i - 3) : i].lower() == "www":
                out.append(joiner)
            out.append(f"&#{ord(ch)};")
            if ch in _JOIN_AFTER:
                out.append(joiner)
        elif ch == "\t" or (ch == " " and _space_kept(text, i)):
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def html_text(value: object) -> str:
    """User text for a printed document's HTML (escaped, bidi controls dropped)."""
    text = strip_bidi("" if value is None else str(value))
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def css_text(value: object) -> str:
    """User text as a double-quoted CSS string (for `content:`) that can never end the
    string, the rule or the <style> element around it: every character but letters,
    digits and spaces becomes a CSS hex escape (`<` is `\\3c `), which CSS reads back
    as the same character. Line breaks become spaces; bidi controls are dropped."""
    text = strip_bidi("" if value is None else str(value)).replace("\r\n", " ")
    out = []
    for ch in text.replace("\n", " ").replace("\r", " "):
        out.append(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def sheet_text(value: str) -> str:
    """User text for a CSV cell: a leading formula character is quoted, so it is never run."""
    text = _ILLEGAL_XML_RE.sub("", strip_bidi(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def xlsx_text(value: str) -> str:
    """User text for an Excel cell, exactly as typed, minus what XML cannot hold.

    The writer stores it as a string cell (never as a formula, see documents/workbook.py).
    """
    return _ILLEGAL_XML_RE.sub("", strip_bidi(value))


# Punctuation markdown takes as plain text wherever it stands inside a label's sentence
# (no link, image, emphasis, code, tag, icon or formula is made of these alone).
_PLAIN_IN_LABELS = frozenset("()-.,/'\"")


def label_text(value: object) -> str:
    """User text inside a widget's label: as typed when markdown cannot act on it, so the
    label's accessible name reads it as typed too («کمیته امداد (ره)», not
    «&#40;ره&#41;»); otherwise `inert`, which screen readers then spell out."""
    text = strip_bidi("" if value is None else str(value)).replace("\r", " ").replace("\n", " ")
    plain = all(ch.isalnum() or ch == " " or ch in _PLAIN_IN_LABELS or ord(ch) > 127 for ch in text)
    risky = "www." in text.lower() or "  " in text or text != text.strip()
    return text if plain and not risky else inert(text)


def inert_html(value: object) -> str:
    """`inert` for text inside an HTML fragment (line breaks as <br>)."""
    return inert(value, context="html")
