"""Reads about agencies (pickers and lists)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.input.owners import AgencyRef
from data_layer.models import Agency
from data_layer.queries.membership import member_on


def list_agencies(
    session: Session, *, members_only: bool = False, on: date | None = None
) -> pd.DataFrame:
    """Active agencies in the working group's order; `is_member`: a member on `on` (today)."""
    member = member_on(on or date.today())
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


def agency_refs(session: Session) -> list[AgencyRef]:
    """Every active agency, with its aliases, for owner matching."""
    member = member_on(date.today())
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
        )
        for r in rows
    ]
