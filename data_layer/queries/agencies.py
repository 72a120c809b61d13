"""Reads about agencies (pickers and lists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from data_layer import clock
from data_layer.models import Agency
from data_layer.queries.aliases import learned_by_agency
from data_layer.queries.membership import every_agency_periods, member_on


@dataclass(frozen=True)
class AgencyRef:
    """What owner matching needs to know about an agency."""

    id: int
    name: str
    short_name: str
    aliases: tuple[str, ...] = ()
    is_member: bool = True
    learned: tuple[str, ...] = ()  # names matched by hand in the minutes and remembered


def list_agencies(
    session: Session, *, members_only: bool = False, on: date | None = None
) -> pd.DataFrame:
    """Active agencies in the working group's order; `is_member`: a member on `on` (today)."""
    member = member_on(on or clock.today())
    stmt = (
        select(
            col(Agency.id),
            col(Agency.name),
            col(Agency.short_name),
            col(Agency.kind),
            member.label("is_member"),
            col(Agency.is_sample),
        )
        .where(col(Agency.active).is_(True))
        .order_by(col(Agency.sort_order), col(Agency.id))
    )
    if members_only:
        stmt = stmt.where(member)
    return pd.DataFrame(
        [tuple(r) for r in session.execute(stmt).all()],
        columns=["id", "name", "short_name", "kind", "is_member", "is_sample"],
    ).astype({"is_member": bool}, errors="ignore")


def agency_name(session: Session, agency_id: int) -> str:
    """The agency's short name (its full name when it has none); "" if it is gone."""
    row = session.get(Agency, agency_id)
    return (row.short_name or row.name) if row is not None else ""


def agency_refs(session: Session) -> list[AgencyRef]:
    """Every active agency, with its aliases and learned names, for owner matching."""
    member = member_on(clock.today())
    learned = learned_by_agency(session)
    rows = session.execute(
        select(
            col(Agency.id),
            col(Agency.name),
            col(Agency.short_name),
            col(Agency.aliases),
            member.label("is_member"),
        )
        .where(col(Agency.active).is_(True))
        .order_by(col(Agency.sort_order), col(Agency.id))
    ).all()
    return [
        AgencyRef(
            id=r[0],
            name=r[1],
            short_name=r[2],
            aliases=tuple(a.strip() for a in (r[3] or "").split(";") if a.strip()),
            is_member=bool(r[4]),
            learned=learned.get(r[0], ()),
        )
        for r in rows
    ]


REGISTRY_COLUMNS = [
    "id",
    "name",
    "short_name",
    "kind",
    "head_title",
    "aliases",
    "sort_order",
    "active",
    "merged_into",
    "version",
    "is_member",
    "periods",
]


def agency_registry(session: Session, today: date) -> pd.DataFrame:
    """Every agency, retired and merged ones too, with its membership periods."""
    periods = every_agency_periods(session)
    names = dict(session.execute(select(col(Agency.id), col(Agency.short_name))).all())
    member = member_on(today)
    rows = session.execute(
        select(
            col(Agency.id),
            col(Agency.name),
            col(Agency.short_name),
            col(Agency.kind),
            col(Agency.head_title),
            col(Agency.aliases),
            col(Agency.sort_order),
            col(Agency.active),
            col(Agency.merged_into_id),
            col(Agency.version),
            member.label("is_member"),
        ).order_by(col(Agency.active).desc(), col(Agency.sort_order), col(Agency.id))
    ).all()
    out = [
        (
            *r[:8],
            names.get(r[8], "") if r[8] is not None else "",
            r[9],
            bool(r[10]),
            sorted(periods.get(int(r[0]), []), key=lambda p: p[0] or date.min),
        )
        for r in rows
    ]
    return pd.DataFrame(out, columns=REGISTRY_COLUMNS)
