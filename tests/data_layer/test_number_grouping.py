"""Numbers a person reads are grouped with the Persian thousands separator «٬»
(U+066C), never a Latin comma among Persian digits («۱,۲۲۸»): the one formatter
(jalali.format_number) does it, no other code groups digits with a comma (Python's
`:,`, a Vega/d3 `,` format, an Excel `#,##0`), and the printed report and letters
hold none (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import col, select

from data_layer.db import read_session
from data_layer.documents.report import meeting_report_pdf
from data_layer.jalali import format_number, format_percent
from data_layer.models import Meeting
from tests.conftest import AS_OF

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("data_layer", "ui", "pages", "web", "app.py", "launcher.py")
# `{n:,}`, `{n:,.1f}`, format(n, ","), Vega's format=",d" / ",.0f", Excel's "#,##0"
COMMA_GROUPING = re.compile(
    r"""\{[\w.\[\]()]+:[<>^=+\- 0-9]*,|format\([^)]*["'],|format=["'],|#,##"""
)
LATIN_COMMA_IN_DIGITS = re.compile("[۰-۹],[۰-۹]")


def test_the_formatter_groups_with_the_persian_separator() -> None:
    assert format_number(1228) == "۱٬۲۲۸"
    assert format_number(1234567.5, 1) == "۱٬۲۳۴٬۵۶۷٫۵"
    assert format_percent(1250) == "۱٬۲۵۰٪"
    assert "," not in format_number(10**12)


def test_no_other_code_groups_digits_with_a_comma() -> None:
    found = []
    for name in SOURCES:
        path = ROOT / name
        for source in [path] if path.is_file() else sorted(path.rglob("*.py")):
            if source.name == "jalali.py" or "migrations" in source.parts:
                continue
            for number, line in enumerate(source.read_text().splitlines(), start=1):
                if COMMA_GROUPING.search(line) and not line.lstrip().startswith("#"):
                    found.append(f"{source.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_printed_report_has_no_latin_comma_among_persian_digits(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        meeting = s.exec(select(Meeting).where(col(Meeting.number) == 7)).one()
        assert meeting.id is not None
        pdf = meeting_report_pdf(s, meeting_id=meeting.id, today=AS_OF)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert re.search("[۰-۹]", text)
    assert not LATIN_COMMA_IN_DIGITS.search(text), LATIN_COMMA_IN_DIGITS.findall(text)
