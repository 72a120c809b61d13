"""A real server and Debian's Chromium: the server's memory per session, and time to headline.

memory: `streamlit run launcher.py` against the dataset; browser contexts (one per person)
are opened one after another on the overview and left open; once each shows the
headline figures (`.kpis`) the server's resident memory (VmRSS of the process and
its children, from /proc) is read after 1 and after all sessions.

time to headline: from page.goto to `.kpis` visible, a new browser context each
time, median of several after one warm-up; against a second server that runs
bench/one_line.py (one st.write), timed until its line is visible. The two are
measured alternately so that noise on the machine falls on both.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.app_server import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The same flags as tests/browser/conftest.py.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HEADLINE = ".kpis"
ONE_LINE = "[data-testid='stMarkdownContainer']:has-text('one line')"
APP_ERROR = "[data-testid='stException']"
TIMEOUT_MS = 300_000
VIEWPORT = {"width": 1366, "height": 768}


@contextmanager
def server(script: str, env: dict[str, str], log_path: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run script` on a free port; yields (base URL, pid) once healthy."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                # Others edit the code while this runs: never reload modules mid-run.
                "--server.fileWatcherType",
                "none",
                "--server.runOnSave",
                "false",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, timeout=180)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces; the parent pid follows its closing ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mib(pid: int) -> float:
    """VmRSS of a process and all its descendants, MiB."""
    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        total += _status_kb(p, "VmRSS")
        todo.extend(_children(p))
    return total / 1024


def _time_until(page: Any, url: str, selector: str) -> float:
    """Seconds from navigation start until the selector is visible (an app error raises)."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_selector(f"{selector}, {APP_ERROR}", state="visible", timeout=TIMEOUT_MS)
    took = time.perf_counter() - start
    if page.locator(APP_ERROR).count():
        raise RuntimeError(f"{url}: {page.locator(APP_ERROR).first.inner_text()[:300]}")
    return took


def _fresh_visit(browser: Any, url: str, selector: str) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        return _time_until(context.new_page(), url, selector)
    finally:
        context.close()


def measure(
    db_url: str,
    sessions: int,
    samples: int,
    log_dir: Path,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Server RSS after 1 and after `sessions` open sessions; time to headline vs one line."""
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    env = {"DATABASE_URL": db_url, "SEED_ON_START": "none"}
    out: dict[str, Any] = {"sessions": sessions}
    with (
        server("launcher.py", env, log_dir / "app-server.log") as (app_url, app_pid),
        server("bench/one_line.py", env, log_dir / "one-line-server.log") as (line_url, _),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        out["rss_idle"] = rss_mib(app_pid)
        # 1. Memory: sessions opened one after another and left open.
        contexts = []
        for i in range(sessions):
            context = browser.new_context(viewport=VIEWPORT)
            contexts.append(context)
            took = _time_until(context.new_page(), app_url + "/", HEADLINE)
            if i == 0:
                out["first_visit"] = took  # a fresh server: empty cache, first imports
                time.sleep(1)
                out["rss_1"] = rss_mib(app_pid)
        time.sleep(2)
        out["rss_n"] = rss_mib(app_pid)
        out["rss_peak"] = _status_kb(app_pid, "VmHWM") / 1024
        log(
            f"    server RSS: idle {out['rss_idle']:.0f} MiB, 1 session {out['rss_1']:.0f} MiB,"
            f" {sessions} sessions {out['rss_n']:.0f} MiB"
        )
        for context in contexts:
            context.close()
        # 2. Time to headline, alternating with the one-line page.
        _fresh_visit(browser, app_url + "/", HEADLINE)
        _fresh_visit(browser, line_url + "/", ONE_LINE)
        overview, one_line = [], []
        for _ in range(samples):
            overview.append(_fresh_visit(browser, app_url + "/", HEADLINE))
            one_line.append(_fresh_visit(browser, line_url + "/", ONE_LINE))
        browser.close()
    out["headline"] = statistics.median(overview)
    out["one_line"] = statistics.median(one_line)
    out["headline_samples"] = overview
    out["one_line_samples"] = one_line
    log(f"    to headline {out['headline']:.2f} s, one-line page {out['one_line']:.2f} s")
    return out


# --- every page, against the one-line page ---------------------------------------------

# What "the page's figures" are on each screen: the element a person came for.
FIGURES = {
    "overview": ("", ".kpis", None),
    "resolutions": ("resolutions", "table.matrix", None),
    "projector": ("projector", ".pcover", None),
    "coverage": ("coverage", "table.coverage", None),
    "gaps": ("gaps", "[data-testid='stDataFrame']", None),
    "reports": ("reports", "table.reports", None),
    "meetings": ("meetings", "[data-testid='stDataFrame']", None),
    "my_agency": ("my_agency", "[data-testid='stDataFrame']", "agency02"),
    "verification": ("verification", ".side-by-side, [data-testid='stAlert']", "dabir"),
}


def _signed_in_context(browser: Any, base: str, username: str | None) -> Any:
    """A new browser context (a new person), signed in through the form if asked."""
    from data_layer.auth import SAMPLE_PASSWORD

    context = browser.new_context(viewport=VIEWPORT)
    if username:
        page = context.new_page()
        page.goto(f"{base}/sign_in", timeout=TIMEOUT_MS)
        page.get_by_label("نام کاربری").fill(username, timeout=TIMEOUT_MS)
        page.get_by_label("گذرواژه").fill(SAMPLE_PASSWORD)
        page.get_by_role("button", name="ورود").click()
        page.get_by_role("link", name="حساب من").wait_for(timeout=TIMEOUT_MS)
        page.close()
    return context


def _visit(browser: Any, base: str, name: str) -> float:
    path, selector, user = FIGURES[name]
    context = _signed_in_context(browser, base, user)
    try:
        return _time_until(context.new_page(), f"{base}/{path}", selector)
    finally:
        context.close()


def every_page(
    db_url: str, samples: int, log_dir: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    """For each page: the first visit on a freshly started server, then the median of
    `samples` visits (each a new person) alternated with the one-line page's."""
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    env = {"DATABASE_URL": db_url, "SEED_ON_START": "none"}
    out: dict[str, Any] = {}
    with (
        server("bench/one_line.py", env, log_dir / "one-line-server.log") as (line_url, _),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        _fresh_visit(browser, line_url + "/", ONE_LINE)  # the browser's own first start
        for name in FIGURES:
            with server("launcher.py", env, log_dir / f"app-{name}.log") as (app_url, _):
                first = _visit(browser, app_url, name)
                warm, line = [], []
                for _ in range(samples):
                    warm.append(_visit(browser, app_url, name))
                    line.append(_fresh_visit(browser, line_url + "/", ONE_LINE))
            out[name] = {
                "first": first,
                "warm": statistics.median(warm),
                "one_line": statistics.median(line),
                "warm_samples": warm,
                "one_line_samples": line,
            }
            log(
                f"    {name}: first visit {first:.2f} s, then {out[name]['warm']:.2f} s;"
                f" one line {out[name]['one_line']:.2f} s"
            )
        browser.close()
    return out
