"""The claims waiting for the secretariat, tallied per agency by the writes themselves.

A claim is an agency's row reported and not yet ruled on (not withdrawn, reported_at
set, verification 'unverified'). Counting them walked one index entry per claim
(117,598 at the L benchmark); `claim_tally` keeps the count per agency instead, moved
by triggers on `assignment` inside the transaction that changes a row, whatever the
command or import that writes it. One row per agency: a save locks its own agency's
row only, never one row every save shares.

The table is filled here by a recount; `data_layer.tallies` recounts and repairs it.

A later migration that rebuilds `assignment` on SQLite (batch mode copies the table
and drops the old one, with its triggers) must create the triggers again:
`tests/data_layer/test_claim_tally.py` checks they exist at the head.

Revision ID: 0018
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLAIM_SQLITE = (
    "{r}.withdrawn = 0 AND {r}.reported_at IS NOT NULL AND {r}.verification = 'unverified'"
)
_ADD_SQLITE = (
    "INSERT INTO claim_tally (agency_id, waiting) VALUES (NEW.agency_id, 1)"
    " ON CONFLICT (agency_id) DO UPDATE SET waiting = waiting + 1;"
)
_TAKE_SQLITE = "UPDATE claim_tally SET waiting = waiting - 1 WHERE agency_id = OLD.agency_id;"
_WATCHED = "withdrawn, reported_at, verification, agency_id"

# name -> (event, condition, body): SQLite triggers have no branches, so four of them.
_SQLITE_TRIGGERS = {
    "claim_tally_on_insert": ("INSERT", _CLAIM_SQLITE.format(r="NEW"), _ADD_SQLITE),
    "claim_tally_on_delete": ("DELETE", _CLAIM_SQLITE.format(r="OLD"), _TAKE_SQLITE),
    "claim_tally_on_leave": (
        f"UPDATE OF {_WATCHED}",
        f"({_CLAIM_SQLITE.format(r='OLD')}) AND NOT"
        f" ({_CLAIM_SQLITE.format(r='NEW')} AND NEW.agency_id = OLD.agency_id)",
        _TAKE_SQLITE,
    ),
    "claim_tally_on_enter": (
        f"UPDATE OF {_WATCHED}",
        f"({_CLAIM_SQLITE.format(r='NEW')}) AND NOT"
        f" ({_CLAIM_SQLITE.format(r='OLD')} AND NEW.agency_id = OLD.agency_id)",
        _ADD_SQLITE,
    ),
}

_PG_FUNCTION = """
CREATE FUNCTION claim_tally_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was boolean := false;
    is_now boolean := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        was := NOT OLD.withdrawn AND OLD.reported_at IS NOT NULL
            AND OLD.verification = 'unverified';
    END IF;
    IF TG_OP <> 'DELETE' THEN
        is_now := NOT NEW.withdrawn AND NEW.reported_at IS NOT NULL
            AND NEW.verification = 'unverified';
    END IF;
    IF was AND is_now AND OLD.agency_id = NEW.agency_id THEN
        RETURN NULL;
    END IF;
    IF was THEN
        UPDATE claim_tally SET waiting = waiting - 1 WHERE agency_id = OLD.agency_id;
    END IF;
    IF is_now THEN
        INSERT INTO claim_tally (agency_id, waiting) VALUES (NEW.agency_id, 1)
        ON CONFLICT (agency_id) DO UPDATE SET waiting = claim_tally.waiting + 1;
    END IF;
    RETURN NULL;
END
$$
"""
_PG_TRIGGER = f"""
CREATE TRIGGER claim_tally_follow
AFTER INSERT OR DELETE OR UPDATE OF {_WATCHED} ON assignment
FOR EACH ROW EXECUTE FUNCTION claim_tally_follow()
"""
_RECOUNT = """
INSERT INTO claim_tally (agency_id, waiting)
SELECT agency_id, count(*) FROM assignment
WHERE NOT withdrawn AND reported_at IS NOT NULL AND verification = 'unverified'
GROUP BY agency_id
"""


def upgrade() -> None:
    """The table, its triggers, and the count of today's claims."""
    op.create_table(
        "claim_tally",
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id"),
    )
    if op.get_context().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
    else:
        for name, (event, when, body) in _SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON assignment"
                f" FOR EACH ROW WHEN {when} BEGIN {body} END"
            )
    op.execute(_RECOUNT)


def downgrade() -> None:
    """Drop the triggers and the table."""
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS claim_tally_follow ON assignment")
        op.execute("DROP FUNCTION IF EXISTS claim_tally_follow()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("claim_tally")
