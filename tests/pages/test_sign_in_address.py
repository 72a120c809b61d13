"""«ورود» reads why the last attempt failed from its address, which anyone can type:
a lock's end that no lock could have is no message at all, never a traceback in the
log or on the screen."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import messages

PAGE = "pages/sign_in.py"


@pytest.mark.parametrize(
    "until",
    ["99999999999999999999", "9" * 400, "-1", "1e99", "۱۲۳۴۵۶۷۸۹۰۱۲۳۴", "", "99999999999"],
)
def test_a_hostile_lock_end_logs_no_traceback(
    seeded_url: str,
    make_app: Callable[[str], AppTest],
    caplog: pytest.LogCaptureFixture,
    until: str,
) -> None:
    at = make_app(seeded_url)
    at.query_params["e"] = "locked"
    at.query_params["until"] = until
    with caplog.at_level(logging.WARNING):
        at.switch_page(PAGE).run()
    assert not at.exception
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    shown = messages(at.error)
    assert all("خطا" not in m and "Traceback" not in m for m in shown), shown


def test_a_real_lock_end_is_said_in_persian(
    seeded_url: str, make_app: Callable[[str], AppTest]
) -> None:
    at = make_app(seeded_url)
    at.query_params["e"] = "locked"
    at.query_params["until"] = "1796000000"
    at.switch_page(PAGE).run()
    assert not at.exception
    [message] = messages(at.error)
    assert "ساعت" in message
