"""Writes of a neighborhood's dossier: the neighborhoods an agency's row works in, and
the studies and documents kept on a neighborhood (stored like evidence)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from data_layer.commands.assignments import load_assignment
from data_layer.commands.common import load
from data_layer.commands.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, stored_file
from data_layer.commands.history import History
from data_layer.errors import ConflictError, FieldError, NotFound, ValidationError
from data_layer.input.check import Check
from data_layer.input.files import file_name
from data_layer.models import Neighborhood, Role, utcnow
from data_layer.models_dossier import (
    DOCUMENT_KIND_LABELS,
    AssignmentNeighborhood,
    NeighborhoodDocument,
)
from data_layer.permissions import Action, Actor, require

__all__ = ["add_document", "set_row_neighborhoods", "withdraw_document"]

HOOD_GONE = "این محله پیدا نشد یا غیرفعال شده است؛ چیزی ذخیره نشد."
DOCUMENT_LABELS = {
    "kind": "نوع سند",
    "title": "عنوان",
    "issued_on": "تاریخ سند",
    "source": "منبع",
    "filename": "نام پرونده",
    "document": "پرونده",
    "reason": "دلیل حذف",
}


def live_neighborhood(session: Session, neighborhood_id: object) -> Neighborhood:
    """The active neighborhood of that id, or NotFound."""
    hood = load(session, Neighborhood, neighborhood_id, HOOD_GONE)
    if not hood.active:
        raise NotFound(HOOD_GONE)
    return hood


def row_neighborhood_ids(session: Session, assignment_id: int) -> list[int]:
    """The neighborhoods a row names now, by id."""
    stmt = select(col(AssignmentNeighborhood.neighborhood_id)).where(
        col(AssignmentNeighborhood.assignment_id) == assignment_id
    )
    return sorted(int(i) for i in session.execute(stmt).scalars())


def set_row_neighborhoods(
    session: Session,
    *,
    actor: Actor,
    assignment_id: int,
    neighborhood_ids: Sequence[int],
    shown_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Name the neighborhoods an agency's row works in (the secretariat, or the row's own
    liaison). `shown_ids`: what the form showed; if someone changed it since, refused."""
    now = now or utcnow()
    asg, _ = load_assignment(session, assignment_id)
    if actor.role == Role.SECRETARIAT:
        require(session, actor, Action.MANAGE_MEETINGS)
    else:
        require(session, actor, Action.UPDATE_ASSIGNMENT, asg.agency_id)
    before = row_neighborhood_ids(session, assignment_id)
    if shown_ids is not None and sorted(shown_ids) != before:
        raise ConflictError(
            message="محلات این ردیف پس از باز شدن فرم شما تغییر کرده است؛ چیزی ذخیره نشد."
            " صفحه را دوباره ببینید."
        )
    wanted = sorted(set(neighborhood_ids))
    for hood_id in set(wanted) - set(before):
        live_neighborhood(session, hood_id)
    gone, added = set(before) - set(wanted), set(wanted) - set(before)
    if gone:
        session.execute(
            delete(AssignmentNeighborhood).where(
                col(AssignmentNeighborhood.assignment_id) == assignment_id,
                col(AssignmentNeighborhood.neighborhood_id).in_(gone),
            )
        )
    for hood_id in sorted(added):
        session.add(AssignmentNeighborhood(assignment_id=assignment_id, neighborhood_id=hood_id))
    if gone or added:
        session.flush()
        History(session, actor, now).add(
            "assignment",
            assignment_id,
            "neighborhoods",
            ",".join(map(str, before)) or None,
            ",".join(map(str, wanted)) or None,
        )
    return wanted


def add_document(
    session: Session,
    *,
    actor: Actor,
    neighborhood_id: int,
    kind: str,
    title: str,
    issued_on: object,
    source: str,
    filename: str,
    content: bytes,
    now: datetime | None = None,
) -> NeighborhoodDocument:
    """Keep a study or document on a neighborhood (the secretariat), with the evidence bounds."""
    now = now or utcnow()
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    live_neighborhood(session, neighborhood_id)
    check = Check(DOCUMENT_LABELS)
    picked = check.choice("kind", kind, DOCUMENT_KIND_LABELS)
    title = check.text("title", title, limit=300, required=True)
    day: date | None = check.date("issued_on", issued_on, required=False)
    if day is not None and day > now.date():
        check.add("issued_on", "«تاریخ سند» نمی‌تواند در آینده باشد.")
    source = check.text("source", source, limit=300)
    name = check.text("filename", file_name(filename), limit=255, required=True)
    check.upload("document", name, content, types=EVIDENCE_TYPES, max_bytes=MAX_EVIDENCE_BYTES)
    check.raise_if_any()
    assert picked is not None
    doc = NeighborhoodDocument(
        neighborhood_id=neighborhood_id,
        kind=picked,
        title=title,
        issued_on=day,
        source=source,
        **stored_file(name, content, actor, now),
    )
    session.add(doc)
    session.flush()
    History(session, actor, now).add("neighborhood", neighborhood_id, "document", None, title)
    return doc


def withdraw_document(
    session: Session, *, actor: Actor, document_id: int, reason: str, now: datetime | None = None
) -> None:
    """Remove a document from the dossier: it stays stored; the removal goes to history."""
    now = now or utcnow()
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    gone = "این سند پیدا نشد یا قبلاً حذف شده است؛ فهرست را دوباره ببینید."
    doc = load(session, NeighborhoodDocument, document_id, gone)
    check = Check(DOCUMENT_LABELS)
    reason = check.text("reason", reason, limit=500, required=True)
    check.raise_if_any()
    moved = session.execute(
        update(NeighborhoodDocument)
        .where(col(NeighborhoodDocument.id) == document_id)
        .where(col(NeighborhoodDocument.withdrawn).is_(False))
        .values(withdrawn=True)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]  # another tab removed it first
        raise NotFound(gone)
    History(session, actor, now).add(
        "neighborhood", doc.neighborhood_id, "document_withdrawn", doc.title, None, reason
    )


def refuse(field: str, message: str) -> ValidationError:
    """A one-field refusal."""
    return ValidationError([FieldError(field, message)])
