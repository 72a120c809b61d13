"""Tests for data_layer.commands.services: deliveries, capacity, reports, the report rule.

Every test runs on SQLite and on PostgreSQL (`db_url`) and checks what the database holds
after each action. NOW = 2026-11-28 08:30 UTC = 1405/09/07 (autumn, season 3, of 1405).

Hand-computed Jalali bounds used below:
  1405 (whole year)  2026-03-21 .. 2027-03-20 (1405 is not a leap year)
  autumn 1405 (s 3)  2026-09-23 .. 2026-12-21
  summer 1405 (s 2)  2026-06-22 .. 2026-09-22
  winter 1405 (s 4)  starts 2026-12-22: a future period on NOW
  Dey 1405 (m 10)    starts 2026-12-22: a future month on NOW
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from data_layer.commands.capacity import set_capacity
from data_layer.commands.deliveries import (
    DeliveryInput,
    record_delivery,
    update_delivery,
    withdraw_delivery,
)
from data_layer.commands.reports import submit_report
from data_layer.commands.settings import set_report_rule
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from data_layer.models import (
    Agency,
    AgencyCapacity,
    AppSetting,
    County,
    HistoryEntry,
    Neighborhood,
    PerformanceReport,
    Role,
    ServiceDelivery,
    ServiceType,
    User,
)
from data_layer.permissions import Actor
from data_layer.queries.settings import REPORT_RULE_KEY, get_report_rule
from data_layer.rules.completeness import ReportRule

NOW = datetime(2026, 11, 28, 8, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=3)
AUTUMN = (date(2026, 9, 23), date(2026, 12, 21))
SUMMER = (date(2026, 6, 22), date(2026, 9, 22))
YEAR_1405 = (date(2026, 3, 21), date(2027, 3, 20))
PERSIAN = re.compile("[\u0600-\u06ff]")
BODY = "در این فصل ۱۲ جلسه مشاوره خانواده در محله برگزار شد."
OTHERS = ["admin", "secretariat", "viewer", "other_editor"]


@dataclass(frozen=True)
class World:
    """The people, places and services the tests act on."""

    url: str
    agency: int  # the editor's agency
    other_agency: int
    hood: int
    other_hood: int
    inactive_hood: int
    service: int
    other_service: int
    inactive_service: int
    people: dict[str, Actor]

    @property
    def editor(self) -> Actor:
        return self.people["editor"]


def _add(session: Session, obj: Any) -> int:
    session.add(obj)
    session.flush()
    return int(obj.id)


@pytest.fixture
def world(db_url: str) -> World:
    with write_session(db_url) as s:
        edu = _add(s, Agency(name="اداره کل آموزش و پرورش", short_name="آموزش"))
        wel = _add(s, Agency(name="اداره کل بهزیستی", short_name="بهزیستی"))
        county = _add(s, County(name="مرکزی"))
        hoods = [
            _add(s, Neighborhood(county_id=county, name=name, population=1000, active=active))
            for name, active in (("الف", True), ("ب", True), ("پ", False))
        ]
        services = [
            _add(s, ServiceType(name=name, norm_per_1000=1, active=active))
            for name, active in (("مشاوره", True), ("کتابخانه", True), ("قدیمی", False))
        ]

        def actor(username: str, full_name: str, role: Role, agency: int | None = None) -> Actor:
            user = User(
                username=username,
                full_name=full_name,
                password_hash="not-a-real-hash",
                role=role.value,
                agency_id=agency,
            )
            user_id = _add(s, user)
            return Actor(user_id, username, full_name, role.value, agency)

        people = {
            "admin": actor("admin", "مدیر سامانه", Role.ADMIN),
            "secretariat": actor("secretariat", "مریم احمدی", Role.SECRETARIAT),
            "viewer": actor("viewer", "علی رضایی", Role.VIEWER),
            "editor": actor("education", "حسین محمدی", Role.AGENCY_EDITOR, edu),
            "colleague": actor("education2", "زهرا کریمی", Role.AGENCY_EDITOR, edu),
            "other_editor": actor("welfare", "فاطمه حسینی", Role.AGENCY_EDITOR, wel),
        }
    hood, other_hood, inactive_hood = hoods
    service, other_service, inactive_service = services
    return World(
        db_url,
        edu,
        wel,
        hood,
        other_hood,
        inactive_hood,
        service,
        other_service,
        inactive_service,
        people,
    )


# --- helpers -----------------------------------------------------------------------------------


def delivery_input(w: World, **changes: Any) -> DeliveryInput:
    base = DeliveryInput(neighborhood_id=w.hood, service_type_id=w.service, year=1405, units=3)
    return replace(base, **changes)


def record(w: World, actor: Actor | None = None, agency: int | None = None, **changes: Any) -> int:
    with write_session(w.url) as s:
        row = record_delivery(
            s,
            actor=actor or w.editor,
            agency_id=w.agency if agency is None else agency,
            data=delivery_input(w, **changes),
            now=NOW,
        )
        assert row.id is not None
        return row.id


def edit(
    w: World, delivery_id: int, version: int, actor: Actor | None = None, **changes: Any
) -> bool:
    with write_session(w.url) as s:
        return update_delivery(
            s,
            actor=actor or w.editor,
            delivery_id=delivery_id,
            expected_version=version,
            data=delivery_input(w, **changes),
            now=LATER,
        )


def capacity(
    w: World,
    total: object,
    target: object,
    version: int | None,
    actor: Actor | None = None,
    note: str = "",
    service: int | None = None,
) -> AgencyCapacity:
    with write_session(w.url) as s:
        return set_capacity(
            s,
            actor=actor or w.editor,
            agency_id=w.agency,
            service_type_id=w.service if service is None else service,
            total_units=total,
            target_units=target,
            expected_version=version,
            note=note,
            now=NOW,
        )


def report(
    w: World,
    *,
    kind: str = "season",
    year: object = 1405,
    number: object = 3,
    body: str = BODY,
    figures: dict[str, object] | None = None,
    version: int | None = None,
    actor: Actor | None = None,
    now: datetime = NOW,
) -> PerformanceReport:
    with write_session(w.url) as s:
        return submit_report(
            s,
            actor=actor or w.editor,
            agency_id=w.agency,
            period_kind=kind,
            period_year=year,
            period_no=number,
            body=body,
            figures={"sessions": 12} if figures is None else figures,
            expected_version=version,
            now=now,
        )


def rows(url: str, model: Any) -> list[Any]:
    with read_session(url) as s:
        return list(s.exec(select(model).order_by(col(model.id))))


def history(url: str, entity: str | None = None) -> list[HistoryEntry]:
    with read_session(url) as s:
        stmt = select(HistoryEntry).order_by(col(HistoryEntry.id))
        if entity is not None:
            stmt = stmt.where(HistoryEntry.entity == entity)
        return list(s.exec(stmt))


def count(url: str, model: Any) -> int:
    with read_session(url) as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


def fields_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e.field for e in exc.value.errors}


# --- deliveries: recording --------------------------------------------------------------------


def test_record_delivery_writes_the_row_and_its_history(world: World) -> None:
    delivery_id = record(
        world, year="۱۴۰۵", season="۳", units="۲٫۵", beneficiaries="۱۲۰", note="  ادامه دارد  "
    )
    [row] = rows(world.url, ServiceDelivery)
    assert row.id == delivery_id
    assert (row.agency_id, row.neighborhood_id, row.service_type_id) == (
        world.agency,
        world.hood,
        world.service,
    )
    assert (row.period_start, row.period_end) == AUTUMN
    assert (row.units, row.beneficiaries, row.status, row.note) == (
        2.5,
        120,
        "active",
        "ادامه دارد",
    )
    assert (row.version, row.updated_by_id, row.updated_at, row.withdrawn) == (
        1,
        world.editor.user_id,
        NOW,
        False,
    )
    [entry] = history(world.url)
    assert (entry.entity, entry.entity_id, entry.field, entry.user_id, entry.changed_at) == (
        "delivery",
        delivery_id,
        "created",
        world.editor.user_id,
        NOW,
    )
    assert entry.old_value is None
    assert json.loads(entry.new_value or "")["units"] == 2.5


def test_no_season_means_the_whole_jalali_year(world: World) -> None:
    record(world, season=None)
    record(world, season="  ", status="planned", beneficiaries="")
    first, second = rows(world.url, ServiceDelivery)
    assert (first.period_start, first.period_end) == YEAR_1405
    assert (second.period_start, second.period_end) == YEAR_1405
    assert (second.status, second.beneficiaries) == ("planned", 0)


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_agencys_own_editor_records(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied) as exc:
        record(world, actor=world.people[who])
    assert PERSIAN.search(exc.value.message)
    # Nor may an editor record in another agency's name.
    with pytest.raises(PermissionDenied):
        record(world, agency=world.other_agency)
    assert count(world.url, ServiceDelivery) == 0
    assert count(world.url, HistoryEntry) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"units": -1}, "units"),
        ({"units": "abc"}, "units"),
        ({"units": ""}, "units"),
        ({"units": "nan"}, "units"),
        ({"units": True}, "units"),
        ({"season": 5}, "season"),
        ({"season": "۰"}, "season"),
        ({"season": 2.5}, "season"),
        ({"year": 1300}, "year"),
        ({"year": "۱۳۸۹"}, "year"),
        ({"year": 1501}, "year"),
        ({"year": "سال"}, "year"),
        ({"beneficiaries": -3}, "beneficiaries"),
        ({"beneficiaries": "1.5"}, "beneficiaries"),
        ({"status": "done"}, "status"),
        ({"note": "ن" * 1001}, "note"),
        ({"note": "ب" * 1001}, "note"),
        ({"neighborhood_id": 999_999}, "neighborhood_id"),
        ({"service_type_id": 999_999}, "service_type_id"),
    ],
)
def test_bad_delivery_input_is_refused_and_nothing_written(
    world: World, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        record(world, **changes)
    assert fields_of(exc) == {field}
    assert all(PERSIAN.search(e.message) for e in exc.value.errors)
    assert count(world.url, ServiceDelivery) == 0
    assert count(world.url, HistoryEntry) == 0


def test_inactive_neighbourhood_or_service_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        record(world, neighborhood_id=world.inactive_hood, service_type_id=world.inactive_service)
    assert fields_of(exc) == {"neighborhood_id", "service_type_id"}
    assert count(world.url, ServiceDelivery) == 0


def test_every_problem_is_reported_at_once(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        record(world, units="abc", season=5, year=1300, note="ن" * 1001)
    assert fields_of(exc) == {"units", "season", "year", "note"}
    assert "«میزان خدمت ارائه‌شده»" in exc.value.message


# --- deliveries: updating and withdrawing ------------------------------------------------------


def test_update_writes_one_history_row_per_changed_field(world: World) -> None:
    delivery_id = record(world, season=3)
    assert edit(world, delivery_id, 1, season=2, units="۴", status="completed") is True
    [row] = rows(world.url, ServiceDelivery)
    assert (row.period_start, row.period_end) == SUMMER
    assert (row.units, row.status, row.version, row.updated_at) == (4.0, "completed", 2, LATER)
    changes = [
        (h.field, h.old_value, h.new_value) for h in history(world.url, "delivery")[1:]
    ]  # after "created"
    assert changes == [
        ("period_start", "2026-09-23", "2026-06-22"),
        ("period_end", "2026-12-21", "2026-09-22"),
        ("units", "3.0", "4.0"),
        ("status", "active", "completed"),
    ]
    # The same values again: nothing changes, no history, no new version.
    assert edit(world, delivery_id, 2, season=2, units=4, status="completed") is False
    assert rows(world.url, ServiceDelivery)[0].version == 2
    assert len(history(world.url)) == 5


def test_a_colleague_of_the_same_agency_may_update(world: World) -> None:
    delivery_id = record(world)
    assert edit(world, delivery_id, 1, actor=world.people["colleague"], units=5)
    assert rows(world.url, ServiceDelivery)[0].updated_by_id == world.people["colleague"].user_id


def test_stale_version_is_a_conflict_naming_who_saved(world: World) -> None:
    delivery_id = record(world)
    assert edit(world, delivery_id, 1, actor=world.people["colleague"], units=7)
    with pytest.raises(ConflictError) as exc:
        edit(world, delivery_id, 1, units=9)  # the form still shows version 1
    assert exc.value.saved_by == "زهرا کریمی"
    assert "زهرا کریمی" in exc.value.message and "۷" in exc.value.message
    assert exc.value.theirs["units"] == 7.0
    [row] = rows(world.url, ServiceDelivery)
    assert (row.units, row.version) == (7.0, 2)
    assert [h.field for h in history(world.url)] == ["created", "units"]


@pytest.mark.parametrize("who", OTHERS)
def test_others_may_not_update_or_withdraw(world: World, who: str) -> None:
    delivery_id = record(world)
    with pytest.raises(PermissionDenied):
        edit(world, delivery_id, 1, actor=world.people[who], units=8)
    with (
        pytest.raises(PermissionDenied),
        write_session(world.url) as s,
    ):
        withdraw_delivery(
            s, actor=world.people[who], delivery_id=delivery_id, reason="اشتباه", now=LATER
        )
    [row] = rows(world.url, ServiceDelivery)
    assert (row.units, row.version, row.withdrawn) == (3.0, 1, False)
    assert len(history(world.url)) == 1


def test_bad_update_is_refused_and_nothing_written(world: World) -> None:
    delivery_id = record(world)
    with pytest.raises(ValidationError) as exc:
        edit(world, delivery_id, 1, units=-1, neighborhood_id=world.inactive_hood)
    assert fields_of(exc) == {"units", "neighborhood_id"}
    [row] = rows(world.url, ServiceDelivery)
    assert (row.units, row.neighborhood_id, row.version) == (3.0, world.hood, 1)
    assert len(history(world.url)) == 1


def test_a_row_in_a_since_deactivated_neighbourhood_stays_editable(world: World) -> None:
    delivery_id = record(world)
    with write_session(world.url) as s:
        hood = s.get(Neighborhood, world.hood)
        assert hood is not None
        hood.active = False
    assert edit(world, delivery_id, 1, units=6)
    with pytest.raises(ValidationError):  # but no new row there
        record(world)


def test_withdraw_keeps_the_row_and_records_the_reason(world: World) -> None:
    delivery_id = record(world)
    with write_session(world.url) as s:
        withdraw_delivery(
            s, actor=world.editor, delivery_id=delivery_id, reason="ثبت تکراری", now=LATER
        )
    [row] = rows(world.url, ServiceDelivery)
    assert (row.withdrawn, row.version, row.units, row.updated_at) == (True, 2, 3.0, LATER)
    last = history(world.url)[-1]
    assert (last.field, last.old_value, last.new_value, last.reason) == (
        "withdrawn",
        "False",
        "True",
        "ثبت تکراری",
    )
    with pytest.raises(NotFound):
        edit(world, delivery_id, 2, units=1)
    with pytest.raises(NotFound), write_session(world.url) as s:
        withdraw_delivery(s, actor=world.editor, delivery_id=delivery_id, reason="دوباره")
    assert len(history(world.url)) == 2


def test_withdraw_needs_a_reason(world: World) -> None:
    delivery_id = record(world)
    with pytest.raises(ValidationError) as exc, write_session(world.url) as s:
        withdraw_delivery(s, actor=world.editor, delivery_id=delivery_id, reason="   ")
    assert fields_of(exc) == {"reason"}
    assert rows(world.url, ServiceDelivery)[0].withdrawn is False


# --- capacity ----------------------------------------------------------------------------------


def test_capacity_is_created_then_updated_with_history(world: World) -> None:
    created = capacity(world, "۱۰۰", "۲۰", None, note="بر اساس آمار ۱۴۰۵")
    assert (created.total_units, created.target_units, created.version) == (100.0, 20.0, 1)
    assert created.as_of == date(2026, 11, 28)
    assert [(h.field, h.old_value, h.new_value) for h in history(world.url, "capacity")] == [
        ("total_units", None, "100.0"),
        ("target_units", None, "20.0"),
        ("note", None, "بر اساس آمار ۱۴۰۵"),
    ]
    updated = capacity(world, 100, 35.5, 1, note="بر اساس آمار ۱۴۰۵")
    assert (updated.target_units, updated.version) == (35.5, 2)
    [row] = rows(world.url, AgencyCapacity)
    assert (row.total_units, row.target_units, row.version) == (100.0, 35.5, 2)
    assert [(h.field, h.old_value, h.new_value) for h in history(world.url, "capacity")][3:] == [
        ("target_units", "20.0", "35.5")
    ]
    assert {h.entity_id for h in history(world.url, "capacity")} == {row.id}


def test_capacity_conflicts(world: World) -> None:
    capacity(world, 100, 20, None, actor=world.people["colleague"])
    with pytest.raises(ConflictError) as exc:  # the form thought there was no row yet
        capacity(world, 50, 10, None)
    assert exc.value.saved_by == "زهرا کریمی" and "زهرا کریمی" in exc.value.message
    capacity(world, 100, 30, 1, actor=world.people["colleague"])
    with pytest.raises(ConflictError):  # the form showed version 1, it is now 2
        capacity(world, 100, 40, 1)
    [row] = rows(world.url, AgencyCapacity)
    assert (row.target_units, row.version) == (30.0, 2)
    assert len(history(world.url, "capacity")) == 3


@pytest.mark.parametrize(
    ("total", "target", "fields"),
    [
        (10, 20, {"target_units"}),
        ("۱۰", "۱۰٫۵", {"target_units"}),
        (-1, 0, {"total_units"}),
        (10, -1, {"target_units"}),
        ("abc", 1, {"total_units"}),
        ("", "", {"total_units", "target_units"}),
    ],
)
def test_bad_capacity_is_refused_and_nothing_written(
    world: World, total: object, target: object, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as exc:
        capacity(world, total, target, None)
    assert fields_of(exc) == fields
    assert count(world.url, AgencyCapacity) == 0 and count(world.url, HistoryEntry) == 0


def test_target_above_total_says_which_numbers(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        capacity(world, 10, 20, None)
    assert "«ظرفیت کل» (۱۰)" in exc.value.message and "(۲۰)" in exc.value.message


def test_capacity_of_an_inactive_service_or_an_overlong_note_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        capacity(world, 10, 5, None, service=world.inactive_service, note="ن" * 1001)
    assert fields_of(exc) == {"service_type_id", "note"}
    assert count(world.url, AgencyCapacity) == 0


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_agencys_editor_sets_capacity(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        capacity(world, 10, 5, None, actor=world.people[who])
    assert count(world.url, AgencyCapacity) == 0 and count(world.url, HistoryEntry) == 0


# --- performance reports -----------------------------------------------------------------------


def test_report_first_submission_then_resubmission_keeps_submitted_at(world: World) -> None:
    first = report(world, figures={"جلسات": "۱۲", "خانوارها": 40.5})
    assert (first.submitted_at, first.submitted_by_id, first.version) == (
        NOW,
        world.editor.user_id,
        1,
    )
    assert json.loads(first.figures_json) == {"جلسات": 12, "خانوارها": 40.5}
    [entry] = history(world.url, "report")
    assert (entry.field, entry.new_value, entry.entity_id) == ("submitted", "پاییز ۱۴۰۵", first.id)

    again = report(
        world,
        body=BODY + " گزارش تکمیلی.",
        figures={"جلسات": 14, "خانوارها": 40.5},
        version=1,
        actor=world.people["colleague"],
        now=LATER,
    )
    assert (again.id, again.version, again.submitted_at) == (first.id, 2, NOW)
    [row] = rows(world.url, PerformanceReport)
    assert (row.submitted_at, row.submitted_by_id, row.version) == (NOW, world.editor.user_id, 2)
    assert row.body.endswith("گزارش تکمیلی.")
    changes = [(h.field, h.user_id, h.changed_at) for h in history(world.url, "report")[1:]]
    colleague = world.people["colleague"].user_id
    assert changes == [("body", colleague, LATER), ("figures_json", colleague, LATER)]


def test_report_resubmission_needs_the_shown_version(world: World) -> None:
    report(world)
    with pytest.raises(ConflictError) as exc:
        report(world, body=BODY + " نسخه دوم", actor=world.people["colleague"])
    assert exc.value.saved_by == "حسین محمدی"
    report(world, body=BODY + " نسخه دوم", version=1, actor=world.people["colleague"])
    with pytest.raises(ConflictError) as exc:
        report(world, body=BODY + " نسخه سوم", version=1)
    assert exc.value.saved_by == "زهرا کریمی"
    [row] = rows(world.url, PerformanceReport)
    assert (row.body, row.version) == (BODY + " نسخه دوم", 2)


def test_monthly_report_of_the_current_month(world: World) -> None:
    row = report(world, kind="month", number="۹")
    assert (row.period_kind, row.period_year, row.period_no) == ("month", 1405, 9)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"number": 4}, {"period_no"}),  # winter 1405 starts 2026-12-22
        ({"kind": "month", "number": 10}, {"period_no"}),  # Dey 1405 too
        ({"year": 1406, "number": 1}, {"period_no"}),
        ({"number": 5}, {"period_no"}),
        ({"kind": "month", "number": 13}, {"period_no"}),
        ({"kind": "year"}, {"period_kind"}),
        ({"year": 1300}, {"period_year"}),
        ({"body": ""}, {"body"}),
        ({"body": "   "}, {"body"}),
        ({"body": "کوتاه"}, {"body"}),  # 5 characters < 10
        ({"body": "ب" * 5001}, {"body"}),
        ({"figures": {"جلسات": "دوازده"}}, {"figures"}),
        ({"figures": {"جلسات": None}}, {"figures"}),
        ({"figures": {"ن" * 101: 1}}, {"figures"}),
        ({"figures": {"": 1}}, {"figures"}),
    ],
)
def test_bad_report_is_refused_and_nothing_written(
    world: World, changes: dict[str, Any], fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as exc:
        report(world, **changes)
    assert fields_of(exc) == fields
    assert all(PERSIAN.search(e.message) for e in exc.value.errors)
    assert count(world.url, PerformanceReport) == 0 and count(world.url, HistoryEntry) == 0


def test_a_future_period_message_names_it(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        report(world, number=4)
    assert "زمستان ۱۴۰۵" in exc.value.message and "۱۴۰۵/۱۰/۰۱" in exc.value.message


def test_the_period_starts_in_tehran_time(world: World) -> None:
    # 2026-12-21 21:00 UTC is 2026-12-22 00:30 in Tehran: winter 1405 has started there.
    row = report(world, number=4, now=datetime(2026, 12, 21, 21, 0, tzinfo=UTC))
    assert row.period_no == 4
    with pytest.raises(ValidationError):  # 20:29 UTC is still 23:59 of autumn
        report(world, number=4, year=1405, now=datetime(2026, 12, 21, 20, 29, tzinfo=UTC))


@pytest.mark.parametrize("who", OTHERS)
def test_only_the_agencys_editor_reports(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        report(world, actor=world.people[who])
    assert count(world.url, PerformanceReport) == 0 and count(world.url, HistoryEntry) == 0


# --- the report rule ------------------------------------------------------------------------------


def test_report_rule_default_set_and_history(world: World) -> None:
    with read_session(world.url) as s:
        assert get_report_rule(s) == ReportRule("season", 10)
    with write_session(world.url) as s:
        rule = set_report_rule(
            s, actor=world.people["secretariat"], period_kind="month", days_after_period_end="۱۵"
        )
    assert rule == ReportRule("month", 15)
    with read_session(world.url) as s:
        assert get_report_rule(s) == ReportRule("month", 15)
    with write_session(world.url) as s:  # the same rule again is no change
        set_report_rule(
            s, actor=world.people["secretariat"], period_kind="month", days_after_period_end=15
        )
        set_report_rule(
            s, actor=world.people["secretariat"], period_kind="season", days_after_period_end=0
        )
    entries = history(world.url, "setting")
    assert [(h.field, h.user_id) for h in entries] == [
        (REPORT_RULE_KEY, world.people["secretariat"].user_id),
        (REPORT_RULE_KEY, world.people["secretariat"].user_id),
    ]
    assert entries[0].old_value is None
    assert json.loads(entries[1].old_value or "") == {
        "days_after_period_end": 15,
        "period_kind": "month",
    }
    assert json.loads(entries[1].new_value or "")["days_after_period_end"] == 0


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_report_rule_needs_manage_settings(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied), write_session(world.url) as s:
        set_report_rule(s, actor=world.people[who], period_kind="season", days_after_period_end=5)
    assert count(world.url, AppSetting) == 0 and count(world.url, HistoryEntry) == 0


@pytest.mark.parametrize(
    ("kind", "days", "fields"),
    [
        ("season", 91, {"days_after_period_end"}),
        ("season", -1, {"days_after_period_end"}),
        ("season", "ده", {"days_after_period_end"}),
        ("season", 2.5, {"days_after_period_end"}),
        ("year", 10, {"period_kind"}),
    ],
)
def test_bad_report_rule_is_refused(
    world: World, kind: str, days: object, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as exc, write_session(world.url) as s:
        set_report_rule(
            s, actor=world.people["secretariat"], period_kind=kind, days_after_period_end=days
        )
    assert fields_of(exc) == fields
    assert count(world.url, AppSetting) == 0 and count(world.url, HistoryEntry) == 0


@pytest.mark.parametrize("stored", ["not json", '{"period_kind": "year"}', '{"x": 1}', "[]"])
def test_an_unreadable_stored_rule_falls_back_to_the_default(world: World, stored: str) -> None:
    with write_session(world.url) as s:
        s.add(AppSetting(key=REPORT_RULE_KEY, value=stored))
    with read_session(world.url) as s:
        assert get_report_rule(s) == ReportRule()


def test_a_concurrent_first_save_is_a_conflict_not_a_crash(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first saves of the same (agency, service): the unique row refuses the second."""
    from data_layer.commands import capacity as services

    capacity(world, 100, 20, None, actor=world.people["colleague"])
    real = services._row
    calls: list[int] = []

    def not_there_yet(session: Session, agency_id: int, service_type_id: int) -> Any:
        calls.append(1)  # the first look happens before the colleague's row is visible
        return None if len(calls) == 1 else real(session, agency_id, service_type_id)

    monkeypatch.setattr(services, "_row", not_there_yet)
    with pytest.raises(ConflictError) as exc:
        capacity(world, 50, 10, None)
    assert exc.value.saved_by == "زهرا کریمی"
    [row] = rows(world.url, AgencyCapacity)
    assert (row.total_units, row.version) == (100.0, 1)
    assert len(history(world.url, "capacity")) == 2
