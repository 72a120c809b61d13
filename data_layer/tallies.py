"""Recount and repair the counts the writes keep (today: the claims waiting per agency).

    .venv/bin/python -m data_layer.tallies            # say whether every tally is right
    .venv/bin/python -m data_layer.tallies --repair   # recount the wrong ones

The triggers of migration 0018 keep `claim_tally` right inside every writing
transaction; a repair is for a database someone changed by hand with the triggers
dropped, or restored without them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sqlalchemy import delete, text
from sqlmodel import Session

from data_layer.config import get_settings
from data_layer.db import read_session, write_session
from data_layer.models import ClaimTally
from data_layer.queries.tallies import claim_recount, claim_tally_drift


def rebuild_claim_tally(session: Session) -> dict[int, tuple[int, int]]:
    """Recount every agency's claims waiting and write the tally again, in the
    caller's transaction. Returns what was wrong (agency id -> (kept, counted)).

    On PostgreSQL the tally is locked first against the writers' triggers (they wait
    for the end of this transaction), so no claim saved meanwhile is counted twice or
    lost; on SQLite the writing transaction already holds the database."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE claim_tally IN SHARE ROW EXCLUSIVE MODE"))
    wrong = claim_tally_drift(session)
    session.execute(delete(ClaimTally))
    session.add_all(ClaimTally(agency_id=a, waiting=n) for a, n in claim_recount(session).items())
    session.flush()
    return wrong


def main(argv: Sequence[str] | None = None) -> int:
    """Check (exit 1 when a tally is wrong) or repair."""
    parser = argparse.ArgumentParser(prog="python -m data_layer.tallies")
    parser.add_argument("--repair", action="store_true", help="recount and write the tallies")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    url = args.database_url or get_settings().database_url
    if args.repair:
        with write_session(url) as session:
            wrong = rebuild_claim_tally(session)
    else:
        with read_session(url) as session:
            wrong = claim_tally_drift(session)
    for agency_id, (kept, counted) in wrong.items():
        print(f"agency {agency_id}: kept {kept}, counted {counted}")
    if not wrong:
        print("every tally is right")
    elif args.repair:
        print(f"repaired {len(wrong)} agencies")
    return 1 if wrong and not args.repair else 0


if __name__ == "__main__":
    raise SystemExit(main())
