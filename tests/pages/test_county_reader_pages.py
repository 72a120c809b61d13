"""The county governorate's reader («فرمانداری») through AppTest: its county only on
every screen it reads, the province's screens refused, another county's dossier refused
by URL, and the priority order proposed, returned, revised and accepted."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from data_layer.auth import SAMPLE_COUNTY
from data_layer.db import read_session
from data_layer.models import County, Neighborhood, User
from data_layer.models_priority import PriorityProposal
from data_layer.permissions import OTHER_COUNTY
from tests.pages.conftest import messages, page_html, sign_in, sign_out


def _hoods(url: str, county: str) -> dict[int, str]:
    with read_session(url) as s:
        stmt = (
            select(Neighborhood.id, Neighborhood.name)
            .join(County, col(County.id) == col(Neighborhood.county_id))
            .where(County.name == county, col(Neighborhood.active).is_(True))
            .order_by(col(Neighborhood.id))
        )
        return {int(i or 0): n for i, n in s.exec(stmt)}


def test_the_county_reader_sees_its_county_on_coverage_and_the_overview(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "farmandari", then="pages/coverage.py")
    assert not at.exception and not at.error
    html = page_html(at)
    assert html.count("<tr data-hood=") == len(_hoods(seeded_url, SAMPLE_COUNTY))
    rows = set(re.findall(r"<tr data-hood='(\d+)'>", html))
    assert {int(r) for r in rows} == set(_hoods(seeded_url, SAMPLE_COUNTY))
    assert at.multiselect(key="cov_counties").options == [SAMPLE_COUNTY]
    assert any(f"شهرستان {SAMPLE_COUNTY}" in m for m in messages(at.info))
    at.switch_page("pages/overview.py").run()
    assert not at.exception and not at.error
    assert any(f"شهرستان {SAMPLE_COUNTY}" in m for m in messages(at.info))
    other = next(iter(_hoods(seeded_url, "مرکز استان").values()))
    assert other not in page_html(at)


@pytest.mark.parametrize(
    "page",
    [
        "pages/resolutions.py",
        "pages/meetings.py",
        "pages/projector.py",
        "pages/reports.py",
        "pages/settings.py",
        "pages/users.py",
        "pages/my_agency.py",
        "pages/verification.py",
        "pages/indicators.py",
    ],
)
def test_the_provinces_screens_are_refused_to_the_county_reader(
    make_app: Callable[[str], AppTest], seeded_url: str, page: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "farmandari", then=page)
    assert not at.exception
    (refusal,) = messages(at.error)
    assert refusal.startswith("این صفحه برای ") and refusal.endswith("حساب شما «فرمانداری» است.")


def test_another_countys_dossier_is_refused_by_its_url(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "farmandari")
    other = next(iter(_hoods(seeded_url, "مرکز استان")))
    at.query_params["id"] = str(other)
    at.switch_page("pages/dossier.py").run()
    assert not at.exception
    assert messages(at.error) == [OTHER_COUNTY]
    own_id, own = next(iter(_hoods(seeded_url, SAMPLE_COUNTY).items()))
    at.query_params["id"] = str(own_id)
    at.switch_page("pages/dossier.py").run()
    assert not at.error
    assert at.selectbox(key=f"dossier_pick_{own_id}").options == [
        f"{n} ({SAMPLE_COUNTY})" for n in _hoods(seeded_url, SAMPLE_COUNTY).values()
    ]
    assert f"پرونده محله {own}" in "\n".join(m.value for m in at.markdown)


def _propose(at: AppTest, order: list[str], key: str = "prio_order_new") -> AppTest:
    at.multiselect(key=key).set_value(order).run()
    for box in at.text_input:
        if str(box.key or "").startswith(f"{key}_reason_"):
            box.input("نزدیکی به مرکز شهر و جمعیت زیاد")
    at.run()
    next(b for b in at.button if str(b.key) == f"{key}_send").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def test_a_county_proposes_the_secretariat_returns_then_accepts_the_revision(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    hoods = _hoods(seeded_url, SAMPLE_COUNTY)
    names = list(reversed(hoods.values()))
    at = sign_in(make_app(seeded_url).run(), "farmandari", then="pages/neighborhoods.py")
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert sorted(table["محله"]) == sorted(hoods.values())
    _propose(at, names)
    with read_session(seeded_url) as s:
        (sent,) = s.exec(select(PriorityProposal)).all()
    # The secretariat returns it with a reason.
    sign_out()
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/neighborhoods.py")
    at.text_area(key=f"prio_why_{sent.id}").input("محلات حاد نخست بیایند")
    next(b for b in at.button if b.key == f"prio_return_{sent.id}").click().run()
    assert not at.exception and not at.error
    # The county revises it.
    sign_out()
    at = sign_in(make_app(seeded_url).run(), "farmandari", then="pages/neighborhoods.py")
    assert any("محلات حاد نخست بیایند" in m for m in messages(at.warning))
    _propose(at, list(hoods.values()), key=f"prio_order_{sent.id}")
    # The secretariat accepts the revision; the county sees its accepted order.
    sign_out()
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/neighborhoods.py")
    with read_session(seeded_url) as s:
        revised = s.exec(select(PriorityProposal).where(PriorityProposal.state == "pending")).one()
    assert revised.revises_id == sent.id
    next(b for b in at.button if b.key == f"prio_accept_{revised.id}").click().run()
    assert not at.exception and not at.error
    sign_out()
    at = sign_in(make_app(seeded_url).run(), "farmandari", then="pages/neighborhoods.py")
    accepted = at.dataframe[1].value
    assert accepted["محله"].tolist() == list(hoods.values())


def test_the_administrator_creates_a_county_readers_account(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    at.text_input(key="nu_username").input("farmandari2")
    at.text_input(key="nu_full_name").input("فرمانداری دشت‌نو")
    at.selectbox(key="nu_role").select("county_reader")
    at.selectbox(key="nu_county").select_index(at.selectbox(key="nu_county").options.index("دشت‌نو"))
    next(b for b in at.button if b.label == "ساخت حساب").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        user = s.exec(select(User).where(User.username == "farmandari2")).one()
        county = s.get(County, user.county_id)
    assert user.role == "county_reader" and county is not None and county.name == "دشت‌نو"
