"""One naming rule for every file people download or find in a zip
(data_layer/documents/names.py): Persian words, Latin digits, Jalali dates, «-»
between, safe characters only."""

from __future__ import annotations

import re
from datetime import date

from data_layer.documents.credentials import credential_file_name
from data_layer.documents.letters import letter_file_name
from data_layer.documents.names import MAX_PART, file_name, jalali_stamp
from tests.hostile import CORPUS

UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff ]')


def test_dates_are_jalali_with_latin_digits() -> None:
    assert jalali_stamp(date(2026, 12, 7)) == "1405-09-16"
    assert jalali_stamp(date(2025, 3, 20)) == "1403-12-30"  # a leap year's last day
    assert file_name("کسری خدمات", jalali_stamp(date(2026, 12, 7)), ext="csv") == (
        "کسری-خدمات-1405-09-16.csv"
    )


def test_every_document_follows_the_same_rule() -> None:
    assert letter_file_name("۱۴۰۵/۱", "راه و شهرسازی") == "نامه-1405-1-راه-و-شهرسازی.pdf"
    assert letter_file_name("1405/24", "راه و شهرسازی") == "نامه-1405-24-راه-و-شهرسازی.pdf"
    assert credential_file_name(3, "اداره کل بهزیستی استان") == (
        "برگه-ورود-03-اداره-کل-بهزیستی-استان.pdf"
    )


def test_hostile_text_makes_a_safe_name() -> None:
    for text in CORPUS:
        name = file_name("نامه", 7, text, ext="pdf")
        assert name.startswith("نامه-7") and name.endswith(".pdf"), name
        assert not UNSAFE.search(name), (text, name)
        assert ".." not in name and "--" not in name, name
        stem = name.removesuffix(".pdf")
        assert all(len(part) <= MAX_PART for part in stem.split("-")), name
    assert file_name("", "\u202e", ext="zip") == "پرونده.zip"
