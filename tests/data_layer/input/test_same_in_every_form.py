"""The same typed number, date or text gives the same value, or the same Persian message
(but for the field's name), in every form of the app that takes it.

Each "form" below is a real command, run on a fresh database of the real minutes
(SQLite and PostgreSQL), and what it stored is read back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from data_layer import clock
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.capacity import set_capacity
from data_layer.commands.deliveries import DeliveryInput, record_delivery
from data_layer.commands.meetings import MeetingInput, create_meeting
from data_layer.commands.neighborhoods import create_neighborhood
from data_layer.commands.reports import submit_report
from data_layer.commands.resolutions import add_resolution
from data_layer.commands.service_types import ServiceTypeInput, create_service_type
from data_layer.db import read_session, write_session
from data_layer.errors import ValidationError
from data_layer.input.neighborhoods import NeighborhoodInput
from data_layer.input.owners import OwnerSpec
from data_layer.models import (
    Agency,
    AgencyCapacity,
    Assignment,
    Meeting,
    Neighborhood,
    PerformanceReport,
    Resolution,
    Role,
    ServiceDelivery,
    ServiceType,
)
from data_layer.permissions import Actor
from data_layer.queries.membership import member_on
from tests.data_layer.commands import add_user

_names = itertools.count(1)


@dataclass
class World:
    url: str
    secretariat: Actor
    editor: Actor
    agency_id: int
    hood_id: int
    service_id: int
    assignment_id: int
    years: Iterator[int] = field(default_factory=lambda: itertools.count(1391))


@pytest.fixture
def world(minutes_url: str) -> World:
    with write_session(minutes_url) as s:
        agency = s.exec(select(Agency).where(member_on(clock.today()))).first()
        assert agency is not None and agency.id is not None
        secretariat = add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        editor = add_user(s, "rabet", "رابط", Role.AGENCY_EDITOR.value, agency.id)
        asg = s.exec(select(Assignment).where(Assignment.agency_id == agency.id)).first()
        assert asg is not None and asg.id is not None
    with write_session(minutes_url) as s:
        hood = create_neighborhood(
            s,
            actor=secretariat,
            data=NeighborhoodInput("مرکز", "کوی نمونه", 10_000, 2_000, "حاد"),
        )
        service = create_service_type(
            s, actor=secretariat, data=ServiceTypeInput("کتابخانه", "باب", agency.id, "1")
        )
        assert hood.id is not None and service.id is not None
        return World(minutes_url, secretariat, editor, agency.id, hood.id, service.id, asg.id)


def _unique() -> str:
    return f"نمونه {next(_names)}"


def _run(w: World, fn: Callable[[Any], Any]) -> Any:
    with write_session(w.url) as s:
        return fn(s)


def _read(w: World, model: type[Any], row_id: int, field: str) -> Any:
    with read_session(w.url) as s:
        return getattr(s.get(model, row_id), field)


# --- numbers ------------------------------------------------------------------------------


def population(w: World, value: object) -> Any:
    data = NeighborhoodInput("مرکز", _unique(), value, 0, "حاد")
    hood = _run(w, lambda s: create_neighborhood(s, actor=w.secretariat, data=data))
    return _read(w, Neighborhood, hood.id, "population")


def households(w: World, value: object) -> Any:
    data = NeighborhoodInput("مرکز", _unique(), 10**9, value, "حاد")
    hood = _run(w, lambda s: create_neighborhood(s, actor=w.secretariat, data=data))
    return _read(w, Neighborhood, hood.id, "households")


def units(w: World, value: object) -> Any:
    data = DeliveryInput(
        neighborhood_id=w.hood_id, service_type_id=w.service_id, year=1403, units=value
    )
    row = _run(w, lambda s: record_delivery(s, actor=w.editor, agency_id=w.agency_id, data=data))
    return _read(w, ServiceDelivery, row.id, "units")


def beneficiaries(w: World, value: object) -> Any:
    data = DeliveryInput(
        neighborhood_id=w.hood_id,
        service_type_id=w.service_id,
        year=1403,
        units=1,
        beneficiaries=value,
    )
    row = _run(w, lambda s: record_delivery(s, actor=w.editor, agency_id=w.agency_id, data=data))
    return _read(w, ServiceDelivery, row.id, "beneficiaries")


def norm(w: World, value: object) -> Any:
    data = ServiceTypeInput(_unique(), "باب", None, value)
    service = _run(w, lambda s: create_service_type(s, actor=w.secretariat, data=data))
    return _read(w, ServiceType, service.id, "norm_per_1000")


def capacity(w: World, value: object) -> Any:
    data = ServiceTypeInput(_unique(), "باب", None, None)
    service = _run(w, lambda s: create_service_type(s, actor=w.secretariat, data=data))
    row = _run(
        w,
        lambda s: set_capacity(
            s,
            actor=w.editor,
            agency_id=w.agency_id,
            service_type_id=service.id,
            total_units=value,
            target_units=0,
            expected_version=None,
        ),
    )
    return _read(w, AgencyCapacity, row.id, "total_units")


def figure(w: World, value: object) -> Any:
    year = next(w.years)
    row = _run(
        w,
        lambda s: submit_report(
            s,
            actor=w.editor,
            agency_id=w.agency_id,
            period_kind="season",
            period_year=year,
            period_no=1,
            body="گزارش فصل نخست محلات هدف",
            figures={"بهره‌مندان": value},
        ),
    )
    import json

    return json.loads(_read(w, PerformanceReport, row.id, "figures_json"))["بهره‌مندان"]


def progress(w: World, value: object) -> Any:
    version = _read(w, Assignment, w.assignment_id, "version")
    changes = AssignmentChanges(progress=value)
    _run(
        w,
        lambda s: update_assignment(
            s,
            actor=w.editor,
            assignment_id=w.assignment_id,
            expected_version=version,
            changes=changes,
        ),
    )
    return _read(w, Assignment, w.assignment_id, "progress")


def meeting_number(w: World, value: object) -> Any:
    data = MeetingInput(value, "1403/01/15", "", "استانداری", "معاون")
    meeting = _run(w, lambda s: create_meeting(s, actor=w.secretariat, data=data))
    return _read(w, Meeting, meeting.id, "number")


# (form, the Persian name of its field, whether it takes fractions, its largest value)
NUMBER_FORMS = [
    (population, "جمعیت", False, 2_000_000_000),
    (households, "خانوار", False, 2_000_000_000),
    (beneficiaries, "تعداد بهره‌مندان", False, 100_000_000),
    (units, "میزان خدمت ارائه‌شده", True, 1_000_000_000),
    (norm, "سرانه در هر هزار نفر", True, 1_000_000),
    (capacity, "ظرفیت کل", True, 1_000_000_000),
    (progress, "پیشرفت", False, 100),
    (meeting_number, "شماره جلسه", False, 99_999),
]
SMALL = [("۴۰", 40), ("٤٠", 40), ("40", 40), (" ۴۰ ", 40), ("\u200f۴۰\u200e", 40), ("۴۰٫۰", 40)]
LARGE = [("12,500", 12500), ("۱۲٬۵۰۰", 12500), ("١٢٬٥٠٠", 12500), ("12 500", 12500)]
FORM_IDS = [f.__name__ for f, *_ in NUMBER_FORMS]


@pytest.mark.parametrize(("form", "label", "fractions", "high"), NUMBER_FORMS, ids=FORM_IDS)
def test_every_number_form_reads_the_same_digits(
    world: World, form: Any, label: str, fractions: bool, high: int
) -> None:
    cases = SMALL + (LARGE if high >= 12500 else [])
    if form is meeting_number:
        cases = cases[:1]  # a meeting number is taken once
    for typed, value in cases:
        assert form(world, typed) == value, (form.__name__, typed)
    if fractions:
        assert form(world, "۲٫۵") == 2.5
        assert form(world, "2/5") == 2.5


@pytest.mark.parametrize(("form", "label", "fractions", "high"), NUMBER_FORMS, ids=FORM_IDS)
def test_every_number_form_refuses_with_the_same_message(
    world: World, form: Any, label: str, fractions: bool, high: int
) -> None:
    expected = {
        "چهل": f"«{label}» باید عدد باشد، مثلاً ۱۲٬۵۰۰ یا ۲٫۵ (نوشته شده: «چهل»).",
        "1e5": f"«{label}» باید عدد باشد، مثلاً ۱۲٬۵۰۰ یا ۲٫۵ (نوشته شده: «1e5»).",
    }
    if form is progress:  # a percentage says its range
        expected = {
            k: f"«{label}» باید عدد صحیحی بین ۰ تا ۱۰۰ باشد (نوشته شده: «{k}»)." for k in expected
        }
    elif not fractions:
        expected["۴۰٫۵"] = f"«{label}» باید عدد صحیح و بدون اعشار باشد (نوشته شده: «۴۰٫۵»)."
    for typed, message in expected.items():
        with pytest.raises(ValidationError) as refused:
            form(world, typed)
        assert message in [e.message for e in refused.value.errors], (form.__name__, typed)


def test_a_report_figure_reads_the_same_digits(world: World) -> None:
    for typed, value in SMALL + LARGE:
        assert figure(world, typed) == value, typed


# --- dates --------------------------------------------------------------------------------


def held_on(w: World, value: object) -> Any:
    data = MeetingInput(next(w.years) + 100, value, "", "استانداری", "معاون")
    meeting = _run(w, lambda s: create_meeting(s, actor=w.secretariat, data=data))
    return _read(w, Meeting, meeting.id, "held_on")


def due_date(w: World, value: object) -> Any:
    with read_session(w.url) as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == 7)).one()
    number = next(w.years)
    res = _run(
        w,
        lambda s: add_resolution(
            s,
            actor=w.secretariat,
            meeting_id=meeting.id,
            number=number,
            text="مصوبهٔ آزمایشی",
            owners=OwnerSpec(False, (w.agency_id,)),
            due_date=value,
        ),
    )
    return _read(w, Resolution, res.id, "due_date")


def announced_on(w: World, value: object) -> Any:
    data = NeighborhoodInput("مرکز", _unique(), 100, 10, "حاد", announced_on=value)
    hood = _run(w, lambda s: create_neighborhood(s, actor=w.secretariat, data=data))
    return _read(w, Neighborhood, hood.id, "announced_on")


DATE_FORMS = [
    (held_on, "تاریخ جلسه"),
    (due_date, "مهلت انجام"),
    (announced_on, "تاریخ اعلام"),
]
DATES = [
    ("۱۴۰۳/۱۲/۳۰", date(2025, 3, 20)),
    ("1403-12-30", date(2025, 3, 20)),
    ("۳۰/۱۲/۱۴۰۳", date(2025, 3, 20)),
]


@pytest.mark.parametrize(("form", "label"), DATE_FORMS, ids=[f.__name__ for f, _ in DATE_FORMS])
def test_every_date_form_reads_the_same_jalali_dates(world: World, form: Any, label: str) -> None:
    for typed, day in DATES:
        assert form(world, typed) == day, typed
    with pytest.raises(ValidationError) as refused:
        form(world, "1404/12/30")
    messages = [e.message for e in refused.value.errors]
    assert (
        f"«{label}»: تاریخ ۱۴۰۴/۱۲/۳۰ وجود ندارد: اسفند ۱۴۰۴ ۲۹ روز دارد. (نوشته شده: «1404/12/30»)"
        in messages
    )


# --- text ---------------------------------------------------------------------------------


def next_step(w: World, value: str) -> Any:
    version = _read(w, Assignment, w.assignment_id, "version")
    changes = AssignmentChanges(next_step=value)
    _run(
        w,
        lambda s: update_assignment(
            s,
            actor=w.editor,
            assignment_id=w.assignment_id,
            expected_version=version,
            changes=changes,
        ),
    )
    return _read(w, Assignment, w.assignment_id, "next_step")


def hood_name(w: World, value: str) -> Any:
    data = NeighborhoodInput("مرکز", value + _unique(), 100, 10, "حاد")
    hood = _run(w, lambda s: create_neighborhood(s, actor=w.secretariat, data=data))
    return _read(w, Neighborhood, hood.id, "name").rsplit("نمونه", 1)[0]


def delivery_note(w: World, value: str) -> Any:
    data = DeliveryInput(
        neighborhood_id=w.hood_id, service_type_id=w.service_id, year=1403, units=1, note=value
    )
    row = _run(w, lambda s: record_delivery(s, actor=w.editor, agency_id=w.agency_id, data=data))
    return _read(w, ServiceDelivery, row.id, "note")


TEXTS = [
    ("علي كتاب", "علی کتاب"),
    ("می\u200c\u200cخواهم", "می\u200cخواهم"),
    ("\u200bپل\u200e ", "پل"),
    ("\u202eپایان\u202c", "پایان"),
    ("  دو   فاصله ", "دو فاصله"),
]


@pytest.mark.parametrize("form", [next_step, hood_name, delivery_note], ids=lambda f: f.__name__)
def test_every_text_form_stores_the_same_tidy_text(world: World, form: Any) -> None:
    for typed, stored in TEXTS:
        assert form(world, typed + " ").strip() == stored, typed
