"""Run the benchmarks and write docs/benchmarks.md.

    python -m bench.run [--sizes S,M,L] [--dbs sqlite,postgresql] [--repeat 5] [--quick] [--fresh]

Each (database, size) is measured in a child process of its own (`--worker`), so
the peak memory it reports belongs to that dataset; the browser measurements (on the
smallest and the largest size) run in child processes too. Results are printed and
written to docs/benchmarks.md (a --quick smoke run writes bench/.data/ instead).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import resource
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.datasets import AS_OF, DATA_DIR, DBS, SIZES, Dataset, prepare

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"
QUICK_OUTPUT = DATA_DIR / "benchmarks-quick.md"
BROWSER_SESSIONS = 20
BROWSER_SAMPLES = 5
PAGE_SAMPLES = 3  # visits of each page (after its first), alternated with the one-line page


def log(message: str) -> None:
    print(message, flush=True)


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _quiet_streamlit() -> None:
    """AppTest outside a server logs 'No runtime found' on every cache call.

    The first script run parses Streamlit's config, which sets the log level again;
    so run the empty script once, then lower it.
    """
    import streamlit.logger
    from streamlit.testing.v1 import AppTest

    from bench.pages import FLOOR_SCRIPT

    AppTest.from_string(FLOOR_SCRIPT).run()
    streamlit.logger.set_log_level(logging.ERROR)


# --- the child processes ------------------------------------------------------------------


def worker_measure(args: argparse.Namespace) -> dict[str, Any]:
    """Pages (AppTest), peak memory, saves, ours vs naive, for one (db, size)."""
    from bench import naive, pages, saves

    _quiet_streamlit()
    url = os.environ["DATABASE_URL"]
    out: dict[str, Any] = {"maxrss": {}}
    out["pages"] = pages.time_pages(args.repeat, log)
    out["maxrss"]["pages"] = _maxrss_mib()
    if args.hot:
        out["hot"] = {p.name: pages.hot_spots(p) for p in pages.PAGES if p.path}
        log("    hot spots profiled")
    if args.saves:
        tag = datetime.now().strftime("%H%M%S")
        out["saves"] = {
            "sequential": saves.sequential(url, tag),
            "concurrent": saves.concurrent(url, tag),
            "per_core": saves.concurrent(url, tag + "c", count=os.cpu_count() or 1),
        }
        seq, con = out["saves"]["sequential"], out["saves"]["concurrent"]
        log(
            f"    saves: sequential median {seq['median'] * 1000:.1f} ms;"
            f" 30 writers p95 {con['p95'] * 1000:.1f} ms, locked {con['locked']}"
        )
        out["maxrss"]["saves"] = _maxrss_mib()
    out["naive"] = naive.compare(url, AS_OF, args.repeat, log)
    out["maxrss"]["all"] = _maxrss_mib()
    return out


def worker_browser(args: argparse.Namespace) -> dict[str, Any]:
    """Server RSS and time to headline for one (db, size)."""
    from bench import browser

    ds = Dataset(args.db, args.size)
    logs = DATA_DIR / "logs" / f"{args.db}-{args.size}"
    out = browser.measure(ds.url, BROWSER_SESSIONS, BROWSER_SAMPLES, logs, log)
    out["pages"] = browser.every_page(ds.url, PAGE_SAMPLES, logs, log)
    return out


def _child(kind: str, ds: Dataset, repeat: int, **flags: bool) -> dict[str, Any]:
    """Run one worker in its own process; its JSON result, or {'error': ...}."""
    result = DATA_DIR / f"result-{kind}-{ds.db}-{ds.size}.json"
    result.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "bench.run",
        "--worker",
        kind,
        "--db",
        ds.db,
        "--size",
        ds.size,
        "--repeat",
        str(repeat),
        "--json",
        str(result),
        *(f"--{name}" for name, on in flags.items() if on),
    ]
    env = {**os.environ, "DATABASE_URL": ds.url, "SEED_ON_START": "none"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        code = proc.wait()
    except BaseException:  # interrupted: let the worker stop its servers and browser
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    log(f"  {kind} {ds.label}: {time.perf_counter() - started:.0f} s")
    if not result.exists():
        return {"error": f"the {kind} worker exited with code {code}"}
    return dict(json.loads(result.read_text()))


# --- the run -----------------------------------------------------------------------------


def _machine() -> dict[str, str]:
    mem = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "?",
    )
    kib = int(mem.split()[0]) if mem[0].isdigit() else 0
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    import streamlit

    pg = "?"
    try:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        from bench.datasets import SERVER_URL

        with create_engine(SERVER_URL, poolclass=NullPool).connect() as conn:
            pg = str(conn.execute(text("SHOW server_version")).scalar())
    except Exception:  # the report says '?'; the run goes on
        pass
    return {
        "uname": subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip(),
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "memory": f"{kib / 1024 / 1024:.1f} GiB RAM" if kib else mem,
        "cpu": cpu,
        "software": (
            f"Python {platform.python_version()}, Streamlit {streamlit.__version__},"
            f" SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}"
        ),
    }


def code_fingerprint() -> dict[str, str]:
    """sha1 of every source file the app runs; others may edit them while this runs."""
    files = [ROOT / "app.py", ROOT / "launcher.py", *sorted(ROOT.glob("assets/*"))]
    for folder in ("pages", "ui", "data_layer", "web"):
        files += sorted((ROOT / folder).rglob("*.py"))
    out = {}
    for f in files:
        if f.is_file():
            out[f.relative_to(ROOT).as_posix()] = hashlib.sha1(f.read_bytes()).hexdigest()
    return out


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def main_run(args: argparse.Namespace, argv: list[str]) -> int:
    from bench.naive import load_drift
    from data_layer.jalali import format_jalali

    started = time.perf_counter()
    code_before = code_fingerprint()
    if args.quick:
        args.sizes, args.dbs, args.repeat = "S,M", "sqlite", 2
    sizes = [s for s in SIZES if s in {x.strip().upper() for x in args.sizes.split(",")}]
    dbs = [d for d in DBS if d in {x.strip().lower() for x in args.dbs.split(",")}]
    if not sizes or not dbs:
        log(f"nothing to run: sizes from {list(SIZES)}, dbs from {list(DBS)}")
        return 2
    output = Path(args.output) if args.output else (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT)
    results: dict[str, Any] = {
        "sizes": sizes,
        "dbs": dbs,
        "repeat": args.repeat,
        "datasets": [],
        "measure": {},
        "browser": {},
        "errors": {},
        "drift": sorted(load_drift()),
    }
    ends = {sizes[0], sizes[-1]}  # saves and the browser: smallest and largest only

    log(f"datasets ({', '.join(dbs)} × {', '.join(sizes)}):")
    ready: list[Dataset] = []
    for db in dbs:
        for size in sizes:
            ds = Dataset(db, size)
            try:
                p = prepare(ds, fresh=args.fresh, log=log)
            except Exception as exc:
                results["errors"][f"dataset {ds.label}"] = repr(exc)
                log(f"  {ds.label}: FAILED {exc!r}")
                continue
            if (
                ds.db == "postgresql"
                and ds.size == "L"
                and p.action == "seeded"
                and p.seconds > 300
            ):
                results["errors"]["PostgreSQL L seeding"] = f"slow: {p.seconds:.0f} s (> 5 min)"
            results["datasets"].append(
                {
                    "db": db,
                    "size": size,
                    "scale": ds.scale,
                    "action": p.action,
                    "seconds": p.seconds,
                    "counts": p.counts,
                }
            )
            log(f"  {ds.label}: {p.action} in {p.seconds:.1f} s, {p.counts['assignment']:,} rows")
            ready.append(ds)

    log("measuring (AppTest pages, memory, saves, naive):")
    for ds in ready:
        got = _child("measure", ds, args.repeat, saves=ds.size in ends, hot=ds.size == sizes[-1])
        if "error" in got:
            results["errors"][f"measure {ds.label}"] = got["error"]
        else:
            results["measure"][ds.label] = got

    log("browser (server RSS, time to headline):")
    for ds in ready:
        if ds.size not in ends:
            continue
        got = _child("browser", ds, args.repeat)
        if "error" in got:
            results["errors"][f"browser {ds.label}"] = got["error"]
        else:
            results["browser"][ds.label] = got

    runtime = time.perf_counter() - started
    edited = _changed(code_before, code_fingerprint())
    if edited:
        shown = ", ".join(edited[:12]) + (" …" if len(edited) > 12 else "")
        results["errors"]["code edited during the run"] = (
            f"{len(edited)} files ({shown}); figures before and after the edit may differ"
        )
    combined = hashlib.sha1(json.dumps(code_before, sort_keys=True).encode()).hexdigest()
    python = Path(sys.executable)
    if python.is_relative_to(ROOT):
        python = python.relative_to(ROOT)
    results["meta"] = {
        "code": combined[:12],
        "jalali": format_jalali(date.today()),
        "gregorian": date.today().isoformat(),
        "command": shlex.join([str(python), "-m", "bench.run", *argv]),
        "runtime": f"{runtime / 60:.1f} min",
        **_machine(),
    }
    # Kept first, so a run's figures survive a fault in the report (--report-again).
    (DATA_DIR / "last-run.json").write_text(json.dumps(results, indent=1, default=str))
    write_report(results, output)
    log(f"\ntotal runtime {runtime / 60:.1f} min")
    return 0


MESSAGES_MARK = "<!-- bench.messages -->"


def write_report(results: dict[str, Any], output: Path) -> None:
    """Print the tables and write them to `output`."""
    from bench.report import Report

    report = Report(results)
    log("\n" + report.text())
    output.parent.mkdir(parents=True, exist_ok=True)
    kept = ""  # bench.messages' section, measured by its own run, stays at the end
    if output.exists():
        old = output.read_text(encoding="utf-8")
        kept = old[old.index(MESSAGES_MARK) :] if MESSAGES_MARK in old else ""
    output.write_text(report.markdown() + ("\n" + kept if kept else ""), encoding="utf-8")
    log(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated, of S, M, L")
    parser.add_argument("--dbs", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="rounds to take the median of")
    parser.add_argument("--quick", action="store_true", help="S and M on SQLite, repeat 2")
    parser.add_argument("--fresh", action="store_true", help="drop and re-seed the datasets")
    parser.add_argument("--output", default=None, help="markdown file to write")
    parser.add_argument(
        "--report-again", action="store_true", help="only write the report of the last run again"
    )
    # Internal: what a child process measures.
    parser.add_argument("--worker", choices=["measure", "browser"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--saves", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--hot", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    # A SIGTERM unwinds like an exception, so servers and browsers are stopped.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    if args.report_again:
        results = json.loads((DATA_DIR / "last-run.json").read_text())
        write_report(results, Path(args.output) if args.output else DEFAULT_OUTPUT)
        return 0
    if args.worker:
        work = worker_measure if args.worker == "measure" else worker_browser
        try:
            out = work(args)
        except Exception as exc:
            traceback.print_exc()
            out = {"error": f"{type(exc).__name__}: {str(exc)[:500]}"}
        Path(args.json).write_text(json.dumps(out, default=str))
        return 0 if "error" not in out else 1
    return main_run(args, argv)


if __name__ == "__main__":
    sys.exit(main())
