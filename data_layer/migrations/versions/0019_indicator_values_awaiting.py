"""Indicators at L: the values awaiting verification counted and listed (the longest
waiting first) from an index, for the secretariat's inbox and the verification tab of
«شاخص‌ها»; and the standings' index on (indicator, newest period) carries the
wrong-way flag, so the overview counts and lists the wrong-way moves from the index
instead of reading every standing of the newest period.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One index added, one widened."""
    op.create_index(
        "ix_indicator_value_awaiting",
        "indicator_value",
        ["verification", "reported_at", "id"],
    )
    op.drop_index("ix_indicator_standing_indicator_latest", table_name="indicator_standing")
    op.create_index(
        "ix_indicator_standing_newest",
        "indicator_standing",
        ["indicator_id", "latest_end", "wrong_way"],
    )


def downgrade() -> None:
    """Back as they were."""
    op.drop_index("ix_indicator_standing_newest", table_name="indicator_standing")
    op.create_index(
        "ix_indicator_standing_indicator_latest",
        "indicator_standing",
        ["indicator_id", "latest_end"],
    )
    op.drop_index("ix_indicator_value_awaiting", table_name="indicator_value")
