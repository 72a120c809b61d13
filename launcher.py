"""The server: Streamlit runs app.py, beside the product's own routes (sign-in and
sign-out, kiosk links, the health check, the data feeds).

    streamlit run launcher.py

Streamlit would serve a deep link such as /my_agency through its old pages-folder
mode, without app.py around it, whenever a pages/ folder sits next to the script
(PagesManager.uses_pages_directory). This module runs once, before any session,
and switches that off, so every page runs inside app.py (menu, theme, sign-in).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from data_layer import sender
from data_layer.bootstrap import prepare_database
from data_layer.config import get_settings, is_hub
from data_layer.setup import setup_code
from ui import warmer
from ui.run import on_script_error
from web.routes import MIDDLEWARE_CLASSES, routes

PagesManager.uses_pages_directory = False


@asynccontextmanager
async def prepared(_: object) -> AsyncIterator[None]:
    """Migrate (and seed, as SEED_ON_START says) before the first request, so the
    server's own routes find the tables too. A database that is not reachable yet
    does not stop the server: the health route says 503 and app.py tries again.
    On a database with no account yet, the first-run setup code is printed here."""
    try:
        await run_in_threadpool(prepare_database)
        # A database with no account: print the first-run setup code into the log now.
        await run_in_threadpool(setup_code, get_settings().database_url)
    except Exception as e:
        logging.getLogger("dashboard").error("the database could not be prepared: %s", e)
    # What the first visitors read is computed now and after every change, not by them
    # (a province's shared pages; the national hub has none of them).
    if not is_hub():
        warmer.start(get_settings().database_url)
    # The outbox's sender (one at a time across replicas: see data_layer/sender.py).
    if sender.runs_in_server():
        sender.start(get_settings().database_url)
    yield
    sender.stop(get_settings().database_url)
    warmer.stop(get_settings().database_url)


app = st.App(
    "app.py",
    lifespan=prepared,
    routes=routes(cache_ready=warmer.ready),
    middleware=[Middleware(cls) for cls in MIDDLEWARE_CLASSES],
    on_script_error=on_script_error,
)
