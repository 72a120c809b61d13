"""A liaison's «کارتابل» chooses an agency's oldest late rows and counts the rest from
one index: every column the inbox's row filter and window read of an agency's rows
(withdrawn, status, verification, planned date, resolution, id) sits in an index that
starts with the agency, so the rows' table is read only for the rows listed.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One index added."""
    op.create_index(
        "ix_assignment_agency_inbox",
        "assignment",
        ["agency_id", "withdrawn", "status", "verification", "planned_date", "resolution_id", "id"],
    )


def downgrade() -> None:
    """The index dropped."""
    op.drop_index("ix_assignment_agency_inbox", table_name="assignment")
