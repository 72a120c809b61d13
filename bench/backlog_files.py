"""Backlog workbooks built with openpyxl, as a secretariat fills them in, and what
importing one must create (counted here independently of the code under test): the
benchmark's workbook (bench/backlog.py) and the tests' (tests import from the bench,
never the other way).

`generated(n)` is an n-row workbook of earlier meetings against the member agencies
of the sample province (`minutes_url`): one owner, two owners in one cell, «ادارات
عضو کارگروه», and resolutions spread over two rows; Persian and ASCII digits, status
labels and codes, Arabic letter variants in the owners' names.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook  # type: ignore[import-untyped]

from data_layer import seed_data
from data_layer.input.backlog import COLUMNS
from data_layer.jalali import to_fa_digits

HEADER = [c.label for c in COLUMNS]
HXL = [c.hxl for c in COLUMNS]
ALL = "ادارات عضو کارگروه"
MEMBERS = [a for a in seed_data.AGENCIES if a.is_member]
STATUSES = ("انجام شده", "در حال انجام", "not_started", "نیازمند پیگیری", "متوقف")


def workbook(rows: Sequence[Sequence[object]], *, hxl: bool = True) -> bytes:
    """An .xlsx with the template's header (and HXL row) and these data rows."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    if hxl:
        sheet.append(HXL)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(
    meeting: object = 5,
    held: object = "۱۴۰۲/۰۳/۱۵",
    number: object = 1,
    text: object = "ساماندهی کودکان کار در محلات هدف",
    owners: object = "اداره کل بهزیستی استان",
    status: object = "در حال انجام",
    progress: object = "۴۰",
    due: object = "۱۴۰۲/۱۲/۲۰",
    note: object = "نامه به فرمانداری‌ها فرستاده شد",
) -> list[object]:
    """One data row in the template's column order (a good one by default)."""
    return [meeting, held, number, text, owners, status, progress, due, note]


@dataclass(frozen=True)
class Expected:
    """What importing a generated workbook creates."""

    rows: int
    meetings: int
    resolutions: int
    assignments: int

    @property
    def history(self) -> int:
        """One 'created' entry per meeting, resolution and agency row."""
        return self.meetings + self.resolutions + self.assignments


def _name(index: int, variant: int) -> str:
    agency = MEMBERS[index % len(MEMBERS)]
    if variant % 3 == 0:
        return agency.short_name
    if variant % 3 == 1:
        return agency.name.replace("ی", "ي").replace("ک", "ك")  # typed with Arabic letters
    return agency.name


def _state(i: int) -> tuple[str, object]:
    status = STATUSES[i % len(STATUSES)]
    if status == "انجام شده":
        return status, 100 if i % 2 else ""
    if status == "not_started":
        return status, 0
    return status, to_fa_digits(10 + (i * 7) % 80) if i % 2 else str(10 + (i * 7) % 80)


def generated(n: int, meetings: int = 20) -> tuple[bytes, Expected]:
    """An n-row workbook over `meetings` earlier meetings (numbers 1-6 and 8 on, as the
    sample holds meeting 7), and the counts its import must give.

    Every 25th resolution belongs to every member (24 rows each); every fourth is
    spread over two rows of one owner each; every third row names two owners.
    """
    numbers = [m for m in range(1, meetings + 2) if m != 7][:meetings]
    per_meeting = -(-n // meetings)
    data: list[list[object]] = []
    resolutions = assignments = 0
    for m_index, meeting in enumerate(numbers):
        year, month = 1396 + (m_index // 12), 1 + m_index % 12
        held = f"{year}/{month:02d}/10" if m_index % 2 else to_fa_digits(f"{year}/{month:02d}/10")
        due = f"{year + 1}/{month:02d}/20"
        res = 0
        in_meeting = 0
        while in_meeting < per_meeting and len(data) < n:
            res += 1
            resolutions += 1
            text = f"مصوبهٔ {res} جلسهٔ {meeting}: پیگیری خدمات در محلات هدف"
            spread = res % 4 == 0 and in_meeting + 2 <= per_meeting and len(data) + 2 <= n
            if res % 25 == 1 and not spread:
                owner_cells = [ALL]
                assignments += len(MEMBERS)
            elif spread:
                owner_cells = [_name(res, res), _name(res + 1, res + 1)]
                assignments += 2
            elif len(data) % 3 == 0:
                owner_cells = [f"{_name(res, res)} / {_name(res + 5, res + 2)}"]
                assignments += 2
            else:
                owner_cells = [_name(res, res)]
                assignments += 1
            for cell in owner_cells:
                status, progress = _state(len(data))
                note = "" if len(data) % 5 == 0 else f"آخرین پیگیری ردیف {len(data) + 1}"
                data.append(row(meeting, held, res, text, cell, status, progress, due, note))
                in_meeting += 1
    return workbook(data), Expected(len(data), len(numbers), resolutions, assignments)
