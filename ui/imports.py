"""The one screen flow of an import: template -> upload -> preview -> confirm -> result.

Every spreadsheet import's tab is `import_tab(url, ImportScreen(...))`: the import's
words and its pieces of the data-layer pipeline (data_layer/input/pipeline.py) go in,
and the flow is the same for all of them:

1. what the file must hold (`intro`, which names the columns from the import's own
   declaration: `column_list`) and the template to fill in («دریافت الگوی اکسل»);
2. the uploader (its limit and types in Persian, ui/uploads.py); the file is read and
   checked in a read-only session (on every run of the page, or once per upload for a
   large workbook: `keep_preview`): nothing is written;
3. the columns the file has that the import does not read, said, never dropped in
   silence; then either every problem by row and column (`show_import_errors`) and no
   button, or the import's own preview of the clean rows (`show`), anything it asks
   before the commit (`before_commit`) and the confirm button;
4. the commit through ui/run.run_command: one transaction, the person checked again
   inside it, every failure a Persian message and nothing half-written; on success a
   fresh uploader (the file that went in is not read, and refused, again) and the
   result in Persian (`done`), at the top of the page and above the fresh uploader until
   another file is chosen.

A new import (indicators, PDF minutes) is one more `ImportScreen`. An import with more
to decide than a sheet holds (the meeting's Word minutes, ui/minutes_import.py) draws
its own screen and shares `read_upload`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import pandas as pd
import streamlit as st

from data_layer.db import Session, read_session
from data_layer.errors import FieldError
from data_layer.input.pipeline import ImportPreview, SheetImport
from data_layer.jalali import format_number, to_fa_digits
from data_layer.output import inert
from data_layer.permissions import Actor
from ui.run import attempt, flash, run_command
from ui.uploads import uploader

__all__ = [
    "XLSX",
    "ImportScreen",
    "column_list",
    "import_tab",
    "read_upload",
    "show_import_errors",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTHING_IN = "هیچ ردیفی وارد نمی‌شود تا پرونده اصلاح شود."
NOT_READ = "این ستون‌های پرونده خوانده نمی‌شوند"

P = TypeVar("P", bound=ImportPreview[Any, Any])
P_in = TypeVar("P_in", bound=ImportPreview[Any, Any], contravariant=True)
R = TypeVar("R")
R_out = TypeVar("R_out", covariant=True)
T = TypeVar("T")


def show_import_errors(errors: Sequence[FieldError], nothing: str) -> None:
    """«N خطا؛ <nothing>» and the table of problems (row «—»: the file as a whole), «سطر»
    as Excel numbers it (a canvas table: what the file held is shown as text)."""
    st.error(f"{format_number(len(errors))} خطا؛ {nothing}")
    st.dataframe(
        pd.DataFrame(
            {
                "خطا": [e.message for e in errors],
                "ستون": [e.field for e in errors],
                "سطر": [to_fa_digits(e.row) if e.row else "—" for e in errors],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def column_list(screen: ImportScreen[Any, Any]) -> str:
    """«الف»، «ب» (الزامی) و «ج» (اختیاری): the columns an import reads, from its own
    declaration (the template is written from it too, so the words cannot go stale)."""
    columns = screen.sheet.columns
    required = "، ".join(f"«{c.label}»" for c in columns if c.required)
    optional = "، ".join(f"«{c.label}»" for c in columns if not c.required)
    return f"{required} (الزامی) و {optional} (اختیاری)" if optional else f"{required}"


def read_upload(url: str, upload: Any, key: str | None, read: Callable[[Session], T]) -> T | None:
    """What `read(session)` makes of an upload, read once per upload and kept in the
    session under `key` (None: read again on every run); None after saying (in Persian)
    why it could not be read."""
    kept = None if key is None else st.session_state.get(key)
    if kept and kept[0] == upload.file_id:
        return kept[1]  # type: ignore[no-any-return]

    def run() -> T:
        with read_session(url) as s:
            return read(s)

    found = attempt(run)
    if found is not None and key is not None:
        st.session_state[key] = (upload.file_id, found)
    return found


class ImportCommand(Protocol[P_in, R_out]):
    """An import's command: `import_x(session, actor=..., preview=...)`, one transaction."""

    def __call__(self, session: Session, *, actor: Actor, preview: P_in) -> R_out: ...


def _the_session(session: Session) -> Session:
    return session


@dataclass(frozen=True)
class ImportScreen(Generic[P, R]):
    """One import's tab: its words, its template, its reader, its preview and its command.

    `key` prefixes every widget key: «{key}_template», «{key}_file_{n}» (a new n after
    each import), «{key}_import» (the confirm button). `sheet` is the import's
    SheetImport (its read and check steps), given `context(session)`; `show(preview)`
    draws a clean preview (its count and a table); `command` is the import's command
    (data_layer/commands); `done(result)` the Persian result (None: the screen says it
    otherwise, as the liaisons' sheets do). `forget` names session keys to drop after
    the import.
    """

    key: str
    intro: Callable[[str], str]  # what to upload, given column_list's «الف»، «ب» (الزامی) …
    template: Callable[[], bytes]
    template_file: str
    sheet: SheetImport[P, Any]
    show: Callable[[P], None]
    button: str
    command: ImportCommand[P, R]
    done: Callable[[R], str | None]
    context: Callable[[Session], Any] = _the_session  # what the sheet's check reads through
    refused: str = NOTHING_IN  # what errors mean: «هیچ ردیفی وارد نمی‌شود …»
    not_read: str = NOT_READ  # the sentence before the columns the import does not read
    before_commit: Callable[[P], None] | None = None
    # Work done after the button and before the transaction (the liaisons' passwords,
    # hashed with a progress bar): what it makes, the command reads from the session.
    prepare: Callable[[P], None] | None = None
    forget: tuple[str, ...] = ()
    types: tuple[str, ...] = ("xlsx", "csv")
    # Read the file once per upload (a large workbook), or again on every run of the page
    # (a small one: a name taken meanwhile on the same page shows at once).
    keep_preview: bool = False


def _round_key(screen: ImportScreen[Any, Any]) -> str:
    return f"{screen.key}_round"


def _result_key(screen: ImportScreen[Any, Any]) -> str:
    return f"{screen.key}_result"


def _commit(url: str, screen: ImportScreen[P, R], preview: P) -> None:
    """The import in one transaction; then a fresh uploader and the result."""
    kept = f"{screen.key}_preview"
    if screen.prepare is not None:
        screen.prepare(preview)
    result = run_command(
        url,
        lambda s, who: screen.command(s, actor=who, preview=preview),
        forget=[kept, *screen.forget],
    )
    if result is None:
        return  # run_command said why; nothing was written
    key = _round_key(screen)
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1
    message = screen.done(result)
    if message:
        # Kept above the fresh uploader until the next file comes, besides the page's flash.
        st.session_state[_result_key(screen)] = message
        flash(message)
    st.rerun()


def import_tab(url: str, screen: ImportScreen[P, R], *, allowed: bool = True) -> None:
    """The whole flow (see the module); `allowed`: whether this person may commit."""
    st.markdown(screen.intro(column_list(screen)))
    st.download_button(
        "دریافت الگوی اکسل",
        screen.template(),
        file_name=screen.template_file,
        mime=XLSX,
        on_click="ignore",
        key=f"{screen.key}_template",
    )
    upload = uploader(
        f"پرونده ({' یا '.join(screen.types)})",
        types=list(screen.types),
        key=f"{screen.key}_file_{int(st.session_state.get(_round_key(screen), 0))}",
        max_mb=screen.sheet.max_bytes // 1024 // 1024,
    )
    if upload is None:
        last = st.session_state.get(_result_key(screen))
        if last:
            st.success(inert(last))  # the last import's result, until another file comes
        return
    st.session_state.pop(_result_key(screen), None)
    preview = read_upload(
        url,
        upload,
        f"{screen.key}_preview" if screen.keep_preview else None,
        lambda s: screen.sheet.read(upload.name, upload.getvalue(), screen.context(s)),
    )
    if preview is None:
        return
    if preview.ignored_columns:
        names = "، ".join(f"«{c}»" for c in preview.ignored_columns)
        st.info(inert(f"{screen.not_read}: {names}"))
    if preview.errors:
        show_import_errors(preview.errors, screen.refused)
        return
    screen.show(preview)
    if not preview.ok:
        return
    if screen.before_commit is not None:
        screen.before_commit(preview)
    if st.button(screen.button, type="primary", disabled=not allowed, key=f"{screen.key}_import"):
        _commit(url, screen, preview)
