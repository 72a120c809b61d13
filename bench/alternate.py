"""Measuring this checkout and another in turn, size by size, each in a child process.

On a shared machine whose load comes and goes, a before/after or S/L ratio holds only
when both sides run under the same load: `alternate` runs every (size, checkout) once
per turn, in turn, so load falls on all of them alike. `child_json` runs one measuring
child (`python -m <module> …`) in this checkout or in another one (`base`: its code on
the same datasets) and returns the JSON its last line prints.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.datasets import Dataset, prepare

__all__ = ["add_turn_args", "alternate", "checkouts", "child_json"]

Turns = dict[tuple[str, str], list[dict[str, Any]]]


def add_turn_args(parser: argparse.ArgumentParser) -> None:
    """--dbs, --sizes, --repeat, --turns and --base, as every alternating bench takes them."""
    parser.add_argument("--dbs", default="sqlite")
    parser.add_argument("--sizes", default="S,L")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--turns", type=int, default=1)
    parser.add_argument("--base", default="", help="another checkout, measured alternately")


def checkouts(base: str, base_label: str, this_label: str) -> dict[str, Path | None]:
    """The checkouts to measure by label: this one (None), and `base` before it if given."""
    if not base:
        return {"": None}
    return {base_label: Path(base).resolve(), this_label: None}


def child_json(
    module: str, args: list[str], base: Path | None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run `python -m module args` (in checkout `base` if given) and read its last line."""
    environ = {**os.environ, "SEED_ON_START": "none", **(env or {})}
    if base is not None:
        environ["PYTHONPATH"] = str(base)
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=environ,
        cwd=base,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def alternate(
    db: str,
    sizes: list[str],
    codes: dict[str, Path | None],
    turns: int,
    measure: Callable[[Dataset, Path | None], dict[str, Any]],
) -> Turns:
    """Prepare `db`'s datasets, then `turns` times: every size, every checkout in turn.
    Each result is logged to stderr and kept under (checkout label, size)."""
    for size in sizes:
        prepare(Dataset(db, size), log=lambda m: print(m, file=sys.stderr))
    found: Turns = {(code, size): [] for code in codes for size in sizes}
    for _ in range(turns):
        for size in sizes:
            for code, where in codes.items():
                ds = Dataset(db, size)
                found[(code, size)].append(measure(ds, where))
                print(f"{code} {ds.label}: {json.dumps(found[(code, size)][-1])}", file=sys.stderr)
    return found
