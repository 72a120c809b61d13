"""The secretariat's «ورود مصوبات از صورتجلسه» tab: upload, review every owner name
(and the lead owner, when the table has a «مسئول اصلی» column), decide about each
name that did not match, then commit all resolutions at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.minutes import (
    Comparison,
    Reimport,
    commit_minutes,
    compare_with_meeting,
)
from data_layer.db import read_session
from data_layer.input.minutes import (
    MAX_MINUTES_BYTES,
    MINUTES_TYPES,
    MinutesPreview,
    PreviewRow,
    read_minutes_file,
    unmatched_reason,
)
from data_layer.input.ocr import IMAGE_TYPES, is_scan
from data_layer.jalali import format_jalali, format_number, to_fa_digits
from data_layer.output import inert, label_text
from data_layer.queries.agencies import agency_refs
from data_layer.queries.aliases import vanished_names
from data_layer.queries.resolutions import StoredResolution, stored_resolutions
from data_layer.text import match_key
from ui.imports import read_upload
from ui.pickers import distinct
from ui.run import attempt, run_command
from ui.scan_import import scan_preview
from ui.uploads import uploader

__all__ = ["minutes_import_tab"]

REMOVE = -1  # the choice "leave this name out"
_HOW = {
    "exact": "نام دقیق",
    "alias": "نام دیگر دستگاه",
    "learned": "نامی که پیش‌تر به خاطر سپرده شد",
    "close": "نوشتار نزدیک",
}
_PREVIEW = "minutes_preview"


def _preview(url: str, upload: Any) -> MinutesPreview | None:
    """The file read once per upload (kept in the session), or None after showing why not."""
    return read_upload(
        url,
        upload,
        _PREVIEW,
        lambda s: read_minutes_file(upload.name, upload.getvalue(), agency_refs(s)),
    )


def _scanned(upload: Any) -> bool:
    """True for an image or a PDF without text (asked once per upload)."""
    kept = st.session_state.get("minutes_is_scan")
    if not kept or kept[0] != upload.file_id:
        kept = (upload.file_id, is_scan(upload.name, upload.getvalue()))
        st.session_state["minutes_is_scan"] = kept
    return bool(kept[1])


def _row(
    row: PreviewRow,
    names: dict[int, str],
    choices: dict[tuple[int, str], int | None],
    stored: StoredResolution | None,
    notes: Notes,
) -> None:
    """One resolution: what matched, and a decision for every name that did not (but
    for a resolution the meeting already has: `stored`)."""
    m = row.match
    found = ["همهٔ ادارات عضو کارگروه"] if m.all_members else []
    found += [f"«{part}» ← {names.get(a, '?')} ({_HOW[how]})" for part, a, how in m.matched]
    lead = ""
    if row.lead is not None:
        lead = f"«{row.lead_as_written}» ← {names.get(row.lead, '?')}"
    st.markdown(
        f"**{to_fa_digits(row.number)}.** {inert(row.text)}  \n"
        f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{inert(row.owners_raw or row.owners_as_written)}»"
        + (f"  \nبرای تطبیق خوانده شد: «{inert(row.owners_as_written)}»" if row.owners_raw else "")
        + (f"  \nجور شد: {inert('؛ '.join(found))}" if found else "")
        + (f"  \nمسئول اصلی: {inert(lead)}" if lead else "")
        + (f"  \n{inert(_due(row))}" if row.due_as_written else "")
    )
    if row.joined:
        rows = " و ".join(format_number(p) for p in row.joined)
        st.caption(
            f"ردیف {rows} جدول شماره‌ای نداشت و دنبالهٔ مصوبه {to_fa_digits(row.number)}"
            f" (ردیف {format_number(row.position)}) خوانده شد؛ متن بالا متن به هم پیوستهٔ"
            " آن‌هاست."
        )
    if row.lead_problem:
        st.error(inert(f"مصوبه {to_fa_digits(row.number)}: {row.lead_problem}"))
    if stored is not None:
        same = stored.text == row.text
        st.caption(
            f"مصوبه {to_fa_digits(row.number)} در این جلسه ثبت شده است؛ "
            + ("متن آن همین است." if same else "متن ثبت‌شده با متن پرونده فرق دارد.")
            + " مسوولان پیگیری آن از این پرونده تغییر نمی‌کنند."
        )
        return
    _decide(row, names, choices, notes)


def _decide(
    row: PreviewRow,
    names: dict[int, str],
    choices: dict[tuple[int, str], int | None],
    notes: Notes,
) -> None:
    """For every name of the row that did not match: why, a picker and «به خاطر سپرده شود»."""
    m = row.match
    for i, part in enumerate(m.unmatched):
        vanished = notes.vanished.get(match_key(part), "")
        st.warning(
            inert(
                f"«{part or 'خالی'}» جور نشد: {unmatched_reason(m, part, names)}"
                + (f" {vanished}" if vanished else "")
            )
        )
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
        if match_key(part) and st.checkbox(
            "به خاطر سپرده شود",
            key=f"imp_remember_{row.number}_{i}",
            help="این نام از این پس نام دیگر دستگاه انتخاب‌شده است و در پرونده‌های بعدی"
            " خودبه‌خود جور می‌شود.",
        ):
            notes.remember.append((row.number, part))


@dataclass(frozen=True)
class Notes:
    """What the rows of a preview read and gather besides the choices: the learned
    names whose agency has left (match key -> why), the hand matches to remember."""

    vanished: dict[str, str]
    remember: list[tuple[int, str]]


def _due(row: PreviewRow) -> str:
    """The due date as read, beside the cell as the minutes write it."""
    if row.due is None:
        return f"مهلت اجرا: «{row.due_as_written}» (بدون سررسید)"
    return f"مهلت اجرا: {format_jalali(row.due)} (به نوشتهٔ صورتجلسه: «{row.due_as_written}»)"


def ignored_columns(preview: MinutesPreview) -> None:
    """Every column of the table that is not read, named (never dropped in silence)."""
    for column in preview.ignored_columns:
        st.info(inert(f"ستون «{column}» خوانده نمی‌شود و نادیده گرفته می‌شود."))


def _explain() -> None:
    """What the file must hold and what happens to it."""
    st.markdown(
        "پروندهٔ صورتجلسه (Word، اکسل، CSV، PDF، یا تصویر اسکن JPEG/PNG) با جدول"
        " «شماره مصوبه»، «شرح مصوبه»، «مسوول پیگیری»"
        " (و اگر هست «مسئول اصلی»، یکی از مسوولان همان ردیف، و «مهلت اجرا») را بارگذاری کنید."
        " ردیفی که شماره ندارد دنبالهٔ مصوبهٔ بالای خود خوانده می‌شود. هر نام در"
        " ستون مسوول پیگیری با دستگاه‌ها تطبیق داده می‌شود؛ برای هر"
        " نامی که با هیچ دستگاهی تطبیق نیافت، دستگاه درست را انتخاب کنید یا آن را کنار"
        " بگذارید. سپس همه با هم ثبت"
        " می‌شوند یا هیچ‌کدام."
    )


def minutes_import_tab(url: str, meetings: pd.DataFrame, names: dict[int, str]) -> None:
    """Upload a minutes file into a meeting (`names`: every active agency's short name)."""
    names = distinct(names)  # the pickers of unmatched names list them
    _explain()
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
        types=[t.lstrip(".") for t in (*MINUTES_TYPES, *IMAGE_TYPES)],
        key="imp_file",
        max_mb=MAX_MINUTES_BYTES // 1024 // 1024,
    )
    if upload is None or target is None:
        return
    preview = scan_preview(url, upload) if _scanned(upload) else _preview(url, upload)
    if preview is None:
        return
    found = _stored(url, int(target))
    if found is None:
        return
    stored, vanished = found
    notes = Notes(vanished, [])
    ignored_columns(preview)
    comparison = compare_with_meeting(preview, stored)
    update = _reimport_choice(comparison, labels[target])
    choices: dict[tuple[int, str], int | None] = {}
    for row in preview.rows:
        _row(row, names, choices, stored.get(row.number), notes)
    open_names = len([n for n, _ in preview.unmatched if n not in stored]) - len(choices)
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
    _commit_button(
        url, int(target), preview, (choices, notes.remember), comparison, Reimport(stored, update)
    )


def _stored(url: str, meeting_id: int) -> tuple[dict[int, StoredResolution], dict[str, str]] | None:
    """The meeting's resolutions now (what the file is compared with), and the learned
    names whose agency has left (vanished_names)."""

    def read() -> tuple[dict[int, StoredResolution], dict[str, str]]:
        with read_session(url) as s:
            return stored_resolutions(s, meeting_id), vanished_names(s)

    return attempt(read)


def _reimport_choice(comparison: Comparison, meeting: str) -> bool:
    """Say which resolutions the meeting already has; True when the person chose to
    update their text (the default: leave them as they are)."""
    existing = (*comparison.same, *comparison.differs)
    if not existing:
        return False
    listed = "، ".join(to_fa_digits(n) for n in sorted(existing))
    differs = "، ".join(to_fa_digits(n) for n in comparison.differs)
    st.warning(
        f"{format_number(len(existing))} مصوبه از این پرونده در {meeting} ثبت شده است"
        f" (شماره‌های {listed})"
        + (f"؛ متن مصوبه‌های {differs} با پرونده فرق دارد." if differs else "؛ متنشان همین است.")
        + " هیچ مصوبه‌ای دوباره ثبت نمی‌شود."
    )
    pick = st.radio(
        "با مصوبه‌هایی که در جلسه هست چه شود؟",
        ["skip", "update"],
        format_func=lambda v: {
            "skip": "دست نخورند (فقط مصوبه‌های تازه ثبت شوند)",
            "update": "متنشان با متن این پرونده به‌روز شود",
        }[v],
        key="imp_existing",
    )
    return pick == "update"


def _commit_button(
    url: str,
    meeting_id: int,
    preview: MinutesPreview,
    decided: tuple[dict[tuple[int, str], int | None], list[tuple[int, str]]],
    comparison: Comparison,
    reimport: Reimport,
) -> None:
    """The one button that writes the file (new resolutions, texts to update, names to
    remember); `decided`: the person's choices and the names to remember."""
    choices, remember = decided
    new = len(comparison.new)
    updated = len(comparison.differs) if reimport.update else 0
    if not reimport.seen.keys() & {r.number for r in preview.rows}:
        label, done = f"ثبت {format_number(new)} مصوبه", f"{format_number(new)} مصوبه ثبت شد."
    elif new or updated:
        label = f"ثبت {format_number(new)} مصوبهٔ تازه" + (
            f" و به‌روز کردن متن {format_number(updated)} مصوبه" if updated else ""
        )
        untouched = len(comparison.same) + len(comparison.differs) - updated
        done = (
            f"{format_number(new)} مصوبهٔ تازه ثبت شد"
            + (f" و متن {format_number(updated)} مصوبه به‌روز شد" if updated else "")
            + (f"؛ {format_number(untouched)} مصوبهٔ موجود دست نخورد." if untouched else ".")
        )
    else:
        st.info("همهٔ مصوبات این پرونده در این جلسه ثبت شده است و چیزی برای ثبت نمانده است.")
        return
    if st.button(label, type="primary", key="imp_commit"):
        run_command(
            url,
            lambda s, who: commit_minutes(
                s,
                actor=who,
                meeting_id=meeting_id,
                preview=preview,
                choices=choices,
                reimport=reimport,
                remember=remember,
            ),
            done=lambda _: done,
            forget=[_PREVIEW, "scan_reviewed"],  # the read scan is kept: no second OCR
        )
