"""The deployment scripts: a backup holds the evidence files and restores whole; the
shipped nginx template keeps tokens out of its access log."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

import pytest
from sqlalchemy import text
from sqlmodel import select

from data_layer.auth import sign_in_url
from data_layer.commands.evidence import add_evidence
from data_layer.db import dispose_engine, get_engine, read_session, write_session
from data_layer.migrate import upgrade
from data_layer.models import Assignment, Evidence
from data_layer.seed import seed
from tests.conftest import _create_postgres_database, _drop_postgres_database

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


def _with_evidence(url: str) -> str:
    """Seed, attach one document as Education's liaison; return its sha256."""
    seed(url, sample=True, as_of=date(2026, 11, 28))
    actor, _ = sign_in_url(url, username="agency02", password="namune-1402")
    with write_session(url) as s:
        row = s.exec(select(Assignment).where(Assignment.agency_id == actor.agency_id)).first()
        assert row is not None
        add_evidence(s, actor=actor, assignment_id=row.id, filename="صورتجلسه.pdf", content=PDF)  # type: ignore[arg-type]
    return hashlib.sha256(PDF).hexdigest()


def _evidence_shas(url: str) -> list[str]:
    with read_session(url) as s:
        return [hashlib.sha256(e.content).hexdigest() for e in s.exec(select(Evidence)).all()]


def _backup(url: str, dest: Path) -> Path:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(["sh", str(ROOT / "deploy" / "backup.sh"), str(dest)], env=env, check=True)
    (written,) = list(dest.glob("dashboard-*"))
    return written


def test_a_sqlite_backup_restores_with_its_evidence(sqlite_url: str, tmp_path: Path) -> None:
    sha = _with_evidence(sqlite_url)
    copy = _backup(sqlite_url, tmp_path / "backups")
    restored = f"sqlite:///{copy}"
    try:
        assert _evidence_shas(restored) == [sha]
    finally:
        dispose_engine(restored)


@pytest.mark.postgres
def test_a_postgresql_dump_restores_with_its_evidence(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        if os.environ.get("CI", "").lower() in {"1", "true"}:
            pytest.fail("pg_dump/pg_restore are missing; .ci/run installs postgresql-client")
        pytest.skip("pg_dump/pg_restore are not installed")
    source, target = _create_postgres_database(), _create_postgres_database()
    try:
        upgrade(source)
        sha = _with_evidence(source)
        dump = _backup(source, tmp_path / "backups")
        plain = target.replace("+psycopg", "")
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={plain}", str(dump)], check=True)
        assert _evidence_shas(target) == [sha]
        with get_engine(target).connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM assignment")).scalar() > 0
    finally:
        _drop_postgres_database(source)
        _drop_postgres_database(target)


# --- nginx: no secrets in the access log ------------------------------------------------


class _Replica(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def nginx_in_front(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The shipped nginx template, filled in as docs/deploy.md says, in front of two
    stand-in replicas; its base URL and its access log."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail("nginx is not installed; .ci/run installs it with apt-get")
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    replicas = [ThreadingHTTPServer(("127.0.0.1", 0), _Replica) for _ in range(2)]
    for server in replicas:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    (tmp_path / "temp").mkdir()
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        Template((ROOT / "deploy" / "nginx.conf.template").read_text()).safe_substitute(
            NGINX_PID=tmp_path / "nginx.pid",
            NGINX_LOG_DIR=tmp_path,
            NGINX_TEMP_DIR=tmp_path / "temp",
            REPLICA_1_PORT=replicas[0].server_address[1],
            REPLICA_2_PORT=replicas[1].server_address[1],
            LISTEN_PORT=port,
        )
    )
    check = subprocess.run([binary, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([binary, "-c", str(conf), "-g", "daemon off;"], cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # until nginx answers (it starts in well under a second)
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield base, tmp_path / "access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for server in replicas:
            server.shutdown()
            server.server_close()


def test_the_access_log_keeps_no_feed_or_kiosk_token(nginx_in_front: tuple[str, Path]) -> None:
    base, log = nginx_in_front
    feed, kiosk, other = "feedSECRET1234567890", "kioskSECRET1234567890", "nextSECRET"
    paths = [
        f"/api/feeds/coverage.csv?token={feed}",
        f"/api/feeds/gaps.csv?x=1&token={feed}",
        f"/kiosk/{kiosk}",
        f"//kiosk/{kiosk}?again=1",
        f"/sign_in?next=/my_agency&e={other}",
    ]
    for path in paths:
        request = urllib.request.Request(base + path, headers={"Referer": f"{base}/kiosk/{kiosk}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
    # The last request written is the marker: nginx writes a line when a request ends.
    with urllib.request.urlopen(f"{base}/marker", timeout=10):
        pass
    for _ in range(100):
        if log.exists() and "/marker" in log.read_text():
            break
        time.sleep(0.05)
    written = log.read_text()
    lines = written.splitlines()
    assert len(lines) == len(paths) + 1  # the marker too (the health check is not logged)
    for secret in (feed, kiosk, other, "token="):
        assert secret not in written, written
    assert "GET /api/feeds/coverage.csv HTTP/1.1" in written
    assert written.count("GET /kiosk/- HTTP/1.1") == 2
    assert "GET /sign_in HTTP/1.1" in written
