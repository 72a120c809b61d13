"""The hub keeps each snapshot's body in hub_snapshot_body (migration 0020), apart from
the summary the national page reads: the bodies a hub held before are moved there
byte for byte, and going back puts them back."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from data_layer.commands.hub import receive_snapshot, register_province
from data_layer.db import dispose_engine, get_engine, read_session, write_session
from data_layer.input.snapshot import signature_of
from data_layer.migrate import alembic_config
from data_layer.models import Role
from data_layer.queries.hub import provinces_latest, snapshot_content
from tests.data_layer.commands import add_user
from tests.hub_snapshots import body

KEY = "a-test-key-of-the-national-hub-0123456789"


def _hub_with_two_versions(url: str, monkeypatch: pytest.MonkeyPatch) -> dict[int, bytes]:
    """Khuzestan registered and two of its versions received; the bodies sent, by version."""
    monkeypatch.setenv("HUB_TOKEN_KEY", KEY)
    with write_session(url) as s:
        admin = add_user(s, "hubadmin", "مدیر سامانهٔ ملی", Role.ADMIN.value)
        _, token = register_province(s, actor=admin, code="khuzestan", name="خوزستان")
    sent = {v: body(version=v) for v in (1, 2)}
    for payload in sent.values():
        result = receive_snapshot(
            url, token=token, signature=signature_of(token, payload), body=payload
        )
        assert result.status == 201, result.message
    return sent


def _columns(url: str, table: str) -> set[str]:
    with get_engine(url).connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_a_received_body_is_kept_apart_from_its_summary_byte_for_byte(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _hub_with_two_versions(db_url, monkeypatch)
    assert "body" not in _columns(db_url, "hub_snapshot")
    with get_engine(db_url).connect() as conn:
        kept = dict(
            conn.execute(
                text(
                    "SELECT s.version, b.body FROM hub_snapshot s"
                    " JOIN hub_snapshot_body b ON b.snapshot_id = s.id"
                )
            ).all()
        )
    assert {v: b.encode("utf-8") for v, b in kept.items()} == sent


def test_the_migration_moves_the_bodies_a_hub_held_and_back(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _hub_with_two_versions(db_url, monkeypatch)
    dispose_engine(db_url)
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "0015")
    assert "body" in _columns(db_url, "hub_snapshot")
    with get_engine(db_url).connect() as conn:
        assert not inspect(conn).has_table("hub_snapshot_body")
        held = dict(conn.execute(text("SELECT version, body FROM hub_snapshot")).all())
    assert {v: b.encode("utf-8") for v, b in held.items()} == sent
    command.upgrade(cfg, "head")
    assert "body" not in _columns(db_url, "hub_snapshot")
    with read_session(db_url) as s:
        (latest,) = provinces_latest(s)
        assert (latest.version, latest.versions) == (2, 2)
        assert latest.summary is not None
        shown = snapshot_content(s, int(latest.snapshot_id or 0))
    assert shown is not None and shown["version"] == 2
    with get_engine(db_url).connect() as conn:
        moved = conn.execute(text("SELECT count(*) FROM hub_snapshot_body")).scalar_one()
    assert moved == 2
