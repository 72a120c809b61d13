"""Tests for data_layer.jalali: Jalali dates and Persian digits."""

from __future__ import annotations

import ast
import importlib.util
import itertools
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import jdatetime
import pytest

from data_layer.jalali import (
    JALALI_MONTHS,
    MISSING,
    PERSIAN_DIGITS,
    WEEKDAYS,
    JalaliDateError,
    days_in_jalali_month,
    format_jalali,
    format_jalali_long,
    format_jalali_month,
    format_number,
    format_percent,
    from_jalali,
    is_jalali_leap,
    jalali_month_bounds,
    jalali_season_bounds,
    parse_jalali,
    to_ascii_digits,
    to_fa_digits,
    to_jalali,
)

ZWNJ = "\u200c"


# --- module hygiene ---------------------------------------------------------


def test_module_imports_neither_streamlit_nor_locale() -> None:
    spec = importlib.util.find_spec("data_layer.jalali")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "streamlit" not in imported
    assert "locale" not in imported


# --- digits -----------------------------------------------------------------


def test_persian_digits_constant_is_zero_to_nine() -> None:
    assert PERSIAN_DIGITS == "۰۱۲۳۴۵۶۷۸۹"
    assert [ord(c) for c in PERSIAN_DIGITS] == list(range(0x06F0, 0x06FA))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "۰"),
        (1234567890, "۱۲۳۴۵۶۷۸۹۰"),
        ("1402/07/29", "۱۴۰۲/۰۷/۲۹"),
        ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"),
        ("۱۲۳", "۱۲۳"),
        (3.5, "۳.۵"),
        ("45%", "۴۵%"),
        ("abc", "abc"),
        ("", ""),
        (None, "None"),
    ],
)
def test_to_fa_digits_converts_only_digits(value: object, expected: str) -> None:
    assert to_fa_digits(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۴۰۲/۰۷/۲۹", "1402/07/29"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("۱۲٬۳۴۵", "12345"),
        ("۱۲٬۳۴۵٫۶۷", "12345.67"),
        ("3.14", "3.14"),
        ("متن بدون عدد", "متن بدون عدد"),
        ("", ""),
    ],
)
def test_to_ascii_digits_converts_digits_and_arabic_separators(text: str, expected: str) -> None:
    assert to_ascii_digits(text) == expected


@pytest.mark.parametrize("n", [0, 7, 999, 1000, 12345, 10**20, 987654321])
def test_to_ascii_digits_undoes_format_number_for_integers(n: int) -> None:
    assert to_ascii_digits(format_number(n)) == str(n)


# --- numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "decimals", "expected"),
    [
        (0, 0, "۰"),
        (7, 0, "۷"),
        (999, 0, "۹۹۹"),
        (1000, 0, "۱٬۰۰۰"),
        (12345, 0, "۱۲٬۳۴۵"),
        (1234567, 0, "۱٬۲۳۴٬۵۶۷"),
        (-12345, 0, "-۱۲٬۳۴۵"),
        (10**20, 0, "۱۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰"),
        (3.14159, 2, "۳٫۱۴"),
        (1234.5, 1, "۱٬۲۳۴٫۵"),
        (1234.567, 2, "۱٬۲۳۴٫۵۷"),
        (12, 2, "۱۲٫۰۰"),
        (2.5, 0, "۳"),
        (0.5, 0, "۱"),
        (2.675, 2, "۲٫۶۸"),
        (-2.5, 0, "-۳"),
        (-0.001, 1, "۰٫۰"),
        (1e20, 0, "۱۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰"),
    ],
)
def test_format_number_uses_persian_digits_and_separators(
    n: float, decimals: int, expected: str
) -> None:
    assert format_number(n, decimals) == expected


@pytest.mark.parametrize("n", [None, float("nan"), float("inf"), float("-inf")])
def test_format_number_shows_dash_for_missing_or_non_finite(n: float | None) -> None:
    assert format_number(n) == MISSING == "—"


def test_format_number_rejects_negative_decimals() -> None:
    with pytest.raises(ValueError, match="decimals"):
        format_number(1, -1)


@pytest.mark.parametrize(
    ("p", "decimals", "expected"),
    [
        (45, 0, "۴۵٪"),
        (0, 0, "۰٪"),
        (100, 0, "۱۰۰٪"),
        (45.5, 0, "۴۶٪"),
        (12.345, 1, "۱۲٫۳٪"),
        (-5, 0, "-۵٪"),
    ],
)
def test_format_percent_appends_persian_percent_sign(
    p: float, decimals: int, expected: str
) -> None:
    assert format_percent(p, decimals) == expected


@pytest.mark.parametrize("p", [None, float("nan")])
def test_format_percent_shows_dash_without_sign_for_missing(p: float | None) -> None:
    assert format_percent(p) == "—"


# --- names ------------------------------------------------------------------


def test_jalali_months_are_the_twelve_persian_month_names_in_order() -> None:
    assert JALALI_MONTHS == (
        "فروردین",
        "اردیبهشت",
        "خرداد",
        "تیر",
        "مرداد",
        "شهریور",
        "مهر",
        "آبان",
        "آذر",
        "دی",
        "بهمن",
        "اسفند",
    )


@pytest.mark.parametrize(
    ("gregorian", "expected"),
    [
        (date(2023, 10, 16), "دوشنبه"),
        (date(2023, 10, 17), "سه" + ZWNJ + "شنبه"),
        (date(2023, 10, 18), "چهارشنبه"),
        (date(2023, 10, 19), "پنجشنبه"),
        (date(2023, 10, 20), "جمعه"),
        (date(2023, 10, 21), "شنبه"),
        (date(2023, 10, 22), "یکشنبه"),
    ],
)
def test_weekdays_are_indexed_by_python_weekday(gregorian: date, expected: str) -> None:
    assert WEEKDAYS[gregorian.weekday()] == expected


def test_weekdays_tuesday_uses_zwnj_not_space() -> None:
    assert WEEKDAYS[1] == "سه\u200cشنبه"
    assert " " not in WEEKDAYS[1]


def test_names_do_not_depend_on_locale_state() -> None:
    # A jdatetime object created with a different locale must not leak into output.
    previous = jdatetime.set_locale("en_US")
    try:
        assert format_jalali_long(date(2023, 10, 21)) == "شنبه ۲۹ مهر ۱۴۰۲"
        assert format_jalali_month(1402, 7) == "مهر ۱۴۰۲"
    finally:
        jdatetime.set_locale(previous)


# --- conversion -------------------------------------------------------------


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1402, 7, 29), date(2023, 10, 21)),
        ((1403, 1, 1), date(2024, 3, 20)),
        ((1403, 12, 30), date(2025, 3, 20)),
        ((1404, 1, 1), date(2025, 3, 21)),
        ((1399, 12, 30), date(2021, 3, 20)),
        ((1402, 1, 1), date(2023, 3, 21)),
        ((1402, 12, 29), date(2024, 3, 19)),
    ],
)
def test_from_jalali_and_to_jalali_agree_on_known_dates(
    jalali: tuple[int, int, int], gregorian: date
) -> None:
    assert from_jalali(*jalali) == gregorian
    jd = to_jalali(gregorian)
    assert (jd.year, jd.month, jd.day) == jalali


def test_to_jalali_returns_jdatetime_date() -> None:
    assert isinstance(to_jalali(date(2023, 10, 21)), jdatetime.date)


def test_to_jalali_accepts_datetime() -> None:
    jd = to_jalali(datetime(2023, 10, 21, 23, 59))
    assert (jd.year, jd.month, jd.day) == (1402, 7, 29)


def test_from_jalali_returns_plain_gregorian_date() -> None:
    result = from_jalali(1402, 7, 29)
    assert type(result) is date


@pytest.mark.parametrize(
    ("year", "leap"),
    [(1399, True), (1403, True), (1402, False), (1404, False), (1400, False)],
)
def test_is_jalali_leap(year: int, leap: bool) -> None:
    assert is_jalali_leap(year) is leap


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (1402, 1, 31),
        (1402, 6, 31),
        (1402, 7, 30),
        (1402, 11, 30),
        (1402, 12, 29),
        (1403, 12, 30),
        (1404, 12, 29),
    ],
)
def test_days_in_jalali_month(year: int, month: int, expected: int) -> None:
    assert days_in_jalali_month(year, month) == expected


@pytest.mark.parametrize("year", [1402, 1403, 1404])
def test_every_day_of_year_round_trips_and_is_contiguous(year: int) -> None:
    expected_length = 366 if is_jalali_leap(year) else 365
    days = [
        (month, day)
        for month in range(1, 13)
        for day in range(1, days_in_jalali_month(year, month) + 1)
    ]
    assert len(days) == expected_length
    previous: date | None = None
    for month, day in days:
        gregorian = from_jalali(year, month, day)
        jd = to_jalali(gregorian)
        assert (jd.year, jd.month, jd.day) == (year, month, day)
        if previous is not None:
            assert gregorian - previous == timedelta(days=1)
        previous = gregorian
        shown = format_jalali(gregorian)
        assert shown == to_fa_digits(f"{year:04d}/{month:02d}/{day:02d}")
        assert parse_jalali(shown) == gregorian
    assert previous is not None
    assert previous + timedelta(days=1) == from_jalali(year + 1, 1, 1)


def test_every_gregorian_day_2023_to_2026_round_trips() -> None:
    day = date(2023, 1, 1)
    while day <= date(2026, 12, 31):
        jd = to_jalali(day)
        assert from_jalali(jd.year, jd.month, jd.day) == day
        day += timedelta(days=1)


# --- validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("jalali", "message"),
    [
        ((1404, 12, 30), "تاریخ ۱۴۰۴/۱۲/۳۰ وجود ندارد: اسفند ۱۴۰۴ ۲۹ روز دارد."),
        ((1402, 12, 30), "تاریخ ۱۴۰۲/۱۲/۳۰ وجود ندارد: اسفند ۱۴۰۲ ۲۹ روز دارد."),
        ((1402, 7, 31), "تاریخ ۱۴۰۲/۰۷/۳۱ وجود ندارد: مهر ۱۴۰۲ ۳۰ روز دارد."),
        ((1402, 1, 32), "تاریخ ۱۴۰۲/۰۱/۳۲ وجود ندارد: فروردین ۱۴۰۲ ۳۱ روز دارد."),
        ((1402, 13, 1), "ماه باید بین ۱ تا ۱۲ باشد."),
        ((1402, 0, 1), "ماه باید بین ۱ تا ۱۲ باشد."),
        ((1402, 7, 0), "روز باید بین ۱ تا ۳۰ باشد."),
        ((1402, 1, -1), "روز باید بین ۱ تا ۳۱ باشد."),
        ((1299, 1, 1), "سال شمسی باید بین ۱۳۰۰ تا ۱۴۹۹ باشد."),
        ((1500, 1, 1), "سال شمسی باید بین ۱۳۰۰ تا ۱۴۹۹ باشد."),
        ((2023, 10, 21), "سال شمسی باید بین ۱۳۰۰ تا ۱۴۹۹ باشد."),
    ],
)
def test_from_jalali_rejects_impossible_dates_with_persian_message(
    jalali: tuple[int, int, int], message: str
) -> None:
    with pytest.raises(JalaliDateError) as excinfo:
        from_jalali(*jalali)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("year", [1300, 1499])
def test_from_jalali_accepts_year_range_limits(year: int) -> None:
    assert to_jalali(from_jalali(year, 1, 1)).year == year


def test_jalali_date_error_is_a_value_error() -> None:
    assert issubclass(JalaliDateError, ValueError)
    with pytest.raises(ValueError):
        from_jalali(1404, 12, 30)


# --- formatting -------------------------------------------------------------


@pytest.mark.parametrize(
    ("gregorian", "expected"),
    [
        (date(2023, 10, 21), "۱۴۰۲/۰۷/۲۹"),
        (date(2024, 3, 20), "۱۴۰۳/۰۱/۰۱"),
        (date(2025, 3, 20), "۱۴۰۳/۱۲/۳۰"),
        (None, "—"),
    ],
)
def test_format_jalali_is_zero_padded_with_persian_digits(
    gregorian: date | None, expected: str
) -> None:
    assert format_jalali(gregorian) == expected


@pytest.mark.parametrize(
    ("gregorian", "expected"),
    [
        (date(2023, 10, 21), "شنبه ۲۹ مهر ۱۴۰۲"),
        (date(2024, 3, 20), "چهارشنبه ۱ فروردین ۱۴۰۳"),
        (date(2025, 3, 20), "پنجشنبه ۳۰ اسفند ۱۴۰۳"),
        (date(2023, 10, 17), "سه\u200cشنبه ۲۵ مهر ۱۴۰۲"),
        (None, "—"),
    ],
)
def test_format_jalali_long_shows_weekday_unpadded_day_month_name_and_year(
    gregorian: date | None, expected: str
) -> None:
    assert format_jalali_long(gregorian) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(1402, 7, "مهر ۱۴۰۲"), (1403, 1, "فروردین ۱۴۰۳"), (1404, 12, "اسفند ۱۴۰۴")],
)
def test_format_jalali_month_shows_month_name_and_year(
    year: int, month: int, expected: str
) -> None:
    assert format_jalali_month(year, month) == expected


@pytest.mark.parametrize("month", [0, 13])
def test_format_jalali_month_rejects_invalid_month(month: int) -> None:
    with pytest.raises(JalaliDateError, match=re.escape("ماه باید بین ۱ تا ۱۲ باشد.")):
        format_jalali_month(1402, month)


# --- parsing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1402/7/29",
        "1402/07/29",
        "۱۴۰۲/۰۷/۲۹",
        "١٤٠٢/٠٧/٢٩",
        "1402-07-29",
        "1402.07.29",
        "۱۴۰۲٫۰۷٫۲۹",
        " 1402 / 07 / 29 ",
        "۱۴۰۲" + ZWNJ + "/۰۷" + ZWNJ + "/۲۹",
        "۱۴۰۲ " + ZWNJ + "/ ۰۷ / ۲۹",
        "\u200f۱۴۰۲/۰۷/۲۹\u200f",
        "\u00a01402/07/29\u00a0",
        "۲۹/۷/۱۴۰۲",
        "29/07/1402",
        "29-7-1402",
        "۲۹ / ۰۷ / ۱۴۰۲",
    ],
)
def test_parse_jalali_accepts_common_spellings(text: str) -> None:
    assert parse_jalali(text) == date(2023, 10, 21)


def test_parse_jalali_accepts_leap_day() -> None:
    assert parse_jalali("۱۴۰۳/۱۲/۳۰") == date(2025, 3, 20)


@pytest.mark.parametrize("text", ["", "   ", ZWNJ, "\u200f"])
def test_parse_jalali_rejects_empty_text(text: str) -> None:
    with pytest.raises(JalaliDateError) as excinfo:
        parse_jalali(text)
    assert str(excinfo.value) == "تاریخ خالی است؛ آن را به شکل ۱۴۰۲/۰۷/۲۹ وارد کنید."


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1402",
        "1402/07",
        "1402/07/29/1",
        "02/07/29",
        "29/07/02",
        "1402/07-29",
        "1402//07/29",
        "14020/07/29",
        "1402/007/29",
        "1402/07/029",
        "1402/07/1402",
        "۲۹ مهر ۱۴۰۲",
        "1402/07/29 10:00",
        "-1402/07/29",
    ],
)
def test_parse_jalali_rejects_malformed_text(text: str) -> None:
    with pytest.raises(JalaliDateError) as excinfo:
        parse_jalali(text)
    assert str(excinfo.value) == "تاریخ را به شکل ۱۴۰۲/۰۷/۲۹ وارد کنید."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1404/12/30", "تاریخ ۱۴۰۴/۱۲/۳۰ وجود ندارد: اسفند ۱۴۰۴ ۲۹ روز دارد."),
        ("۳۰/۱۲/۱۴۰۲", "تاریخ ۱۴۰۲/۱۲/۳۰ وجود ندارد: اسفند ۱۴۰۲ ۲۹ روز دارد."),
        ("1402/13/01", "ماه باید بین ۱ تا ۱۲ باشد."),
        ("1402/07/32", "تاریخ ۱۴۰۲/۰۷/۳۲ وجود ندارد: مهر ۱۴۰۲ ۳۰ روز دارد."),
        ("2023-10-21", "سال شمسی باید بین ۱۳۰۰ تا ۱۴۹۹ باشد."),
    ],
)
def test_parse_jalali_reports_impossible_dates(text: str, message: str) -> None:
    with pytest.raises(JalaliDateError) as excinfo:
        parse_jalali(text)
    assert str(excinfo.value) == message


# --- month and season bounds ------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (1402, 7, (date(2023, 9, 23), date(2023, 10, 22))),
        (1403, 1, (date(2024, 3, 20), date(2024, 4, 19))),
        (1403, 12, (date(2025, 2, 19), date(2025, 3, 20))),
        (1404, 12, (date(2026, 2, 20), date(2026, 3, 20))),
        (1402, 12, (date(2024, 2, 20), date(2024, 3, 19))),
    ],
)
def test_jalali_month_bounds(year: int, month: int, expected: tuple[date, date]) -> None:
    assert jalali_month_bounds(year, month) == expected


@pytest.mark.parametrize("year", [1402, 1403, 1404])
@pytest.mark.parametrize("month", range(1, 13))
def test_jalali_month_bounds_span_the_month_length(year: int, month: int) -> None:
    start, end = jalali_month_bounds(year, month)
    assert (end - start).days + 1 == days_in_jalali_month(year, month)
    assert to_jalali(start).day == 1
    assert to_jalali(end + timedelta(days=1)).day == 1


@pytest.mark.parametrize("month", [0, 13])
def test_jalali_month_bounds_rejects_invalid_month(month: int) -> None:
    with pytest.raises(JalaliDateError, match=re.escape("ماه باید بین ۱ تا ۱۲ باشد.")):
        jalali_month_bounds(1402, month)


@pytest.mark.parametrize(
    ("year", "season", "expected"),
    [
        (1402, 1, (date(2023, 3, 21), date(2023, 6, 21))),
        (1402, 2, (date(2023, 6, 22), date(2023, 9, 22))),
        (1402, 3, (date(2023, 9, 23), date(2023, 12, 21))),
        (1402, 4, (date(2023, 12, 22), date(2024, 3, 19))),
        (1403, 4, (date(2024, 12, 21), date(2025, 3, 20))),
    ],
)
def test_jalali_season_bounds(year: int, season: int, expected: tuple[date, date]) -> None:
    assert jalali_season_bounds(year, season) == expected


@pytest.mark.parametrize("year", [1402, 1403, 1404])
def test_jalali_seasons_tile_the_year(year: int) -> None:
    seasons = [jalali_season_bounds(year, season) for season in range(1, 5)]
    assert seasons[0][0] == from_jalali(year, 1, 1)
    assert seasons[-1][1] + timedelta(days=1) == from_jalali(year + 1, 1, 1)
    for (_, end), (next_start, _) in itertools.pairwise(seasons):
        assert end + timedelta(days=1) == next_start


@pytest.mark.parametrize("season", [0, 5])
def test_jalali_season_bounds_rejects_invalid_season(season: int) -> None:
    with pytest.raises(JalaliDateError, match=re.escape("فصل باید بین ۱ تا ۴ باشد.")):
        jalali_season_bounds(1402, season)


@pytest.mark.parametrize(
    ("days", "words"), [(0, "امروز"), (1, "دیروز"), (2, "۲ روز پیش"), (45, "۴۵ روز پیش")]
)
def test_days_ago_says_today_and_yesterday_in_words(days: int, words: str) -> None:
    from data_layer.jalali import days_ago

    assert days_ago(days) == words
