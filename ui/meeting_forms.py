"""The secretariat's forms on «جلسات»: a new meeting, a meeting's facts, its attendance,
a resolution and its owners, and the follow-up letters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.meetings import (
    MeetingInput,
    create_meeting,
    set_attendance,
    update_meeting,
)
from data_layer.commands.resolutions import add_resolution, update_resolution
from data_layer.input.owners import OwnerSpec
from data_layer.jalali import format_jalali, format_number, to_fa_digits
from data_layer.labels import ALL_MEMBERS_TEXT
from data_layer.output import inert
from data_layer.permissions import PROVINCE
from data_layer.queries.resolutions import OwnersOnRecord
from ui.freshness import current_version
from ui.jalali_picker import date_field
from ui.matrix import owner_agencies
from ui.pickers import Picked, as_shown, distinct, pick
from ui.row_places import meeting_rows, row_places_form
from ui.run import flash, run_command

__all__ = ["edit_meeting", "new_meeting"]

NO_LEAD = -1  # the lead picker's "no lead" option
_RECORDED = "mn_recorded"  # a meeting was just recorded: the form starts empty again


def _values(meeting: dict[str, Any] | None, today: date, next_no: int) -> dict[str, Any]:
    """What the fields of a meeting show before anything is typed (by field)."""
    m = meeting or {}
    return {
        "no": to_fa_digits(m.get("number", next_no)),
        "date": m.get("held_on", today),
        "time": m.get("start_time") or ("" if meeting else "۰۹:۰۰"),
        "place": m.get("place", ""),
        "chair": m.get("chair", ""),
        "sec": m.get("secretary", "دبیر کارگروه"),
        "sum": m.get("summary", ""),
    }


def _meeting_fields(
    prefix: str, meeting: dict[str, Any] | None, today: date, next_no: int
) -> MeetingInput | None:
    """The fields of a meeting (prefilled from `meeting`); the input when submitted."""
    v = _values(meeting, today, next_no)
    a, b = st.columns(2)
    number = a.text_input("شماره جلسه", v["no"], key=f"{prefix}_no")
    held = date_field(b, "تاریخ", v["date"], key=f"{prefix}_date")
    start = a.text_input("ساعت", v["time"], key=f"{prefix}_time")
    place = b.text_input(
        "مکان", v["place"], placeholder="مثلاً سالن جلسات استانداری", key=f"{prefix}_place"
    )
    chair = a.text_input("رئیس جلسه", v["chair"], key=f"{prefix}_chair")
    secretary = b.text_input("دبیر", v["sec"], key=f"{prefix}_sec")
    summary = st.text_area("خلاصهٔ مذاکرات", v["sum"], key=f"{prefix}_sum")
    if not st.form_submit_button("ذخیرهٔ جلسه" if meeting else "ثبت جلسه", type="primary"):
        return None
    return MeetingInput(
        number=number,
        held_on=held,
        start_time=start,
        place=place,
        chair=chair,
        secretary=secretary,
        guests=(meeting or {}).get("guests", ""),
        summary=summary,
    )


def new_meeting(url: str, today: date, next_no: int) -> None:
    """Record a meeting: the next number and today's date are filled in. Once one is
    recorded the form is filled in afresh for the next (the browser would otherwise
    send back what was typed, and the number just taken)."""
    if st.session_state.pop(_RECORDED, False):
        for field, value in _values(None, today, next_no).items():
            st.session_state[f"mn_{field}"] = (
                format_jalali(value) if isinstance(value, date) else value
            )
    with st.form("mt_new", enter_to_submit=False):
        data = _meeting_fields("mn", None, today, next_no)
    if data is None:
        return
    made = run_command(url, lambda s, who: create_meeting(s, actor=who, data=data))
    if made is not None:
        st.session_state[_RECORDED] = True
        flash(f"جلسه {to_fa_digits(made.number)} ثبت شد؛ اکنون مصوبات آن را وارد کنید.")


def _attendance_form(
    url: str, mid: int, version: int, attendance: pd.DataFrame, members: dict[int, str]
) -> None:
    key = f"mt_attend_{mid}"
    was = {int(a) for a, p in zip(attendance["agency_id"], attendance["present"], strict=True) if p}
    shown, present = as_shown(key, (version, sorted(was & set(members))))
    with st.form(f"{key}_{shown}", enter_to_submit=False):
        here = st.multiselect(
            "دستگاه‌های حاضر",
            list(members),
            default=[a for a in present if a in members],
            format_func=members.__getitem__,
            placeholder="دستگاه‌های حاضر را انتخاب کنید",
            key=f"me_att_{mid}_{shown}",
        )
        if st.form_submit_button("ذخیرهٔ حضور و غیاب"):
            run_command(
                url,
                lambda s, who: set_attendance(
                    s,
                    actor=who,
                    meeting_id=mid,
                    present_agency_ids=set(here),
                    expected_version=shown,
                ),
                done="حضور و غیاب ذخیره شد.",
                shown=key,
            )


def _add_resolution(
    url: str, mid: int, number: str, text: str, written: str, spec: OwnerSpec, due: str
) -> None:
    run_command(
        url,
        lambda s, who: add_resolution(
            s,
            actor=who,
            meeting_id=mid,
            number=number,
            text=text,
            owners_as_written=written,
            owners=spec,
            due_date=due or None,
        ),
        done="مصوبه افزوده شد.",
    )


def _update_owners(url: str, mid: int, picked: Picked, spec: OwnerSpec, due: str) -> None:
    run_command(
        url,
        lambda s, who: update_resolution(
            s,
            actor=who,
            resolution_id=picked.id,
            owners=spec,
            due_date=due or None,
            expected_version=picked.version,
        ),
        shown=f"mr_pick_{mid}",
        done=lambda n: (
            f"مسوولان به‌روز شد: {format_number(n['added'])} ردیف تازه،"
            f" {format_number(n['withdrawn'])} ردیف برداشته،"
            f" {format_number(n['restored'])} بازگشته."
        ),
    )


def _lead_picker(
    mid: int, picked: Picked | None, resolutions: pd.DataFrame, members: dict[int, str]
) -> int | None:
    """The lead owner (one of the owners chosen above), the picked resolution's by default."""
    current: int | None = None
    if picked is not None:
        leads = resolutions.loc[resolutions["id"] == picked.id, "lead_agency_id"]
        if len(leads) and pd.notna(leads.iloc[0]):
            current = int(leads.iloc[0])
    options = [NO_LEAD, *members]
    lead = st.selectbox(
        "مسئول اصلی (اختیاری)",
        options,
        index=options.index(current) if current in members else 0,
        format_func=lambda a: "— بدون مسئول اصلی —" if a == NO_LEAD else members[a],
        help="یکی از دستگاه‌های مسوول همین مصوبه؛ پیشرفتش در پیشرفت مصوبه وزن بیشتری دارد.",
        key=f"mr_lead_{mid}_{picked.id if picked else 'new'}",
    )
    return None if lead == NO_LEAD else int(lead)


def _resolution_form(
    url: str,
    mid: int,
    on_file: tuple[pd.DataFrame, Mapping[int, OwnersOnRecord]],
    members: dict[int, str],
) -> None:
    resolutions, on_record_of = on_file
    existing = {
        int(r["id"]): (f"مصوبه {to_fa_digits(r['number'])}", int(r["version"]))
        for _, r in resolutions.iterrows()
    }
    st.markdown("**مصوبهٔ تازه یا ویرایش مسوولان یک مصوبه**")
    picked = pick(
        "مصوبه (خالی: مصوبهٔ تازه)", existing, key=f"mr_pick_{mid}", placeholder="— مصوبهٔ تازه —"
    )
    on_record = on_record_of.get(picked.id) if picked is not None else None
    if on_record is not None:
        st.caption(
            inert(
                f"مسوول پیگیری به نوشتهٔ صورتجلسه: «{on_record.as_written}»\n"
                f"دستگاه‌های مسوول اکنون: {owner_agencies(on_record)}"
            )
        )
    with st.form(f"mt_res_{mid}", enter_to_submit=False):
        a, b = st.columns(2)
        number = a.text_input("شماره (برای مصوبهٔ تازه)", key=f"mr_no_{mid}")
        due = date_field(b, "سررسید (اختیاری)", None, placeholder="۱۴۰۵/۱۲/۱۵", key=f"mr_due_{mid}")
        text = st.text_area("شرح مصوبه (برای مصوبهٔ تازه)", key=f"mr_text_{mid}")
        everyone = st.checkbox("همهٔ ادارات عضو کارگروه", key=f"mr_all_{mid}")
        owners = st.multiselect(
            "یا دستگاه‌های مسوول",
            list(members),
            format_func=members.__getitem__,
            placeholder="دستگاه‌ها را انتخاب کنید",
            key=f"mr_owners_{mid}",
        )
        lead = _lead_picker(mid, picked, resolutions, members)
        if not st.form_submit_button("ذخیرهٔ مصوبه"):
            return
    spec = OwnerSpec(all_members=everyone, agency_ids=tuple(owners), lead=lead)
    if picked is None:
        written = ALL_MEMBERS_TEXT if everyone else " / ".join(members[o] for o in owners)
        _add_resolution(url, mid, number, text, written, spec, due)
    else:
        _update_owners(url, mid, picked, spec, due)


def _row_places(url: str, mid: int) -> None:
    """The secretariat names the neighborhoods one of the meeting's rows works in."""
    st.markdown("**محلات هدف یک ردیف**")
    rows = meeting_rows(url, PROVINCE, mid, current_version(url))
    if not rows:
        st.caption("این جلسه هنوز ردیفی ندارد.")
        return
    rows = distinct(rows)
    row = st.selectbox(
        "ردیف (مصوبه و دستگاه)",
        list(rows),
        index=None,
        format_func=rows.__getitem__,
        placeholder="ردیفی را برگزینید",
        key=f"mr_row_places_{mid}",
    )
    if row is not None:
        row_places_form(url, PROVINCE, int(row))


def edit_meeting(
    url: str,
    meeting: dict[str, Any],
    attendance: pd.DataFrame,
    resolutions: tuple[pd.DataFrame, Mapping[int, OwnersOnRecord]],
    members: dict[int, str],
) -> None:
    """The secretariat corrects a meeting, its attendance and its resolutions' owners
    (`resolutions`: the meeting's resolutions and their owners on record)."""
    members = distinct(members)  # every picker below lists them
    mid, version = int(meeting["id"]), int(meeting["version"])
    key = f"mt_edit_{mid}"
    was = as_shown(key, meeting)  # the facts as the person first saw them
    shown = int(was["version"])
    with st.expander("ویرایش جلسه، حضور و مصوبات"):
        with st.form(f"{key}_{shown}", enter_to_submit=False):
            data = _meeting_fields(f"me_{mid}_{shown}", was, was["held_on"], int(was["number"]))
        if data is not None:
            run_command(
                url,
                lambda s, who: update_meeting(
                    s, actor=who, meeting_id=mid, data=data, expected_version=shown
                ),
                done="جلسه ذخیره شد.",
                shown=key,
            )
        _attendance_form(url, mid, version, attendance, members)
        _resolution_form(url, mid, resolutions, members)
        _row_places(url, mid)
