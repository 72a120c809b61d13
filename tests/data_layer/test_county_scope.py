"""A county governorate's reader sees its county's own figures, computed over the
county's neighborhoods and the rows that work in them, and every read path, export
and feed refuses (or leaves out) another county's ids."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response

from data_layer import auth
from data_layer.auth import SAMPLE_COUNTY, SAMPLE_PASSWORD, sign_in_url
from data_layer.db import read_session, write_session
from data_layer.documents.dossier import dossier_pdf
from data_layer.errors import PermissionDenied
from data_layer.exports import SHEET_NAMES, all_tables
from data_layer.models import Assignment, County, Neighborhood, User
from data_layer.models_dossier import AssignmentNeighborhood
from data_layer.permissions import OTHER_COUNTY, Readable, Reader, Scope, can_read
from data_layer.queries import coverage as qc
from data_layer.queries import indicators as qi
from data_layer.queries import overview as qo
from data_layer.queries.dossier import neighborhood_dossier
from data_layer.queries.places import list_counties, list_neighborhoods
from data_layer.rules.scorecard import Thresholds
from web import routes
from web.feeds import FEEDS

TODAY = date(2026, 11, 28)


@dataclass(frozen=True)
class World:
    url: str
    county: int  # the sample county reader's county
    other: int  # another county
    hoods: list[int]  # the county's active neighborhoods
    foreign: list[int]  # the other county's
    mine: list[int]  # rows that work in the county
    theirs: int  # a row that works only in the other county


def _ids(s: Any, county: int) -> list[int]:
    stmt = select(Neighborhood.id).where(
        Neighborhood.county_id == county, col(Neighborhood.active).is_(True)
    )
    return sorted(int(i) for i in s.exec(stmt) if i is not None)


@pytest.fixture
def world(seeded_url: str) -> World:
    with write_session(seeded_url) as s:
        county = s.exec(select(County.id).where(County.name == SAMPLE_COUNTY)).one()
        other = s.exec(select(County.id).where(County.name == "مرکز استان")).one()
        assert county is not None and other is not None
        hoods, foreign = _ids(s, county), _ids(s, other)
        rows = list(
            s.exec(
                select(Assignment.id)
                .where(col(Assignment.withdrawn).is_(False))
                .order_by(col(Assignment.id))
                .limit(4)
            )
        )
        mine, theirs = [int(r) for r in rows[:3] if r], int(rows[3] or 0)
        # Two rows in the county, one of them also in the other county; one elsewhere.
        places = [(mine[0], hoods[0]), (mine[1], hoods[1]), (mine[1], foreign[0])]
        places += [(mine[2], hoods[2]), (theirs, foreign[1])]
        s.add_all(AssignmentNeighborhood(assignment_id=a, neighborhood_id=h) for a, h in places)
    return World(seeded_url, int(county), int(other), hoods, foreign, mine, theirs)


def test_the_county_overview_counts_the_rows_that_work_in_its_neighborhoods(
    world: World,
) -> None:
    c = world.county
    with read_session(world.url) as s:
        whole = qo.headline(s, TODAY)
        head = qo.headline(s, TODAY, county_id=c)
        cards = qo.agency_scorecards(s, TODAY, Thresholds(), county_id=c)
        late = qo.overdue_rows(s, TODAY, limit=100, county_id=c)
        summary = qo.completion_by_month(s, county_id=c)
    assert head["rows"] == 3 < whole["rows"]
    assert int(cards["rows"].sum()) == 3
    assert set(late["id"]) <= set(world.mine)
    assert head["overdue"] == len(late)
    assert int(summary["completed"].sum()) <= 3


def test_the_county_places_gaps_and_indicators_are_its_own(world: World) -> None:
    c = world.county
    with read_session(world.url) as s:
        name = s.get(County, c).name  # type: ignore[union-attr]
        hoods = list_neighborhoods(s, county_id=c)
        matrix = qc.coverage_matrix(s, county_id=c)
        without = qo.neighborhoods_without_active_service(s, county_id=c)
        every_gap = [qc.gaps(s, by=b, county_id=c) for b in ("neighborhood", "county")]
        deliveries = qc.delivery_rows(s, county_id=c)
        values = qi.indicator_value_rows(s, county_id=c)
        counties = list_counties(s, county_id=c)
        assert qo.neighborhood_count(s, county_id=c) == len(world.hoods)
        targets = sum(qi.target_status_counts(s, county_id=c).values())
        assert targets <= sum(qi.target_status_counts(s).values())
        moves = qi.wrong_way_moves(s, county_id=c)
        # Another county picked on top of the reader's scope finds nothing of it.
        picked = qc.coverage_matrix(s, county_ids=[world.other], county_id=c)
        hood = qc.coverage_matrix(s, neighborhood_id=world.foreign[0], county_id=c)
        assert picked.empty and hood.empty
        assert qc.delivery_rows(s, neighborhood_id=world.foreign[0], county_id=c).empty
    assert sorted(hoods["id"]) == world.hoods
    assert set(matrix["neighborhood_id"]) == set(world.hoods)
    assert set(without["id"]) <= set(world.hoods)
    assert set(every_gap[0]["neighborhood_id"]) <= set(world.hoods)
    assert every_gap[1]["county"].tolist() == [name]
    assert set(deliveries["neighborhood_id"]) <= set(world.hoods) and not deliveries.empty
    assert set(values["neighborhood_id"]) <= set(world.hoods)
    assert set(moves["neighborhood_id"]) <= set(world.hoods)
    assert counties["id"].tolist() == [c]


def test_another_countys_dossier_and_its_pdf_are_refused(world: World) -> None:
    with read_session(world.url) as s:
        own = neighborhood_dossier(s, world.hoods[0], TODAY, county_id=world.county)
        assert own is not None
        with pytest.raises(PermissionDenied) as refused:
            neighborhood_dossier(s, world.foreign[0], TODAY, county_id=world.county)
        assert refused.value.message == OTHER_COUNTY
        with pytest.raises(PermissionDenied):
            dossier_pdf(s, neighborhood_id=world.foreign[0], today=TODAY, county_id=world.county)
        # The province reads every county's dossier.
        assert neighborhood_dossier(s, world.foreign[0], TODAY) is not None


def test_the_county_downloads_hold_its_neighborhoods_only(world: World) -> None:
    with read_session(world.url) as s:
        tables = all_tables(s, world.county)
        province = all_tables(s)
    assert SHEET_NAMES["capacity"] not in tables and SHEET_NAMES["capacity"] in province
    for sheet, (df, _) in tables.items():
        ids = {int(i) for i in df[next(c for c in df.columns if c == "کد محله")]}
        assert ids <= set(world.hoods), sheet


# --- the feeds --------------------------------------------------------------------------


def _run(route: Coroutine[Any, Any, Response]) -> Response:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, route).result()


def _feed(name: str, cookie: str = "", query: str = "") -> Response:
    headers = [(b"cookie", f"{auth.SESSION_COOKIE}={cookie}".encode())] if cookie else []
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "server": ("testserver", 80),
            "path": "/",
            "root_path": "",
            "headers": headers,
            "query_string": query.encode(),
            "path_params": {"name": name},
        }
    )
    return _run(routes.feed(request))


def _hood_ids(response: Response) -> set[int]:
    rows = list(csv.reader(io.StringIO(bytes(response.body).decode("utf-8-sig"))))
    at = next(i for i, h in enumerate(rows[0]) if h == "کد محله")
    return {int(r[at]) for r in rows[2:]}


def test_a_county_readers_feed_is_its_countys_and_another_county_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", world.url)
    _, token = sign_in_url(world.url, username="farmandari", password=SAMPLE_PASSWORD)
    for name in sorted(set(FEEDS) - {"capacity"}):
        own = _feed(name, token)
        assert own.status_code == 200, name
        assert _hood_ids(own) <= set(world.hoods), name
        named = _feed(name, token, f"county={world.county}")
        assert named.status_code == 200 and named.body == own.body
        refused = _feed(name, token, f"county={world.other}")
        assert refused.status_code == 403, name
        assert OTHER_COUNTY in bytes(refused.body).decode()
    assert _feed("capacity", token).status_code == 403
    assert _feed("coverage", token, "county=x").status_code == 400
    assert _feed("coverage").status_code == 401  # nobody signed in, no token
    with write_session(world.url) as s:  # a one-time password opens «حساب من» only
        s.exec(select(User).where(User.username == "farmandari")).one().must_change_password = True
    assert _feed("coverage", token).status_code == 401


def test_a_province_persons_sign_in_is_no_feed_key(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", world.url)
    _, token = sign_in_url(world.url, username="dabir", password=SAMPLE_PASSWORD)
    assert _feed("coverage", token).status_code == 401


@pytest.mark.parametrize("what", list(Readable))
def test_no_read_path_opens_another_county_to_a_county_reader(what: Readable) -> None:
    from data_layer.models import Role
    from data_layer.permissions import Actor

    reader = Reader.person(
        Actor(1, "farmandari", "فرمانداری", Role.COUNTY_READER.value, scope=Scope(county_id=2))
    )
    assert not can_read(reader, what, Scope(county_id=3))
