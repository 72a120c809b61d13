"""A ladder letter by email: its PDF attached, the working group's chair in copy at the
last step, queued in the outbox once per letter and address; the register shows the
channel, the message id and the delivery state beside the printed route."""

from __future__ import annotations

from sqlmodel import Session

from data_layer import clock
from data_layer.commands.history import History
from data_layer.commands.messages import queue_message
from data_layer.config import mail_settings
from data_layer.documents.letters import letter_file_name
from data_layer.errors import ConflictError, FieldError, NotFound, UserFacingError, ValidationError
from data_layer.input.contact import normalise_email
from data_layer.models import Agency, Letter
from data_layer.models_messages import ChannelKind
from data_layer.permissions import Action, Actor, require
from data_layer.queries.ladder import STEP_TITLES, letter_number
from data_layer.queries.profile import get_profile

LAST_STEP = 3


def _address(typed: str, field: str) -> str:
    try:
        return normalise_email(typed)
    except ValidationError as e:
        raise ValidationError([FieldError(field, e.errors[0].message)]) from None


def email_letter(
    session: Session, *, actor: Actor, letter_id: int, to: str, chair: str = ""
) -> str:
    """Queue the letter to `to` (and `chair` in copy at the last step); the address used."""
    require(session, actor, Action.MANAGE_MEETINGS)
    if not mail_settings().configured:
        raise UserFacingError("ارسال ایمیل در این سامانه پیکربندی نشده است؛ نامه را چاپی بفرستید.")
    letter = session.get(Letter, letter_id)
    if letter is None or letter.id is None:
        raise NotFound("این نامه دیگر در دفتر نیست.")
    address = _address(to, "to")
    copy = ""
    if letter.step == LAST_STEP:
        if not chair.strip():
            raise ValidationError(
                [
                    FieldError(
                        "chair", "نامهٔ گام سوم با رونوشت به رئیس کارگروه است؛ نشانی او را بنویسید."
                    )
                ]
            )
        copy = _address(chair, "chair")
    number = letter_number(letter.year, letter.serial)
    agency = session.get(Agency, letter.agency_id)
    if agency is None:
        raise NotFound("دستگاه این نامه دیگر در سامانه نیست.")
    profile = get_profile(session)
    now = clock.now()
    queued = queue_message(
        session,
        key=f"letter/{letter.id}/email/{address.lower()}",
        kind="letter",
        day=clock.local_day(now),
        channel=ChannelKind.EMAIL.value,
        address=address,
        copy_to=copy,
        subject=f"نامهٔ شمارهٔ {number} — {STEP_TITLES[letter.step]}",
        body_text=(
            f"{letter.addressee}\nبا سلام و احترام،\nنامهٔ شمارهٔ {number}"
            f" ({STEP_TITLES[letter.step]}) از {profile.governorate}، دبیرخانهٔ"
            f" {profile.group_name}، پیوست است.\nمهلت پاسخ در متن نامه آمده است."
        ),
        attachment=letter.pdf,
        attachment_name=letter_file_name(f"{letter.year}/{letter.serial}", agency.short_name),
        letter_id=letter.id,
        user_id=None,
        now=now,
    )
    if not queued:
        raise ConflictError(f"این نامه پیش‌تر برای {address} در صف ارسال گذاشته شده است.")
    History(session, actor, now).add("letter", letter.id, "email", None, address)
    return address
