"""Reads of the names agencies were given by hand in the minutes and remembered
(`agency_alias`): for owner matching, for the registry, for a name whose agency left."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from data_layer.models import Agency, User
from data_layer.models_aliases import AgencyAlias

__all__ = ["learned_by_agency", "learned_names", "vanished_names"]


def learned_by_agency(session: Session) -> dict[int, tuple[str, ...]]:
    """The learned names of every active agency (those of a retired or merged agency
    are never matched: see vanished_names)."""
    rows = session.execute(
        select(col(AgencyAlias.agency_id), col(AgencyAlias.alias))
        .join(Agency, col(Agency.id) == col(AgencyAlias.agency_id))
        .where(col(Agency.active).is_(True))
        .order_by(col(AgencyAlias.id))
    ).all()
    out: dict[int, list[str]] = {}
    for agency_id, alias in rows:
        out.setdefault(int(agency_id), []).append(str(alias))
    return {k: tuple(v) for k, v in out.items()}


def vanished_names(session: Session) -> dict[str, str]:
    """Match key -> why a learned name matches nothing now (its agency was retired or
    merged), in Persian."""
    into = aliased(Agency)
    rows = session.execute(
        select(
            col(AgencyAlias.match_key),
            col(AgencyAlias.alias),
            col(Agency.short_name),
            col(into.short_name),
        )
        .join(Agency, col(Agency.id) == col(AgencyAlias.agency_id))
        .outerjoin(into, col(into.id) == col(Agency.merged_into_id))
        .where(col(Agency.active).is_(False))
    ).all()
    return {
        str(key): (
            f"«{alias}» پیش‌تر نام «{agency}» به خاطر سپرده شده بود، اما آن دستگاه"
            + (f" در «{merged}» ادغام شده است" if merged else " بازنشسته شده است")
            + "؛ دستگاه کنونی را انتخاب کنید."
        )
        for key, alias, agency, merged in rows
    }


LEARNED_COLUMNS = ["id", "agency_id", "alias", "added_by", "added_at"]


def learned_names(session: Session) -> pd.DataFrame:
    """Every learned name with its agency, who taught it and when, oldest first."""
    rows = session.execute(
        select(
            col(AgencyAlias.id),
            col(AgencyAlias.agency_id),
            col(AgencyAlias.alias),
            col(User.full_name),
            col(AgencyAlias.added_at),
        )
        .outerjoin(User, col(User.id) == col(AgencyAlias.added_by_id))
        .order_by(col(AgencyAlias.agency_id), col(AgencyAlias.id))
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=LEARNED_COLUMNS)
