"""Two rows or tokens with the same name: picking the first and acting on it changes the
first, never its namesake (issue 20). Streamlit maps a picked label back to an option
through a dict, so before the labels were made distinct the last namesake always won.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from data_layer.commands.access import create_access_token
from data_layer.commands.deliveries import DeliveryInput, record_delivery
from data_layer.db import read_session, write_session
from data_layer.models import (
    AccessKind,
    AccessToken,
    Agency,
    Neighborhood,
    Role,
    ServiceDelivery,
    ServiceType,
    User,
)
from data_layer.permissions import Actor
from tests.pages.conftest import keyed, messages, sign_in
from tests.pages.test_stale_choices import same_person

HOOD, SERVICE = "کوی فرهنگیان", "خانه فرهنگ محله"


def _ids(url: str) -> tuple[int, int]:
    with read_session(url) as s:
        hood = s.exec(select(Neighborhood).where(col(Neighborhood.name) == HOOD)).first()
        service = s.exec(select(ServiceType).where(col(ServiceType.name) == SERVICE)).one()
        assert hood is not None and hood.id is not None and service.id is not None
        return hood.id, service.id


def _withdrawn(url: str, ids: list[int]) -> list[bool]:
    with read_session(url) as s:
        return [bool(s.get(ServiceDelivery, i).withdrawn) for i in ids]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "kinds",
    [
        (("planned", "10"), ("active", "500")),  # the pair: amount and status differ
        (("active", "500"), ("active", "500")),  # nothing differs but the row itself
    ],
    ids=["planned-10-and-active-500", "identical"],
)
def test_withdrawing_the_first_of_two_look_alike_deliveries_withdraws_the_first(
    make_app: Callable[[str], AppTest], seeded_url: str, kinds: tuple[tuple[str, str], ...]
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    liaison = same_person()
    hood, service = _ids(seeded_url)
    made = []
    with write_session(seeded_url) as s:
        for status, units in kinds:
            data = DeliveryInput(
                neighborhood_id=hood,
                service_type_id=service,
                year="۱۴۰۵",
                units=units,
                status=status,
            )
            row = record_delivery(s, actor=liaison, agency_id=liaison.agency_id or 0, data=data)
            made.append(int(row.id or 0))
    at.run()
    picker = at.selectbox(key="dl_withdraw_pick")
    labels = [picker.format_func(i) for i in made]  # type: ignore[misc]
    assert all(f"{SERVICE} — {HOOD} — سال ۱۴۰۵" in label for label in labels)
    assert len(set(picker.options)) == len(picker.options)
    picker.set_value(made[0]).run()
    at.text_input(key="dl_withdraw_why").input("ثبت تکراری بود")
    at.button(key="dl_withdraw").click().run()
    assert not at.exception
    assert any("پس گرفته شد" in m for m in messages(at.success)), messages(at.error)
    assert _withdrawn(seeded_url, made) == [True, False]


def _revoked(url: str, ids: list[int]) -> list[bool]:
    with read_session(url) as s:
        return [s.get(AccessToken, i).revoked_at is not None for i in ids]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kind", "who"), [(AccessKind.KIOSK.value, "dabir"), (AccessKind.FEED.value, "admin")]
)
def test_revoking_the_first_of_two_namesakes_revokes_the_first(
    make_app: Callable[[str], AppTest], seeded_url: str, kind: str, who: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), who, then="pages/settings.py")
    me: Actor = same_person()
    scope = "projector" if kind == AccessKind.KIOSK.value else ""
    with write_session(seeded_url) as s:  # made within the same minute: the same label
        made = [
            int(create_access_token(s, actor=me, kind=kind, name="لپ‌تاپ سالن", scope=scope)[0].id)  # type: ignore[arg-type]
            for _ in range(2)
        ]
    at.run()
    picker = at.selectbox(key=f"{kind}_revoke_pick")
    assert len(set(picker.options)) == len(picker.options)
    for target, expected in ((made[1], [False, True]), (made[0], [True, True])):
        # the newest (listed first) while its older namesake is live, then the older one
        at.selectbox(key=f"{kind}_revoke_pick").set_value(target).run()
        at.button(key=f"{kind}_revoke").click().run()
        assert not at.exception
        assert any("باطل شد" in m for m in messages(at.success)), messages(at.info)
        assert _revoked(seeded_url, made) == expected


def test_the_role_form_shows_the_editors_own_agency_among_namesakes(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    """Two agencies of one short name: an editor of the second is shown the second (the
    form used to find the agency by its name, and so showed the first)."""
    with write_session(seeded_url) as s:
        twins = [Agency(name=f"اداره کل ورزش و جوانان {n}", short_name="ورزش") for n in (1, 2)]
        s.add_all(twins)
        s.flush()
        editor = User(
            username="varzesh2",
            full_name="رابط ورزش دو",
            password_hash="-",
            role=Role.AGENCY_EDITOR.value,
            agency_id=twins[1].id,
        )
        s.add(editor)
        s.flush()
        ids, editor_id = [int(a.id or 0) for a in twins], int(editor.id or 0)
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    at.selectbox(key="role_user").set_value(editor_id).run()
    agency = keyed(at.selectbox, "role_agency_")
    assert agency.value == ids[1]
    assert agency.format_func(ids[0]) != agency.format_func(ids[1])  # type: ignore[misc]
