"""The neighborhoods' indicators on the overview and the projector: how many targets are
on track, the neighborhoods whose indicator got worse, and one neighborhood's slide."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.jalali import format_number, to_ascii_digits
from data_layer.queries.indicators import target_status_counts, wrong_way_moves
from tests.dossier_world import furnish, give_indicator, other_hood
from tests.pages.conftest import page_html

PROJECTOR = "pages/projector.py"


def _kpis(html: str) -> dict[str, int]:
    found = re.findall(r'<div class="v">([^<]+)</div><div class="l">([^<]+)</div>', html)
    return {label: int(to_ascii_digits(value)) for value, label in found}


def test_the_overview_counts_targets_and_lists_the_wrong_way_with_dossier_links(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    hood = furnish(seeded_url)  # off track, and worse than the season before
    # a second target, on track: higher is better, 40 → 60, already 58 after a year
    give_indicator(
        seeded_url,
        hood.id,
        name="سرانه عضویت کتابخانه",
        direction="higher",
        baseline=(1404, 2, 40.0),
        target=(60.0, date(2027, 3, 20)),
        values=((1404, 4, 50.0), (1405, 2, 58.0)),
    )
    with read_session(seeded_url) as s:
        counts = target_status_counts(s)
        wrong = wrong_way_moves(s)
    ours = wrong[wrong["neighborhood_id"] == hood.id]
    assert "نرخ ترک تحصیل" in set(ours["indicator"])
    assert "سرانه عضویت کتابخانه" not in set(ours["indicator"])  # it got better
    at = make_app(seeded_url).run().switch_page("pages/overview.py").run()
    assert not at.exception
    html = page_html(at)
    kpis = _kpis(html)
    assert kpis["▲ در مسیر هدف"] == counts["on_track"] >= 1
    assert kpis["▼ دور از هدف"] == counts["off_track"] >= 1
    assert kpis["○ بدون داده"] == counts["no_data"]
    assert f"({format_number(len(wrong))}؛" in html
    for m in wrong.head(8).to_dict("records"):  # each opens its dossier
        assert f'<a href="/dossier?id={m["neighborhood_id"]}"' in html


def test_the_projector_opens_a_neighborhoods_slide_and_counts_targets(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    hood = furnish(seeded_url)
    at = make_app(seeded_url).run()
    at.query_params["hood"] = str(hood.id)
    at.switch_page(PROJECTOR).run()
    assert not at.exception
    html = page_html(at)
    assert re.search(r'class="pcount">۲ / ', html), "opens on the neighborhood's slide"
    assert f"محله {hood.name}" in html
    assert "▼ دور از هدف" in html and "نرخ ترک تحصیل" in html
    assert "کمبود فضای آموزشی" in html  # its first problem
    # the picker changes the neighborhood, back on the slide after the cover
    other, other_name = other_hood(seeded_url, hood.id)
    at.selectbox(key="hood_pick").select(other).run()
    assert f"محله {other_name}" in page_html(at)
    # the indicators' slide: the last one
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()
    html = page_html(at)
    assert "شاخص‌های محلات: اهداف در مسیر" in html
    with read_session(seeded_url) as s:
        counts = target_status_counts(s)
    assert f"<b>{format_number(counts['off_track'])}</b><span>▼ دور از هدف" in html
