"""How a message leaves the server: email over SMTP, SMS through an HTTP gateway.

Each transport takes an `Outgoing` and returns the provider's id for it, or raises
`SendFailure` with the reason in Persian (for the administrator's «پیام‌ها») and
whether trying again could help.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    """One message as it goes out."""

    to: str
    subject: str
    text: str
    html: str = ""
    copy_to: str = ""
    attachment: bytes | None = None
    attachment_name: str = ""


class SendFailure(Exception):
    """The message did not go: `reason` in Persian; `permanent` when retrying cannot help
    (a refused address or number)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
