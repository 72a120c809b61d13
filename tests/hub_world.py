"""A national hub's database for the hub's page and browser tests: its administrator,
a ministry reader and registered provinces, with snapshots received as a push is."""

from __future__ import annotations

from data_layer import auth
from data_layer.commands.hub import receive_snapshot, register_province
from data_layer.db import write_session
from data_layer.input.snapshot import signature_of
from data_layer.models import Role, User
from data_layer.permissions import Actor

HUB_KEY = "the-national-hub-test-key-0123456789abcdef"
PROVINCES = {"khuzestan": "خوزستان", "fars": "فارس", "kerman": "کرمان"}


def hub_people(url: str) -> Actor:
    """The hub's administrator ("hubadmin") and a ministry reader ("ministry"), both with
    the sample password; returns the administrator."""
    with write_session(url) as s:
        hashed = auth.hash_password(auth.SAMPLE_PASSWORD)
        people = [
            User(username="hubadmin", full_name="مدیر سامانهٔ ملی", role=Role.ADMIN.value),
            User(
                username="ministry", full_name="کارشناس دفتر امور اجتماعی", role=Role.VIEWER.value
            ),
        ]
        for u in people:
            u.password_hash = hashed
            s.add(u)
        s.flush()
        admin = people[0]
        return Actor(int(admin.id or 0), admin.username, admin.full_name, admin.role)


def register(url: str, admin: Actor, provinces: dict[str, str] | None = None) -> dict[str, str]:
    """Register provinces (code -> name); their tokens by code."""
    tokens = {}
    with write_session(url) as s:
        for code, name in (provinces or PROVINCES).items():
            tokens[code] = register_province(s, actor=admin, code=code, name=name)[1]
    return tokens


def publish(url: str, token: str, payload: bytes) -> int:
    """Receive a body as POST /api/hub/snapshots does; its status."""
    return receive_snapshot(
        url, token=token, signature=signature_of(token, payload), body=payload
    ).status
