"""The hub benchmark's real province servers (bench/hub.py, bench/app_server.py): each
serves the publication it approved to the hub's token, and every server is stopped
when the benchmark fails inside them, its whole process group with it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench import app_server
from bench.hub import province_servers
from data_layer.input.snapshot import signature_of
from tests.conftest import Templates

TOKEN = "bench-token-0123456789abcdef-p01"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A child reaped by nobody yet is a zombie: it has stopped all the same.
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state == "Z"


def test_stop_ends_the_servers_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, time\n"
        "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(marker)!r}, 'w').write(str(c.pid))\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        while not marker.exists() or not marker.read_text():
            assert proc.poll() is None
            time.sleep(0.05)
        child = int(marker.read_text())
        assert not _gone(child)
    finally:
        app_server.stop(proc)
    assert proc.returncode is not None
    # stop() returns once the group's leader is gone; its child got the same signal
    # (waited for as a condition; a child left running fails the test).
    for _ in range(600):
        if _gone(child):
            break
        time.sleep(0.05)
    assert _gone(child)


def test_a_province_server_serves_its_publication_and_stops_when_the_bench_fails(
    tmp_path: Path, templates: Templates
) -> None:
    template = templates.sqlite_file("seeded_url")
    seen: dict[str, str] = {}
    with (
        pytest.raises(RuntimeError, match="the bench failed"),
        province_servers({"p01": TOKEN}, tmp_path / "servers", template) as addresses,
    ):
        seen.update(addresses)
        request = urllib.request.Request(
            addresses["p01"] + "/api/national/snapshot",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = answer.read()
            assert answer.status == 200
            assert answer.headers["X-Snapshot-Signature"] == signature_of(TOKEN, body)
        assert b'"code":"p01"' in body and b'"version":1' in body
        raise RuntimeError("the bench failed")
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(seen["p01"] + "/api/health", timeout=5)
