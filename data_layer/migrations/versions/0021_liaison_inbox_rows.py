"""A liaison's «کارتابل» chooses an agency's oldest late rows and counts the rest from
one index: the agency's index by planned date (the ladder's walk to its oldest planned
date) is widened to hold every column the inbox's row filter and window read
(verification, resolution, id), so the rows' table is read only for the rows listed.
Widened rather than added beside it: a second index on (agency, …) led SQLite's planner
away from the ladder's walk by planned date, and every save would pay for both.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NARROW = ["agency_id", "planned_date", "status", "withdrawn"]


def upgrade() -> None:
    """The agency's index by planned date widened."""
    op.drop_index("ix_assignment_agency_planned", table_name="assignment")
    op.create_index(
        "ix_assignment_agency_planned",
        "assignment",
        [*NARROW, "verification", "resolution_id", "id"],
    )


def downgrade() -> None:
    """Back as it was."""
    op.drop_index("ix_assignment_agency_planned", table_name="assignment")
    op.create_index("ix_assignment_agency_planned", "assignment", NARROW)
