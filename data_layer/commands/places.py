"""The neighborhood registry (resolutions 2 and 6 of the minutes) and the service catalogue.

Every command takes the acting user and checks the role itself (the secretariat's
MANAGE_NEIGHBORHOODS), validates everything before writing, and writes its history
rows in the same transaction. Nothing is deleted: a neighborhood is deactivated.

County and neighborhood names (and service names) are compared with `match_key`, so
«كوي زاغه» typed with Arabic kaf/yeh, or «بندر عباس» with a space, is the same place
as «کوی زاغه» / «بندرعباس». Names are stored tidied (Persian ی/ک, single spaces).

A spreadsheet import is read in two steps: `read_neighborhood_file` builds an
`ImportPreview` (every problem with its row as Excel shows it and its Persian column
name; nothing is written), then `import_neighborhoods` writes a clean preview in one
transaction. The import writes one `HistoryEntry(entity='neighborhood',
field='created')` per neighborhood (the same entry `create_neighborhood` writes, so a
neighborhood's history always starts with its creation), its reason naming the file;
all rows are inserted in bulk.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import (  # type: ignore[import-untyped]
    DataValidation,
)
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from data_layer.commands.history import record_change
from data_layer.errors import FieldError, NotFound, ValidationError
from data_layer.jalali import (
    MAX_JALALI_YEAR,
    MIN_JALALI_YEAR,
    JalaliDateError,
    from_jalali,
    parse_jalali,
    to_ascii_digits,
)
from data_layer.labels import NEIGHBORHOOD_KIND_LABELS
from data_layer.models import (
    Agency,
    County,
    HistoryEntry,
    Neighborhood,
    NeighborhoodKind,
    ServiceType,
    utcnow,
)
from data_layer.permissions import Action, Actor, require
from data_layer.text import match_key
from data_layer.validation import _MARKUP, Collector, to_fa

__all__ = [
    "FIELD_LABELS",
    "IMPORT_COLUMNS",
    "REQUIRED_COLUMNS",
    "SERVICE_FIELD_LABELS",
    "ImportPreview",
    "NeighborhoodInput",
    "ServiceTypeInput",
    "create_neighborhood",
    "create_service_type",
    "import_neighborhoods",
    "neighborhood_template_xlsx",
    "read_neighborhood_file",
    "set_neighborhood_active",
    "update_neighborhood",
    "update_service_type",
    "validate_neighborhood",
]

# --- names ---------------------------------------------------------------------------

# Field of NeighborhoodInput -> its Persian name (also the import's column header).
FIELD_LABELS: dict[str, str] = {
    "county": "شهرستان",
    "name": "نام محله",
    "population": "جمعیت",
    "households": "خانوار",
    "kind": "نوع",
    "priority_rank": "اولویت",
    "announced_on": "تاریخ اعلام",
    "has_facilitation_office": "دفتر تسهیل‌گری",
    "has_transformation_office": "دفتر تحول اجتماعی",
    "latitude": "عرض جغرافیایی",
    "longitude": "طول جغرافیایی",
}

IMPORT_COLUMNS: tuple[str, ...] = tuple(FIELD_LABELS.values())
REQUIRED_COLUMNS: tuple[str, ...] = ("شهرستان", "نام محله", "جمعیت", "نوع")

# The template's HXL row (https://hxlstandard.org), column by column.
HXL_TAGS: tuple[str, ...] = (
    "#adm2+name",
    "#loc+name",
    "#population",
    "#household",
    "#type",
    "#priority",
    "#date+announced",
    "#status+facilitation",
    "#status+transformation",
    "#geo+lat",
    "#geo+lon",
)

# Other headers accepted for each field (compared with match_key; HXL tags either
# with their attributes, or by the bare tag when the attributes are not known).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "county": ("#adm2", "county", "district", "adm2", "شهرستان محل"),
    "name": ("#loc", "neighborhood", "neighbourhood", "name", "محله", "نام", "نام محل"),
    "population": ("#population", "population", "pop", "جمعیت محله"),
    "households": ("#household", "#population+hh", "household", "households", "تعداد خانوار"),
    "kind": ("#type", "type", "kind", "نوع محله"),
    "priority_rank": ("#priority", "priority", "rank", "رتبه اولویت", "رتبه"),
    "announced_on": ("#date", "date", "announced", "announced_on", "تاریخ"),
    "has_facilitation_office": ("facilitation office", "facilitation", "دفتر تسهیلگری"),
    "has_transformation_office": ("transformation office", "transformation"),
    "latitude": ("#lat", "lat", "latitude", "عرض"),
    "longitude": ("#lon", "lon", "long", "lng", "longitude", "طول"),
}

_HEADER_KEYS: dict[str, str] = {}
for _field, _label in FIELD_LABELS.items():
    _HEADER_KEYS[match_key(_label)] = _field
for _field, _tag in zip(FIELD_LABELS, HXL_TAGS, strict=True):
    _HEADER_KEYS[match_key(_tag)] = _field
for _field, _words in _SYNONYMS.items():
    for _word in _words:
        _HEADER_KEYS.setdefault(match_key(_word), _field)

_TEXT_LIMITS = {"county": 100, "name": 150}

_KINDS: dict[str, str] = {match_key(k.value): k.value for k in NeighborhoodKind} | {
    match_key(label): code for code, label in NEIGHBORHOOD_KIND_LABELS.items()
}
_KIND_CHOICES = "، ".join(f"«{label}»" for label in NEIGHBORHOOD_KIND_LABELS.values())

# match_key for the few words that repeat down a column (kinds, yes/no, county names).
_short_key = lru_cache(maxsize=2048)(match_key)

_YES = {match_key(w) for w in ("بله", "بلی", "آری", "دارد", "هست", "1", "yes", "y", "true")}
_NO = {match_key(w) for w in ("خیر", "نه", "ندارد", "نیست", "0", "no", "n", "false", "")}

FILE_FIELD = "پرونده"  # FieldError.field of a problem with the whole file
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
_MAX_INT = 2_000_000_000  # a 4-byte INTEGER column holds up to 2,147,483,647

# --- tidying and parsing what people type ------------------------------------------

# Invisible marks pasted with text: ZWSP, ZWJ, LRM, RLM, ALM, bidi controls, BOM
# (ZWNJ is kept: it is part of Persian spelling).
_INVISIBLE = re.compile("[\u200b\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[, ']\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_SLASH_DECIMAL = re.compile(r"[+-]?\d+/\d+")


def _tidy(value: object) -> str:
    """A cell or a box as text: Persian ی/ک, no invisible marks, single spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _INVISIBLE.sub("", str(value)).translate(_LETTERS)
    return " ".join(text.split())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not _tidy(value))


def _shown(value: object) -> str:
    """What was typed, for a message (shortened)."""
    text = _tidy(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _parse_number(value: object, *, decimal_marks: bool = False) -> float | None:
    """A finite number from a cell or a box; None when empty; ValueError when not a number.

    Persian/Arabic digits, '٬' / ',' / space as thousands separators and '٫' as the
    decimal point are accepted; with `decimal_marks`, also '2,5' and '2/5' (2.5).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        number = float(value)
    else:
        text = _INVISIBLE.sub("", to_ascii_digits(str(value)))
        text = text.replace("\u2212", "-").replace("\u00a0", " ").strip()
        if not text:
            return None
        if _GROUPED.fullmatch(text):
            text = re.sub(r"[, ']", "", text)
        elif decimal_marks and text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        elif decimal_marks and _SLASH_DECIMAL.fullmatch(text):
            text = text.replace("/", ".")
        if not _PLAIN.fullmatch(text):
            raise ValueError(value)
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _text(
    check: Collector, key: str, label: str, value: object, *, limit: int, required: bool
) -> str:
    text = _tidy(value)
    if required and not text:
        check.add(key, f"«{label}» را بنویسید.")
    if len(text) > limit:
        check.add(
            key, f"«{label}» حداکثر {to_fa(limit)} نویسه است؛ اکنون {to_fa(len(text))} نویسه است."
        )
    if _MARKUP.search(text):
        check.add(
            key,
            f"«{label}» نباید برچسب HTML یا اسکریپت داشته باشد؛ آن را به صورت متن ساده بنویسید.",
        )
    return text


def _whole(
    check: Collector, key: str, value: object, *, minimum: int, required: bool
) -> int | None:
    label = FIELD_LABELS[key]
    try:
        number = _parse_number(value)
    except ValueError:
        check.add(
            key,
            f"«{label}» باید عدد صحیح باشد، مثل ۱۲٬۵۰۰ (نوشته شده: «{_shown(value)}»).",
        )
        return None
    if number is None:
        if required:
            check.add(key, f"«{label}» را بنویسید.")
        return None
    if number != int(number):
        check.add(key, f"«{label}» باید عدد صحیح و بدون اعشار باشد (نوشته شده: «{_shown(value)}»).")
        return None
    if number < minimum:
        if minimum == 0:
            check.add(key, f"«{label}» نمی‌تواند منفی باشد (نوشته شده: «{_shown(value)}»).")
        else:
            check.add(
                key,
                f"«{label}» باید {to_fa(minimum)} یا بیشتر باشد (نوشته شده: «{_shown(value)}»).",
            )
        return None
    if number > _MAX_INT:
        check.add(key, f"«{label}» بیش از اندازه بزرگ است (نوشته شده: «{_shown(value)}»).")
        return None
    return int(number)


def _flag(check: Collector, key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    typed = _short_key(_tidy(value))
    if typed in _YES:
        return True
    if typed in _NO:
        return False
    check.add(
        key,
        f"«{FIELD_LABELS[key]}» را «بله» یا «خیر» بنویسید (نوشته شده: «{_shown(value)}»).",
    )
    return False


def _kind(check: Collector, value: object) -> str | None:
    typed = _tidy(value)
    if not typed:
        check.add("kind", f"«نوع» محله را بنویسید: یکی از {_KIND_CHOICES}.")
        return None
    code = _KINDS.get(_short_key(typed))
    if code is None:
        check.add("kind", f"«نوع» باید یکی از {_KIND_CHOICES} باشد (نوشته شده: «{_shown(value)}»).")
    return code


_FIRST_DAY = from_jalali(MIN_JALALI_YEAR, 1, 1)
_LAST_DAY = from_jalali(MAX_JALALI_YEAR, 12, 29)


def _announced(check: Collector, value: object) -> date | None:
    label = FIELD_LABELS["announced_on"]
    if _blank(value):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not _FIRST_DAY <= value <= _LAST_DAY:
            check.add(
                "announced_on", f"«{label}» سال نادرستی دارد؛ آن را مانند ۱۴۰۲/۰۷/۲۹ بنویسید."
            )
            return None
        return value
    if isinstance(value, str):
        try:
            return parse_jalali(value)
        except JalaliDateError as e:
            check.add("announced_on", f"«{label}»: {e} (نوشته شده: «{_shown(value)}»)")
            return None
    check.add(
        "announced_on",
        f"«{label}» را به شکل تاریخ شمسی مانند ۱۴۰۲/۰۷/۲۹ بنویسید (نوشته شده: «{_shown(value)}»).",
    )
    return None


def _coordinate(check: Collector, key: str, value: object, bound: int) -> float | None:
    label = FIELD_LABELS[key]
    try:
        number = _parse_number(value, decimal_marks=True)
    except ValueError:
        check.add(key, f"«{label}» باید عددی مانند ۳۴٫۷۹۸ باشد (نوشته شده: «{_shown(value)}»).")
        return None
    if number is not None and not -bound <= number <= bound:
        check.add(
            key,
            f"«{label}» باید بین {to_fa(-bound)} تا {to_fa(bound)} درجه باشد"
            f" (نوشته شده: «{_shown(value)}»).",
        )
        return None
    return number


# --- neighborhoods: validation ---------------------------------------------------------


@dataclass(frozen=True)
class NeighborhoodInput:
    """A neighborhood as typed in a form or read from a spreadsheet row (not yet checked)."""

    county: str
    name: str
    population: object
    households: object
    kind: object  # 'marginal' / 'acute' / 'critical' or حاشیه‌نشین / حاد / بحرانی
    priority_rank: object = None
    announced_on: object = None  # a date, or Jalali text such as ۱۴۰۲/۰۷/۲۹
    has_facilitation_office: object = False  # bool, بله/خیر, دارد/ندارد, 1/0, yes/no
    has_transformation_office: object = False
    latitude: object = None
    longitude: object = None


def validate_neighborhood(data: NeighborhoodInput, check: Collector) -> dict[str, Any]:
    """Clean column values (with 'county' as the county's name); problems go to `check`.

    FieldError.field is the NeighborhoodInput field ('population', ...). An empty
    households cell counts as 0 (not known); priority, date and coordinates may be empty.
    """
    clean: dict[str, Any] = {
        "county": _text(
            check, "county", "شهرستان", data.county, limit=_TEXT_LIMITS["county"], required=True
        ),
        "name": _text(
            check, "name", "نام محله", data.name, limit=_TEXT_LIMITS["name"], required=True
        ),
    }
    population = _whole(check, "population", data.population, minimum=0, required=True)
    households = _whole(check, "households", data.households, minimum=0, required=False)
    if households is None and _blank(data.households):
        households = 0
    if population is not None and households is not None and households > population:
        check.add(
            "households",
            f"«خانوار» ({to_fa(households)}) نمی‌تواند بیشتر از «جمعیت» ({to_fa(population)})"
            " باشد؛ یکی از دو عدد را درست کنید.",
        )
    clean.update(population=population, households=households, kind=_kind(check, data.kind))
    clean["priority_rank"] = _whole(
        check, "priority_rank", data.priority_rank, minimum=1, required=False
    )
    clean["announced_on"] = _announced(check, data.announced_on)
    clean["has_facilitation_office"] = _flag(
        check, "has_facilitation_office", data.has_facilitation_office
    )
    clean["has_transformation_office"] = _flag(
        check, "has_transformation_office", data.has_transformation_office
    )
    bad = {e.field for e in check.errors}
    latitude = _coordinate(check, "latitude", data.latitude, 90)
    longitude = _coordinate(check, "longitude", data.longitude, 180)
    bad = {e.field for e in check.errors} - bad
    if not bad and (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        check.add(
            missing,
            f"«{FIELD_LABELS[missing]}» را هم بنویسید؛ مختصات یا هر دو نوشته می‌شوند یا هیچ‌کدام.",
        )
    clean.update(latitude=latitude, longitude=longitude)
    return clean


# --- neighborhoods: places in the database ---------------------------------------------


def _counties(session: Session) -> dict[str, County]:
    """Every county by the match key of its name (the oldest one wins)."""
    found: dict[str, County] = {}
    for county in session.exec(select(County).order_by(col(County.id))):
        found.setdefault(match_key(county.name), county)
    return found


def _county_for(session: Session, name: str, actor: Actor, now: datetime) -> County:
    """The county with this name (by match key), created (with its history row) if new."""
    county = _counties(session).get(match_key(name))
    if county is None:
        county = County(name=name)
        session.add(county)
        _flush(session, "county", f"شهرستان «{name}» هم‌زمان توسط کاربر دیگری ثبت شد.")
        _history(session, actor, "county", county.id, "created", None, name, now)
    return county


def _flush(session: Session, key: str, message: str) -> None:
    """Flush; a unique constraint another person beat us to becomes a Persian refusal."""
    try:
        session.flush()
    except IntegrityError as e:
        raise ValidationError(
            [FieldError(key, f"{message} صفحه را تازه کنید و دوباره ثبت کنید.")]
        ) from e


def _history(
    session: Session,
    actor: Actor,
    entity: str,
    entity_id: int | None,
    field_name: str,
    old: object,
    new: object,
    now: datetime,
    reason: str = "",
) -> None:
    assert entity_id is not None
    record_change(
        session,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        field=field_name,
        old=old,
        new=new,
        now=now,
        reason=reason,
    )


def _snapshot(clean: dict[str, Any]) -> str:
    """The values a neighborhood was created with, as the history's new_value."""
    return json.dumps(clean, ensure_ascii=False, default=str, sort_keys=True)


def _duplicate_message(county: str, name: str, active: bool) -> str:
    state = "" if active else " (غیرفعال)"
    return (
        f"محلهٔ «{name}»{state} در شهرستان «{county}» پیش‌تر در سامانه ثبت شده است؛"
        " نام دیگری بنویسید یا همان محله را ویرایش کنید."
    )


def _find_duplicate(
    session: Session, county: County | None, name: str, exclude_id: int | None = None
) -> Neighborhood | None:
    if county is None:
        return None
    key = match_key(name)
    stmt = select(Neighborhood).where(col(Neighborhood.county_id) == county.id)
    for other in session.exec(stmt):
        if other.id != exclude_id and match_key(other.name) == key:
            return other
    return None


def _load_neighborhood(session: Session, neighborhood_id: int) -> Neighborhood:
    hood = session.get(Neighborhood, neighborhood_id)
    if hood is None:
        raise NotFound("این محله پیدا نشد؛ فهرست محلات را تازه کنید.")
    return hood


# --- neighborhoods: commands -------------------------------------------------------------


def create_neighborhood(
    session: Session, *, actor: Actor, data: NeighborhoodInput, now: datetime | None = None
) -> Neighborhood:
    """Register a target neighborhood (its county is created when new)."""
    require(actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    check = Collector()
    clean = validate_neighborhood(data, check)
    if not check.errors:
        county = _counties(session).get(match_key(clean["county"]))
        other = _find_duplicate(session, county, clean["name"])
        if other is not None and county is not None:
            check.add("name", _duplicate_message(county.name, other.name, other.active))
    if check.errors:
        raise ValidationError(check.errors)
    county = _county_for(session, clean["county"], actor, now)
    assert county.id is not None
    values = {k: v for k, v in clean.items() if k != "county"}
    hood = Neighborhood(county_id=county.id, **values)
    session.add(hood)
    _flush(session, "name", f"محلهٔ «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    _history(session, actor, "neighborhood", hood.id, "created", None, _snapshot(clean), now)
    session.flush()
    return hood


def update_neighborhood(
    session: Session,
    *,
    actor: Actor,
    neighborhood_id: int,
    data: NeighborhoodInput,
    now: datetime | None = None,
) -> bool:
    """Change a neighborhood; one history row per changed field. False if nothing changed.

    A change of county is recorded as field 'county' with the old and new county names.
    """
    require(actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    hood = _load_neighborhood(session, neighborhood_id)
    check = Collector()
    clean = validate_neighborhood(data, check)
    county = _counties(session).get(match_key(clean["county"]))
    if not check.errors:
        other = _find_duplicate(session, county, clean["name"], exclude_id=hood.id)
        if other is not None and county is not None:
            check.add("name", _duplicate_message(county.name, other.name, other.active))
    if check.errors:
        raise ValidationError(check.errors)
    changes = {k: v for k, v in clean.items() if k != "county" and getattr(hood, k) != v}
    moved = county is None or county.id != hood.county_id
    if not changes and not moved:
        return False
    if moved:
        old_county = session.get(County, hood.county_id)
        new_county = _county_for(session, clean["county"], actor, now)
        assert old_county is not None and new_county.id is not None
        _history(
            session, actor, "neighborhood", hood.id, "county", old_county.name, new_county.name, now
        )
        hood.county_id = new_county.id
    for key, value in changes.items():
        _history(session, actor, "neighborhood", hood.id, key, getattr(hood, key), value, now)
        setattr(hood, key, value)
    session.add(hood)
    _flush(session, "name", f"محلهٔ «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    return True


def set_neighborhood_active(
    session: Session,
    *,
    actor: Actor,
    neighborhood_id: int,
    active: bool,
    reason: str,
    now: datetime | None = None,
) -> bool:
    """Deactivate (or reactivate) a neighborhood with a reason; the row is kept.

    Returns False when it already was in that state (nothing written).
    """
    require(actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    hood = _load_neighborhood(session, neighborhood_id)
    check = Collector()
    what = "فعال کردن دوبارهٔ" if active else "غیرفعال کردن"
    reason = _text(check, "reason", "دلیل", reason, limit=500, required=False)
    if len(reason) < 5:
        check.add("reason", f"دلیل {what} محله را بنویسید (دست‌کم ۵ نویسه).")
    if check.errors:
        raise ValidationError(check.errors)
    if hood.active == active:
        return False
    _history(session, actor, "neighborhood", hood.id, "active", hood.active, active, now, reason)
    hood.active = active
    session.add(hood)
    session.flush()
    return True


# --- import: reading the file ------------------------------------------------------------


class _FileProblem(Exception):
    """The file as a whole cannot be used; the message says why in Persian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ImportPreview:
    """What a spreadsheet holds, checked, before anything is written.

    `rows` are the non-empty data rows as read, `row_numbers` their rows as Excel
    shows them (the header is row 1); `clean` holds the checked values of the rows
    without problems; `errors` every problem (FieldError.row = that Excel row and
    FieldError.field = the Persian column name, or row None and field «پرونده» for
    the file as a whole). `columns` are the recognised columns (Persian names) in the
    file's order, `ignored_columns` the headers that were not recognised; `new_count`
    is the number of neighborhoods the import would add and `new_counties` the
    counties it would create.
    """

    filename: str = ""
    rows: list[NeighborhoodInput] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    clean: list[dict[str, Any]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_count: int = 0
    new_counties: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is at least one row and no problem at all."""
        return not self.errors and bool(self.rows)


_FORMAT_HINT = (
    "پرونده را با قالب Excel (.xlsx) یا CSV ذخیره کنید؛ الگوی آماده را هم می‌توانید بگیرید."
)


def _take(rows: Iterator[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The rows, stopping once there are more non-empty ones than an import may hold."""
    taken: list[tuple[object, ...]] = []
    filled = 0
    for row in rows:
        taken.append(row)
        filled += not all(map(_blank, row))
        if filled > MAX_IMPORT_ROWS + 2:  # + the header and the HXL row
            break
    return taken


def _read_xlsx(content: bytes) -> list[tuple[object, ...]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as e:  # a file from the outside: any failure means "unreadable"
        raise _FileProblem(
            "پرونده Excel خوانده نشد؛ ممکن است آسیب دیده یا با رمز عبور قفل شده باشد."
            " آن را در Excel باز کنید و دوباره با قالب .xlsx ذخیره کنید."
        ) from e
    try:
        if not book.worksheets:
            raise _FileProblem("پرونده Excel هیچ برگه‌ای ندارد.")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read every row
        return _take(tuple(values) for values in sheet.iter_rows(values_only=True))
    except _FileProblem:
        raise
    except Exception as e:
        raise _FileProblem(
            "پرونده Excel تا پایان خوانده نشد؛ ممکن است آسیب دیده باشد."
            " آن را در Excel باز کنید و دوباره ذخیره کنید."
        ) from e
    finally:
        book.close()


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as e:
            raise _FileProblem("نویسه‌های پرونده CSV خوانا نیست. " + _FORMAT_HINT) from e
    if content.startswith(b"PK\x03\x04"):
        raise _FileProblem("این پرونده در واقع یک پرونده Excel است؛ پسوند نام آن را .xlsx بگذارید.")
    if b"\x00" in content:
        raise _FileProblem("پرونده CSV خوانا نیست (محتوای دودویی دارد). " + _FORMAT_HINT)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1256")  # Windows Arabic: what older Excel saves as CSV
    except UnicodeDecodeError as e:
        raise _FileProblem(
            "نویسه‌های پرونده CSV خوانا نیست؛ آن را با «CSV UTF-8» ذخیره کنید. " + _FORMAT_HINT
        ) from e


_DELIMITERS = (",", ";", "\t", "؛")


def _read_csv(content: bytes) -> list[tuple[object, ...]]:
    text = _decode(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count)
    if not first.count(delimiter):
        delimiter = ","
    try:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _take(tuple(record) for record in records)
    except csv.Error as e:
        raise _FileProblem(
            "پرونده CSV خوانا نیست (ساختار نقل‌قول‌ها یا سطرهای آن به هم ریخته است). " + _FORMAT_HINT
        ) from e


def _read_table(filename: str, content: bytes) -> list[tuple[object, ...]]:
    ext = PurePath(filename.replace("\\", "/")).suffix.lower()
    if ext not in (".xlsx", ".csv"):
        shown = f"«{ext}»" if ext else "بدون پسوند"
        hint = (
            " (پرونده‌های قدیمی .xls را در Excel با قالب .xlsx ذخیره کنید)" if ext == ".xls" else ""
        )
        raise _FileProblem(f"نوع پرونده {shown} پذیرفته نیست؛ فقط .xlsx یا .csv{hint}.")
    if not content:
        raise _FileProblem("پرونده خالی است (۰ بایت)؛ پرونده‌ای با سرستون‌ها و ردیف محلات بفرستید.")
    if len(content) > MAX_IMPORT_BYTES:
        raise _FileProblem(
            f"حجم پرونده بیش از {to_fa(MAX_IMPORT_BYTES // 1024 // 1024)} مگابایت است؛"
            " آن را در چند پرونده کوچک‌تر بفرستید."
        )
    return _read_xlsx(content) if ext == ".xlsx" else _read_csv(content)


def _header_field(cell: object) -> str | None:
    key = match_key(_tidy(cell))
    if not key:
        return None
    found = _HEADER_KEYS.get(key)
    if found is None and key.startswith("#"):
        found = _HEADER_KEYS.get(key.split("+", 1)[0])  # an HXL tag with other attributes
    return found


def _is_hxl_row(row: Sequence[object]) -> bool:
    cells = [_tidy(c) for c in row if not _blank(c)]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _map_columns(
    header: Sequence[object], hxl: Sequence[object] | None, preview: ImportPreview
) -> dict[str, int]:
    """Field -> column index; file-level problems go to preview.errors."""
    seen: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        found = _header_field(cell)
        if found is None and hxl is not None and index < len(hxl):
            found = _header_field(hxl[index])
        if found is not None:
            seen.setdefault(found, []).append(index)
        elif not _blank(cell):
            preview.ignored_columns.append(_tidy(cell))
    for key, indexes in seen.items():
        if len(indexes) > 1:
            letters = "، ".join(get_column_letter(i + 1) for i in indexes)
            preview.errors.append(
                FieldError(
                    FILE_FIELD,
                    f"ستون «{FIELD_LABELS[key]}» بیش از یک بار آمده است (ستون‌های {letters})؛"
                    " فقط یکی را نگه دارید.",
                )
            )
    missing = [c for c in REQUIRED_COLUMNS if _label_field(c) not in seen]
    if missing:
        names = "، ".join(f"«{c}»" for c in missing)
        preview.errors.append(
            FieldError(
                FILE_FIELD,
                f"ستون {names} در سطر سرستون‌ها پیدا نشد؛ سطر اول پرونده باید سرستون‌ها"
                f" را داشته باشد: {'، '.join(IMPORT_COLUMNS)} (الگو را ببینید).",
            )
        )
    columns = {key: indexes[0] for key, indexes in seen.items()}
    preview.columns = [FIELD_LABELS[k] for k in sorted(columns, key=columns.__getitem__)]
    return columns


def _label_field(label: str) -> str:
    return next(k for k, v in FIELD_LABELS.items() if v == label)


def _cell(row: Sequence[object], index: int | None) -> object:
    if index is None or index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _to_input(row: Sequence[object], columns: dict[str, int]) -> NeighborhoodInput:
    def cell(key: str) -> object:
        return _cell(row, columns.get(key))

    facilitation = cell("has_facilitation_office")
    transformation = cell("has_transformation_office")
    return NeighborhoodInput(
        county=_tidy(cell("county")),
        name=_tidy(cell("name")),
        population=cell("population"),
        households=cell("households"),
        kind=cell("kind"),
        priority_rank=cell("priority_rank"),
        announced_on=cell("announced_on"),
        has_facilitation_office=False if facilitation is None else facilitation,
        has_transformation_office=False if transformation is None else transformation,
        latitude=cell("latitude"),
        longitude=cell("longitude"),
    )


_Existing = dict[tuple[str, str], tuple[str, str, bool]]


def _existing(session: Session) -> _Existing:
    """(county key, name key) -> (county name, neighborhood name, active), in one query."""
    stmt = select(col(County.name), col(Neighborhood.name), col(Neighborhood.active)).join(
        County, col(County.id) == col(Neighborhood.county_id)
    )
    return {(match_key(c), match_key(n)): (c, n, a) for c, n, a in session.exec(stmt)}


def _duplicate(
    clean: dict[str, Any],
    number: int,
    existing: _Existing,
    first_seen: dict[tuple[str, str], int],
    check: Collector,
) -> None:
    """A row naming a neighborhood already in the database, or earlier in the file."""
    if not (clean["county"] and clean["name"]):
        return
    key = (_short_key(clean["county"]), match_key(clean["name"]))
    if key in existing:
        county, name, active = existing[key]
        check.add("name", _duplicate_message(county, name, active))
    elif key in first_seen:
        check.add(
            "name",
            f"محلهٔ «{clean['name']}» در شهرستان «{clean['county']}» در سطر"
            f" {to_fa(first_seen[key])} همین پرونده هم آمده است؛ یکی از دو سطر را حذف کنید.",
        )
    else:
        first_seen[key] = number


def _row_errors(check: Collector, number: int) -> list[FieldError]:
    """A row's problems as the import reports them: Excel row, Persian column name."""
    where = f"سطر {to_fa(number)}: "
    return [
        FieldError(FIELD_LABELS.get(e.field, e.field), where + e.message, number)
        for e in check.errors
    ]


def _check_rows(
    rows: Sequence[NeighborhoodInput], row_numbers: Sequence[int], existing: _Existing
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Every row validated, duplicates in the file and in the database found."""
    clean_rows: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    first_seen: dict[tuple[str, str], int] = {}
    for data, number in zip(rows, row_numbers, strict=True):
        check = Collector(row=number)
        clean = validate_neighborhood(data, check)
        if not check.errors:
            _duplicate(clean, number, existing, first_seen, check)
        if check.errors:
            errors.extend(_row_errors(check, number))
        else:
            clean_rows.append(clean)
    return clean_rows, errors


def read_neighborhood_file(filename: str, content: bytes, session: Session) -> ImportPreview:
    """Read and check a neighborhoods spreadsheet (.xlsx or .csv); nothing is written."""
    preview = ImportPreview(filename=PurePath(filename.replace("\\", "/")).name)
    try:
        table = _read_table(filename, content)
    except _FileProblem as e:
        preview.errors.append(FieldError(FILE_FIELD, e.message))
        return preview
    start = next((i for i, row in enumerate(table) if not all(map(_blank, row))), None)
    if start is None:
        preview.errors.append(
            FieldError(FILE_FIELD, "پرونده خالی است؛ سطر سرستون‌ها و ردیف محلات را بنویسید.")
        )
        return preview
    header = table[start]
    body = start + 1
    hxl = None
    if body < len(table) and _is_hxl_row(table[body]):
        hxl, body = table[body], body + 1
    columns = _map_columns(header, hxl, preview)
    if preview.errors:
        return preview
    for index in range(body, len(table)):
        row = table[index]
        if all(map(_blank, row)):
            continue
        preview.rows.append(_to_input(row, columns))
        preview.row_numbers.append(index + 1)
    if not preview.rows:
        preview.errors.append(
            FieldError(
                FILE_FIELD,
                "پرونده هیچ ردیف داده‌ای ندارد؛ زیر سطر سرستون‌ها دست‌کم یک محله بنویسید.",
            )
        )
        return preview
    if len(preview.rows) > MAX_IMPORT_ROWS:
        preview.errors.append(
            FieldError(
                FILE_FIELD,
                f"پرونده بیش از {to_fa(MAX_IMPORT_ROWS)} ردیف دارد؛ آن را در چند پرونده بفرستید.",
            )
        )
        preview.rows.clear()
        preview.row_numbers.clear()
        return preview
    preview.clean, preview.errors = _check_rows(
        preview.rows, preview.row_numbers, _existing(session)
    )
    preview.new_count = len(preview.clean)
    known = set(_counties(session))
    new_counties: dict[str, str] = {}
    for clean in preview.clean:
        key = match_key(clean["county"])
        if key not in known:
            new_counties.setdefault(key, clean["county"])
    preview.new_counties = list(new_counties.values())
    return preview


# --- import: writing -------------------------------------------------------------------


def import_neighborhoods(
    session: Session, *, actor: Actor, preview: ImportPreview, now: datetime | None = None
) -> int:
    """Write every row of a clean preview in this one transaction; the number written.

    The rows are checked again against the database as it is now (someone may have
    added a neighborhood since the preview); any problem refuses the whole file. The
    preview's `clean` values are trusted when they cover every row (as
    read_neighborhood_file makes them); otherwise every row is validated again.
    """
    require(actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    if not preview.ok:
        raise ValidationError(
            preview.errors
            or [
                FieldError(FILE_FIELD, "پرونده هیچ ردیفی برای ورود ندارد؛ ابتدا پرونده را بخوانید.")
            ]
        )
    numbers = preview.row_numbers
    if len(numbers) != len(preview.rows):
        numbers = list(range(2, len(preview.rows) + 2))
    existing = _existing(session)
    errors: list[FieldError] = []
    first_seen: dict[tuple[str, str], int] = {}
    if len(preview.clean) == len(preview.rows):
        # Checked by read_neighborhood_file: only the database can have changed since.
        clean_rows = preview.clean
        for clean, number in zip(clean_rows, numbers, strict=True):
            check = Collector(row=number)
            _duplicate(clean, number, existing, first_seen, check)
            errors.extend(_row_errors(check, number))
    else:  # a preview not made by read_neighborhood_file: check every row again
        clean_rows, errors = _check_rows(preview.rows, numbers, existing)
    if errors:
        raise ValidationError(errors)
    counties = _counties(session)
    for clean in clean_rows:
        key = match_key(clean["county"])
        if key not in counties:
            counties[key] = _county_for(session, clean["county"], actor, now)
    values = [
        {k: v for k, v in clean.items() if k != "county"}
        | {
            "county_id": counties[match_key(clean["county"])].id,
            "active": True,
            "is_sample": False,
        }
        for clean in clean_rows
    ]
    # A Core executemany, then the new ids in one query: an ORM bulk INSERT ... RETURNING
    # of 10,000 rows takes seconds where this takes a fraction of one.
    try:
        session.connection().execute(insert(Neighborhood), values)
    except IntegrityError as e:
        raise ValidationError(
            [
                FieldError(
                    FILE_FIELD,
                    "هم‌زمان با این ورود، محله‌ای با یکی از همین نام‌ها ثبت شد؛"
                    " پرونده را دوباره بخوانید و ثبت کنید.",
                )
            ]
        ) from e
    stmt = select(col(Neighborhood.id), col(Neighborhood.county_id), col(Neighborhood.name)).where(
        col(Neighborhood.county_id).in_({v["county_id"] for v in values})
    )
    new_ids = {(county_id, name): hood_id for hood_id, county_id, name in session.exec(stmt)}
    ids = [new_ids[(v["county_id"], v["name"])] for v in values]
    reason = f"ورود از پرونده «{preview.filename}»" if preview.filename else "ورود از پرونده"
    session.connection().execute(
        insert(HistoryEntry),
        [
            {
                "entity": "neighborhood",
                "entity_id": hood_id,
                "changed_at": now,
                "user_id": actor.user_id,
                "field": "created",
                "old_value": None,
                "new_value": _snapshot(clean),
                "reason": reason,
                "is_sample": False,
            }
            for hood_id, clean in zip(ids, clean_rows, strict=True)
        ],
    )
    session.flush()
    return len(ids)


# --- import: the template ----------------------------------------------------------------

_EXAMPLES: tuple[tuple[object, ...], ...] = (
    # In IMPORT_COLUMNS order; the second example has no coordinates.
    (
        "مرکز استان",
        "کوی زاغه",
        12500,
        3400,
        "بحرانی",
        1,
        "۱۴۰۲/۰۷/۲۹",
        "بله",
        "خیر",
        34.7981,
        48.5146,
    ),
    (
        "بهاران",
        "شهرک ولیعصر",
        8200,
        2150,
        "حاشیه‌نشین",
        2,
        "۱۴۰۱/۱۱/۱۵",
        "خیر",
        "خیر",
        None,
        None,
    ),
)


def neighborhood_template_xlsx() -> bytes:
    """A workbook to fill in: headers, the HXL row, two example rows; right to left."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "محلات هدف"
    sheet.sheet_view.rightToLeft = True
    sheet.append(list(IMPORT_COLUMNS))
    sheet.append(list(HXL_TAGS))
    for example in _EXAMPLES:
        sheet.append(list(example))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    for index, label in enumerate(IMPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(label) + 6)
    sheet.freeze_panes = "A3"
    last = MAX_IMPORT_ROWS + 2
    kinds = DataValidation(
        type="list", formula1=f'"{",".join(NEIGHBORHOOD_KIND_LABELS.values())}"', allow_blank=False
    )
    kinds.error = f"نوع محله یکی از {_KIND_CHOICES} است."
    sheet.add_data_validation(kinds)
    kinds.add(f"E3:E{last}")
    flags = DataValidation(type="list", formula1='"بله,خیر"', allow_blank=True)
    flags.error = "«بله» یا «خیر» بنویسید."
    sheet.add_data_validation(flags)
    flags.add(f"H3:I{last}")
    guide = book.create_sheet("راهنما")
    guide.sheet_view.rightToLeft = True
    guide.append(["ستون", "چه بنویسید"])
    for label, text in _GUIDE:
        guide.append([label, text])
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 90
    for cell in guide[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_GUIDE: tuple[tuple[str, str], ...] = (
    ("شهرستان", "الزامی. اگر شهرستان در سامانه نباشد ساخته می‌شود."),
    ("نام محله", "الزامی؛ حداکثر ۱۵۰ نویسه. نام تکراری در یک شهرستان پذیرفته نیست."),
    ("جمعیت", "الزامی؛ عدد صحیح (رقم فارسی یا لاتین، با یا بدون جداکنندهٔ هزارگان)."),
    ("خانوار", "عدد صحیح، نه بیشتر از جمعیت؛ خالی یعنی نامعلوم (۰)."),
    ("نوع", f"الزامی؛ یکی از {_KIND_CHOICES}."),
    ("اولویت", "رتبهٔ اولویت: عدد صحیح ۱ یا بیشتر؛ می‌تواند خالی بماند."),
    ("تاریخ اعلام", "تاریخ شمسی مانند ۱۴۰۲/۰۷/۲۹؛ می‌تواند خالی بماند."),
    ("دفتر تسهیل‌گری", "«بله» یا «خیر» (یا دارد / ندارد)."),
    ("دفتر تحول اجتماعی", "«بله» یا «خیر» (یا دارد / ندارد)."),
    ("عرض / طول جغرافیایی", "مختصات به درجه (مانند ۳۴٫۷۹۸ و ۴۸٫۵۱۵)؛ هر دو یا هیچ‌کدام."),
    ("سطر دوم", "برچسب‌های HXL (با # شروع می‌شوند)؛ هنگام ورود نادیده گرفته می‌شود."),
)


# --- the service catalogue ------------------------------------------------------------

SERVICE_FIELD_LABELS: dict[str, str] = {
    "name": "نام خدمت",
    "unit": "واحد",
    "owner_agency_id": "دستگاه مسئول",
    "norm_per_1000": "سرانه در هر هزار نفر",
    "resolution_ref": "مصوبهٔ مرجع",
}
_SERVICE_LIMITS = {"name": 120, "unit": 40, "resolution_ref": 40}


@dataclass(frozen=True)
class ServiceTypeInput:
    """A kind of service as typed in the catalogue form."""

    name: str
    unit: str
    owner_agency_id: int | None
    norm_per_1000: object = None  # None or "" = no norm; else a number >= 0
    resolution_ref: str = ""


def _validate_service(
    session: Session, data: ServiceTypeInput, current: ServiceType | None = None
) -> dict[str, Any]:
    """Clean values of a service type, or a ValidationError with every problem.

    The owner agency must exist and be active, unless it is the one the service
    already has (an agency deactivated later does not block fixing its services).
    """
    check = Collector()
    labels = SERVICE_FIELD_LABELS
    clean: dict[str, Any] = {
        key: _text(
            check,
            key,
            labels[key],
            getattr(data, key),
            limit=limit,
            required=key != "resolution_ref",
        )
        for key, limit in _SERVICE_LIMITS.items()
    }
    try:
        norm = _parse_number(data.norm_per_1000, decimal_marks=True)
    except ValueError:
        check.add(
            "norm_per_1000",
            f"«{labels['norm_per_1000']}» باید عددی مانند ۰٫۵ باشد یا خالی بماند"
            f" (نوشته شده: «{_shown(data.norm_per_1000)}»).",
        )
        norm = None
    if norm is not None and norm < 0:
        check.add(
            "norm_per_1000",
            f"«{labels['norm_per_1000']}» نمی‌تواند منفی باشد"
            f" (نوشته شده: «{_shown(data.norm_per_1000)}»).",
        )
        norm = None
    clean["norm_per_1000"] = norm
    owner = data.owner_agency_id
    if owner is not None and (current is None or owner != current.owner_agency_id):
        agency = session.get(Agency, owner)
        if agency is None or not agency.active:
            check.add(
                "owner_agency_id",
                "دستگاه مسئول انتخاب‌شده پیدا نشد یا غیرفعال است؛"
                " دستگاه دیگری را از فهرست انتخاب کنید.",
            )
    clean["owner_agency_id"] = owner
    if clean["name"]:
        key = match_key(clean["name"])
        for other in session.exec(select(ServiceType)):
            if (current is None or other.id != current.id) and match_key(other.name) == key:
                state = "" if other.active else " (غیرفعال)"
                check.add(
                    "name",
                    f"خدمت «{other.name}»{state} پیش‌تر در فهرست خدمات ثبت شده است؛"
                    " نام دیگری بنویسید یا همان خدمت را ویرایش کنید.",
                )
                break
    if check.errors:
        raise ValidationError(check.errors)
    return clean


def create_service_type(
    session: Session, *, actor: Actor, data: ServiceTypeInput, now: datetime | None = None
) -> ServiceType:
    """Add a kind of service to the catalogue (history: entity 'service_type', 'created')."""
    require(actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    clean = _validate_service(session, data)
    service = ServiceType(**clean)
    session.add(service)
    _flush(session, "name", f"خدمت «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    _history(session, actor, "service_type", service.id, "created", None, _snapshot(clean), now)
    session.flush()
    return service


def update_service_type(
    session: Session,
    *,
    actor: Actor,
    service_type_id: int,
    data: ServiceTypeInput,
    now: datetime | None = None,
) -> bool:
    """Change a kind of service; one history row per changed field. False if nothing changed."""
    require(actor, Action.MANAGE_NEIGHBORHOODS)
    now = now or utcnow()
    service = session.get(ServiceType, service_type_id)
    if service is None:
        raise NotFound("این خدمت پیدا نشد؛ فهرست خدمات را تازه کنید.")
    clean = _validate_service(session, data, current=service)
    changes = {k: v for k, v in clean.items() if getattr(service, k) != v}
    if not changes:
        return False
    for key, value in changes.items():
        _history(session, actor, "service_type", service.id, key, getattr(service, key), value, now)
        setattr(service, key, value)
    session.add(service)
    _flush(session, "name", f"خدمت «{clean['name']}» هم‌زمان توسط کاربر دیگری ثبت شد.")
    return True
