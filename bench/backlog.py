"""The backlog import of 2,000 rows, and a bulk action on its rows, on SQLite and PostgreSQL.

    python -m bench.backlog [--rows 2000] [--repeat 3] [--dbs sqlite,postgresql]

Each repetition starts from a fresh database: migrated, then seeded with the real
minutes and the sample's 24 member agencies (what `minutes_url` holds in the tests);
the SQLite file is bench/.data/backlog.db, the PostgreSQL database `bench_backlog` on
the server of TEST_DATABASE_URL (both dropped and made again each time). The
workbook is bench/backlog_files.py's generated one (the tests use it too). Timed separately:

read+check  read_backlog_file: the .xlsx parsed, every row checked, owners matched,
            the rows merged and checked against the database (a read session)
write       import_backlog in one write_session, commit included
reschedule  bulk_reschedule of every row not done, in one write_session
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench.backlog_files import generated
from bench.datasets import DATA_DIR, SERVER_URL
from data_layer.commands.backlog import import_backlog
from data_layer.commands.triage import bulk_reschedule
from data_layer.db import dispose_engine, read_session, write_session
from data_layer.input.backlog import read_backlog_file
from data_layer.jalali import local_today
from data_layer.migrate import upgrade
from data_layer.models import Role, User
from data_layer.permissions import Actor
from data_layer.queries.backlog import BacklogFilter, backlog_rows
from data_layer.seed import seed

PG_NAME = "bench_backlog"
OPEN = ("not_started", "in_progress", "blocked", "needs_follow_up")


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def fresh_database(db: str) -> str:
    """A new, migrated, seeded database of that kind; its URL."""
    if db == "sqlite":
        path = DATA_DIR / "backlog.db"
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
        dispose_engine(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = make_url(SERVER_URL).set(database=PG_NAME).render_as_string(hide_password=False)
        dispose_engine(url)
        with _admin_engine().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
    upgrade(url)
    seed(url, sample=False, sample_agencies=True)
    return url


def secretariat(url: str) -> Actor:
    """A secretariat account to act as (commands see only the Actor)."""
    with write_session(url) as s:
        user = User(
            username="bench_dabir", full_name="دبیر", password_hash="-", role=Role.SECRETARIAT
        )
        s.add(user)
        s.flush()
        assert user.id is not None
        return Actor(user.id, user.username, user.full_name, user.role)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def one_run(db: str, content: bytes) -> dict[str, Any]:
    """One import and one bulk reschedule on a fresh database."""
    url = fresh_database(db)
    actor = secretariat(url)

    def read() -> Any:
        with read_session(url) as s:
            return read_backlog_file("backlog.xlsx", content, s)

    read_s, preview = timed(read)
    assert preview.ok, preview.errors[:3]

    def write() -> Any:
        with write_session(url) as s:
            return import_backlog(s, actor=actor, preview=preview)

    write_s, result = timed(write)
    with read_session(url) as s:
        rows = backlog_rows(s, local_today(), BacklogFilter(statuses=OPEN))
    targets = dict(zip(rows["id"].astype(int), rows["version"].astype(int), strict=True))

    def reschedule() -> Any:
        with write_session(url) as s:
            return bulk_reschedule(
                s, actor=actor, rows=targets, new_date="1406/06/31", reason="آزمون سرعت پالایش"
            )

    triage_s, triaged = timed(reschedule)
    dispose_engine(url)
    return {
        "read": read_s,
        "write": write_s,
        "reschedule": triage_s,
        "rows": result.assignments,
        "resolutions": result.resolutions,
        "history": result.history,
        "rescheduled": triaged.changed,
    }


def main() -> None:
    """Print the figures (median of the repetitions, and the slowest)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dbs", default="sqlite,postgresql")
    args = parser.parse_args()
    content, expected = generated(args.rows)
    print(
        f"workbook: {expected.rows} rows, {expected.meetings} meetings, "
        f"{expected.resolutions} resolutions, {expected.assignments} agency rows, "
        f"{len(content) / 1024:.0f} KiB"
    )
    print(f"{'database':<11} {'read+check s':>15} {'write s':>15} {'reschedule s':>15}  rows moved")
    for db in args.dbs.split(","):
        runs = [one_run(db, content) for _ in range(args.repeat)]
        assert all(r["rows"] == expected.assignments for r in runs)
        assert all(r["history"] == expected.history for r in runs)
        cells = []
        for key in ("read", "write", "reschedule"):
            values = [r[key] for r in runs]
            cells.append(f"{statistics.median(values):.3f} ({max(values):.3f})")
        print(f"{db:<11} {cells[0]:>15} {cells[1]:>15} {cells[2]:>15}  {runs[0]['rescheduled']}")
    print("median of the repetitions, the slowest in brackets")


if __name__ == "__main__":
    main()
