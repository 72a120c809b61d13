"""data_layer.commands.indicators: the catalogue, baselines and targets, values saved
from the grid and from a spreadsheet, verification — on SQLite and PostgreSQL.

The test clock stands at 2026-11-28 = 1405/09/07 (autumn 1405, season 3): winter 1405
(season 4) has not begun, so it is "a period in the future".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, col, select

from data_layer.commands.indicators import (
    IndicatorInput,
    TargetInput,
    create_indicator,
    save_indicator_values,
    set_indicator_target,
    update_indicator,
    verify_indicator_value,
)
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, PermissionDenied, ValidationError
from data_layer.input.indicator_values import LABELS, ValueRow
from data_layer.models import Agency, County, HistoryEntry, Neighborhood, Role, User
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue
from data_layer.permissions import Actor


@dataclass(frozen=True)
class World:
    url: str
    edu: int
    wel: int
    hood: int
    other_hood: int
    people: dict[str, Actor]


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
        hood = _add(s, Neighborhood(county_id=county, name="الف", population=1000))
        other = _add(s, Neighborhood(county_id=county, name="ب", population=2000))

        def actor(username: str, role: Role, agency: int | None = None) -> Actor:
            user = User(
                username=username,
                full_name=username,
                password_hash="x",
                role=role.value,
                agency_id=agency,
            )
            return Actor(_add(s, user), username, username, role.value, agency)

        people = {
            "secretariat": actor("secretariat", Role.SECRETARIAT),
            "editor": actor("education", Role.AGENCY_EDITOR, edu),
            "other_editor": actor("welfare", Role.AGENCY_EDITOR, wel),
            "viewer": actor("viewer", Role.VIEWER),
        }
    return World(db_url, edu, wel, hood, other, people)


def literacy(w: World, **changes: Any) -> IndicatorInput:
    base = IndicatorInput(
        name="نرخ باسوادی",
        definition="درصد افراد ۶ سال به بالا که خواندن و نوشتن می‌دانند",
        unit="درصد",
        direction="higher",
        period_kind="season",
        agency_id=w.edu,
        measure="percent",
        numerator_label="باسوادان",
        denominator_label="جمعیت ۶ سال به بالا",
    )
    return replace(base, **changes)


def define(w: World, **changes: Any) -> int:
    with write_session(w.url) as s:
        row = create_indicator(s, actor=w.people["secretariat"], data=literacy(w, **changes))
        return int(row.id or 0)


def target(w: World, ind: int, version: int | None = None, **changes: Any) -> None:
    data = TargetInput(
        baseline_value=40, baseline_period="زمستان ۱۴۰۳", target_value=60, target_on="1406/12/29"
    )
    with write_session(w.url) as s:
        set_indicator_target(
            s,
            actor=w.people["secretariat"],
            neighborhood_id=w.hood,
            indicator_id=ind,
            expected_version=version,
            data=replace(data, **changes),
        )


def save(w: World, rows: list[ValueRow], who: str = "editor") -> int:
    with write_session(w.url) as s:
        return save_indicator_values(s, actor=w.people[who], rows=rows)


def values(w: World) -> list[tuple[Any, ...]]:
    with read_session(w.url) as s:
        return [
            (v.neighborhood_id, v.period_year, v.period_no, v.value, v.verification, v.version)
            for v in s.execute(select(IndicatorValue).order_by(col(IndicatorValue.id))).scalars()
        ]


def history(w: World, entity: str) -> list[tuple[str, str | None]]:
    with read_session(w.url) as s:
        rows = s.execute(
            select(HistoryEntry)
            .where(col(HistoryEntry.entity) == entity)
            .order_by(col(HistoryEntry.id))
        ).scalars()
        return [(h.field, h.new_value) for h in rows]


# --- catalogue ---------------------------------------------------------------------------------


def test_the_secretariat_defines_and_changes_an_indicator_with_history(world: World) -> None:
    ind = define(world)
    with read_session(world.url) as s:
        row = s.get(Indicator, ind)
        assert row is not None
        assert (row.measure, row.per_multiplier, row.version) == ("percent", 100.0, 1)
    with write_session(world.url) as s:
        assert update_indicator(
            s,
            actor=world.people["secretariat"],
            indicator_id=ind,
            expected_version=1,
            data=literacy(world, unit="درصد جمعیت"),
        )
    assert history(world, "indicator")[-1] == ("unit", "درصد جمعیت")
    with write_session(world.url) as s, pytest.raises(ConflictError):
        update_indicator(
            s,
            actor=world.people["secretariat"],
            indicator_id=ind,
            expected_version=1,
            data=literacy(world, unit="نفر"),
        )


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_the_secretariat_keeps_the_catalogue(world: World, who: str) -> None:
    with write_session(world.url) as s, pytest.raises(PermissionDenied):
        create_indicator(s, actor=world.people[who], data=literacy(world))


def test_a_bad_indicator_names_every_field(world: World) -> None:
    define(world)
    with write_session(world.url) as s, pytest.raises(ValidationError) as e:
        create_indicator(
            s,
            actor=world.people["secretariat"],
            data=literacy(world, name="نرخ باسوادي", unit="", direction="sideways"),
        )
    fields = {err.field for err in e.value.errors}
    assert fields == {"name", "unit", "direction"}


# --- baseline and target ---------------------------------------------------------------------


def test_a_target_is_set_then_changed_on_its_version(world: World) -> None:
    ind = define(world)
    target(world, ind)
    with read_session(world.url) as s:
        row = s.execute(select(IndicatorTarget)).scalar_one()
        assert (row.baseline_end, row.target_on) == (date(2025, 3, 20), date(2028, 3, 19))
    target(world, ind, version=1, target_value=70)
    with pytest.raises(ConflictError):
        target(world, ind, version=1, target_value=80)
    with pytest.raises(ConflictError):
        target(world, ind, version=None, target_value=80)  # the form saw no target
    assert history(world, "indicator_target")[-1] == ("target_value", "70.0")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_on": "1403/11/01"}, "target_on"),  # before the baseline's period ends
        ({"target_value": 30}, "target_value"),  # worse than the baseline
        ({"baseline_value": 140}, "baseline_value"),  # a percentage above 100
        ({"baseline_period": "زمستان ۱۴۰۵"}, "baseline_period"),  # not begun
        ({"baseline_period": "۱۴۰۳"}, "baseline_period"),  # a year for a seasonal indicator
    ],
)
def test_a_bad_target_is_refused_and_nothing_written(
    world: World, changes: dict[str, Any], field: str
) -> None:
    ind = define(world)
    with pytest.raises(ValidationError) as e:
        target(world, ind, **changes)
    assert field in {err.field for err in e.value.errors}
    with read_session(world.url) as s:
        assert s.execute(select(IndicatorTarget)).first() is None


# --- values ------------------------------------------------------------------------------------


def test_the_liaison_saves_a_grid_and_a_stale_grid_is_refused(world: World) -> None:
    ind = define(world)
    rows = [
        ValueRow(neighborhood=world.hood, indicator=ind, period=(1405, 1), value=45),
        ValueRow(
            neighborhood=world.other_hood,
            indicator=ind,
            period=(1405, 1),
            numerator=300,
            denominator=600,
        ),
    ]
    assert save(world, rows) == 2
    assert [v[3] for v in values(world)] == [45, 50]
    first = values(world)[0]
    # the grid was shown before the save: value_id None for a value now stored
    with pytest.raises(ConflictError):
        save(world, [replace(rows[0], value=46)])
    with read_session(world.url) as s:
        stored = (
            s.execute(select(IndicatorValue).order_by(col(IndicatorValue.id))).scalars().first()
        )
        assert stored is not None
        value_id = stored.id
    assert save(world, [replace(rows[0], value=47, value_id=value_id, expected_version=1)]) == 1
    with pytest.raises(ConflictError):
        save(world, [replace(rows[0], value=48, value_id=value_id, expected_version=1)])
    assert values(world)[0][3] == 47 and values(world)[0][5] == first[5] + 1
    assert ("value", "47.0") in history(world, "indicator_value")


def test_a_liaison_cannot_report_another_agencys_indicator(world: World) -> None:
    ind = define(world)
    with pytest.raises(ValidationError) as e:
        save(world, [ValueRow(world.hood, ind, (1405, 1), value=45)], who="other_editor")
    assert "آموزش" in e.value.errors[0].message
    with pytest.raises(PermissionDenied):
        save(world, [ValueRow(world.hood, ind, (1405, 1), value=45)], who="viewer")


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"value": 140}, "value", "۱۰۰"),  # a percentage above 100
        ({"value": -3}, "value", "منفی"),
        ({"period": (1405, 4)}, "period", "هنوز"),  # winter 1405 has not begun
        ({"value": None, "numerator": 3, "denominator": 0}, "denominator", "صفر"),
        ({"value": None}, "value", "مقدار"),
        ({"neighborhood": "ناکجاآباد"}, "neighborhood", "ناکجاآباد"),
        ({"indicator": "شاخص ناموجود"}, "indicator", "شاخص ناموجود"),
    ],
)
def test_bad_values_are_refused_by_row_and_nothing_is_written(
    world: World, row: dict[str, Any], field: str, words: str
) -> None:
    ind = define(world)
    good = ValueRow(neighborhood=world.hood, indicator=ind, period=(1405, 1), value=45)
    bad = replace(good, **({"neighborhood": world.other_hood} | row))
    with pytest.raises(ValidationError) as e:
        save(world, [good, bad])
    assert [(err.field, err.row) for err in e.value.errors] == [(LABELS[field], 2)]
    assert words in e.value.errors[0].message
    assert values(world) == []


def test_a_count_takes_whole_numbers_only(world: World) -> None:
    ind = define(world, name="پذیرش درمان اعتیاد", measure="count", unit="نفر")
    with pytest.raises(ValidationError):
        save(world, [ValueRow(world.hood, ind, (1405, 1), value=2.5)])
    assert save(world, [ValueRow(world.hood, ind, (1405, 1), value="۱۲")]) == 1


def test_verification_and_a_changed_value_is_unverified_again(world: World) -> None:
    ind = define(world)
    save(world, [ValueRow(world.hood, ind, (1405, 1), value=45)])
    with read_session(world.url) as s:
        stored = s.execute(select(IndicatorValue)).scalar_one()
        value_id = int(stored.id or 0)
    with write_session(world.url) as s, pytest.raises(PermissionDenied):
        verify_indicator_value(
            s,
            actor=world.people["editor"],
            value_id=value_id,
            expected_version=1,
            verdict="rejected",
        )
    with write_session(world.url) as s, pytest.raises(ValidationError):
        verify_indicator_value(
            s,
            actor=world.people["secretariat"],
            value_id=value_id,
            expected_version=1,
            verdict="rejected",
        )  # a rejection needs its reason
    with write_session(world.url) as s:
        verify_indicator_value(
            s,
            actor=world.people["secretariat"],
            value_id=value_id,
            expected_version=1,
            verdict="document_seen",
        )
    assert values(world)[0][4:] == ("document_seen", 2)
    save(
        world,
        [ValueRow(world.hood, ind, (1405, 1), value=44, value_id=value_id, expected_version=2)],
    )
    assert values(world)[0][4:] == ("unverified", 3)
    assert ("verification", "unverified") in history(world, "indicator_value")


def test_the_standing_follows_every_write(world: World) -> None:
    from data_layer.queries.indicators import target_status_counts, wrong_way_moves

    def counts() -> dict[str, int]:
        with read_session(world.url) as s:
            return target_status_counts(s)

    ind = define(world)
    target(world, ind)  # 40 → 60, baseline winter 1403
    assert counts() == {"on_track": 0, "off_track": 0, "no_data": 1}
    save(world, [ValueRow(world.hood, ind, (1405, 1), value=45)])
    assert counts()["off_track"] == 1  # well below the line by spring 1405
    with read_session(world.url) as s:
        first = s.execute(select(IndicatorValue)).scalar_one()
    save(world, [ValueRow(world.hood, ind, (1405, 2), value=44)])
    with read_session(world.url) as s:
        assert list(wrong_way_moves(s)["indicator_id"]) == [ind]
    with write_session(world.url) as s:
        update_indicator(  # lower is better now: 45 → 44 is the right way
            s,
            actor=world.people["secretariat"],
            indicator_id=ind,
            expected_version=1,
            data=literacy(world, direction="lower"),
        )
    with read_session(world.url) as s:
        assert wrong_way_moves(s).empty
    with read_session(world.url) as s:
        second = s.execute(
            select(IndicatorValue).where(col(IndicatorValue.id) != first.id)
        ).scalar_one()
    with write_session(world.url) as s:
        verify_indicator_value(
            s,
            actor=world.people["secretariat"],
            value_id=int(second.id or 0),
            expected_version=second.version,
            verdict="rejected",
            note="سند ندارد",
        )
    with read_session(world.url) as s:
        assert wrong_way_moves(s).empty  # one counted value left: no move
