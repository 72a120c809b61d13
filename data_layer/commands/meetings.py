"""Writes on meetings: the meeting, its attendance, its resolutions and their owners,
and importing a meeting's resolutions from its minutes (.docx, .xlsx or .csv).

Like every command module: keyword-only arguments, the role is checked inside the
command, everything is validated (every problem collected) before anything is
written, and history rows go in the same transaction. An owner is never deleted
from a resolution: its row is withdrawn, and re-activated if the owner comes back.

Owner matching (`match_owners`) turns the «مسوول پیگیری» cell of the minutes into
agencies: «ادارات عضو کارگروه» is every member agency; «وزارت کشور/ کانون پرورش
فکری» is two agencies; «اداره کل آموزش و پرورش» is one, although it contains « و ».
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_layer.commands.history import record_change
from data_layer.errors import FieldError, NotFound, ValidationError
from data_layer.jalali import (
    MAX_JALALI_YEAR,
    MIN_JALALI_YEAR,
    JalaliDateError,
    format_jalali,
    format_number,
    parse_jalali,
    to_ascii_digits,
    to_jalali,
)
from data_layer.models import (
    Agency,
    Assignment,
    Meeting,
    MeetingAttendance,
    Resolution,
    utcnow,
)
from data_layer.permissions import Action, Actor, require
from data_layer.seed_data import ALL_MEMBERS_TEXT
from data_layer.text import match_key
from data_layer.validation import _MARKUP, FIELD_NAMES, TEXT_LIMITS, Collector

__all__ = [
    "AgencyRef",
    "MeetingInput",
    "MinutesPreview",
    "OwnerMatch",
    "OwnerSpec",
    "PreviewRow",
    "add_resolution",
    "agency_refs",
    "commit_minutes",
    "create_meeting",
    "match_owners",
    "read_minutes_file",
    "set_attendance",
    "update_meeting",
    "update_resolution",
]

WITHDRAW_REASON = "مسوولیت از دستگاه برداشته شد"
RESTORE_REASON = "مسوولیت دوباره به دستگاه سپرده شد"
ADD_REASON = "دستگاه به مسوولان پیگیری مصوبه افزوده شد"

MAX_MINUTES_BYTES = 10 * 1024 * 1024
MINUTES_TYPES = (".docx", ".xlsx", ".csv")
_MAX_TABLE_ROWS = 2000

# Limits and Persian names of this module's fields (validation.py holds the shared ones).
_LIMITS: dict[str, int] = {
    "place": 200,
    "chair": 200,
    "secretary": 200,
    "guests": 4000,
    "summary": 20000,
    "text": 4000,
    "theme": 100,
    "owners_as_written": 500,
    "representative": 200,
}
_NAMES: dict[str, str] = {
    "number": "شماره",
    "held_on": "تاریخ جلسه",
    "start_time": "ساعت شروع",
    "place": "محل جلسه",
    "chair": "رئیس جلسه",
    "secretary": "دبیر جلسه",
    "guests": "مدعوین",
    "summary": "خلاصه مذاکرات",
    "text": "شرح مصوبه",
    "theme": "موضوع",
    "owners_as_written": "مسوول پیگیری (به نوشته صورتجلسه)",
    "owners": "مسوول پیگیری",
    "due_date": "مهلت انجام",
    "representative": "نماینده",
    "attendance": "حضور و غیاب",
    "file": "پرونده صورتجلسه",
}

_INVISIBLE = re.compile("[\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
_TIME_RE = re.compile(r"(\d{1,2})\s*[:.]\s*(\d{2})")


def _fa(n: int) -> str:
    return format_number(n)


# --- validation helpers ---------------------------------------------------------------


class _Check(Collector):
    """The shared Collector, with this module's field names and limits."""

    def name(self, field_name: str) -> str:
        """The Persian name of a field."""
        return _NAMES.get(field_name) or FIELD_NAMES.get(field_name, field_name)

    def text(self, field: str, value: str | None, *, required: bool = False) -> str | None:
        """Strip; refuse markup and over-long text; None stays None (unchanged)."""
        if value is None:
            return None
        value = value.strip()
        name = self.name(field)
        if required and not value:
            self.add(field, f"«{name}» را بنویسید.")
        limit = _LIMITS.get(field) or TEXT_LIMITS.get(field, 1000)
        if len(value) > limit:
            self.add(
                field,
                f"«{name}» حداکثر {_fa(limit)} نویسه است؛ اکنون {_fa(len(value))} نویسه است.",
            )
        if _MARKUP.search(value):
            self.add(
                field,
                f"«{name}» نباید برچسب HTML یا اسکریپت داشته باشد؛ آن را به صورت متن ساده بنویسید.",
            )
        return value

    def whole(self, field: str, value: int | str | None, label: str) -> int | None:
        """A positive whole number, typed with Persian or ASCII digits."""
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            raw = _INVISIBLE.sub("", to_ascii_digits(value)).strip()
            if re.fullmatch(r"\d{1,6}", raw):
                number = int(raw)
        if number is None or not 1 <= number <= 99999:
            shown = "" if value is None else str(value)
            self.add(field, f"«{label}» باید یک عدد صحیح مثبت باشد (نوشته شده: «{shown}»).")
            return None
        return number

    def day(
        self, field: str, value: date | str | None, *, not_before: date | None = None
    ) -> date | None:
        """A real Jalali date (or a date), optionally not before a given day."""
        if value is None:
            return None
        name = self.name(field)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str):
            if not value.strip():
                self.add(field, f"«{name}» را به شکل ۱۴۰۲/۰۷/۲۹ بنویسید.")
                return None
            try:
                value = parse_jalali(value)
            except JalaliDateError as e:
                self.add(field, f"«{name}»: {e}")
                return None
        elif not MIN_JALALI_YEAR <= to_jalali(value).year <= MAX_JALALI_YEAR:
            self.add(
                field,
                f"«{name}»: سال شمسی باید بین {_fa(MIN_JALALI_YEAR)} تا"
                f" {_fa(MAX_JALALI_YEAR)} باشد.",
            )
            return None
        if not_before is not None and value < not_before:
            self.add(
                field,
                f"«{name}» ({format_jalali(value)}) نمی‌تواند پیش از تاریخ جلسه"
                f" ({format_jalali(not_before)}) باشد.",
            )
            return None
        return value

    def clock(self, field: str, value: str | None) -> str | None:
        """'HH:MM' from 00:00 to 23:59 (Persian digits allowed); empty -> None."""
        raw = _INVISIBLE.sub("", to_ascii_digits(value or "")).strip()
        if not raw:
            return None
        m = _TIME_RE.fullmatch(raw)
        if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            self.add(
                field,
                f"«{self.name(field)}» باید به شکل ساعت:دقیقه و بین ۰۰:۰۰ تا ۲۳:۵۹ باشد"
                f" (نوشته شده: «{value}»)؛ مثلاً ۰۹:۳۰.",
            )
            return None
        return f"{int(m.group(1)):02d}:{m.group(2)}"

    def raise_if_any(self) -> None:
        """Raise ValidationError with every problem found, if any."""
        if self.errors:
            raise ValidationError(self.errors)


_history = record_change


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(
            "این جلسه پیدا نشد؛ ممکن است شماره آن تغییر کرده باشد. فهرست جلسات را دوباره باز کنید."
        )
    return meeting


# --- meetings -------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as the secretariat types it (dates in Jalali, digits Persian or ASCII)."""

    number: int | str
    held_on: date | str
    start_time: str  # "HH:MM" or ""
    place: str
    chair: str
    secretary: str = ""
    guests: str = ""
    summary: str = ""


_MEETING_FIELDS = (
    "number",
    "held_on",
    "start_time",
    "place",
    "chair",
    "secretary",
    "guests",
    "summary",
)


def _meeting_values(
    session: Session, data: MeetingInput, check: _Check, meeting_id: int | None
) -> dict[str, Any]:
    number = check.whole("number", data.number, "شماره جلسه")
    if number is not None:
        other = session.execute(
            select(col(Meeting.id)).where(col(Meeting.number) == number)
        ).scalar_one_or_none()
        if other is not None and other != meeting_id:
            check.add(
                "number",
                f"جلسه شماره {_fa(number)} قبلاً ثبت شده است؛ شماره دیگری بنویسید"
                " یا همان جلسه را ویرایش کنید.",
            )
    values: dict[str, Any] = {
        "number": number,
        "held_on": check.day("held_on", data.held_on),
        "start_time": check.clock("start_time", data.start_time),
    }
    for name in ("place", "chair", "secretary", "guests", "summary"):
        values[name] = check.text(name, getattr(data, name) or "") or ""
    return values


def create_meeting(
    session: Session, *, actor: Actor, data: MeetingInput, now: datetime | None = None
) -> Meeting:
    """Record a meeting of the working group; its number must be new."""
    require(actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    check = _Check()
    values = _meeting_values(session, data, check, None)
    check.raise_if_any()
    meeting = Meeting(**values, created_at=now)
    session.add(meeting)
    try:
        session.flush()
    except IntegrityError as e:  # another secretary saved the same number just now
        raise ValidationError(
            [
                FieldError(
                    "number",
                    f"جلسه شماره {_fa(values['number'])} هم‌اکنون ثبت شد؛ شماره دیگری بنویسید.",
                )
            ]
        ) from e
    assert meeting.id is not None
    _history(
        session,
        actor=actor,
        entity="meeting",
        entity_id=meeting.id,
        field="created",
        old=None,
        new=meeting.number,
        now=now,
    )
    session.flush()
    return meeting


def update_meeting(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    data: MeetingInput,
    now: datetime | None = None,
) -> bool:
    """Correct a meeting's facts; one history row a changed field. False if nothing changed."""
    require(actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = _meeting(session, meeting_id)
    check = _Check()
    values = _meeting_values(session, data, check, meeting_id)
    held = values["held_on"]
    if held is not None and held != meeting.held_on:
        first_due, first_planned = session.execute(
            select(
                select(func.min(col(Resolution.due_date)))
                .where(col(Resolution.meeting_id) == meeting_id)
                .scalar_subquery(),
                select(func.min(col(Assignment.planned_date)))
                .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
                .where(
                    col(Resolution.meeting_id) == meeting_id,
                    col(Assignment.withdrawn).is_(False),
                )
                .scalar_subquery(),
            )
        ).one()
        earliest = min((d for d in (first_due, first_planned) if d is not None), default=None)
        if earliest is not None and earliest < held:
            check.add(
                "held_on",
                f"تاریخ تازه جلسه ({format_jalali(held)}) پس از مهلت یا تاریخ برنامه یکی از"
                f" مصوبات آن ({format_jalali(earliest)}) است؛ نخست آن مهلت را اصلاح کنید.",
            )
    check.raise_if_any()
    changed = {k: v for k, v in values.items() if getattr(meeting, k) != v}
    for name in _MEETING_FIELDS:
        if name in changed:
            _history(
                session,
                actor=actor,
                entity="meeting",
                entity_id=meeting_id,
                field=name,
                old=getattr(meeting, name),
                new=changed[name],
                now=now,
            )
            setattr(meeting, name, changed[name])
    try:
        session.flush()
    except IntegrityError as e:
        raise ValidationError(
            [FieldError("number", "این شماره جلسه هم‌اکنون ثبت شد؛ شماره دیگری بنویسید.")]
        ) from e
    return bool(changed)


# --- attendance -----------------------------------------------------------------------


def set_attendance(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    present_agency_ids: set[int],
    representatives: dict[int, str] | None = None,
    now: datetime | None = None,
) -> int:
    """One attendance row per active member agency, present or absent (replaced each time).

    Returns the number of member agencies recorded.
    """
    require(actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = _meeting(session, meeting_id)
    agencies = _Agencies.load(session)
    members = agencies.members
    member_set = set(members)
    check = _Check()
    stray = sorted(set(present_agency_ids) - member_set)
    if stray:
        names = "، ".join(f"«{agencies.label(i)}»" for i in stray)
        check.add(
            "attendance",
            f"{names} عضو فعال کارگروه نیست؛ فقط دستگاه‌های عضو را حاضر بزنید"
            " و مهمانان را در «مدعوین» بنویسید.",
        )
    reps: dict[int, str] = {}
    for agency_id, text in (representatives or {}).items():
        value = check.text("representative", text) or ""
        if value and agency_id not in present_agency_ids:
            check.add(
                "representative",
                f"برای «{agencies.label(agency_id)}» نماینده نوشته شده ولی حاضر زده نشده است؛"
                " یا آن را حاضر بزنید یا نام نماینده را پاک کنید.",
            )
        reps[agency_id] = value
    check.raise_if_any()

    existing = {
        row.agency_id: row
        for row in session.execute(
            select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
        ).scalars()
    }

    def shown(present: dict[int, str]) -> str:  # "3,5 (آقای کریمی)" for the history row
        return ",".join(f"{a} ({r})" if r else str(a) for a, r in sorted(present.items()))

    before = {a: row.representative for a, row in existing.items() if row.present}
    for agency_id in members:
        present = agency_id in present_agency_ids
        rep = reps.get(agency_id, "") if present else ""
        row = existing.get(agency_id)
        if row is None:
            session.add(
                MeetingAttendance(
                    meeting_id=meeting_id,
                    agency_id=agency_id,
                    present=present,
                    representative=rep,
                    is_sample=meeting.is_sample,
                )
            )
        elif row.present != present or row.representative != rep:
            row.present = present
            row.representative = rep
    after = {a: reps.get(a, "") for a in members if a in present_agency_ids}
    if shown(before) != shown(after) or any(a not in existing for a in members):
        _history(
            session,
            actor=actor,
            entity="meeting",
            entity_id=meeting_id,
            field="attendance",
            old=shown(before) if existing else None,
            new=shown(after),
            now=now,
        )
    session.flush()
    return len(members)


# --- agencies and owners --------------------------------------------------------------


@dataclass(frozen=True)
class OwnerSpec:
    """Who follows a resolution up: every active member agency and/or listed agencies."""

    all_members: bool
    agency_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class _AgencyRow:
    short_name: str
    is_member: bool
    active: bool


@dataclass(frozen=True)
class _Agencies:
    """Every agency, read once per command."""

    by_id: dict[int, _AgencyRow]
    members: list[int]  # active members, in the working group's order

    @classmethod
    def load(cls, session: Session) -> _Agencies:
        rows = session.execute(
            select(
                col(Agency.id),
                col(Agency.short_name),
                col(Agency.is_member),
                col(Agency.active),
            ).order_by(col(Agency.sort_order), col(Agency.id))
        ).all()
        by_id = {r[0]: _AgencyRow(r[1], r[2], r[3]) for r in rows}
        return cls(by_id, [r[0] for r in rows if r[2] and r[3]])

    def label(self, agency_id: int) -> str:
        row = self.by_id.get(agency_id)
        return row.short_name if row else f"دستگاه شماره {_fa(agency_id)}"

    def expand(self, spec: OwnerSpec, check: _Check) -> list[int] | None:
        """The agencies that get a row, members first; None (and an error) if invalid."""
        start = len(check.errors)
        ids = list(dict.fromkeys(spec.agency_ids))
        bad = [i for i in ids if i not in self.by_id or not self.by_id[i].active]
        if bad:
            shown = "، ".join(_fa(i) for i in bad)
            check.add(
                "owners",
                f"دستگاه انتخاب‌شده (شناسه {shown}) پیدا نشد یا غیرفعال است؛"
                " دستگاه را از فهرست دوباره انتخاب کنید.",
            )
        if not spec.all_members and not ids:
            check.add(
                "owners",
                "دست‌کم یک دستگاه را به عنوان مسوول پیگیری انتخاب کنید"
                " یا «همه دستگاه‌های عضو» را بزنید.",
            )
        if spec.all_members and not self.members:
            check.add(
                "owners",
                "هیچ دستگاه عضو فعالی ثبت نشده است؛ نخست دستگاه‌های عضو کارگروه را ثبت کنید.",
            )
        if len(check.errors) > start:
            return None
        base = list(self.members) if spec.all_members else []
        in_base = set(base)
        return base + [i for i in ids if i not in in_base]

    def as_written(self, spec: OwnerSpec) -> str:
        """The owner text shown when the minutes gave none."""
        parts = [ALL_MEMBERS_TEXT] if spec.all_members else []
        members = set(self.members) if spec.all_members else set()
        parts += [self.label(i) for i in dict.fromkeys(spec.agency_ids) if i not in members]
        return " / ".join(parts)[:500]


@dataclass(frozen=True)
class AgencyRef:
    """What owner matching needs to know about an agency."""

    id: int
    name: str
    short_name: str
    aliases: tuple[str, ...] = ()
    is_member: bool = True


def agency_refs(session: Session) -> list[AgencyRef]:
    """Every active agency, for owner matching."""
    rows = session.execute(
        select(
            col(Agency.id),
            col(Agency.name),
            col(Agency.short_name),
            col(Agency.aliases),
            col(Agency.is_member),
        )
        .where(col(Agency.active).is_(True))
        .order_by(col(Agency.sort_order), col(Agency.id))
    ).all()
    return [
        AgencyRef(
            id=r[0],
            name=r[1],
            short_name=r[2],
            aliases=tuple(a.strip() for a in (r[3] or "").split(";") if a.strip()),
            is_member=r[4],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class OwnerMatch:
    """How an owner text was understood.

    `matched` holds (part of the text, agency id, 'exact' | 'alias' | 'close');
    `unmatched` the parts no agency was found for (an empty text gives [""]);
    `suggestions` the agencies each unmatched part might mean, best first.
    """

    all_members: bool
    matched: list[tuple[str, int, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    suggestions: dict[str, list[int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every part was matched (and there was something to match)."""
        return not self.unmatched and (self.all_members or bool(self.matched))

    def spec(self) -> OwnerSpec | None:
        """The owners to record, or None while a part is unmatched."""
        if not self.ok:
            return None
        ids = tuple(dict.fromkeys(agency_id for _, agency_id, _ in self.matched))
        return OwnerSpec(self.all_members, ids)


_ALL_MEMBER_KEYS = frozenset(
    match_key(prefix + body)
    for prefix in ("", "کلیه ", "همه ", "تمام ", "تمامی ", "کلیه‌ی ", "همه‌ی ")
    for body in (
        "ادارات عضو کارگروه",
        "ادارات عضو",
        "دستگاه‌های عضو کارگروه",
        "دستگاه‌های عضو",
        "دستگاه های عضو",
        "اعضای کارگروه",
        "ادارات و دستگاه‌های عضو کارگروه",
        "دستگاه‌های اجرایی عضو کارگروه",
        "دستگاه‌های اجرایی عضو",
    )
)
_DIRECTORATE = match_key("اداره کل")
_PROVINCE = match_key("استان")
_LIST_SEPARATORS = re.compile(r"\s*(?:[/،,؛;|\\\n]|\s-\s)\s*")
_AND = re.compile(r"\s+و\s+")
_MAX_PARTS = 24
_MAX_SPAN = 4  # at most this many pieces of a list are tried together as one name


def _atom_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty piece of text between list separators."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _LIST_SEPARATORS.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if match_key(text[a:b])]


def _ratio(a: str, b: str) -> float:
    """difflib's similarity, skipped (0) when its cheap upper bounds are already below 0.8."""
    sm = difflib.SequenceMatcher(None, a, b)
    if sm.real_quick_ratio() < 0.8 or sm.quick_ratio() < 0.8:
        return 0.0
    return sm.ratio()


def _variants(key: str) -> list[str]:
    """A key, and the key without a leading «اداره کل» and/or a trailing «استان»."""
    out = [key]
    stripped = key
    if stripped.startswith(_DIRECTORATE):
        stripped = stripped[len(_DIRECTORATE) :]
        out.append(stripped)
    if stripped.endswith(_PROVINCE):
        out.append(stripped[: -len(_PROVINCE)])
    if key.endswith(_PROVINCE):
        out.append(key[: -len(_PROVINCE)])
    return [k for k in dict.fromkeys(out) if len(k) >= 2]


@dataclass(frozen=True)
class _Hit:
    """What one piece of owner text resolved to."""

    all_members: bool = False
    agency_id: int | None = None
    how: str = ""
    suggestions: tuple[int, ...] = ()

    @property
    def found(self) -> bool:
        return self.all_members or self.agency_id is not None


# (unmatched atoms, 'close' matches, parts) and the parts, for the segmentation search.
_Segmentation = tuple[tuple[int, int, int], list[tuple[str, "_Hit"]]]


class _Matcher:
    """Owner matching against one list of agencies (built once, used for many texts)."""

    def __init__(self, agencies: Sequence[AgencyRef]) -> None:
        self.exact: dict[str, dict[int, str]] = {}
        self.keys: dict[int, list[str]] = {}
        for ref in agencies:
            keys: list[str] = []
            for text, how in (
                (ref.name, "exact"),
                (ref.short_name, "exact"),
                *((alias, "alias") for alias in ref.aliases),
            ):
                key = match_key(text)
                if not key:
                    continue
                for k in _variants(key) if how == "exact" else [key]:
                    hits = self.exact.setdefault(k, {})
                    if hits.get(ref.id) != "exact":
                        hits[ref.id] = how
                    keys.append(k)
            self.keys[ref.id] = list(dict.fromkeys(keys))
        self._cache: dict[str, _Hit] = {}

    def resolve(self, text: str) -> _Hit:
        """One piece of text: all members, one agency, or nothing (with suggestions)."""
        key = match_key(text)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._resolve(key)
        return hit

    def _resolve(self, key: str) -> _Hit:
        if not key:
            return _Hit()
        variants = _variants(key)
        if any(k in _ALL_MEMBER_KEYS for k in variants):
            return _Hit(all_members=True, how="exact")
        for k in variants:
            hits = self.exact.get(k)
            if hits and len(hits) == 1:
                ((agency_id, how),) = hits.items()
                return _Hit(agency_id=agency_id, how=how)
            if hits:  # the same name for several agencies: let a person choose
                return _Hit(suggestions=tuple(sorted(hits)))
        scored: list[tuple[float, int]] = []
        for agency_id, keys in self.keys.items():
            ratio = max((_ratio(v, k) for v in variants for k in keys), default=0.0)
            contains = any(
                min(len(v), len(k)) >= 4 and (k in v or v in k) for v in variants for k in keys
            )
            if ratio >= 0.8 or contains:
                scored.append((ratio, agency_id))
        scored.sort(key=lambda s: (-s[0], s[1]))
        if scored and scored[0][0] >= 0.9 and (len(scored) == 1 or scored[1][0] < 0.9):
            return _Hit(agency_id=scored[0][1], how="close")
        return _Hit(suggestions=tuple(a for _, a in scored[:5]))

    def _split_and(self, text: str) -> list[tuple[str, _Hit]] | None:
        """Split on « و » into parts that all match, fewest 'close' then fewest parts."""
        atoms = [a for a in _AND.split(text) if a.strip()]
        n = len(atoms)
        if n < 2 or n > _MAX_PARTS:
            return None
        best: list[tuple[tuple[int, int], list[tuple[str, _Hit]]] | None] = [None] * (n + 1)
        best[n] = ((0, 0), [])
        for i in range(n - 1, -1, -1):
            for j in range(i + 1, min(i + _MAX_SPAN, n) + 1):
                rest = best[j]
                if rest is None or (i == 0 and j == n):
                    continue
                part = " و ".join(atoms[i:j])
                hit = self.resolve(part)
                if not hit.found:
                    continue
                cost = (rest[0][0] + (hit.how == "close"), rest[0][1] + 1)
                current = best[i]
                if current is None or cost < current[0]:
                    best[i] = (cost, [(part, hit), *rest[1]])
        first = best[0]
        return None if first is None else first[1]

    def match(self, owner_text: str) -> OwnerMatch:
        """Understand an owner text (see match_owners)."""
        text = (owner_text or "").strip()
        if not match_key(text):
            return OwnerMatch(False, [], [text], {})
        whole = self.resolve(text)
        if whole.found and whole.how != "close":
            return self._result([(text, whole)])
        spans = _atom_spans(text)
        atoms = [text[a:b] for a, b in spans]
        if len(atoms) > _MAX_PARTS:  # no search over segmentations of a very long text
            return self._result([(a, self.resolve(a)) for a in atoms])

        def joined(i: int, j: int) -> str:  # the original text of atoms i..j-1
            return text[spans[i][0] : spans[j - 1][1]]

        # Fewest unmatched atoms, then fewest 'close' matches, then fewest parts.
        n = len(atoms)
        best: list[_Segmentation | None] = [None] * (n + 1)
        best[n] = ((0, 0, 0), [])
        for i in range(n - 1, -1, -1):
            for j in range(i + 1, min(i + _MAX_SPAN, n) + 1):
                rest = best[j]
                if rest is None:
                    continue
                part = joined(i, j)
                hit = self.resolve(part)
                pieces: list[tuple[str, _Hit]]
                if hit.found:
                    pieces = [(part, hit)]
                    cost = (0, int(hit.how == "close"), 1)
                elif j == i + 1:
                    split = self._split_and(part)
                    if split is not None:
                        pieces = split
                        closes = sum(h.how == "close" for _, h in split)
                        cost = (0, closes, len(split))
                    else:
                        pieces = [(part, hit)]
                        cost = (1, 0, 1)
                else:
                    continue
                total = (rest[0][0] + cost[0], rest[0][1] + cost[1], rest[0][2] + cost[2])
                current = best[i]
                if current is None or total < current[0]:
                    best[i] = (total, pieces + rest[1])
        plan = best[0]
        assert plan is not None
        return self._result(plan[1])

    @staticmethod
    def _result(pieces: list[tuple[str, _Hit]]) -> OwnerMatch:
        all_members = False
        matched: list[tuple[str, int, str]] = []
        unmatched: list[str] = []
        suggestions: dict[str, list[int]] = {}
        seen: set[int] = set()
        for part, hit in pieces:
            if hit.all_members:
                all_members = True
            elif hit.agency_id is not None:
                if hit.agency_id not in seen:
                    seen.add(hit.agency_id)
                    matched.append((part, hit.agency_id, hit.how))
            else:
                unmatched.append(part)
                suggestions[part] = list(hit.suggestions)
        return OwnerMatch(all_members, matched, unmatched, suggestions)


def match_owners(owner_text: str, agencies: list[AgencyRef]) -> OwnerMatch:
    """Turn an owner text of the minutes into agencies.

    Compared with match_key (Arabic ي/ك, ZWNJ and spacing do not matter). The whole
    text is tried first, then its parts split on '/', '،', ',' (and ';', '؛', line
    breaks), and only then parts split on « و » whose every piece matches, so
    «آموزش و پرورش» stays one agency. Exact: the name, short name, or the name
    without a leading «اداره کل» / trailing «استان»; alias: one of the aliases;
    close: a similarity of 0.9 or more to exactly one agency. Anything less is
    unmatched, with the agencies it resembles (ratio 0.8+, or one name containing
    the other) as suggestions.
    """
    return _Matcher(agencies).match(owner_text)


# --- resolutions ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    number: int
    text: str
    theme: str
    owners_as_written: str
    all_members: bool
    agency_ids: list[int]
    due_date: date | None


def _used_numbers(session: Session, meeting_id: int) -> set[int]:
    return set(
        session.execute(
            select(col(Resolution.number)).where(col(Resolution.meeting_id) == meeting_id)
        ).scalars()
    )


def _blank(value: object) -> bool:
    return isinstance(value, str) and not value.strip()


def _plan(
    check: _Check,
    meeting: Meeting,
    agencies: _Agencies,
    used: set[int],
    *,
    number: int | str,
    text: str,
    theme: str,
    owners_as_written: str,
    owners: OwnerSpec,
    due_date: date | str | None,
) -> _Plan | None:
    start = len(check.errors)
    n = check.whole("number", number, "شماره مصوبه")
    if n is not None and n in used:
        check.add(
            "number",
            f"مصوبه شماره {_fa(n)} در جلسه {_fa(meeting.number)} قبلاً ثبت شده است؛"
            " شماره دیگری بنویسید یا همان مصوبه را ویرایش کنید.",
        )
    body = check.text("text", text or "", required=True) or ""
    theme_value = check.text("theme", theme or "") or ""
    as_written = check.text("owners_as_written", owners_as_written or "") or ""
    due = None if due_date is None or _blank(due_date) else due_date
    due_value = check.day("due_date", due, not_before=meeting.held_on)
    ids = agencies.expand(owners, check)
    if len(check.errors) > start or n is None or ids is None:
        return None
    return _Plan(
        number=n,
        text=body,
        theme=theme_value,
        owners_as_written=as_written or agencies.as_written(owners),
        all_members=owners.all_members,
        agency_ids=ids,
        due_date=due_value,
    )


def _write_resolutions(
    session: Session, *, actor: Actor, meeting: Meeting, plans: Sequence[_Plan], now: datetime
) -> list[Resolution]:
    """Insert resolutions, their rows and their 'created' history (a few batched flushes)."""
    assert meeting.id is not None
    resolutions = [
        Resolution(
            meeting_id=meeting.id,
            number=p.number,
            text=p.text,
            theme=p.theme,
            owners_as_written=p.owners_as_written,
            all_members=p.all_members,
            due_date=p.due_date,
            is_sample=meeting.is_sample,
        )
        for p in plans
    ]
    session.add_all(resolutions)
    try:
        session.flush()
    except IntegrityError as e:  # another secretary added the same number just now
        raise ValidationError(
            [
                FieldError(
                    "number",
                    "شماره یکی از مصوبات هم‌اکنون در این جلسه ثبت شد؛ فهرست را دوباره باز کنید.",
                )
            ]
        ) from e
    for res, plan in zip(resolutions, plans, strict=True):
        assert res.id is not None
        session.add_all(
            Assignment(
                resolution_id=res.id,
                agency_id=agency_id,
                updated_at=now,
                updated_by_id=actor.user_id,
                is_sample=meeting.is_sample,
            )
            for agency_id in plan.agency_ids
        )
        _history(
            session,
            actor=actor,
            entity="resolution",
            entity_id=res.id,
            field="created",
            old=None,
            new=f"{plan.number}: {plan.text}",
            now=now,
        )
    session.flush()
    return resolutions


def add_resolution(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    number: int | str,
    text: str,
    theme: str = "",
    owners_as_written: str = "",
    owners: OwnerSpec,
    due_date: date | str | None = None,
    now: datetime | None = None,
) -> Resolution:
    """Add a resolution to a meeting with one row per owner (all members expanded)."""
    require(actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = _meeting(session, meeting_id)
    agencies = _Agencies.load(session)
    check = _Check()
    plan = _plan(
        check,
        meeting,
        agencies,
        _used_numbers(session, meeting_id),
        number=number,
        text=text,
        theme=theme,
        owners_as_written=owners_as_written,
        owners=owners,
        due_date=due_date,
    )
    check.raise_if_any()
    assert plan is not None
    return _write_resolutions(session, actor=actor, meeting=meeting, plans=[plan], now=now)[0]


def update_resolution(
    session: Session,
    *,
    actor: Actor,
    resolution_id: int,
    text: str | None = None,
    theme: str | None = None,
    due_date: date | str | None = None,
    owners: OwnerSpec | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Edit a resolution; None leaves a field as it is ('' as due_date clears it).

    Changing owners adds rows for new owners (or re-activates an owner's withdrawn
    row, with its history), and withdraws the rows of removed owners (never
    deleted). Returns {'added': …, 'withdrawn': …, 'restored': …}.
    """
    require(actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    res = session.get(Resolution, resolution_id)
    if res is None:
        raise NotFound("این مصوبه پیدا نشد؛ فهرست مصوبات را دوباره باز کنید.")
    meeting = _meeting(session, res.meeting_id)
    check = _Check()
    changes: dict[str, Any] = {}
    if text is not None:
        value = check.text("text", text, required=True)
        if value is not None and value != res.text:
            changes["text"] = value
    if theme is not None:
        value = check.text("theme", theme)
        if value is not None and value != res.theme:
            changes["theme"] = value
    if due_date is not None:
        due = (
            None
            if _blank(due_date)
            else check.day("due_date", due_date, not_before=meeting.held_on)
        )
        if (due is not None or _blank(due_date)) and due != res.due_date:
            changes["due_date"] = due
    target: list[int] | None = None
    if owners is not None:
        target = _Agencies.load(session).expand(owners, check)
    check.raise_if_any()

    assert res.id is not None
    for name, value in changes.items():
        _history(
            session,
            actor=actor,
            entity="resolution",
            entity_id=res.id,
            field=name,
            old=getattr(res, name),
            new=value,
            now=now,
        )
        setattr(res, name, value)
    counts = {"added": 0, "withdrawn": 0, "restored": 0}
    if owners is not None and target is not None:
        counts = _change_owners(
            session, actor=actor, res=res, owners=owners, target=target, now=now
        )
    session.flush()
    return counts


def _change_owners(
    session: Session,
    *,
    actor: Actor,
    res: Resolution,
    owners: OwnerSpec,
    target: list[int],
    now: datetime,
) -> dict[str, int]:
    assert res.id is not None
    rows = list(
        session.execute(select(Assignment).where(col(Assignment.resolution_id) == res.id)).scalars()
    )
    by_agency = {r.agency_id: r for r in rows}
    wanted = set(target)
    withdraw = [r for r in rows if not r.withdrawn and r.agency_id not in wanted]
    restore = [r for r in rows if r.withdrawn and r.agency_id in wanted]
    add = [a for a in target if a not in by_agency]
    before = sorted(r.agency_id for r in rows if not r.withdrawn)

    if res.all_members != owners.all_members:
        _history(
            session,
            actor=actor,
            entity="resolution",
            entity_id=res.id,
            field="all_members",
            old=res.all_members,
            new=owners.all_members,
            now=now,
        )
        res.all_members = owners.all_members
    for flag, group, reason in (
        (True, withdraw, WITHDRAW_REASON),
        (False, restore, RESTORE_REASON),
    ):
        if not group:
            continue
        # Version bumped in SQL: a form open on one of these rows becomes stale.
        session.execute(
            update(Assignment)
            .where(col(Assignment.id).in_([r.id for r in group]))
            .values(
                withdrawn=flag,
                updated_at=now,
                updated_by_id=actor.user_id,
                version=col(Assignment.version) + 1,
            )
            .execution_options(synchronize_session=False)
        )
        for r in group:
            assert r.id is not None
            _history(
                session,
                actor=actor,
                entity="assignment",
                entity_id=r.id,
                field="withdrawn",
                old=not flag,
                new=flag,
                now=now,
                reason=reason,
            )
            session.expire(r)
    added = [
        Assignment(
            resolution_id=res.id,
            agency_id=agency_id,
            updated_at=now,
            updated_by_id=actor.user_id,
            is_sample=res.is_sample,
        )
        for agency_id in add
    ]
    if added:
        session.add_all(added)
        session.flush()
        for asg in added:
            assert asg.id is not None
            _history(
                session,
                actor=actor,
                entity="assignment",
                entity_id=asg.id,
                field="created",
                old=None,
                new=asg.agency_id,
                now=now,
                reason=ADD_REASON,
            )
    after = sorted(target)
    if before != after:
        _history(
            session,
            actor=actor,
            entity="resolution",
            entity_id=res.id,
            field="owners",
            old=",".join(map(str, before)),
            new=",".join(map(str, after)),
            now=now,
        )
    return {"added": len(added), "withdrawn": len(withdraw), "restored": len(restore)}


# --- minutes import -------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    """One resolution read from the minutes, with how its owners were understood."""

    number: int
    text: str
    owners_as_written: str
    match: OwnerMatch
    position: int  # its row in the table (1 = first row under the header)


@dataclass(frozen=True)
class MinutesPreview:
    """What a minutes file holds, before anything is written."""

    filename: str
    kind: str  # "docx" | "xlsx" | "csv"
    rows: tuple[PreviewRow, ...]

    @property
    def unmatched(self) -> list[tuple[int, str]]:
        """(resolution number, owner text) for every owner part no agency was found for."""
        return [(r.number, part) for r in self.rows for part in r.match.unmatched]


class _Unreadable(Exception):
    """The file could not be parsed as its type."""


Table = list[list[str]]

_SPACES = re.compile(r"\s+")


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def _docx_tables(content: bytes) -> list[Table]:
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
        tables: list[Table] = []
        seen: set[int] = set()

        def walk(items: Sequence[Any]) -> None:
            for table in items:
                grid: Table = []
                nested: list[Any] = []
                for row in table.rows[:_MAX_TABLE_ROWS]:
                    cells = row.cells
                    grid.append([""] * row.grid_cols_before + [_clean(c.text) for c in cells])
                    for c in cells:
                        if id(c._tc) not in seen:
                            seen.add(id(c._tc))
                            nested.extend(c.tables)
                tables.append(grid)
                walk(nested)

        walk(document.tables)
    except Exception as e:  # python-docx raises many kinds on a damaged package
        raise _Unreadable from e
    return tables


def _xlsx_tables(content: bytes) -> list[Table]:
    import openpyxl  # type: ignore[import-untyped]

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        tables: list[Table] = []
        for sheet in workbook.worksheets:
            grid = [
                [_clean(v) for v in row]
                for row in sheet.iter_rows(
                    max_row=min(sheet.max_row, _MAX_TABLE_ROWS), values_only=True
                )
            ]
            for merged in sheet.merged_cells.ranges:  # spread a merged cell's value over it
                top = merged.min_row - 1
                left = merged.min_col - 1
                if top >= len(grid) or left >= len(grid[top]):
                    continue
                value = grid[top][left]
                for r in range(top, min(merged.max_row, len(grid))):
                    for c in range(left, min(merged.max_col, len(grid[r]))):
                        grid[r][c] = value
            tables.append(grid)
    except Exception as e:  # openpyxl raises many kinds on a damaged workbook
        raise _Unreadable from e
    return tables


def _csv_tables(content: bytes) -> list[Table]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as e:
            raise _Unreadable from e
    elif b"\x00" in content[:4096] or content.startswith((b"PK\x03\x04", b"%PDF")):
        raise _Unreadable
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1256")
            except UnicodeDecodeError as e:
                raise _Unreadable from e
    tables: list[Table] = []
    for delimiter in (",", ";", "\t", "؛"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as e:
            raise _Unreadable from e
        tables.append([[_clean(c) for c in row] for row in rows[:_MAX_TABLE_ROWS]])
    return tables


_READERS: dict[str, Callable[[bytes], list[Table]]] = {
    ".docx": _docx_tables,
    ".xlsx": _xlsx_tables,
    ".csv": _csv_tables,
}

_RESPONSIBLE = re.compile("مس(?:ئو|ؤو|وو|و|ئ)ل")


def _header_key(cell: str) -> str:
    return _RESPONSIBLE.sub("مسوول", match_key(cell)).replace(".", "").replace(":", "")


def _header_roles(cells: list[str]) -> dict[str, int]:
    """Which column holds what, when this row looks like the resolutions header."""
    roles: dict[str, int] = {}
    by_row_word: int | None = None
    for i, cell in enumerate(cells):
        key = _header_key(cell)
        if not key:
            continue
        if "text" not in roles and (
            "شرحمصوب" in key or "متنمصوب" in key or key in ("مصوبه", "مصوبات", "شرح")
        ):
            roles["text"] = i
        elif "owner" not in roles and (
            "مسوول" in key or "پیگیریکننده" in key or key in ("مجری", "دستگاهمجری")
        ):
            roles["owner"] = i
        elif "number" not in roles and (key.startswith("شماره") or key in ("#", "ش", "no")):
            roles["number"] = i
        elif by_row_word is None and key.startswith("ردیف"):
            by_row_word = i
    if "number" not in roles and by_row_word is not None:
        roles["number"] = by_row_word
    return roles


_MISSING_COLUMN = {
    "text": "شرح مصوبه",
    "owner": "مسوول پیگیری",
}


def _find_table(
    tables: list[Table], *, continued: bool
) -> tuple[list[tuple[Table, int]], dict[str, int]] | str:
    """The header position(s) of the resolutions table, or the Persian reason it is missing.

    With `continued` (Word), later tables with the same header are the same table
    continued on another page; otherwise the first table found is the only one.
    """
    found: list[tuple[Table, int]] = []
    roles: dict[str, int] | None = None
    partial: dict[str, int] | None = None
    for table in tables:
        for r, row in enumerate(table[:8]):
            here = _header_roles(row)
            if "text" in here and "owner" in here:
                if roles is None:
                    roles = here
                if here == roles:
                    found.append((table, r))
                break
            if partial is None and ("text" in here or "owner" in here):
                partial = here
        if found and not continued:
            break
    if roles is not None:
        return found, roles
    if partial is not None:
        missing = next(name for role, name in _MISSING_COLUMN.items() if role not in partial)
        return (
            f"جدول مصوبات ستون «{missing}» را ندارد؛ ستونی با عنوان «{missing}» به جدول"
            " بیفزایید و پرونده را دوباره بارگذاری کنید."
        )
    return (
        "جدول مصوبات با ستون‌های شرح مصوبه و مسوول پیگیری پیدا نشد؛ پرونده صورتجلسه‌ای را"
        " بارگذاری کنید که مصوبات در آن جدولی با این ستون‌ها باشند."
    )


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


_NUMBER_CELL = re.compile(r"\(?\s*(\d{1,5})\s*[).\-:]?")


def read_minutes_file(filename: str, content: bytes, session: Session) -> MinutesPreview:
    """Read the resolutions table of a minutes file (.docx, .xlsx, .csv); writes nothing.

    Raises ValidationError (Persian, naming what to fix) for an unknown type, a
    damaged file, no resolutions table, a missing column, an empty table,
    duplicate numbers, an empty resolution text or markup in a cell.
    """
    name = PurePath(filename.replace("\\", "/")).name.strip() or "بی‌نام"
    ext = PurePath(name).suffix.lower()
    check = _Check()

    def fail(message: str) -> ValidationError:
        return ValidationError([FieldError("file", message)])

    if ext not in _READERS:
        hint = " (پرونده doc قدیمی را در Word با قالب docx ذخیره کنید)" if ext == ".doc" else ""
        raise fail(
            f"نوع پرونده «{ext or 'بدون پسوند'}» پذیرفته نیست؛ صورتجلسه را به صورت"
            f" docx، xlsx یا csv بارگذاری کنید{hint}."
        )
    if not content:
        raise fail(f"پرونده «{name}» خالی است؛ پرونده درست صورتجلسه را انتخاب کنید.")
    if len(content) > MAX_MINUTES_BYTES:
        raise fail("حجم پرونده صورتجلسه بیش از ۱۰ مگابایت است؛ فقط جدول مصوبات را بارگذاری کنید.")
    try:
        tables = _READERS[ext](content)
    except _Unreadable:
        raise fail(
            f"پرونده «{name}» خراب است یا یک پرونده {ext.lstrip('.')} واقعی نیست؛ آن را باز کنید،"
            f" دوباره با قالب {ext.lstrip('.')} ذخیره کنید و بارگذاری کنید."
        ) from None
    located = _find_table(tables, continued=ext == ".docx")
    if isinstance(located, str):
        raise fail(located)
    found, roles = located

    raw_rows: list[tuple[str, str, str]] = []
    for table, header in found:
        for cells in table[header + 1 :]:
            given, text, owner = (_cell(cells, roles.get(r)) for r in ("number", "text", "owner"))
            if not text and not owner:
                continue  # an empty (perhaps pre-numbered) row
            here = _header_roles(cells)
            if "text" in here and "owner" in here:
                continue  # the header repeated
            if text == owner and given in ("", text):
                continue  # a caption row merged across the table
            raw_rows.append((given, text, owner))
    if not raw_rows:
        raise fail(
            "جدول مصوبات هیچ ردیفی ندارد؛ مصوبات را زیر سرستون‌ها بنویسید و دوباره بارگذاری کنید."
        )

    matcher = _Matcher(agency_refs(session))
    rows: list[PreviewRow] = []
    for position, (number_text, text, owner) in enumerate(raw_rows, start=1):
        where = f"ردیف {_fa(position)} جدول"
        number = position
        if number_text:
            m = _NUMBER_CELL.fullmatch(to_ascii_digits(number_text).strip())
            if m is None or int(m.group(1)) < 1:
                check.add(
                    "number",
                    f"شماره مصوبه در {where} («{number_text}») عدد نیست؛ آن را عدد بنویسید"
                    " یا خالی بگذارید.",
                )
            else:
                number = int(m.group(1))
        if not text:
            check.add(
                "text",
                f"شرح مصوبه در {where} (مصوبه {_fa(number)}) خالی است؛ متن مصوبه را بنویسید"
                " یا ردیف را از جدول حذف کنید.",
            )
        else:
            row_check = _Check(row=number)
            row_check.text("text", text)
            row_check.text("owners_as_written", owner)
            check.errors.extend(
                FieldError(e.field, f"{where}: {e.message}", e.row) for e in row_check.errors
            )
        rows.append(PreviewRow(number, text, owner, matcher.match(owner), position))
    counts = Counter(r.number for r in rows)
    for number, times in sorted(counts.items()):
        if times > 1:
            positions = " و ".join(_fa(r.position) for r in rows if r.number == number)
            check.add(
                "number",
                f"شماره مصوبه {_fa(number)} {_fa(times)} بار آمده است (ردیف‌های {positions}"
                " جدول)؛ شماره‌ها را اصلاح کنید.",
            )
    check.raise_if_any()
    return MinutesPreview(name, ext.lstrip("."), tuple(rows))


def _unmatched_message(number: int, part: str, suggestions: list[str]) -> str:
    if not part:
        return f"مسوول پیگیری ردیف {_fa(number)} خالی است؛ دستگاه را از فهرست انتخاب کنید."
    text = (
        f"مسوول پیگیری ردیف {_fa(number)}: «{part}» با هیچ دستگاهی جور نشد؛"
        " دستگاه را از فهرست انتخاب کنید."
    )
    if suggestions:
        text += " شاید منظور " + " یا ".join(f"«{s}»" for s in suggestions) + " باشد."
    return text


def commit_minutes(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    preview: MinutesPreview,
    overrides: dict[int, OwnerSpec] | None = None,
    now: datetime | None = None,
) -> int:
    """Write a preview's resolutions and rows into a meeting, all or nothing.

    `overrides` (by resolution number) replace how a row's owners were understood.
    A row still unmatched, or a number the meeting already has, refuses the whole
    file. Returns the number of resolutions written.
    """
    require(actor, Action.MANAGE_MEETINGS)
    now = now or utcnow()
    meeting = _meeting(session, meeting_id)
    agencies = _Agencies.load(session)
    used = _used_numbers(session, meeting_id)
    overrides = overrides or {}
    check = _Check()
    if not preview.rows:
        check.add("file", "صورتجلسه هیچ مصوبه‌ای ندارد.")
    numbers = Counter(r.number for r in preview.rows)
    for number, times in sorted(numbers.items()):
        if times > 1:
            check.add("number", f"شماره مصوبه {_fa(number)} بیش از یک بار آمده است؛ اصلاح کنید.")
    stray = sorted(set(overrides) - set(numbers))
    if stray:
        check.add(
            "owners",
            f"ردیف {'، '.join(_fa(n) for n in stray)} در صورتجلسه نیست؛"
            " دستگاه را برای ردیف‌های همین صورتجلسه انتخاب کنید.",
        )
    plans: list[_Plan] = []
    for row in preview.rows:
        row_check = _Check(row=row.number)
        spec = overrides.get(row.number)
        if spec is None:
            spec = row.match.spec()
            if spec is None:
                for part in row.match.unmatched or [row.owners_as_written]:
                    names = [agencies.label(i) for i in row.match.suggestions.get(part, [])]
                    row_check.add("owners", _unmatched_message(row.number, part, names))
                check.errors.extend(row_check.errors)
                continue
        plan = _plan(
            row_check,
            meeting,
            agencies,
            used,
            number=row.number,
            text=row.text,
            theme="",
            owners_as_written=row.owners_as_written,
            owners=spec,
            due_date=None,
        )
        for e in row_check.errors:
            prefix = f"ردیف {_fa(row.number)}: "
            check.errors.append(FieldError(e.field, prefix + e.message, e.row))
        if plan is not None:
            plans.append(plan)
    check.raise_if_any()
    _write_resolutions(session, actor=actor, meeting=meeting, plans=plans, now=now)
    return len(plans)
