"""The indicator values awaiting verification, counted and listed (the longest waiting
first) from an index: the secretariat's inbox and the verification tab of «شاخص‌ها».

Revision ID: 0019
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One index."""
    op.create_index(
        "ix_indicator_value_awaiting",
        "indicator_value",
        ["verification", "reported_at", "id"],
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_indicator_value_awaiting", table_name="indicator_value")
