"""What several sessions read alike, cached once per data version for all of them.

The pages call these; the warmer (ui.warmer) calls the same functions at start and
after every change of the data version, so the first person to open a page after a
start or a save finds it computed. Every loader follows the one cache policy of
ui/cache.py; keys are the function, its arguments, the reader's scope and the data
version, so every session of one scope and the warmer share one entry, and readers of
two scopes never share one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd

from data_layer import clock
from data_layer.db import Session, read_session
from data_layer.jalali import format_jalali, to_fa_digits
from data_layer.permissions import Scope
from data_layer.queries import coverage as qc
from data_layer.queries import indicators as qi
from data_layer.queries import meetings as qm
from data_layer.queries import overview as qo
from data_layer.queries import resolutions as qr
from data_layer.queries import snapshots as qs
from data_layer.queries.agencies import list_agencies
from data_layer.queries.meta import shows_sample_data
from data_layer.queries.places import county_name, list_neighborhoods
from data_layer.queries.profile import get_profile
from data_layer.queries.resolutions import status_summary_of
from data_layer.queries.settings import get_thresholds
from data_layer.queries.setup_steps import remaining_setup_steps
from ui.cache import loader
from ui.charts import monthly_completions
from ui.meeting_record import record_label

LATE_SHOWN = 8  # late rows on the overview's first screen
LATE_PAGE = 50  # late rows a page of the overview's «همه» shows; page 1 comes with the rest
WRONG_WAY_SHOWN = 8  # wrong-way moves listed on the overview (the projector shows fewer)


@loader(spinner="در حال خواندن…")
def overview(url: str, scope: Scope, today: date, version: int) -> dict[str, Any]:
    """Every figure of the overview for one day (small frames only); a county's reader
    gets its county's figures, over its neighbourhoods and the rows that work in them."""
    c = scope.county_id
    with read_session(url) as s:
        thresholds = get_thresholds(s)
        last = qo.last_meeting(s, today)
        since = datetime.combine(last["held_on"], time(0), tzinfo=UTC) if last else None
        # The meeting's record is the province's follow-up; a county counts its own changes.
        record = qs.record_of(s, int(last["id"])) if last and c is None else None
        moved = None
        if record is not None:
            rows = qs.movement(s, record, None)
            moved = {
                **rows["movement"].value_counts().to_dict(),
                "completed": int(
                    ((rows["now_status"] == "done") & (rows["then_status"] != "done")).sum()
                ),
                "label": record_label(record),
            }
        # Every live row counted once, by agency: the headline, the scorecards and the
        # status per agency are all taken from it.
        figures = qo.agency_figures(s, today, county_id=c)
        return {
            "moved": moved,
            "headline": qo.headline_of(s, figures, county_id=c),
            "cards": qo.agency_scorecards(s, today, thresholds, county_id=c, figures=figures),
            # The first page of every late row: the first screen shows its head.
            "late": qo.overdue_rows(s, today, limit=LATE_PAGE, county_id=c),
            "last": last,
            "changes": qo.changes_since(s, since, county_id=c) if since else None,
            "no_service": qo.neighborhoods_without_active_service(s, county_id=c),
            "hoods": qo.neighborhood_count(s, county_id=c),
            "gaps": qo.largest_gaps(s, limit=8, county_id=c),
            "by_agency": status_summary_of(figures),
            "monthly": monthly_completions(qo.completion_by_month(s, county_id=c)),
            "targets": qi.target_status_counts(s, county_id=c),
            "wrong_way": qi.wrong_way_moves(s, limit=WRONG_WAY_SHOWN, county_id=c),
            "wrong_way_count": qi.wrong_way_count(s, county_id=c),
            "thresholds": thresholds,
            "sample": shows_sample_data(s),
            "steps": remaining_setup_steps(s) if c is None else [],
            "county": county_name(s, c) if c is not None else None,
        }


def _hood_names(s: Session) -> dict[int, str]:
    """Every active neighborhood, id -> «name (county)», by priority (the slide picker)."""
    hoods = list_neighborhoods(s)
    return {
        int(i): f"{n} ({c})"
        for i, n, c in zip(hoods["id"], hoods["name"], hoods["county"], strict=True)
    }


@loader()
def projector(
    url: str, scope: Scope, today: date, meeting_number: int | None, version: int
) -> dict[str, Any]:
    """The reviewed meeting's rows and the figures of the summary slides."""
    with read_session(url) as s:
        meetings = qr.list_meetings(s)
        if meeting_number is not None and meeting_number in set(meetings["number"]):
            meeting_id = int(meetings.loc[meetings["number"] == meeting_number, "id"].iloc[0])
        else:
            last = qo.last_meeting(s, today, with_resolutions=True)
            meeting_id = int(last["id"]) if last else int(meetings["id"].iloc[0])
        cells = qr.follow_up_matrix(s, meeting_id, today)
        headline = qo.headline(s, today, meeting_id=meeting_id)  # the cover's meeting
        # The follow-up reviewed at the next meeting is its record, when it was taken.
        record = qs.record_for_review(s, meeting_id)
        stamp, then_now = "", None
        if record is not None:
            cells = qs.apply_record(cells, qs.record_rows(s, record.id), record.as_of_day)
            headline = {**headline, **qs.cell_figures(cells)}
            stamp = record_label(record)
        earlier = qs.previous_record(s, record, clock.now())
        if earlier is not None:
            moved = qs.movement(s, earlier, record)
            then_now = (
                f"جلسه {to_fa_digits(earlier.meeting_number)} ({format_jalali(earlier.as_of_day)})",
                stamp or "اکنون",
                qs.movement_by(s, moved, "agency"),
            )
        return {
            "meeting": qr.meeting_header(s, meeting_id),
            "resolutions": qr.meeting_resolutions(s, meeting_id),
            "cells": cells,
            "headline": headline,
            "stamp": stamp,
            "then_now": then_now,
            "cards": qo.agency_scorecards(s, today, get_thresholds(s)),
            "no_service": qo.neighborhoods_without_active_service(s),
            "hoods": qo.neighborhood_count(s),
            "gaps": qo.largest_gaps(s, limit=6),
            "targets": qi.target_status_counts(s),
            "wrong_way": qi.wrong_way_moves(s, limit=WRONG_WAY_SHOWN),
            "wrong_way_count": qi.wrong_way_count(s),
            "hood_names": _hood_names(s),
            "profile": get_profile(s),
        }


@loader(spinner="در حال محاسبه…")
def gaps(url: str, scope: Scope, version: int) -> dict[str, Any]:
    """Gaps rolled up three ways, and the service ratios (small frames); a county's
    reader gets its county's gaps, and no ratios (an agency's capacity is the province's)."""
    c = scope.county_id
    with read_session(url) as s:
        return {
            "neighborhood": qc.gaps(s, by="neighborhood", limit=200, county_id=c),
            "county": qc.gaps(s, by="county", county_id=c),
            "service": qc.gaps(s, by="service", county_id=c),
            "ratios": qc.service_ratios(s) if c is None else None,
            "sample": shows_sample_data(s),
        }


@loader()
def meetings(
    url: str, scope: Scope, today: date, version: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The meetings' table and the agencies, once per data version for every session."""
    with read_session(url) as s:
        return qm.meetings_table(s, today), list_agencies(s)
