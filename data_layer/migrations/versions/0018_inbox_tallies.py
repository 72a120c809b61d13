"""Counts the secretariat's inbox reads, kept per agency by the writes themselves.

1. `claim_tally`: the claims waiting for the secretariat per agency. A claim is an
   agency's row reported and not yet ruled on (not withdrawn, reported_at set,
   verification 'unverified'). Counting them walked one index entry per claim (117,598
   at the L benchmark).
2. `unplanned_due_tally`: an agency's open rows without a planned date (not done, not
   withdrawn), counted by their resolution's due date. The ladder asked, per agency,
   for the oldest of them by walking the resolutions by due date until one the agency
   still owed (thousands at L for an agency that owes none); it now reads the agency's
   first entry.

Both are moved by triggers inside the transaction that changes a row (on assignment,
and on a resolution's due date), whatever the command or import that writes it. Their
rows are per agency (and day): a save locks its own agency's rows, never one row every
save shares. (On PostgreSQL a transaction changing several agencies' rows takes their
tally rows in the order it writes; two such at once in opposite orders may deadlock:
PostgreSQL stops one, which is refused whole with the "busy, try again" message of
data_layer.errors.) Both are filled here by a recount; `data_layer.tallies` recounts
and repairs them.

A later migration that rebuilds `assignment` or `resolution` on SQLite (batch mode
copies the table and drops the old one, with its triggers) must create the triggers
again: `tests/data_layer/test_inbox_tallies.py` checks they exist at the head.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
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


# --- an agency's open rows without a planned date, by their resolution's due date ---

_OPEN_SQLITE = "{r}.status != 'done' AND {r}.withdrawn = 0 AND {r}.planned_date IS NULL"
_DUE_SQLITE = "(SELECT due_date FROM resolution WHERE id = {r}.resolution_id)"
_OWED_SQLITE = f"{_OPEN_SQLITE} AND {_DUE_SQLITE} IS NOT NULL"
_OWE_SQLITE = (
    "INSERT INTO unplanned_due_tally (agency_id, due_on, open_rows)"
    f" VALUES (NEW.agency_id, {_DUE_SQLITE.format(r='NEW')}, 1)"
    " ON CONFLICT (agency_id, due_on) DO UPDATE SET open_rows = open_rows + 1;"
)
_PAID_SQLITE = (
    "UPDATE unplanned_due_tally SET open_rows = open_rows - 1"
    f" WHERE agency_id = OLD.agency_id AND due_on = {_DUE_SQLITE.format(r='OLD')};"
    " DELETE FROM unplanned_due_tally"
    f" WHERE agency_id = OLD.agency_id AND due_on = {_DUE_SQLITE.format(r='OLD')}"
    " AND open_rows <= 0;"
)
_SAME_ROW = "NEW.agency_id = OLD.agency_id AND NEW.resolution_id = OLD.resolution_id"
_WATCHED_OWED = "status, withdrawn, planned_date, agency_id, resolution_id"
_SQLITE_TRIGGERS.update(
    {
        "unplanned_due_on_insert": ("INSERT", _OWED_SQLITE.format(r="NEW"), _OWE_SQLITE),
        "unplanned_due_on_delete": ("DELETE", _OWED_SQLITE.format(r="OLD"), _PAID_SQLITE),
        "unplanned_due_on_leave": (
            f"UPDATE OF {_WATCHED_OWED}",
            f"({_OWED_SQLITE.format(r='OLD')}) AND NOT"
            f" ({_OPEN_SQLITE.format(r='NEW')} AND {_SAME_ROW})",
            _PAID_SQLITE,
        ),
        "unplanned_due_on_enter": (
            f"UPDATE OF {_WATCHED_OWED}",
            f"({_OWED_SQLITE.format(r='NEW')}) AND NOT"
            f" ({_OPEN_SQLITE.format(r='OLD')} AND {_SAME_ROW})",
            _OWE_SQLITE,
        ),
    }
)
# A resolution's due date moved: its owners' open unplanned rows move with it.
_OWNERS = (
    "SELECT a.agency_id FROM assignment a WHERE a.resolution_id = {id}"
    " AND a.status != 'done' AND NOT a.withdrawn AND a.planned_date IS NULL"
)
_MOVE_DUE = f"""
UPDATE unplanned_due_tally SET open_rows = open_rows - 1
WHERE due_on = OLD.due_date AND agency_id IN ({_OWNERS.format(id="OLD.id")});
DELETE FROM unplanned_due_tally
WHERE due_on = OLD.due_date AND open_rows <= 0
AND agency_id IN ({_OWNERS.format(id="OLD.id")});
INSERT INTO unplanned_due_tally (agency_id, due_on, open_rows)
SELECT agency_id, NEW.due_date, 1 FROM ({_OWNERS.format(id="NEW.id")}) AS owners
WHERE NEW.due_date IS NOT NULL
ON CONFLICT (agency_id, due_on) DO UPDATE SET open_rows = unplanned_due_tally.open_rows + 1;
"""

_PG_OWED_FUNCTION = """
CREATE FUNCTION unplanned_due_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_due date;
    new_due date;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status <> 'done' AND NOT OLD.withdrawn
            AND OLD.planned_date IS NULL THEN
        SELECT due_date INTO old_due FROM resolution WHERE id = OLD.resolution_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status <> 'done' AND NOT NEW.withdrawn
            AND NEW.planned_date IS NULL THEN
        SELECT due_date INTO new_due FROM resolution WHERE id = NEW.resolution_id;
    END IF;
    IF old_due IS NOT NULL AND new_due IS NOT NULL AND OLD.agency_id = NEW.agency_id
            AND old_due = new_due THEN
        RETURN NULL;
    END IF;
    IF old_due IS NOT NULL THEN
        UPDATE unplanned_due_tally SET open_rows = open_rows - 1
        WHERE agency_id = OLD.agency_id AND due_on = old_due;
        DELETE FROM unplanned_due_tally
        WHERE agency_id = OLD.agency_id AND due_on = old_due AND open_rows <= 0;
    END IF;
    IF new_due IS NOT NULL THEN
        INSERT INTO unplanned_due_tally (agency_id, due_on, open_rows)
        VALUES (NEW.agency_id, new_due, 1)
        ON CONFLICT (agency_id, due_on)
        DO UPDATE SET open_rows = unplanned_due_tally.open_rows + 1;
    END IF;
    RETURN NULL;
END
$$
"""
_PG_OWED_TRIGGER = f"""
CREATE TRIGGER unplanned_due_follow
AFTER INSERT OR DELETE OR UPDATE OF {_WATCHED_OWED} ON assignment
FOR EACH ROW EXECUTE FUNCTION unplanned_due_follow()
"""
_PG_MOVE_FUNCTION = f"""
CREATE FUNCTION resolution_due_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.due_date IS NOT DISTINCT FROM NEW.due_date THEN
        RETURN NULL;
    END IF;
    {_MOVE_DUE}
    RETURN NULL;
END
$$
"""
_PG_MOVE_TRIGGER = """
CREATE TRIGGER resolution_due_follow
AFTER UPDATE OF due_date ON resolution
FOR EACH ROW EXECUTE FUNCTION resolution_due_follow()
"""
_SQLITE_MOVE_TRIGGER = f"""
CREATE TRIGGER resolution_due_follow AFTER UPDATE OF due_date ON resolution
FOR EACH ROW WHEN OLD.due_date IS NOT NEW.due_date BEGIN {_MOVE_DUE} END
"""
_RECOUNT_OWED = """
INSERT INTO unplanned_due_tally (agency_id, due_on, open_rows)
SELECT a.agency_id, r.due_date, count(*) FROM assignment a
JOIN resolution r ON r.id = a.resolution_id
WHERE a.status != 'done' AND NOT a.withdrawn AND a.planned_date IS NULL
AND r.due_date IS NOT NULL
GROUP BY a.agency_id, r.due_date
"""


def upgrade() -> None:
    """The two tables, their triggers, and the counts of what is there today."""
    op.create_table(
        "claim_tally",
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id"),
    )
    op.create_table(
        "unplanned_due_tally",
        sa.Column("agency_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("open_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "due_on"),
    )
    if op.get_context().dialect.name == "postgresql":
        for ddl in (_PG_FUNCTION, _PG_TRIGGER, _PG_OWED_FUNCTION, _PG_OWED_TRIGGER):
            op.execute(ddl)
        op.execute(_PG_MOVE_FUNCTION)
        op.execute(_PG_MOVE_TRIGGER)
    else:
        for name, (event, when, body) in _SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON assignment"
                f" FOR EACH ROW WHEN {when} BEGIN {body} END"
            )
        op.execute(_SQLITE_MOVE_TRIGGER)
    op.execute(_RECOUNT)
    op.execute(_RECOUNT_OWED)


def downgrade() -> None:
    """Drop the triggers and the tables."""
    if op.get_context().dialect.name == "postgresql":
        for name, table in (
            ("claim_tally_follow", "assignment"),
            ("unplanned_due_follow", "assignment"),
            ("resolution_due_follow", "resolution"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in [*_SQLITE_TRIGGERS, "resolution_due_follow"]:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("unplanned_due_tally")
    op.drop_table("claim_tally")
