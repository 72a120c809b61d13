"""Load the real 7th meeting, the sample province and, optionally, a scaled dataset.

Safe to run twice: every part checks whether it is already there. Sample data is
generated from a fixed random seed, so a given (scale, as_of) always gives the
same rows.

    python -m data_layer.seed                 # minutes + sample data
    python -m data_layer.seed --no-sample     # the real minutes only
    python -m data_layer.seed --scale 100     # + a 100x dataset for benchmarks
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlmodel import Session, SQLModel, col

from data_layer import clock, jalali, seed_data
from data_layer.auth import seed_sample_accounts
from data_layer.db import get_engine, write_session
from data_layer.labels import default_head_title
from data_layer.migrate import upgrade
from data_layer.models import (
    Agency,
    AgencyMembership,
    AppSetting,
    Assignment,
    Meeting,
    ProvinceProfile,
    Resolution,
)
from data_layer.queries.access import ANONYMOUS_READ_KEY
from data_layer.queries.membership import member_ids_on
from data_layer.seed_indicators import seed_sample_indicators
from data_layer.seed_sample import SampleBuilder, SeedReport

SAMPLE_MARKER = "seed.sample"
SCALE_MARKER = "seed.scale"


def seed(
    url: str | None = None,
    *,
    sample: bool = True,
    scale: int = 1,
    as_of: date | None = None,
    sample_agencies: bool | None = None,
) -> SeedReport:
    """Migrate, then add whatever of minutes / sample / scaled data is missing.

    Without `sample` the only agencies are the three the minutes name, unless
    `sample_agencies` asks for the sample province's member list as well (for tests
    that need a full working group but none of the sample's follow-up).
    """
    if scale < 1:
        raise ValueError("scale must be 1 or more")
    if scale > 1 and not sample:
        # The scaled data copies the sample's service types: without them it cannot be built.
        raise ValueError("scale > 1 multiplies the sample data: it needs sample=True")
    upgrade(url)
    as_of = as_of or clock.today()
    report = SeedReport()
    with write_session(url) as session:
        # The sample's agencies come first, so meeting 7's «all members» rows include them.
        _ensure_agencies(
            session, report, sample=sample if sample_agencies is None else sample_agencies
        )
        _ensure_meeting_7(session, report)
    if sample:
        with write_session(url) as session:
            if _marker(session, SAMPLE_MARKER) is None:
                _ensure_sample_profile(session, report)
                SampleBuilder(session, report, as_of, scale=1).build()
                _count(report, seed_sample_indicators(session, as_of))
                report.count("app_user", len(seed_sample_accounts(session)))
                # The demo province can be read without signing in (a real one starts
                # with nobody: queries.access.anonymous_read's default).
                session.merge(AppSetting(key=ANONYMOUS_READ_KEY, value="everyone"))
                _set_marker(session, SAMPLE_MARKER, {"as_of": as_of.isoformat()})
    if scale > 1:
        with write_session(url) as session:
            if _marker(session, SCALE_MARKER) is None:
                SampleBuilder(session, report, as_of, scale=scale).build_scaled()
                _count(report, seed_sample_indicators(session, as_of))
                _set_marker(session, SCALE_MARKER, {"scale": scale, "as_of": as_of.isoformat()})
    _reset_sequences(url)
    return report


def _count(report: SeedReport, added: dict[str, int]) -> None:
    for table, n in added.items():
        report.count(table, n)


# --- the real minutes -------------------------------------------------------------


def _ensure_agencies(session: Session, report: SeedReport, *, sample: bool) -> None:
    """The agencies the minutes name and, with `sample`, the sample province's others."""
    existing = set(session.execute(select(col(Agency.name))).scalars())
    for order, a in enumerate(seed_data.AGENCIES, start=1):
        if a.name in existing or not (a.named_in_minutes or sample):
            continue
        agency = Agency(
            name=a.name,
            short_name=a.short_name,
            aliases=";".join(a.aliases),
            kind=a.kind,
            head_title=a.head_title or default_head_title(a.kind, a.name),
            sort_order=order,
            is_sample=not a.named_in_minutes,
        )
        session.add(agency)
        session.flush()
        if a.is_member:
            session.add(AgencyMembership(agency_id=agency.id, is_sample=agency.is_sample))  # type: ignore[arg-type]
        report.count("agency", 1)
    session.flush()


def _ensure_sample_profile(session: Session, report: SeedReport) -> None:
    """The sample province's profile (a real one is set at first-run setup)."""
    if session.get(ProvinceProfile, 1) is not None:
        return
    session.add(ProvinceProfile.model_validate({**seed_data.SAMPLE_PROFILE, "is_sample": True}))
    report.count("province_profile", 1)


def _ensure_meeting_7(session: Session, report: SeedReport) -> None:
    m = seed_data.MEETING_7
    if session.exec(select(Meeting.id).where(Meeting.number == m.number)).first():  # type: ignore[call-overload]
        return
    meeting = Meeting(
        number=m.number,
        held_on=m.held_on,
        start_time=m.start_time,
        place=m.place,
        chair=m.chair,
        secretary=m.secretary,
        guests=m.guests,
        summary=m.summary,
    )
    session.add(meeting)
    session.flush()
    report.count("meeting", 1)
    members = member_ids_on(session, meeting.held_on)
    by_name = {a.name: a.id for a in session.exec(select(Agency)).scalars()}  # type: ignore[call-overload]
    for r in m.resolutions:
        res = Resolution(
            meeting_id=meeting.id,  # type: ignore[arg-type]
            number=r.number,
            text=r.text,
            text_as_written=r.text_as_written,
            theme=r.theme,
            owners_as_written=r.owners_as_written,
            all_members=r.all_members,
        )
        session.add(res)
        session.flush()
        report.count("resolution", 1)
        owners = members if r.all_members else [by_name[name] for name in r.owners]
        for agency_id in owners:
            session.add(Assignment(resolution_id=res.id, agency_id=agency_id))  # type: ignore[arg-type]
        report.count("assignment", len(owners))
    session.flush()


def _marker(session: Session, key: str) -> str | None:
    row = session.get(AppSetting, key)
    return row.value if row else None


def _set_marker(session: Session, key: str, value: dict[str, Any]) -> None:
    session.add(AppSetting(key=key, value=json.dumps(value)))


def _reset_sequences(url: str | None) -> None:
    """After inserts with explicit ids, move PostgreSQL's sequences past them."""
    engine = get_engine(url)
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement is not False:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table.name}), 1))"
                    )
                )


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: python -m data_layer.seed [--no-sample] [--scale N] [--as-of Y/M/D]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-sample", action="store_true", help="load the real minutes only")
    parser.add_argument("--scale", type=int, default=1, help="multiply the sample by N")
    parser.add_argument("--as-of", default=None, help="Jalali date sample data is relative to")
    args = parser.parse_args(argv)
    as_of = jalali.parse_jalali(args.as_of) if args.as_of else None
    report = seed(sample=not args.no_sample, scale=args.scale, as_of=as_of)
    if not report.total:
        print("nothing to add: the database already holds this seed")
    for table, n in sorted(report.added.items()):
        print(f"{table:32} +{n}")


if __name__ == "__main__":
    main()
