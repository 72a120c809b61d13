"""Tests for data_layer.commands.places: the neighborhood registry and the service catalogue.

Every test runs on SQLite and on PostgreSQL (`db_url`), builds the little data it
needs, and checks what the database holds after each action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from data_layer.commands.neighborhoods import (
    create_neighborhood,
    set_neighborhood_active,
    update_neighborhood,
)
from data_layer.commands.service_types import (
    ServiceTypeInput,
    create_service_type,
    update_service_type,
)
from data_layer.db import read_session, write_session
from data_layer.errors import NotFound, PermissionDenied, ValidationError
from data_layer.input.neighborhoods import NeighborhoodInput
from data_layer.models import Agency, County, HistoryEntry, Neighborhood, Role, ServiceType
from data_layer.permissions import Actor
from tests.data_layer.commands import add_user as _add_user

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)

# 1402/07/29 (the 7th meeting) in the Gregorian calendar.
MEHR_29_1402 = date(2023, 10, 21)

ZAGHEH = NeighborhoodInput(
    county="مرکز استان",
    name="کوی زاغه",
    population="۱۲٬۵۰۰",
    households="3,400",
    kind="بحرانی",
    priority_rank="۱",
    announced_on="۱۴۰۲/۰۷/۲۹",
    has_facilitation_office="بله",
    has_transformation_office="ندارد",
    latitude="۳۴٫۷۹۸۱",
    longitude="48.5146",
)
MINIMAL = NeighborhoodInput(
    county="بهاران", name="شهرک ولیعصر", population=8200, households=None, kind="marginal"
)


# --- the people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """Who acts: one of each role, and two agencies (one of them deactivated)."""

    url: str
    admin: Actor
    secretariat: Actor
    editor: Actor
    viewer: Actor
    agency: int
    closed_agency: int

    def by_role(self, role: str) -> Actor:
        """The actor a parametrized role name stands for."""
        return {
            "admin": self.admin,
            "secretariat": self.secretariat,
            "agency_editor": self.editor,
            "viewer": self.viewer,
        }[role]


def _add_agency(session: Session, name: str, short: str, active: bool = True) -> int:
    agency = Agency(name=name, short_name=short, active=active)
    session.add(agency)
    session.flush()
    assert agency.id is not None
    return agency.id


@pytest.fixture
def cast(db_url: str) -> Cast:
    """An admin, a secretariat member, an agency liaison and a viewer."""
    with write_session(db_url) as session:
        welfare = _add_agency(session, "اداره کل بهزیستی استان", "بهزیستی")
        closed = _add_agency(session, "ستاد منحل‌شده", "ستاد", active=False)
        return Cast(
            url=db_url,
            admin=_add_user(session, "admin", "مدیر سامانه", Role.ADMIN.value),
            secretariat=_add_user(session, "secretariat", "مریم احمدی", Role.SECRETARIAT.value),
            editor=_add_user(session, "welfare", "فاطمه حسینی", Role.AGENCY_EDITOR.value, welfare),
            viewer=_add_user(session, "viewer", "علی رضایی", Role.VIEWER.value),
            agency=welfare,
            closed_agency=closed,
        )


# --- acting -------------------------------------------------------------------------------


def create(url: str, actor: Actor, data: NeighborhoodInput, now: datetime = NOW) -> int:
    """create_neighborhood in its own transaction; the new id."""
    with write_session(url) as session:
        hood = create_neighborhood(session, actor=actor, data=data, now=now)
        assert hood.id is not None
        return hood.id


def update(
    url: str, actor: Actor, neighborhood_id: int, data: NeighborhoodInput, now: datetime = LATER
) -> bool:
    """update_neighborhood in its own transaction."""
    with write_session(url) as session:
        return update_neighborhood(
            session, actor=actor, neighborhood_id=neighborhood_id, data=data, now=now
        )


def set_active(
    url: str, actor: Actor, neighborhood_id: int, active: bool, reason: str, now: datetime = LATER
) -> bool:
    """set_neighborhood_active in its own transaction."""
    with write_session(url) as session:
        return set_neighborhood_active(
            session,
            actor=actor,
            neighborhood_id=neighborhood_id,
            active=active,
            reason=reason,
            now=now,
        )


def create_service(url: str, actor: Actor, data: ServiceTypeInput, now: datetime = NOW) -> int:
    """create_service_type in its own transaction; the new id."""
    with write_session(url) as session:
        service = create_service_type(session, actor=actor, data=data, now=now)
        assert service.id is not None
        return service.id


def update_service(
    url: str, actor: Actor, service_type_id: int, data: ServiceTypeInput, now: datetime = LATER
) -> bool:
    """update_service_type in its own transaction."""
    with write_session(url) as session:
        return update_service_type(
            session, actor=actor, service_type_id=service_type_id, data=data, now=now
        )


# --- reading back -------------------------------------------------------------------------


def hood(url: str, neighborhood_id: int) -> Neighborhood:
    """The stored neighborhood."""
    with read_session(url) as session:
        row = session.get(Neighborhood, neighborhood_id)
        assert row is not None
        return row


def county_names(url: str) -> list[str]:
    """Every county, oldest first."""
    with read_session(url) as session:
        return list(session.exec(select(County.name).order_by(col(County.id))))


def county_of(url: str, neighborhood_id: int) -> str:
    """The name of a neighborhood's county."""
    with read_session(url) as session:
        return session.exec(
            select(County.name)
            .join(Neighborhood, col(Neighborhood.county_id) == col(County.id))
            .where(Neighborhood.id == neighborhood_id)
        ).one()


def history(url: str, entity: str, entity_id: int) -> list[HistoryEntry]:
    """An entity's history entries, oldest first."""
    with read_session(url) as session:
        stmt = select(HistoryEntry).where(
            HistoryEntry.entity == entity, HistoryEntry.entity_id == entity_id
        )
        return list(session.exec(stmt.order_by(col(HistoryEntry.id))))


def snapshot(url: str) -> dict[str, Any]:
    """Everything a refused command must leave as it was."""
    with read_session(url) as session:
        return {
            "counties": [
                c.model_dump() for c in session.exec(select(County).order_by(col(County.id)))
            ],
            "neighborhoods": [
                n.model_dump()
                for n in session.exec(select(Neighborhood).order_by(col(Neighborhood.id)))
            ],
            "services": [
                s.model_dump()
                for s in session.exec(select(ServiceType).order_by(col(ServiceType.id)))
            ],
            "history": session.exec(select(func.count()).select_from(HistoryEntry)).one(),
        }


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def assert_persian(message: str) -> None:
    """A message a person reads: Persian, with no Python or SQL leaking through."""
    assert _ARABIC_SCRIPT.search(message), message
    for leak in ("Traceback", "Error", "None", "sqlalchemy", "IntegrityError"):
        assert leak not in message, message


def fields_of(error: ValidationError) -> set[str]:
    return {e.field for e in error.errors}


# --- creating -------------------------------------------------------------------------------


def test_create_stores_clean_values_creates_the_county_and_writes_history(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)

    row = hood(cast.url, hood_id)
    assert (row.name, row.population, row.households, row.kind) == (
        "کوی زاغه",
        12500,
        3400,
        "critical",
    )
    assert (row.priority_rank, row.announced_on) == (1, MEHR_29_1402)
    assert (row.has_facilitation_office, row.has_transformation_office) == (True, False)
    assert (row.latitude, row.longitude) == (34.7981, 48.5146)
    assert (row.active, row.is_sample) == (True, False)
    assert county_names(cast.url) == ["مرکز استان"]
    assert county_of(cast.url, hood_id) == "مرکز استان"

    [entry] = history(cast.url, "neighborhood", hood_id)
    assert (entry.field, entry.old_value, entry.user_id, entry.changed_at) == (
        "created",
        None,
        cast.secretariat.user_id,
        NOW,
    )
    assert entry.new_value is not None and "کوی زاغه" in entry.new_value
    with read_session(cast.url) as session:
        county_id = session.exec(select(County.id)).one()
    assert county_id is not None
    [county_entry] = history(cast.url, "county", county_id)
    assert (county_entry.field, county_entry.new_value) == ("created", "مرکز استان")


def test_minimal_neighborhood_leaves_the_optional_fields_empty(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, MINIMAL)
    row = hood(cast.url, hood_id)
    assert (row.population, row.households, row.kind, row.priority_rank) == (
        8200,
        0,
        "marginal",
        None,
    )
    assert (row.announced_on, row.latitude, row.longitude) == (None, None, None)
    assert (row.has_facilitation_office, row.has_transformation_office) == (False, False)


def test_county_typed_another_way_is_the_same_county(cast: Cast) -> None:
    create(cast.url, cast.secretariat, replace(MINIMAL, county="گلستان‌آباد", name="کوی گلستان"))
    second = create(
        cast.url, cast.secretariat, replace(MINIMAL, county=" گلستان آباد ", name="محمودآباد")
    )
    assert county_names(cast.url) == ["گلستان‌آباد"]
    assert county_of(cast.url, second) == "گلستان‌آباد"


def test_names_are_stored_with_persian_letters_and_single_spaces(cast: Cast) -> None:
    hood_id = create(
        cast.url, cast.secretariat, replace(MINIMAL, county="كرمانشاه", name="  كوي   فرهنگيان ")
    )
    assert hood(cast.url, hood_id).name == "کوی فرهنگیان"
    assert county_names(cast.url) == ["کرمانشاه"]


@pytest.mark.parametrize(
    "typed",
    ["کوی زاغه", "كوي زاغه", "  کوی   زاغه ", "کوی‌زاغه"],
    ids=["same", "arabic-kaf-yeh", "spacing", "zwnj"],
)
def test_a_duplicate_in_the_same_county_is_refused(cast: Cast, typed: str) -> None:
    create(cast.url, cast.secretariat, ZAGHEH)
    before = snapshot(cast.url)

    with pytest.raises(ValidationError) as refused:
        create(cast.url, cast.secretariat, replace(ZAGHEH, name=typed, county="مركز استان"))

    assert fields_of(refused.value) == {"name"}
    assert_persian(refused.value.message)
    assert "«کوی زاغه»" in refused.value.message
    assert "«مرکز استان»" in refused.value.message
    assert "پیش‌تر" in refused.value.message
    assert snapshot(cast.url) == before


def test_the_same_name_in_another_county_is_a_different_neighborhood(cast: Cast) -> None:
    first = create(cast.url, cast.secretariat, ZAGHEH)
    second = create(cast.url, cast.secretariat, replace(ZAGHEH, county="بهاران"))
    assert first != second
    assert county_names(cast.url) == ["مرکز استان", "بهاران"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("marginal", "marginal"),
        ("حاشیه‌نشین", "marginal"),
        ("حاشیه نشین", "marginal"),
        ("ACUTE", "acute"),
        ("حاد", "acute"),
        ("بحراني", "critical"),
    ],
)
def test_kind_is_accepted_as_a_code_or_a_persian_label(cast: Cast, typed: str, code: str) -> None:
    hood_id = create(cast.url, cast.secretariat, replace(MINIMAL, kind=typed))
    assert hood(cast.url, hood_id).kind == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (True, True),
        (False, False),
        ("بله", True),
        ("خیر", False),
        ("دارد", True),
        ("ندارد", False),
        ("1", True),
        ("۰", False),
        ("yes", True),
        ("No", False),
        ("", False),
        (None, False),
        (1, True),
    ],
)
def test_office_flags_accept_yes_no_words(cast: Cast, typed: object, expected: bool) -> None:
    hood_id = create(
        cast.url,
        cast.secretariat,
        replace(MINIMAL, has_facilitation_office=typed, has_transformation_office=typed),
    )
    row = hood(cast.url, hood_id)
    assert (row.has_facilitation_office, row.has_transformation_office) == (expected, expected)


def test_a_gregorian_date_object_is_kept_as_it_is(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, replace(MINIMAL, announced_on=MEHR_29_1402))
    assert hood(cast.url, hood_id).announced_on == MEHR_29_1402


# --- bad fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"population": "-5"}, "population", "منفی"),
        ({"population": "۱۲٫۵"}, "population", "اعشار"),
        ({"population": "زیاد"}, "population", "باید عدد باشد"),
        ({"population": ""}, "population", "را بنویسید"),
        ({"population": 500, "households": "۶۰۰"}, "households", "بیشتر از «جمعیت»"),
        ({"households": -1}, "households", "منفی"),
        ({"kind": "متوسط"}, "kind", "حاشیه‌نشین"),
        ({"kind": ""}, "kind", "را انتخاب کنید"),
        ({"priority_rank": "0"}, "priority_rank", "۱ یا بیشتر"),
        ({"latitude": "34.8"}, "longitude", "هر دو"),
        ({"longitude": "48.5"}, "latitude", "هر دو"),
        ({"latitude": "95", "longitude": "48"}, "latitude", "۹۰ یا کمتر"),
        ({"latitude": "34", "longitude": "شرق"}, "longitude", "باید عدد باشد"),
        ({"name": "   "}, "name", "را بنویسید"),
        ({"name": "ک" * 151}, "name", "۱۵۰"),
        ({"county": ""}, "county", "را بنویسید"),
        ({"county": "ش" * 101}, "county", "۱۰۰"),
        ({"announced_on": "1404/12/30"}, "announced_on", "وجود ندارد"),
        ({"announced_on": "۱۴۰۲/۱۳/۰۱"}, "announced_on", "ماه"),
        ({"announced_on": "دیروز"}, "announced_on", "۱۴۰۲/۰۷/۲۹"),
        ({"has_facilitation_office": "شاید"}, "has_facilitation_office", "«بله» یا «خیر»"),
    ],
    ids=[
        "negative-population",
        "fractional-population",
        "words-for-population",
        "no-population",
        "households-over-population",
        "negative-households",
        "unknown-kind",
        "no-kind",
        "priority-zero",
        "lat-without-lon",
        "lon-without-lat",
        "lat-out-of-range",
        "lon-not-a-number",
        "blank-name",
        "name-too-long",
        "no-county",
        "county-too-long",
        "impossible-jalali-date",
        "month-13",
        "not-a-date",
        "unknown-flag",
    ],
)
def test_each_bad_field_is_refused_and_nothing_is_written(
    cast: Cast, change: dict[str, Any], field: str, fragment: str
) -> None:
    before = snapshot(cast.url)

    with pytest.raises(ValidationError) as refused:
        create(cast.url, cast.secretariat, replace(MINIMAL, **change))

    assert fields_of(refused.value) == {field}
    assert_persian(refused.value.message)
    assert fragment in refused.value.message
    assert snapshot(cast.url) == before


def test_every_problem_of_a_form_is_reported_at_once(cast: Cast) -> None:
    bad = NeighborhoodInput(
        county="",
        name="ن" * 151,
        population="-1",
        households="x",
        kind="?",
        priority_rank="-2",
        announced_on="1404/12/30",
        latitude="91",
        longitude="",
    )
    with pytest.raises(ValidationError) as refused:
        create(cast.url, cast.secretariat, bad)
    assert fields_of(refused.value) == {
        "county",
        "name",
        "population",
        "households",
        "kind",
        "priority_rank",
        "announced_on",
        "latitude",
    }
    assert snapshot(cast.url)["neighborhoods"] == []


# --- permissions ------------------------------------------------------------------------------


def _attempt(cast: Cast, actor: Actor, command: str, hood_id: int, service_id: int) -> None:
    url = cast.url
    service = ServiceTypeInput("کتابخانه سیار", "دستگاه", cast.agency, "۰٫۰۵")
    if command == "create_neighborhood":
        create(url, actor, replace(MINIMAL, name="کوی تازه"))
    elif command == "update_neighborhood":
        update(url, actor, hood_id, replace(ZAGHEH, population=99))
    elif command == "set_neighborhood_active":
        set_active(url, actor, hood_id, False, "محله از فهرست محلات هدف خارج شد")
    elif command == "create_service_type":
        create_service(url, actor, service)
    else:
        update_service(url, actor, service_id, replace(service, name="کتابخانه ثابت"))


@pytest.mark.parametrize("role", ["admin", "agency_editor", "viewer"])
@pytest.mark.parametrize(
    "command",
    [
        "create_neighborhood",
        "update_neighborhood",
        "set_neighborhood_active",
        "create_service_type",
        "update_service_type",
    ],
)
def test_only_the_secretariat_manages_places_and_services(
    cast: Cast, role: str, command: str
) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)
    service_id = create_service(
        cast.url, cast.secretariat, ServiceTypeInput("پایگاه سلامت", "باب", cast.agency, "0.08")
    )
    before = snapshot(cast.url)

    with pytest.raises(PermissionDenied) as refused:
        _attempt(cast, cast.by_role(role), command, hood_id, service_id)

    assert_persian(refused.value.message)
    assert "دبیرخانه" in refused.value.message
    assert snapshot(cast.url) == before


# --- updating ------------------------------------------------------------------------------------


def test_update_writes_one_history_row_per_changed_field(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)

    changed = update(
        cast.url,
        cast.secretariat,
        hood_id,
        replace(ZAGHEH, population="۱۳۰۰۰", kind="حاد", has_transformation_office="دارد"),
    )

    assert changed is True
    row = hood(cast.url, hood_id)
    assert (row.population, row.kind, row.has_transformation_office) == (13000, "acute", True)
    assert (row.households, row.name) == (3400, "کوی زاغه")
    entries = history(cast.url, "neighborhood", hood_id)[1:]
    assert {e.field: (e.old_value, e.new_value) for e in entries} == {
        "population": ("12500", "13000"),
        "kind": ("critical", "acute"),
        "has_transformation_office": ("False", "True"),
    }
    for entry in entries:
        assert (entry.entity, entry.user_id, entry.changed_at) == (
            "neighborhood",
            cast.secretariat.user_id,
            LATER,
        )


def test_saving_the_same_values_returns_false_and_writes_nothing(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)
    before = snapshot(cast.url)
    # The same values typed another way: Arabic letters, ASCII digits, the kind's code.
    same = replace(
        ZAGHEH,
        name="كوي زاغه",
        population=12500,
        households="۳۴۰۰",
        kind="critical",
        announced_on=MEHR_29_1402,
        has_facilitation_office=True,
    )
    assert update(cast.url, cast.secretariat, hood_id, same) is False
    assert snapshot(cast.url) == before


def test_removing_the_coordinates_and_priority_is_recorded(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)
    assert update(
        cast.url,
        cast.secretariat,
        hood_id,
        replace(ZAGHEH, latitude="", longitude=None, priority_rank=""),
    )
    row = hood(cast.url, hood_id)
    assert (row.latitude, row.longitude, row.priority_rank) == (None, None, None)
    entries = history(cast.url, "neighborhood", hood_id)[1:]
    assert {e.field: (e.old_value, e.new_value) for e in entries} == {
        "latitude": ("34.7981", None),
        "longitude": ("48.5146", None),
        "priority_rank": ("1", None),
    }


def test_moving_a_neighborhood_to_a_new_county_creates_it_and_records_the_move(
    cast: Cast,
) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)
    assert update(cast.url, cast.secretariat, hood_id, replace(ZAGHEH, county="کوهسار"))
    assert county_names(cast.url) == ["مرکز استان", "کوهسار"]
    assert county_of(cast.url, hood_id) == "کوهسار"
    [entry] = history(cast.url, "neighborhood", hood_id)[1:]
    assert (entry.field, entry.old_value, entry.new_value) == ("county", "مرکز استان", "کوهسار")


def test_renaming_onto_another_neighborhood_is_refused(cast: Cast) -> None:
    create(cast.url, cast.secretariat, ZAGHEH)
    other = create(cast.url, cast.secretariat, replace(ZAGHEH, name="حصار"))
    before = snapshot(cast.url)

    with pytest.raises(ValidationError) as refused:
        update(cast.url, cast.secretariat, other, replace(ZAGHEH, name="كوي زاغه"))

    assert fields_of(refused.value) == {"name"}
    assert "«کوی زاغه»" in refused.value.message
    assert snapshot(cast.url) == before


def test_a_bad_update_changes_nothing(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)
    before = snapshot(cast.url)
    with pytest.raises(ValidationError) as refused:
        update(cast.url, cast.secretariat, hood_id, replace(ZAGHEH, households=20000))
    assert fields_of(refused.value) == {"households"}
    assert snapshot(cast.url) == before


def test_updating_a_missing_neighborhood_is_not_found(cast: Cast) -> None:
    with pytest.raises(NotFound) as refused:
        update(cast.url, cast.secretariat, 999, ZAGHEH)
    assert_persian(refused.value.message)


# --- deactivating ------------------------------------------------------------------------------


def test_deactivating_keeps_the_row_and_writes_history_with_the_reason(cast: Cast) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)
    reason = "محله در طرح بازآفرینی شهری ادغام شد"

    assert set_active(cast.url, cast.secretariat, hood_id, False, f"  {reason} ") is True

    row = hood(cast.url, hood_id)
    assert (row.active, row.name, row.population) == (False, "کوی زاغه", 12500)
    [entry] = history(cast.url, "neighborhood", hood_id)[1:]
    assert (entry.field, entry.old_value, entry.new_value, entry.reason) == (
        "active",
        "True",
        "False",
        reason,
    )
    assert (entry.user_id, entry.changed_at) == (cast.secretariat.user_id, LATER)

    # Deactivated again: nothing to do. A deactivated name is still taken.
    before = snapshot(cast.url)
    assert set_active(cast.url, cast.secretariat, hood_id, False, reason) is False
    assert snapshot(cast.url) == before
    with pytest.raises(ValidationError) as refused:
        create(cast.url, cast.secretariat, ZAGHEH)
    assert "غیرفعال" in refused.value.message

    assert set_active(cast.url, cast.secretariat, hood_id, True, "دوباره در فهرست محلات هدف")
    assert hood(cast.url, hood_id).active is True
    assert [e.field for e in history(cast.url, "neighborhood", hood_id)] == [
        "created",
        "active",
        "active",
    ]


@pytest.mark.parametrize("reason", ["", "   ", "چون", "\u200bچون\u200b "])
def test_deactivating_needs_a_plain_reason(cast: Cast, reason: str) -> None:
    hood_id = create(cast.url, cast.secretariat, ZAGHEH)
    before = snapshot(cast.url)
    with pytest.raises(ValidationError) as refused:
        set_active(cast.url, cast.secretariat, hood_id, False, reason)
    assert fields_of(refused.value) == {"reason"}
    assert_persian(refused.value.message)
    assert snapshot(cast.url) == before
    assert hood(cast.url, hood_id).active is True


def test_deactivating_a_missing_neighborhood_is_not_found(cast: Cast) -> None:
    with pytest.raises(NotFound):
        set_active(cast.url, cast.secretariat, 999, False, "دلیل کافی و روشن")


# --- the service catalogue ------------------------------------------------------------------


def service(url: str, service_type_id: int) -> ServiceType:
    with read_session(url) as session:
        row = session.get(ServiceType, service_type_id)
        assert row is not None
        return row


def test_create_service_type_stores_the_norm_and_writes_history(cast: Cast) -> None:
    service_id = create_service(
        cast.url,
        cast.secretariat,
        ServiceTypeInput(" كتابخانه  سیار ", "دستگاه", cast.agency, "۰٫۰۵", "مصوبه ۹"),
    )
    row = service(cast.url, service_id)
    assert (row.name, row.unit, row.owner_agency_id, row.norm_per_1000, row.resolution_ref) == (
        "کتابخانه سیار",
        "دستگاه",
        cast.agency,
        0.05,
        "مصوبه ۹",
    )
    assert row.active is True
    [entry] = history(cast.url, "service_type", service_id)
    assert (entry.field, entry.user_id, entry.changed_at) == (
        "created",
        cast.secretariat.user_id,
        NOW,
    )


@pytest.mark.parametrize(("typed", "norm"), [(None, None), ("", None), ("2/5", 2.5), (6, 6.0)])
def test_service_norm_may_be_empty_or_a_number(cast: Cast, typed: object, norm: float) -> None:
    service_id = create_service(
        cast.url, cast.secretariat, ServiceTypeInput("پست معلم", "نفر", None, typed)
    )
    assert service(cast.url, service_id).norm_per_1000 == norm


def test_update_service_type_writes_one_history_row_per_field(cast: Cast) -> None:
    data = ServiceTypeInput("پست معلم", "نفر", cast.agency, "6")
    service_id = create_service(cast.url, cast.secretariat, data)

    assert update_service(
        cast.url, cast.secretariat, service_id, replace(data, unit="معلم", norm_per_1000="۷٫۵")
    )

    row = service(cast.url, service_id)
    assert (row.unit, row.norm_per_1000) == ("معلم", 7.5)
    entries = history(cast.url, "service_type", service_id)[1:]
    assert {e.field: (e.old_value, e.new_value) for e in entries} == {
        "unit": ("نفر", "معلم"),
        "norm_per_1000": ("6.0", "7.5"),
    }
    assert all(e.changed_at == LATER for e in entries)

    before = snapshot(cast.url)
    same = replace(data, unit=" معلم ", norm_per_1000=7.5)
    assert update_service(cast.url, cast.secretariat, service_id, same) is False
    assert snapshot(cast.url) == before


def test_removing_a_norm_is_recorded(cast: Cast) -> None:
    data = ServiceTypeInput("فضای ورزشی", "باب", cast.agency, "0.25")
    service_id = create_service(cast.url, cast.secretariat, data)

    assert update_service(cast.url, cast.secretariat, service_id, replace(data, norm_per_1000=""))

    assert service(cast.url, service_id).norm_per_1000 is None
    [entry] = history(cast.url, "service_type", service_id)[1:]
    assert (entry.field, entry.old_value, entry.new_value) == ("norm_per_1000", "0.25", None)


def test_a_duplicate_service_name_is_refused_on_create_and_on_update(cast: Cast) -> None:
    create_service(cast.url, cast.secretariat, ServiceTypeInput("کتابخانه ثابت", "باب", None))
    other = create_service(
        cast.url, cast.secretariat, ServiceTypeInput("کتابخانه سیار", "دستگاه", None)
    )
    before = snapshot(cast.url)

    with pytest.raises(ValidationError) as refused:
        create_service(cast.url, cast.secretariat, ServiceTypeInput("كتابخانه  ثابت", "باب", None))
    assert fields_of(refused.value) == {"name"}
    assert "«کتابخانه ثابت»" in refused.value.message
    assert_persian(refused.value.message)

    with pytest.raises(ValidationError) as refused:
        update_service(
            cast.url, cast.secretariat, other, ServiceTypeInput("کتابخانه‌ثابت", "باب", None)
        )
    assert fields_of(refused.value) == {"name"}
    assert snapshot(cast.url) == before


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"name": ""}, "name", "را بنویسید"),
        ({"unit": ""}, "unit", "را بنویسید"),
        ({"norm_per_1000": "-1"}, "norm_per_1000", "منفی"),
        ({"norm_per_1000": "زیاد"}, "norm_per_1000", "باید عدد باشد"),
        ({"owner_agency_id": 999}, "owner_agency_id", "پیدا نشد"),
        ({"resolution_ref": "م" * 41}, "resolution_ref", "۴۰"),
    ],
    ids=["no-name", "no-unit", "negative-norm", "norm-words", "no-agency", "long-ref"],
)
def test_bad_service_fields_are_refused(
    cast: Cast, change: dict[str, Any], field: str, fragment: str
) -> None:
    before = snapshot(cast.url)
    data = replace(ServiceTypeInput("پایگاه سلامت", "باب", cast.agency, "0.08"), **change)
    with pytest.raises(ValidationError) as refused:
        create_service(cast.url, cast.secretariat, data)
    assert fields_of(refused.value) == {field}
    assert fragment in refused.value.message
    assert_persian(refused.value.message)
    assert snapshot(cast.url) == before


def test_a_deactivated_agency_cannot_own_a_service(cast: Cast) -> None:
    data = ServiceTypeInput("پایگاه سلامت", "باب", cast.agency, "0.08")
    service_id = create_service(cast.url, cast.secretariat, data)
    before = snapshot(cast.url)
    with pytest.raises(ValidationError) as refused:
        update_service(
            cast.url,
            cast.secretariat,
            service_id,
            replace(data, owner_agency_id=cast.closed_agency),
        )
    assert fields_of(refused.value) == {"owner_agency_id"}
    assert "غیرفعال" in refused.value.message
    assert snapshot(cast.url) == before


def test_a_service_of_an_agency_deactivated_later_can_still_be_edited(cast: Cast) -> None:
    data = ServiceTypeInput("پایگاه سلامت", "باب", cast.agency, "0.08")
    service_id = create_service(cast.url, cast.secretariat, data)
    with write_session(cast.url) as session:
        agency = session.get(Agency, cast.agency)
        assert agency is not None
        agency.active = False
        session.add(agency)

    assert update_service(cast.url, cast.secretariat, service_id, replace(data, unit="مرکز"))
    assert (service(cast.url, service_id).unit, service(cast.url, service_id).owner_agency_id) == (
        "مرکز",
        cast.agency,
    )


def test_updating_a_missing_service_is_not_found(cast: Cast) -> None:
    with pytest.raises(NotFound):
        update_service(cast.url, cast.secretariat, 999, ServiceTypeInput("خدمت", "واحد", None))
