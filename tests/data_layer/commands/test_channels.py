"""A person's email and mobile: one form for every way a number is typed, a code sent
through the outbox, a limited number of tries, nothing when the channel is not set up."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from data_layer.commands.channels import CODE_TRIES, add_channel, confirm_channel
from data_layer.db import read_session, write_session
from data_layer.errors import UserFacingError, ValidationError
from data_layer.input.contact import normalise_email, normalise_mobile
from data_layer.models import Role
from data_layer.models_messages import OutboxMessage
from data_layer.queries.channels import channels_of
from data_layer.queries.messages import confirmed_channels
from tests.data_layer.commands import add_user


@pytest.mark.parametrize(
    "typed",
    [
        "09121234567",
        "+989121234567",
        "00989121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "0912 123 4567",
        "+98 912-123-4567",
        "989121234567",
    ],
)
def test_every_usual_way_of_typing_a_mobile_gives_one_form(typed: str) -> None:
    assert normalise_mobile(typed) == "09121234567"


@pytest.mark.parametrize(
    "typed", ["", "021-88776655", "0912123456", "091212345678", "+44 7700 900123", "۰۹۱۲abc۴۵۶۷"]
)
def test_anything_else_is_refused_in_persian(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalise_mobile(typed)
    assert "شمارهٔ همراه" in refused.value.errors[0].message


def test_an_email_keeps_its_local_part_and_lowers_its_domain() -> None:
    assert normalise_email(" Rabet.Ali@Ostan.GOV.ir ") == "Rabet.Ali@ostan.gov.ir"
    for bad in ("rabet", "rabet@", "rabet@ostan", "ر@ostan.ir", "a b@ostan.ir"):
        with pytest.raises(ValidationError):
            normalise_email(bad)


@pytest.fixture
def smtp_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_FROM", "dabir@ostan.example")


def _code(url: str) -> str:
    with read_session(url) as s:
        body = s.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()  # type: ignore[union-attr]
        assert body is not None
        return re.search(r"\((\d{6})\)", body.body_text).group(1)  # type: ignore[union-attr]


def test_a_code_goes_through_the_outbox_and_confirms_the_address(
    db_url: str, smtp_configured: None
) -> None:
    with write_session(db_url) as s:
        me = add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        add_channel(s, actor=me, kind="email", typed="Dabir@Ostan.example")
    code = _code(db_url)
    with read_session(db_url) as s:
        assert channels_of(s, me.user_id)["email"].confirmed is False
        assert confirmed_channels(s)["email"].tolist() == [""]
    with write_session(db_url) as s:
        fa_code = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        assert confirm_channel(s, actor=me, kind="email", code=fa_code).confirmed
    with read_session(db_url) as s:
        assert confirmed_channels(s)["email"].tolist() == ["Dabir@ostan.example"]


def test_wrong_codes_use_up_the_tries_and_each_try_is_kept(
    db_url: str, smtp_configured: None
) -> None:
    with write_session(db_url) as s:
        me = add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        add_channel(s, actor=me, kind="email", typed="dabir@ostan.example")
    code = _code(db_url)
    wrong = "000000" if code != "000000" else "111111"
    for left in range(CODE_TRIES - 1, -1, -1):
        with write_session(db_url) as s:
            result = confirm_channel(s, actor=me, kind="email", code=wrong)
        assert (result.confirmed, result.tries_left) == (False, left)
    with write_session(db_url) as s, pytest.raises(UserFacingError, match="کد تازه"):
        confirm_channel(s, actor=me, kind="email", code=code)  # even the right one, now
    with read_session(db_url) as s:
        assert not channels_of(s, me.user_id)["email"].confirmed


def test_a_channel_that_is_not_set_up_is_refused_and_nothing_is_kept(db_url: str) -> None:
    with write_session(db_url) as s:
        me = add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
    with write_session(db_url) as s, pytest.raises(UserFacingError, match="پیکربندی نشده"):
        add_channel(s, actor=me, kind="sms", typed="09121234567")
    with read_session(db_url) as s:
        assert channels_of(s, me.user_id) == {}
        assert s.exec(select(OutboxMessage)).all() == []


def test_a_sent_code_is_not_kept_in_the_outbox(db_url: str, smtp_configured: None) -> None:
    from data_layer.config import MailSettings
    from data_layer.sender import Transports, send_due
    from data_layer.transport.email import send_email
    from tests.servers import smtp_server

    with write_session(db_url) as s:
        me = add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        add_channel(s, actor=me, kind="email", typed="dabir@ostan.example")
    code = _code(db_url)
    with smtp_server() as (port, box):
        settings = MailSettings("127.0.0.1", port, "none", "", "", "dabir@ostan.example", 5.0)
        send_due(db_url, transports=Transports(email=lambda m: send_email(settings, m)))
    assert code in box.messages[0].get_content()
    with read_session(db_url) as s:
        kept = s.exec(select(OutboxMessage)).one()
    assert kept.state == "sent" and code not in kept.body_text
