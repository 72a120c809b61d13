"""The neighborhood's dossier: the neighborhoods an agency's row works in, the studies
and documents kept on a neighborhood, and its prioritized problems with their plans.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = "'facilitation_report', 'survey', 'study', 'plan', 'other'"


def upgrade() -> None:
    """Three tables."""
    op.create_table(
        "assignment_neighborhood",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("neighborhood_id", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.ForeignKeyConstraint(["neighborhood_id"], ["neighborhood.id"]),
        sa.PrimaryKeyConstraint("assignment_id", "neighborhood_id"),
    )
    op.create_index(
        "ix_assignment_neighborhood_hood", "assignment_neighborhood", ["neighborhood_id"]
    )
    op.create_table(
        "neighborhood_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighborhood_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name="ck_neighborhood_document_kind"),
        sa.ForeignKeyConstraint(["neighborhood_id"], ["neighborhood.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_neighborhood_document_neighborhood_id", "neighborhood_document", ["neighborhood_id"]
    )
    op.create_table(
        "neighborhood_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighborhood_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("actions", sa.Text(), server_default="", nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint("priority >= 1", name="ck_neighborhood_problem_priority"),
        sa.ForeignKeyConstraint(["neighborhood_id"], ["neighborhood.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_neighborhood_problem_hood", "neighborhood_problem", ["neighborhood_id", "priority"]
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_neighborhood_problem_hood", table_name="neighborhood_problem")
    op.drop_table("neighborhood_problem")
    op.drop_index(
        "ix_neighborhood_document_neighborhood_id", table_name="neighborhood_document"
    )
    op.drop_table("neighborhood_document")
    op.drop_index("ix_assignment_neighborhood_hood", table_name="assignment_neighborhood")
    op.drop_table("assignment_neighborhood")
