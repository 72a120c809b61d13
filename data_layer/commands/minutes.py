"""Writing a meeting's resolutions read from its minutes (input/minutes.py), all or nothing.

Every owner name of the minutes either matched an agency, or the person decided
about it: which agency it means, or that it is left out. A name without a
decision refuses the whole file; nothing is dropped silently. So does a
«مسئول اصلی» cell that is not one of its row's owners.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session

from data_layer.commands.common import load
from data_layer.commands.meetings import GONE as MEETING_GONE
from data_layer.commands.resolutions import (
    RESOLUTION_LABELS,
    Agencies,
    ResolutionPlan,
    plan_resolution,
    used_numbers,
    write_resolutions,
)
from data_layer.input.check import Check
from data_layer.input.minutes import MinutesPreview, PreviewRow, unmatched_reason
from data_layer.input.owners import OwnerSpec
from data_layer.jalali import format_number
from data_layer.models import Meeting, utcnow
from data_layer.permissions import Action, Actor, require

__all__ = ["OwnerChoices", "commit_minutes"]

# (resolution number, an owner name that did not match) -> the agency it means, or
# None when the person removed that name.
OwnerChoices = Mapping[tuple[int, str], int | None]


def _row_owners(
    row: PreviewRow, choices: OwnerChoices, agencies: Agencies, check: Check
) -> OwnerSpec | None:
    """The row's owners (and its lead): what matched, plus the person's decision for
    every other name."""
    ids = [agency_id for _, agency_id, _ in row.match.matched]
    if row.lead_problem:
        check.add("lead", row.lead_problem)
    names = {i: agencies.label(i) for i in agencies.by_id}
    undecided = False
    for part in row.match.unmatched:
        if (row.number, part) not in choices:
            shown = f"«{part}»" if part else "(خالی)"
            check.add(
                "owners",
                f"مسوول پیگیری {shown}: {unmatched_reason(row.match, part, names)}",
            )
            undecided = True
            continue
        chosen = choices[(row.number, part)]
        if chosen is not None:
            ids.append(chosen)
    if undecided or row.lead_problem:
        return None
    if not ids and not row.match.all_members:
        check.add(
            "owners",
            "همهٔ نام‌های مسوول پیگیری کنار گذاشته شد؛ دست‌کم یک دستگاه را انتخاب کنید.",
        )
        return None
    return OwnerSpec(row.match.all_members, tuple(dict.fromkeys(ids)), row.lead)


def _check_choices(preview: MinutesPreview, choices: OwnerChoices, check: Check) -> None:
    open_names = set(preview.unmatched)
    stray = sorted(key for key in choices if key not in open_names)
    if stray:
        shown = "، ".join(f"«{part}» (مصوبه {format_number(n)})" for n, part in stray)
        check.add(
            "owners",
            f"{shown} در این صورتجلسه نامِ جورنشده‌ای نیست؛ صورتجلسه را دوباره بارگذاری کنید.",
        )
    for number, times in sorted(Counter(r.number for r in preview.rows).items()):
        if times > 1:
            check.add(
                "number",
                f"شماره مصوبه {format_number(number)} بیش از یک بار آمده است؛ اصلاح کنید.",
            )
    if not preview.rows:
        check.add("owners", "صورتجلسه هیچ مصوبه‌ای ندارد.")


def commit_minutes(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    preview: MinutesPreview,
    choices: OwnerChoices | None = None,
    now: datetime | None = None,
) -> int:
    """Write a preview's resolutions and their rows into a meeting; the number written.

    A name still undecided, a number the meeting already has, or any other problem
    refuses the whole file.
    """
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = load(session, Meeting, meeting_id, MEETING_GONE)
    agencies = Agencies.load(session, meeting.held_on)
    used = used_numbers(session, meeting_id)
    choices = choices or {}
    check = Check(RESOLUTION_LABELS)
    _check_choices(preview, choices, check)
    plans: list[ResolutionPlan] = []
    for row in preview.rows:
        row_check = Check(RESOLUTION_LABELS, row=row.number)
        spec = _row_owners(row, choices, agencies, row_check)
        plan = None
        if spec is not None:
            plan = plan_resolution(
                row_check,
                meeting,
                agencies,
                used,
                number=row.number,
                text=row.text,
                owners_as_written=row.owners_as_written,
                owners=spec,
                due_date=row.due,
                as_written=(row.text_as_written, row.owners_raw),
            )
        check.extend(row_check.errors, prefix=f"مصوبه {format_number(row.number)}: ")
        if plan is not None:
            plans.append(plan)
    check.raise_if_any()
    write_resolutions(session, actor=actor, meeting=meeting, plans=plans, now=now)
    return len(plans)
