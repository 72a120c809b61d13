"""Every failure of a command is a Persian message and nothing written: a tampered
table, a busy database, and anything unexpected (logged for the administrator, with
its traceback, under the code the person sees)."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
import pytest
import streamlit
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import select
from streamlit.testing.v1 import AppTest

import data_layer.commands.assignments as assignment_commands
from data_layer.db import dispose_engine, read_session
from data_layer.models import Assignment
from tests.pages.conftest import messages, press, sign_in

ENGLISH = re.compile(r"Traceback|Error|Exception|KeyError|line \d+|File \"")


def _rows(url: str) -> list[tuple[int, int, str]]:
    with read_session(url) as s:
        return [(a.id, a.version, a.status) for a in s.exec(select(Assignment))]  # type: ignore[misc]


def _everything_said(at: AppTest) -> str:
    return "\n".join(
        messages(at.error) + messages(at.warning) + messages(at.info) + messages(at.success)
    )


@pytest.fixture
def liaison(make_app: Callable[[str], AppTest], seeded_url: str) -> AppTest:
    return sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")


def test_a_tampered_table_payload_is_refused_and_nothing_is_written(
    liaison: AppTest, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with read_session(seeded_url) as s:
        other = s.exec(select(Assignment).where(Assignment.agency_id != 2)).first()
        assert other is not None
    real = streamlit.data_editor

    def tampered(data: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
        real(data, **kwargs)  # type: ignore[arg-type]
        edited = data.copy()
        edited.loc[other.id] = edited.iloc[0]  # a row of another agency
        edited.loc[other.id, "وضعیت"] = "انجام شده"
        return edited

    before = _rows(seeded_url)
    monkeypatch.setattr(streamlit, "data_editor", tampered)
    liaison.button(key="save_quick").click().run()
    assert not liaison.exception
    said = _everything_said(liaison)
    assert "جور نیست" in said and "چیزی ذخیره نشد" in said
    assert not ENGLISH.search(said)
    assert _rows(seeded_url) == before


def _save_row(at: AppTest) -> None:
    chosen = int(at.selectbox(key="detail_row").value)
    k = next(str(k) for k in at.session_state if str(k).startswith(f"f_status_{chosen}_"))
    k = k.removeprefix("f_status_")
    at.text_area(key=f"f_next_{k}").input("پیگیری از فرمانداری")
    press(at, "ذخیرهٔ این ردیف", form=f"row_form_{k}").run()


@contextmanager
def _held(url: str, assignment_id: int) -> Iterator[None]:
    """Another connection holds the lock a save needs: SQLite's write lock, or the row."""
    if url.startswith("sqlite"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(
            text("SELECT 1 FROM assignment WHERE id = :i FOR UPDATE"), {"i": assignment_id}
        )
        yield
        conn.rollback()
    engine.dispose()


def test_a_busy_database_says_try_again_and_writes_nothing(
    make_app: Callable[[str], AppTest],
    seeded_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT_MS", "200")
    monkeypatch.setenv("DB_LOCK_TIMEOUT_MS", "200")
    dispose_engine(seeded_url)  # the next engine waits 0.2 s for a lock
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    before = _rows(seeded_url)
    with _held(seeded_url, int(at.selectbox(key="detail_row").value)):
        _save_row(at)
    assert not at.exception
    said = _everything_said(at)
    assert "پایگاه داده هم‌اکنون سرگرم کار دیگری است و چیزی ذخیره نشد" in said
    assert not ENGLISH.search(said)
    assert _rows(seeded_url) == before


def test_an_unexpected_failure_is_logged_and_shown_as_a_code(
    liaison: AppTest, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("KeyError: secret internals")

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("dashboard").addHandler(handler)
    monkeypatch.setattr(assignment_commands, "update_assignments", boom)
    before = _rows(seeded_url)
    try:
        _save_row(liaison)
    finally:
        logging.getLogger("dashboard").removeHandler(handler)
    assert not liaison.exception
    said = _everything_said(liaison)
    match = re.search(r"به مدیر سامانه بدهید: ([0-9A-F]{6})", said)
    assert match, said
    assert "secret" not in said and not ENGLISH.search(said)
    [record] = [r for r in records if match.group(1) in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert _rows(seeded_url) == before


def test_a_failure_no_page_caught_is_logged_under_a_code_and_hides_streamlits_box() -> None:
    """ui.run.on_script_error, which the launcher hands the server: logged with its
    traceback under a code, and True, so Streamlit's own English box is not shown."""
    from ui.run import on_script_error

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("dashboard").addHandler(handler)
    try:
        assert on_script_error(RuntimeError("secret internals")) is True
    finally:
        logging.getLogger("dashboard").removeHandler(handler)
    [record] = records
    assert re.fullmatch(r"unexpected failure [0-9A-F]{6}", record.getMessage())
    assert record.exc_info and record.exc_info[0] is RuntimeError
