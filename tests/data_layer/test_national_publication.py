"""Publishing to the national level (SQLite and PostgreSQL): the snapshot's content from
the sample province agrees with the province's own figures, its checksum and signature
follow the agreed format, nothing personal is in its bytes, versions go +1, two
approvals at once never share a version, and a publication's bytes never change."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from data_layer import clock
from data_layer.db import read_session, write_session
from data_layer.errors import ConflictError, PermissionDenied, UserFacingError, ValidationError
from data_layer.models import AppSetting, Assignment, AssignmentStatus, HistoryEntry, Role, User
from data_layer.models_messages import ContactChannel
from data_layer.models_national import NationalPublication, NationalPush
from data_layer.national.link import get_link, set_link
from data_layer.national.publish import approve_publication, prepare_draft, publications
from data_layer.national.snapshot import canonical, content_sha256, signature
from data_layer.permissions import Actor
from data_layer.queries.indicators import target_status_counts
from data_layer.queries.overview import (
    headline,
    neighborhood_count,
    neighborhoods_without_active_service,
)
from tests.data_layer.commands import add_user

NOW = datetime(2026, 11, 28, 7, 30, tzinfo=UTC)
TOKEN = "tok-0123456789abcdef-khuzestan"
PERSON = {"username": "z.kazemi", "full_name": "زهرا کاظمی‌نژاد", "phone": "09121234567"}
EMAIL = "zahra.kazemi@ostan.example"


def people(url: str, *, hub: str = "http://127.0.0.1:9") -> dict[str, Actor]:
    """A secretariat, an administrator and a liaison; the link to the hub set."""
    with write_session(url) as s:
        dabir = add_user(s, PERSON["username"], PERSON["full_name"], Role.SECRETARIAT.value)
        admin = add_user(s, "admin.ostan", "مهدی رستگارپور", Role.ADMIN.value)
        viewer = add_user(s, "nazer", "ناظر استان", Role.VIEWER.value)
        s.add(ContactChannel(user_id=dabir.user_id, kind="email", address=EMAIL))
        s.flush()
    with write_session(url) as s:
        user = s.get(User, dabir.user_id)
        assert user is not None
        user.phone = PERSON["phone"]
        s.add(user)
        set_link(
            s, actor=admin, code="khuzestan", name="خوزستان", hub_url=hub, token=TOKEN, now=NOW
        )
    return {"dabir": dabir, "admin": admin, "viewer": viewer}


def publish(url: str, actor: Actor, now: datetime = NOW) -> NationalPublication:
    with read_session(url) as s:
        draft = prepare_draft(s, now=now)
    with write_session(url) as s:
        pub = approve_publication(s, actor=actor, expected_sha256=draft.content_sha256, now=now)
        s.expunge(pub)
    return pub


def test_the_content_agrees_with_the_provinces_own_figures(seeded_url: str) -> None:
    today = clock.local_day(NOW)
    with read_session(seeded_url) as s:
        draft = prepare_draft(s, now=NOW)
        figures = headline(s, today)
        hoods = neighborhood_count(s)
        without = len(neighborhoods_without_active_service(s))
        standing = target_status_counts(s)
    content = draft.content
    totals = content["totals"]
    assert totals["meetings"] == figures["meetings"] == len(content["meetings"]) > 0
    assert totals["rows"] == figures["rows"] > 0
    assert totals["rows_done"] == figures["done"]
    assert totals["rows_late"] == figures["overdue"] > 0
    assert totals["resolutions"] == figures["resolutions"]
    assert totals["neighborhoods"] == hoods == len(content["neighborhoods"]) > 0
    assert totals["neighborhoods_without_service"] == without > 0
    assert totals["on_track"] == standing["on_track"]
    assert totals["off_track"] == standing["off_track"]
    assert totals["indicator_targets"] == sum(standing.values()) > 0
    owners = [o for m in content["meetings"] for r in m["resolutions"] for o in r["owners"]]
    assert len(owners) == figures["rows"]
    assert sum(o["late"] for o in owners) == figures["overdue"]
    assert sum(a["rows"] for a in content["agencies"]) == figures["rows"]
    assert sum(a["late"] for a in content["agencies"]) == figures["overdue"]
    assert sum(a["done"] for a in content["agencies"]) == figures["done"]
    done = [r for m in content["meetings"] for r in m["resolutions"] if r["done"]]
    assert all(o["status"] == AssignmentStatus.DONE.value for r in done for o in r["owners"])
    unserved = [h for h in content["neighborhoods"] if h["active_services"] == 0]
    assert len(unserved) == without
    assert {i["standing"] for i in content["indicators"]} <= {"on_track", "off_track", "no_data"}
    assert {i["better"] for i in content["indicators"]} <= {"up", "down"}
    assert all(0 <= r["progress"] <= 100 for m in content["meetings"] for r in m["resolutions"])


def test_the_body_follows_the_format_its_checksum_and_signature(seeded_url: str) -> None:
    who = people(seeded_url)
    pub = publish(seeded_url, who["dabir"])
    body = json.loads(pub.body.decode("utf-8"))
    assert set(body) == {
        "format",
        "province",
        "version",
        "published_at",
        "as_of",
        "content_sha256",
        "content",
    }
    assert body["format"] == "province-snapshot/1"
    assert body["province"] == {"code": "khuzestan", "name": "خوزستان"}
    assert body["version"] == 1
    assert body["published_at"] == "2026-11-28T07:30:00Z"
    assert body["as_of"] == "2026-11-28"
    # The agreed canonical form, written out here rather than through the module.
    again = json.dumps(body["content"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert body["content_sha256"] == hashlib.sha256(again.encode("utf-8")).hexdigest()
    assert body["content_sha256"] == pub.content_sha256
    assert pub.body == canonical(body)  # the body itself is written canonically
    assert pub.body_sha256 == hashlib.sha256(pub.body).hexdigest()
    assert pub.size_bytes == len(pub.body)
    expected = hmac.new(TOKEN.encode(), pub.body, hashlib.sha256).hexdigest()
    assert signature(TOKEN, pub.body) == f"sha256={expected}"


def test_nothing_personal_is_in_the_bytes(seeded_url: str) -> None:
    who = people(seeded_url)
    with write_session(seeded_url) as s:
        row = s.execute(select(Assignment).limit(1)).scalar_one()
        row.done_text = f"پیگیری با {PERSON['full_name']} ({PERSON['phone']})، {EMAIL}"
        row.next_step = f"هماهنگی با مهدی رستگارپور؛ {PERSON['username']}"
        s.add(row)
    pub = publish(seeded_url, who["dabir"])
    text = pub.body.decode("utf-8")
    for secret in (*PERSON.values(), EMAIL, "مهدی رستگارپور", "admin.ostan", "ناظر استان", TOKEN):
        assert secret not in text, secret
    # Every account's username and phone too (the sample's accounts are named after
    # their posts, «دبیرخانه کارگروه», which resolution texts rightly name).
    with read_session(seeded_url) as s:
        users = s.exec(select(User)).all()
        addresses = [c.address for c in s.exec(select(ContactChannel)).all()]
    assert len(users) >= 3
    for user in users:
        assert f'"{user.username}"' not in text and user.username not in text.split('"')
        assert not user.phone or user.phone not in text
    for address in addresses:
        assert address not in text


def test_versions_go_up_by_one_and_the_push_is_queued_once(seeded_url: str) -> None:
    who = people(seeded_url)
    first = publish(seeded_url, who["dabir"])
    second = publish(seeded_url, who["dabir"], NOW + timedelta(hours=1))
    assert (first.version, second.version) == (1, 2)
    with read_session(seeded_url) as s:
        pushes = s.exec(select(NationalPush).order_by(NationalPush.id)).all()
        listed = publications(s)
    assert [p.dedupe_key for p in pushes] == ["khuzestan:1", "khuzestan:2"]
    assert list(listed["version"]) == [2, 1]
    assert list(listed["approved_by"]) == [PERSON["full_name"]] * 2
    assert list(listed["push_state"]) == ["queued", "queued"]


def test_without_a_hub_nothing_is_queued_and_the_hub_pulls(seeded_url: str) -> None:
    who = people(seeded_url, hub="")
    publish(seeded_url, who["dabir"])
    with read_session(seeded_url) as s:
        assert s.exec(select(NationalPush)).all() == []
        assert publications(s)["push_state"].isna().all()


def test_frozen_bytes_do_not_change_when_the_data_does(seeded_url: str) -> None:
    who = people(seeded_url)
    pub = publish(seeded_url, who["dabir"])
    with write_session(seeded_url) as s:
        for row in s.execute(select(Assignment).limit(5)).scalars():
            row.status, row.progress = AssignmentStatus.DONE.value, 100
            s.add(row)
    with read_session(seeded_url) as s:
        kept = s.get(NationalPublication, pub.id)
        assert kept is not None and kept.body == pub.body
        assert hashlib.sha256(kept.body).hexdigest() == pub.body_sha256
        assert prepare_draft(s, now=NOW).content_sha256 != pub.content_sha256


def test_an_approval_of_figures_that_moved_since_the_preview_is_refused(seeded_url: str) -> None:
    who = people(seeded_url)
    with read_session(seeded_url) as s:
        draft = prepare_draft(s, now=NOW)
    with write_session(seeded_url) as s:
        row = s.execute(
            select(Assignment).where(Assignment.status != AssignmentStatus.DONE.value).limit(1)
        ).scalar_one()
        row.status, row.progress = AssignmentStatus.DONE.value, 100
        s.add(row)
    with pytest.raises(ConflictError), write_session(seeded_url) as s:
        approve_publication(s, actor=who["dabir"], expected_sha256=draft.content_sha256, now=NOW)
    with read_session(seeded_url) as s:
        assert s.exec(select(NationalPublication)).all() == []


def test_only_the_secretariat_publishes_and_only_once_the_link_is_set(seeded_url: str) -> None:
    with write_session(seeded_url) as s:
        dabir = add_user(s, "dabir.test", "دبیر آزمون", Role.SECRETARIAT.value)
        admin = add_user(s, "admin.test", "مدیر آزمون", Role.ADMIN.value)
    with read_session(seeded_url) as s:
        sha = prepare_draft(s, now=NOW).content_sha256
    with pytest.raises(ValidationError) as refused, write_session(seeded_url) as s:
        approve_publication(s, actor=dabir, expected_sha256=sha, now=NOW)
    assert "مدیر سامانه" in refused.value.message
    with pytest.raises(PermissionDenied), write_session(seeded_url) as s:
        approve_publication(s, actor=admin, expected_sha256=sha, now=NOW)
    with read_session(seeded_url) as s:
        assert s.exec(select(NationalPublication)).all() == []


def test_two_approvals_at_once_never_share_a_version(seeded_url: str) -> None:
    who = people(seeded_url)
    with read_session(seeded_url) as s:
        sha = prepare_draft(s, now=NOW).content_sha256
    barrier = threading.Barrier(2)
    # On PostgreSQL both transactions are open before either approves (each reads the
    # versions held, then inserts); SQLite's writers take turns from the start, so
    # there they only start together.
    inside = seeded_url.startswith("postgresql")
    outcomes: list[Any] = []

    def approve() -> None:
        try:
            if not inside:
                barrier.wait()
            with write_session(seeded_url) as s:
                if inside:
                    s.connection()  # the transaction is open
                    barrier.wait()
                pub = approve_publication(s, actor=who["dabir"], expected_sha256=sha, now=NOW)
                version = pub.version
            outcomes.append(version)
        except UserFacingError as e:
            outcomes.append(e)

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    versions = sorted(o for o in outcomes if isinstance(o, int))
    refusals = [o for o in outcomes if isinstance(o, UserFacingError)]
    assert len(outcomes) == 2
    assert versions in ([1, 2], [1]), outcomes
    assert len(versions) + len(refusals) == 2, outcomes
    with read_session(seeded_url) as s:
        stored = sorted(p.version for p in s.exec(select(NationalPublication)).all())
        keys = [p.dedupe_key for p in s.exec(select(NationalPush)).all()]
    assert stored == versions
    assert len(keys) == len(set(keys)) == len(versions)


def test_the_link_is_the_administrators_and_its_token_never_shown_or_kept_in_history(
    db_url: str,
) -> None:
    with write_session(db_url) as s:
        dabir = add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        admin = add_user(s, "admin", "مدیر", Role.ADMIN.value)
    with pytest.raises(PermissionDenied), write_session(db_url) as s:
        set_link(s, actor=dabir, code="fars", name="فارس", hub_url="", token=TOKEN)
    with pytest.raises(ValidationError) as bad, write_session(db_url) as s:
        set_link(s, actor=admin, code="Fars Province", name="", hub_url="ftp://x", token="short")
    assert {e.field for e in bad.value.errors} == {"code", "name", "hub_url", "token"}
    with write_session(db_url) as s:
        link = set_link(
            s, actor=admin, code="fars", name="فارس", hub_url="https://hub.example.ir/", token=TOKEN
        )
    assert link.hub_url == "https://hub.example.ir"
    assert link.token_shown.endswith(TOKEN[-4:]) and TOKEN not in link.token_shown
    with write_session(db_url) as s:  # a blank token keeps the stored one
        set_link(
            s, actor=admin, code="fars", name="فارس", hub_url="", token="", expected=get_link(s)
        )
    with read_session(db_url) as s:
        assert get_link(s).token == TOKEN
        history = " ".join(
            f"{h.old_value} {h.new_value}" for h in s.exec(select(HistoryEntry)).all()
        )
        assert "national_token" in {h.field for h in s.exec(select(HistoryEntry)).all()}
        assert s.get(AppSetting, "national_token") is not None
    assert TOKEN not in history
    stale = get_link.__call__  # the form showed another link than the one stored now
    with read_session(db_url) as s:
        shown = stale(s)
    with write_session(db_url) as s:
        set_link(s, actor=admin, code="fars", name="فارس", hub_url="https://a.example", token="")
    with pytest.raises(ConflictError), write_session(db_url) as s:
        set_link(s, actor=admin, code="fars", name="فارس", hub_url="", token="", expected=shown)


def test_content_sha_is_the_sha_of_canonical_content() -> None:
    content = {"b": [1, 2.5, None], "a": "مصوبه"}
    assert canonical(content) == '{"a":"مصوبه","b":[1,2.5,null]}'.encode()
    assert content_sha256(content) == hashlib.sha256(canonical(content)).hexdigest()


def test_a_body_over_the_hubs_limit_is_refused_before_anything_is_kept(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import data_layer.national.publish as publish_module

    who = people(seeded_url)
    with read_session(seeded_url) as s:
        draft = prepare_draft(s, now=NOW)
    monkeypatch.setattr(publish_module, "MAX_BODY_BYTES", draft.size_bytes // 2)
    with pytest.raises(ValidationError) as refused, write_session(seeded_url) as s:
        approve_publication(s, actor=who["dabir"], expected_sha256=draft.content_sha256, now=NOW)
    assert "مرکز ملی تا" in refused.value.message
    with read_session(seeded_url) as s:
        assert s.exec(select(NationalPublication)).all() == []
        assert s.exec(select(NationalPush)).all() == []
