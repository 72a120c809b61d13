"""The national hub keeps each snapshot's body in a table of its own
(hub_snapshot_body, keyed by the snapshot's id), so the national page's read of every
province's summary never walks a body: SQLite stores a row's columns in order with a
long value in a chain of overflow pages, and `summary` sat after the multi-MB `body`.

Revision ID: 0020
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The bodies moved to their own table, then the column dropped."""
    op.create_table(
        "hub_snapshot_body",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["hub_snapshot.id"]),
        sa.PrimaryKeyConstraint("snapshot_id"),
    )
    op.execute("INSERT INTO hub_snapshot_body (snapshot_id, body) SELECT id, body FROM hub_snapshot")
    # Both databases drop a column in place (SQLite since 3.35), so the rows that point
    # at hub_snapshot keep pointing at the same table.
    op.execute("ALTER TABLE hub_snapshot DROP COLUMN body")


def downgrade() -> None:
    """The bodies back in hub_snapshot."""
    op.add_column(
        "hub_snapshot", sa.Column("body", sa.Text(), nullable=False, server_default="")
    )
    op.execute(
        "UPDATE hub_snapshot SET body = (SELECT b.body FROM hub_snapshot_body b"
        " WHERE b.snapshot_id = hub_snapshot.id)"
    )
    op.drop_table("hub_snapshot_body")
