"""A neighborhood with an indicator (baseline, target, values by season), a problem and
a document, written straight into a seeded database for the dossier's tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import col, select

from data_layer.commands.dossier import add_document
from data_layer.commands.indicator_standing import refresh_standings
from data_layer.commands.problems import add_problem
from data_layer.db import read_session, write_session
from data_layer.jalali import jalali_season_bounds
from data_layer.models import Agency, Neighborhood, User
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue
from data_layer.permissions import Actor

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n" + bytes(64)


@dataclass(frozen=True)
class Hood:
    """The neighborhood the dossier tests open, and what was written on it."""

    id: int
    name: str
    indicator_id: int
    agency_id: int


def actor(url: str, username: str) -> Actor:
    """The stored person of that username, as an Actor."""
    with read_session(url) as s:
        u = s.exec(select(User).where(User.username == username)).one()
        assert u.id is not None
        return Actor(u.id, u.username, u.full_name, u.role, u.agency_id)


def first_hood(url: str) -> tuple[int, str]:
    """The first active neighborhood (id, name)."""
    with read_session(url) as s:
        hood = s.exec(
            select(Neighborhood)
            .where(col(Neighborhood.active).is_(True))
            .order_by(col(Neighborhood.id))
        ).first()
        assert hood is not None and hood.id is not None
        return hood.id, hood.name


def other_hood(url: str, not_id: int) -> tuple[int, str]:
    """Another active neighborhood (id, name)."""
    with read_session(url) as s:
        hood = s.exec(
            select(Neighborhood)
            .where(col(Neighborhood.active).is_(True), Neighborhood.id != not_id)
            .order_by(col(Neighborhood.id))
        ).first()
        assert hood is not None and hood.id is not None
        return hood.id, hood.name


def give_indicator(
    url: str,
    hood_id: int,
    *,
    name: str = "نرخ ترک تحصیل",
    direction: str = "lower",
    baseline: tuple[int, int, float] = (1404, 2, 10.0),
    target: tuple[float, date] = (6.0, date(2027, 3, 20)),
    values: Sequence[tuple[int, int, float]] = ((1404, 4, 9.0), (1405, 2, 9.5)),
    unit: str = "درصد",
) -> int:
    """An indicator of the catalogue with the neighborhood's baseline, target and values."""
    with write_session(url) as s:
        agency = s.exec(select(Agency).order_by(col(Agency.id))).first()
        assert agency is not None and agency.id is not None
        ind = Indicator(
            name=name, unit=unit, direction=direction, agency_id=agency.id, measure="rate"
        )
        s.add(ind)
        s.flush()
        assert ind.id is not None
        by, bn, bv = baseline
        s.add(
            IndicatorTarget(
                neighborhood_id=hood_id,
                indicator_id=ind.id,
                baseline_value=bv,
                baseline_year=by,
                baseline_no=bn,
                baseline_end=jalali_season_bounds(by, bn)[1],
                target_value=target[0],
                target_on=target[1],
            )
        )
        for year, number, value in values:
            s.add(
                IndicatorValue(
                    neighborhood_id=hood_id,
                    indicator_id=ind.id,
                    period_year=year,
                    period_no=number,
                    period_end=jalali_season_bounds(year, number)[1],
                    value=value,
                )
            )
        s.flush()
        refresh_standings(s, [(hood_id, ind.id)])  # as the value and target commands do
        return ind.id


def furnish(url: str, *, title: str = "کمبود فضای آموزشی", doc_title: str = "پیمایش محله") -> Hood:
    """The first neighborhood with an indicator, a problem whose plan names it, a document."""
    hood_id, name = first_hood(url)
    indicator = give_indicator(url, hood_id)
    dabir = actor(url, "dabir")
    with write_session(url) as s:
        agency = s.exec(select(Agency).order_by(col(Agency.id))).first()
        assert agency is not None and agency.id is not None
        agency_id = agency.id
        add_problem(
            s,
            actor=dabir,
            neighborhood_id=hood_id,
            values={
                "title": title,
                "description": "مدرسه‌ها دو نوبته است.",
                "actions": "ساخت دو کلاس تا پایان سال",
                "agency_id": agency_id,
                "due_date": "۱۴۰۵/۱۲/۱۵",
                "indicator_id": indicator,
            },
            now=NOW,
        )
        add_document(
            s,
            actor=dabir,
            neighborhood_id=hood_id,
            kind="survey",
            title=doc_title,
            issued_on="۱۴۰۴/۰۶/۰۱",
            source="دفتر تسهیل‌گری",
            filename="survey.pdf",
            content=PDF,
            now=NOW,
        )
    return Hood(hood_id, name, indicator, agency_id)


def plant_dossier(url: str) -> Hood:
    """The hostile corpus in every field of the dossier: a document's title, source and
    file name, a problem's title, description and actions, an indicator's name and unit."""
    from tests.hostile import fill

    hood_id, name = first_hood(url)
    indicator = give_indicator(url, hood_id, name=fill(200, 3), unit=fill(60, 5))
    dabir = actor(url, "dabir")
    with write_session(url) as s:
        agency = s.exec(select(Agency).order_by(col(Agency.id))).first()
        assert agency is not None and agency.id is not None
        add_problem(
            s,
            actor=dabir,
            neighborhood_id=hood_id,
            values={
                "title": fill(300, 1),
                "description": fill(4000, 2),
                "actions": fill(4000, 4),
                "agency_id": agency.id,
                "indicator_id": indicator,
            },
            now=NOW,
        )
        add_document(
            s,
            actor=dabir,
            neighborhood_id=hood_id,
            kind="study",
            title=fill(300, 6),
            issued_on=None,
            source=fill(300, 8),
            filename=fill(200, 10) + ".pdf",
            content=PDF,
            now=NOW,
        )
        return Hood(hood_id, name, indicator, agency.id)
