"""The county governorate's reader (role county_reader, bound to one county) and the
priority order a county proposes for its neighborhoods, with the secretariat's decision.

Revision ID: 0015
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES_BEFORE = "role IN ('admin', 'secretariat', 'agency_editor', 'viewer')"
_ROLES = "role IN ('admin', 'secretariat', 'agency_editor', 'viewer', 'county_reader')"


def upgrade() -> None:
    """A county on app_user and its constraint; the two proposal tables."""
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("county_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_app_user_county", "county", ["county_id"], ["id"])
        batch.create_index("ix_app_user_county_id", ["county_id"], unique=False)
        batch.drop_constraint("ck_user_role", type_="check")
        batch.create_check_constraint("ck_user_role", _ROLES)
        batch.create_check_constraint(
            "ck_user_county_role", "(role = 'county_reader') = (county_id IS NOT NULL)"
        )
    op.create_table(
        "priority_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("revises_id", sa.Integer(), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decision_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'returned')", name="ck_priority_proposal_state"
        ),
        sa.ForeignKeyConstraint(["county_id"], ["county.id"]),
        sa.ForeignKeyConstraint(["revises_id"], ["priority_proposal.id"]),
        sa.ForeignKeyConstraint(["sent_by_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("revises_id"),
    )
    op.create_index(
        "uq_priority_proposal_pending",
        "priority_proposal",
        ["county_id"],
        unique=True,
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index("ix_priority_proposal_county", "priority_proposal", ["county_id", "sent_at"])
    op.create_table(
        "priority_proposal_item",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("neighborhood_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint("rank >= 1", name="ck_priority_proposal_rank"),
        sa.ForeignKeyConstraint(["proposal_id"], ["priority_proposal.id"]),
        sa.ForeignKeyConstraint(["neighborhood_id"], ["neighborhood.id"]),
        sa.PrimaryKeyConstraint("proposal_id", "neighborhood_id"),
        sa.UniqueConstraint("proposal_id", "rank", name="uq_priority_proposal_rank"),
    )


def downgrade() -> None:
    """Drop them. A county reader has no role before this revision: its account is kept,
    deactivated, as a viewer (which would read the whole province), so nobody reads more
    than before."""
    op.execute(
        sa.text(
            "UPDATE app_user SET role = 'viewer', county_id = NULL, active = :off"
            " WHERE role = 'county_reader'"
        ).bindparams(off=False)
    )
    op.drop_table("priority_proposal_item")
    op.drop_index("ix_priority_proposal_county", table_name="priority_proposal")
    op.drop_index("uq_priority_proposal_pending", table_name="priority_proposal")
    op.drop_table("priority_proposal")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("ck_user_county_role", type_="check")
        batch.drop_constraint("ck_user_role", type_="check")
        batch.create_check_constraint("ck_user_role", _ROLES_BEFORE)
        batch.drop_index("ix_app_user_county_id")
        batch.drop_constraint("fk_app_user_county", type_="foreignkey")
        batch.drop_column("county_id")
