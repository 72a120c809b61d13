"""Reads of a neighborhood's dossier (پرونده محله): its documents, its prioritized
problems with their plans, and the neighborhoods agency rows name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.models import Agency, Neighborhood
from data_layer.models_dossier import (
    AssignmentNeighborhood,
    NeighborhoodDocument,
    NeighborhoodProblem,
)

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
            col(p.version),
        )
        .outerjoin(Agency, col(Agency.id) == col(p.agency_id))
        .where(col(p.neighborhood_id) == neighborhood_id, col(p.withdrawn).is_(False))
        .order_by(col(p.priority), col(p.id))
    )
    df = pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=PROBLEM_COLUMNS)
    df["agency_id"] = df["agency_id"].astype("Int64")
    df["indicator_id"] = df["indicator_id"].astype("Int64")
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


def neighborhood_exists(session: Session, neighborhood_id: Any) -> bool:
    """Whether an active neighborhood has that id."""
    hood = session.get(Neighborhood, neighborhood_id) if isinstance(neighborhood_id, int) else None
    return hood is not None and hood.active
