"""«سوابق و پالایش» through AppTest: a workbook imported, then a bulk action with its count.

The sample province (`seeded_url`) holds meetings 4 to 7; the workbooks here bring in
meeting 2. The secretariat is `dabir`; a liaison (`agency02`) is turned away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from bench.backlog_files import row, workbook
from data_layer import auth
from data_layer.commands.triage import bulk_mark_done
from data_layer.db import read_session, write_session
from data_layer.models import Assignment, HistoryEntry, Meeting, Resolution
from tests.pages.conftest import COOKIES, keyed, messages, sign_in
from tests.pages.test_stale_choices import database

PAGE = "pages/backlog.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WELFARE = "اداره کل بهزیستی استان"
RELIEF = "کمیته امداد امام خمینی (ره) استان"
HELD = "۱۴۰۱/۰۳/۱۵"
ROWS = [
    row(meeting=2, held=HELD, number=1, owners=WELFARE, due="۱۴۰۱/۱۲/۱۵"),
    row(meeting=2, held=HELD, number=1, owners=RELIEF, status="not_started", progress=""),
    row(meeting=2, held=HELD, number=2, owners=f"{WELFARE} / آموزش و پرورش", progress="۷۰"),
]


def _open(make_app: Callable[[str], AppTest], url: str) -> AppTest:
    at = sign_in(make_app(url).run(), "dabir", then=PAGE)
    assert not at.exception and not at.error, messages(at.error)
    return at


def _upload(at: AppTest, content: bytes, name: str = "سوابق ۱۴۰۱.xlsx") -> AppTest:
    uploader: Any = keyed(at.get("file_uploader"), "bl_file")
    uploader.set_value((name, content, XLSX))
    at.run()
    assert not at.exception, at.exception
    return at


def _meeting_rows(url: str, number: int) -> list[Assignment]:
    with read_session(url) as s:
        return list(
            s.exec(
                select(Assignment)
                .join(Resolution, Resolution.id == Assignment.resolution_id)  # type: ignore[arg-type]
                .join(Meeting, Meeting.id == Resolution.meeting_id)  # type: ignore[arg-type]
                .where(Meeting.number == number)
            )
        )


def _import(make_app: Callable[[str], AppTest], url: str) -> AppTest:
    at = _upload(_open(make_app, url), workbook(ROWS))
    assert "۱ جلسه، ۲ مصوبه، ۴ ردیف" in messages(at.success)
    at.button(key="bl_import").click().run()
    assert not at.exception and not at.error, messages(at.error)
    return at


def test_the_secretariat_imports_a_workbook_on_the_page(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _import(make_app, seeded_url)
    assert any("۲ مصوبه و ۴ ردیف وارد شد (۱ جلسهٔ تازه)" in m for m in messages(at.success))
    # A fresh uploader: the file that went in is not read again.
    assert [u.key for u in at.get("file_uploader")] == ["bl_file_1"]
    assert not at.error and not [b for b in at.button if b.key == "bl_import"]
    rows = _meeting_rows(seeded_url, 2)
    assert sorted((a.status, a.progress) for a in rows) == [
        ("in_progress", 40),
        ("in_progress", 70),
        ("in_progress", 70),
        ("not_started", 0),
    ]
    with read_session(seeded_url) as s:
        reasons = s.exec(
            select(HistoryEntry.reason).where(
                HistoryEntry.entity == "assignment",
                col(HistoryEntry.entity_id).in_([a.id for a in rows]),
            )
        ).all()
    assert reasons == ["ورود سوابق از پروندهٔ «سوابق ۱۴۰۱.xlsx»"] * 4


def test_a_bad_workbook_lists_its_errors_by_row_and_column_and_writes_nothing(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _open(make_app, seeded_url)
    before = database(seeded_url)
    bad = [*ROWS, row(meeting=2, held="1402/12/30", number=3, progress="120")]
    _upload(at, workbook(bad))
    assert any("۲ خطا" in m for m in messages(at.error))
    errors = at.dataframe[0].value
    assert list(errors["سطر"]) == ["۶", "۶"]
    assert list(errors["ستون"]) == ["تاریخ جلسه", "پیشرفت ٪"]
    assert "وجود ندارد" in errors["خطا"].iloc[0]
    assert not [b for b in at.button if b.key == "bl_import"]
    assert database(seeded_url) == before


def test_a_bulk_action_shows_its_count_and_then_commits(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _import(make_app, seeded_url)
    with read_session(seeded_url) as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == 2)).one()
    at.multiselect(key="tr_meetings").set_value([meeting.id]).run()
    assert at.metric[0].value == "۴"
    at.radio(key="tr_action").set_value("done").run()
    at.text_area(key="tr_reason").input("گزارش پایانی دستگاه‌ها در جلسهٔ ۷ خوانده شد").run()
    assert not [b for b in at.button if b.key == "tr_commit"]  # no commit before the check
    at.button(key="tr_review").click().run()
    assert "این کار ۴ ردیف را تغییر می‌دهد." in messages(at.warning)
    at.button(key="tr_commit").click().run()
    assert not at.exception and not at.error, messages(at.error)
    assert any("۴ ردیف تغییر کرد" in m for m in messages(at.success))
    assert {(a.status, a.progress) for a in _meeting_rows(seeded_url, 2)} == {("done", 100)}


def test_a_row_changed_after_the_check_refuses_the_whole_action(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _import(make_app, seeded_url)
    with read_session(seeded_url) as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == 2)).one()
    at.multiselect(key="tr_meetings").set_value([meeting.id]).run()
    at.radio(key="tr_action").set_value("reschedule").run()
    at.text_input(key="tr_new_date").input("۱۴۰۵/۰۶/۳۱")
    at.text_area(key="tr_reason").input("مهلت تازه در جلسهٔ دبیرخانه").run()
    at.button(key="tr_review").click().run()
    assert "این کار ۴ ردیف را تغییر می‌دهد." in messages(at.warning)
    # Another tab of the same person marks one of the four done in between.
    one = _meeting_rows(seeded_url, 2)[0]
    actor = auth.resolve_session_url(seeded_url, token=COOKIES[auth.SESSION_COOKIE])
    with write_session(seeded_url) as s:
        bulk_mark_done(s, actor=actor, rows={int(one.id or 0): one.version}, reason="تب دیگر")
    before = database(seeded_url)
    at.button(key="tr_commit").click().run()
    assert not at.exception
    said = "\n".join(messages(at.error))
    assert "هیچ ردیفی تغییر نکرد: ۱ ردیف" in said and "پس از نمایش فهرست تغییر کرده است" in said
    assert database(seeded_url) == before


def test_the_page_is_for_the_secretariat(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then=PAGE)
    assert any("این صفحه برای دبیرخانه است" in m for m in messages(at.error))
    assert not at.get("file_uploader")
