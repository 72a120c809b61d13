"""The national hub: the provinces it registers, every snapshot version they publish,
and the log of each arrival or failure (empty in a province).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Three tables."""
    op.create_table(
        "hub_province",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _S(length=40), nullable=False),
        sa.Column("name", _S(length=120), nullable=False),
        sa.Column("pull_url", _S(length=500), nullable=False),
        sa.Column("token_salt", _S(length=64), nullable=False),
        sa.Column("token_hash", _S(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "hub_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("via", _S(length=10), nullable=False),
        sa.Column("content_sha256", _S(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.CheckConstraint("via IN ('push', 'pull')", name="ck_hub_snapshot_via"),
        sa.CheckConstraint("version >= 1", name="ck_hub_snapshot_version"),
        sa.ForeignKeyConstraint(["province_id"], ["hub_province.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("province_id", "version", name="uq_hub_snapshot_version"),
    )
    op.create_table(
        "hub_ingest_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("via", _S(length=10), nullable=False),
        sa.Column("outcome", _S(length=10), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint("via IN ('push', 'pull')", name="ck_hub_log_via"),
        sa.CheckConstraint(
            "outcome IN ('stored', 'same', 'refused', 'failed')", name="ck_hub_log_outcome"
        ),
        sa.ForeignKeyConstraint(["province_id"], ["hub_province.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hub_ingest_log_at", "hub_ingest_log", ["at"])
    op.create_index("ix_hub_ingest_log_province", "hub_ingest_log", ["province_id", "at"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index("ix_hub_ingest_log_province", table_name="hub_ingest_log")
    op.drop_index("ix_hub_ingest_log_at", table_name="hub_ingest_log")
    op.drop_table("hub_ingest_log")
    op.drop_table("hub_snapshot")
    op.drop_table("hub_province")
