"""Tables of a neighborhood's dossier (پرونده محله, resolution 6): the neighborhoods an
agency's row works in, the studies and documents kept on a neighborhood, and its
prioritized problems, each with an operational plan.

Conventions as in data_layer.models: Gregorian dates, aware UTC timestamps, short
strings for enumerations, nothing deleted (withdrawn instead), every change to history.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, LargeBinary, Text
from sqlmodel import Column, Field, SQLModel

import data_layer.models_indicators  # noqa: F401  (the indicator a plan names)
from data_layer.models import utcnow


class DocumentKind(StrEnum):
    """What sort of study or document a neighborhood's file is."""

    FACILITATION_REPORT = "facilitation_report"  # گزارش دفتر تسهیل‌گری
    SURVEY = "survey"  # پیمایش
    STUDY = "study"  # مطالعه / پژوهش
    PLAN = "plan"  # طرح یا برنامه
    OTHER = "other"


DOCUMENT_KIND_LABELS: dict[str, str] = {
    DocumentKind.FACILITATION_REPORT: "گزارش دفتر تسهیل‌گری",
    DocumentKind.SURVEY: "پیمایش",
    DocumentKind.STUDY: "مطالعه و پژوهش",
    DocumentKind.PLAN: "طرح و برنامه",
    DocumentKind.OTHER: "سایر",
}


class AssignmentNeighborhood(SQLModel, table=True):
    """A neighborhood an agency's row (assignment) works in: many to many."""

    __tablename__ = "assignment_neighborhood"
    __table_args__ = (Index("ix_assignment_neighborhood_hood", "neighborhood_id"),)

    assignment_id: int = Field(foreign_key="assignment.id", primary_key=True)
    neighborhood_id: int = Field(foreign_key="neighborhood.id", primary_key=True)
    is_sample: bool = False


class NeighborhoodDocument(SQLModel, table=True):
    """A study or document on a neighborhood, its file kept in the database like evidence."""

    __tablename__ = "neighborhood_document"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(repr(k.value) for k in DocumentKind) + ")",
            name="ck_neighborhood_document_kind",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    neighborhood_id: int = Field(foreign_key="neighborhood.id", index=True)
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    issued_on: date | None = None
    source: str = Field(default="", max_length=300)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = Field(default_factory=utcnow)
    uploaded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn: bool = False
    is_sample: bool = False


class NeighborhoodProblem(SQLModel, table=True):
    """A prioritized problem (مسئله) of a neighborhood and its operational plan: the
    actions, the agency that owns them, the due date and the indicator they should move."""

    __tablename__ = "neighborhood_problem"
    __table_args__ = (
        CheckConstraint("priority >= 1", name="ck_neighborhood_problem_priority"),
        Index("ix_neighborhood_problem_hood", "neighborhood_id", "priority"),
    )

    id: int | None = Field(default=None, primary_key=True)
    neighborhood_id: int = Field(foreign_key="neighborhood.id")
    priority: int = 1  # 1 first; kept dense per neighborhood by the commands
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    actions: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    due_date: date | None = None
    # The catalogue's indicator the plan should move.
    indicator_id: int | None = Field(default=None, foreign_key="indicator.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn: bool = False
    version: int = 1
    is_sample: bool = False
