"""Recount and repair the counts the writes keep: the claims waiting per agency, and
an agency's open rows without a planned date per their resolution's due date.

    .venv/bin/python -m data_layer.tallies            # say whether every tally is right
    .venv/bin/python -m data_layer.tallies --repair   # recount them

The triggers of migration 0018 keep both right inside every writing transaction; a
repair is for a database someone changed by hand with the triggers dropped, or
restored without them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sqlalchemy import delete, text
from sqlmodel import Session

from data_layer.config import get_settings
from data_layer.db import read_session, write_session
from data_layer.models import ClaimTally, UnplannedDueTally
from data_layer.queries.tallies import (
    Drift,
    claim_recount,
    claim_tally_drift,
    unplanned_due_drift,
    unplanned_due_recount,
)

TABLES = ("claim_tally", "unplanned_due_tally")


def rebuild_tallies(session: Session) -> dict[str, Drift]:
    """Recount both tallies and write them again, in the caller's transaction. Returns
    what was wrong, per table (key -> (kept, counted)).

    On PostgreSQL the tallies are locked first against the writers' triggers (they
    wait for the end of this transaction), so no row saved meanwhile is counted twice
    or lost; on SQLite the writing transaction already holds the database."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {', '.join(TABLES)} IN SHARE ROW EXCLUSIVE MODE"))
    wrong = drift(session)
    session.execute(delete(ClaimTally))
    session.execute(delete(UnplannedDueTally))
    session.flush()
    session.add_all(ClaimTally(agency_id=a, waiting=n) for a, n in claim_recount(session).items())
    session.add_all(
        UnplannedDueTally(agency_id=a, due_on=d, open_rows=n)
        for (a, d), n in unplanned_due_recount(session).items()
    )
    session.flush()
    return wrong


def drift(session: Session) -> dict[str, Drift]:
    """Per table, where the tally differs from a recount (empty dicts: all right)."""
    return {
        "claim_tally": claim_tally_drift(session),
        "unplanned_due_tally": unplanned_due_drift(session),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Check (exit 1 when a tally is wrong) or repair."""
    parser = argparse.ArgumentParser(prog="python -m data_layer.tallies")
    parser.add_argument("--repair", action="store_true", help="recount and write the tallies")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    url = args.database_url or get_settings().database_url
    if args.repair:
        with write_session(url) as session:
            wrong = rebuild_tallies(session)
    else:
        with read_session(url) as session:
            wrong = drift(session)
    for table, found in wrong.items():
        for key, (kept, counted) in found.items():
            print(f"{table} {key}: kept {kept}, counted {counted}")
    bad = sum(len(found) for found in wrong.values())
    if not bad:
        print("every tally is right")
    elif args.repair:
        print(f"repaired {bad} entries")
    return 1 if bad and not args.repair else 0


if __name__ == "__main__":
    raise SystemExit(main())
