"""Who was a member of the working group when: the one reading of membership periods.

An agency is a member on a day when one of its periods covers it (an open start:
since before the records; an open end: still a member) and it has not been merged
into another (its successor carries its rows). Meetings expand «ادارات عضو
کارگروه» to the members on their date; report completeness counts an agency only
for the periods it was a member.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlmodel import Session, col

from data_layer.models import Agency, AgencyMembership

__all__ = [
    "every_agency_periods",
    "member_between",
    "member_ids_on",
    "member_on",
    "periods_of",
]


def member_between(start: date, end: date) -> ColumnElement[bool]:
    """SQL condition on Agency: a member on some day of [start, end]."""
    m = AgencyMembership
    return and_(
        col(Agency.merged_into_id).is_(None),
        exists().where(
            col(m.agency_id) == col(Agency.id),
            or_(col(m.member_from).is_(None), col(m.member_from) <= end),
            or_(col(m.member_to).is_(None), col(m.member_to) >= start),
            # A deactivated agency whose period was left open is not a member any more.
            or_(col(Agency.active).is_(True), col(m.member_to).is_not(None)),
        ),
    )


def member_on(day: date) -> ColumnElement[bool]:
    """SQL condition on Agency: a member on that day."""
    return member_between(day, day)


def member_ids_on(session: Session, day: date) -> list[int]:
    """The agencies that were members on that day, in the working group's order."""
    stmt = (
        select(col(Agency.id))
        .where(member_on(day))
        .order_by(col(Agency.sort_order), col(Agency.id))
    )
    return [int(i) for i in session.execute(stmt).scalars()]


def periods_of(session: Session, agency_id: int) -> list[tuple[date | None, date | None]]:
    """An agency's membership periods, oldest first (open starts first)."""
    m = AgencyMembership
    rows = session.execute(
        select(col(m.member_from), col(m.member_to)).where(col(m.agency_id) == agency_id)
    ).all()
    return sorted(((r[0], r[1]) for r in rows), key=lambda p: (p[0] is not None, p[0] or date.min))


def every_agency_periods(session: Session) -> dict[int, list[tuple[date | None, date | None]]]:
    """Every agency's membership periods (from, to), read at once."""
    m = AgencyMembership
    periods: dict[int, list[tuple[date | None, date | None]]] = {}
    for agency_id, start, end in session.execute(
        select(col(m.agency_id), col(m.member_from), col(m.member_to))
    ).all():
        periods.setdefault(int(agency_id), []).append((start, end))
    return periods
