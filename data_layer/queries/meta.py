"""Facts about the data itself."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlmodel import Session, col

from data_layer.models import Agency, Assignment, Neighborhood


def shows_sample_data(session: Session) -> bool:
    """True when follow-up, agencies or neighborhoods include sample rows."""
    checks = (
        exists().where(col(Assignment.is_sample).is_(True)),
        exists().where(col(Agency.is_sample).is_(True)),
        exists().where(col(Neighborhood.is_sample).is_(True)),
    )
    return any(bool(session.execute(select(c)).scalar()) for c in checks)
