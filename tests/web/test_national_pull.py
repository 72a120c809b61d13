"""GET /api/national/snapshot (SQLite and PostgreSQL): the hub pulls the latest
publication's exact bytes with their signature, with the province's token only."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from starlette.responses import Response

from data_layer.db import write_session
from data_layer.national.link import get_link, set_link
from tests.data_layer.commands import add_user
from tests.data_layer.test_national_publication import NOW, TOKEN, people, publish
from tests.web.test_routes import _get, _run
from web.national import national_snapshot


def pull(bearer: str = "") -> Response:
    return _run(national_snapshot(_get({}, bearer=bearer)))


@pytest.fixture
def served(seeded_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    return seeded_url


def test_the_latest_publication_with_its_signature_for_the_right_token(served: str) -> None:
    who = people(served, hub="")
    assert pull(TOKEN).status_code == 404
    assert "منتشر نکرده" in json.loads(bytes(pull(TOKEN).body))["error"]
    publish(served, who["dabir"])
    second = publish(served, who["dabir"], NOW + timedelta(hours=2))
    answer = pull(TOKEN)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert bytes(answer.body) == second.body
    mac = hmac.new(TOKEN.encode(), second.body, hashlib.sha256).hexdigest()
    assert answer.headers["x-snapshot-signature"] == f"sha256={mac}"
    assert json.loads(second.body)["version"] == 2


@pytest.mark.parametrize("bearer", ["", "wrong-token-0123456789", TOKEN + "x", "توکن"])
def test_a_missing_or_wrong_token_is_refused(served: str, bearer: str) -> None:
    who = people(served, hub="")
    publish(served, who["dabir"])
    answer = pull(bearer)
    assert answer.status_code == 401
    assert "کلید استان" in json.loads(bytes(answer.body))["error"]
    assert b"province-snapshot" not in bytes(answer.body)


def test_nothing_is_served_while_no_token_is_set(served: str) -> None:
    with write_session(served) as s:
        admin = add_user(s, "admin.x", "مدیر", "admin")
        set_link(s, actor=admin, code="fars", name="فارس", hub_url="")
        assert get_link(s).token == ""
    assert pull("").status_code == 401
    assert pull("anything-at-all-long-enough").status_code == 401
