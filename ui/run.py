"""One way to run what a person does, and one way to tell them how it went.

`run_command(url, fn)` opens one write transaction for the signed-in person (who
is checked again inside it), calls `fn(session, actor)` and commits. Every failure
becomes a Persian message in place and nothing is written: bad input (each
problem listed), no permission, a stale form, a vanished row, an ended sign-in, a
busy or unreachable database, and anything unexpected (logged with its traceback
for the administrator under a short code, never shown).

`flash(message)` keeps a message for the next run and reruns; `show_flash()`
(called by every page title) shows it once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from data_layer.db import Session
from data_layer.errors import (
    UNEXPECTED,
    ConflictError,
    FieldError,
    SessionExpired,
    UserFacingError,
    ValidationError,
    database_trouble,
)
from data_layer.output import inert
from data_layer.permissions import Actor
from ui.session import NOTICE_KEY, acting


def shown_key(key: str) -> str:
    """Where ui.pickers keeps what a form or picker showed."""
    return f"{key}__chosen"


T = TypeVar("T")
# What run_command runs: one thing a person does, given the session and the person.
Command = Callable[[Session, Actor], T]
log = logging.getLogger("dashboard")
if not log.handlers:  # the administrator reads failures in the server's log
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False
_FLASH = "_flash_message"
WRITING = "در حال ثبت…"
_KINDS = ("success", "info", "warning", "error")
FLASH_KEY = "flash"  # the message's container: class st-key-flash (assets/app.css)


def flash(message: str, kind: str = "success") -> None:
    """Show `message` at the top of the page after a rerun (which this starts)."""
    st.session_state[_FLASH] = (kind, message)
    st.rerun()


def show_flash() -> None:
    """The kept message, once; always one element, so tabs below keep their place.

    It stands at the top of the page and stays in view while the person scrolls (the
    form they used may be far below it): its container sticks under the menu."""
    slot = st.container(key=FLASH_KEY).empty()
    kept = st.session_state.pop(_FLASH, None)
    if kept and kept[0] in _KINDS:
        getattr(slot, kept[0])(inert(kept[1]))


def show_problems(errors: list[FieldError], row_label: Callable[[int], str] | None = None) -> None:
    """Every problem of a refused form, each on its own line (with its row, if any)."""
    lines = []
    for e in errors:
        where = f"{row_label(e.row)}: " if row_label and e.row is not None else ""
        lines.append("- " + inert(where + e.message))
    st.error(inert("چیزی ذخیره نشد؛ این موارد را اصلاح کنید:") + "\n" + "\n".join(lines))


def report_unexpected(exc: BaseException) -> None:
    """Log an unexpected failure with its traceback; show only a Persian message and a code."""
    code = secrets.token_hex(3).upper()
    log.error("unexpected failure %s", code, exc_info=exc)
    st.error(inert(UNEXPECTED.format(code=code)))


def on_script_error(exc: Exception) -> bool:
    """A failure no page caught (the server's hook): logged with a code, a Persian
    message, no traceback."""
    report_unexpected(exc)
    return True  # Streamlit's own English exception box stays hidden


def show_failure(exc: BaseException, row_label: Callable[[int], str] | None = None) -> None:
    """The Persian message for any failure of a command (nothing was written)."""
    if isinstance(exc, ValidationError):
        show_problems(exc.errors, row_label)
    elif isinstance(exc, ConflictError):
        st.error(inert(exc.message))
        st.info(inert("«خواندن دوباره» را بزنید تا مقادیر تازه را ببینید، سپس دوباره ثبت کنید."))
    elif isinstance(exc, SessionExpired):
        st.session_state[NOTICE_KEY] = exc.message
        st.error(inert(exc.message))
    elif isinstance(exc, UserFacingError):
        st.error(inert(exc.message))
    elif (trouble := database_trouble(exc)) is not None:
        log.warning("database trouble: %s", exc)
        st.error(inert(trouble))
    else:
        report_unexpected(exc)


def run_command(
    url: str,
    fn: Callable[[Session, Actor], T],
    *,
    done: str | Callable[[T], str] | None = None,
    forget: Sequence[str] = (),
    shown: str | None = None,
    row_label: Callable[[int], str] | None = None,
) -> T | None:
    """Run one thing a person does in one transaction, then tell them how it went.

    On success the session keys in `forget` are dropped (snapshots to read again)
    and, with `done`, its message (or done(result)) is flashed and the page reruns;
    without `done` the result is returned. On failure the reason is shown here and
    None is returned. Either way the version remembered under `shown` (see
    ui.pickers.as_shown) is dropped, so the form is drawn again from fresh data.
    """
    if shown is not None:
        forget = [*forget, shown_key(shown)]
    try:
        # A write that takes a while says so (the spinner shows only after half a second).
        with st.spinner(WRITING, show_time=True), acting(url) as (session, actor):
            result = fn(session, actor)
    except ScriptControlException:
        raise
    except Exception as exc:
        show_failure(exc, row_label)
        if shown is not None:
            st.session_state.pop(shown_key(shown), None)
        return None
    for key in forget:
        st.session_state.pop(key, None)
    if done is not None:
        flash(done(result) if callable(done) else done)
    return result


def record_quietly(url: str, fn: Callable[[Session, Actor], object], what: str) -> None:
    """A write the screen makes on its own (a visit's time), not one the person asked
    for: a failure is logged for the administrator and shown to nobody."""
    try:
        with acting(url) as (session, actor):
            fn(session, actor)
    except ScriptControlException:
        raise
    except Exception as exc:
        log.warning("could not record %s: %s", what, exc)


def attempt(fn: Callable[[], T]) -> T | None:
    """Run a read (a file to preview, a document to build); None after showing why it failed."""
    try:
        return fn()
    except ScriptControlException:
        raise
    except Exception as exc:
        show_failure(exc)
        return None


@contextmanager
def guarded() -> Iterator[None]:
    """Around a whole page: a failure nobody caught is a Persian message, never a traceback."""
    try:
        yield
    except ScriptControlException:
        raise
    except Exception as exc:
        if (trouble := database_trouble(exc)) is not None:
            log.warning("database trouble: %s", exc)
            st.error(inert(trouble.replace(" و چیزی ذخیره نشد", "")))
        else:
            report_unexpected(exc)
