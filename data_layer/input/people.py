"""Agency liaisons in bulk: one row per person (name, username, agency, mobile) from Excel.

`read_people_file` reads and checks a whole file into an `ImportPreview` without
writing; `check_rows` is the check the command runs again against the database as
it is at commit. A username is judged by `auth.username_problems` (the rule every
account follows) and must not repeat in the file; the agency cell is matched to one
active agency by its full name, short name or one of its aliases (`match_key`); a
mobile is optional and stored as ASCII digits 09xxxxxxxxx. The file names one
liaison per agency: each gets its own sheet of paper with its password.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from data_layer.auth import normalise_username, username_problems
from data_layer.errors import FieldError
from data_layer.input import pipeline
from data_layer.input.check import Check, shown
from data_layer.input.files import blank
from data_layer.input.owners import OwnerMatcher, owner_matcher
from data_layer.input.pipeline import SheetImport, check_each
from data_layer.input.sheet import Column
from data_layer.jalali import format_number, to_ascii_digits
from data_layer.queries.agencies import AgencyRef, agency_refs
from data_layer.text import match_key, tidy

__all__ = [
    "COLUMNS",
    "FIELD_LABELS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "PEOPLE_IMPORT",
    "AgencyIndex",
    "ImportPreview",
    "PersonInput",
    "agency_index",
    "check_rows",
    "read_people_file",
]

MAX_IMPORT_BYTES = 2 * 1024 * 1024
# One liaison per agency: a province has 20-30 agencies. Each account costs an argon2
# hash (tens of milliseconds) inside the import's one transaction.
MAX_IMPORT_ROWS = 200

COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        "نام و نام خانوادگی",
        True,
        "#contact+name",
        ("full name", "name", "نام", "نام کامل", "نام رابط", "نام و نام‌خانوادگی"),
    ),
    Column(
        "username",
        "نام کاربری",
        True,
        "#contact+username",
        ("username", "user name", "user", "login", "شناسه کاربری"),
    ),
    Column(
        "agency",
        "دستگاه",
        True,
        "#org+name",
        ("#org", "agency", "organisation", "organization", "نام دستگاه", "اداره", "سازمان"),
    ),
    Column(
        "phone",
        "تلفن همراه",
        False,
        "#contact+phone",
        ("mobile", "phone", "cell", "موبایل", "تلفن", "شماره همراه", "شماره تلفن همراه"),
    ),
)
FIELD_LABELS: dict[str, str] = {c.field: c.label for c in COLUMNS}

_MOBILE_RE = re.compile(r"09\d{9}")
_PHONE_PUNCTUATION_RE = re.compile(r"[\s\-–—_.()/]")
_PHONE_EXAMPLE = "۰۹۱۲۳۴۵۶۷۸۹"


@dataclass(frozen=True)
class PersonInput:
    """One row of the file as read (not yet checked)."""

    full_name: object
    username: object
    agency: object
    phone: object = None


@dataclass(frozen=True)
class AgencyIndex:
    """The active agencies by every name they go by (match keys of name, short name, aliases)."""

    refs: dict[int, AgencyRef]
    by_key: dict[str, tuple[int, ...]]
    matcher: OwnerMatcher  # only for suggestions when a name is not found

    @classmethod
    def of(cls, refs: Sequence[AgencyRef]) -> AgencyIndex:
        """The index of these agencies."""
        by_key: dict[str, dict[int, None]] = {}
        for ref in refs:
            for text in (ref.name, ref.short_name, *ref.aliases):
                if key := match_key(text):
                    by_key.setdefault(key, {})[ref.id] = None
        return cls(
            {r.id: r for r in refs},
            {k: tuple(v) for k, v in by_key.items()},
            owner_matcher(refs),
        )


def agency_index(session: Session) -> AgencyIndex:
    """The active agencies as they are now."""
    return AgencyIndex.of(agency_refs(session))


def _names(index: AgencyIndex, ids: Sequence[int]) -> str:
    return "، ".join(f"«{index.refs[i].name}»" for i in ids)


def _agency(index: AgencyIndex, value: object, check: Check) -> AgencyRef | None:
    """The one active agency the cell names; a problem when none or several."""
    label = check.label("agency")
    text = check.text("agency", value, limit=500, required=True)
    if not text:
        return None
    ids = index.by_key.get(match_key(text), ())
    if len(ids) == 1:
        return index.refs[ids[0]]
    if ids:
        check.add(
            "agency",
            f"«{label}» «{shown(text)}» نام بیش از یک دستگاه است ({_names(index, ids)});"
            " نام کامل دستگاه را بنویسید.",
        )
        return None
    hit = index.matcher.resolve(text)
    guesses = [hit.agency_id] if hit.agency_id is not None else list(hit.suggestions[:3])
    hint = f" شاید منظور {_names(index, guesses)} باشد." if guesses else ""
    check.add(
        "agency",
        f"«{label}» «{shown(text)}» در فهرست دستگاه‌های فعال سامانه پیدا نشد؛ نام کامل،"
        f" نام کوتاه یا یکی از نام‌های دیگر دستگاه را همان‌طور که در سامانه ثبت است بنویسید.{hint}",
    )
    return None


def _username(session: Session, value: object, check: Check) -> str:
    """The normalised username; its form and whether it is taken judged as for every account."""
    label = check.label("username")
    if blank(value):
        check.add("username", f"«{label}» را بنویسید.")
        return ""
    username = normalise_username(str(value))
    for problem in username_problems(session, username):
        check.add("username", f"«{label}» «{shown(value)}»: {problem.message}")
    return username


def mobile_digits(value: object) -> str | None:
    """The digits of a mobile number as 09xxxxxxxxx, or None when they cannot be one.

    Excel keeps a number typed without quotes as a number and drops its leading zero
    (9123456789); +98, 0098 and 98 in front are the country code.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    digits = _PHONE_PUNCTUATION_RE.sub("", to_ascii_digits(tidy(str(value))))
    for prefix in ("+98", "0098"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
    if len(digits) == 12 and digits.startswith("98"):
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("9"):
        digits = "0" + digits
    return digits if _MOBILE_RE.fullmatch(digits) else None


def _phone(value: object, check: Check) -> str:
    """An Iranian mobile number in ASCII digits, or "" when the cell is empty."""
    if blank(value):
        return ""
    digits = mobile_digits(value)
    if digits is None:
        check.add(
            "phone",
            f"«{check.label('phone')}» باید شمارهٔ همراه ۱۱ رقمی ایران مانند {_PHONE_EXAMPLE}"
            f" باشد (نوشته شده: «{shown(value)}»)؛ اگر شماره ندارید خانه را خالی بگذارید.",
        )
        return ""
    return digits


def validate_person(
    session: Session, data: PersonInput, index: AgencyIndex, check: Check
) -> dict[str, Any]:
    """One row's clean values: full_name, username, agency_id, agency (its name), phone."""
    full_name = check.text("full_name", data.full_name, limit=120, required=True, min_length=2)
    username = _username(session, data.username, check)
    agency = _agency(index, data.agency, check)
    phone = _phone(data.phone, check)
    return {
        "full_name": full_name,
        "username": username,
        "agency_id": None if agency is None else agency.id,
        "agency": "" if agency is None else agency.name,
        "phone": phone,
    }


@dataclass
class _Seen:
    """Where in the file each username and agency first appeared."""

    usernames: dict[str, int] = field(default_factory=dict)
    agencies: dict[int, int] = field(default_factory=dict)


def _repeats(clean: dict[str, Any], number: int, seen: _Seen, check: Check) -> None:
    """A username or an agency already given on an earlier row of the file."""
    username, agency_id = clean["username"], clean["agency_id"]
    first = seen.usernames.setdefault(username, number) if username else number
    if first != number and not check.has("username"):
        check.add(
            "username",
            f"«{check.label('username')}» «{username}» در سطر {format_number(first)}"
            " همین پرونده هم آمده است؛ نام کاربری هر کس باید یکتا باشد.",
        )
    first = number if agency_id is None else seen.agencies.setdefault(agency_id, number)
    if first != number:
        check.add(
            "agency",
            f"برای «{check.label('agency')}» «{clean['agency']}» در سطر"
            f" {format_number(first)} همین پرونده هم رابطی آمده است؛ در هر پرونده برای هر"
            " دستگاه یک رابط بنویسید (رابط دیگر را از «حساب تازه» بسازید).",
        )


def check_rows(
    session: Session,
    rows: Sequence[PersonInput],
    row_numbers: Sequence[int],
    index: AgencyIndex,
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Every row checked against the database and the rows above it: (clean rows, errors)."""
    seen = _Seen()

    def one(data: PersonInput, number: int, check: Check) -> dict[str, Any]:
        clean = validate_person(session, data, index, check)
        _repeats(clean, number, seen, check)
        return clean

    return check_each(rows, row_numbers, FIELD_LABELS, one)


class ImportPreview(pipeline.ImportPreview[PersonInput, dict[str, Any]]):
    """What a liaisons spreadsheet holds, checked, before anything is written."""


def _check(preview: ImportPreview, session: Session) -> None:
    preview.clean, preview.errors = check_rows(
        session, preview.rows, preview.row_numbers, agency_index(session)
    )


PEOPLE_IMPORT = SheetImport(
    COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    "رابط",
    ImportPreview,
    _check,
    lambda raw: PersonInput(**{c.field: raw.get(c.field) for c in COLUMNS}),
)


def read_people_file(filename: str, content: bytes, session: Session) -> ImportPreview:
    """Read and check a liaisons spreadsheet (.xlsx or .csv); nothing is written."""
    return PEOPLE_IMPORT.read(filename, content, session)
