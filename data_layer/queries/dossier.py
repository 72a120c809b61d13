"""Reads of a neighborhood's dossier (پرونده محله): its documents, its prioritized
problems with their plans, and the neighborhoods agency rows name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.jalali import to_fa_digits
from data_layer.models import Agency, Assignment, Neighborhood, Resolution
from data_layer.models_dossier import (
    AssignmentNeighborhood,
    NeighborhoodDocument,
    NeighborhoodProblem,
)
from data_layer.models_indicators import Indicator
from data_layer.queries.assignments import neighborhood_assignments
from data_layer.queries.county import require_in_county
from data_layer.queries.coverage import (
    coverage_matrix,
    neighborhood_deliveries,
    neighborhood_profile,
)
from data_layer.queries.indicators import NeighborhoodIndicator, neighborhood_indicators

DOCUMENT_COLUMNS = [
    "id",
    "kind",
    "title",
    "issued_on",
    "source",
    "filename",
    "content_type",
    "size_bytes",
    "uploaded_at",
]
PROBLEM_COLUMNS = [
    "id",
    "priority",
    "title",
    "description",
    "actions",
    "agency_id",
    "agency",
    "due_date",
    "indicator_id",
    "indicator",
    "version",
]


class DocumentFile(NamedTuple):
    """A stored document's bytes, for a download."""

    filename: str
    content_type: str
    content: bytes


def neighborhood_documents(session: Session, neighborhood_id: int) -> pd.DataFrame:
    """The neighborhood's live studies and documents (without their bytes), newest first."""
    d = NeighborhoodDocument
    stmt = (
        select(*(col(getattr(d, c)) for c in DOCUMENT_COLUMNS))
        .where(col(d.neighborhood_id) == neighborhood_id, col(d.withdrawn).is_(False))
        .order_by(col(d.issued_on).desc(), col(d.id).desc())
    )
    return pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=DOCUMENT_COLUMNS)


def document_file(session: Session, document_id: int) -> DocumentFile | None:
    """A live document's file, or None."""
    doc = session.get(NeighborhoodDocument, document_id)
    if doc is None or doc.withdrawn:
        return None
    return DocumentFile(doc.filename, doc.content_type, doc.content)


def neighborhood_problems(session: Session, neighborhood_id: int) -> pd.DataFrame:
    """The neighborhood's live problems in priority order, with their plans."""
    p = NeighborhoodProblem
    stmt = (
        select(
            col(p.id),
            col(p.priority),
            col(p.title),
            col(p.description),
            col(p.actions),
            col(p.agency_id),
            col(Agency.short_name),
            col(p.due_date),
            col(p.indicator_id),
            col(Indicator.name),
            col(p.version),
        )
        .outerjoin(Agency, col(Agency.id) == col(p.agency_id))
        .outerjoin(Indicator, col(Indicator.id) == col(p.indicator_id))
        .where(col(p.neighborhood_id) == neighborhood_id, col(p.withdrawn).is_(False))
        .order_by(col(p.priority), col(p.id))
    )
    df = pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=PROBLEM_COLUMNS)
    for name in ("agency_id", "indicator_id"):  # whole numbers or None, never NaN
        df[name] = pd.Series([None if pd.isna(x) else int(x) for x in df[name]], dtype=object)
    return df


def row_neighborhoods(session: Session, assignment_ids: Sequence[int]) -> dict[int, list[int]]:
    """The neighborhoods each row names, by id (a row that names none is absent)."""
    a = AssignmentNeighborhood
    stmt = (
        select(col(a.assignment_id), col(a.neighborhood_id))
        .join(Neighborhood, col(Neighborhood.id) == col(a.neighborhood_id))
        .where(col(a.assignment_id).in_(list(assignment_ids)))
        .order_by(col(a.assignment_id), col(a.neighborhood_id))
    )
    found: dict[int, list[int]] = {}
    for row_id, hood_id in session.execute(stmt).all():
        found.setdefault(int(row_id), []).append(int(hood_id))
    return found


def meeting_row_choices(session: Session, meeting_id: int) -> dict[int, str]:
    """The live rows of a meeting as id -> «مصوبه ۳ — آموزش و پرورش», in order."""
    stmt = (
        select(col(Assignment.id), col(Resolution.number), col(Agency.short_name))
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(col(Resolution.meeting_id) == meeting_id, col(Assignment.withdrawn).is_(False))
        .order_by(col(Resolution.number), col(Agency.sort_order), col(Agency.id))
    )
    return {
        int(i): f"مصوبه {to_fa_digits(n)} — {name}" for i, n, name in session.execute(stmt).all()
    }


def plan_indicators(session: Session) -> dict[int, str]:
    """The active indicators a plan may name, id -> name."""
    stmt = (
        select(col(Indicator.id), col(Indicator.name))
        .where(col(Indicator.active).is_(True))
        .order_by(col(Indicator.name))
    )
    return {int(i): str(n) for i, n in session.execute(stmt).all()}


@dataclass(frozen=True)
class Dossier:
    """Everything the dossier page, its PDF and its slide show of one neighborhood."""

    facts: dict[str, Any]  # the registry's row, with its county's name
    cells: pd.DataFrame  # coverage: one row per service, with its level (the gap rule)
    deliveries: pd.DataFrame  # who serves it with what
    rows: pd.DataFrame  # the agency rows that name it
    documents: pd.DataFrame
    problems: pd.DataFrame
    indicators: list[NeighborhoodIndicator]  # against baseline and target, with status
    is_sample: bool

    @property
    def name(self) -> str:
        """The neighborhood's name."""
        return str(self.facts["name"])

    @property
    def gaps(self) -> pd.DataFrame:
        """The services with a norm that are missing or partly met, largest need first."""
        short = self.cells[self.cells["level"].isin(["none", "partial"])]
        return short.sort_values("need", ascending=False)


def neighborhood_dossier(
    session: Session, neighborhood_id: int, today: date, *, county_id: int | None = None
) -> Dossier | None:
    """The neighborhood's dossier, or None when no neighborhood has that id; for a
    county's reader (`county_id`), another county's neighborhood is refused."""
    require_in_county(session, neighborhood_id, county_id)
    facts = neighborhood_profile(session, neighborhood_id)
    if facts is None:
        return None
    rows = neighborhood_assignments(session, neighborhood_id, today)
    return Dossier(
        facts=facts,
        cells=coverage_matrix(session, neighborhood_id=neighborhood_id),
        deliveries=neighborhood_deliveries(session, neighborhood_id),
        rows=rows,
        documents=neighborhood_documents(session, neighborhood_id),
        problems=neighborhood_problems(session, neighborhood_id),
        indicators=neighborhood_indicators(session, neighborhood_id),
        is_sample=bool(facts["is_sample"]),
    )
