"""Settings, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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


# --- messages beyond the app: email over SMTP, SMS through an HTTP gateway ---------------

SMTP_SECURITY = ("starttls", "tls", "none")
SMS_PROVIDERS = ("kavenegar", "webhook")


@dataclass(frozen=True)
class MailSettings:
    """SMTP: the password comes from the environment only, never the database or a page."""

    host: str
    port: int
    security: str  # starttls | tls | none
    user: str
    password: str
    sender: str  # the From address
    timeout_s: float

    @property
    def configured(self) -> bool:
        """True when email can be sent."""
        return bool(self.host and self.sender)


@dataclass(frozen=True)
class SmsSettings:
    """The SMS gateway: Kavenegar's REST API or a generic JSON webhook; the key from the
    environment only."""

    provider: str  # kavenegar | webhook | "" (none)
    url: str  # the gateway's base URL (Kavenegar: https://api.kavenegar.com)
    api_key: str
    sender: str  # the line number messages go out from
    timeout_s: float

    @property
    def configured(self) -> bool:
        """True when SMS can be sent."""
        return bool(self.provider and self.url)


def mail_settings() -> MailSettings:
    """SMTP_HOST, SMTP_PORT, SMTP_SECURITY, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_TIMEOUT."""
    security = os.environ.get("SMTP_SECURITY", "starttls").strip().lower()
    if security not in SMTP_SECURITY:
        raise ValueError(f"SMTP_SECURITY must be one of {SMTP_SECURITY}, not {security!r}")
    default_port = {"starttls": "587", "tls": "465", "none": "25"}[security]
    return MailSettings(
        host=os.environ.get("SMTP_HOST", "").strip(),
        port=int(os.environ.get("SMTP_PORT", "").strip() or default_port),
        security=security,
        user=os.environ.get("SMTP_USER", "").strip(),
        password=os.environ.get("SMTP_PASSWORD", ""),
        sender=os.environ.get("SMTP_FROM", "").strip(),
        timeout_s=float(os.environ.get("SMTP_TIMEOUT", "20")),
    )


def sms_settings() -> SmsSettings:
    """SMS_PROVIDER, SMS_URL, SMS_API_KEY, SMS_SENDER, SMS_TIMEOUT."""
    provider = os.environ.get("SMS_PROVIDER", "").strip().lower()
    if provider and provider not in SMS_PROVIDERS:
        raise ValueError(f"SMS_PROVIDER must be one of {SMS_PROVIDERS}, not {provider!r}")
    default_url = "https://api.kavenegar.com" if provider == "kavenegar" else ""
    return SmsSettings(
        provider=provider,
        url=os.environ.get("SMS_URL", "").strip().rstrip("/") or default_url,
        api_key=os.environ.get("SMS_API_KEY", ""),
        sender=os.environ.get("SMS_SENDER", "").strip(),
        timeout_s=float(os.environ.get("SMS_TIMEOUT", "15")),
    )


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def is_loopback(address: str) -> bool:
    """True for an address only this machine can open (localhost, 127.x, ::1)."""
    host = (urlsplit(address).hostname or "").lower()
    return host in _LOOPBACK_HOSTS or host.startswith("127.")


def sign_in_address(typed: str, request_url: str = "") -> str:
    """The sign-in address printed for people on other machines: what the administrator
    typed, else the configured public address (APP_PUBLIC_URL), else the address the page
    was opened at, but never a default that only the server itself can open. "" when
    none is known (the sheet then says so)."""
    if typed.strip():
        return typed.strip()  # the administrator's own word
    configured = os.environ.get("APP_PUBLIC_URL", "").strip()
    for candidate in (configured, request_url.strip()):
        parts = urlsplit(candidate)
        if parts.scheme in ("http", "https") and parts.netloc and not is_loopback(candidate):
            return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"
    return ""


def public_url() -> str:
    """The address people open the dashboard at (APP_PUBLIC_URL), for links in messages."""
    return os.environ.get("APP_PUBLIC_URL", "http://localhost:8501").strip().rstrip("/")


# --- the national hub: the same code started with APP_MODE=hub ----------------------------

APP_MODES = ("province", "hub")
MAX_SNAPSHOT_BYTES = 20 * 1024 * 1024  # the agreed format's limit on one body


def app_mode() -> str:
    """APP_MODE: "province" (an installation of one province, the default) or "hub" (the
    national hub that holds what provinces publish)."""
    mode = os.environ.get("APP_MODE", "province").strip().lower() or "province"
    if mode not in APP_MODES:
        raise ValueError(f"APP_MODE must be one of {APP_MODES}, not {mode!r}")
    return mode


def is_hub() -> bool:
    """True when this process runs the national hub."""
    return app_mode() == "hub"


@dataclass(frozen=True)
class HubSettings:
    """The hub's pull and its tokens: the key lives in the environment only, never the
    database (a province's token is derived from it and a salt the database keeps)."""

    token_key: str  # HUB_TOKEN_KEY
    max_body_bytes: int  # HUB_MAX_SNAPSHOT_BYTES
    pull_timeout_s: float  # HUB_PULL_TIMEOUT: one request to a province
    pull_attempts: int  # HUB_PULL_ATTEMPTS: tries per province per run
    pull_backoff_s: float  # HUB_PULL_BACKOFF: the wait after the first failure, doubled after each

    @property
    def can_derive_tokens(self) -> bool:
        """True when provinces can be registered (and pulled)."""
        return len(self.token_key) >= 16


def hub_settings() -> HubSettings:
    """HUB_TOKEN_KEY, HUB_MAX_SNAPSHOT_BYTES, HUB_PULL_TIMEOUT, HUB_PULL_ATTEMPTS and
    HUB_PULL_BACKOFF."""
    return HubSettings(
        token_key=os.environ.get("HUB_TOKEN_KEY", "").strip(),
        max_body_bytes=int(os.environ.get("HUB_MAX_SNAPSHOT_BYTES", str(MAX_SNAPSHOT_BYTES))),
        pull_timeout_s=float(os.environ.get("HUB_PULL_TIMEOUT", "30")),
        pull_attempts=max(1, int(os.environ.get("HUB_PULL_ATTEMPTS", "3"))),
        pull_backoff_s=float(os.environ.get("HUB_PULL_BACKOFF", "5")),
    )
