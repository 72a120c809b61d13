"""Printed documents: follow-up letters and meeting reports (PDF and Excel), on SQLite
and PostgreSQL through `seeded_url`.

What `pdftotext` (poppler 22.12) gives back from these PDFs, and how it is compared:

- Words come out in logical (reading) order: each RTL line is wrapped in U+202B (RLE)
  ... U+202C (PDF), and runs of Persian digits in U+202A (LRE) ... U+202C. Nothing is
  reversed, with or without -layout, so a multi-word phrase is compared as it is
  written (its reversal must not appear).
- The embedding controls and ZWNJ (which has no glyph) are dropped by `_normalise`,
  together with NFKC and whitespace collapsing; the expected text gets the same.
- A neutral character next to a digit run or an Arabic comma lands on the other side
  of the space ("جلسه ۷ کارگروه" comes out as "جلسه  ۷کارگروه", "الف، ب" as
  "الف ،ب"), so compared phrases hold no digits or punctuation, except dates
  such as ۱۴۰۵/۰۹/۰۷, which come out whole.
- The lam-alef ligature comes out as «ال» instead of «لا» («سلامت» -> «سالمت»):
  the PDF's ToUnicode map is right (the glyph maps to U+0644 U+0627); poppler
  reverses a multi-character glyph inside RTL text. Compared phrases avoid «لا».

Rendered first pages are written to test-artifacts/ (git-ignored) for a person to see.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlmodel import Session, col

from data_layer.db import read_session, write_session
from data_layer.documents import html as html_doc
from data_layer.documents.html import document, el, esc, font_face_css, render_pdf, table
from data_layer.documents.letters import (
    follow_up_letter_pdf,
    letter_file_name,
    letter_html,
    letters_zip,
)
from data_layer.documents.report import (
    SHEET_NAMES,
    meeting_report_html,
    meeting_report_pdf,
    meeting_report_xlsx,
)
from data_layer.errors import NotFound
from data_layer.jalali import format_jalali, to_fa_digits
from data_layer.labels import default_head_title
from data_layer.models import Agency, Assignment, Meeting, Resolution
from data_layer.queries.ladder import late_agencies, letter_rows
from tests.conftest import AS_OF

TODAY = AS_OF  # 2026-11-28 = ۱۴۰۵/۰۹/۰۷
TODAY_FA = "۱۴۰۵/۰۹/۰۷"
EDUCATION = "اداره کل آموزش و پرورش"
CHAIR = "مجید رمضانی"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

_BIDI_CONTROLS = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_PLAIN_WORD = re.compile("[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]+")


def _require(tool: str) -> str:
    """The tool's path; skip without it (fail in CI, where it must be installed)."""
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} (poppler-utils) is not installed: apt-get install poppler-utils"
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _normalise(text: str) -> str:
    """NFKC, no bidi controls or ZWNJ, one space between words."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def _pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool) -> str:
    exe = _require("pdftotext")
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    args = [exe, *(["-layout"] if layout else []), "-enc", "UTF-8", str(source), "-"]
    done = subprocess.run(args, capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def _phrase(text: str, words: int = 4) -> str | None:
    """The first `words` words of a text when they are plain letters without «لا»."""
    tokens = _normalise(text).split()[:words]
    if len(tokens) < min(words, 3) or not all(_PLAIN_WORD.fullmatch(t) for t in tokens):
        return None
    phrase = " ".join(tokens)
    return None if "لا" in phrase else phrase


def _agency_id(session: Session, name: str) -> int:
    agency_id = session.execute(select(col(Agency.id)).where(col(Agency.name) == name)).scalar_one()
    assert isinstance(agency_id, int)
    return agency_id


def _meeting_id(session: Session, number: int) -> int:
    meeting_id = session.execute(
        select(col(Meeting.id)).where(col(Meeting.number) == number)
    ).scalar_one()
    assert isinstance(meeting_id, int)
    return meeting_id


def _dialect(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


# --- letters -----------------------------------------------------------------------------


def test_late_agencies_and_letter_rows_agree(seeded_url: str) -> None:
    with read_session(seeded_url) as session:
        late = late_agencies(session, TODAY)
        assert len(late) > 0
        assert (late["letter_rows"] > 0).all()
        assert (late["letter_rows"] >= late[["overdue", "unreported"]].max(axis=1)).all()
        assert list(late["overdue"]) == sorted(late["overdue"], reverse=True)
        education = _agency_id(session, EDUCATION)
        assert education in set(late["agency_id"])
        rows = letter_rows(session, education, TODAY)
    expected = late.set_index("agency_id").loc[education]
    assert len(rows) == expected["letter_rows"]
    assert int(rows["overdue"].sum()) == expected["overdue"]
    assert (rows["overdue"] | (rows["unreported"] & (rows["status"] != "done"))).all()
    # Overdue rows first, the latest of them on top.
    late_days = list(rows.loc[rows["overdue"], "days_late"])
    assert late_days == sorted(late_days, reverse=True)
    assert list(rows["overdue"]) == sorted(rows["overdue"], reverse=True)


def test_letter_for_education_is_shaped_in_reading_order(seeded_url: str, tmp_path: Path) -> None:
    with read_session(seeded_url) as session:
        agency_id = _agency_id(session, EDUCATION)
        rows = letter_rows(session, agency_id, TODAY)
        pdf = follow_up_letter_pdf(session, agency_id=agency_id, today=TODAY)
    assert pdf.startswith(b"%PDF")
    overdue = rows[rows["overdue"]]
    phrases = [p for p in map(_phrase, overdue["resolution_text"]) if p]
    assert phrases, "no overdue resolution of Education has a plain four-word opening"
    phrase = phrases[0]

    for layout in (True, False):
        text = _normalise(_pdf_text(pdf, tmp_path, layout=layout))
        # Addressed with the registry's title of its head; headed by the province's profile.
        assert _normalise("مدیرکل محترم آموزش و پرورش استان") in text
        assert _normalise("استانداری نمونه") in text
        assert phrase in text, (layout, phrase)
        assert phrase[::-1] not in text  # not reversed
        assert TODAY_FA in text
        assert "دستگاه من" in text
        assert "پیگیری مصوبات کارگروه" in text
        assert "دبیر کارگروه" in text
        # Days late of the latest row, in Persian digits.
        assert to_fa_digits(int(overdue["days_late"].max())) in text
        # Page numbers come from counter(page, persian); no ASCII digit anywhere.
        assert re.search("صفحه ?۱ ?از ?[۱-۹]", text), text[-200:]
        assert not re.search("[0-9]", text), re.findall(".{20}[0-9].{20}", text)[:3]


def test_letter_without_number_leaves_a_blank_and_escapes_text(seeded_url: str) -> None:
    with read_session(seeded_url) as session:
        agency_id = _agency_id(session, EDUCATION)
        blank = letter_html(session, agency_id=agency_id, today=TODAY)
        numbered = letter_html(
            session, agency_id=agency_id, today=TODAY, letter_number="<b>12/345</b>"
        )
    assert "...................." in blank
    assert "&lt;b&gt;۱۲/۳۴۵&lt;/b&gt;" in numbered
    assert "<b>" not in numbered
    # reply_by defaults to today + 10 days: Tuesday 17 Azar 1405.
    assert "سه‌شنبه ۱۷ آذر ۱۴۰۵" in blank


def test_letter_and_report_with_nothing_to_list_still_render(
    seeded_url: str, tmp_path: Path
) -> None:
    with write_session(seeded_url) as session:
        session.add(Meeting(number=99, held_on=TODAY, place="<سالن>", chair=""))
        session.add(Agency(name="دستگاه بدون ردیف", short_name="بدون ردیف", kind="ngo"))
    with read_session(seeded_url) as session:
        agency_id = _agency_id(session, "دستگاه بدون ردیف")
        assert agency_id not in set(late_agencies(session, TODAY)["agency_id"])
        letter = follow_up_letter_pdf(session, agency_id=agency_id, today=TODAY)
        meeting_id = _meeting_id(session, 99)
        page = meeting_report_html(session, meeting_id=meeting_id, today=TODAY)
        report = meeting_report_pdf(session, meeting_id=meeting_id, today=TODAY)
        workbook = load_workbook(
            io.BytesIO(meeting_report_xlsx(session, meeting_id=meeting_id, today=TODAY))
        )
        with pytest.raises(NotFound):
            meeting_report_pdf(session, meeting_id=10_000, today=TODAY)
        with pytest.raises(NotFound):
            follow_up_letter_pdf(session, agency_id=10_000, today=TODAY)
    text = _normalise(_pdf_text(letter, tmp_path, layout=False))
    assert "مدیرعامل محترم دستگاه بدون ردیف" in text
    assert _normalise("مورد معوق یا گزارش‌نشده‌ای برای آن دستگاه ثبت نشده است") in text
    assert report.startswith(b"%PDF")
    assert "&lt;سالن&gt;" in page and "<سالن>" not in page
    assert workbook["ردیف‌ها"].max_row == 1  # the header only


def test_letters_zip_holds_one_pdf_per_late_agency(seeded_url: str) -> None:
    with read_session(seeded_url) as session:
        late = late_agencies(session, TODAY)
        data = letters_zip(session, today=TODAY, letter_number_prefix="۱۲۳/")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == len(late) == len(set(names))
        ids = set()
        shorts = dict(zip(late["agency_id"], late["short_name"], strict=True))
        for name in names:
            # documents/names.py: Persian words, Latin digits, «-» between; no transliteration
            match = re.fullmatch(r"نامه-(\d+)-([\w\u200c-]+)\.pdf", name)
            assert match and not re.search("[۰-۹a-z]", name.removesuffix(".pdf")), name
            agency_id = int(match[1])
            assert match[2] == "-".join(re.findall(r"[\w\u200c]+", shorts[agency_id])), name
            ids.add(agency_id)
            assert archive.read(name).startswith(b"%PDF")
    assert ids == set(late["agency_id"])


def test_file_names_and_salutations() -> None:
    assert letter_file_name(2, "آموزش و پرورش") == "نامه-2-آموزش-و-پرورش.pdf"
    assert letter_file_name("۱۴۰۵/۲۴", "راه و شهرسازی") == "نامه-1405-24-راه-و-شهرسازی.pdf"
    assert letter_file_name(9, "؟؟") == "نامه-9.pdf"
    assert letter_file_name(3, "کتابخانه‌های عمومی") == "نامه-3-کتابخانه\u200cهای-عمومی.pdf"
    assert letter_file_name(4, "<a href=x>/\u202e..") == "نامه-4-a-href-x.pdf"
    assert default_head_title("directorate", EDUCATION) == f"مدیرکل محترم {EDUCATION}"
    assert default_head_title("municipality", "شهرداری مرکز استان") == "شهردار محترم مرکز استان"
    assert default_head_title("university", "دانشگاه دولتی") == "ریاست محترم دانشگاه دولتی"
    assert default_head_title("ngo", "جمعیت هلال احمر استان").startswith("مدیرعامل محترم")


# --- meeting report ------------------------------------------------------------------------


def test_meeting_report_pdf_for_meeting_7(seeded_url: str, tmp_path: Path) -> None:
    with read_session(seeded_url) as session:
        meeting_id = _meeting_id(session, 7)
        resolution_10 = session.execute(
            select(col(Resolution.text)).where(
                col(Resolution.meeting_id) == meeting_id, col(Resolution.number) == 10
            )
        ).scalar_one()
        pdf = meeting_report_pdf(session, meeting_id=meeting_id, today=TODAY)
    assert pdf.startswith(b"%PDF")
    text = _normalise(_pdf_text(pdf, tmp_path, layout=False))
    assert "جلسه ۷" in text
    assert CHAIR in text
    assert _normalise(resolution_10) in text
    assert "ضرورت اعزام معلمان" in text
    for word in ("انجام شده", "در حال انجام", "انجام نشده", "دارای تأخیر", "میانگین پیشرفت"):
        assert word in text
    assert TODAY_FA in text
    assert not re.search("[0-9]", text), re.findall(".{20}[0-9].{20}", text)[:3]


def test_meeting_report_xlsx_for_meeting_7(seeded_url: str) -> None:
    with read_session(seeded_url) as session:
        meeting_id = _meeting_id(session, 7)
        live_rows = session.execute(
            select(func.count(col(Assignment.id)))
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .where(col(Resolution.meeting_id) == meeting_id, col(Assignment.withdrawn).is_(False))
        ).scalar_one()
        resolutions = session.execute(
            select(func.count(col(Resolution.id))).where(col(Resolution.meeting_id) == meeting_id)
        ).scalar_one()
        data = meeting_report_xlsx(session, meeting_id=meeting_id, today=TODAY)
    workbook = load_workbook(io.BytesIO(data))
    assert tuple(workbook.sheetnames) == SHEET_NAMES == ("خلاصه", "دستگاه‌ها", "مصوبات", "ردیف‌ها")
    for sheet in workbook.worksheets:
        assert sheet.sheet_view.rightToLeft is True
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width >= 8
    rows_sheet = workbook["ردیف‌ها"]
    assert rows_sheet.max_row - 1 == live_rows > 0
    assert workbook["مصوبات"].max_row - 1 == resolutions == 14
    headers = [c.value for c in rows_sheet[1]]
    at = headers.index("موعد")
    due = [r[at] for r in rows_sheet.iter_rows(min_row=2)]
    # Jalali dates as numbers that sort and filter (14020815 shown 1402/08/15), not text
    dated = [c for c in due if c.value != "—"]
    assert dated and all(isinstance(c.value, int) for c in dated)
    assert all(14000101 <= c.value <= 14101229 for c in dated)
    assert {c.number_format for c in dated} == {'0000"/"00"/"00'}
    reported = [r[headers.index("آخرین گزارش")] for r in rows_sheet.iter_rows(min_row=2)]
    assert any(isinstance(c.value, int) and c.value > 10**11 for c in reported)
    summary = {r[0]: r[1] for r in workbook["خلاصه"].iter_rows(min_row=2, values_only=True)}
    assert summary["شماره جلسه"] == 7
    assert summary["ردیف‌های پیگیری"] == live_rows
    assert CHAIR in summary["رئیس جلسه"]
    assert summary["تاریخ جلسه"] == "شنبه ۲۹ مهر ۱۴۰۲"


def test_first_pages_render_to_png(seeded_url: str, tmp_path: Path) -> None:
    """Writes test-artifacts/letter-education-<db>.png and report-meeting-7-<db>.png."""
    exe = _require("pdftoppm")
    ARTIFACTS.mkdir(exist_ok=True)
    with read_session(seeded_url) as session:
        letter = follow_up_letter_pdf(
            session, agency_id=_agency_id(session, EDUCATION), today=TODAY
        )
        report = meeting_report_pdf(session, meeting_id=_meeting_id(session, 7), today=TODAY)
    for stem, pdf in (("letter-education", letter), ("report-meeting-7", report)):
        source = tmp_path / f"{stem}.pdf"
        source.write_bytes(pdf)
        prefix = tmp_path / stem
        cmd = [exe, "-png", "-r", "80", "-f", "1", "-l", "1", str(source), str(prefix)]
        subprocess.run(cmd, check=True, timeout=60)
        (image,) = tmp_path.glob(f"{stem}-*.png")
        target = ARTIFACTS / f"{stem}-{_dialect(seeded_url)}.png"
        shutil.copyfile(image, target)
        assert target.read_bytes().startswith(b"\x89PNG")
        assert target.stat().st_size > 10_000


# --- the HTML layer --------------------------------------------------------------------------


def test_html_escapes_every_text() -> None:
    cell = "<script>alert('x')</script> & «ب»"
    markup = table(["<h>"], [[cell]])
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "&lt;h&gt;" in markup and "&amp;" in markup
    assert el("p", "<i>", el("b", "ok")) == "<p>&lt;i&gt;<b>ok</b></p>"
    assert esc(esc("<")) == "&lt;"  # escaping twice is a no-op on safe fragments
    page = document("<t>", el("p", "x"))
    assert "<title>&lt;t&gt;</title>" in page
    assert "size: A4" in page and "margin: 18mm 16mm" in page
    assert "counter(page, persian)" in page and "direction: rtl" in page


def test_fonts_fall_back_to_dejavu_without_vazirmatn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (html_doc.FONTS_DIR / "Vazirmatn-Regular.ttf").is_file():
        assert font_face_css() == ""
    else:
        assert "Vazirmatn-Regular.ttf" in font_face_css()
        assert font_face_css().count("@font-face") == len(
            list(html_doc.FONTS_DIR.glob("Vazirmatn-*.ttf"))
        )
    monkeypatch.setattr(html_doc, "FONTS_DIR", tmp_path / "no-fonts")
    assert font_face_css() == ""
    pdf = render_pdf(document("t", el("p", "پیگیری مصوبات کارگروه در تاریخ " + TODAY_FA)))
    source = tmp_path / "fallback.pdf"
    source.write_bytes(pdf)
    fonts = subprocess.run(
        [_require("pdffonts"), str(source)], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert "DejaVu" in fonts and "Vazirmatn" not in fonts, fonts
    text = _normalise(_pdf_text(pdf, tmp_path, layout=False))
    assert "پیگیری مصوبات کارگروه" in text and TODAY_FA in text
    assert format_jalali(TODAY) == TODAY_FA
