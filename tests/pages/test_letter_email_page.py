"""«نامه‌ها» → «دفتر نامه‌ها» through AppTest: a letter goes by email from the register,
which then shows the channel and the delivery state."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Letter
from data_layer.models_messages import OutboxMessage
from tests.pages.conftest import messages, press, sign_in


def test_a_letter_is_emailed_from_the_register(
    make_app: Callable[[str], AppTest], seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_FROM", "dabir@ostan.example")
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/letters.py")
    at.button(key="ld_all").click().run()
    with read_session(seeded_url) as s:
        first = s.exec(select(Letter).order_by(Letter.id)).first()
    assert first is not None
    at.selectbox(key="lr_pick").set_value(first.id).run()
    at.text_input(key=f"lm_{first.id}_to").input("dabirkhaneh@edu.example")
    press(at, "ارسال نامه با ایمیل (PDF پیوست)", form=f"lm_{first.id}").run()
    assert "در صف ارسال ایمیل" in " ".join(messages(at.success))
    with read_session(seeded_url) as s:
        sent = s.exec(select(OutboxMessage)).one()
    assert (sent.letter_id, sent.address, sent.kind) == (
        first.id,
        "dabirkhaneh@edu.example",
        "letter",
    )
    assert sent.attachment == first.pdf
    [register] = [d.value for d in at.dataframe if "ارسال" in d.value.columns]
    assert "در صف ایمیل: dabirkhaneh@edu.example" in register["ارسال"].tolist()
