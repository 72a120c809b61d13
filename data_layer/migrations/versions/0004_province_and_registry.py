"""A province of its own: its profile, agency registry with membership periods,
lead owners and liaisons' phones.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Add the tables and columns; every member agency gets an open membership period."""
    op.create_table(
        "province_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province", _S(length=80), nullable=False),
        sa.Column("governorate", _S(length=200), nullable=False),
        sa.Column("group_name", _S(length=300), nullable=False),
        sa.Column("secretary_name", _S(length=120), nullable=False),
        sa.Column("secretary_title", _S(length=200), nullable=False),
        sa.Column("letterhead", sa.Text(), server_default="", nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", _S(length=40), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "agency_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("member_from", sa.Date(), nullable=True),
        sa.Column("member_to", sa.Date(), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "member_to IS NULL OR member_from IS NULL OR member_to >= member_from",
            name="ck_membership_order",
        ),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agency_membership_agency_id", "agency_membership", ["agency_id"])
    op.execute(
        "INSERT INTO agency_membership (agency_id, member_from, member_to, is_sample)"
        " SELECT id, NULL, NULL, is_sample FROM agency WHERE is_member"
    )
    with op.batch_alter_table("agency") as batch:
        batch.add_column(sa.Column("head_title", _S(length=200), server_default="", nullable=False))
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.create_foreign_key("fk_agency_merged_into", "agency", ["merged_into_id"], ["id"])
        batch.drop_column("is_member")
    with op.batch_alter_table("resolution") as batch:
        batch.add_column(sa.Column("lead_agency_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_resolution_lead", "agency", ["lead_agency_id"], ["id"])
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("phone", _S(length=20), server_default="", nullable=False))


def downgrade() -> None:
    """Back to 0003 (an agency is a member when it has an open period)."""
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("phone")
    with op.batch_alter_table("resolution") as batch:
        batch.drop_constraint("fk_resolution_lead", type_="foreignkey")
        batch.drop_column("lead_agency_id")
    with op.batch_alter_table("agency") as batch:
        batch.add_column(sa.Column("is_member", sa.Boolean(), server_default="0", nullable=False))
    op.execute(
        "UPDATE agency SET is_member = EXISTS (SELECT 1 FROM agency_membership m"
        " WHERE m.agency_id = agency.id AND m.member_to IS NULL)"
    )
    with op.batch_alter_table("agency") as batch:
        batch.drop_constraint("fk_agency_merged_into", type_="foreignkey")
        batch.drop_column("version")
        batch.drop_column("merged_into_id")
        batch.drop_column("head_title")
    op.drop_index("ix_agency_membership_agency_id", table_name="agency_membership")
    op.drop_table("agency_membership")
    op.drop_table("province_profile")
