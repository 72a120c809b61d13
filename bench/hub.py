"""The national hub at the ministry's scale: 31 provinces, each snapshot at L (30 agencies
× 20 meetings × 15 resolutions, 2,500 neighborhoods, about 1.6 MB).

    python -m bench.hub [--dbs postgresql,sqlite] [--repeat 5]

Measures, per database:
- a snapshot's size and the time to build its body (bench/hub_snapshots.py);
- the ingest of 31 snapshots pushed one after the other (receive_snapshot: token,
  signature, every field checked, checksum, the province locked, kept), and of 31 more
  pulled by the hub's job (data_layer.hub_pull) from one local HTTP server standing in
  for the provinces' servers, six at a time;
- «نمای ملی» at 31 provinces against 3 (target ≤ 1.2×): the page's script run with
  AppTest as bench/pages.py times pages (cold: empty cache, a new session; warm: the
  same session again), and its data and HTML alone (provinces_latest + the table).

PostgreSQL databases are made on BENCH_DATABASE_URL's server (default: the tests'
server) and dropped afterwards; SQLite ones in a temporary folder. Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench.hub_snapshots import L_SIZES, body

KEY = "the-national-hub-bench-key-0123456789abcdef"
SERVER = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def log(message: str) -> None:
    """Progress on stderr; the table on stdout."""
    print(message, file=sys.stderr, flush=True)


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A new empty database of this kind, migrated; dropped afterwards."""
    from data_layer.db import dispose_engine
    from data_layer.migrate import upgrade

    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'hub.db'}"
            upgrade(url)
            yield url
            dispose_engine(url)
        return
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"bench_hub_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        dispose_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def hub_with(url: str, provinces: int, pull_base: str = "") -> dict[str, str]:
    """The hub's two accounts and `provinces` registered provinces; tokens by code."""
    from data_layer import auth
    from data_layer.commands.hub import register_province
    from data_layer.db import write_session
    from data_layer.models import Role, User
    from data_layer.permissions import Actor

    with write_session(url) as s:
        hashed = auth.hash_password(auth.SAMPLE_PASSWORD)
        admin = User(username="hubadmin", full_name="مدیر", role=Role.ADMIN.value)
        for u in (admin, User(username="ministry", full_name="وزارت", role=Role.VIEWER.value)):
            u.password_hash = hashed
            s.add(u)
        s.flush()
        actor = Actor(int(admin.id or 0), admin.username, admin.full_name, admin.role)
        tokens = {}
        for i in range(1, provinces + 1):
            code = f"p{i:02d}"
            pull = f"{pull_base}/{code}" if pull_base else ""
            name = f"استان {i}"
            tokens[code] = register_province(s, actor=actor, code=code, name=name, pull_url=pull)[1]
    return tokens


def bodies(tokens: dict[str, str], version: int) -> dict[str, bytes]:
    """An L body for every province."""
    return {
        code: body(code, f"استان {code}", version, as_of=date(2026, 11, 28), **L_SIZES)
        for code in tokens
    }


def push_all(url: str, tokens: dict[str, str], payloads: dict[str, bytes]) -> list[float]:
    """Receive every body as a push, one after the other; seconds of each."""
    from data_layer.commands.hub import receive_snapshot
    from data_layer.input.snapshot import signature_of

    times = []
    for code, payload in payloads.items():
        start = time.perf_counter()
        result = receive_snapshot(
            url,
            token=tokens[code],
            signature=signature_of(tokens[code], payload),
            body=payload,
        )
        times.append(time.perf_counter() - start)
        assert result.status == 201, result.message
    return times


@contextmanager
def provinces_server(tokens: dict[str, str], payloads: dict[str, bytes]) -> Iterator[str]:
    """One local server in the place of every province's: /<code>/api/national/snapshot."""
    from data_layer.input.snapshot import signature_of

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            code = self.path.strip("/").split("/")[0]
            payload = payloads[code]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Snapshot-Signature", signature_of(tokens[code], payload))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def data_and_html(url: str) -> float:
    """Seconds to read the provinces' latest figures and draw the national table."""
    from data_layer.db import read_session
    from data_layer.jalali import local_today
    from data_layer.queries.hub import provinces_latest, stale_days
    from ui.hub_view import headline, national_table

    start = time.perf_counter()
    with read_session(url) as s:
        rows, days = provinces_latest(s), stale_days(s)
    today = local_today()
    drawn = str(headline(rows, today, days)) + str(national_table(rows, today, days))
    assert drawn
    return time.perf_counter() - start


def national_page(url: str, repeat: int) -> dict[str, float]:
    """Medians of the national page: AppTest cold and warm, and its data and HTML."""
    from bench import pages as bp
    from bench.run import _quiet_streamlit

    _quiet_streamlit()
    os.environ["DATABASE_URL"] = url
    page = bp.Page("hub", "pages/hub.py", user="ministry")
    samples: dict[str, list[float]] = {"cold": [], "warm": [], "data": []}
    for round_no in range(repeat + 1):
        cold, warm = bp.one_round(page)
        data = data_and_html(url)
        if round_no:
            samples["cold"].append(cold)
            samples["warm"].append(warm)
            samples["data"].append(data)
    return {k: statistics.median(v) for k, v in samples.items()}


def measure(kind: str, repeat: int) -> dict[str, Any]:
    """Every figure for one kind of database."""
    out: dict[str, Any] = {}
    with database(kind) as url:
        builds, size = [], 0
        for _ in range(3):
            start = time.perf_counter()
            size = len(bodies({"p01": ""}, 1)["p01"])
            builds.append(time.perf_counter() - start)
        out["build_s"], out["size_mb"] = statistics.median(builds), size / 1e6
        tokens = hub_with(url, 31)
        log(f"  {kind}: building 31 L bodies")
        first = bodies(tokens, 1)
        start = time.perf_counter()
        each = push_all(url, tokens, first)
        out["push_total_s"], out["push_median_s"] = (
            time.perf_counter() - start,
            statistics.median(each),
        )
        second = bodies(tokens, 2)
        with provinces_server(tokens, second) as base:
            _follow_all(url, base)
            start = time.perf_counter()
            out["pulled"] = _pull(url)
            out["pull_total_s"] = time.perf_counter() - start
        log(f"  {kind}: the national page at 31")
        out["at_31"] = national_page(url, repeat)
    with database(kind) as url:
        tokens = hub_with(url, 3)
        push_all(url, tokens, bodies(tokens, 1))
        log(f"  {kind}: the national page at 3")
        out["at_3"] = national_page(url, repeat)
    return out


def _follow_all(url: str, base: str) -> None:
    from sqlmodel import select

    from data_layer.db import write_session
    from data_layer.models_hub import HubProvince

    with write_session(url) as s:
        for p in s.exec(select(HubProvince)).all():
            p.pull_url = f"{base}/{p.code}"
            s.add(p)


def _pull(url: str) -> int:
    from data_layer.hub_pull import pull_all

    results = pull_all(url)
    assert all(r.status == 201 for r in results), [r.message for r in results]
    return len(results)


def table(figures: dict[str, dict[str, Any]]) -> str:
    """The Markdown the benchmark prints."""
    fmt: Callable[[float], str] = lambda s: f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"  # noqa: E731
    lines = [
        "| database | snapshot at L | build | 31 pushed (each, median) | 31 pulled, 6 at a time |",
        "|---|---|---|---|---|",
    ]
    for kind, f in figures.items():
        lines.append(
            f"| {kind} | {f['size_mb']:.2f} MB | {fmt(f['build_s'])} |"
            f" {fmt(f['push_total_s'])} ({fmt(f['push_median_s'])}) | {fmt(f['pull_total_s'])} |"
        )
    lines += [
        "",
        "| database | «نمای ملی» | 3 provinces | 31 provinces | 31 / 3 |",
        "|---|---|---|---|---|",
    ]
    for kind, f in figures.items():
        for what, label in (
            ("cold", "page, cold"),
            ("warm", "page, warm"),
            ("data", "data + HTML"),
        ):
            a, b = f["at_3"][what], f["at_31"][what]
            lines.append(f"| {kind} | {label} | {fmt(a)} | {fmt(b)} | {b / a:.2f}× |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", default="postgresql")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.update({"APP_MODE": "hub", "HUB_TOKEN_KEY": KEY, "SEED_ON_START": "none"})
    figures = {}
    for kind in args.dbs.split(","):
        log(f"{kind}:")
        figures[kind] = measure(kind, args.repeat)
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
