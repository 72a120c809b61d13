"""Wall time of a slice of the test suite: another checkout against this one, alternating.

    python -m bench.suite --base ../base --runs 2 tests/pages/test_meetings_page.py ...

Each round runs the slice once in the base checkout, the way its `make test` ran it
(one process), then once here, the way this `make test` runs it (`-n WORKERS`, the
tests that need no browser). The rounds alternate so that both see the same load on a
shared machine. Prints a markdown section (bench/suite.md holds the last one kept,
which docs/benchmarks.md shows as "Test suite"). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed).*?) in [\d.]+s", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    which: str  # "before" or "after"
    seconds: float
    summary: str  # pytest's closing line, e.g. "180 passed"
    load: float  # the machine's 1-minute load average when the run ended


def _git(tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(tree), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def run_once(which: str, tree: Path, args: list[str], log: Path) -> Run:
    """One pytest run of the slice in `tree`; its output goes to `log`."""
    start = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(
            [str(tree / ".venv" / "bin" / "python"), "-m", "pytest", "-q", *args],
            cwd=tree,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
    seconds = time.monotonic() - start
    found = SUMMARY.findall(log.read_text(errors="replace"))
    summary = found[-1] if found else f"exit code {done.returncode}"
    return Run(which, seconds, summary, os.getloadavg()[0])


def section(base: Path, slice_: list[str], workers: str, runs: list[Run], began: datetime) -> str:
    """The markdown section of one measurement."""
    before = [r.seconds for r in runs if r.which == "before"]
    after = [r.seconds for r in runs if r.which == "after"]
    ratio = statistics.median(after) / statistics.median(before)
    lines = [
        f"Measured {began:%Y-%m-%d %H:%M}–{datetime.now(UTC):%H:%M} UTC with"
        " `python -m bench.suite`, "
        f"{len(before)} runs each, alternating, on `{platform.node() or 'this machine'}` "
        f"({os.cpu_count()} cores, shared with other work: the load average shows how "
        "busy it was). Before: "
        f"{_git(base, 'rev-parse', '--short', 'HEAD')}, one process. After: "
        f"{_git(ROOT, 'rev-parse', '--short', 'HEAD')}, `-n {workers}` and the seeded "
        "templates. Slice: " + " ".join(f"`{s}`" for s in slice_) + ".",
        "",
        "| round | code | wall time | pytest | load (1 min) |",
        "|---|---|---|---|---|",
    ]
    for i, r in enumerate(runs):
        lines.append(
            f"| {i // 2 + 1} | {r.which} | {r.seconds:.0f} s | {r.summary} | {r.load:.1f} |"
        )
    lines += [
        "",
        f"**After / before (medians): {ratio:.2f}** "
        f"({statistics.median(after):.0f} s against {statistics.median(before):.0f} s).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="checkout to compare with")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, alternating")
    parser.add_argument("--workers", default="auto", help="-n for this checkout's runs")
    parser.add_argument("--logs", type=Path, default=ROOT / "bench" / ".data" / "suite")
    parser.add_argument("--out", type=Path, help="also write the section to this file")
    parser.add_argument("slice", nargs="+", help="test paths, the same in both checkouts")
    opts = parser.parse_args(argv)
    opts.logs.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    began = datetime.now(UTC)
    for i in range(opts.runs):
        for which, tree, extra in (
            ("before", opts.base.resolve(), []),
            ("after", ROOT, ["-n", opts.workers, "-m", "not browser"]),
        ):
            run = run_once(which, tree, [*extra, *opts.slice], opts.logs / f"{which}-{i + 1}.log")
            print(f"{which} {i + 1}: {run.seconds:.0f} s, {run.summary}", file=sys.stderr)
            runs.append(run)
    text = section(opts.base.resolve(), opts.slice, opts.workers, runs, began)
    print(text)
    if opts.out:
        opts.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
