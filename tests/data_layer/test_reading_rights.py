"""Who may read what: `permissions.can_read` answers for every page, download and feed,
for every kind of reader and over a part of the province (its scope)."""

from __future__ import annotations

import pytest

from data_layer.errors import PermissionDenied
from data_layer.models import Role
from data_layer.permissions import (
    PROVINCE,
    Actor,
    Readable,
    Reader,
    ReaderKind,
    Scope,
    can_read,
    read_refusal,
    require_read,
)

R = Readable
# What anyone reads when the secretariat allows it; every person reads it too.
OPEN = {
    R.OVERVIEW,
    R.RESOLUTIONS,
    R.MEETINGS,
    R.PROJECTOR,
    R.COVERAGE,
    R.GAPS,
    R.NEIGHBORHOODS,
    R.DOSSIER,
    R.REPORTS,
    R.EXPORTS,
    R.MEETING_REPORT,
}


def person(role: str, scope: Scope = PROVINCE) -> Reader:
    return Reader.person(Actor(1, "someone", "کسی", role, agency_id=2, scope=scope))


# Each reader and everything it may read: the table the menu, the pages and the routes
# used to spread over role sets, role checks and a list of pages.
EXPECTED: dict[str, tuple[Reader, set[Readable]]] = {
    "anyone": (Reader.anyone(), OPEN),
    "kiosk projector": (Reader.kiosk("projector"), {R.PROJECTOR}),
    "kiosk overview": (Reader.kiosk("overview"), {R.OVERVIEW}),
    "kiosk of no known page": (Reader.kiosk("settings"), set()),
    "feed": (Reader.feed(), {R.FEEDS}),
    "viewer": (person(Role.VIEWER), OPEN | {R.ACCOUNT}),
    "liaison": (person(Role.AGENCY_EDITOR), OPEN | {R.ACCOUNT, R.MY_AGENCY, R.INBOX}),
    "secretariat": (
        person(Role.SECRETARIAT),
        OPEN
        | {
            R.ACCOUNT,
            R.LETTERS,
            R.VERIFICATION,
            R.INDICATORS,
            R.BACKLOG,
            R.AGENCIES,
            R.SETTINGS,
            R.INBOX,
            R.MESSAGES,
            R.NATIONAL,
        },
    ),
    "admin": (person(Role.ADMIN), OPEN | {R.ACCOUNT, R.USERS, R.AGENCIES, R.SETTINGS, R.MESSAGES}),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_reader_reads_exactly_its_own_pages_downloads_and_feeds(who: str) -> None:
    reader, allowed = EXPECTED[who]
    assert {w for w in Readable if can_read(reader, w, PROVINCE)} == allowed
    assert reader.scope == PROVINCE  # kiosk links, anyone and feeds read the province


def test_nobody_reads_anything() -> None:
    assert not any(can_read(None, w, PROVINCE) for w in Readable)


COUNTY = Scope(county_id=3)
# A county governorate's reader, over its own county: every view that keeps to it.
COUNTY_READS = {
    R.OVERVIEW,
    R.COVERAGE,
    R.GAPS,
    R.NEIGHBORHOODS,
    R.DOSSIER,
    R.EXPORTS,
    R.FEEDS,
    R.ACCOUNT,
}


def test_a_county_reader_reads_its_county_views_and_nothing_of_the_province() -> None:
    county = person(Role.COUNTY_READER, COUNTY)
    assert {w for w in Readable if can_read(county, w, COUNTY)} == COUNTY_READS
    assert not any(can_read(county, w, PROVINCE) for w in Readable)
    assert not any(can_read(county, w, Scope(county_id=4)) for w in Readable)


@pytest.mark.parametrize("what", sorted(set(Readable) - COUNTY_READS))
def test_what_does_not_keep_to_a_county_is_refused_for_one(what: Readable) -> None:
    # Resolutions, meetings, the projector, letters...: the province's, never a county's cut.
    assert not can_read(person(Role.COUNTY_READER, COUNTY), what, COUNTY)
    assert not can_read(person(Role.SECRETARIAT), what, COUNTY)


def test_a_province_reader_may_read_a_county_cut_of_what_keeps_to_it() -> None:
    assert can_read(person(Role.VIEWER), R.COVERAGE, COUNTY)
    assert can_read(Reader.feed(), R.FEEDS, COUNTY)


def test_a_scope_covers_itself_and_the_province_covers_every_county() -> None:
    assert PROVINCE.covers(PROVINCE) and PROVINCE.covers(Scope(county_id=3))
    assert Scope(county_id=3).covers(Scope(county_id=3))
    assert not Scope(county_id=3).covers(Scope(county_id=4))
    assert not Scope(county_id=3).covers(PROVINCE)


def test_a_person_reads_with_the_scope_of_the_account() -> None:
    actor = Actor(1, "someone", "کسی", Role.VIEWER, scope=Scope(county_id=3))
    assert Reader.person(actor).scope == Scope(county_id=3)
    with pytest.raises(ValueError):
        Reader(ReaderKind.PERSON, actor, scope=PROVINCE)
    with pytest.raises(ValueError):
        Reader(ReaderKind.ANYONE, actor)
    with pytest.raises(ValueError):
        Reader(ReaderKind.PERSON)


@pytest.mark.parametrize(
    ("reader", "what", "scope", "said"),
    [
        (None, R.OVERVIEW, PROVINCE, "برای دیدن این صفحه وارد شوید."),
        (Reader.kiosk("projector"), R.RESOLUTIONS, PROVINCE, "برای دیدن این صفحه وارد شوید."),
        (Reader.anyone(), R.MY_AGENCY, PROVINCE, "برای این صفحه ابتدا وارد شوید."),
        (
            person(Role.AGENCY_EDITOR),
            R.BACKLOG,
            PROVINCE,
            "این صفحه برای دبیرخانه است؛ حساب شما «کارشناس رابط دستگاه» است.",
        ),
        (
            person(Role.VIEWER),
            R.SETTINGS,
            PROVINCE,
            "این صفحه برای مدیر سامانه، دبیرخانه است؛ حساب شما «بیننده» است.",
        ),
        (
            person(Role.COUNTY_READER, COUNTY),
            R.OVERVIEW,
            PROVINCE,
            "این صفحه دادهٔ همهٔ استان را نشان می‌دهد و حساب شما فقط دادهٔ یک شهرستان را می‌بیند.",
        ),
        (
            person(Role.COUNTY_READER, COUNTY),
            R.DOSSIER,
            Scope(county_id=4),
            "این داده از شهرستان دیگری است؛ حساب شما فقط دادهٔ شهرستان خود را می‌بیند.",
        ),
        (
            person(Role.COUNTY_READER, COUNTY),
            R.SETTINGS,
            COUNTY,
            "این صفحه برای مدیر سامانه، دبیرخانه است؛ حساب شما «فرمانداری» است.",
        ),
    ],
)
def test_a_refusal_says_in_persian_what_is_needed(
    reader: Reader | None, what: Readable, scope: Scope, said: str
) -> None:
    assert read_refusal(reader, what, scope) == said
    with pytest.raises(PermissionDenied) as refused:
        require_read(reader, what, scope)
    assert refused.value.message == said


def test_require_read_lets_a_reader_read_what_it_may() -> None:
    require_read(Reader.feed(), R.FEEDS, PROVINCE)
    require_read(person(Role.AGENCY_EDITOR), R.MY_AGENCY, PROVINCE)
