"""Tests for data_layer.text: the shared Persian text normaliser."""

from __future__ import annotations

import pytest

from data_layer.text import contains_fa, match_key, normalize_fa

ZWNJ = "\u200c"
ZWJ = "\u200d"
NBSP = "\u00a0"

# Invisible characters that must vanish entirely.
INVISIBLE = [
    "\u200b",  # zero-width space
    ZWJ,
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",  # byte order mark / zero-width no-break space
]


# --- normalize_fa: letters --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u064a", "\u06cc"),  # Arabic yeh -> Persian yeh
        ("\u0649", "\u06cc"),  # alef maksura -> Persian yeh
        ("\u0643", "\u06a9"),  # Arabic kaf -> Persian kaf
        ("\u0629", "\u0647"),  # teh marbuta -> heh
        ("\u0623", "\u0627"),  # alef with hamza above -> alef
        ("\u0625", "\u0627"),  # alef with hamza below -> alef
        ("\u0671", "\u0627"),  # alef wasla -> alef
        ("\u0624", "\u0648"),  # waw with hamza -> waw
        ("\u06c0", "\u0647"),  # heh with yeh above -> heh
        ("علي", "علی"),
        ("كتاب", "کتاب"),
        ("مدرسة", "مدرسه"),
        ("مسؤول", "مسوول"),
        ("إيران", "ایران"),
    ],
)
def test_normalize_fa_maps_arabic_letters_to_persian(text: str, expected: str) -> None:
    assert normalize_fa(text) == expected


@pytest.mark.parametrize("letter", ["آ", "ئ", "ی", "ک", "گ", "چ", "پ", "ژ"])
def test_normalize_fa_keeps_persian_letters(letter: str) -> None:
    assert normalize_fa(letter) == letter


def test_normalize_fa_folds_arabic_presentation_forms() -> None:
    # Initial-form yeh, isolated kaf and the lam-alef ligature, as pasted from PDFs.
    assert normalize_fa("\ufef3") == "\u06cc"
    assert normalize_fa("\ufed9") == "\u06a9"
    assert normalize_fa("\ufefb") == "لا"


# --- normalize_fa: removals -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("کـــتاب", "کتاب"),  # tatweel
        ("مُحَمَّد", "محمد"),  # fatha, damma, shadda
        ("کتاباً", "کتابا"),  # tanwin
        ("خانهٔ", "خانه"),  # hamza above as a separate mark
        ("رحمٰن", "رحمن"),  # superscript alef U+0670
        ("\u064b\u065f", ""),  # both ends of the diacritic range
    ],
)
def test_normalize_fa_removes_tatweel_and_diacritics(text: str, expected: str) -> None:
    assert normalize_fa(text) == expected


@pytest.mark.parametrize("char", INVISIBLE)
def test_normalize_fa_removes_invisible_and_bidi_controls(char: str) -> None:
    assert normalize_fa(f"{char}سلام{char}دنیا{char}") == "سلامدنیا"


# --- normalize_fa: digits ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۴۰۲/۰۷/۲۹", "1402/07/29"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۱۲٬۳۴۵", "12345"),
        ("۳٫۵", "3.5"),
        ("نامه ۱۲۳", "نامه 123"),
    ],
)
def test_normalize_fa_turns_digits_into_ascii(text: str, expected: str) -> None:
    assert normalize_fa(text) == expected


# --- normalize_fa: spacing and ZWNJ -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  سلام   دنیا  ", "سلام دنیا"),
        (f"سلام{NBSP}دنیا", "سلام دنیا"),
        ("سلام\t\n\r دنیا", "سلام دنیا"),
        ("سلام\u2009دنیا", "سلام دنیا"),  # thin space
        (f"می{ZWNJ}شود", f"می{ZWNJ}شود"),  # ZWNJ inside a word is kept
        (f"می{ZWNJ}{ZWNJ}{ZWNJ}شود", f"می{ZWNJ}شود"),
        (f"می{ZWNJ} شود", "می شود"),
        (f"می {ZWNJ}شود", "می شود"),
        (f"می {ZWNJ} {ZWNJ} شود", "می شود"),
        (f"{ZWNJ}سلام{ZWNJ}", "سلام"),
        (f" {ZWNJ} سلام {ZWNJ} ", "سلام"),
        (f"{ZWNJ}{NBSP}{ZWNJ}", ""),
    ],
)
def test_normalize_fa_collapses_whitespace_and_drops_zwnj_next_to_spaces(
    text: str, expected: str
) -> None:
    assert normalize_fa(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", ZWNJ, "\u200f\ufeff"])
def test_normalize_fa_returns_empty_string_for_empty_input(text: str | None) -> None:
    assert normalize_fa(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "كتابخانهٔ مركزي  ١٢٣",
        f" مي{ZWNJ} شود ",
        "Hello  World",
        "إدارة   الـــتعليم",
    ],
)
def test_normalize_fa_is_idempotent(text: str) -> None:
    once = normalize_fa(text)
    assert normalize_fa(once) == once


def test_normalize_fa_keeps_latin_case_and_punctuation() -> None:
    assert normalize_fa("Agency-A (تهران)، شعبه ۲!") == "Agency-A (تهران)، شعبه 2!"


# --- match_key --------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        f"می{ZWNJ}شود",
        "می شود",
        "میشود",
        "مي شود",
        f"مي{ZWNJ} شود",
        "  میـشود ",
        f"می{NBSP}شود",
    ],
)
def test_match_key_makes_spacing_and_zwnj_variants_equal(variant: str) -> None:
    assert match_key(variant) == match_key("میشود") == "میشود"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("شركت علي رضايي", "شرکت علیرضایی"),
        ("Agency ABC", "agencyabc"),
        ("STRASSE", "straße"),
        ("مؤسسه ۱۲", "موسسه 12"),
        ("كُتُب", "کتب"),
    ],
)
def test_match_key_equates_variant_spellings(left: str, right: str) -> None:
    assert match_key(left) == match_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("کتاب", "کتب"),
        ("علی", "علا"),
        ("12", "13"),
    ],
)
def test_match_key_keeps_different_words_apart(left: str, right: str) -> None:
    assert match_key(left) != match_key(right)


@pytest.mark.parametrize("text", [None, "", f" {ZWNJ}{NBSP} "])
def test_match_key_of_empty_input_is_empty(text: str | None) -> None:
    assert match_key(text) == ""


# --- contains_fa ------------------------------------------------------------


@pytest.mark.parametrize(
    ("haystack", "needle"),
    [
        ("صورتجلسه شركت علي", "شرکت علی"),
        ("صورتجلسه شرکت علی", "شركت علي"),
        (f"کار انجام می{ZWNJ}شود", "میشود"),
        ("کار انجام میشود", f"می{ZWNJ}شود"),
        ("جلسه ۱۴۰۲/۰۷/۲۹", "1402/07/29"),
        ("Agency ABC Tehran", "abc"),
        ("هر متنی", ""),
        ("هر متنی", None),
        ("", ""),
    ],
)
def test_contains_fa_matches_after_normalisation(haystack: str, needle: str | None) -> None:
    assert contains_fa(haystack, needle) is True


@pytest.mark.parametrize(
    ("haystack", "needle"),
    [
        ("صورتجلسه شرکت علی", "شرکت رضا"),
        ("", "علی"),
        (None, "علی"),
        ("کتاب", "کتابخانه"),
    ],
)
def test_contains_fa_rejects_absent_needle(haystack: str | None, needle: str) -> None:
    assert contains_fa(haystack, needle) is False
