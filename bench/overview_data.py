"""The overview's data, cold: what ui/loaders.py's `overview` computes, without
Streamlit's cache, at S and L on SQLite and PostgreSQL, with the time of each call.

    python -m bench.overview_data [--dbs sqlite,postgresql] [--sizes S,L] [--repeat 5]
                                  [--turns 1] [--base DIR]

Each (database, size) runs in a child process of its own: one warm-up call of the
loader's function (its first call also opens the pool), then `--repeat` timed calls;
medians of wall and CPU time, and of each query's wall time (the query functions the
loader calls through its modules are wrapped with a timer). `--turns N` alternates the
sizes N times; `--base DIR` measures another checkout (its ui/loaders.py, on the same
datasets) in turn with this one: before and after under the same load. The datasets
are bench/datasets.py's (BENCH_PG_PREFIX picks the PostgreSQL databases); the day is
its AS_OF. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.alternate import add_turn_args, alternate, checkouts, child_json
from bench.datasets import AS_OF, Dataset


def _wrap_queries(spent: dict[str, list[float]]) -> None:
    """Time every query function ui.loaders calls (module attributes and names imported)."""
    import functools
    import time
    import types

    from ui import loaders

    def timed(name: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent.setdefault(name, []).append(time.perf_counter() - start)

        return inner

    for attr, value in list(vars(loaders).items()):
        if isinstance(value, types.ModuleType) and value.__name__.startswith("data_layer.queries"):
            for name, fn in list(vars(value).items()):
                shown = not name.startswith("_")
                if isinstance(fn, types.FunctionType) and fn.__module__ == value.__name__ and shown:
                    setattr(value, name, timed(name, fn))
        elif (
            isinstance(value, types.FunctionType)
            and value.__module__.startswith("data_layer.queries")
            and attr != "loader"
        ):
            setattr(loaders, attr, timed(attr, value))


def _measure(url: str, repeat: int) -> dict[str, Any]:
    """In the child: median wall and CPU seconds of the loader's function, and per call."""
    import gc
    import logging
    import statistics
    import time

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from data_layer.permissions import PROVINCE
    from ui import loaders

    spent: dict[str, list[float]] = {}
    _wrap_queries(spent)
    fn = loaders.overview.__wrapped__  # type: ignore[attr-defined]
    walls: list[float] = []
    cpus: list[float] = []
    for i in range(repeat + 1):
        gc.collect()
        if i == 1:
            spent.clear()  # the warm-up's calls are not counted
        wall, cpu = time.perf_counter(), time.process_time()
        fn(url, PROVINCE, AS_OF, 0)
        if i:
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
    per_call = {k: statistics.median(v) * len(v) / repeat for k, v in spent.items()}
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "walls": walls,
        "cpus": cpus,
        "calls": per_call,
    }


def _child(ds: Dataset, repeat: int, base: Path | None) -> dict[str, Any]:
    return child_json("bench.overview_data", ["--worker", ds.url, "--repeat", str(repeat)], base)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _pooled(turns: list[dict[str, Any]]) -> dict[str, Any]:
    import statistics

    calls: dict[str, list[float]] = {}
    for t in turns:
        for k, v in t["calls"].items():
            calls.setdefault(k, []).append(v)
    return {
        "wall": statistics.median([x for t in turns for x in t["walls"]]),
        "cpu": statistics.median([x for t in turns for x in t["cpus"]]),
        "calls": {k: statistics.median(v) for k, v in calls.items()},
    }


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_turn_args(parser)
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_measure(args.worker, args.repeat)))
        return
    sizes = args.sizes.split(",")
    codes = checkouts(args.base, "before", "after")
    for db in args.dbs.split(","):
        turns = alternate(
            db, sizes, codes, args.turns, lambda ds, where: _child(ds, args.repeat, where)
        )
        pooled = {k: _pooled(v) for k, v in turns.items()}
        lo, hi = sizes[0], sizes[-1]
        print(f"| overview data ({db}) | {lo} wall | {hi} wall | L/S wall | {lo} CPU | {hi} CPU |")
        print("|---|---|---|---|---|---|")
        for code in codes:
            s, big = pooled[(code, lo)], pooled[(code, hi)]
            print(
                f"| {code or 'this checkout'} | {_ms(s['wall'])} | {_ms(big['wall'])}"
                f" | {big['wall'] / s['wall']:.2f}× | {_ms(s['cpu'])} | {_ms(big['cpu'])} |"
            )
        print()
        for code in codes:
            s, big = pooled[(code, lo)], pooled[(code, hi)]
            names = sorted(
                set(s["calls"]) | set(big["calls"]), key=lambda n: -big["calls"].get(n, 0)
            )
            print(f"| call ({db}, {code or 'this checkout'}) | {lo} | {hi} | L/S |")
            print("|---|---|---|---|")
            for n in names:
                a, b = s["calls"].get(n, 0.0), big["calls"].get(n, 0.0)
                ratio = f"{b / a:.1f}×" if a else "—"
                print(f"| {n} | {_ms(a)} | {_ms(b)} | {ratio} |")
            print()


if __name__ == "__main__":
    main()
