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
from data_layer.models import Agency, Resolution, User
from data_layer.permissions import Actor
from tests.data_layer.commands.test_minutes_import import MINUTES_ROWS
from tests.data_layer.commands.test_minutes_tables import docx_table, split_rows
from tests.pages.conftest import messages, page_html, sign_in
from tests.pages.test_hostile_text_on_screens import assert_inert

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


def test_a_file_read_again_says_what_the_meeting_has_and_updates_on_request(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    meeting_id = meeting_8(seeded_url)
    header = ("ردیف", "شرح مصوبه", "مسوول پیگیری")
    at = upload(
        open_import(make_app, seeded_url, meeting_id), "m.docx", docx_table(header, MINUTES_ROWS)
    )
    at.button(key="imp_commit").click().run()
    assert "۱۴ مصوبه ثبت شد." in messages(at.success)

    rows = [(n, "متن تازهٔ مصوبه" if n == 5 else t, o) for n, t, o in MINUTES_ROWS]
    at = upload(open_import(make_app, seeded_url, meeting_id), "m2.docx", docx_table(header, rows))
    [warning] = messages(at.warning)
    assert warning.startswith("۱۴ مصوبه از این پرونده در جلسه ۸ — ۱۴۰۲/۰۹/۱۸ ثبت شده است")
    assert "متن مصوبه‌های ۵ با پرونده فرق دارد" in warning
    captions = [c.value for c in at.caption]
    assert "مصوبه ۵ در این جلسه ثبت شده است؛ متن ثبت‌شده با متن پرونده فرق دارد." in " ".join(
        captions
    )
    # Left as they are (the default), nothing is left to write.
    assert not [b for b in at.button if b.key == "imp_commit"]
    assert any("چیزی برای ثبت نمانده است" in m for m in messages(at.info))
    at.radio(key="imp_existing").set_value("update").run()
    [button] = [b for b in at.button if b.key == "imp_commit"]
    assert button.label == "ثبت ۰ مصوبهٔ تازه و به‌روز کردن متن ۱ مصوبه"
    button.click().run()
    assert not at.error, messages(at.error)
    assert "۰ مصوبهٔ تازه ثبت شد و متن ۱ مصوبه به‌روز شد؛ ۱۳ مصوبهٔ موجود دست نخورد." in messages(
        at.success
    )
    with read_session(seeded_url) as s:
        stored = {
            r.number: r.text
            for r in s.exec(select(Resolution).where(Resolution.meeting_id == meeting_id))
        }
    assert stored == {n: t for n, t, _ in rows}


NAME = "معاونت آموزش متوسطه استان"
HOSTILE_OWNER = "**پررنگ** _کج_ ~~خط~~ `کد` <img src=x onerror=alert(1)> :red[قرمز]"
HOSTILE_COLUMNS = ("<script>alert(1)</script>", "[کلیک کنید](https://example.org/x)", "| a | b |")


def education(url: str) -> int:
    with read_session(url) as s:
        return int(s.exec(select(Agency).where(Agency.short_name == "آموزش و پرورش")).one().id or 0)


def teach(at: AppTest, number: int, agency_id: int) -> AppTest:
    """Match the first unmatched name of a resolution by hand and tick «به خاطر سپرده شود»."""
    at.selectbox(key=f"imp_choice_{number}_0").set_value(agency_id)
    at.checkbox(key=f"imp_remember_{number}_0").check().run()
    assert not at.exception
    return at


def test_a_name_matched_by_hand_and_remembered_matches_the_next_file_and_is_in_the_registry(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    meeting_id, agency = meeting_8(seeded_url), education(seeded_url)
    header = ("ردیف", "شرح مصوبه", "مسوول پیگیری")
    rows = [(n, t, NAME if n == 10 else o) for n, t, o in MINUTES_ROWS]
    at = upload(open_import(make_app, seeded_url, meeting_id), "m.docx", docx_table(header, rows))
    assert any(w.startswith(f"«{NAME}» جور نشد") for w in messages(at.warning))
    teach(at, 10, agency).button(key="imp_commit").click().run()
    assert "۱۴ مصوبه ثبت شد." in messages(at.success), messages(at.error)

    # The next file: matched by the learned name, nothing to decide.
    rows2 = [(n + 14, t, o) for n, t, o in rows]
    at = upload(open_import(make_app, seeded_url, meeting_id), "m2.docx", docx_table(header, rows2))
    assert not at.warning and not [s for s in at.selectbox if str(s.key).startswith("imp_choice")]
    # The agency as its pickers name it: the short name, then the full name.
    learned = "آموزش و پرورش — اداره کل آموزش و پرورش (نامی که پیش‌تر به خاطر سپرده شد)"
    assert f"«{NAME}» ← {learned}" in page_html(at)

    # The registry lists it, with who taught it; the secretariat takes it back.
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/agencies.py")
    body = page_html(at)
    assert [h.value for h in at.subheader] == ["نام‌های آموخته از صورتجلسه‌ها"]
    assert NAME in body
    at.selectbox(key="ag_learned_pick").set_value(at.selectbox(key="ag_learned_pick").options[0])
    at.run()
    at.button(key="ag_learned_forget").click().run()
    assert f"نام «{NAME}» از نام‌های آموخته برداشته شد." in messages(at.success)
    assert NAME not in page_html(at)


def test_hostile_column_names_and_learned_names_stay_text(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    meeting_id, agency = meeting_8(seeded_url), education(seeded_url)
    header = ("ردیف", "شرح مصوبه", "مسوول پیگیری", *HOSTILE_COLUMNS)
    rows = [(n, t, HOSTILE_OWNER if n == 10 else o, "x", "y", "z") for n, t, o in MINUTES_ROWS]
    at = upload(open_import(make_app, seeded_url, meeting_id), "m.docx", docx_table(header, rows))
    text = assert_inert(at, "minutes preview")
    for column in HOSTILE_COLUMNS:
        assert f"ستون «{column}» خوانده نمی‌شود و نادیده گرفته می‌شود." in text
    assert f"«{HOSTILE_OWNER}» جور نشد" in text
    teach(at, 10, agency).button(key="imp_commit").click().run()
    assert "۱۴ مصوبه ثبت شد." in messages(at.success), messages(at.error)

    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/agencies.py")
    assert HOSTILE_OWNER in assert_inert(at, "agency registry")  # the learned name, as text
