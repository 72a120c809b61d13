"""Bulk reissue: the administrator gives several people new one-time passwords at once,
hashed before the transaction; their sessions end; a stale choice writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from data_layer import auth
from data_layer.auth import one_time_passwords, verify_password
from data_layer.commands.accounts import reissue_passwords
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, PermissionDenied, SessionExpired
from data_layer.models import HistoryEntry, Role, User
from data_layer.permissions import Actor


def _actor(url: str, username: str) -> Actor:
    with read_session(url) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return auth.actor_of(user)


def _liaisons(url: str, count: int) -> list[User]:
    with read_session(url) as s:
        return list(
            s.exec(
                select(User)
                .where(User.role == Role.AGENCY_EDITOR.value, col(User.active).is_(True))
                .order_by(col(User.id))
                .limit(count)
            ).all()
        )


def test_one_time_passwords_report_progress_and_verify() -> None:
    seen: list[tuple[int, int]] = []
    made = one_time_passwords(5, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 5) for n in range(1, 6)]
    assert len({p for p, _ in made}) == 5
    assert all(verify_password(h, p) for p, h in made)
    assert all(auth.needs_rehash(h) for _, h in made)  # first sign-in makes it full strength


def test_reissue_gives_new_passwords_and_ends_their_sessions(seeded_url: str) -> None:
    people = _liaisons(seeded_url, 3)
    tokens = [
        auth.sign_in_url(seeded_url, username=u.username, password=auth.SAMPLE_PASSWORD)[1]
        for u in people[:1]
    ]
    passwords = one_time_passwords(len(people))
    admin = _actor(seeded_url, "admin")
    with write_session(seeded_url) as s:
        made = reissue_passwords(
            s, actor=admin, people={u.id: u.version for u in people}, passwords=passwords
        )
    assert [a.username for a in made] == [u.username for u in people]
    assert all(a.agency for a in made)  # each sheet names its agency
    with pytest.raises(SessionExpired):
        auth.resolve_session_url(seeded_url, token=tokens[0])
    with read_session(seeded_url) as s:
        for person, (plain, _) in zip(people, passwords, strict=True):
            now = s.get(User, person.id)
            assert now is not None and now.must_change_password
            assert verify_password(now.password_hash, plain)
            assert not verify_password(now.password_hash, auth.SAMPLE_PASSWORD)
        resets = s.exec(select(HistoryEntry).where(HistoryEntry.field == "password_reset")).all()
    assert {r.entity_id for r in resets} >= {u.id for u in people}


def test_a_stale_choice_or_a_non_admin_writes_nothing(seeded_url: str) -> None:
    people = _liaisons(seeded_url, 2)
    passwords = one_time_passwords(2)
    stale = {people[0].id: people[0].version, people[1].id: people[1].version - 1}
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        reissue_passwords(s, actor=_actor(seeded_url, "admin"), people=stale, passwords=passwords)
    with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
        fresh = {u.id: u.version for u in people}
        reissue_passwords(s, actor=_actor(seeded_url, "dabir"), people=fresh, passwords=passwords)
    with read_session(seeded_url) as s:
        for person in people:
            now = s.get(User, person.id)
            assert now is not None and now.password_hash == person.password_hash
