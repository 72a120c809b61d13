"""The minutes as written and the names learned from them: a resolution keeps its owner
cell exactly as the file wrote it (`owners_raw`, beside `text_as_written`), and a name
matched by hand can be remembered as one of an agency's names (`agency_alias`).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One column and one table."""
    with op.batch_alter_table("resolution") as batch:
        batch.add_column(sa.Column("owners_raw", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "agency_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("alias", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("match_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["added_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("match_key"),
    )
    op.create_index("ix_agency_alias_agency_id", "agency_alias", ["agency_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_agency_alias_agency_id", table_name="agency_alias")
    op.drop_table("agency_alias")
    with op.batch_alter_table("resolution") as batch:
        batch.drop_column("owners_raw")
