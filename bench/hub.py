"""The national hub at the ministry's scale: 31 provinces, some of them real province
servers on this machine, the rest snapshot files.

    python -m bench.hub [--dbs postgresql,sqlite] [--repeat 5] [--servers 3]
                        [--shape sample|issue-l]

Measures, per database:
- the size and build time of bench/hub_snapshots.py's L body (30 agencies × 20
  meetings × 15 resolutions, 2,500 neighborhoods, about 1.6 MB);
- `--servers` real province servers (bench/app_server.py: `streamlit run launcher.py`
  on free ports, each on its own SQLite copy of the sample province, or with `--shape
  issue-l` of bench/province_l.py's province, its national link set to the code and
  token the hub registered, one publication approved through
  data_layer.national.publish), pulled by the hub's job (data_layer.hub_pull, six at a
  time) from their `GET /api/national/snapshot`; every server is stopped afterwards,
  whatever happens;
- the other provinces' snapshots ingested from files (receive_snapshot one after the
  other: token, signature, every field checked, checksum, the province locked, kept):
  bench/hub_snapshots.py's L bodies, or with `--shape issue-l` that province's own
  snapshot (the province side's builder) under each code;
- «نمای ملی» at 31 provinces against 3 (target ≤ 1.2×), the two hubs in turn each
  round: the page's script run with AppTest as bench/pages.py times pages (cold: empty
  cache, a new session; warm: the same session again), and its data and HTML alone
  (provinces_latest + the table).

PostgreSQL databases are made on BENCH_DATABASE_URL's server (default: the tests'
server) and dropped afterwards; SQLite ones in a temporary folder. Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import col, select

from bench import app_server
from bench.hub_snapshots import L_SIZES, body

KEY = "the-national-hub-bench-key-0123456789abcdef"
# The hub's address the province servers are given (their sender is off in the bench: the
# hub pulls).
HUB_ADDRESS = "http://127.0.0.1:8601"
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


def write_files(
    folder: Path, codes: list[str], version: int, province: str | None = None
) -> dict[str, Path]:
    """A snapshot file for each of these provinces (the ones with no server): an L body of
    bench/hub_snapshots.py, or with `province` (a SQLite file) the province side's own
    builder's body of that province's figures under each code."""
    from data_layer.db import dispose_engine, read_session
    from data_layer.national.snapshot import snapshot_body, snapshot_content

    folder.mkdir(parents=True, exist_ok=True)
    content = None
    if province:
        with read_session(f"sqlite:///{province}") as s:
            content = snapshot_content(s, date(2026, 11, 28))
        dispose_engine(f"sqlite:///{province}")
    files = {}
    for code in codes:
        path = folder / f"{code}-v{version}.json"
        name = f"استان {code}"
        if content is None:
            payload = body(code, name, version, as_of=date(2026, 11, 28), **L_SIZES)
        else:
            payload = snapshot_body(
                code=code,
                name=name,
                version=version,
                published_at=datetime.now(UTC),
                as_of=date(2026, 11, 28),
                content=content,
            )
        path.write_bytes(payload)
        files[code] = path
    return files


def province_template(shape: str, folder: Path) -> Path:
    """The SQLite file each province server starts from: the sample province, seeded here,
    or the issue's L (bench/province_l.py), prepared once and copied."""
    from data_layer.db import dispose_engine
    from data_layer.seed import seed

    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "template.db"
    if shape == "sample":
        seed(f"sqlite:///{template}", sample=True)
        dispose_engine(f"sqlite:///{template}")
        return template
    from bench.province_l import IssueL, prepare
    from data_layer.migrate import upgrade

    ds = IssueL("sqlite")
    prepare(ds, log=log)
    _copy_sqlite(ds.url.removeprefix("sqlite:///"), template)
    # A dataset seeded by an older schema is brought to this code's, as its server would be.
    upgrade(f"sqlite:///{template}")
    dispose_engine(f"sqlite:///{template}")
    return template


def _copy_sqlite(source: str | Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _province_database(template: str, folder: Path, code: str, token: str) -> str:
    """A copy of the seeded sample province, its national link set (its code, the hub's
    address, the token the hub registered) and one publication approved."""
    from data_layer.auth import actor_of
    from data_layer.db import dispose_engine, read_session, write_session
    from data_layer.models import User
    from data_layer.national.link import set_link
    from data_layer.national.publish import approve_publication, prepare_draft

    path = folder / f"{code}.db"
    _copy_sqlite(template, path)
    url = f"sqlite:///{path}"
    with write_session(url) as s:
        admin, dabir = (
            actor_of(s.exec(select(User).where(User.username == name)).one())
            for name in ("admin", "dabir")
        )
        set_link(s, actor=admin, code=code, name=f"استان {code}", hub_url=HUB_ADDRESS, token=token)
    with read_session(url) as s:
        draft = prepare_draft(s)
    with write_session(url) as s:
        approve_publication(s, actor=dabir, expected_sha256=draft.content_sha256)
    dispose_engine(url)
    return url


@contextmanager
def province_servers(
    tokens: dict[str, str], folder: Path, template: Path
) -> Iterator[dict[str, str]]:
    """A real province server (`streamlit run launcher.py`, bench/app_server.py) for each
    of these provinces, on its own copy of `template` (a SQLite province) with its link
    set and one approved publication; their addresses by code. Every server started is
    stopped on the way out, whatever happens (each in a process group of its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    urls = {code: _province_database(str(template), folder, code, t) for code, t in tokens.items()}
    # A province server: not the hub, no seeding on start (its database is ready), and its
    # sender off (the publication's push stays queued; the hub pulls instead).
    env = {"APP_MODE": "province", "SEED_ON_START": "none", "SENDER_IN_SERVER": "0"}
    started: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
    try:
        for code, url in urls.items():
            started[code] = app_server.start(url, folder / f"{code}.log", seed="none", env=env)
        for address, proc in started.values():
            app_server.wait_healthy(address, proc, timeout=300)
        yield {code: address for code, (address, _) in started.items()}
    finally:
        for _, proc in started.values():
            try:
                app_server.stop(proc)
            except Exception as e:
                log(f"  could not stop server {proc.pid}: {e}")


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


def national_pages(urls: dict[str, str], repeat: int) -> dict[str, dict[str, float]]:
    """Medians of the national page on each hub (AppTest cold and warm, and its data and
    HTML), the hubs taken in turn within each round, so a change in the shared machine's
    load falls on all of them alike."""
    from bench import pages as bp
    from bench.run import _quiet_streamlit

    _quiet_streamlit()
    page = bp.Page("hub", "pages/hub.py", user="ministry")
    samples: dict[str, dict[str, list[float]]] = {
        k: {"cold": [], "warm": [], "data": []} for k in urls
    }
    for round_no in range(repeat + 1):
        for key, url in urls.items():
            os.environ["DATABASE_URL"] = url
            cold, warm = bp.one_round(page)
            data = data_and_html(url)
            if round_no:
                samples[key]["cold"].append(cold)
                samples[key]["warm"].append(warm)
                samples[key]["data"].append(data)
    return {key: {k: statistics.median(v) for k, v in got.items()} for key, got in samples.items()}


def measure(kind: str, repeat: int, servers: int, shape: str) -> dict[str, Any]:
    """Every figure for one kind of database."""
    out: dict[str, Any] = {"servers": servers, "shape": shape}
    with database(kind) as url, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        builds, size = [], 0
        for _ in range(3):
            start = time.perf_counter()
            size = len(bodies({"p01": ""}, 1)["p01"])
            builds.append(time.perf_counter() - start)
        out["build_s"], out["size_mb"] = statistics.median(builds), size / 1e6
        tokens = hub_with(url, 31)
        codes = sorted(tokens)
        real, rest = codes[:servers], codes[servers:]
        log(f"  {kind}: {len(rest)} L snapshot files, {servers} province servers")
        template = province_template(shape, folder / "servers")
        files = write_files(
            folder / "files", rest, 1, str(template) if shape == "issue-l" else None
        )
        out["file_mb"] = statistics.median(p.stat().st_size for p in files.values()) / 1e6
        with province_servers(
            {c: tokens[c] for c in real}, folder / "servers", template
        ) as addresses:
            _follow(url, addresses)
            start = time.perf_counter()
            out["pulled"], out["pulled_bytes"] = _pull(url)
            out["pull_total_s"] = time.perf_counter() - start
        start = time.perf_counter()
        each = push_all(url, tokens, {c: files[c].read_bytes() for c in rest})
        out["files_total_s"], out["files_median_s"] = (
            time.perf_counter() - start,
            statistics.median(each),
        )
        out["ingest_total_s"] = out["pull_total_s"] + out["files_total_s"]
        out["held"] = _held(url)
        with database(kind) as url3:
            tokens = hub_with(url3, 3)
            three = write_files(
                folder / "files3", sorted(tokens), 1, str(template) if shape == "issue-l" else None
            )
            push_all(url3, tokens, {c: p.read_bytes() for c, p in three.items()})
            log(f"  {kind}: the national page at 31 and at 3, in turn")
            pages = national_pages({"at_31": url, "at_3": url3}, repeat)
            out["at_31"], out["at_3"] = pages["at_31"], pages["at_3"]
    return out


def _follow(url: str, addresses: dict[str, str]) -> None:
    """The hub follows each real province server at its address."""
    from data_layer.db import write_session
    from data_layer.models_hub import HubProvince

    with write_session(url) as s:
        for p in s.exec(select(HubProvince).where(col(HubProvince.code).in_(addresses))).all():
            p.pull_url = addresses[p.code]
            s.add(p)


def _held(url: str) -> int:
    """Provinces whose snapshot the hub holds."""
    from data_layer.db import read_session
    from data_layer.models_hub import HubSnapshot

    with read_session(url) as s:
        stmt = select(func.count(func.distinct(col(HubSnapshot.province_id))))
        return int(s.execute(stmt).scalar_one())


def _pull(url: str) -> tuple[int, int]:
    """The hub's pull job over every province it follows: how many, and their bytes."""
    from data_layer.db import read_session
    from data_layer.hub_pull import pull_all
    from data_layer.models_hub import HubSnapshot

    results = pull_all(url)
    assert results and all(r.status == 201 for r in results), [r.message for r in results]
    with read_session(url) as s:
        size = s.execute(select(func.sum(col(HubSnapshot.size)))).scalar_one()
    return len(results), int(size or 0)


def table(figures: dict[str, dict[str, Any]]) -> str:
    """The Markdown the benchmark prints."""
    fmt: Callable[[float], str] = lambda s: f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"  # noqa: E731
    lines = [
        "| database | province servers hold | bench/hub_snapshots.py L body | its build"
        " | province servers pulled (bytes) | snapshot files | files ingested (each, median)"
        " | all 31 ingested | provinces held |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, f in figures.items():
        lines.append(
            f"| {kind} | {f['shape']} | {f['size_mb']:.2f} MB | {fmt(f['build_s'])} |"
            f" {f['pulled']} in {fmt(f['pull_total_s'])} ({f['pulled_bytes'] / 1e6:.2f} MB) |"
            f" {31 - f['pulled']} × {f['file_mb']:.2f} MB |"
            f" {fmt(f['files_total_s'])} ({fmt(f['files_median_s'])}) |"
            f" {fmt(f['ingest_total_s'])} | {f['held']} |"
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
    parser.add_argument(
        "--servers", type=int, default=3, help="real province servers (the rest: files)"
    )
    parser.add_argument(
        "--shape",
        choices=("sample", "issue-l"),
        default="sample",
        help="what the province servers hold: the sample province, or the issue's L"
        " (then the files are that province's own snapshot under each code)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.servers <= 31:
        parser.error("--servers is 1 to 31")
    os.environ.update({"APP_MODE": "hub", "HUB_TOKEN_KEY": KEY, "SEED_ON_START": "none"})
    figures = {}
    for kind in args.dbs.split(","):
        log(f"{kind}:")
        figures[kind] = measure(kind, args.repeat, args.servers, args.shape)
    print(table(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
