"""Issuing every due letter at once shows how far it has got: a bar that moves after
each letter's PDF, in Persian, and is gone once they are registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.jalali import format_number, local_today
from data_layer.queries.ladder import due_today
from tests.pages.conftest import messages, sign_in


def test_issuing_every_due_letter_shows_its_progress_letter_by_letter(
    make_app: Callable[[str], AppTest], seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with read_session(seeded_url) as s:
        due = len(due_today(s, local_today()))
    assert due >= 5
    drawn: list[tuple[float, str]] = []
    real = DeltaGenerator.progress

    def recorded(self: DeltaGenerator, value: Any, text: str | None = None, **kw: Any) -> Any:
        drawn.append((float(value), text or ""))
        return real(self, value, text, **kw)

    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/letters.py")
    monkeypatch.setattr(DeltaGenerator, "progress", recorded)
    at.button(key="ld_all").click().run()
    assert not at.exception and not at.error, messages(at.error)
    # Moved after each letter (st.progress itself, the bar at 0, is bound at import).
    assert [v for v, _ in drawn] == [done / due for done in range(1, due + 1)]
    assert drawn[0][1] == f"نامهٔ ۱ از {format_number(due)} ساخته شد…"
    assert drawn[-1][1] == f"نامهٔ {format_number(due)} از {format_number(due)} ساخته شد…"
    assert not at.get("progress")  # emptied once the letters are built
