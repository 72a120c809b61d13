"""What the PDFs tell a reader beyond their drawing: tagged (a structure tree, marked
content), `/Lang (fa)`, a title, an author and a creation date — the meeting report,
a follow-up letter and a sign-in sheet, read back with pypdf and poppler's pdfinfo;
and the words pypdf extracts from their text layer (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from data_layer import clock
from data_layer.db import read_session
from data_layer.documents.credentials import NewAccount, credential_pdf
from data_layer.documents.letters import follow_up_letter_pdf
from data_layer.documents.report import meeting_report_pdf
from data_layer.models import Agency, Meeting
from data_layer.queries.profile import get_profile
from tests.conftest import AS_OF

EDUCATION = "اداره کل آموزش و پرورش"
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _documents(session: Session) -> dict[str, bytes]:
    meeting = session.exec(select(Meeting).where(col(Meeting.number) == 7)).one()
    agency = session.exec(select(Agency).where(col(Agency.name) == EDUCATION)).one()
    assert meeting.id is not None and agency.id is not None
    account = NewAccount(EDUCATION, "مریم احمدی", "amoozesh.ahmadi", "Xk7-pq2-ZZ9")
    return {
        "report": meeting_report_pdf(session, meeting_id=meeting.id, today=AS_OF),
        "letter": follow_up_letter_pdf(session, agency_id=agency.id, today=AS_OF),
        "sheet": credential_pdf(get_profile(session), account, today=AS_OF),
    }


@pytest.fixture
def documents(seeded_url: str) -> dict[str, bytes]:
    with read_session(seeded_url) as s:
        return _documents(s)


def test_every_pdf_is_tagged_persian_with_title_author_and_date(
    documents: dict[str, bytes], seeded_url: str
) -> None:
    with read_session(seeded_url) as s:
        group = get_profile(s).group_name
    now = clock.now().astimezone(UTC)
    for name, pdf in documents.items():
        reader = PdfReader(io.BytesIO(pdf))
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "fa", name
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root, name
        meta = reader.metadata
        assert meta is not None and meta.title and meta.title.strip(), name
        assert meta.author == f"دبیرخانه {group}", name
        created = meta.creation_date
        assert created is not None and abs((created - now).total_seconds()) < 24 * 3600, name
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "poppler-utils reads the PDFs back"
    info = subprocess.run(
        [pdfinfo, "-"], input=documents["letter"], capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+پیگیری مصوبات کارگروه — " + EDUCATION, info, re.M), info
    assert re.search(r"^Author:\s+دبیرخانه ", info, re.M), info


def test_pypdf_reads_lam_alef_and_no_bidi_marks(documents: dict[str, bytes]) -> None:
    for name, pdf in documents.items():
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert not _BIDI.search(text), name
        for reversed_ in ("هالل", "اسالمی", "سالمت"):
            assert reversed_ not in text, (name, reversed_)
    report = "".join(p.extract_text() for p in PdfReader(io.BytesIO(documents["report"])).pages)
    assert "سلامت" in report  # the group's name: «… فرهنگی، سلامت، زنان و خانواده»
