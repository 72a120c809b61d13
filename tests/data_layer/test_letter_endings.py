"""A follow-up letter's last paragraph, closing and signature stay on one page: no page
of any of the sample's letters holds the closing and the signature alone (read back
with pypdf, on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader

from data_layer.db import read_session
from data_layer.documents.letters import letters_zip
from data_layer.queries.ladder import late_agencies
from tests.conftest import AS_OF

REQUEST = "خواهشمند"  # the last paragraph: update your rows by …
THANKS = "سپاسگزار"  # the closing line, right above the signature
TABLE = "شرح مصوبه"  # the table's header, repeated on every page it runs onto


def test_no_letter_leaves_its_closing_and_signature_alone_on_a_page(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        late = late_agencies(s, AS_OF)
        bundle = letters_zip(s, today=AS_OF)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        letters = {name: archive.read(name) for name in archive.namelist()}
    assert len(letters) == len(late) >= 20  # the sample's province: every late agency
    longer = 0
    for name, pdf in letters.items():
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        longer += len(pages) > 1
        [closing] = [i for i, text in enumerate(pages) if THANKS in text]
        assert closing == len(pages) - 1, name  # the closing ends the letter
        assert REQUEST in pages[closing], (name, pages[closing][:300])  # with its last lines
        for number, text in enumerate(pages):
            assert REQUEST in text or TABLE in text, (name, number, text[:300])
    assert longer, "some letters run to a second page: the rule is exercised"
