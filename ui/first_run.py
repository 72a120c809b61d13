"""Whether the database still waits for its first-run setup (read once it is done)."""

from __future__ import annotations

from data_layer.db import read_session
from data_layer.setup import needs_setup

_done: set[str] = set()  # databases this process has seen set up (setup is never undone)


def setup_done(url: str) -> bool:
    """True once the database has an account; a query per run only until then."""
    if url in _done:
        return True
    with read_session(url) as s:
        if needs_setup(s):
            return False
    _done.add(url)
    return True
