"""A real app server and Debian's Chromium for the journeys."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.app_server import running_app
from tests.conftest import Templates

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test (under xdist, each module of them runs on one
    worker: see pytest_xdist_make_scheduler in tests/conftest.py)."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (Playwright cannot download browsers here)."""
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *flags],
    }


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory, templates: Templates) -> Iterator[str]:
    """`streamlit run launcher.py` on a free port against a fresh embedded database
    holding the sample province (a copy of this worker's seeded template: what the
    server would seed on start, without seeding it again)."""
    db = templates.copy("seeded_url", tmp_path_factory.mktemp("app") / "dashboard.db")
    with running_app(db, tmp_path_factory.getbasetemp() / "app-server.log") as url:
        yield url


class _Runs:
    """What a page's websocket says about script runs: the runs this page asked for (a
    load, a widget, a form, a menu click) and whether the last one has finished.

    The browser asks for a run in a message it sends; the server ends every run with a
    `script_finished` message. Waiting on those is waiting on the run itself, not on how
    long it usually takes: a page just opened or clicked may not have started its run
    yet, with its old elements still on screen.
    """

    def __init__(self, page: Page) -> None:
        self.ws: WebSocket | None = None
        self.opened = 0  # websockets this page has opened (one per load)
        self.asked = 0  # runs this page has asked for
        self.finished = False  # a whole run has finished on the current websocket
        self.pending: str | None = None  # "full" or "fragment": a run asked for, not done
        self.session_id = ""  # Streamlit's id for this browser session
        page.on("websocket", self._opened)

    def mark(self) -> tuple[int, int]:
        """Where things stand before an action (see wait_for_app's `after`)."""
        return self.opened, self.asked

    def _opened(self, ws: WebSocket) -> None:
        if "/_stcore/stream" not in ws.url:
            return
        self.ws, self.finished, self.pending = ws, False, None
        self.opened += 1
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    def _sent(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            msg = BackMsg.FromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                self.asked += 1
                self.pending = "fragment" if msg.rerun_script.fragment_id else "full"

    def _received(self, payload: bytes | str) -> None:
        if not isinstance(payload, bytes):
            return
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        status = msg.script_finished if kind == "script_finished" else None
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
        elif status in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
            self.finished, self.pending = True, None
        elif status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY and self.pending == "fragment":
            self.pending = None

    def settled(self, after: tuple[int, int] | None) -> bool:
        """The websocket is open and has run the script, no run asked for is due and,
        with `after`, the page has loaded again or asked for a run since that mark."""
        moved = after is None or self.opened > after[0] or self.asked > after[1]
        live = self.ws is not None and not self.ws.is_closed()
        return moved and live and self.finished and not self.pending


RUNS: WeakKeyDictionary[Page, _Runs] = WeakKeyDictionary()


def _watching(new_page: Callable[..., Page]) -> Callable[..., Page]:
    def new_watched_page(self: object, *args: Any, **kwargs: Any) -> Page:
        page = new_page(self, *args, **kwargs)
        RUNS[page] = _Runs(page)
        return page

    return new_watched_page


@pytest.fixture(scope="session", autouse=True)
def _watch_every_page() -> Iterator[None]:
    """Every page a browser test opens reports its script runs to wait_for_app."""
    patch = pytest.MonkeyPatch()
    for cls in (Browser, BrowserContext):
        patch.setattr(cls, "new_page", _watching(cls.new_page))
    yield
    patch.undo()


def runs(page: Page) -> _Runs:
    """The script runs of a page (every page the tests open is watched)."""
    found = RUNS.get(page)
    assert found is not None, "pages come from browser.new_page or context.new_page"
    return found


def wait_for_app(page: Any, timeout: float = 90_000, after: tuple[int, int] | None = None) -> None:
    """Until the run the page last asked for has finished and nothing stale is drawn.

    With `after` (runs(page).mark() taken before an action that loads the page or
    asks for a run), until a run asked for since then has finished.
    """
    watched = runs(page)
    deadline = time.monotonic() + timeout / 1000
    while not watched.settled(after):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page's script run did not finish ({page.url})")
        page.wait_for_timeout(25)  # lets Playwright deliver the websocket's messages
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
    page.wait_for_function(
        "document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
        timeout=timeout,
    )
    page.evaluate("document.fonts.ready")
    # A deep link Streamlit could not resolve opens a "Page not found" dialog.
    dialogs = page.locator("[role='dialog']").all_inner_texts()
    assert not any("not found" in d.lower() for d in dialogs), dialogs


def screenshot_path(name: str) -> Path:
    """Where a screenshot goes: test-artifacts/, or SCREENSHOT_DIR (make screenshots)."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ARTIFACTS)
    if not folder.is_absolute():
        folder = ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
