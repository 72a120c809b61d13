"""Keep what every session reads computed before anybody asks for it.

One thread per server process: at start, and whenever the data version or the day
changes, it calls the shared loaders (ui.loaders, ui.coverage_view) with what a first
visit asks for, so their entries for the new version are in the cache when a person
opens the page. The pages call the very same functions, so nothing is computed twice.
A failure (the database busy or gone) is logged and tried again at the next look.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date

from data_layer.db import read_data_version, read_session
from data_layer.jalali import local_today

LOOK_SECONDS = 1.0  # how often the version is read (one tiny query)
_log = logging.getLogger("dashboard.warmer")
_started: dict[str, tuple[threading.Event, threading.Thread]] = {}
_warmed: set[str] = set()  # databases whose first pass is over
_last: dict[str, int] = {}  # the data version each database was last warmed for
_changed = threading.Condition()
_lock = threading.Lock()


def warm(url: str, today: date, version: int) -> None:
    """Compute the first-visit entries of every shared page for this version."""
    # Imported at the first pass, not when the launcher imports this module: a cached
    # loader defined before Streamlit's runtime exists logs a warning (each of them).
    from data_layer.models import Role
    from data_layer.permissions import PROVINCE
    from data_layer.setup import needs_setup
    from ui import coverage_view, loaders
    from ui.inbox import work_items

    with read_session(url) as s:
        if needs_setup(s):  # nobody can read anything before the first-run setup
            return
    # Every reader reads the whole province today; a county's reader computes its own.
    scope = PROVINCE
    if loaders.meetings(url, scope, today, version)[0].empty:
        return  # a province that has not held a meeting yet: the pages say so themselves
    jobs: list[tuple[str, Callable[[], object]]] = [
        ("overview", lambda: loaders.overview(url, scope, today, version)),
        ("projector", lambda: loaders.projector(url, scope, today, None, version)),
        ("coverage", lambda: coverage_view.view(url, scope, (), (), None, None, version)),
        ("gaps", lambda: loaders.gaps(url, scope, version)),
        # The secretariat's inbox (its menu's count on every page) reads every row.
        ("inbox", lambda: work_items(url, scope, Role.SECRETARIAT.value, None, today, version)),
    ]
    started = time.perf_counter()
    for name, job in jobs:
        try:
            job()
        except Exception:  # logged; the page computes it itself if this failed
            _log.exception("warming %s failed", name)
    _log.info("data version %d warmed in %.1f s", version, time.perf_counter() - started)


def _watch(url: str, stop: threading.Event) -> None:
    seen: tuple[int, date] | None = None
    while not stop.is_set():
        try:
            now = (read_data_version(url), local_today())
        except Exception as exc:  # the database is not there yet: look again later
            _log.warning("the warmer could not read the data version: %s", exc)
            now = None
        if now is not None and now != seen:
            try:
                warm(url, now[1], now[0])
            except Exception as exc:  # e.g. the database went away mid-way
                _log.warning("warming stopped: %s", exc)
            else:
                seen = now
            with _changed:
                _warmed.add(url)
                if seen is not None:
                    _last[url] = seen[0]
                _changed.notify_all()
        stop.wait(LOOK_SECONDS)


def ready(url: str) -> bool:
    """False while this process's warmer has not finished its first pass (the health
    check keeps the replica out of the proxy until then)."""
    return url not in _started or url in _warmed


def wait_warmed(url: str, version: int, timeout: float) -> bool:
    """Block until the warmer has warmed `version` (or a later one) of a database."""
    with _changed:
        return _changed.wait_for(lambda: _last.get(url, -1) >= version, timeout)


class _NoContextWarning(logging.Filter):
    """Streamlit warns that a thread outside a script run has no script context; the
    warmer's thread never has one, by design (it draws nothing)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName == _THREAD and "ScriptRunContext" in record.getMessage())


_THREAD = "cache-warmer"
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    _NoContextWarning()
)


def start(url: str) -> None:
    """Start this process's warmer for a database (once)."""
    import ui.run  # noqa: F401  (gives the "dashboard" log its handler)

    with _lock:
        if url in _started:
            return
        stop_event = threading.Event()
        thread = threading.Thread(target=_watch, args=(url, stop_event), name=_THREAD, daemon=True)
        _started[url] = (stop_event, thread)
    thread.start()


def stop(url: str, wait: float = 5.0) -> None:
    """Stop the warmer of a database (waiting up to `wait` seconds for a pass in
    progress) and forget what it warmed: ready() is true again, as for no warmer."""
    with _lock:
        got = _started.pop(url, None)
    if got is not None:
        got[0].set()
        got[1].join(wait)
    with _changed:
        _warmed.discard(url)
        _last.pop(url, None)
