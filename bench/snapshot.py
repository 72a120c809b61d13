"""A province's snapshot for the national level at S and L: how long building its
content takes (the reads the approval repeats in its transaction), how large the
body is (the hub refuses over 20 MB), and what it holds.

    python -m bench.snapshot [--dbs sqlite,postgresql] [--sizes S,L,IL] [--repeat 3]

IL is the issue's L (bench/province_l.py: 30 agencies, 20 meetings, 300 resolutions,
2,500 neighborhoods). The other datasets are bench/datasets.py's (on PostgreSQL in
databases of this benchmark's own, see OwnDataset). Each (database, size) runs in a
child process of its own; the first build is reported apart (cold: the database's
pages not yet in memory), then the median of `--repeat` more. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url

from bench.datasets import AS_OF, Dataset, prepare
from bench.province_l import IssueL
from bench.province_l import prepare as prepare_issue_l

LIMIT = 20 * 1024 * 1024  # the hub's refusal (docs/national.md)


@dataclass(frozen=True)
class OwnDataset(Dataset):
    """On PostgreSQL a database of this benchmark's own (bench_snapshot_<size>): the
    shared bench_<size> is migrated by whichever branch prepares it, and a revision
    another branch has not merged yet would stop that branch's migrations there."""

    @property
    def url(self) -> str:
        base = super().url
        if self.db != "postgresql":
            return base
        return (
            make_url(base)
            .set(database=f"bench_snapshot_{self.size.lower()}")
            .render_as_string(hide_password=False)
        )


def _measure(url: str, repeat: int) -> dict[str, Any]:
    """In the child: build the content `repeat` + 1 times, and the body once."""
    from data_layer.db import read_session
    from data_layer.national.snapshot import (
        canonical,
        content_sha256,
        snapshot_body,
        snapshot_content,
    )

    seconds: list[float] = []
    content: dict[str, Any] = {}
    for _ in range(repeat + 1):
        start = time.perf_counter()
        with read_session(url) as s:
            content = snapshot_content(s, AS_OF)
        content_sha256(content)
        seconds.append(time.perf_counter() - start)
    body = snapshot_body(
        code="bench",
        name="استان آزمون",
        version=1,
        published_at=datetime.now(UTC),
        as_of=AS_OF,
        content=content,
    )
    owners = sum(len(r["owners"]) for m in content["meetings"] for r in m["resolutions"])
    return {
        "cold": seconds[0],
        "warm": statistics.median(seconds[1:]),
        "bytes": len(body),
        "gzip": len(gzip.compress(body, 6)),
        "meetings": len(content["meetings"]),
        "resolutions": sum(len(m["resolutions"]) for m in content["meetings"]),
        "owners": owners,
        "agencies": len(content["agencies"]),
        "neighborhoods": len(content["neighborhoods"]),
        "indicators": len(content["indicators"]),
        "parts": {k: len(canonical(v)) for k, v in content.items()},
    }


def _child(url: str, repeat: int) -> dict[str, Any]:
    env = {**os.environ, "BENCH_SNAPSHOT_CHILD": json.dumps({"url": url, "repeat": repeat})}
    out = subprocess.run(
        [sys.executable, "-m", "bench.snapshot"], env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.2f} MB"


def main(argv: list[str] | None = None) -> int:
    """Prepare each dataset, measure it in a child process, print the table."""
    child = os.environ.get("BENCH_SNAPSHOT_CHILD")
    if child:
        asked = json.loads(child)
        print(json.dumps(_measure(asked["url"], int(asked["repeat"]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="S,L")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(
        "| dataset | build, first (s) | build, median (s) | body | gzip | of the 20 MB limit"
        " | meetings | resolutions | agency rows | agencies | neighborhoods | indicator targets |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for db in args.dbs.split(","):
        for size in args.sizes.split(","):
            ds: Dataset
            if size == "IL":
                ds = IssueL(db)
                prepare_issue_l(ds, log=lambda m: print(m, file=sys.stderr))
            else:
                ds = OwnDataset(db, size)
                prepare(ds, log=lambda m: print(m, file=sys.stderr))
            r = _child(ds.url, args.repeat)
            print(
                f"| {ds.label} | {r['cold']:.2f} | {r['warm']:.2f} | {_mb(r['bytes'])}"
                f" | {_mb(r['gzip'])} | {100 * r['bytes'] / LIMIT:.1f}% | {r['meetings']}"
                f" | {r['resolutions']} | {r['owners']} | {r['agencies']}"
                f" | {r['neighborhoods']} | {r['indicators']} |",
                flush=True,
            )
            parts = ", ".join(f"{k} {_mb(n)}" for k, n in sorted(r["parts"].items()))
            print(f"<!-- {ds.label} parts: {parts} -->", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
