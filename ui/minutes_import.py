"""The secretariat's «ورود مصوبات از صورتجلسه» tab: upload, review every owner name
(and the lead owner, when the table has a «مسئول اصلی» column), decide about each
name that did not match, then commit all resolutions at once."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.minutes import commit_minutes
from data_layer.input.minutes import (
    MAX_MINUTES_BYTES,
    MINUTES_TYPES,
    MinutesPreview,
    PreviewRow,
    read_minutes_file,
    unmatched_reason,
)
from data_layer.jalali import format_jalali, format_number, to_fa_digits
from data_layer.output import inert, label_text
from data_layer.queries.agencies import agency_refs
from ui.imports import read_upload
from ui.pickers import distinct
from ui.run import run_command
from ui.uploads import uploader

__all__ = ["minutes_import_tab"]

REMOVE = -1  # the choice "leave this name out"
_HOW = {"exact": "نام دقیق", "alias": "نام دیگر دستگاه", "close": "نوشتار نزدیک"}
_PREVIEW = "minutes_preview"


def _preview(url: str, upload: Any) -> MinutesPreview | None:
    """The file read once per upload (kept in the session), or None after showing why not."""
    return read_upload(
        url,
        upload,
        _PREVIEW,
        lambda s: read_minutes_file(upload.name, upload.getvalue(), agency_refs(s)),
    )


def _row(
    row: PreviewRow, names: dict[int, str], choices: dict[tuple[int, str], int | None]
) -> None:
    """One resolution: what matched, and a decision for every name that did not."""
    m = row.match
    found = ["همهٔ ادارات عضو کارگروه"] if m.all_members else []
    found += [f"«{part}» ← {names.get(a, '?')} ({_HOW[how]})" for part, a, how in m.matched]
    lead = ""
    if row.lead is not None:
        lead = f"«{row.lead_as_written}» ← {names.get(row.lead, '?')}"
    st.markdown(
        f"**{to_fa_digits(row.number)}.** {inert(row.text)}  \n"
        f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{inert(row.owners_as_written)}»"
        + (f"  \nجور شد: {inert('؛ '.join(found))}" if found else "")
        + (f"  \nمسئول اصلی: {inert(lead)}" if lead else "")
    )
    if row.lead_problem:
        st.error(inert(f"مصوبه {to_fa_digits(row.number)}: {row.lead_problem}"))
    for i, part in enumerate(m.unmatched):
        st.warning(inert(f"«{part or 'خالی'}» جور نشد: {unmatched_reason(m, part, names)}"))
        suggested = [a for a in m.suggestions.get(part, []) if a in names]
        options = [*suggested, *(a for a in names if a not in suggested), REMOVE]
        pick = st.selectbox(
            f"مصوبه {to_fa_digits(row.number)} — «{label_text(part or 'خالی')}» کدام دستگاه است؟",
            options,
            index=None,
            format_func=lambda a: "— این نام را کنار بگذار —" if a == REMOVE else names[a],
            placeholder="دستگاه را انتخاب کنید یا نام را کنار بگذارید",
            key=f"imp_choice_{row.number}_{i}",
        )
        if pick is not None:
            choices[(row.number, part)] = None if pick == REMOVE else int(pick)


def minutes_import_tab(url: str, meetings: pd.DataFrame, names: dict[int, str]) -> None:
    """Upload a minutes file into a meeting (`names`: every active agency's short name)."""
    names = distinct(names)  # the pickers of unmatched names list them
    st.markdown(
        "پروندهٔ صورتجلسه (Word، اکسل یا CSV) با جدول «شماره مصوبه»، «شرح مصوبه»، «مسوول پیگیری»"
        " (و اگر هست «مسئول اصلی»، یکی از مسوولان همان ردیف) را بارگذاری کنید. هر نام در"
        " ستون مسوول پیگیری با دستگاه‌ها تطبیق داده می‌شود؛ برای هر"
        " نامی که با هیچ دستگاهی تطبیق نیافت، دستگاه درست را انتخاب کنید یا آن را کنار"
        " بگذارید. سپس همه با هم ثبت"
        " می‌شوند یا هیچ‌کدام."
    )
    labels = distinct(
        {
            int(r["id"]): f"جلسه {to_fa_digits(r['number'])} — {format_jalali(r['held_on'])}"
            for _, r in meetings.iterrows()
        }
    )
    target = st.selectbox(
        "مصوبات برای کدام جلسه است؟",
        list(labels),
        format_func=labels.__getitem__,
        key="imp_meeting",
    )
    upload = uploader(
        "صورتجلسه",
        types=[t.lstrip(".") for t in MINUTES_TYPES],
        key="imp_file",
        max_mb=MAX_MINUTES_BYTES // 1024 // 1024,
    )
    if upload is None or target is None:
        return
    preview = _preview(url, upload)
    if preview is None:
        return
    choices: dict[tuple[int, str], int | None] = {}
    for row in preview.rows:
        _row(row, names, choices)
    open_names = len(preview.unmatched) - len(choices)
    if open_names:
        st.info(
            f"{format_number(open_names)} نام هنوز جور نشده است؛ تا برای هر کدام دستگاهی انتخاب"
            " نشود یا کنار گذاشته نشود، مصوبات ثبت نمی‌شوند."
        )
    if preview.lead_problems:
        st.error(
            f"«مسئول اصلی» {format_number(len(preview.lead_problems))} مصوبه با مسوولان پیگیری"
            " آن جور نیست؛ تا صورتجلسه اصلاح و دوباره بارگذاری نشود، مصوبات ثبت نمی‌شوند."
        )
    if st.button(f"ثبت {format_number(len(preview.rows))} مصوبه", type="primary", key="imp_commit"):
        run_command(
            url,
            lambda s, who: commit_minutes(
                s, actor=who, meeting_id=target, preview=preview, choices=choices
            ),
            done=lambda n: f"{format_number(n)} مصوبه ثبت شد.",
            forget=[_PREVIEW],
        )
