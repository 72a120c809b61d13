"""A flood of wrong sign-ins against a real server, from other processes.

    .venv/bin/python -m bench.sign_in_flood [--dbs sqlite,postgresql] [--seconds 60]

The server (`streamlit run launcher.py`) serves a fresh sample database. It trusts
127.0.0.1 as its proxy, so each process names its client address in
X-Forwarded-For as the shipped nginx would. Three kinds of process run at once:

- *flood*: one address, 4 connections posting wrong passwords for 25 usernames
  (the sample's liaisons) round-robin, as fast as the server answers, for
  `--seconds`; every answer is counted as *checked* (the password was verified:
  `e=bad`) or *refused* unchecked (`e=locked`).
- *owner*: every 3 s a liaison signs in with the right password from her own
  address (a different liaison each time, all of them among the flooded names);
  success is a redirect that sets the sign-in cookie.
- *saver*: the secretariat saves the scorecard thresholds (`set_thresholds` in
  `write_session`) every 2 s, straight on the database.

The same owner and saver run first for `--seconds / 3` without the flood; the
ratio of their median times, flood over calm, is the flood's cost to them (one run,
the same machine). Figures go to stdout and to `docs/sign-in-flood.md`.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.browser import server
from data_layer import auth
from data_layer.commands.settings import set_thresholds
from data_layer.db import write_session
from data_layer.seed import seed

ROOT = Path(__file__).resolve().parents[1]
NAMES = [f"agency{n:02d}" for n in range(1, 26)]
ATTACKER = "203.0.113.66"
CSRF = "bench-csrf-token"


def _post(base: str, username: str, password: str, address: str) -> tuple[int, str, bool]:
    """One sign-in post: (status, where it sends the browser, whether it set a sign-in)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=120)
    body = urlencode({"csrf": CSRF, "username": username, "password": password, "next": "/"})
    conn.request(
        "POST",
        "/auth/sign-in",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{auth.CSRF_COOKIE}={CSRF}",
            "X-Forwarded-For": address,
        },
    )
    response = conn.getresponse()
    response.read()
    cookies = response.getheader("set-cookie") or ""
    conn.close()
    return response.status, response.getheader("location") or "", auth.SESSION_COOKIE in cookies


def _flood(base: str, seconds: float, out: Any) -> None:
    """The flood process: 4 connections from one address until the time is up."""
    counts = {"checked": 0, "refused": 0, "other": 0}
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def worker(offset: int) -> None:
        n = offset
        while time.monotonic() < end:
            _, where, _ = _post(base, NAMES[n % len(NAMES)], "wrong-password-1", ATTACKER)
            kind = "checked" if "e=bad" in where else "refused" if "e=locked" in where else "other"
            with lock:
                counts[kind] += 1
            n += 4

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(counts)


def _owner(base: str, seconds: float, out: Any) -> None:
    """The owner process: the right password, from the owner's own address, every 3 s."""
    times, ok, n = [], 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        name = NAMES[n % 20]  # the sample has a liaison for each of these
        start = time.perf_counter()
        _, where, signed = _post(base, name, auth.SAMPLE_PASSWORD, f"198.51.100.{n % 200 + 1}")
        times.append(time.perf_counter() - start)
        ok += signed and "e=" not in where
        n += 1
        time.sleep(3)
    out.put({"tries": n, "ok": ok, "median_s": statistics.median(times)})


def _saver(url: str, seconds: float, out: Any) -> None:
    """The secretariat's process: a save every 2 s, straight on the database."""
    actor, _ = auth.sign_in_url(url, username="dabir", password=auth.SAMPLE_PASSWORD)
    times, ok, failed, n = [], 0, 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        try:
            with write_session(url) as s:
                set_thresholds(
                    s,
                    actor=actor,
                    green_done_share=60 + n % 10,
                    red_done_share=30,
                    amber_overdue=1,
                    red_overdue=3,
                    stale_days=14,
                )
            ok += 1
        except Exception:
            failed += 1
        times.append(time.perf_counter() - start)
        n += 1
        time.sleep(2)
    out.put({"tries": n, "ok": ok, "failed": failed, "median_s": statistics.median(times)})


def _phase(base: str, url: str, seconds: float, flood: bool) -> dict[str, Any]:
    """Owner and saver (and the flood) side by side, each in its own process."""
    ctx = mp.get_context("spawn")
    queues = {k: ctx.Queue() for k in ("flood", "owner", "saver")}
    procs = [
        ctx.Process(target=_owner, args=(base, seconds, queues["owner"])),
        ctx.Process(target=_saver, args=(url, seconds, queues["saver"])),
    ]
    if flood:
        procs.append(ctx.Process(target=_flood, args=(base, seconds, queues["flood"])))
    for p in procs:
        p.start()
    found = {k: q.get() for k, q in queues.items() if flood or k != "flood"}
    for p in procs:
        p.join()
    return found


def _database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'flood.db'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"bench_flood_{uuid.uuid4().hex[:8]}"
    with create_engine(base, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from data_layer.db import dispose_engine

    dispose_engine(url)
    name = make_url(url).database
    admin = make_url(url).set(database="postgres")
    with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


HEADER = f"""# A flood of wrong sign-ins

`python -m bench.sign_in_flood` (see its docstring): one address, 4 connections,
wrong passwords for {len(NAMES)} usernames, against `streamlit run launcher.py` on a
fresh sample database, while liaisons sign in with the right password from their own
addresses and the secretariat saves, each kind in a process of its own. Before the
limits, 125 such posts locked all 25 accounts for 15 minutes. Times move with the
machine's load (2 cores shared with other work); each ratio compares figures of
one run.
"""


def _report(db: str, seconds: float, calm: dict[str, Any], busy: dict[str, Any]) -> str:
    f, o, s = busy["flood"], busy["owner"], busy["saver"]
    total = f["checked"] + f["refused"] + f["other"]
    lines = [
        f"## {db}, {seconds:g} s of flood",
        "",
        "| figure | value |",
        "|---|---|",
        f"| attempts answered | {total} ({total / seconds:.1f}/s) |",
        f"| of them checked (password verified: five free, then after 1, 2, 4 … 60 s)"
        f" | {f['checked']} |",
        f"| refused unchecked (address waiting) | {f['refused']} |",
        f"| answered otherwise | {f['other']} |",
        f"| owners' sign-ins during the flood | {o['ok']} of {o['tries']}"
        f" (before it: {calm['owner']['ok']} of {calm['owner']['tries']}) |",
        f"| saves during the flood | {s['ok']} of {s['tries']} (failed {s['failed']}) |",
        f"| owner's sign-in, median, flood / calm | {o['median_s']:.3f} s /"
        f" {calm['owner']['median_s']:.3f} s = {o['median_s'] / calm['owner']['median_s']:.2f} |",
        f"| save, median, flood / calm | {s['median_s']:.3f} s /"
        f" {calm['saver']['median_s']:.3f} s = {s['median_s'] / calm['saver']['median_s']:.2f} |",
        "",
    ]
    return "\n".join(lines)


def _run(db: str, seconds: float) -> str:
    """Both phases on a fresh database of one kind; its section of the report."""
    with tempfile.TemporaryDirectory() as tmp:
        url = _database(db, Path(tmp))
        try:
            seed(url, sample=True)
            env = {"DATABASE_URL": url, "SEED_ON_START": "none", "TRUSTED_PROXIES": "127.0.0.1"}
            with server("launcher.py", env, Path(tmp) / "server.log") as (base, _pid):
                calm = _phase(base, url, seconds / 3, flood=False)
                busy = _phase(base, url, seconds, flood=True)
        finally:
            _drop(url)
    return _report(db, seconds, calm, busy)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sign_in_flood")
    parser.add_argument("--dbs", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", default=str(ROOT / "docs" / "sign-in-flood.md"))
    args = parser.parse_args()
    sections = [_run(db.strip(), args.seconds) for db in args.dbs.split(",") if db.strip()]
    text = "\n".join([HEADER, *sections])
    print(text)
    Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
