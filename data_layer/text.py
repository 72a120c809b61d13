"""Persian text as people type and paste it: one tidy for storage, one key for matching.

`tidy` is applied to every text a person or a file gives the app before it is
checked or stored: Arabic ي/ك/ى become Persian ی/ک, invisible characters pasted
with text (data_layer/characters.py: zero-width spaces, joiners, direction marks,
bidi embeddings, overrides and isolates, BOM, soft hyphens) go, a run of ZWNJ becomes
one and a ZWNJ next to a space or at either end goes, and white space is folded.

`match_key` is the one normaliser behind every search and every match (owners in
the minutes, duplicate names, the backlog's text filter): `tidy`, then ASCII digits,
folded letter variants and diacritics, no spaces or ZWNJ, case-folded.
"""

from __future__ import annotations

import re
import unicodedata

from data_layer.characters import INVISIBLE, ZWNJ
from data_layer.jalali import to_ascii_digits

__all__ = ["contains_fa", "match_key", "normalize_fa", "strip_invisible", "tidy"]

_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# C0 and C1 control characters other than tab, line feed and carriage return.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Arabic presentation forms (what text copied out of a PDF often is).
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
# A run of white space and ZWNJ with at least one white space character in it.
_SPACE_RUN_RE = re.compile(rf"[\s{ZWNJ}]*\s[\s{ZWNJ}]*")
_ZWNJ_RUN_RE = re.compile(f"{ZWNJ}{{2,}}")
_BLANK_LINES_RE = re.compile(r"\n{3,}")

# Only for matching: letter variants, diacritics (incl. superscript alef) and tatweel.
_MATCH_LETTERS = str.maketrans(
    {
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0624": "\u0648",  # waw with hamza above -> waw
    }
)
_DIACRITICS_RE = re.compile("[\u0640\u064b-\u065f\u0670]")
_MATCH_DROP_RE = re.compile(rf"[\s{ZWNJ}]+")


def strip_invisible(text: str) -> str:
    """text without invisible characters and control characters (newlines and tabs kept)."""
    return _CONTROL_RE.sub("", _INVISIBLE_RE.sub("", text))


def _fold_spaces(line: str) -> str:
    """One space for every run of white space; ZWNJ beside a space or at an end goes."""
    line = _SPACE_RUN_RE.sub(" ", line)
    line = _ZWNJ_RUN_RE.sub(ZWNJ, line)
    return line.strip(" " + ZWNJ)


def tidy(text: str | None, *, multiline: bool = False) -> str:
    """What a person typed, in the one form the app stores and compares; None -> ''.

    Single-line text has all its white space folded to single spaces. Multi-line
    text keeps its line breaks (Windows and old Mac endings become one kind), with
    each line folded and at most one empty line in a row.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _PRESENTATION_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = strip_invisible(text.translate(_LETTERS))
    if not multiline:
        return _fold_spaces(" ".join(text.split()))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    joined = "\n".join(_fold_spaces(line) for line in lines)
    return _BLANK_LINES_RE.sub("\n\n", joined).strip("\n")


def normalize_fa(text: str | None) -> str:
    """`tidy` with ASCII digits, one spelling of varying letters, no diacritics; None -> ''."""
    result = _DIACRITICS_RE.sub("", unicodedata.normalize("NFKC", text or ""))
    return to_ascii_digits(tidy(result)).translate(_MATCH_LETTERS)


def match_key(text: str | None) -> str:
    """normalize_fa without spaces or ZWNJ, case-folded: for equality."""
    return _MATCH_DROP_RE.sub("", normalize_fa(text)).casefold()


def contains_fa(haystack: str | None, needle: str | None) -> bool:
    """True if needle occurs in haystack after match_key on both (an empty needle matches)."""
    return match_key(needle) in match_key(haystack)
