"""Settings, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "dashboard.db"

# What the app puts into an empty database when it starts.
SEED_CHOICES = ("sample", "minutes", "none")


@dataclass(frozen=True)
class Settings:
    """Process-wide settings; every field comes from one environment variable."""

    database_url: str
    seed_on_start: str
    sqlite_busy_timeout_ms: int
    lock_timeout_ms: int  # PostgreSQL: how long a statement waits for a row lock
    # Peers whose X-Forwarded-For / X-Real-IP name the client (the shipped nginx runs on
    # the same host): addresses or networks, comma-separated in TRUSTED_PROXIES.
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")

    @property
    def is_sqlite(self) -> bool:
        """True when the store is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def default_database_url() -> str:
    """The embedded default: a SQLite file under data/ (git-ignored)."""
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_database_url(url: str) -> str:
    """Let people write postgres:// or postgresql:// and still get psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def get_settings() -> Settings:
    """Read the settings from the environment (cheap; call where needed)."""
    seed = os.environ.get("SEED_ON_START", "sample").strip().lower()
    if seed not in SEED_CHOICES:
        raise ValueError(f"SEED_ON_START must be one of {SEED_CHOICES}, not {seed!r}")
    return Settings(
        database_url=normalise_database_url(
            os.environ.get("DATABASE_URL", "").strip() or default_database_url()
        ),
        seed_on_start=seed,
        sqlite_busy_timeout_ms=int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000")),
        lock_timeout_ms=int(os.environ.get("DB_LOCK_TIMEOUT_MS", "10000")),
        trusted_proxies=tuple(
            p.strip()
            for p in os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
            if p.strip()
        ),
    )
