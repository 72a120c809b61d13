"""Writing a meeting's resolutions read from its minutes (input/minutes.py), all or nothing.

Every owner name of the minutes either matched an agency, or the person decided
about it: which agency it means, or that it is left out. A name without a
decision refuses the whole file; nothing is dropped silently. So does a
«مسئول اصلی» cell that is not one of its row's owners.

A file read into a meeting that already has some of its resolutions (a re-import)
is compared with them before anything is written (`compare_with_meeting`): the
person chooses to skip those resolutions or to update their text (`Reimport`), and
the commit refuses if the meeting's resolutions changed since that comparison.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from data_layer.commands.aliases import remember_names
from data_layer.commands.common import load
from data_layer.commands.history import History
from data_layer.commands.meetings import GONE as MEETING_GONE
from data_layer.commands.resolutions import (
    RESOLUTION_LABELS,
    Agencies,
    ResolutionPlan,
    plan_resolution,
    update_resolution,
    used_numbers,
    write_resolutions,
)
from data_layer.errors import FieldError, ValidationError
from data_layer.input.check import Check
from data_layer.input.minutes import MinutesPreview, PreviewRow, unmatched_reason
from data_layer.input.owners import OwnerSpec
from data_layer.jalali import format_number
from data_layer.models import Meeting, Resolution, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.resolutions import StoredResolution, stored_resolutions

__all__ = ["Comparison", "OwnerChoices", "Reimport", "commit_minutes", "compare_with_meeting"]

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


@dataclass(frozen=True)
class Reimport:
    """A file read into a meeting that may hold some of its resolutions already.

    `seen`: the meeting's resolutions when the person looked (the commit refuses if
    they changed since); `update`: give the existing ones the file's text (True) or
    leave them as they are (False). Their owners are never changed here.
    """

    seen: Mapping[int, StoredResolution]
    update: bool = False


@dataclass(frozen=True)
class Comparison:
    """A preview against its meeting: the numbers that are new, those the meeting
    already has with the same text, and those it has with another text."""

    new: tuple[int, ...]
    same: tuple[int, ...]
    differs: tuple[int, ...]


def compare_with_meeting(
    preview: MinutesPreview, stored: Mapping[int, StoredResolution]
) -> Comparison:
    """Which of a preview's resolutions the meeting already has, and whether its text differs."""
    new: list[int] = []
    same: list[int] = []
    differs: list[int] = []
    for row in preview.rows:
        found = stored.get(row.number)
        if found is None:
            new.append(row.number)
        else:
            (same if found.text == row.text else differs).append(row.number)
    return Comparison(tuple(new), tuple(same), tuple(differs))


def _stale(meeting: Meeting) -> ValidationError:
    return ValidationError(
        [
            FieldError(
                "number",
                f"مصوبات جلسه {format_number(meeting.number)} پس از پیش‌نمایش این پرونده تغییر"
                " کرده است و چیزی ثبت نشد؛ پرونده را دوباره بارگذاری کنید تا با مصوبات کنونی"
                " جلسه سنجیده شود.",
            )
        ]
    )


def _update_texts(
    session: Session,
    actor: Actor,
    rows: list[tuple[PreviewRow, StoredResolution]],
    now: datetime,
) -> int:
    """Give existing resolutions the file's text (each checked against the version the
    comparison saw, with its history); how many changed."""
    changed = 0
    for row, stored in rows:
        if row.text == stored.text:
            continue
        update_resolution(
            session,
            actor=actor,
            resolution_id=stored.id,
            text=row.text,
            expected_version=stored.version,
            now=now,
        )
        res = session.get(Resolution, stored.id)
        if res is not None and res.text_as_written != row.text_as_written:
            History(session, actor, now).add(
                "resolution", res.id, "text_as_written", res.text_as_written, row.text_as_written
            )
            res.text_as_written = row.text_as_written
        changed += 1
    session.flush()
    return changed


def _to_remember(
    choices: OwnerChoices, remember: Collection[tuple[int, str]], check: Check
) -> list[tuple[str, int]]:
    """(name, agency) of each hand match to remember; a problem for any other."""
    out: list[tuple[str, int]] = []
    for number, part in remember:
        chosen = choices.get((number, part))
        if chosen is None:
            check.add(
                "owners",
                f"«{part}» (مصوبه {format_number(number)}) به دستگاهی نسبت داده نشده است و"
                " به خاطر سپرده نمی‌شود؛ نخست دستگاه آن را انتخاب کنید.",
            )
        else:
            out.append((part, chosen))
    return out


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


def _plan(
    row: PreviewRow,
    choices: OwnerChoices,
    meeting: Meeting,
    agencies: Agencies,
    used: set[int],
    check: Check,
) -> ResolutionPlan | None:
    """One new resolution of the file checked (its problems go to `check`, by number)."""
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
    return plan


def commit_minutes(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    preview: MinutesPreview,
    choices: OwnerChoices | None = None,
    now: datetime | None = None,
    reimport: Reimport | None = None,
    remember: Collection[tuple[int, str]] = (),
) -> int:
    """Write a preview's resolutions and their rows into a meeting; the number written
    (and, with `reimport`, updated).

    `remember`: (resolution number, owner name) of hand matches to keep as learned
    names of the agency chosen (commands/aliases.py), in the same transaction.

    A name still undecided, a number the meeting already has (without `reimport`), a
    meeting whose resolutions changed since `reimport.seen`, a name to remember that
    was not matched to an agency by hand, or any other problem refuses the whole file.
    """
    require(session, actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = load(session, Meeting, meeting_id, MEETING_GONE)
    agencies = Agencies.load(session, meeting.held_on)
    used = used_numbers(session, meeting_id)
    existing: dict[int, StoredResolution] = {}
    if reimport is not None:
        existing = stored_resolutions(session, meeting_id)
        if existing != dict(reimport.seen):
            raise _stale(meeting)
    choices = choices or {}
    check = Check(RESOLUTION_LABELS)
    _check_choices(preview, choices, check)
    plans: list[ResolutionPlan] = []
    again: list[tuple[PreviewRow, StoredResolution]] = []
    for row in preview.rows:
        if row.number in existing:
            again.append((row, existing[row.number]))
            continue
        plan = _plan(row, choices, meeting, agencies, used, check)
        if plan is not None:
            plans.append(plan)
    if (
        reimport is not None
        and not plans
        and not (reimport.update and any(row.text != stored.text for row, stored in again))
    ):
        check.add(
            "number",
            f"همهٔ مصوبات این پرونده در جلسه {format_number(meeting.number)} ثبت شده است"
            " و چیزی برای ثبت یا به‌روز کردن نماند.",
        )
    learned = _to_remember(choices, remember, check)
    check.raise_if_any()
    remember_names(session, actor=actor, names=learned, now=now)
    if plans:
        write_resolutions(session, actor=actor, meeting=meeting, plans=plans, now=now)
    updated = _update_texts(session, actor, again, now) if reimport and reimport.update else 0
    return len(plans) + updated
