"""Persian text normalisation: the one normaliser used by every search and match."""

from __future__ import annotations

import re
import unicodedata

from data_layer.jalali import to_ascii_digits

__all__ = ["contains_fa", "match_key", "normalize_fa"]

_ZWNJ = "\u200c"

_CHAR_TABLE = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # Arabic alef maksura -> Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0624": "\u0648",  # waw with hamza above -> waw
    }
)

# Tatweel, Arabic diacritics (incl. superscript alef), ZWSP, ZWJ, LRM, RLM,
# Arabic letter mark, bidi embeddings/overrides/isolates and BOM.
_REMOVED_RE = re.compile(
    "[\u0640\u064b-\u065f\u0670\u200b\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Any run of whitespace and ZWNJ that contains at least one whitespace character.
_SPACE_RUN_RE = re.compile(rf"[\s{_ZWNJ}]*\s[\s{_ZWNJ}]*")
_ZWNJ_RUN_RE = re.compile(f"{_ZWNJ}{{2,}}")
_MATCH_DROP_RE = re.compile(rf"[\s{_ZWNJ}]+")


def normalize_fa(text: str | None) -> str:
    """Return text in one canonical Persian form (letters, ASCII digits, spacing); None -> ''."""
    if not text:
        return ""
    result = unicodedata.normalize("NFKC", text)  # also folds Arabic presentation forms
    result = to_ascii_digits(result)
    result = result.translate(_CHAR_TABLE)
    result = _REMOVED_RE.sub("", result)
    result = _SPACE_RUN_RE.sub(" ", result)
    result = _ZWNJ_RUN_RE.sub(_ZWNJ, result)
    return result.strip(" " + _ZWNJ)


def match_key(text: str | None) -> str:
    """normalize_fa(text) without whitespace or ZWNJ, casefolded: for equality matching."""
    return _MATCH_DROP_RE.sub("", normalize_fa(text)).casefold()


def contains_fa(haystack: str | None, needle: str | None) -> bool:
    """True if needle occurs in haystack after match_key on both (an empty needle matches)."""
    return match_key(needle) in match_key(haystack)
