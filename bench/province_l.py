"""A province shaped like issue 26's L: 30 member agencies, 20 meetings, 300 resolutions
(15 a meeting on average), 2,500 target neighborhoods, the indicators' baselines,
targets and values for every neighborhood.

bench/datasets.py's L is the sample province copied 100 times (125 agencies, 400
meetings, 2,400 neighborhoods): a province ten times larger than any real one, whose
snapshot is over the hub's 20 MB limit. This one is the sample province (its meetings,
accounts, counties, services and capacities) grown to the issue's sizes with the sample's
own generators: agencies added as members up to 30, meetings added (held every nine
days before the sample's) until 20, carrying the sample's resolutions in turn (with their
owners: one, several, or all members) until 300, neighborhoods added in the sample's
counties until 2,500, each with the sample's mix of deliveries. Deterministic (a fixed
random seed and day, bench.datasets.AS_OF). Seeded once and reused; the marker
`seed.issue_l` says what it holds.

    python -m bench.province_l [--dbs sqlite,postgresql] [--fresh]
"""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import col

from bench.datasets import (
    AS_OF,
    DATA_DIR,
    Dataset,
    _admin_engine,
    _analyze,
    _create_if_missing,
    _pg_exists,
)
from data_layer import jalali, seed_data
from data_layer.db import dispose_engine, read_session, write_session
from data_layer.models import (
    Agency,
    AgencyMembership,
    AppSetting,
    County,
    Meeting,
    Neighborhood,
    Resolution,
    ServiceType,
)
from data_layer.seed import seed
from data_layer.seed_indicators import seed_sample_indicators
from data_layer.seed_sample import SampleBuilder, SeedReport

SHAPE = {"agencies": 30, "meetings": 20, "resolutions": 300, "neighborhoods": 2500}
MARKER = "seed.issue_l"


class IssueL(Dataset):
    """The issue's L on SQLite (bench/.data/issue_l.db) or PostgreSQL (bench_issue_l)."""

    def __init__(self, db: str) -> None:
        object.__setattr__(self, "db", db)
        object.__setattr__(self, "size", "IL")

    @property
    def scale(self) -> int:
        return 1

    @property
    def label(self) -> str:
        return f"{self.db} issue's L"

    @property
    def url(self) -> str:
        if self.db == "sqlite":
            return f"sqlite:///{DATA_DIR / 'issue_l.db'}"
        base = Dataset("postgresql", "L").url
        return make_url(base).set(database="bench_issue_l").render_as_string(hide_password=False)


def holds_shape(ds: IssueL) -> bool:
    """True when the database holds this shape as of AS_OF."""
    if ds.db == "sqlite" and not (DATA_DIR / "issue_l.db").exists():
        return False
    if ds.db == "postgresql" and not _pg_exists("bench_issue_l"):
        return False
    try:
        with read_session(ds.url) as s:
            row = s.get(AppSetting, MARKER)
            return row is not None and json.loads(row.value) == _marker_value()
    except Exception:
        return False
    finally:
        dispose_engine(ds.url)


def _drop(ds: IssueL) -> None:
    dispose_engine(ds.url)
    if ds.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DATA_DIR / 'issue_l.db'}{suffix}").unlink(missing_ok=True)
        return
    with _admin_engine().connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "bench_issue_l" WITH (FORCE)'))


def _marker_value() -> dict[str, Any]:
    return {**SHAPE, "as_of": AS_OF.isoformat()}


def _count(s: Any, column: Any) -> int:
    return int(s.execute(select(func.count(column))).scalar_one())


def grow(url: str) -> dict[str, int]:
    """Grow the seeded sample province in `url` to SHAPE; the counts it ends with."""
    with write_session(url) as s:
        b = SampleBuilder(s, SeedReport(), AS_OF, scale=1)
        members = [a["id"] for a in b._agencies() if a["is_member"]]
        first = b._next_id(Agency)
        extra = [
            {
                "id": first + i,
                "name": f"ادارهٔ کل نمونهٔ {jalali.to_fa_digits(i + 1)}",
                "short_name": f"ادارهٔ نمونه {jalali.to_fa_digits(i + 1)}",
                "aliases": "",
                "kind": "directorate",
                "head_title": f"مدیرکل محترم ادارهٔ کل نمونهٔ {jalali.to_fa_digits(i + 1)}",
                "sort_order": 2000 + i,
                "active": True,
                "is_sample": True,
            }
            for i in range(max(0, SHAPE["agencies"] - len(members)))
        ]
        b._insert(Agency, extra)
        b._insert(
            AgencyMembership,
            [{"agency_id": r["id"], "member_from": None, "is_sample": True} for r in extra],
        )
        agencies = b._agencies()
        members = [a["id"] for a in agencies if a["is_member"]]
        b.diligence = {aid: b.rng.uniform(0.2, 1.0) for aid in members}
        short_to_id = {a["short_name"]: a["id"] for a in agencies}
        pool = [r for _n, _d, rs in seed_data.SAMPLE_MEETINGS for r in rs]
        pool += list(b._minutes_as_sample())
        meetings = _count(s, col(Meeting.id))
        owed = SHAPE["resolutions"] - _count(s, col(Resolution.id))
        to_add = SHAPE["meetings"] - meetings
        number, held_on, taken = 1000, date(2022, 12, 31), 0
        for m in range(to_add):
            size = owed // to_add + (1 if m < owed % to_add else 0)
            chosen = [pool[(taken + k) % len(pool)] for k in range(size)]
            taken += size
            number += 1
            held_on -= timedelta(days=9)
            b._meeting(number, held_on, chosen, members, short_to_id, follow_up=True)
        counties = {
            str(n): int(i) for i, n in s.execute(select(col(County.id), col(County.name))).all()
        }
        have = _count(s, col(Neighborhood.id))
        spec = []
        i = 0
        while have + len(spec) < SHAPE["neighborhoods"]:
            county, name, kind = seed_data.SAMPLE_NEIGHBORHOODS[
                i % len(seed_data.SAMPLE_NEIGHBORHOODS)
            ]
            copy = i // len(seed_data.SAMPLE_NEIGHBORHOODS) + 2
            spec.append((county, f"{name} {jalali.to_fa_digits(copy)}", kind))
            i += 1
        hoods = b._neighborhoods(spec, counties)
        services = {
            str(n): int(i)
            for i, n in s.execute(select(col(ServiceType.id), col(ServiceType.name))).all()
        }
        b._deliveries(hoods, services, members)
    with write_session(url) as s:
        seed_sample_indicators(s, AS_OF)
        s.add(AppSetting(key=MARKER, value=json.dumps(_marker_value())))
    with read_session(url) as s:
        return {
            "agencies": len(members),
            "meetings": _count(s, col(Meeting.id)),
            "resolutions": _count(s, col(Resolution.id)),
            "neighborhoods": _count(s, col(Neighborhood.id)),
        }


def prepare(ds: IssueL, *, fresh: bool = False, log: Any = print) -> str:
    """Make sure the dataset holds the shape (seed and grow it if not); 'reused' or 'seeded'."""
    if not fresh and holds_shape(ds):
        return "reused"
    log(f"  {ds.label}: seeding the sample province and growing it to {SHAPE} …")
    _drop(ds)
    _create_if_missing(ds)
    seed(ds.url, sample=True, as_of=AS_OF)
    counts = grow(ds.url)
    _analyze(ds, vacuum=True)
    dispose_engine(ds.url)
    log(f"  {ds.label}: {counts}")
    return "seeded"


def main(argv: list[str] | None = None) -> int:
    """Prepare the issue's L on the databases asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", default="sqlite")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    for db in args.dbs.split(","):
        print(IssueL(db).label, prepare(IssueL(db), fresh=args.fresh))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
