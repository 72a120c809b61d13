"""Tests for data_layer.seed: the real 7th meeting, the sample province, scaling."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, func, select

from data_layer import seed_data
from data_layer.db import dispose_engine, get_engine, read_session, write_session
from data_layer.jalali import format_jalali
from data_layer.models import (
    Agency,
    AgencyCapacity,
    Assignment,
    County,
    Meeting,
    Neighborhood,
    PerformanceReport,
    ProvinceProfile,
    Resolution,
    ServiceDelivery,
    ServiceType,
)
from data_layer.queries.membership import member_ids_on
from data_layer.seed import seed

AS_OF = date(2026, 11, 28)
EDUCATION = "اداره کل آموزش و پرورش"
SOCIAL_AFFAIRS = "دفتر امور اجتماعی استانداری"
CHILDREN_INSTITUTE = "کانون پرورش فکری کودکان و نوجوانان"
NAMED_IN_MINUTES = {EDUCATION, SOCIAL_AFFAIRS, CHILDREN_INSTITUTE}


def row_counts(url: str) -> dict[str, int]:
    """Rows in every table of the schema."""
    with get_engine(url).connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def meeting_7(session: Session) -> Meeting:
    return session.exec(select(Meeting).where(Meeting.number == 7)).one()


def resolutions_of_7(session: Session) -> dict[int, Resolution]:
    """Meeting 7's resolutions by number."""
    stmt = select(Resolution).where(Resolution.meeting_id == meeting_7(session).id)
    return {r.number: r for r in session.exec(stmt)}


def owners_of_7(session: Session) -> dict[int, list[str]]:
    """Resolution number of meeting 7 -> sorted names of the agencies with a row for it."""
    rows = session.exec(
        select(Resolution.number, Agency.name)
        .join(Assignment, Assignment.resolution_id == Resolution.id)
        .join(Agency, Agency.id == Assignment.agency_id)
        .where(Resolution.meeting_id == meeting_7(session).id)
    )
    owners: dict[int, list[str]] = {}
    for number, name in rows:
        owners.setdefault(number, []).append(name)
    # Sorted here, not in SQL: PostgreSQL's collation may order Persian differently.
    return {number: sorted(names) for number, names in owners.items()}


# --- the real minutes --------------------------------------------------------------


@pytest.fixture(params=["minutes", "sample"])
def either_seed(request: pytest.FixtureRequest, db_url: str) -> str:
    """The database seeded with the minutes only, or with the sample too: the minutes stay."""
    seed(db_url, sample=request.param == "sample", as_of=AS_OF)
    return db_url


def test_meeting_7_is_stored_as_in_the_minutes(either_seed: str) -> None:
    with read_session(either_seed) as s:
        m = meeting_7(s)
    assert m.held_on == date(2023, 10, 21)
    assert m.held_on.weekday() == 5  # a Saturday, as the minutes say
    assert format_jalali(m.held_on) == "۱۴۰۲/۰۷/۲۹"
    assert m.start_time == "09:00"
    assert m.place == "سالن شهدای گمنام استانداری"
    assert "مجید رمضانی" in m.chair
    assert m.is_sample is False


def test_meeting_7_has_the_14_resolutions_of_the_minutes(either_seed: str) -> None:
    with read_session(either_seed) as s:
        resolutions = resolutions_of_7(s)
    assert sorted(resolutions) == list(range(1, 15))
    assert [resolutions[n].text for n in range(1, 15)] == [
        r.text for r in seed_data.MEETING_7.resolutions
    ]
    assert not any(r.is_sample for r in resolutions.values())
    # 7: the chosen reading is stored, and the raw wording is kept beside it.
    seventh = resolutions[7]
    assert "حوزه‌های علمیه" in seventh.text
    assert "حوزه های اسلامی" in seventh.text_as_written
    assert seventh.text_as_written == seed_data.MEETING_7.resolutions[6].text_as_written


def test_named_owners_get_one_row_each(minutes_url: str) -> None:
    with read_session(minutes_url) as s:
        owners = owners_of_7(s)
        ninth = resolutions_of_7(s)[9]
    assert owners[10] == [EDUCATION]
    assert owners[9] == sorted([SOCIAL_AFFAIRS, CHILDREN_INSTITUTE])
    assert ninth.owners_as_written == "وزارت کشور/ کانون پرورش فکری"


def test_all_members_resolutions_get_one_row_per_active_member(minutes_url: str) -> None:
    with read_session(minutes_url) as s:
        owners = owners_of_7(s)
        agencies = s.exec(select(Agency)).all()
        all_members = {n: r for n, r in resolutions_of_7(s).items() if r.all_members}
        member_ids = set(member_ids_on(s, seed_data.MEETING_7.held_on))
    members = sorted(a.name for a in agencies if a.id in member_ids)
    invited = {a.name for a in agencies if a.id not in member_ids}
    assert sorted(all_members) == [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14]
    assert len(invited) == 2
    for number, resolution in all_members.items():
        assert resolution.owners_as_written == seed_data.ALL_MEMBERS_TEXT
        assert owners[number] == members  # one row each, none for the invited
        assert not invited & set(owners[number])


def test_minutes_only_seed_stores_nothing_sample_but_unnamed_agencies(minutes_url: str) -> None:
    with read_session(minutes_url) as s:
        for table in SQLModel.metadata.sorted_tables:
            if "is_sample" not in table.c or table.name in ("agency", "agency_membership"):
                continue
            sample_rows = s.exec(
                select(func.count()).select_from(table).where(table.c.is_sample)
            ).one()
            assert sample_rows == 0, table.name
        agencies = s.exec(select(Agency)).all()
        assignments = s.exec(select(Assignment)).all()
    assert {a.name for a in agencies if not a.is_sample} == NAMED_IN_MINUTES
    assert len(agencies) == len(seed_data.AGENCIES)
    assert len(assignments) == 12 * 24 + 2 + 1  # 24 active members
    assert {(a.status, a.progress) for a in assignments} == {("not_started", 0)}
    assert {(a.planned_date, a.reported_at) for a in assignments} == {(None, None)}


def test_no_sample_seed_holds_only_the_three_agencies_the_minutes_name(bare_url: str) -> None:
    """`seed --no-sample`: the real minutes, their three agencies, nothing sample at all."""
    with read_session(bare_url) as s:
        for table in SQLModel.metadata.sorted_tables:
            if "is_sample" in table.c:
                count = s.exec(select(func.count()).select_from(table).where(table.c.is_sample))
                assert count.one() == 0, table.name
        agencies = s.exec(select(Agency)).all()
        assignments = s.exec(select(Assignment)).all()
        profile = s.get(ProvinceProfile, 1)
    assert {a.name for a in agencies} == NAMED_IN_MINUTES
    assert all(a.head_title.startswith("مدیرکل محترم") for a in agencies)
    # 12 «all members» resolutions x 3 members, resolution 9 has two owners, 10 one.
    assert len(assignments) == 12 * 3 + 2 + 1
    assert profile is None  # set by the province at first-run setup


# --- the sample province -------------------------------------------------------------


def test_sample_seed_marks_everything_invented_as_sample(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        meetings = s.exec(select(Meeting)).all()
        assert {m.number: m.is_sample for m in meetings} == {4: True, 5: True, 6: True, 7: False}
        invented = (County, Neighborhood, ServiceType, ServiceDelivery, AgencyCapacity)
        for model in (*invented, PerformanceReport):
            rows = s.exec(select(model)).all()
            assert rows, model.__tablename__
            assert all(r.is_sample for r in rows), model.__tablename__


def test_sample_follow_up_of_meeting_7_is_marked_and_varied(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        rows = s.exec(
            select(Assignment)
            .join(Resolution, Resolution.id == Assignment.resolution_id)
            .where(Resolution.meeting_id == meeting_7(s).id)
        ).all()
    assert len(rows) == 12 * 24 + 2 + 1
    assert all(a.is_sample for a in rows)
    assert len({a.status for a in rows}) >= 3


def test_sample_assignments_keep_their_invariants(seeded_url: str) -> None:
    with read_session(seeded_url) as s:
        rows = s.exec(
            select(Assignment, Meeting.held_on)
            .join(Resolution, Resolution.id == Assignment.resolution_id)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
        ).all()
    assert len(rows) > 300
    for a, held_on in rows:
        assert 0 <= a.progress <= 100
        assert (a.status == "done") == (a.progress == 100), (a.status, a.progress)
        assert a.planned_date is None or a.planned_date >= held_on
        assert a.planned_date is None or a.first_planned_date is not None
        assert a.reschedule_count >= 0


def test_sample_seed_is_the_same_for_the_same_day(sqlite_url: str, tmp_path: Path) -> None:
    second_url = f"sqlite:///{tmp_path / 'second.db'}"
    try:
        seed(sqlite_url, as_of=AS_OF)
        seed(second_url, as_of=AS_OF)
        assert assignment_rows(sqlite_url) == assignment_rows(second_url)
    finally:
        dispose_engine(second_url)


def assignment_rows(url: str) -> list[tuple[object, ...]]:
    a = Assignment
    stmt = select(a.resolution_id, a.agency_id, a.status, a.progress, a.planned_date)
    with read_session(url) as s:
        return [tuple(r) for r in s.exec(stmt.order_by(a.id))]


# --- running again, scaling -----------------------------------------------------------


@pytest.mark.parametrize("sample", [True, False], ids=["sample", "minutes"])
def test_running_seed_twice_changes_nothing(db_url: str, sample: bool) -> None:
    seed(db_url, sample=sample, as_of=AS_OF)
    before = row_counts(db_url)
    report = seed(db_url, sample=sample, as_of=AS_OF)
    assert report.total == 0
    assert row_counts(db_url) == before
    assert before["meeting"] == (4 if sample else 1)


def test_scaled_seed_multiplies_the_sample_once(db_url: str) -> None:
    seed(db_url, scale=3, as_of=AS_OF)
    counts = row_counts(db_url)
    assert counts["neighborhood"] == 3 * 24
    assert counts["meeting"] == 4 + 2 * 4
    assert seed(db_url, scale=3, as_of=AS_OF).total == 0
    assert row_counts(db_url) == counts


def test_ordinary_inserts_work_after_a_scaled_seed(db_url: str) -> None:
    # The sample is inserted with explicit ids: PostgreSQL's sequences must be moved past them.
    seed(db_url, scale=3, as_of=AS_OF)
    with read_session(db_url) as s:
        highest = s.exec(select(func.max(County.id))).one()
    with write_session(db_url) as s:
        county = County(name="شهرستان تازه")
        s.add(county)
        s.flush()
        assert county.id is not None and county.id > highest


def test_scale_without_the_sample_is_refused(db_url: str) -> None:
    with pytest.raises(ValueError, match="sample"):
        seed(db_url, sample=False, scale=3, as_of=AS_OF)
    assert row_counts(db_url)["agency"] == 0  # refused before anything was written


@pytest.mark.parametrize(("sample", "who"), [(False, "nobody"), (True, "everyone")])
def test_a_new_province_is_readable_by_nobody_and_the_demo_by_everyone(
    db_url: str, sample: bool, who: str
) -> None:
    from data_layer.queries.access import anonymous_read

    seed(db_url, sample=sample, as_of=AS_OF)
    with read_session(db_url) as s:
        assert anonymous_read(s) == who


# --- the same sample whatever the day ------------------------------------------------


def _sample_choices(url: str) -> dict[str, object]:
    """What the sample chose, without its dates: who serves which neighborhood with what,
    each row's status and progress, which agencies sent which of their four reports."""
    with read_session(url) as s:
        deliveries = sorted(
            s.exec(
                select(
                    ServiceDelivery.agency_id,
                    ServiceDelivery.neighborhood_id,
                    ServiceDelivery.service_type_id,
                    ServiceDelivery.units,
                    ServiceDelivery.status,
                )
            ).all()
        )
        rows = sorted(s.exec(select(Assignment.id, Assignment.status, Assignment.progress)).all())
        reports = sorted(s.exec(select(PerformanceReport.agency_id)).all())
    return {"deliveries": deliveries, "rows": rows, "reports": reports}


@pytest.mark.parametrize(
    "day",
    [
        date(2027, 3, 20),  # 1405/12/29, the last day of a common year
        date(2027, 3, 21),  # 1406/01/01, Nowruz
        date(2025, 3, 20),  # 1403/12/30, the last day of a leap year
        date(2025, 3, 21),  # 1404/01/01
    ],
    ids=["1405-12-29", "1406-01-01", "1403-12-30", "1404-01-01"],
)
def test_the_sample_makes_the_same_choices_whatever_day_it_is_built_for(
    sqlite_template: Path, tmp_path: Path, day: date
) -> None:
    import shutil

    urls = []
    for name, as_of in (("fixed", AS_OF), ("other", day)):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(sqlite_template, path)
        urls.append(f"sqlite:///{path}")
        seed(urls[-1], as_of=as_of)
    try:
        assert _sample_choices(urls[0]) == _sample_choices(urls[1])
        with read_session(urls[1]) as s:
            # Built for `day`: nothing it holds happened after that day.
            latest = s.exec(select(func.max(Assignment.updated_at))).one()
            assert latest is not None and latest.date() <= day
            periods = s.exec(
                select(PerformanceReport.period_year, PerformanceReport.period_no).distinct()
            ).all()
            assert len(periods) == 4  # the four seasons before the one `day` is in
    finally:
        for url in urls:
            dispose_engine(url)
