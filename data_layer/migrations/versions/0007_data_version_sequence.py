"""On PostgreSQL the data version becomes a sequence, moved after commit.

Every write used to UPDATE the one data_version row inside its transaction, so all
writers queued on that row's lock until each other's commit. A sequence's nextval
takes no lock that lasts past the call and is never rolled back; writers call it
after their commit (data_layer.db). SQLite keeps the row: there one writer holds the
whole database at a time anyway, so the row adds no wait.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create data_version_seq, one past the row's count, on PostgreSQL."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    current = bind.execute(sa.text("SELECT MAX(version) FROM data_version")).scalar() or 1
    op.execute(f"CREATE SEQUENCE data_version_seq START WITH {int(current) + 1}")


def downgrade() -> None:
    """Drop the sequence."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE data_version_seq")
