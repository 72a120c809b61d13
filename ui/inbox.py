"""«کارتابل» for the menu and its page: one person's items, cached per data version."""

from __future__ import annotations

from datetime import date

from data_layer import clock
from data_layer.db import read_session
from data_layer.models import Role
from data_layer.permissions import Reader, Scope
from data_layer.queries.inbox import InboxItem, failed_messages, inbox_items
from ui.cache import loader

HAS_INBOX = (Role.AGENCY_EDITOR.value, Role.SECRETARIAT.value)


@loader()
def work_items(
    url: str, scope: Scope, role: str, agency_id: int | None, today: date, version: int
) -> list[InboxItem]:
    """The items of a role (and agency) on a day: the same for every liaison of an agency."""
    with read_session(url) as s:
        return inbox_items(s, role=role, agency_id=agency_id, today=today)


def items_for(url: str, reader: Reader, version: int) -> list[InboxItem]:
    """Everything due from this reader now (nothing for a reader without an inbox)."""
    actor = reader.actor
    if actor is None or actor.role not in HAS_INBOX:
        return []
    items = work_items(url, reader.scope, actor.role, actor.agency_id, clock.today(), version)
    if actor.role == Role.SECRETARIAT:
        with read_session(url) as s:  # the outbox moves no data version: read it live
            items = failed_messages(s) + items
    return items
