"""The letter register: every follow-up letter sent, the rows it named, and its reply.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    """The letter and the rows it named."""
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("addressee", _S(length=300), nullable=False),
        sa.Column("copy_to_chair", sa.Boolean(), nullable=False),
        sa.Column("reply_by", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("reply_text", sa.Text(), server_default="", nullable=False),
        sa.Column("reply_file", sa.LargeBinary(), nullable=True),
        sa.Column("reply_filename", _S(length=255), nullable=False),
        sa.Column("reply_type", _S(length=100), nullable=False),
        sa.Column("reply_recorded_at", _T(), nullable=True),
        sa.Column("reply_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint("step BETWEEN 1 AND 3", name="ck_letter_step"),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["reply_recorded_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "serial", name="uq_letter_number"),
    )
    op.create_index("ix_letter_agency_id", "letter", ["agency_id"])
    op.create_index("ix_letter_issued_on", "letter", ["issued_on"])
    op.create_table(
        "letter_row",
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("status", _S(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=False),
        sa.Column("unreported", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"]),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.PrimaryKeyConstraint("letter_id", "assignment_id"),
    )


def downgrade() -> None:
    """Back to 0005."""
    op.drop_table("letter_row")
    op.drop_index("ix_letter_issued_on", table_name="letter")
    op.drop_index("ix_letter_agency_id", table_name="letter")
    op.drop_table("letter")
