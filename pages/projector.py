"""حالت ارائه: the meeting's follow-up on a projector, slide by slide.

Open straight into it with query parameters, e.g.
/projector?by=agency&slide=3&auto=20 (by: resolution|agency; auto: seconds, 0 = off;
agency: an agency id to start from; meeting: a meeting number).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from data_layer.jalali import format_number, local_today
from data_layer.permissions import Readable
from ui import dossier_view as dv
from ui import loaders
from ui import slides as sl
from ui.freshness import current_version, keep_fresh
from ui.html import Html, show, stylesheet
from ui.pickers import distinct
from ui.session import page_reader

CSS = (Path(__file__).resolve().parents[1] / "assets" / "projector.css").read_text(encoding="utf-8")


def build_slides(data: dict[str, Any], today: date, by: str) -> list[sl.Slide]:
    """Cover, one slide per resolution (or agency), then scorecards, coverage, gaps."""
    meeting, cells = data["meeting"], data["cells"]
    stamp = data["stamp"]
    deck = [sl.cover(meeting, today, data["headline"], data["profile"], stamp)]
    if data["then_now"] is not None:
        since, until, summary = data["then_now"]
        deck.append(sl.then_now_slide(summary, since, until))
    if by == "agency":
        for agency_id, grp in cells.sort_values("agency_order").groupby("agency_id", sort=False):
            deck.append(
                sl.agency_slide(
                    meeting["number"], grp["agency"].iloc[0], int(agency_id), grp, stamp
                )
            )
    else:
        total = len(data["resolutions"])
        for _, res in data["resolutions"].iterrows():
            grp = cells[cells["resolution_number"] == res["number"]]
            deck.append(sl.resolution_slide(meeting["number"], res, grp, total, stamp))
    deck.append(sl.scorecards_slide(data["cards"], now_note=bool(stamp)))
    deck.append(sl.coverage_slide(data["no_service"], data["hoods"]))
    deck.append(sl.gaps_slide(data["gaps"]))
    deck.append(sl.indicators_slide(data["targets"], data["wrong_way"], data["wrong_way_count"]))
    return deck


def _int_param(name: str, default: int) -> int:
    try:
        return int(st.query_params.get(name, default))
    except ValueError:
        return default


show(stylesheet(CSS))
url, reader = page_reader(Readable.PROJECTOR)
today = local_today()
by = "agency" if st.query_params.get("by") == "agency" else "resolution"
meeting_param = st.query_params.get("meeting")
version = current_version(url)
meeting_number = int(meeting_param) if meeting_param and meeting_param.isdigit() else None
data = loaders.projector(url, reader.scope, today, meeting_number, version)
if data["meeting"] is None:
    st.info("هنوز جلسه‌ای ثبت نشده است.")
    st.stop()
deck = build_slides(data, today, by)
# A meeting that reviews one neighborhood: its slide comes right after the cover
# (?hood=<id> opens on it; the picker below changes it).
hood_names: dict[int, str] = data["hood_names"]
if "hood_slide" not in st.session_state:
    asked_hood = _int_param("hood", 0)
    st.session_state.hood_slide = asked_hood if asked_hood in hood_names else None
hood_dossier = (
    dv.dossier(url, reader.scope, st.session_state.hood_slide, today, version)
    if st.session_state.hood_slide is not None
    else None
)
if hood_dossier is not None:
    deck.insert(1, sl.neighborhood_slide(hood_dossier))

# The slide shown lives in the session; the URL only sets where to start.
if st.session_state.get("deck_by") != by or "slide" not in st.session_state:
    start = _int_param("slide", 2 if hood_dossier is not None else 1) - 1
    agency = _int_param("agency", 0)
    if agency:
        start = next((i for i, s in enumerate(deck) if s.agency_id == agency), start)
    st.session_state.slide = min(max(start, 0), len(deck) - 1)
    st.session_state.deck_by = by
    st.session_state.shown_at = time.monotonic()


def go(step: int) -> None:
    """Move by `step` slides, wrapping around."""
    st.session_state.slide = (st.session_state.slide + step) % len(deck)
    st.session_state.shown_at = time.monotonic()


auto = max(0, _int_param("auto", 0))
auto = st.session_state.get("auto_seconds", auto)


@st.fragment(run_every=auto if auto else None)
def current_slide() -> None:
    """The current slide; with auto-advance this reruns itself every `auto` seconds."""
    if auto and time.monotonic() - st.session_state.shown_at >= auto - 0.5:
        go(1)
    i = st.session_state.slide
    count = f"{format_number(i + 1)} / {format_number(len(deck))}"
    show(Html('<div class="deck"><div class="pcount">{}</div>{}</div>').format(count, deck[i].html))
    st.query_params["slide"] = str(i + 1)


current_slide()
# One row of controls under the deck (the deck is sized to leave room for one row).
c = st.columns([1.2, 1.4, 1.8, 2.1, 1.9, 1.0])
c[0].button("قبلی ▶", key="prev", on_click=go, args=(-1,), width="stretch")
c[1].button("◀ بعدی", key="next", on_click=go, args=(1,), width="stretch", type="primary")
c[2].toggle("نمایش خودکار", value=bool(auto), key="auto_on")
titles = [f"{format_number(i + 1)}. {s.title}" for i, s in enumerate(deck)]


def jump() -> None:
    """Go to the slide picked in the list, then clear the picker."""
    if st.session_state.jump is not None:
        st.session_state.slide = st.session_state.jump
        st.session_state.shown_at = time.monotonic()
        st.session_state.jump = None


c[3].selectbox(
    "رفتن به",
    range(len(deck)),
    format_func=titles.__getitem__,
    index=None,
    placeholder="رفتن به اسلاید…",
    key="jump",
    on_change=jump,
    label_visibility="collapsed",
)
c[5].page_link("pages/overview.py", label="خروج", icon=":material/close:")


def review_hood() -> None:
    """Show the picked neighborhood's slide, right after the cover."""
    picked = st.session_state.hood_pick
    st.session_state.hood_slide = picked
    st.session_state.slide = 1 if picked is not None else 0
    st.session_state.shown_at = time.monotonic()
    if picked is None:
        st.query_params.pop("hood", None)
    else:
        st.query_params["hood"] = str(picked)


hood_names = distinct(hood_names)
c[4].selectbox(
    "محلهٔ مورد بررسی",
    list(hood_names),
    index=list(hood_names).index(st.session_state.hood_slide)
    if st.session_state.hood_slide in hood_names
    else None,
    format_func=hood_names.__getitem__,
    placeholder="اسلاید محله…",
    key="hood_pick",
    on_change=review_hood,
    label_visibility="collapsed",
)
wanted = (auto or 20) if st.session_state.auto_on else 0
if wanted != auto:
    st.session_state.auto_seconds = wanted
    st.query_params["auto"] = str(wanted)
    st.rerun()

keep_fresh(url, version)
