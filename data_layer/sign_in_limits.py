"""How often sign-in may be tried: per client address and per typed username.

One address that fails again and again waits a little longer before each next try
(a short, growing delay, never a long lock), so a flood from it gets a few tries a
minute. A username that failed MAX_FAILED_SIGN_INS times within the window is
guarded: only addresses that have hardly failed themselves may still try it. So a
stranger who hammers someone's name shuts out only himself, and the owner, from
his own browser, still signs in with the right password; while guessing at one
name needs a fresh address for every few guesses.

A username that does not exist is counted and guarded exactly like one that does
(its row is keyed by a hash of what was typed), so the answers list no names.
The checks read two rows and take no lock; a failure is written in a short
transaction of its own (no password is hashed inside it).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import case, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from data_layer.models import SignInThrottle

__all__ = [
    "ADDRESS_FREE_FAILURES",
    "GUARD_ADDRESS_FAILURES",
    "MAX_DELAY",
    "MAX_FAILED_SIGN_INS",
    "WINDOW",
    "address_delay",
    "forget_name",
    "record_failure",
    "refused_until",
]

# Failures are forgotten this long after a subject's last one.
WINDOW = timedelta(minutes=15)
# An address may fail this often freely; then it waits 1 s, 2 s, 4 s … MAX_DELAY.
ADDRESS_FREE_FAILURES = 5
MAX_DELAY = timedelta(seconds=60)
# A username that failed this often (from anywhere) is guarded for WINDOW …
MAX_FAILED_SIGN_INS = 5
# … and may then be tried only from addresses with fewer failures than this.
GUARD_ADDRESS_FAILURES = 3
# Keep so much of one unknown client address (a proxy may send something long).
_ADDRESS_CHARS = 64
# Rows that no longer count, pruned with each failure at most this many at a time.
_PRUNE = 100


def address_key(address: str) -> str:
    """The row of a client address ("a:" and the address, or "a:?" when unknown)."""
    return "a:" + (address.strip()[:_ADDRESS_CHARS] or "?")


def name_key(username: str) -> str:
    """The row of a (normalised) typed username: a hash, never the text typed."""
    return "n:" + hashlib.sha256(username.encode("utf-8")).hexdigest()[:64]


def address_delay(failures: int) -> timedelta:
    """How long an address waits after its `failures`-th failure in the window."""
    if failures < ADDRESS_FREE_FAILURES:
        return timedelta(0)
    steps = min(failures - ADDRESS_FREE_FAILURES, 16)
    return min(timedelta(seconds=2**steps), MAX_DELAY)


def _recent(row: SignInThrottle | None, now: datetime) -> int:
    """The failures of a row that still count at `now`."""
    if row is None or now - row.last_failure_at >= WINDOW:
        return 0
    return row.failures


def refused_until(
    session: Session, *, address: str, username: str, now: datetime
) -> datetime | None:
    """Until when an attempt from `address` on `username` is refused unchecked; None
    when it may be checked. Reads two rows, locks nothing."""
    keys = (address_key(address), name_key(username))
    found = session.exec(select(SignInThrottle).where(col(SignInThrottle.subject).in_(keys)))
    rows = {r.subject: r for r in found}
    here, name = rows.get(keys[0]), rows.get(keys[1])
    from_here = _recent(here, now)
    if here is not None and from_here:
        waits_until = here.last_failure_at + address_delay(from_here)
        if waits_until > now:
            return waits_until
    if _recent(name, now) >= MAX_FAILED_SIGN_INS and from_here >= GUARD_ADDRESS_FAILURES:
        assert name is not None
        return name.last_failure_at + WINDOW
    return None


def _count(session: Session, subject: str, now: datetime) -> None:
    """One more failure of a subject (from one if its last is out of the window)."""
    table = SignInThrottle.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).values(subject=subject, failures=1, last_failure_at=now)
    stale = table.c.last_failure_at <= now - WINDOW
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.subject],
            set_={
                "failures": case((stale, 1), else_=table.c.failures + 1),
                "last_failure_at": stmt.excluded.last_failure_at,
            },
        )
    )


def record_failure(session: Session, *, address: str, username: str, now: datetime) -> None:
    """Count a failed attempt against its address and its username; rows that no
    longer count are pruned on the way (an index on the time keeps it cheap)."""
    _count(session, address_key(address), now)
    _count(session, name_key(username), now)
    # A few rows at a time, skipping any another attempt holds (no waiting, no deadlock).
    old = (
        select(SignInThrottle.subject)
        .where(col(SignInThrottle.last_failure_at) < now - WINDOW - MAX_DELAY)
        .limit(_PRUNE)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(SignInThrottle).where(col(SignInThrottle.subject).in_(old)))


def forget_name(session: Session, username: str) -> None:
    """The right password (or an administrator's reset) clears a username's failures."""
    session.execute(delete(SignInThrottle).where(col(SignInThrottle.subject) == name_key(username)))
