"""The screen's HTML helpers escape what they are given: a caller hands them raw user
text and does nothing else, and the HTML they return holds it as text only."""

from __future__ import annotations

import pandas as pd
import pytest

from data_layer.output import strip_bidi
from tests.hostile import CORPUS, raw_markup
from tests.pages.conftest import shown
from ui.slides import gaps_slide
from ui.status import chip
from ui.tables import html_table, movement_html, scorecards_html

TYPED = "\n".join(CORPUS)


def _as_text(html: str) -> str:
    """What a person reads of a fragment: the corpus line by line, joined again."""
    return shown(str(html).replace("<br>", "\n"))


@pytest.mark.parametrize("typed", CORPUS)
def test_a_table_cell_given_raw_user_text_shows_it_as_text(typed: str) -> None:
    html = html_table([typed], [[typed, typed]], "registry")
    assert not raw_markup(html), raw_markup(html)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert html.count("<td>") == 2 and html.count("<th>") == 1
    assert _as_text(html).count(strip_bidi(typed)) == 3  # as typed, minus bidi controls


def test_every_helper_given_the_whole_corpus_returns_it_as_text() -> None:
    cards = pd.DataFrame(
        [
            {
                "agency": TYPED,
                "rag": "red",
                "share_done": 0.5,
                "share_on_time": 0.5,
                "share_evidence": 0.5,
                "days_since_update": 3,
                "overdue": 2,
                "letters": 1,
                "unanswered": 1,
            }
        ]
    )
    moved = pd.DataFrame(
        [{"name": TYPED, "back": 1, "stalled": 0, "forward": 2, "then_progress": 10.0,
          "now_progress": 40.0}]
    )  # fmt: skip
    gaps = pd.DataFrame(
        [{"neighborhood": TYPED, "county": TYPED, "service": TYPED, "need": 4.0,
          "delivered": 1.0, "gap": 3.0, "unit": TYPED, "unmet_share": 0.75,
          "owner_agency": TYPED}]
    )  # fmt: skip
    for html in (
        scorecards_html(cards),
        movement_html(moved),
        gaps_slide(gaps).html,
        chip("done", TYPED),
    ):
        assert not raw_markup(html), raw_markup(html)
        assert strip_bidi(TYPED) in _as_text(html)
