"""The characters of Persian text that need a name: its digits and the ones nobody sees.

Defined once here; data_layer/jalali.py converts digits with them, data_layer/text.py
tidies typed text with them and data_layer/output.py keeps them out of what is shown.
"""

from __future__ import annotations

__all__ = [
    "ARABIC_INDIC_DIGITS",
    "ASCII_DIGITS",
    "BIDI_CONTROLS",
    "INVISIBLE",
    "PERSIAN_DIGITS",
    "ZWNJ",
]

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
ASCII_DIGITS = "0123456789"

ZWNJ = "\u200c"
"""The zero-width non-joiner: part of Persian spelling (می‌شود), never stripped from words."""

# Regular-expression character classes (put them inside [...]).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Arabic letter mark, LRM, RLM, bidi embeddings, overrides and isolates: a typed text
that holds them can reorder the text around it."""
INVISIBLE = "\u00ad\u180e\u200b\u200d\u2060-\u2064\ufeff" + BIDI_CONTROLS
"""Everything invisible people paste with text, ZWNJ aside: soft hyphen, Mongolian vowel
separator, ZWSP, ZWJ, word joiner and invisible operators, BOM and the bidi controls."""
