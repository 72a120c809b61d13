"""A target neighborhood as typed in the form or read from a spreadsheet row.

`validate_neighborhood` checks one neighborhood (the form and every row of an
import go through it); `read_neighborhood_file` reads and checks a whole file into
an `ImportPreview` without writing. Names are compared with `match_key`, so «كوي
زاغه» typed with Arabic kaf/yeh is the same place as «کوی زاغه».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlmodel import Session

from data_layer.errors import FieldError
from data_layer.input import pipeline
from data_layer.input.check import Check
from data_layer.input.files import blank
from data_layer.input.pipeline import SheetImport, check_each
from data_layer.input.sheet import Column
from data_layer.jalali import format_number
from data_layer.labels import NEIGHBORHOOD_KIND_LABELS
from data_layer.queries.places import NeighborhoodKeys, county_keys, neighborhood_keys
from data_layer.text import match_key

__all__ = [
    "COLUMNS",
    "FIELD_LABELS",
    "IMPORT_COLUMNS",
    "NEIGHBORHOOD_IMPORT",
    "ImportPreview",
    "NeighborhoodInput",
    "duplicate_message",
    "read_neighborhood_file",
    "validate_neighborhood",
]

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_INT = 2_000_000_000  # a 4-byte INTEGER column holds up to 2,147,483,647

COLUMNS: tuple[Column, ...] = (
    Column("county", "شهرستان", True, "#adm2+name", ("#adm2", "county", "adm2", "شهرستان محل")),
    Column(
        "name",
        "نام محله",
        True,
        "#loc+name",
        ("#loc", "neighborhood", "neighbourhood", "name", "محله", "نام", "نام محل"),
    ),
    Column("population", "جمعیت", True, "#population", ("population", "pop", "جمعیت محله")),
    Column(
        "households",
        "خانوار",
        False,
        "#household",
        ("#population+hh", "household", "households", "تعداد خانوار"),
    ),
    Column("kind", "نوع", True, "#type", ("type", "kind", "نوع محله")),
    Column("priority_rank", "اولویت", False, "#priority", ("priority", "rank", "رتبه اولویت")),
    Column("announced_on", "تاریخ اعلام", False, "#date+announced", ("#date", "date", "تاریخ")),
    Column(
        "has_facilitation_office",
        "دفتر تسهیل‌گری",
        False,
        "#status+facilitation",
        ("facilitation office", "facilitation", "دفتر تسهیلگری"),
    ),
    Column(
        "has_transformation_office",
        "دفتر تحول اجتماعی",
        False,
        "#status+transformation",
        ("transformation office", "transformation"),
    ),
    Column("latitude", "عرض جغرافیایی", False, "#geo+lat", ("#lat", "lat", "latitude", "عرض")),
    Column(
        "longitude",
        "طول جغرافیایی",
        False,
        "#geo+lon",
        ("#lon", "lon", "long", "lng", "longitude", "طول"),
    ),
)
FIELD_LABELS: dict[str, str] = {c.field: c.label for c in COLUMNS}
IMPORT_COLUMNS: tuple[str, ...] = tuple(c.label for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.label for c in COLUMNS if c.required)
LABELS = {**FIELD_LABELS, "reason": "دلیل"}


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


def validate_neighborhood(data: NeighborhoodInput, check: Check) -> dict[str, Any]:
    """Clean column values (with 'county' as the county's name); problems go to `check`.

    An empty households cell counts as 0 (not known); priority, date and
    coordinates may be empty; coordinates come both or neither.
    """
    clean: dict[str, Any] = {
        "county": check.text("county", data.county, limit=100, required=True),
        "name": check.text("name", data.name, limit=150, required=True),
        "population": check.whole("population", data.population, low=0, high=MAX_INT),
        "households": check.whole(
            "households", data.households, low=0, high=MAX_INT, required=False
        ),
        "kind": check.choice("kind", data.kind, NEIGHBORHOOD_KIND_LABELS),
        "priority_rank": check.whole(
            "priority_rank", data.priority_rank, low=1, high=MAX_INT, required=False
        ),
        "announced_on": check.date("announced_on", data.announced_on, required=False),
        "has_facilitation_office": check.flag(
            "has_facilitation_office", data.has_facilitation_office
        ),
        "has_transformation_office": check.flag(
            "has_transformation_office", data.has_transformation_office
        ),
        "latitude": check.amount("latitude", data.latitude, low=-90, high=90, required=False),
        "longitude": check.amount("longitude", data.longitude, low=-180, high=180, required=False),
    }
    if clean["households"] is None and blank(data.households):
        clean["households"] = 0
    population, households = clean["population"], clean["households"]
    if population is not None and households is not None and households > population:
        check.add(
            "households",
            f"«خانوار» ({format_number(households)}) نمی‌تواند بیشتر از «جمعیت»"
            f" ({format_number(population)}) باشد؛ یکی از دو عدد را درست کنید.",
        )
    if not check.has("latitude", "longitude") and (clean["latitude"] is None) != (
        clean["longitude"] is None
    ):
        missing = "longitude" if clean["longitude"] is None else "latitude"
        check.add(
            missing,
            f"«{FIELD_LABELS[missing]}» را هم بنویسید؛ مختصات یا هر دو نوشته می‌شوند یا هیچ‌کدام.",
        )
    return clean


def duplicate_message(county: str, name: str, active: bool) -> str:
    """The refusal of a neighborhood already registered in its county."""
    state = "" if active else " (غیرفعال)"
    return (
        f"محلهٔ «{name}»{state} در شهرستان «{county}» پیش‌تر در سامانه ثبت شده است؛"
        " نام دیگری بنویسید یا همان محله را ویرایش کنید."
    )


@dataclass
class ImportPreview(pipeline.ImportPreview[NeighborhoodInput, dict[str, Any]]):
    """What a neighborhoods spreadsheet holds, checked, before anything is written
    (see input/pipeline.ImportPreview); `new_counties` the counties the import would
    create."""

    new_count: int = 0
    new_counties: list[str] = field(default_factory=list)


_INPUT_FIELDS = tuple(f.name for f in fields(NeighborhoodInput))


def _to_input(raw: dict[str, object]) -> NeighborhoodInput:
    values = {k: raw.get(k) for k in _INPUT_FIELDS}
    for flag in ("has_facilitation_office", "has_transformation_office"):
        values[flag] = False if values[flag] is None else values[flag]
    values["county"] = values["county"] or ""
    values["name"] = values["name"] or ""
    return NeighborhoodInput(**values)  # type: ignore[arg-type]


def check_rows(
    rows: Sequence[NeighborhoodInput], row_numbers: Sequence[int], existing: NeighborhoodKeys
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Every row validated; duplicates in the file and in the database found."""
    first_seen: dict[tuple[str, str], int] = {}

    def one(data: NeighborhoodInput, number: int, check: Check) -> dict[str, Any]:
        clean = validate_neighborhood(data, check)
        if not check:
            duplicate_row(clean, number, existing, first_seen, check)
        return clean

    return check_each(rows, row_numbers, LABELS, one)


def duplicate_row(
    clean: dict[str, Any],
    number: int,
    existing: NeighborhoodKeys,
    first_seen: dict[tuple[str, str], int],
    check: Check,
) -> None:
    """A row naming a neighborhood already in the database, or earlier in the file."""
    key = (match_key(clean["county"]), match_key(clean["name"]))
    if key in existing:
        check.add("name", duplicate_message(*existing[key]))
    elif key in first_seen:
        check.add(
            "name",
            f"محلهٔ «{clean['name']}» در شهرستان «{clean['county']}» در سطر"
            f" {format_number(first_seen[key])} همین پرونده هم آمده است؛"
            " یکی از دو سطر را حذف کنید.",
        )
    else:
        first_seen[key] = number


def _check(preview: ImportPreview, session: Session) -> None:
    preview.clean, preview.errors = check_rows(
        preview.rows, preview.row_numbers, neighborhood_keys(session)
    )
    if preview.errors:
        return
    preview.new_count = len(preview.clean)
    known = county_keys(session)
    new: dict[str, str] = {}
    for clean in preview.clean:
        key = match_key(clean["county"])
        if key not in known:
            new.setdefault(key, clean["county"])
    preview.new_counties = list(new.values())


NEIGHBORHOOD_IMPORT = SheetImport(
    COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, "محله", ImportPreview, _check, _to_input
)


def read_neighborhood_file(filename: str, content: bytes, session: Session) -> ImportPreview:
    """Read and check a neighborhoods spreadsheet (.xlsx or .csv); nothing is written."""
    return NEIGHBORHOOD_IMPORT.read(filename, content, session)
