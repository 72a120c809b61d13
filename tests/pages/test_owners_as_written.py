"""The owners as the minutes wrote them (`resolution.owners_raw`), beside the agencies
they matched, where a person checks a resolution's owners (AppTest): the import
preview, «مصوبات»'s list, «جلسات»'s table of a meeting and its resolution form."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Resolution
from tests.data_layer.commands.test_minutes_import import MINUTES_ROWS
from tests.data_layer.commands.test_minutes_tables import docx_table
from tests.pages.conftest import messages, sign_in
from tests.pages.test_hostile_text_on_screens import assert_inert
from tests.pages.test_minutes_import_page import (
    education,
    meeting_8,
    open_import,
    teach,
    upload,
)

HEADER = ("ردیف", "شرح مصوبه", "مسوول پیگیری")
# Resolution 9's owner cell as an Arabic keyboard and a careless hand type it: Arabic
# kaf and yeh, a double space, a line break. It is matched in its tidied form.
WRITTEN = "وزارت  كشور /\nكانون پرورش فكري كودكان و نوجوانان"
TIDIED = MINUTES_ROWS[8][2]  # «وزارت کشور / کانون پرورش فکری کودکان و نوجوانان»
SHOWN = WRITTEN.replace("\n", "\\\n")  # in markdown the line break is a hard break
MATCHED = "امور اجتماعی استانداری، کانون پرورش فکری"  # their short names
# Resolution 10's: markup that must stay text (no «/», which separates owners), with an
# Arabic kaf so that it is kept as written.
HOSTILE = "**پررنگ** <b>x [a](javascript:x) $x$ <img src=x onerror=alert(1)> ك"


def _imported(make_app: Callable[[str], AppTest], url: str) -> int:
    """Meeting 8 with the minutes imported, resolution 10's owner matched by hand."""
    meeting_id = meeting_8(url)
    rows = [(n, t, WRITTEN if n == 9 else HOSTILE if n == 10 else o) for n, t, o in MINUTES_ROWS]
    at = upload(open_import(make_app, url, meeting_id), "m.docx", docx_table(HEADER, rows))
    text = assert_inert(at, "minutes preview")
    # The preview: the cell as written, and what was read of it for matching.
    assert f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{SHOWN}" in text
    assert f"برای تطبیق خوانده شد: «{TIDIED}»" in text
    assert f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{HOSTILE}»" in text
    teach(at, 10, education(url)).button(key="imp_commit").click().run()
    assert "۱۴ مصوبه ثبت شد." in messages(at.success), messages(at.error)
    with read_session(url) as s:
        stored = {
            r.number: (r.owners_as_written, r.owners_raw)
            for r in s.exec(select(Resolution).where(Resolution.meeting_id == meeting_id))
        }
    assert stored[9] == (TIDIED, WRITTEN)
    assert stored[10][1] == HOSTILE  # stored exactly as written
    assert stored[1] == (MINUTES_ROWS[0][2], "")  # written as read: nothing kept twice
    return meeting_id


def test_the_resolutions_list_shows_the_owners_as_written_beside_the_agencies_matched(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    meeting_id = _imported(make_app, seeded_url)
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/resolutions.py")
    at.selectbox(key="meeting").set_value(meeting_id).run()
    text = assert_inert(at, "resolutions list")
    written = WRITTEN.replace("\n", "<br>")  # the list is HTML: its line break a <br>
    assert f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{written}»<br>دستگاه‌های مسوول: {MATCHED}" in text
    assert f"دستگاه‌های مسوول: {MATCHED}" in text
    assert f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{HOSTILE}»" in text
    assert "دستگاه‌های مسوول: آموزش و پرورش" in text
    assert "دستگاه‌های مسوول: همهٔ ادارات عضو کارگروه (۲۴ دستگاه)" in text


def test_the_meeting_s_table_and_its_resolution_form_show_them_too(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    meeting_id = _imported(make_app, seeded_url)
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/meetings.py")
    at.selectbox(key="mt_pick").set_value(meeting_id).run()
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "دستگاه‌های مسوول" in d.value.columns]
    by_number = table.set_index("شماره")
    assert by_number.loc["۹", "مسوول پیگیری به نوشتهٔ صورتجلسه"] == WRITTEN
    assert by_number.loc["۹", "دستگاه‌های مسوول"] == MATCHED
    assert by_number.loc["۱۰", "مسوول پیگیری به نوشتهٔ صورتجلسه"] == HOSTILE
    assert by_number.loc["۱", "دستگاه‌های مسوول"] == "همهٔ ادارات عضو کارگروه (۲۴ دستگاه)"

    with read_session(seeded_url) as s:
        nine, ten = (
            s.exec(
                select(Resolution).where(
                    Resolution.meeting_id == meeting_id, Resolution.number == n
                )
            ).one()
            for n in (9, 10)
        )
    for resolution, written, matched in ((nine, WRITTEN, MATCHED), (ten, HOSTILE, "آموزش و پرورش")):
        at.selectbox(key=f"mr_pick_{meeting_id}").set_value(resolution.id).run()
        text = assert_inert(at, "resolution form")
        shown = written.replace("\n", "\\\n")  # a caption: markdown, hard line breaks
        assert (
            f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{shown}»\\\nدستگاه‌های مسوول اکنون: {matched}" in text
        )
