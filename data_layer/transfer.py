"""Copy every row from one database to another (e.g. the embedded SQLite to PostgreSQL).

    python -m data_layer.transfer --source sqlite:///data/dashboard.db \\
        --target postgresql://dashboard:SECRET@127.0.0.1/dashboard

The target is migrated first and must hold no rows yet.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlmodel import SQLModel

import data_layer.models  # registers every table (with the lines below)
import data_layer.models_aliases  # the learned names of agencies
import data_layer.models_dossier  # (the dossiers too)
import data_layer.models_hub  # a hub's provinces and snapshots
import data_layer.models_indicators  # indicators, targets, values
import data_layer.models_messages  # (the channels and the outbox too)
import data_layer.models_national  # publications to the national level
import data_layer.models_priority  # noqa: F401  (the counties' priority proposals too)
from data_layer.config import normalise_database_url
from data_layer.db import get_engine
from data_layer.migrate import upgrade

_CHUNK = 5_000
# Kept by the target's own triggers as the rows arrive (migration 0018): not copied.
_DERIVED = frozenset({"claim_tally"})


def transfer(source: str, target: str) -> dict[str, int]:
    """Copy all rows table by table, parents first, in one target transaction."""
    upgrade(target)
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in _DERIVED]
    counts: dict[str, int] = {}
    with get_engine(source).connect() as src, get_engine(target).begin() as dst:
        for table in tables:
            existing = dst.execute(select(func.count()).select_from(table)).scalar_one()
            if existing and table.name != "data_version":
                raise SystemExit(
                    f"the target already has rows in {table.name}; use an empty database"
                )
        dst.execute(text("DELETE FROM data_version"))
        for table in tables:
            result = src.execute(select(table))
            n = 0
            while rows := result.mappings().fetchmany(_CHUNK):
                dst.execute(table.insert(), [dict(r) for r in rows])
                n += len(rows)
            counts[table.name] = n
        if dst.dialect.name == "postgresql":
            for table in tables:
                if "id" in table.c and table.c.id.autoincrement is not False:
                    dst.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                            f" GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table.name}), 1))"
                        )
                    )
            dst.execute(text("SELECT nextval('data_version_seq')"))  # screens reload
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: --source URL --target URL."""
    parser = argparse.ArgumentParser(description="Copy every row to another database.")
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    args = parser.parse_args(argv)
    counts = transfer(normalise_database_url(args.source), normalise_database_url(args.target))
    for name, n in counts.items():
        print(f"{name:24} {n}")


if __name__ == "__main__":
    main()
