"""The national hub's deployment files: its nginx template, filled in as docs/deploy.md
says, passes a province's snapshot whole to a replica (a body larger than any page's
upload), refuses such a body anywhere else, and keeps the province's token out of the
access log; the hub's units start the hub mode and its pull."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


class _Replica(BaseHTTPRequestHandler):
    """A stand-in replica: 200 to the health check, and to a POST the size it received."""

    def do_GET(self) -> None:
        self._answer(b'{"status": "ok"}')

    def do_POST(self) -> None:
        size = len(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self._answer(str(size).encode())

    def _answer(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hub_nginx(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """nginx from deploy/hub-nginx.conf.template in front of two stand-in replicas."""
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
    # nginx's workers (another user when the tests run as root) buffer a large body in
    # files under its temp directory: one they can open.
    temp = Path(tempfile.mkdtemp(prefix="hub-nginx-"))
    temp.chmod(0o777)
    port = free_port()
    conf = tmp_path / "nginx.conf"
    text = Template((DEPLOY / "hub-nginx.conf.template").read_text()).safe_substitute(
        NGINX_PID=tmp_path / "nginx.pid",
        NGINX_LOG_DIR=tmp_path,
        NGINX_TEMP_DIR=temp,
        REPLICA_1_PORT=replicas[0].server_address[1],
        REPLICA_2_PORT=replicas[1].server_address[1],
        LISTEN_PORT=port,
    )
    conf.write_text(text)
    check = subprocess.run([binary, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([binary, "-c", str(conf), "-g", "daemon off;"], cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # until nginx answers
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
        shutil.rmtree(temp, ignore_errors=True)


def _post(url: str, payload: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=payload, method="POST", headers={"Authorization": "Bearer secret-token-xyz"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_a_snapshot_passes_whole_and_a_large_body_elsewhere_is_refused(
    hub_nginx: tuple[str, Path],
) -> None:
    base, log = hub_nginx
    payload = b"x" * (8 * 1024 * 1024)  # larger than any page's upload, under 20 MB
    assert _post(f"{base}/api/hub/snapshots", payload) == (200, str(len(payload)).encode())
    assert _post(f"{base}/anything-else", payload)[0] == 413
    assert "secret-token-xyz" not in log.read_text()


def test_the_hub_units_start_hub_mode_and_its_pull() -> None:
    replica = (DEPLOY / "hub@.service").read_text()
    pull = (DEPLOY / "hub-pull.service").read_text()
    env = (DEPLOY / "hub.env.example").read_text()
    assert "Environment=APP_MODE=hub" in replica and "launcher.py" in replica
    assert "-m data_layer.hub_pull" in pull and "Environment=APP_MODE=hub" in pull
    for setting in (
        "APP_MODE",
        "HUB_TOKEN_KEY",
        "HUB_MAX_SNAPSHOT_BYTES",
        "HUB_PULL_TIMEOUT",
        "HUB_PULL_ATTEMPTS",
        "HUB_PULL_BACKOFF",
    ):
        assert f"\n{setting}=" in env, setting
