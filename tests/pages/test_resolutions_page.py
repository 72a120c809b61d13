"""The resolutions screen, driven by widget keys, asserted on what it renders."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from data_layer.seed_data import MEETING_7
from tests.pages.conftest import VIEWS, let_anyone_read, page_html, sign_in

RESOLUTIONS = "pages/resolutions.py"


def _html(at: AppTest) -> str:
    return page_html(at)


def _matrix_rows(at: AppTest) -> list[str]:
    html = _html(at)
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body, "the matrix is not on the page"
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)


# Who opens each page (None: nobody signed in). A new page must be added here.
PAGE_USERS = {
    "pages/overview.py": [None, "chair", "agency02", "dabir", "admin", "farmandari"],
    "pages/projector.py": [None, "chair", "agency02", "dabir", "admin"],
    "pages/settings.py": ["dabir", "admin"],
    "pages/coverage.py": [None, "agency02", "dabir", "farmandari"],
    "pages/gaps.py": [None, "dabir", "farmandari"],
    "pages/neighborhoods.py": [None, "dabir", "agency02", "farmandari"],
    "pages/reports.py": [None, "dabir", "agency02"],
    "pages/meetings.py": [None, "dabir", "agency02"],
    "pages/resolutions.py": [None, "chair", "agency02", "dabir", "admin"],
    "pages/sign_in.py": [None],
    "pages/my_agency.py": ["agency02"],
    "pages/verification.py": ["dabir"],
    "pages/letters.py": ["dabir"],
    "pages/backlog.py": ["dabir"],
    "pages/users.py": ["admin"],
    "pages/agencies.py": ["dabir", "admin"],
    "pages/setup.py": [None, "admin"],
    "pages/account.py": ["chair", "agency02", "dabir", "admin", "farmandari"],
    "pages/inbox.py": ["agency02", "dabir"],
    "pages/messages.py": ["dabir", "admin"],
    "pages/dossier.py": [None, "chair", "agency02", "dabir", "admin", "farmandari"],
    "pages/indicators.py": ["dabir"],
    # The national hub's pages say, in a province, that they belong to the hub
    # (tests/pages/test_hub_pages.py opens them in hub mode).
    "pages/hub.py": ["admin"],
    "pages/hub_provinces.py": ["admin"],
    "pages/national.py": ["dabir"],
}


def test_every_page_has_a_user_in_the_render_test() -> None:
    assert sorted(PAGE_USERS) == VIEWS


@pytest.mark.parametrize(
    ("page", "username"), [(p, u) for p, users in PAGE_USERS.items() for u in users]
)
def test_every_page_renders_without_exception_for_its_roles(
    make_app: Callable[[str], AppTest], seeded_url: str, page: str, username: str | None
) -> None:
    at = make_app(seeded_url).run()
    if username:
        sign_in(at, username)
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_opens_on_the_7th_meeting_with_its_14_resolutions(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page(RESOLUTIONS).run()
    assert not at.exception
    html = _html(at)
    assert "پیگیری مصوبات جلسه ۷" in html
    assert "شنبه ۲۹ مهر ۱۴۰۲" in html
    for r in MEETING_7.resolutions:
        assert r.text in html
    # Real minutes, sample follow-up: the badge says which is which.
    assert "دادهٔ نمونه" in html
    assert "وضعیت و پیشرفت پیگیری‌ها" in html
    assert len(_matrix_rows(at)) == 24  # one row per member agency


def test_choosing_a_sample_meeting_shows_it_and_says_it_is_sample(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page(RESOLUTIONS).run()
    meeting_6 = next(o for o in at.selectbox(key="meeting").options if "جلسه ۶" in o)
    at.selectbox(key="meeting").select(meeting_6).run()
    assert not at.exception
    html = _html(at)
    assert "پیگیری مصوبات جلسه ۶" in html
    assert "این جلسه و مصوبات آن برای نمایش ساخته شده‌اند" in html


def test_agency_filter_leaves_one_row_with_its_own_counts(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page(RESOLUTIONS).run()
    at.multiselect(key="agencies").select("آموزش و پرورش").run()
    assert not at.exception
    rows = _matrix_rows(at)
    assert len(rows) == 1
    assert "آموزش و پرورش" in rows[0]
    # Education owns 13 rows of the 7th meeting: the 12 all-members ones and number 10.
    assert len(re.findall(r'class="cell', rows[0])) == 13


def test_status_filter_dims_every_cell_of_another_status(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page(RESOLUTIONS).run()
    at.multiselect(key="statuses").select("done").run()
    assert not at.exception
    cells = re.findall(r'<td class="(cell[^"]*)"[^>]*data-status="(\w+)"', _html(at))
    assert cells
    for classes, status in cells:
        assert ("muted" in classes) == (status != "done")


def test_overdue_filter_keeps_only_agencies_with_late_rows(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page(RESOLUTIONS).run()
    at.multiselect(key="statuses").select("overdue").run()
    assert not at.exception
    for row in _matrix_rows(at):
        assert re.search(r'class="cell late"', row), "an agency with no late row is shown"


def test_minutes_only_database_badges_only_the_illustrative_member_list(
    make_app: Callable[[str], AppTest], minutes_url: str
) -> None:
    let_anyone_read(minutes_url)
    at = make_app(minutes_url).run().switch_page(RESOLUTIONS).run()
    assert not at.exception
    html = _html(at)
    assert "فهرست دستگاه‌های عضو نمونه است" in html
    assert "وضعیت و پیشرفت پیگیری‌ها" not in html
    # Nothing reported yet: every cell is "not started".
    statuses = set(re.findall(r'data-status="(\w+)"', html))
    assert statuses == {"not_started"}


def test_an_empty_database_says_what_is_missing(
    make_app: Callable[[str], AppTest], db_url: str
) -> None:
    let_anyone_read(db_url)
    at = make_app(db_url).run().switch_page(RESOLUTIONS).run()
    assert not at.exception
    assert any("هنوز جلسه‌ای ثبت نشده است" in i.value for i in at.info)
