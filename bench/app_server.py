"""The app itself on a free local port (`streamlit run launcher.py`), for the browser
journeys (tests/browser/conftest.py) and the benchmarks that need real servers
(bench/hub.py's province servers). The server runs in a process group of its own, so
stopping it stops whatever it started too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A port nothing listens on now (the OS's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Until the server's health check answers 200 (or it exits, or `timeout` passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"the app server at {url} did not become healthy")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def start(
    database_url: str, log_path: Path, seed: str = "sample", env: dict[str, str] | None = None
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start a server (not waiting for it): its address and its process."""
    port = free_port()
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SEED_ON_START": seed,
        "APP_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "launcher.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return f"http://127.0.0.1:{port}", proc


@contextmanager
def running_app(
    database_url: str, log_path: Path, seed: str = "sample", env: dict[str, str] | None = None
) -> Iterator[str]:
    """A real app server on a free port for a database (with `env` added to its
    environment; its links in messages point at itself); stopped on exit."""
    url, proc = start(database_url, log_path, seed, env)
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop(proc)
