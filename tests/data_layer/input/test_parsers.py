"""The one input layer: numbers, dates, times and text as people type them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from data_layer.input.check import Check
from data_layer.input.dates import DateProblem, parse_date, parse_time
from data_layer.input.numbers import NotANumber, parse_number
from data_layer.text import tidy

ZWNJ = "\u200c"

NUMBERS = [
    ("12,500", Decimal(12500)),
    ("۱۲٬۵۰۰", Decimal(12500)),
    ("١٢٬٥٠٠", Decimal(12500)),
    ("12 500", Decimal(12500)),
    ("۱۲٫۵", Decimal("12.5")),
    ("12.5", Decimal("12.5")),
    ("12,5", Decimal("12.5")),
    ("۱۲/۵", Decimal("12.5")),
    ("1,234,567.25", Decimal("1234567.25")),
    ("-3", Decimal(-3)),
    ("\u22123", Decimal(-3)),
    ("+4", Decimal(4)),
    (" ۴۰ ", Decimal(40)),
    ("\u200f۴۰\u200e", Decimal(40)),
    (40, Decimal(40)),
    (2.5, Decimal("2.5")),
    ("", None),
    ("   ", None),
    (None, None),
]


@pytest.mark.parametrize(("typed", "number"), NUMBERS)
def test_numbers_in_every_script_and_with_every_separator(typed: object, number: object) -> None:
    assert parse_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["چهل", "1e5", "nan", "inf", "12,50,0", "۱۲.۵.۰", "--5", "5-", True, "12%"]
)
def test_what_is_not_a_number(typed: object) -> None:
    with pytest.raises(NotANumber):
        parse_number(typed)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("۱۴۰۲/۰۷/۲۹", date(2023, 10, 21)),
        ("1402/7/29", date(2023, 10, 21)),
        ("1402-07-29", date(2023, 10, 21)),
        ("1402.07.29", date(2023, 10, 21)),
        ("۲۹/۷/۱۴۰۲", date(2023, 10, 21)),
        ("١٤٠٢/٠٧/٢٩", date(2023, 10, 21)),
        ("\u200f۱۴۰۲/۰۷/۲۹ ", date(2023, 10, 21)),
        ("1403/12/30", date(2025, 3, 20)),  # 1403 is a leap year
        (date(2023, 10, 21), date(2023, 10, 21)),
        ("", None),
        (None, None),
    ],
)
def test_jalali_dates(typed: object, day: date | None) -> None:
    assert parse_date(typed) == day


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("1404/12/30", "وجود ندارد"),  # 1404 is not a leap year
        ("1402/13/01", "ماه باید بین ۱ تا ۱۲"),
        ("فردا", "۱۴۰۲/۰۷/۲۹"),
        ("2023-10-21", "سال شمسی"),
        (date(1800, 1, 1), "سال شمسی"),
    ],
)
def test_impossible_dates_say_why(typed: object, fragment: str) -> None:
    with pytest.raises(DateProblem) as problem:
        parse_date(typed)
    assert fragment in problem.value.message


@pytest.mark.parametrize(
    ("typed", "clock"),
    [("9", "09:00"), ("۹:۳۰", "09:30"), ("09.30", "09:30"), ("23:59", "23:59"), ("", None)],
)
def test_clock_times(typed: str, clock: str | None) -> None:
    assert parse_time(typed) == clock


@pytest.mark.parametrize("typed", ["24:00", "9:5", "ساعت نه", "12:60"])
def test_impossible_times(typed: str) -> None:
    with pytest.raises(DateProblem):
        parse_time(typed)


TEXTS = [
    ("علي", "علی"),
    ("كتاب", "کتاب"),
    ("مى", "می"),
    ("می\u200c\u200cخواهم", f"می{ZWNJ}خواهم"),
    (f"کتاب {ZWNJ}ها", "کتاب ها"),
    (f"{ZWNJ}متن{ZWNJ}", "متن"),
    ("\u200bمتن\u200d\u2060", "متن"),
    ("\u202eabc\u202c", "abc"),
    ("\u2067راست\u2069", "راست"),
    ("  دو   فاصله\t\n", "دو فاصله"),
    ("\ufeffآغاز", "آغاز"),
    ("\ufed9\ufe98\ufe8e\ufe8f", "کتاب"),  # presentation forms, as copied from a PDF
    ("a\x00b\x07c", "abc"),
]


@pytest.mark.parametrize(("typed", "stored"), TEXTS)
def test_one_tidy_for_every_text(typed: str, stored: str) -> None:
    assert tidy(typed) == stored


def test_multiline_text_keeps_its_lines() -> None:
    assert tidy("یک  \r\nدو\r\r\n\n\nسه ", multiline=True) == "یک\nدو\n\nسه"


def test_every_problem_is_collected_with_its_persian_field_name() -> None:
    check = Check({"a": "جمعیت", "b": "تاریخ", "c": "نام", "d": "پیشرفت"}, row=7)
    check.whole("a", "چهل", low=0, high=100)
    check.date("b", "1404/12/30")
    check.text("c", "ن" * 11, limit=10)
    check.percent("d", "101٪")
    assert [e.field for e in check.errors] == ["a", "b", "c", "d"]
    assert all(e.row == 7 for e in check.errors)
    assert [e.message.split("»")[0] + "»" for e in check.errors] == [
        "«جمعیت»",
        "«تاریخ»",
        "«نام»",
        "«پیشرفت»",
    ]
