"""The overview's late rows at L: rows ordered by their planned date from an index, so
the first page of the late rows reads the rows due up to that page's last day instead
of sorting every late row.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One index added."""
    op.create_index(
        "ix_assignment_planned", "assignment", ["planned_date", "status", "withdrawn"]
    )


def downgrade() -> None:
    """Back as it was."""
    op.drop_index("ix_assignment_planned", table_name="assignment")
