"""The province's link to the national hub, set by the administrator: the province's
code (an ascii slug) and Persian name, the hub's address and the token the hub gave.

The token signs every snapshot (HMAC) and opens the pull endpoint, so it is kept as
it is (not hashed); it is never written to history or shown whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from data_layer import clock
from data_layer.commands.history import History
from data_layer.commands.settings import store_setting, unchanged
from data_layer.input.check import Check
from data_layer.models import AppSetting
from data_layer.permissions import Action, Actor, require

__all__ = ["LINK_LABELS", "NationalLink", "get_link", "mask", "set_link"]

LINK_KEY = "national_link"
TOKEN_KEY = "national_token"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOKEN = re.compile(r"^[\x21-\x7e]{16,200}$")  # printable ascii, no spaces
LINK_LABELS = {
    "code": "کد لاتین استان",
    "name": "نام استان",
    "hub_url": "نشانی مرکز ملی",
    "token": "کلید استان در مرکز ملی",
}


@dataclass(frozen=True)
class NationalLink:
    """What the administrator set (empty strings where nothing is set yet)."""

    code: str = ""
    name: str = ""
    hub_url: str = ""
    token: str = ""

    @property
    def can_publish(self) -> bool:
        """A publication names its province: the code and the name are set."""
        return bool(self.code and self.name)

    @property
    def token_shown(self) -> str:
        """The token as a person may see it."""
        return mask(self.token)

    def public(self) -> tuple[str, str, str, str]:
        """What a form compares to refuse a stale save (the token masked)."""
        return (self.code, self.name, self.hub_url, self.token_shown)


def mask(token: str) -> str:
    """The last four characters of a token, the rest hidden ("—" when none is set)."""
    if not token:
        return "—"
    return "•" * 8 + token[-4:]


def get_link(session: Session) -> NationalLink:
    """The stored link (empty fields where nothing is set)."""
    row = session.get(AppSetting, LINK_KEY)
    stored = json.loads(row.value) if row is not None else {}
    token = session.get(AppSetting, TOKEN_KEY)
    return NationalLink(
        code=str(stored.get("code", "")),
        name=str(stored.get("name", "")),
        hub_url=str(stored.get("hub_url", "")),
        token=token.value if token is not None else "",
    )


def _hub_url(check: Check, value: object) -> str:
    text = check.text("hub_url", value, limit=300)
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        check.add(
            "hub_url",
            "«نشانی مرکز ملی» باید نشانی کامل وب باشد، مانند https://hub.example.ir (بدون ?).",
        )
    return text.rstrip("/")


def set_link(
    session: Session,
    *,
    actor: Actor,
    code: object,
    name: object,
    hub_url: object,
    token: object = None,
    expected: NationalLink | None = None,
    now: datetime | None = None,
) -> NationalLink:
    """Store the link; `token` None or blank keeps the stored one. With `expected` (what
    the form showed), a link changed since is refused."""
    require(session, actor, Action.MANAGE_NATIONAL_LINK)
    now = now or clock.now()
    current = get_link(session)
    unchanged(current.public(), expected.public() if expected else None, "پیوند مرکز ملی")
    check = Check(LINK_LABELS)
    slug = check.text("code", value=code, limit=40, required=True).lower()
    if slug and not SLUG.match(slug):
        check.add(
            "code",
            "«کد لاتین استان» فقط حروف کوچک لاتین، رقم و خط تیره دارد، مانند khuzestan.",
        )
    persian = check.text("name", name, limit=80, required=True)
    address = _hub_url(check, hub_url)
    new_token = "" if token is None else str(token).strip()
    if new_token and not TOKEN.match(new_token):
        check.add(
            "token",
            "«کلید استان» را همان‌گونه که مرکز ملی داده است وارد کنید"
            " (۱۶ تا ۲۰۰ نویسهٔ لاتین، بی‌فاصله).",
        )
    check.raise_if_any()
    link = {"code": slug, "name": persian, "hub_url": address}
    store_setting(
        session, actor, LINK_KEY, json.dumps(link, ensure_ascii=False, sort_keys=True), now
    )
    if new_token and new_token != current.token:
        row = session.get(AppSetting, TOKEN_KEY) or AppSetting(key=TOKEN_KEY, value="")
        row.value, row.updated_at, row.updated_by_id = new_token, now, actor.user_id
        session.add(row)
        # History names the change, never the token itself.
        History(session, actor, now).add(
            "setting", 0, TOKEN_KEY, mask(current.token), mask(new_token)
        )
        session.flush()
    return NationalLink(**{**link, "token": new_token or current.token})
