"""The neighborhood's dossier and the overview (with the neighborhoods' indicators), at
S and at L, server-side with AppTest as bench/pages.py times pages: cold (empty cache,
a new session) and warm (the same session again), medians over `--repeat` rounds after
a warm-up round, round-robin with the one-line floor script.

    python -m bench.dossier [--dbs sqlite,postgresql] [--sizes S,L] [--repeat 5] [--turns 1]

Each (database, size) runs in a child process of its own. With `--turns N` the sizes
take N turns each, alternating (S, L, S, L, ...), and the medians are over every turn's
rounds: on a shared machine whose load comes and goes, load then falls on both sizes
alike instead of on whichever ran while it peaked. `--base DIR` measures another
checkout of the project too (its pages, on the same datasets), alternating with this
one in every turn: before and after a change under the same load. DIR needs this
file's worker (copy bench/dossier.py into it), `.venv` and `static/fonts`.

The datasets are bench/.data's (bench/datasets.py: at L every neighborhood holds the
sample indicators over eight seasons); the dossier opened is neighborhood 1's. Prints
Markdown tables of wall and CPU time.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.alternate import add_turn_args, alternate, checkouts, child_json
from bench.datasets import Dataset
from bench.pages import Page

PAGES = (
    Page("floor", None),
    Page("overview", "pages/overview.py"),
    Page("dossier", "pages/dossier.py", query=(("id", "1"),)),
)


KINDS = ("cold", "warm", "cold_cpu", "warm_cpu")


def _one_round(page: Any) -> dict[str, float]:
    """Wall and CPU seconds of a cold and a warm run (bench.pages's one round). The CPU
    time is this process's (the script's thread; SQLite's queries run in it, PostgreSQL's
    in the server, so on PostgreSQL it leaves the queries out): unlike the wall time, it
    does not count waiting for a core the machine's other work holds."""
    import gc
    import time

    from bench import pages as bp

    at = bp._open(page)
    found: dict[str, float] = {}
    for kind in ("cold", "warm"):
        # The earlier rounds' garbage, collected now rather than inside a timed run (one
        # such pass made every second warm dossier at PostgreSQL L five times slower).
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        found[f"{kind}_cpu"] = time.process_time() - cpu
        found[kind] = time.perf_counter() - wall
        bp._check(at, f"{page.name} ({kind})")
    return found


def _measure(repeat: int) -> dict[str, Any]:
    """In the child: median cold and warm seconds (wall and CPU) of each page."""
    import statistics

    from bench.run import _quiet_streamlit

    _quiet_streamlit()
    samples: dict[str, dict[str, list[float]]] = {p.name: {k: [] for k in KINDS} for p in PAGES}
    for round_no in range(repeat + 1):
        for page in PAGES:
            found = _one_round(page)
            if round_no:
                for kind in KINDS:
                    samples[page.name][kind].append(found[kind])
    return {
        n: {k: statistics.median(v) for k, v in s.items()} | {"samples": s}
        for n, s in samples.items()
    }


def _child(ds: Dataset, repeat: int, base: Path | None = None) -> dict[str, Any]:
    """One child's medians; with `base`, the child runs that checkout's pages."""
    args = ["--worker", "--repeat", str(repeat)]
    return child_json("bench.dossier", args, base, {"DATABASE_URL": ds.url})


def _pooled(turns: list[dict[str, Any]]) -> dict[str, Any]:
    """Each page's medians over the rounds of every turn."""
    import statistics

    pooled: dict[str, Any] = {}
    for page in PAGES:
        samples = {
            kind: [x for turn in turns for x in turn[page.name]["samples"][kind]] for kind in KINDS
        }
        pooled[page.name] = {k: statistics.median(v) for k, v in samples.items()}
    return pooled


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def table(db: str, small: dict[str, Any], large: dict[str, Any], cpu: bool = False) -> str:
    """One Markdown table: S and L, cold and warm, and L/S (wall time, or CPU time)."""
    cold, warm = ("cold_cpu", "warm_cpu") if cpu else ("cold", "warm")
    what = "CPU" if cpu else "wall"
    lines = [
        f"| page ({db}, {what}) | S cold | S warm | L cold | L warm | cold L/S | warm L/S |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in PAGES:
        s, big = small[page.name], large[page.name]
        lines.append(
            f"| {page.name} | {_ms(s[cold])} | {_ms(s[warm])} | {_ms(big[cold])}"
            f" | {_ms(big[warm])} | {big[cold] / s[cold]:.2f}×"
            f" | {big[warm] / s[warm]:.2f}× |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_turn_args(parser)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_measure(args.repeat)))
        return
    sizes = args.sizes.split(",")
    codes = checkouts(args.base, "base", "")
    for db in args.dbs.split(","):
        turns = alternate(
            db, sizes, codes, args.turns, lambda ds, where: _child(ds, args.repeat, where)
        )
        for code in codes:
            found = {size: _pooled(turns[(code, size)]) for size in sizes}
            label = f"{db}, {code}" if code else db
            print(table(label, found[sizes[0]], found[sizes[-1]]))
            print()
            print(table(label, found[sizes[0]], found[sizes[-1]], cpu=True))
            print()


if __name__ == "__main__":
    main()
