"""The secretariat's inbox at L: indexes that serve its counts and its first items
(an agency's oldest open planned date, the resolutions by due date, the claims
waiting by report time), and a letter's reply marked as read and acted on.

Revision ID: 0014
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Four indexes; two columns on letter."""
    op.create_index(
        "ix_assignment_agency_planned",
        "assignment",
        ["agency_id", "planned_date", "status", "withdrawn"],
    )
    op.create_index(
        "ix_assignment_claims", "assignment", ["verification", "withdrawn", "reported_at"]
    )
    op.create_index(
        "ix_assignment_never_reported",
        "assignment",
        ["agency_id"],
        sqlite_where=sa.text("reported_at IS NULL"),
        postgresql_where=sa.text("reported_at IS NULL"),
    )
    op.create_index("ix_resolution_due", "resolution", ["due_date"])
    with op.batch_alter_table("letter") as batch:
        batch.add_column(
            sa.Column("reply_reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("reply_reviewed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_letter_reply_reviewed_by", "app_user", ["reply_reviewed_by_id"], ["id"]
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("letter") as batch:
        batch.drop_constraint("fk_letter_reply_reviewed_by", type_="foreignkey")
        batch.drop_column("reply_reviewed_by_id")
        batch.drop_column("reply_reviewed_at")
    op.drop_index("ix_resolution_due", table_name="resolution")
    op.drop_index("ix_assignment_never_reported", table_name="assignment")
    op.drop_index("ix_assignment_claims", table_name="assignment")
    op.drop_index("ix_assignment_agency_planned", table_name="assignment")
