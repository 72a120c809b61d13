"""Each person's email and mobile (confirmed with a code) and the outbox every
message goes through, with its unique key so that a decision queues it once.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S = sqlmodel.sql.sqltypes.AutoString
_T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    """contact_channel and outbox_message."""
    op.create_table(
        "contact_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(length=10), nullable=False),
        sa.Column("address", _S(length=254), nullable=False),
        sa.Column("confirmed_at", _T(), nullable=True),
        sa.Column("code_hash", _S(length=128), nullable=False),
        sa.Column("code_sent_at", _T(), nullable=True),
        sa.Column("tries_left", sa.Integer(), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('email', 'sms')", name="ck_channel_kind"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", name="uq_channel_person_kind"),
    )
    op.create_index("ix_contact_channel_user_id", "contact_channel", ["user_id"])
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", _S(length=160), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", _S(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", _S(length=10), nullable=False),
        sa.Column("address", _S(length=254), nullable=False),
        sa.Column("copy_to", _S(length=254), nullable=False),
        sa.Column("subject", _S(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), server_default="", nullable=False),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("attachment_name", _S(length=255), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column("state", _S(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _T(), nullable=False),
        sa.Column("claimed_at", _T(), nullable=True),
        sa.Column("last_error", _S(length=500), nullable=False),
        sa.Column("provider_id", _S(length=200), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("sent_at", _T(), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'sending', 'sent', 'failed')", name="ck_outbox_state"
        ),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="ck_outbox_channel"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_outbox_due", "outbox_message", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_message_user_id", "outbox_message", ["user_id"])
    op.create_index("ix_outbox_message_letter_id", "outbox_message", ["letter_id"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("outbox_message")
    op.drop_table("contact_channel")
