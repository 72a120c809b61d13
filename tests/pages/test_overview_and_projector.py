"""The overview and projector mode through AppTest."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.jalali import format_number, local_today, to_ascii_digits
from data_layer.models import Assignment, Meeting, Resolution
from data_layer.queries import overview as qo
from tests.pages.conftest import keyed, page_html, press, sign_in

PROJECTOR = "pages/projector.py"


def _counter(at: AppTest) -> tuple[int, int]:
    m = re.search(r'class="pcount">([^<]+)</div>', page_html(at))
    assert m, "no slide counter"
    shown, total = to_ascii_digits(m.group(1)).split("/")
    return int(shown), int(total)


def test_the_overview_is_the_landing_page_with_headline_figures(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run()
    assert not at.exception
    html = page_html(at)
    assert "نمای کلی پیگیری مصوبات" in html
    assert 'class="kpis"' in html and 'class="grid scorecards"' in html
    assert "محله بدون خدمت فعال" in html


def test_a_liaison_sees_its_own_agency_on_the_overview(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/overview.py")
    assert any("دستگاه شما" in i.value for i in at.info)


@pytest.mark.parametrize("by", ["resolution", "agency"])
def test_stepping_through_every_slide_wraps_around(
    make_app: Callable[[str], AppTest], seeded_url: str, by: str
) -> None:
    at = make_app(seeded_url).run()
    at.query_params["by"] = by
    at.switch_page(PROJECTOR).run()
    assert not at.exception
    shown, total = _counter(at)
    assert shown == 1
    # Cover, 14 resolutions of the 7th meeting (or its 24 agencies), then 4 summaries
    # (scorecards, coverage, gaps, the neighborhoods' indicators).
    assert total == (1 + 14 + 4 if by == "resolution" else 1 + 24 + 4)
    for expected in range(2, total + 1):
        at.button(key="next").click().run()
        assert not at.exception
        assert _counter(at) == (expected, total)
    at.button(key="next").click().run()
    assert _counter(at) == (1, total)
    at.button(key="prev").click().run()
    assert _counter(at) == (total, total)


def test_the_cover_counts_the_rows_of_its_own_meeting_only(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run()
    at.switch_page(PROJECTOR).run()
    html = page_html(at)
    assert "پیگیری مصوبات جلسه ۷" in html
    kpis = dict(
        (label, int(to_ascii_digits(value)))
        for value, label in re.findall(r'class="pkpi"><b>([^<]+)</b><span>([^<]+)</span>', html)
    )
    with read_session(seeded_url) as s:
        meeting_7 = s.execute(select(Meeting.id).where(Meeting.number == 7)).scalar_one()
        rows_of_7 = s.execute(
            select(func.count(Assignment.id))
            .join(Resolution, Resolution.id == Assignment.resolution_id)
            .where(Resolution.meeting_id == meeting_7, Assignment.withdrawn.is_(False))
        ).scalar_one()
        every_row = s.execute(
            select(func.count(Assignment.id)).where(Assignment.withdrawn.is_(False))
        ).scalar_one()
    assert rows_of_7 < every_row  # the sample has earlier meetings too
    assert kpis["ردیف پیگیری"] == rows_of_7


def test_a_link_opens_the_projector_on_a_given_slide(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run()
    at.query_params["slide"] = "11"
    at.switch_page(PROJECTOR).run()
    assert _counter(at)[0] == 11
    assert "ضرورت اعزام معلمان توانمند به نقاط هدف (حاشیه)" in page_html(at)


def test_the_projector_can_start_from_an_agency(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run()
    at.query_params["by"] = "agency"
    at.query_params["agency"] = "2"  # Education
    at.switch_page(PROJECTOR).run()
    assert "آموزش و پرورش" in page_html(at)
    assert _counter(at)[0] == 3  # the cover, the governorate's office, then Education


def test_the_secretariat_changes_thresholds_and_bad_ones_are_refused(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/settings.py")
    keyed(at.text_input, "th_green:").input("۲۰")
    keyed(at.text_input, "th_red:").input("۵۰")
    press(at, "ذخیره", form="thresholds_").run()
    assert at.error, "a red threshold above the green one must be refused"
    keyed(at.text_input, "th_green:").input("70")
    keyed(at.text_input, "th_red:").input("10")
    press(at, "ذخیره", form="thresholds_").run()
    assert not at.error and at.success
    at.switch_page("pages/overview.py").run()
    assert "دست‌کم ۷۰٪ انجام‌شده" in page_html(at)


def test_late_rows_say_how_many_of_all_and_every_page_shows_the_rest(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run()
    assert not at.exception
    today = local_today()
    with read_session(seeded_url) as s:
        total = qo.headline(s, today)["overdue"]
        every = list(qo.overdue_rows(s, today, limit=10_000)["id"])
    assert total == len(every) > 50  # the sample has more late rows than one page
    html = page_html(at)
    assert f"ردیف‌های دارای تأخیر (۸ از {format_number(total)})" in html
    pager = at.selectbox(key="late_page")
    pages = len(pager.options)
    assert pages == -(-total // 50)
    seen: list[str] = []
    for n in range(1, pages + 1):
        at.selectbox(key="late_page").set_value(n).run()
        assert not at.exception
        caption = next(c.value for c in at.caption if "از بیشترین تأخیر" in c.value)
        first = (n - 1) * 50 + 1
        last = min(n * 50, total)
        assert caption.startswith(f"ردیف‌های {format_number(first)} تا {format_number(last)}")
        seen.append(caption)
    assert len(set(seen)) == pages


def test_the_status_chart_keeps_its_legend_outside_the_bars(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    (bars,) = [s for s in specs if s.get("encoding", {}).get("y", {}).get("field") == "agency"]
    legend = bars["config"]["legend"]
    # Vega's "top-right" (and the other corners) draw the legend inside the plot, over bars.
    assert legend["orient"] in ("top", "bottom", "left", "right")
    agencies = len(bars["encoding"]["y"]["sort"])
    assert bars["height"] >= 22 * agencies + 40  # a bar's band, and the legend's line


def test_an_agency_that_reported_today_reads_today_not_zero_days(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    from data_layer.auth import resolve_session, sign_in_url
    from data_layer.commands.assignments import AssignmentChanges, update_assignment
    from data_layer.db import write_session
    from data_layer.queries.assignments import agency_assignments

    _, token = sign_in_url(seeded_url, username="agency02", password="namune-1402")
    with write_session(seeded_url) as s:
        actor = resolve_session(s, token=token)
        assert actor.agency_id is not None
        mine = agency_assignments(s, actor.agency_id, local_today())
        first = mine.iloc[0]
        update_assignment(
            s,
            actor=actor,
            assignment_id=int(first["id"]),
            expected_version=int(first["version"]),
            changes=AssignmentChanges(next_step="گزارش امروز به دبیرخانه"),
        )
    html = page_html(make_app(seeded_url).run())
    scorecards = html[html.index('class="grid scorecards"') :]
    assert "امروز" in scorecards
    assert not re.search("(?<![۰-۹])۰ روز", html)
