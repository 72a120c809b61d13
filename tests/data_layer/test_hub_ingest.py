"""The hub receives a province's snapshot all or nothing: each fault of the agreed format
is refused with its status and a Persian message in the ingest log, and the last good
version stays; two publications at once never store one version twice."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import func, select

from data_layer.commands.hub import (
    receive_snapshot,
    register_province,
    renew_token,
    set_province,
    set_stale_days,
)
from data_layer.db import read_session, write_session
from data_layer.errors import PermissionDenied, ValidationError
from data_layer.input.snapshot import canonical, read_snapshot, signature_of, summary_of
from data_layer.models import Role
from data_layer.models_hub import HubIngestLog, HubProvince, HubSnapshot
from data_layer.permissions import Actor
from data_layer.queries.hub import ingest_log, provinces_latest, snapshot_content, stale_days
from tests.data_layer.commands import add_user
from tests.hub_snapshots import body, content

KEY = "a-test-key-of-the-national-hub-0123456789"


@pytest.fixture
def hub(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Actor, str]:
    """A hub database with its administrator and Khuzestan registered: (url, admin, token)."""
    monkeypatch.setenv("HUB_TOKEN_KEY", KEY)
    with write_session(db_url) as s:
        admin = add_user(s, "hubadmin", "مدیر سامانهٔ ملی", Role.ADMIN.value)
        _, token = register_province(s, actor=admin, code="khuzestan", name="خوزستان")
    return db_url, admin, token


def _send(url: str, token: str, payload: bytes, signature: str | None = None) -> tuple[int, str]:
    sig = signature if signature is not None else signature_of(token, payload)
    result = receive_snapshot(url, token=token, signature=sig, body=payload)
    return result.status, result.message


def _kept(url: str) -> list[int]:
    with read_session(url) as s:
        return sorted(s.exec(select(HubSnapshot.version)).all())


def test_a_good_snapshot_is_kept_with_its_figures(hub: tuple[str, Actor, str]) -> None:
    url, _, token = hub
    assert _send(url, token, body(version=1))[0] == 201
    (latest,) = provinces_latest(read_session(url).__enter__())
    assert latest.version == 1 and latest.summary is not None
    assert latest.summary["totals"]["resolutions"] == 6
    assert _send(url, token, body(version=1))[0] == 200  # the same again: nothing new
    assert _kept(url) == [1]
    with read_session(url) as s:
        log = ingest_log(s)
    assert [e["outcome"] for e in log] == ["same", "stored"]
    assert "دریافت شد" in log[1]["message"]


def test_a_second_publication_replaces_the_first_and_both_stay(hub: tuple[str, Actor, str]) -> None:
    url, _, token = hub
    _send(url, token, body(version=1))
    assert _send(url, token, body(version=2))[0] == 201
    with read_session(url) as s:
        (latest,) = provinces_latest(s)
        assert (latest.version, latest.versions) == (2, 2)
        first = s.exec(select(HubSnapshot).where(HubSnapshot.version == 1)).one()
        assert snapshot_content(s, int(first.id or 0))["version"] == 1  # type: ignore[index]


BAD: list[tuple[str, int, Callable[[str, bytes], tuple[str, bytes, str | None]]]] = [
    ("wrong token", 401, lambda t, b: ("not-a-token-of-any-province", b, None)),
    ("no token", 401, lambda t, b: ("", b, None)),
    ("bad signature", 403, lambda t, b: (t, b, signature_of("another-key", b))),
    (
        "bad checksum",
        400,
        lambda t, b: (t, b.replace("مصوبهٔ 1".encode(), "مصوبهٔ 9".encode(), 1), None),
    ),
    ("half body", 400, lambda t, b: (t, b[: len(b) // 2], None)),
    ("not json", 400, lambda t, b: (t, b"\xff\xfe" + b[:10], None)),
    (
        "another format",
        400,
        lambda t, b: (t, b.replace(b"province-snapshot/1", b"province-snapshot/9"), None),
    ),
    ("older version", 409, lambda t, b: (t, body(version=1, agencies=7), None)),
    ("same version, other content", 409, lambda t, b: (t, body(version=2, agencies=5), None)),
    ("another province's code", 401, lambda t, b: (t, body(code="fars", version=3), None)),
]


@pytest.mark.parametrize(("fault", "status", "spoil"), BAD, ids=[b[0] for b in BAD])
def test_each_fault_is_refused_with_its_reason_and_the_old_version_stays(
    hub: tuple[str, Actor, str],
    fault: str,
    status: int,
    spoil: Callable[[str, bytes], tuple[str, bytes, str | None]],
) -> None:
    url, _, token = hub
    _send(url, token, body(version=1))
    _send(url, token, body(version=2))
    sent_token, payload, signature = spoil(token, body(version=3))
    got, message = _send(url, sent_token, payload, signature)
    assert got == status, message
    assert _kept(url) == [1, 2]
    with read_session(url) as s:
        last = ingest_log(s)[0]
        (latest,) = provinces_latest(s)
    assert last["outcome"] == "refused" and last["status"] == status
    assert last["message"] == message and any("\u0600" <= c <= "\u06ff" for c in message)
    assert latest.version == 2


def test_a_content_field_of_the_wrong_type_is_refused(hub: tuple[str, Actor, str]) -> None:
    url, _, token = hub
    payload = json.loads(body(version=1))
    payload["content"]["meetings"][0]["resolutions"][0]["owners"][0]["progress"] = "۵۰"
    payload["content_sha256"] = hashlib.sha256(canonical(payload["content"])).hexdigest()
    status, message = _send(url, token, json.dumps(payload, ensure_ascii=False).encode())
    assert status == 400
    assert "content.meetings[0].resolutions[0].owners[0].progress" in message
    assert _kept(url) == []


def test_two_publications_of_one_version_at_once_store_it_once(
    hub: tuple[str, Actor, str],
) -> None:
    url, _, token = hub
    one, other = body(version=1), body(version=1, agencies=6)
    start = threading.Barrier(4)

    def send(payload: bytes) -> int:
        start.wait()
        return _send(url, token, payload)[0]

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(send, [one, other, one, other]))
    assert statuses.count(201) == 1
    assert set(statuses) <= {200, 201, 409}
    assert _kept(url) == [1]
    with read_session(url) as s:
        assert s.exec(select(func.count()).select_from(HubIngestLog)).one() == 4


def test_a_deactivated_province_and_a_renewed_token_are_refused(
    hub: tuple[str, Actor, str],
) -> None:
    url, admin, token = hub
    with write_session(url) as s:
        row = s.exec(select(HubProvince)).one()
        new = renew_token(s, actor=admin, province_id=int(row.id or 0), expected_version=1)
    assert _send(url, token, body(version=1))[0] == 401  # the old token stopped working
    assert _send(url, new, body(version=1))[0] == 201
    with write_session(url) as s:
        set_province(
            s,
            actor=admin,
            province_id=int(row.id or 0),
            expected_version=2,
            pull_url="",
            active=False,
        )
    status, message = _send(url, new, body(version=2))
    assert status == 401 and "غیرفعال" in message


def test_only_the_administrator_registers_and_codes_are_checked(
    hub: tuple[str, Actor, str],
) -> None:
    url, admin, _ = hub
    with write_session(url) as s:
        viewer = add_user(s, "ministry", "کارشناس وزارت", Role.VIEWER.value)
    with pytest.raises(PermissionDenied), write_session(url) as s:
        register_province(s, actor=viewer, code="fars", name="فارس")
    with pytest.raises(ValidationError) as e, write_session(url) as s:
        register_province(s, actor=admin, code="Khuzestan!", name="", pull_url="ftp://x")
    assert {f.field for f in e.value.errors} == {"code", "name", "pull_url"}
    with pytest.raises(ValidationError), write_session(url) as s:
        register_province(s, actor=admin, code="khuzestan", name="خوزستان دوم")
    with pytest.raises(ValidationError), write_session(url) as s:
        set_stale_days(s, actor=admin, days=0)
    with write_session(url) as s:
        set_stale_days(s, actor=admin, days=30)
    with read_session(url) as s:
        assert stale_days(s) == 30


def test_the_registry_keeps_no_token(hub: tuple[str, Actor, str]) -> None:
    url, _, token = hub
    with read_session(url) as s:
        row = s.exec(select(HubProvince)).one()
    assert token not in (row.token_hash, row.token_salt)
    assert token not in json.dumps(row.model_dump(), default=str)


def test_the_national_figures_come_from_the_snapshot_itself() -> None:
    inner = content(agencies=3, meetings=1, resolutions=4, neighborhoods=4, seed=0)
    snap = read_snapshot(body(content_=inner))
    summary = summary_of(snap)
    resolutions = inner["meetings"][0]["resolutions"]
    assert summary["resolutions_done"] == sum(r["done"] for r in resolutions)
    assert summary["resolutions_late"] == sum(r["late"] for r in resolutions)
    assert summary["totals"] == inner["totals"]
    assert summary["without_service"] == [
        n["name"] for n in inner["neighborhoods"] if not n["active_services"]
    ]
    lates = [a["late"] for a in summary["behind"]]
    assert lates == sorted(lates, reverse=True)
    assert summary["behind"][0]["late"] == max(a["late"] for a in inner["agencies"])
