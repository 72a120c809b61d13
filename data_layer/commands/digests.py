"""The daily digests: who gets one today and what it says (a read), then one short
write that queues them all with the day's marker; and the secretariat's settings.

At most one digest per person, channel and day (the outbox key); none before the
secretariat's hour (Tehran time), on Fridays or listed holidays, or when nothing is
due; only to confirmed channels. The day's marker makes later passes skip the day,
and a clock moved backwards finds its day already decided.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from data_layer import clock
from data_layer.commands.messages import queue_messages
from data_layer.commands.settings import store_setting
from data_layer.config import public_url
from data_layer.documents.digest import digest_email, digest_sms
from data_layer.errors import FieldError, ValidationError
from data_layer.jalali import from_jalali, to_ascii_digits, to_fa_digits
from data_layer.models import AppSetting, Role, User, utcnow
from data_layer.models_messages import ChannelKind, ContactChannel
from data_layer.permissions import Action, Actor, require
from data_layer.queries.digests import (
    ALLOWED,
    HOLIDAYS_KEY,
    HOUR_KEY,
    LAST_DAY_KEY,
    PLACEHOLDERS,
    SMS_LIMIT,
    TEMPLATES_KEY,
    DigestSettings,
    get_digest_settings,
    is_quiet_day,
    last_decided_day,
    placeholders_in,
)
from data_layer.queries.inbox import (
    DUE_DAYS_KEY,
    MAX_DUE_DAYS,
    InboxItem,
    agencies_items,
    failed_messages,
    secretariat_items,
    things_due,
)

_log = logging.getLogger("dashboard.digests")
SHORTEST_SMS = "{count} کار: {link}"


@dataclass(frozen=True)
class Planned:
    """One digest to queue."""

    user_id: int
    channel: str
    address: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Plan:
    """Today's decision: the day, whether it is a day to send, and the digests."""

    day: date
    why_not: str  # "" when digests go today
    digests: tuple[Planned, ...] = ()


def plan_digests(session: Session, now: datetime) -> Plan:
    """Who gets a digest today and what it says (reads only)."""
    day = clock.local_day(now)
    settings = get_digest_settings(session)
    last = last_decided_day(session)
    if last is not None and last >= day:
        return Plan(day, "already decided")
    if now.astimezone(clock.LOCAL_TZ).hour < settings.hour:
        return Plan(day, "before the hour")
    if is_quiet_day(day, settings.holidays):
        return Plan(day, "a quiet day")
    people = session.execute(
        select(
            col(User.id), col(User.full_name), col(User.role), col(User.agency_id),
            col(ContactChannel.kind), col(ContactChannel.address),
        )
        .join(ContactChannel, col(ContactChannel.user_id) == col(User.id))
        .where(
            col(User.active).is_(True),
            col(User.role).in_([Role.AGENCY_EDITOR.value, Role.SECRETARIAT.value]),
            col(ContactChannel.confirmed_at).is_not(None),
        )
        .order_by(col(User.id), col(ContactChannel.kind))
    ).all()  # fmt: skip
    # One inbox per agency (and one for the secretariat), whoever many liaisons it has.
    agencies = sorted({int(a) for _, _, r, a, _, _ in people if r == Role.AGENCY_EDITOR and a})
    of_agency = agencies_items(session, agencies, day)
    secretariat: list[InboxItem] | None = None
    digests = []
    for user_id, name, role, agency_id, kind, address in people:
        if role == Role.SECRETARIAT:
            if secretariat is None:
                secretariat = failed_messages(session) + secretariat_items(session, day)
            items = secretariat
        else:
            items = of_agency.get(int(agency_id or 0), [])
        planned = (
            _compose(settings, int(user_id), name, kind, address, items, day) if items else None
        )
        if planned is not None:
            digests.append(planned)
    return Plan(day, "", tuple(digests))


def _compose(
    settings: DigestSettings,
    user_id: int,
    name: str,
    kind: str,
    address: str,
    items: Sequence[InboxItem],
    day: date,
) -> Planned | None:
    base = public_url()
    if kind == ChannelKind.SMS.value:
        # The wording was checked against the public address when saved; should that
        # address have grown since, the shortest wording goes, else no SMS (logged).
        for wording in (settings, replace(settings, templates={"sms": SHORTEST_SMS})):
            try:
                text = digest_sms(wording, name=name, count=things_due(items), day=day, base=base)
            except ValueError:
                continue
            return Planned(user_id, kind, address, "", text, "")
        _log.warning("no SMS digest for user %s: APP_PUBLIC_URL is too long for 134", user_id)
        return None
    mail = digest_email(settings, name=name, items=items, day=day, base=base)
    return Planned(user_id, kind, address, mail.subject, mail.text, mail.html)


def queue_digests(session: Session, plan: Plan, now: datetime) -> int:
    """Queue a plan's digests and mark its day decided, in one transaction; how many were
    queued (a day another pass decided meanwhile queues nothing)."""
    last = last_decided_day(session)
    if last is not None and last >= plan.day:
        return 0
    queued = queue_messages(
        session,
        [
            {
                "dedupe_key": f"digest/{d.user_id}/{plan.day.isoformat()}/{d.channel}",
                "kind": "digest",
                "day": plan.day,
                "channel": d.channel,
                "address": d.address,
                "user_id": d.user_id,
                "subject": d.subject,
                "body_text": d.text,
                "body_html": d.html,
            }
            for d in plan.digests
        ],
        now=now,
    )
    session.merge(AppSetting(key=LAST_DAY_KEY, value=json.dumps(plan.day.isoformat())))
    return queued


# --- the secretariat's settings ---------------------------------------------------------


def template_problems(name: str, text: str) -> list[FieldError]:
    """Why a template cannot be saved: an unknown or unnamed placeholder, a brace that
    does not close, an SMS without its link or too long to fit."""
    label = {"subject": "عنوان ایمیل", "intro": "آغاز ایمیل", "sms": "متن پیامک"}[name]
    try:
        used = placeholders_in(text)
    except ValueError:
        return [FieldError(name, f"«{label}»: آکولادها ({{ }}) جفت نیستند.")]
    problems = []
    unknown = sorted({u for u in used if u not in ALLOWED[name]})
    if unknown:
        known = "، ".join("{" + p + "}" for p in sorted(ALLOWED[name]))
        wrong = "، ".join("{" + u + "}" for u in unknown)
        problems.append(
            FieldError(name, f"«{label}»: جای‌نمای ناشناختهٔ {wrong}؛ جای‌نماهای مجاز: {known}.")
        )
    if not text.strip():
        problems.append(FieldError(name, f"«{label}» خالی است."))
    if name == "sms" and not unknown:
        if "link" not in used:
            problems.append(
                FieldError(name, "«متن پیامک» باید پیوند کارتابل، {link}، را داشته باشد.")
            )
        sample = text.format_map(
            {"name": "", "count": "۱۲۳", "date": "۱۴۰۵/۱۲/۲۹", "link": public_url() + "/inbox"}
        )
        if len(sample) > SMS_LIMIT:
            problems.append(
                FieldError(
                    name,
                    f"«متن پیامک» با پیوند کارتابل {to_fa_digits(len(sample))} نویسه می‌شود؛"
                    f" بیش از {to_fa_digits(SMS_LIMIT)} نویسه (دو پیامک فارسی) نباشد.",
                )
            )
    return problems


def set_digest_templates(session: Session, *, actor: Actor, templates: dict[str, str]) -> None:
    """Save the wording; a template with an unknown placeholder is refused now, not when sent."""
    require(session, actor, Action.MANAGE_SETTINGS)
    problems = [p for name, text in templates.items() for p in template_problems(name, text)]
    if problems:
        raise ValidationError(problems)
    merged = {**get_digest_settings(session).templates, **templates}
    store_setting(session, actor, TEMPLATES_KEY, json.dumps(merged, ensure_ascii=False), utcnow())


def parse_holidays(text: str) -> list[str]:
    """Lines of "MM/DD" (every year) or "YYYY/MM/DD" (one day), any digits; anything
    after the date on a line is the holiday's name and is not kept."""
    found, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        head = to_ascii_digits(line).strip().split(" ")[0] if line.strip() else ""
        if not head:
            continue
        parts = head.split("/")
        try:
            numbers = [int(p) for p in parts]
            if len(numbers) == 2:
                from_jalali(1403, numbers[0], numbers[1])  # a leap year: 12/30 exists
                found.append(f"{numbers[0]:02d}/{numbers[1]:02d}")
            elif len(numbers) == 3:
                from_jalali(*numbers)
                found.append(f"{numbers[0]}/{numbers[1]:02d}/{numbers[2]:02d}")
            else:
                raise ValueError(head)
        except ValueError:
            problems.append(
                FieldError(
                    "holidays",
                    f"سطر {to_fa_digits(n)}: «{line.strip()}» تاریخ نیست؛"
                    " به شکل ۰۱/۱۳ (هر سال) یا ۱۴۰۵/۰۱/۱۳ (یک روز) بنویسید.",
                )
            )
    if problems:
        raise ValidationError(problems)
    return sorted(set(found))


def set_digest_schedule(
    session: Session, *, actor: Actor, hour: int, holidays_text: str, due_days: int | None = None
) -> None:
    """The hour (0-23, Tehran time), the holidays the digest keeps quiet on, and how many
    days ahead a row counts as due in the inbox."""
    require(session, actor, Action.MANAGE_SETTINGS)
    problems = []
    if not 0 <= hour <= 23:
        problems.append(FieldError("hour", "ساعت ارسال باید میان ۰ و ۲۳ باشد."))
    if due_days is not None and not 0 <= due_days <= MAX_DUE_DAYS:
        problems.append(
            FieldError(
                "due_days",
                f"روزهای پیش از سررسید باید میان ۰ و {to_fa_digits(MAX_DUE_DAYS)} باشد.",
            )
        )
    holidays: list[str] = []
    try:
        holidays = parse_holidays(holidays_text)
    except ValidationError as e:
        problems += e.errors
    if problems:
        raise ValidationError(problems)
    store_setting(session, actor, HOUR_KEY, json.dumps(hour), utcnow())
    store_setting(session, actor, HOLIDAYS_KEY, json.dumps(holidays), utcnow())
    if due_days is not None:
        store_setting(session, actor, DUE_DAYS_KEY, json.dumps(due_days), utcnow())


__all__ = [
    "PLACEHOLDERS",
    "Plan",
    "Planned",
    "parse_holidays",
    "plan_digests",
    "queue_digests",
    "set_digest_schedule",
    "set_digest_templates",
    "template_problems",
]
