"""The indicator catalogue, each neighborhood's baseline and target per indicator,
and the values reported per period (issue 25).

Revision ID: 0012
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """indicator, indicator_target, indicator_value, indicator_standing."""
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("definition", sa.Text(), server_default="", nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("period_kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("measure", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("numerator_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "denominator_label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column("per_multiplier", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint("direction IN ('higher', 'lower')", name="ck_indicator_direction"),
        sa.CheckConstraint("measure IN ('count', 'rate', 'percent')", name="ck_indicator_measure"),
        sa.CheckConstraint("period_kind IN ('season', 'year')", name="ck_indicator_period"),
        sa.CheckConstraint("per_multiplier > 0", name="ck_indicator_per"),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agency.id"],
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "indicator_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighborhood_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("baseline_year", sa.Integer(), nullable=False),
        sa.Column("baseline_no", sa.Integer(), nullable=False),
        sa.Column("baseline_end", sa.Date(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["neighborhood_id"],
            ["neighborhood.id"],
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("neighborhood_id", "indicator_id", name="uq_indicator_target"),
    )
    with op.batch_alter_table("indicator_target", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_target_indicator_id"), ["indicator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_indicator_target_neighborhood_id"), ["neighborhood_id"], unique=False
        )

    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighborhood_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period_year", sa.Integer(), nullable=False),
        sa.Column("period_no", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("verification", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "verification_note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("verified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "verification IN ('unverified', 'document_seen', 'field_verified', 'rejected')",
            name="ck_indicator_value_verification",
        ),
        sa.CheckConstraint("denominator IS NULL OR denominator > 0", name="ck_indicator_value_den"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["neighborhood_id"],
            ["neighborhood.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "neighborhood_id", "indicator_id", "period_year", "period_no", name="uq_indicator_value"
        ),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_value_indicator_period",
            ["indicator_id", "period_year", "period_no"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_indicator_value_neighborhood_id"), ["neighborhood_id"], unique=False
        )

    op.create_table(
        "indicator_standing",
        sa.Column("neighborhood_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("has_target", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("latest_year", sa.Integer(), nullable=True),
        sa.Column("latest_no", sa.Integer(), nullable=True),
        sa.Column("latest_end", sa.Date(), nullable=True),
        sa.Column("latest_value", sa.Float(), nullable=True),
        sa.Column("previous_year", sa.Integer(), nullable=True),
        sa.Column("previous_no", sa.Integer(), nullable=True),
        sa.Column("previous_value", sa.Float(), nullable=True),
        sa.Column("wrong_way", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.ForeignKeyConstraint(["neighborhood_id"], ["neighborhood.id"]),
        sa.PrimaryKeyConstraint("neighborhood_id", "indicator_id"),
    )
    with op.batch_alter_table("indicator_standing", schema=None) as batch_op:
        batch_op.create_index("ix_indicator_standing_status", ["status"], unique=False)
        batch_op.create_index(
            "ix_indicator_standing_indicator_latest", ["indicator_id", "latest_end"], unique=False
        )


def downgrade() -> None:
    """Drop the four tables."""
    op.drop_table("indicator_standing")
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_value_neighborhood_id"))
        batch_op.drop_index("ix_indicator_value_indicator_period")

    op.drop_table("indicator_value")
    with op.batch_alter_table("indicator_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_target_neighborhood_id"))
        batch_op.drop_index(batch_op.f("ix_indicator_target_indicator_id"))

    op.drop_table("indicator_target")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_agency_id"))

    op.drop_table("indicator")
