"""«جلسات» › «ورود مصوبات از صورتجلسه» through AppTest: real minutes tables (a due-date
column, a column not read, a resolution over two rows) previewed and committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.db import read_session, write_session
from data_layer.jalali import from_jalali
from data_layer.models import Resolution, User
from data_layer.permissions import Actor
from tests.data_layer.commands.test_minutes_import import MINUTES_ROWS
from tests.data_layer.commands.test_minutes_tables import docx_table, split_rows
from tests.pages.conftest import messages, page_html, sign_in

PAGE = "pages/meetings.py"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADER = ("ردیف", "عنوان مصوبه", "اقدام کننده", "مهلت اجرا", "ملاحظات")


def meeting_8(url: str) -> int:
    """Meeting 8 (1402/09/18) of the sample province, with no resolutions yet."""
    with write_session(url) as s:
        user = s.exec(select(User).where(User.username == "dabir")).one()
        actor = Actor(int(user.id or 0), user.username, user.full_name, user.role)
        data = MeetingInput(8, "1402/09/18", "09:00", "سالن جلسات استانداری", "معاون")
        meeting = create_meeting(s, actor=actor, data=data)
        return int(meeting.id or 0)


def open_import(make_app: Callable[[str], AppTest], url: str, meeting_id: int) -> AppTest:
    at = sign_in(make_app(url).run(), "dabir", then=PAGE)
    at.selectbox(key="imp_meeting").set_value(meeting_id).run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    uploader: Any = at.get("file_uploader")
    [box] = [u for u in uploader if u.key == "imp_file"]
    box.set_value((name, content, DOCX))
    at.run()
    assert not at.exception, at.exception
    return at


def test_due_dates_a_column_not_read_and_a_joined_row_are_shown_then_committed(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    meeting_id = meeting_8(seeded_url)
    rows = [[*r, "1402/12/15" if r[0] == 9 else "", "—"] for r in split_rows(9)]
    at = upload(open_import(make_app, seeded_url, meeting_id), "m.docx", docx_table(HEADER, rows))
    infos = messages(at.info)
    assert "ستون «ملاحظات» خوانده نمی‌شود و نادیده گرفته می‌شود." in infos
    body = page_html(at)
    assert f"**۹.** {MINUTES_ROWS[8][1]}" in body.replace("\u2060", "")
    assert "مهلت اجرا: ۱۴۰۲/۱۲/۱۵ (به نوشتهٔ صورتجلسه: «1402/12/15»)" in body
    captions = [c.value for c in at.caption]
    assert any(c.startswith("ردیف ۱۰ جدول شماره‌ای نداشت و دنبالهٔ مصوبه ۹") for c in captions)
    [button] = [b for b in at.button if b.key == "imp_commit"]
    assert button.label == "ثبت ۱۴ مصوبه"
    button.click().run()
    assert not at.exception and not at.error, messages(at.error)
    assert "۱۴ مصوبه ثبت شد." in messages(at.success)
    with read_session(seeded_url) as s:
        stored = {
            r.number: (r.text, r.due_date)
            for r in s.exec(select(Resolution).where(Resolution.meeting_id == meeting_id))
        }
    assert stored == {
        n: (t, from_jalali(1402, 12, 15) if n == 9 else None) for n, t, _ in MINUTES_ROWS
    }
