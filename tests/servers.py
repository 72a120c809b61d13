"""Real servers in the place of the outside world: an SMTP server (aiosmtpd) that keeps
and parses what it receives, and an HTTP server in an SMS gateway's place that records
each request and answers as scripted (errors, slowness)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received, parsed; `hold` (when set) keeps the server from
    answering a message until it is released: the sender waits between send and mark."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    hold: threading.Event | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        self.arrived.set()
        while self.hold is not None and not self.hold.is_set():
            time.sleep(0.01)  # only this server's own loop waits
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages one address received."""
        return [
            m for m, rcpt in zip(self.messages, self.recipients, strict=True) if address in rcpt
        ]


@contextmanager
def smtp_server(password: str | None = None) -> Iterator[tuple[int, Mailbox]]:
    """An SMTP server on localhost: (port, mailbox). With `password`, it requires AUTH
    and accepts only user "dabir" with that password."""
    box = Mailbox()

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"dabir",
            (password or "").encode(),
        )
        return AuthResult(success=ok, handled=False)

    port = free_port()
    kwargs: dict[str, Any] = {}
    if password is not None:
        kwargs = {"authenticator": authenticate, "auth_require_tls": False, "auth_required": True}
    controller = Controller(box, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port, box
    finally:
        if box.hold is not None:
            box.hold.set()
        controller.stop()


@dataclass
class Gateway:
    """An SMS gateway's place: each request kept; answers taken from `script` in turn
    (status, JSON body, seconds to wait first), then `default`."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    script: list[tuple[int, Any, float]] = field(default_factory=list)
    default: tuple[int, Any, float] = (200, None, 0.0)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def kavenegar_ok(message_id: int) -> dict[str, Any]:
    """Kavenegar's answer to a message it accepted."""
    return {
        "return": {"status": 200, "message": "تایید شد"},
        "entries": [{"messageid": message_id, "status": 1, "receptor": "09120000000"}],
    }


def kavenegar_error(status: int) -> tuple[int, Any, float]:
    """Kavenegar's answer with one of its documented statuses."""
    return status, {"return": {"status": status, "message": "خطا"}, "entries": None}, 0.0


@contextmanager
def sms_gateway() -> Iterator[Gateway]:
    """The gateway on localhost, recording every request."""
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            kind = self.headers.get("Content-Type", "")
            body = json.loads(raw) if "json" in kind else dict(urllib.parse.parse_qsl(raw.decode()))
            gateway.requests.append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization", "")}
            )
            status, answer, wait = gateway.script.pop(0) if gateway.script else gateway.default
            time.sleep(wait)
            data = json.dumps(answer, ensure_ascii=False).encode() if answer is not None else b""
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the slow case)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
