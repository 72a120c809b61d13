"""«نامه‌ها» through AppTest: the secretariat sends every due letter in one click (each
registered, all in one zip), records a reply, and the scorecard counts both."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.jalali import local_today
from data_layer.models import Letter, LetterRow, User
from data_layer.queries.ladder import due_today
from tests.pages.conftest import messages, page_html, press, sign_in

LETTERS = "pages/letters.py"


def test_one_click_sends_every_due_letter_and_a_reply_is_recorded(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    with read_session(seeded_url) as s:
        due = due_today(s, local_today())
    assert len(due) >= 5
    at = sign_in(make_app(seeded_url).run(), "dabir", then=LETTERS)
    assert not at.exception
    at.button(key="ld_all").click().run()
    assert not at.error, messages(at.error)
    with read_session(seeded_url) as s:
        letters = s.exec(select(Letter).order_by(Letter.serial)).all()
        named = s.exec(select(func.count()).select_from(LetterRow)).one()
    assert [x.serial for x in letters] == list(range(1, len(due) + 1))
    assert {x.agency_id for x in letters} == set(due["agency_id"].astype(int))
    assert named == int(due["rows"].sum())
    _, bundle, count = at.session_state["letters_issued"]
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        names = zf.namelist()
        assert len(names) == count == len(letters)
        assert all(zf.read(n).startswith(b"%PDF") for n in names)
    # The same day nobody is due again: the button is gone, the list says so.
    assert not [b for b in at.button if b.key == "ld_all"]
    assert any("هیچ دستگاهی" in m for m in messages(at.success))

    # A reply to the first letter, picked by id in the register.
    first = letters[0]
    at.selectbox(key="lr_pick").set_value(first.id).run()
    form = f"lr_{first.id}_{first.version}"
    at.text_area(key=f"{form}_text").input("اقدامات در سامانه به‌روز شد.")
    press(at, "ثبت پاسخ", form=form).run()
    assert not at.error, messages(at.error)
    with read_session(seeded_url) as s:
        replied = s.get(Letter, first.id)
    assert replied is not None and replied.replied_on == local_today()
    assert replied.reply_text == "اقدامات در سامانه به‌روز شد."

    # The overview's scorecards count the letters and the unanswered ones.
    at.switch_page("pages/overview.py").run()
    html = page_html(at)
    assert "نامه (بی‌پاسخ)" in html and "(۱ بی‌پاسخ)" in html

    # Education's liaison sees the letters its agency received on «دستگاه من».
    with read_session(seeded_url) as s:
        education = s.exec(select(User).where(User.username == "agency02")).one()
        theirs = [x for x in letters if x.agency_id == education.agency_id]
    assert theirs, "the sample's Education has late rows"
    mine = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    assert any(
        "نامه‌های پیگیری دبیرخانه به این دستگاه: ۱، بی‌پاسخ ۱" in c for c in messages(mine.caption)
    )


def test_only_the_secretariat_opens_the_letters(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/overview.py")
    at.switch_page(LETTERS).run()
    assert not [b for b in at.button if b.key == "ld_all"]


def test_a_reply_form_opened_before_another_tabs_reply_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    first = sign_in(make_app(seeded_url).run(), "dabir", then=LETTERS)
    first.button(key="ld_all").click().run()
    with read_session(seeded_url) as s:
        letter = s.exec(select(Letter).order_by(Letter.serial)).first()
    assert letter is not None
    form = f"lr_{letter.id}_{letter.version}"
    tabs = [first, sign_in(make_app(seeded_url).run(), "dabir", then=LETTERS)]
    for at in tabs:
        at.selectbox(key="lr_pick").set_value(letter.id).run()
    tabs[0].text_area(key=f"{form}_text").input("پاسخ تب نخست")
    press(tabs[0], "ثبت پاسخ", form=form).run()
    assert not tabs[0].error, messages(tabs[0].error)
    tabs[1].text_area(key=f"{form}_text").input("پاسخ تب دوم")
    press(tabs[1], "ثبت پاسخ", form=form).run()
    print(
        "ERR", messages(tabs[1].error), messages(tabs[1].success), [b.key for b in tabs[1].button]
    )
    assert any("تغییر کرده است" in m for m in messages(tabs[1].error))
    with read_session(seeded_url) as s:
        kept = s.get(Letter, letter.id)
    assert kept is not None and kept.reply_text == "پاسخ تب نخست" and kept.version == 2
