"""A ladder letter by email, received by a real SMTP server: the PDF attached, the chair
in copy at the last step, once per address; the register keeps channel, message id
and delivery state."""

from __future__ import annotations

import pytest
from sqlmodel import select

from data_layer.commands.letter_mail import email_letter
from data_layer.commands.letters import issue_letters, plan_letters
from data_layer.config import MailSettings
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, ValidationError
from data_layer.models import Letter, User
from data_layer.permissions import Actor
from data_layer.queries.ladder import due_today
from data_layer.queries.messages import last_letter_addresses, letter_deliveries
from data_layer.sender import Transports, send_due
from data_layer.transport.email import send_email
from tests.conftest import AS_OF
from tests.servers import smtp_server


@pytest.fixture(autouse=True)
def smtp_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_FROM", "dabir@ostan.example")


def _dabir(url: str) -> Actor:
    with read_session(url) as s:
        u = s.exec(select(User).where(User.username == "dabir")).one()
        return Actor(int(u.id or 0), u.username, u.full_name, u.role, u.agency_id)


def _a_letter_at_the_last_step(url: str) -> int:
    dabir = _dabir(url)
    with write_session(url) as s:
        first = int(due_today(s, AS_OF)["agency_id"].iloc[0])
        plans = plan_letters(s, today=AS_OF, agency_ids=[first])
        [letter] = issue_letters(s, actor=dabir, plans=plans, today=AS_OF)
        letter.step = 3  # as if two reminders went unanswered
        s.add(letter)
        return int(letter.id or 0)


def test_the_last_steps_letter_goes_with_its_pdf_and_the_chair_in_copy(seeded_url: str) -> None:
    letter_id = _a_letter_at_the_last_step(seeded_url)
    dabir = _dabir(seeded_url)
    with write_session(seeded_url) as s, pytest.raises(ValidationError) as refused:
        email_letter(s, actor=dabir, letter_id=letter_id, to="head@edu.example")
    assert "رونوشت به رئیس کارگروه" in refused.value.errors[0].message
    with write_session(seeded_url) as s:
        email_letter(
            s, actor=dabir, letter_id=letter_id, to="Head@EDU.example", chair="chair@ostan.example"
        )
    with write_session(seeded_url) as s, pytest.raises(ConflictError):
        email_letter(
            s, actor=dabir, letter_id=letter_id, to="head@edu.example", chair="chair@ostan.example"
        )
    with smtp_server() as (port, box):
        settings = MailSettings("127.0.0.1", port, "none", "", "", "dabir@ostan.example", 5.0)
        sent = send_due(seeded_url, transports=Transports(email=lambda m: send_email(settings, m)))
        assert sent.sent == 1
    [mail] = box.messages
    assert box.recipients[0] == ["Head@edu.example", "chair@ostan.example"]
    assert mail["Subject"].startswith("نامهٔ شمارهٔ") and "رئیس کارگروه" in mail["Subject"]
    [pdf] = list(mail.iter_attachments())
    with read_session(seeded_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter is not None and pdf.get_content() == letter.pdf
        register = letter_deliveries(s)[letter_id]
        assert register["state"] == "sent" and register["message_id"] == mail["Message-ID"]
        assert last_letter_addresses(s, letter.agency_id) == (
            "Head@edu.example",
            "chair@ostan.example",
        )
