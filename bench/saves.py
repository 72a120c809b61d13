"""Save latency on «دستگاه من»: update_assignment through write_session, as the page does.

sequential: agency02 saves 50 times in a row, each a new next_step text.
concurrent: 30 writer processes start together, each saving 50 times on its own rows.
The sample databases have 24 liaison accounts (agency01..agency24), so writers 25-30
are a second browser tab of agency01..agency06: the same account, a disjoint half
of that agency's rows. Nobody shares a row, so no save may fail.

Every save goes through the app's own engine (its connection pool included) and
its own command, so pool waits and lock waits count, as they would in the app.
Afterwards the touched rows and the history they gained are put back as they were,
so a dataset stays the same from one run to the next.
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlmodel import col

from data_layer.auth import SAMPLE_PASSWORD, sign_in_url
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.db import get_engine, read_session, write_session
from data_layer.models import Assignment
from data_layer.permissions import Actor

SEQUENTIAL_SAVES = 50
WRITERS = 30
SAVES_EACH = 50
ACCOUNTS = tuple(f"agency{n:02d}" for n in range(1, 25))
LOCKED = "database is locked"


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


@dataclass
class Writer:
    """One liaison's browser tab: who saves and the rows it may touch (id -> version)."""

    actor: Actor
    rows: list[list[int]]  # [id, version]
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def save(self, url: str, n: int, tag: str) -> None:
        """n saves, cycling through the rows; each changes next_step to a new text."""
        for i in range(n):
            row = self.rows[i % len(self.rows)]
            changes = AssignmentChanges(
                next_step=f"پیگیری آزمون سرعت {tag} {self.actor.username} {i}"
            )
            start = time.perf_counter()
            try:
                with write_session(url) as s:
                    update_assignment(
                        s,
                        actor=self.actor,
                        assignment_id=row[0],
                        expected_version=row[1],
                        changes=changes,
                    )
            except Exception as exc:  # counted, never fatal: the report says what failed
                kind = LOCKED if LOCKED in str(exc) else type(exc).__name__
                self.errors[kind] += 1
                continue
            self.latencies.append(time.perf_counter() - start)
            row[1] += 1


def _actor(url: str, username: str) -> Actor:
    actor, _token = sign_in_url(url, username=username, password=SAMPLE_PASSWORD)
    return actor


def _rows_of(url: str, agency_id: int) -> list[list[int]]:
    with read_session(url) as s:
        found = s.execute(
            select(col(Assignment.id), col(Assignment.version))
            .where(col(Assignment.agency_id) == agency_id, col(Assignment.withdrawn).is_(False))
            .order_by(col(Assignment.id))
        ).all()
    return [[int(i), int(v)] for i, v in found]


class _Restore:
    """Remember the rows' reported fields and the last history id; put them back after."""

    COLUMNS = ("next_step", "version", "reported_at", "updated_at", "updated_by_id")

    def __init__(self, url: str, ids: list[int]) -> None:
        self.url, self.ids = url, ids
        cols = ", ".join(("id", *self.COLUMNS))
        stmt = text(f"SELECT {cols} FROM assignment WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        with get_engine(url).connect() as conn:
            self.rows = [dict(r._mapping) for r in conn.execute(stmt, {"ids": ids})]
            self.last_history = conn.execute(
                text("SELECT COALESCE(MAX(id), 0) FROM history_entry")
            ).scalar_one()

    def __enter__(self) -> _Restore:
        return self

    def __exit__(self, *_exc: Any) -> None:
        sets = ", ".join(f"{c} = :{c}" for c in self.COLUMNS)
        with get_engine(self.url).begin() as conn:
            conn.execute(text(f"UPDATE assignment SET {sets} WHERE id = :id"), self.rows)
            conn.execute(
                text("DELETE FROM history_entry WHERE id > :last AND entity = 'assignment'"),
                {"last": self.last_history},
            )


def sequential(url: str, tag: str, n: int = SEQUENTIAL_SAVES) -> dict[str, Any]:
    """agency02 saves n times in a row: median and p95 seconds."""
    writer_actor = _actor(url, "agency02")
    assert writer_actor.agency_id is not None
    writer = Writer(writer_actor, _rows_of(url, writer_actor.agency_id))
    with _Restore(url, [r[0] for r in writer.rows]):
        writer.save(url, 1, f"{tag}-warmup")  # the first save opens connections; not counted
        writer.latencies.clear()
        writer.save(url, n, tag)
    lat = writer.latencies
    return {
        "saves": len(lat),
        "rows": len(writer.rows),
        "median": statistics.median(lat) if lat else float("nan"),
        "p95": p95(lat) if lat else float("nan"),
        "errors": dict(writer.errors),
    }


def _writer_process(url: str, writer: Writer, n: int, tag: str, barrier: Any, out: Any) -> None:
    """One writer process: open its connection, wait for the others, save n times."""
    with read_session(url) as s:  # the pool's first connection, before the clock starts
        s.execute(text("SELECT 1"))
    barrier.wait()
    writer.save(url, n, tag)
    out.put((writer.actor.username, writer.latencies, dict(writer.errors)))


_PG_WAITS = text(
    "SELECT COUNT(*) FILTER (WHERE wait_event_type = 'Lock'),"
    " COUNT(*) FILTER (WHERE state = 'idle in transaction'),"
    " COUNT(*) FILTER (WHERE state = 'active')"
    " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


class _Watch:
    """While the writers run: how busy the machine's cores are, and on PostgreSQL how
    many of the writers' connections wait on a lock (sampled every 20 ms)."""

    def __init__(self, url: str) -> None:
        self.url, self.samples = url, [] if url.startswith("postgresql") else None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        if self.samples is None:
            return
        with get_engine(self.url).connect() as conn:
            while not self.stop.wait(0.02):
                row = conn.execute(_PG_WAITS).one()
                self.samples.append(tuple(int(x) for x in row))
                conn.rollback()

    def __enter__(self) -> _Watch:
        self.cpu = _cpu_ticks()
        self.thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stop.set()
        self.thread.join(10)
        busy, total = _cpu_ticks()
        self.busy_share = (busy - self.cpu[0]) / max(1, total - self.cpu[1])

    def figures(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cpu_busy": self.busy_share}
        if self.samples:
            n = len(self.samples)
            out["lock_waiting"] = sum(x[0] for x in self.samples) / n
            out["idle_in_transaction"] = sum(x[1] for x in self.samples) / n
            out["active"] = sum(x[2] for x in self.samples) / n
            out["lock_samples"] = n
        return out


def _writers(url: str, count: int) -> tuple[list[Writer], int]:
    """`count` tabs over the 24 liaison accounts, each on its own share of its rows."""
    accounts = [ACCOUNTS[i % len(ACCOUNTS)] for i in range(count)]
    actors = {name: _actor(url, name) for name in set(accounts)}
    tabs: dict[str, int] = Counter(accounts)
    seen: Counter[str] = Counter()
    writers: list[Writer] = []
    for name in accounts:
        actor = actors[name]
        assert actor.agency_id is not None
        rows = _rows_of(url, actor.agency_id)
        k, nth = tabs[name], seen[name]  # this account's k tabs split its rows
        seen[name] += 1
        writers.append(Writer(actor, rows[nth::k]))
    empty = [w.actor.username for w in writers if not w.rows]
    if empty:
        raise RuntimeError(f"no rows to save for {empty}")
    return writers, len(actors)


def concurrent(url: str, tag: str, count: int = WRITERS) -> dict[str, Any]:
    """`count` processes (as many app server processes would be), SAVES_EACH saves
    each, all let go together once every one has connected.

    Separate processes, not threads: threads in one process share the interpreter's
    lock and one connection pool, which spaces their statements out and hides the
    database's own queue.
    """
    writers, accounts = _writers(url, count)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(count + 1)
    out = ctx.Queue()
    ids = sorted({r[0] for w in writers for r in w.rows})
    with _Restore(url, ids):
        procs = [
            ctx.Process(target=_writer_process, args=(url, w, SAVES_EACH, tag, barrier, out))
            for w in writers
        ]
        for p in procs:
            p.start()
        barrier.wait(timeout=600)  # every writer has started and connected
        with _Watch(url) as watch:
            start = time.perf_counter()
            results = [out.get(timeout=600) for _ in procs]
            wall = time.perf_counter() - start
        for p in procs:
            p.join(60)
    lat = [x for _name, got, _errors in results for x in got]
    errors: Counter[str] = Counter()
    for _name, _got, errs in results:
        errors.update(errs)
    return {
        "writers": count,
        "accounts": accounts,
        "second_tabs": count - accounts,
        "saves": len(lat),
        "attempted": count * SAVES_EACH,
        "median": statistics.median(lat) if lat else float("nan"),
        "p95": p95(lat) if lat else float("nan"),
        "max": max(lat) if lat else float("nan"),
        "wall": wall,
        "per_second": len(lat) / wall if wall else float("nan"),
        "locked": errors.get(LOCKED, 0),
        "errors": dict(errors),
        **watch.figures(),
    }
