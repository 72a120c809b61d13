"""Wall time of the test suite, or of a slice of it: another checkout against this one,
alternating.

    python -m bench.suite --base ../base --runs 2 tests/pages/test_meetings_page.py ...
    python -m bench.suite --base ../base --runs 1 --whole

Each round runs the slice once in the base checkout, the way its `make test` ran it
(one process), then once here, the way this `make test` runs it (`-n WORKERS`, the
tests that need no browser). With `--whole`, each round runs `make test` itself in
each checkout (with CI=true, so nothing is skipped for a missing browser or database),
whatever that command is in each. The rounds alternate so that both see the same load
on a shared machine. Prints a markdown section (bench/suite.md holds the last one kept,
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed).*?) in [\d.]+s", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    which: str  # "before" or "after"
    seconds: float
    summary: str  # pytest's closing line, e.g. "180 passed" (each run's, with --whole)
    load: float  # the machine's 1-minute load average when the run ended
    load_before: float = 0.0  # … and when it began
    cpu: float = 0.0  # user + system seconds of the run and every process it waited for


def _git(tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(tree), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def pytest_command(tree: Path, args: list[str]) -> list[str]:
    """One pytest run of the slice in `tree`."""
    return [str(tree / ".venv" / "bin" / "python"), "-m", "pytest", "-q", *args]


def make_test_command() -> list[str]:
    """The checkout's own `make test` (its virtualenv taken as installed)."""
    return ["make", "-o", ".venv/.installed", "test", "PYTEST_ARGS=-q"]


def run_once(which: str, tree: Path, command: list[str], log: Path) -> Run:
    """Run `command` in `tree` (output to `log`) and time it."""
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=tree,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "CI": "true"},
        )
        # wait4: this run's own CPU time, even with another run going on beside it.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    found = SUMMARY.findall(log.read_text(errors="replace"))
    summary = " + ".join(found) if found else f"exit code {code}"
    if found and code != 0:
        summary += f" (exit code {code})"
    cpu = usage.ru_utime + usage.ru_stime
    return Run(which, seconds, summary, os.getloadavg()[0], load_before, cpu)


def section(
    base: Path,
    slice_: list[str],
    workers: str,
    runs: list[Run],
    began: datetime,
    together: bool = False,
) -> str:
    """The markdown section of one measurement (an empty slice: the whole `make test`)."""
    before = [r.seconds for r in runs if r.which == "before"]
    after = [r.seconds for r in runs if r.which == "after"]
    ratio = statistics.median(after) / statistics.median(before)
    what = (
        "Slice: " + " ".join(f"`{s}`" for s in slice_) + "."
        if slice_
        else "Each run is the checkout's own `CI=true make test`."
    )
    lines = [
        f"Measured {began:%Y-%m-%d %H:%M}–{datetime.now(UTC):%H:%M} UTC with"
        " `python -m bench.suite`, "
        f"{len(before)} runs each, alternating, on `{platform.node() or 'this machine'}` "
        f"({os.cpu_count()} cores, shared with other work: the load average shows how "
        "busy it was"
        + (
            "; in each round both ran at the same time, each with the other as load"
            if together
            else ""
        )
        + "). Before: "
        f"{_git(base, 'rev-parse', '--short', 'HEAD')}, one process. After: "
        f"{_git(ROOT, 'rev-parse', '--short', 'HEAD')}, `-n {workers}` and the seeded "
        "templates. " + what,
        "",
        "| round | code | wall time | CPU time | pytest | load (1 min) at start → end |",
        "|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(runs):
        lines.append(
            f"| {i // 2 + 1} | {r.which} | {r.seconds:.0f} s | {r.cpu:.0f} s | {r.summary}"
            f" | {r.load_before:.1f} → {r.load:.1f} |"
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
    parser.add_argument("--whole", action="store_true", help="each checkout's `make test`")
    parser.add_argument(
        "--together", action="store_true", help="start before and after at once in each round"
    )
    parser.add_argument("slice", nargs="*", help="test paths, the same in both checkouts")
    opts = parser.parse_args(argv)
    if opts.whole == bool(opts.slice):
        parser.error("name a slice, or --whole for the whole suite (not both)")
    opts.logs.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    began = datetime.now(UTC)
    for i in range(opts.runs):
        jobs = []
        for which, tree, extra in (
            ("before", opts.base.resolve(), []),
            ("after", ROOT, ["-n", opts.workers, "-m", "not browser"]),
        ):
            command = (
                make_test_command() if opts.whole else pytest_command(tree, extra + opts.slice)
            )
            jobs.append((which, tree, command, opts.logs / f"{which}-{i + 1}.log"))
        if opts.together:
            with ThreadPoolExecutor(max_workers=2) as pool:
                done = list(pool.map(lambda job: run_once(*job), jobs))
        else:
            done = [run_once(*job) for job in jobs]
        for run in done:
            print(f"{run.which} {i + 1}: {run.seconds:.0f} s, {run.summary}", file=sys.stderr)
        runs += done
    text = section(opts.base.resolve(), opts.slice, opts.workers, runs, began, opts.together)
    print(text)
    if opts.out:
        opts.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
