"""Names of agencies learned from the minutes: remembered when the secretariat matches
an owner name by hand and ticks «به خاطر سپرده شود», forgotten from the registry.

A learned name belongs to one agency (one row per match key). It is never given to
an agency that was retired or merged, nor taken from an active agency that has it;
a name of an agency that has left moves to the agency chosen now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.commands.common import flush_unique, load
from data_layer.commands.history import History
from data_layer.errors import FieldError, ValidationError
from data_layer.models import Agency, utcnow
from data_layer.models_aliases import AgencyAlias
from data_layer.permissions import Action, Actor, require
from data_layer.text import match_key, tidy

__all__ = ["forget_learned_name", "remember_names"]

ALIAS_LIMIT = 500
_GONE = "این نام دیگر در فهرست نام‌های آموخته نیست؛ صفحه را تازه کنید."


def _refuse(message: str) -> ValidationError:
    return ValidationError([FieldError("owners", message)])


def _remember(session: Session, history: History, text: str, agency_id: int) -> None:
    """One name for one agency (see the module); refuses in Persian."""
    alias, key = tidy(text), match_key(text)
    agency = session.get(Agency, agency_id)
    if agency is None or not agency.active:
        raise _refuse(
            f"«{alias}» به خاطر سپرده نشد: دستگاهی که برای آن انتخاب شد دیگر فعال نیست؛"
            " دستگاه کنونی را انتخاب کنید."
        )
    if not key or len(alias) > ALIAS_LIMIT:
        raise _refuse(f"«{alias[:60]}» را نمی‌توان نام دستگاه به خاطر سپرد (خالی یا بسیار بلند).")
    if key in {match_key(agency.name), match_key(agency.short_name)}:
        return  # its own name: nothing to learn
    found = session.execute(
        select(AgencyAlias).where(col(AgencyAlias.match_key) == key).with_for_update()
    ).scalar_one_or_none()
    if found is not None and found.agency_id == agency_id:
        return
    if found is not None:
        owner = session.get(Agency, found.agency_id)
        if owner is not None and owner.active:
            raise _refuse(
                f"«{alias}» پیش‌تر نام «{owner.short_name}» به خاطر سپرده شده است و به"
                f" «{agency.short_name}» داده نمی‌شود؛ اگر نام دستگاه دیگری است، نخست آن را"
                " در «دستگاه‌ها» از نام‌های آموختهٔ آن بردارید."
            )
        history.add("agency_alias", found.id, "agency_id", found.agency_id, agency_id)
        found.agency_id, found.alias = agency_id, alias
        found.added_by_id, found.added_at = history.actor.user_id, history.now
        return
    row = AgencyAlias(
        agency_id=agency_id,
        alias=alias,
        match_key=key,
        added_by_id=history.actor.user_id,
        added_at=history.now,
    )
    session.add(row)
    flush_unique(session, "owners", f"«{alias}» هم‌اکنون برای دستگاه دیگری به خاطر سپرده شد.")
    history.add("agency_alias", row.id, "created", None, f"{agency_id}: {alias}")


def remember_names(
    session: Session,
    *,
    actor: Actor,
    names: Iterable[tuple[str, int]],
    now: datetime | None = None,
) -> None:
    """Remember each (owner name as written, agency id) as a learned name of that agency."""
    require(session, actor, Action.MANAGE_MEETINGS)
    history = History(session, actor, now or utcnow())
    for text, agency_id in dict.fromkeys(names):
        _remember(session, history, text, agency_id)
    session.flush()


def forget_learned_name(
    session: Session, *, actor: Actor, alias_id: int, now: datetime | None = None
) -> str:
    """Remove a learned name (the registry's «برداشتن»); the name removed."""
    require(session, actor, Action.MANAGE_AGENCIES)
    row = load(session, AgencyAlias, alias_id, _GONE, lock=True)
    History(session, actor, now or utcnow()).add(
        "agency_alias", row.id, "removed", f"{row.agency_id}: {row.alias}", None
    )
    session.delete(row)
    session.flush()
    return row.alias
