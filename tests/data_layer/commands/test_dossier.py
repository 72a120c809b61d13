"""Tests for data_layer.commands.dossier: the neighborhoods a row names, and a
neighborhood's studies and documents. On SQLite and PostgreSQL (the seeded sample)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, col, select

from data_layer.commands.dossier import add_document, set_row_neighborhoods, withdraw_document
from data_layer.commands.evidence import MAX_EVIDENCE_BYTES
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from data_layer.models import Assignment, HistoryEntry, Neighborhood, Role, User
from data_layer.models_dossier import AssignmentNeighborhood, NeighborhoodDocument
from data_layer.permissions import Actor
from data_layer.queries.assignments import neighborhood_assignments
from data_layer.queries.dossier import document_file, neighborhood_documents, row_neighborhoods

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n" + bytes(64)


def _actor(s: Session, **where: object) -> Actor:
    stmt = select(User).where(*(getattr(User, k) == v for k, v in where.items()))
    u = s.exec(stmt.order_by(col(User.id))).first()
    assert u is not None
    return Actor(u.id, u.username, u.full_name, u.role, u.agency_id)  # type: ignore[arg-type]


def _world(url: str) -> tuple[Actor, Actor, Actor, int, list[int]]:
    """(secretariat, a liaison, another agency's liaison, one of the liaison's rows, hoods)."""
    with read_session(url) as s:
        dabir = _actor(s, username="dabir")
        liaison = _actor(s, role=Role.AGENCY_EDITOR.value)
        other = s.exec(
            select(User)
            .where(User.role == Role.AGENCY_EDITOR.value, User.agency_id != liaison.agency_id)
            .order_by(col(User.id))
        ).first()
        assert other is not None
        stranger = Actor(other.id, other.username, other.full_name, other.role, other.agency_id)  # type: ignore[arg-type]
        row = s.exec(
            select(Assignment.id).where(
                Assignment.agency_id == liaison.agency_id, col(Assignment.withdrawn).is_(False)
            )
        ).first()
        hoods = list(s.exec(select(Neighborhood.id).order_by(col(Neighborhood.id)).limit(3)))
    assert row is not None
    return dabir, liaison, stranger, row, [int(h) for h in hoods if h is not None]


def test_the_secretariat_and_the_rows_liaison_name_its_neighborhoods(seeded_url: str) -> None:
    dabir, liaison, _, row, hoods = _world(seeded_url)
    with write_session(seeded_url) as s:
        set_row_neighborhoods(
            s, actor=dabir, assignment_id=row, neighborhood_ids=hoods[:2], now=NOW
        )
    with write_session(seeded_url) as s:
        set_row_neighborhoods(
            s,
            actor=liaison,
            assignment_id=row,
            neighborhood_ids=[hoods[1], hoods[2]],
            shown_ids=hoods[:2],
            now=NOW,
        )
    with read_session(seeded_url) as s:
        assert row_neighborhoods(s, [row]) == {row: sorted([hoods[1], hoods[2]])}
        changes = s.exec(
            select(HistoryEntry).where(
                HistoryEntry.entity == "assignment",
                HistoryEntry.entity_id == row,
                HistoryEntry.field == "neighborhoods",
            )
        ).all()
        assert [(h.old_value, h.new_value) for h in changes] == [
            (None, f"{hoods[0]},{hoods[1]}"),
            (f"{hoods[0]},{hoods[1]}", f"{hoods[1]},{hoods[2]}"),
        ]
        concerned = neighborhood_assignments(s, hoods[2], date(2026, 11, 28))
        assert concerned["id"].tolist() == [row]
        assert neighborhood_assignments(s, hoods[0], date(2026, 11, 28)).empty


def test_a_stale_form_another_agency_or_a_vanished_neighborhood_is_refused(
    seeded_url: str,
) -> None:
    dabir, liaison, stranger, row, hoods = _world(seeded_url)
    with write_session(seeded_url) as s:
        set_row_neighborhoods(
            s, actor=dabir, assignment_id=row, neighborhood_ids=hoods[:1], now=NOW
        )
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        set_row_neighborhoods(
            s, actor=liaison, assignment_id=row, neighborhood_ids=hoods, shown_ids=[], now=NOW
        )
    with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
        set_row_neighborhoods(s, actor=stranger, assignment_id=row, neighborhood_ids=hoods)
    with write_session(seeded_url) as s:
        s.get(Neighborhood, hoods[2]).active = False  # type: ignore[union-attr]
    with pytest.raises(NotFound), write_session(seeded_url) as s:
        set_row_neighborhoods(s, actor=dabir, assignment_id=row, neighborhood_ids=hoods)
    with pytest.raises(NotFound), write_session(seeded_url) as s:
        set_row_neighborhoods(s, actor=dabir, assignment_id=10**8, neighborhood_ids=hoods[:1])
    with read_session(seeded_url) as s:  # nothing half-written by the refusals
        names = s.exec(
            select(AssignmentNeighborhood.neighborhood_id).where(
                AssignmentNeighborhood.assignment_id == row
            )
        ).all()
        assert list(names) == hoods[:1]


def test_a_document_is_kept_listed_downloaded_and_removed(seeded_url: str) -> None:
    dabir, _, _, _, hoods = _world(seeded_url)
    with write_session(seeded_url) as s:
        doc = add_document(
            s,
            actor=dabir,
            neighborhood_id=hoods[0],
            kind="facilitation_report",
            title="گزارش دفتر تسهیل‌گری ۱۴۰۴",
            issued_on="۱۴۰۴/۱۲/۱۰",
            source="دفتر تسهیل‌گری محله",
            filename="report.pdf",
            content=PDF,
            now=NOW,
        )
        doc_id = int(doc.id)  # type: ignore[arg-type]
    with read_session(seeded_url) as s:
        listed = neighborhood_documents(s, hoods[0])
        assert listed["title"].tolist() == ["گزارش دفتر تسهیل‌گری ۱۴۰۴"]
        assert listed["issued_on"].tolist() == [date(2026, 3, 1)]
        got = document_file(s, doc_id)
        assert got is not None and got.content == PDF and got.content_type == "application/pdf"
    with pytest.raises(ValidationError), write_session(seeded_url) as s:
        withdraw_document(s, actor=dabir, document_id=doc_id, reason=" ", now=NOW)
    with write_session(seeded_url) as s:
        withdraw_document(s, actor=dabir, document_id=doc_id, reason="نسخهٔ اشتباه", now=NOW)
    with pytest.raises(NotFound), write_session(seeded_url) as s:
        withdraw_document(s, actor=dabir, document_id=doc_id, reason="دوباره", now=NOW)
    with read_session(seeded_url) as s:
        assert neighborhood_documents(s, hoods[0]).empty
        assert document_file(s, doc_id) is None
        assert s.get(NeighborhoodDocument, doc_id) is not None  # kept stored
        fields = s.exec(
            select(HistoryEntry.field).where(
                HistoryEntry.entity == "neighborhood", HistoryEntry.entity_id == hoods[0]
            )
        ).all()
        assert sorted(fields) == ["document", "document_withdrawn"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "poem"}, "kind"),
        ({"title": ""}, "title"),
        ({"issued_on": "۱۴۰۴/۱۳/۰۱"}, "issued_on"),
        ({"issued_on": "۱۴۰۶/۰۱/۰۱"}, "issued_on"),
        ({"filename": "x.exe"}, "document"),
        ({"content": b"not a pdf"}, "document"),
        ({"content": b"%PDF" + bytes(MAX_EVIDENCE_BYTES)}, "document"),
    ],
)
def test_a_bad_document_is_refused_by_field_and_nothing_is_stored(
    seeded_url: str, changes: dict[str, object], field: str
) -> None:
    dabir, liaison, _, _, hoods = _world(seeded_url)
    given: dict[str, object] = {
        "kind": "survey",
        "title": "پیمایش",
        "issued_on": None,
        "source": "",
        "filename": "a.pdf",
        "content": PDF,
    } | changes
    with pytest.raises(ValidationError) as e, write_session(seeded_url) as s:
        add_document(s, actor=dabir, neighborhood_id=hoods[0], now=NOW, **given)  # type: ignore[arg-type]
    assert field in {err.field for err in e.value.errors}
    with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
        add_document(s, actor=liaison, neighborhood_id=hoods[0], now=NOW, **given)  # type: ignore[arg-type]
    with read_session(seeded_url) as s:
        assert s.exec(select(NeighborhoodDocument)).all() == []
