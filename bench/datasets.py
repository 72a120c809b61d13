"""The benchmark datasets: S, M and L on SQLite and PostgreSQL, seeded once and reused.

SQLite files live in bench/.data/ (git-ignored); PostgreSQL databases bench_s,
bench_m and bench_l (another prefix with BENCH_PG_PREFIX) are created on the server
of TEST_DATABASE_URL. A dataset is
reused when its seed markers (AppSetting 'seed.sample' / 'seed.scale') and its
meeting count say it already holds the seed asked for; `--fresh` drops it first.
Every dataset is generated relative to the fixed day AS_OF, so it is deterministic.
Every dataset holds the sample indicators with values for every neighborhood (eight
seasons; data_layer/seed_indicators.py); one seeded before them is topped up.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from data_layer import seed_data
from data_layer.config import normalise_database_url
from data_layer.db import dispose_engine, write_session
from data_layer.migrate import upgrade
from data_layer.seed import SAMPLE_MARKER, SCALE_MARKER, seed
from data_layer.seed_indicators import seed_sample_indicators

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "bench" / ".data"
AS_OF = date(2026, 11, 28)
SIZES: dict[str, int] = {"S": 1, "M": 10, "L": 100}
DBS = ("sqlite", "postgresql")
# The PostgreSQL databases' names start with this (BENCH_PG_PREFIX): a branch whose
# schema differs can keep datasets of its own beside the shared bench_s/m/l.
PG_PREFIX = os.environ.get("BENCH_PG_PREFIX", "bench")
SERVER_URL = normalise_database_url(
    os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
)


@dataclass(frozen=True)
class Dataset:
    """One (database kind, size) pair and where it lives."""

    db: str
    size: str

    @property
    def scale(self) -> int:
        return SIZES[self.size]

    @property
    def label(self) -> str:
        return f"{self.db} {self.size}"

    @property
    def url(self) -> str:
        if self.db == "sqlite":
            return f"sqlite:///{DATA_DIR / f'{self.size.lower()}.db'}"
        name = f"{PG_PREFIX}_{self.size.lower()}"
        return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


@dataclass(frozen=True)
class Prepared:
    """What `prepare` did: reused or seeded, how long it took, the row counts."""

    dataset: Dataset
    action: str  # "reused" or "seeded"
    seconds: float
    counts: dict[str, int]


def expected_meetings(scale: int) -> int:
    """Meetings a sample seed of this scale holds: the 7th, the sample ones, their copies."""
    per_copy = len(seed_data.SAMPLE_MEETINGS) + 1
    return 1 + len(seed_data.SAMPLE_MEETINGS) + (scale - 1) * per_copy


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _pg_exists(name: str) -> bool:
    with _admin_engine().connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        return found.first() is not None


def _drop(ds: Dataset) -> None:
    dispose_engine(ds.url)
    if ds.db == "sqlite":
        path = DATA_DIR / f"{ds.size.lower()}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = make_url(ds.url).database
    with _admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _create_if_missing(ds: Dataset) -> None:
    if ds.db == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return
    name = make_url(ds.url).database
    assert name is not None
    if not _pg_exists(name):
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))


def holds_seed(ds: Dataset) -> bool:
    """True when the database already holds this size's seed as of AS_OF."""
    if ds.db == "sqlite" and not (DATA_DIR / f"{ds.size.lower()}.db").exists():
        return False
    if ds.db == "postgresql" and not _pg_exists(str(make_url(ds.url).database)):
        return False
    engine = create_engine(ds.url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if not {"app_setting", "meeting"} <= tables:
                return False
            markers = dict(
                conn.execute(
                    text("SELECT key, value FROM app_setting WHERE key IN (:a, :b)"),
                    {"a": SAMPLE_MARKER, "b": SCALE_MARKER},
                ).all()
            )
            meetings = conn.execute(text("SELECT count(*) FROM meeting")).scalar_one()
    finally:
        engine.dispose()
    sample = json.loads(markers[SAMPLE_MARKER]) if SAMPLE_MARKER in markers else None
    scaled = json.loads(markers[SCALE_MARKER]) if SCALE_MARKER in markers else None
    if sample is None or sample.get("as_of") != AS_OF.isoformat():
        return False
    if ds.scale == 1:
        ok_scale = scaled is None
    else:
        ok_scale = scaled is not None and scaled.get("scale") == ds.scale
        ok_scale = ok_scale and scaled.get("as_of") == AS_OF.isoformat()
    return bool(ok_scale and meetings == expected_meetings(ds.scale))


def row_counts(url: str) -> dict[str, int]:
    """Rows in the tables the benchmark talks about."""
    tables = ("agency", "meeting", "resolution", "assignment", "history_entry", "evidence")
    tables += ("neighborhood", "indicator", "indicator_target", "indicator_value")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {
                t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables
            }
    finally:
        engine.dispose()


def _top_up_indicators(ds: Dataset, log) -> None:  # type: ignore[no-untyped-def]
    """A dataset seeded before the indicators existed gets them now: the sample
    catalogue, and for every neighborhood a baseline, a target and its values (eight
    seasons for a seasonal indicator, four years for a yearly one). A no-op when every
    neighborhood has them (seed_indicators is idempotent)."""
    with write_session(ds.url) as session:
        added = seed_sample_indicators(session, AS_OF)
    if any(added.values()):
        log(f"  {ds.label}: indicators added {added}")


def _analyze(ds: Dataset, vacuum: bool) -> None:
    """PostgreSQL: planner statistics, as autovacuum would soon have after a bulk load."""
    if ds.db != "postgresql":
        return
    engine = create_engine(ds.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE" if vacuum else "ANALYZE"))
    finally:
        engine.dispose()


def prepare(ds: Dataset, *, fresh: bool = False, log=print) -> Prepared:  # type: ignore[no-untyped-def]
    """Make sure the dataset exists and holds its seed; seed it if not."""
    start = time.perf_counter()
    if fresh:
        _drop(ds)
    if holds_seed(ds):
        upgrade(ds.url)  # a migration someone added since the seed
        _top_up_indicators(ds, log)
        _analyze(ds, vacuum=False)
        action = "reused"
    else:
        if not fresh:
            log(f"  {ds.label}: no matching seed, dropping and seeding scale {ds.scale} …")
            _drop(ds)
        _create_if_missing(ds)
        seed(ds.url, sample=True, scale=ds.scale, as_of=AS_OF)
        _analyze(ds, vacuum=True)
        action = "seeded"
    dispose_engine(ds.url)
    seconds = time.perf_counter() - start
    return Prepared(ds, action, seconds, row_counts(ds.url))
