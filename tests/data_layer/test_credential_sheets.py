"""Sign-in sheets (data_layer/documents/credentials.py) for liaisons made by the import,
read back with `pdftotext` (poppler-utils), on SQLite and PostgreSQL (`minutes_url`).

pdftotext wraps RTL lines and digit runs in embedding controls; they and ZWNJ are
dropped before comparing (see tests/data_layer/test_documents.py).
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
from openpyxl import Workbook  # type: ignore[import-untyped]

from data_layer.commands.people import import_people
from data_layer.db import read_session, write_session
from data_layer.documents.credentials import (
    NewAccount,
    credential_html,
    credential_sheets,
    credentials_zip,
)
from data_layer.documents.html import render_pdf
from data_layer.input.people import read_people_file
from data_layer.models import ProvinceProfile, Role
from data_layer.queries.profile import get_profile
from tests.conftest import AS_OF
from tests.data_layer.commands import add_user

TODAY_FA = "۱۴۰۵/۰۹/۰۷"  # AS_OF
ADDRESS = "https://payesh.example.ir/"
ROWS = [
    ["مریم احمدی", "behzisti.ahmadi", "اداره کل بهزیستی استان", "09121234567"],
    ["علی رضایی", "amoozesh.rezaei", "آموزش و پرورش", ""],
    ["زهرا کریمی", "kanoon.karimi", "کانون", ""],
]
AGENCIES = [
    "اداره کل بهزیستی استان",
    "اداره کل آموزش و پرورش",
    "کانون پرورش فکری کودکان و نوجوانان",
]
_CONTROLS = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _text(pdf: bytes, tmp_path: Path) -> str:
    """What pdftotext reads, without embedding controls or ZWNJ, one space between words."""
    exe = shutil.which("pdftotext")
    if exe is None:
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail("pdftotext (poppler-utils) is not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "sheet.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        [exe, "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True, timeout=60
    )
    text = _CONTROLS.sub("", unicodedata.normalize("NFKC", done.stdout.decode("utf-8")))
    return " ".join(text.split())


def _plain(text: str) -> str:
    return " ".join(_CONTROLS.sub("", unicodedata.normalize("NFKC", text)).split())


@pytest.fixture
def made(minutes_url: str) -> tuple[str, list[NewAccount]]:
    """Three liaisons made by the import, in a province with its own profile."""
    with write_session(minutes_url) as s:
        admin = add_user(s, "admin", "مدیر سامانه", Role.ADMIN.value)
        s.add(
            ProvinceProfile(
                province="کردستان",
                governorate="استانداری کردستان",
                group_name="کارگروه اجتماعی، فرهنگی، سلامت، زنان و خانواده استان کردستان",
                letterhead="جمهوری اسلامی ایران\nاستانداری کردستان\nدفتر امور اجتماعی",
            )
        )
    book = Workbook()
    for row in [["نام و نام خانوادگی", "نام کاربری", "دستگاه", "تلفن همراه"], *ROWS]:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    with read_session(minutes_url) as s:
        preview = read_people_file("liaisons.xlsx", content.getvalue(), s)
    assert preview.ok, preview.errors
    with write_session(minutes_url) as s:
        return minutes_url, import_people(s, actor=admin, preview=preview)


def test_each_sheet_names_the_agency_the_person_the_username_and_the_password(
    made: tuple[str, list[NewAccount]], tmp_path: Path
) -> None:
    url, accounts = made
    assert [a.agency for a in accounts] == AGENCIES
    with read_session(url) as s:
        sheets = credential_sheets(get_profile(s), accounts, sign_in_url=ADDRESS, today=AS_OF)
    assert [s.agency for s in sheets] == AGENCIES
    for sheet, account, row in zip(sheets, accounts, ROWS, strict=True):
        assert sheet.pdf.startswith(b"%PDF")
        text = _text(sheet.pdf, tmp_path)
        assert _plain(account.agency) in text
        assert _plain(row[0]) in text  # the person
        assert account.username in text.split()  # exactly as stored, one word
        assert account.password in text.split()
        assert "استانداری کردستان" in text  # the province's letterhead
        assert ADDRESS in text
        assert TODAY_FA in text
        assert "دستگاه من" in text
        others = [a.password for a in accounts if a is not account]
        assert not any(p in text for p in others)  # each sheet holds its own password only
        # Persian digits everywhere but in what is shown as typed.
        rest = text.replace(account.username, "").replace(account.password, "")
        assert not re.search("[0-9]", rest.replace(ADDRESS, "")), rest


def test_the_zip_holds_one_pdf_per_agency_under_a_safe_name(
    made: tuple[str, list[NewAccount]], tmp_path: Path
) -> None:
    url, accounts = made
    with read_session(url) as s:
        sheets = credential_sheets(get_profile(s), accounts, today=AS_OF)
    with zipfile.ZipFile(io.BytesIO(credentials_zip(sheets))) as archive:
        names = archive.namelist()
        assert names == [s.file_name for s in sheets]
        assert len(set(names)) == len(AGENCIES)
        for name, account in zip(names, accounts, strict=True):
            # documents/names.py: Persian words, Latin digits, «-» between; no transliteration
            expected = f"برگه-ورود-{len(set(names[: names.index(name)])) + 1:02d}-"
            assert name == expected + account.agency.replace(" ", "-") + ".pdf", name
            pdf = archive.read(name)
            assert pdf.startswith(b"%PDF")
            text = _text(pdf, tmp_path)
            assert account.password in text.split() and _plain(account.agency) in text
            # No address given: the sheet says it is not set, never a guessed one.
            assert "هنوز تعیین نشده است" in text and "http" not in text


def test_typed_text_is_printed_as_text_not_markup(
    made: tuple[str, list[NewAccount]], tmp_path: Path
) -> None:
    url, _ = made
    hostile = NewAccount(
        agency="<b>دستگاه</b>",
        full_name='<img src=x onerror="alert(1)">',
        username="x.y-z",
        password="AbCd23456789xy",
    )
    with read_session(url) as s:
        html = credential_html(
            get_profile(s), hostile, sign_in_url="javascript:alert(1)", today=AS_OF
        )
    assert "<img" not in html and "<b>" not in html and "<a " not in html
    assert "&#60;<span></span>img" in html  # there, as character references (output.inert)
    text = _text(render_pdf(html), tmp_path)
    # Printed as the characters typed (pdftotext moves a Latin run's brackets about).
    assert "img src=x onerror=" in text and "alert(1" in text and ">b/" in text
    assert "x.y-z" in text.split() and "javascript:alert(1" in text
