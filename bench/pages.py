"""Server-side time of one script run of each page, with Streamlit's AppTest.

cold: st.cache_data.clear() and a new AppTest (a new browser session on an empty
cache); warm: a second run of the same AppTest (the same session, cache filled).
The "floor" is a script with a single st.write, run the same way: the cost of a
Streamlit script run itself, which no page can go below.

Pages are measured round-robin (one round = every page once), so noise on the
shared machine falls on all pages alike; the first round is a warm-up and is
thrown away (imports, the app's cache_resource, the database's own caches).
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 600  # seconds; a page at L may be slow, but it must finish
FLOOR_SCRIPT = 'import streamlit as st\nst.write("x")\n'


@dataclass(frozen=True)
class Page:
    """A page to time: its name, its file, who must be signed in (None: anonymous)."""

    name: str
    path: str | None  # None: the one-line floor script
    user: str | None = None
    query: tuple[tuple[str, str], ...] = ()  # the address's query, e.g. (("id", "1"),)


PAGES = (
    Page("floor", None),
    Page("overview", "pages/overview.py"),
    Page("resolutions", "pages/resolutions.py"),
    Page("projector", "pages/projector.py"),
    Page("coverage", "pages/coverage.py"),
    Page("gaps", "pages/gaps.py"),
    Page("reports", "pages/reports.py"),
    Page("meetings", "pages/meetings.py"),
    Page("my_agency", "pages/my_agency.py", user="agency02"),
    Page("verification", "pages/verification.py", user="dabir"),
    Page("inbox", "pages/inbox.py", user="agency02"),
    Page("inbox_secretariat", "pages/inbox.py", user="dabir"),
    Page("dossier", "pages/dossier.py", query=(("id", "1"),)),
)


_COOKIES: dict[str, str] = {}


def _sign_in(at: AppTest, username: str) -> None:
    """Sign in as the server's sign-in route does: a session, and its cookie in the
    browser (AppTest cannot send cookies, so the one function reading them is pointed
    at this process's own jar)."""
    import os

    import ui.session
    from data_layer import auth

    _, token = auth.sign_in_url(
        os.environ["DATABASE_URL"], username=username, password=auth.SAMPLE_PASSWORD
    )
    _COOKIES[auth.SESSION_COOKIE] = token
    ui.session.request_cookies = lambda: dict(_COOKIES)  # type: ignore[assignment]
    at.run()
    _check(at, f"sign-in as {username}")


def _check(at: AppTest, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what}: {[e.message for e in at.exception]}")


def _timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _open(page: Page) -> AppTest:
    """A new AppTest on an empty cache, signed in if the page needs it, not yet on the page."""
    st.cache_data.clear()
    if page.path is None:
        return AppTest.from_string(FLOOR_SCRIPT, default_timeout=TIMEOUT)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if page.user:
        _sign_in(at, page.user)
        st.cache_data.clear()  # signing in landed on the overview: empty the cache again
    # Before the first run AppTest finds a page by file name; ours match their url_path.
    for name, value in page.query:
        at.query_params[name] = value
    at.switch_page(page.path)
    return at


def one_round(page: Page) -> tuple[float, float]:
    """(cold, warm) seconds of one script run of the page."""
    at = _open(page)
    cold = _timed(at.run)
    _check(at, f"{page.name} (cold)")
    warm = _timed(at.run)
    _check(at, f"{page.name} (warm)")
    return cold, warm


def time_pages(repeat: int, log: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Median cold and warm seconds of every page over `repeat` rounds (after a warm-up)."""
    samples: dict[str, dict[str, list[float]]] = {p.name: {"cold": [], "warm": []} for p in PAGES}
    errors: dict[str, str] = {}
    for round_no in range(repeat + 1):
        started = time.perf_counter()
        for page in PAGES:
            try:
                cold, warm = one_round(page)
            except Exception as exc:  # e.g. a page someone is editing right now
                errors[page.name] = str(exc)[:300]
                log(f"    {page.name} failed: {errors[page.name]}")
                continue
            if round_no > 0:
                samples[page.name]["cold"].append(cold)
                samples[page.name]["warm"].append(warm)
        label = "warm-up" if round_no == 0 else f"round {round_no}/{repeat}"
        log(f"    pages {label}: {time.perf_counter() - started:.1f} s")
    return {
        name: {
            "cold": statistics.median(s["cold"]) if s["cold"] else None,
            "warm": statistics.median(s["warm"]) if s["warm"] else None,
            "cold_samples": s["cold"],
            "warm_samples": s["warm"],
            "error": errors.get(name),
        }
        for name, s in samples.items()
    }


# --- where a cold run spends its time ---------------------------------------------------

SCRIPT_THREAD = "ScriptRunner.scriptThread"  # streamlit's name for it
_SKIP = ("<module>", "<lambda>", "<listcomp>", "<dictcomp>", "<genexpr>")
_WRAPPERS = {"read_session", "write_session", "_timed"}


def _project_file(filename: str) -> str | None:
    """'data_layer/queries/overview.py' for a file of ours, else None."""
    try:
        rel = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    top = rel.parts[0] if rel.parts else ""
    if top in {"data_layer", "ui", "pages"}:
        return rel.as_posix()
    return None


def hot_spots(page: Page, top: int = 6) -> list[tuple[str, float]]:
    """The project functions a cold run of the page spends most time in (cumulative).

    AppTest runs the script in its own thread; cProfile is switched on inside that
    thread (and no other) by a one-shot threading profile hook. Times are inflated by profiling,
    so only their order and relative size mean anything.
    """
    at = _open(page)
    prof = cProfile.Profile()

    def hook(*_args: Any) -> None:
        sys.setprofile(None)
        # One cProfile object follows one thread only; others (e.g. the spinner's
        # timer) would scramble its call stack.
        if threading.current_thread().name == SCRIPT_THREAD:
            prof.enable()  # from now on, the script's thread is profiled

    threading.setprofile(hook)
    try:
        at.run()
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    _check(at, f"{page.name} (profiled)")
    total = 0.0
    rows: list[tuple[str, float]] = []
    stats = pstats.Stats(prof)
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = _project_file(filename)
        if where is None or func in _SKIP or func in _WRAPPERS:
            if where is not None and func == "<module>" and where.startswith("pages/"):
                total = max(total, ct)
            continue
        rows.append((f"{where.removesuffix('.py').replace('/', '.')}.{func}", ct))
    rows.sort(key=lambda r: r[1], reverse=True)
    # As a share of the page script's own time, so profiling overhead cancels out.
    if total <= 0:
        total = rows[0][1] if rows else 1.0
    return [(name, ct / total) for name, ct in rows[:top]]
