"""The overview's figures two ways: our data layer, and a naive load-everything-into-pandas.

ours:  the queries ui/loaders.py's cached `overview` makes, called the same way, without
       Streamlit (so "cold": no application cache; the database's caches are as they are).
naive: pd.read_sql of whole tables (assignment, resolution, meeting, agency, evidence,
       history_entry), then the headline figures, the per-agency scorecards and the
       changes since the last meeting computed in pandas.

Both answers are compared, so the baseline is known to compute the same thing.
"""

from __future__ import annotations

import ast
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import pandas as pd

from data_layer.db import get_engine, read_session
from data_layer.models import AssignmentStatus, Verification
from data_layer.queries import overview as qo
from data_layer.queries import snapshots as qs
from data_layer.queries.meta import shows_sample_data
from data_layer.queries.resolutions import status_summary_of
from data_layer.queries.settings import get_thresholds
from data_layer.rules.lateness import STALE_DAYS
from data_layer.rules.scorecard import rag_for

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("assignment", "resolution", "meeting", "agency", "evidence", "history_entry")
# What ui/loaders.py's overview calls; checked against its source on every run.
OUR_CALLS = {
    "get_thresholds",
    "last_meeting",
    "agency_figures",
    "headline_of",
    "agency_scorecards",
    "overdue_rows",
    "changes_since",
    "neighborhoods_without_active_service",
    "neighborhood_count",
    "largest_gaps",
    "status_summary_of",
    "completion_by_month",
    "shows_sample_data",
    "record_of",
    "movement",
}
_NOT_QUERIES = {"read_session", "combine", "time", "dict", "len", "int", "sum", "to_dict"}
_NOT_QUERIES |= {"value_counts", "monthly_completions", "record_label"}


def load_drift() -> set[str]:
    """Calls ui/loaders.py's `overview` makes that this module does not (or the reverse)."""
    tree = ast.parse((ROOT / "ui" / "loaders.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "overview":
            called = {
                c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "")
                for stmt in node.body  # not the decorator
                for c in ast.walk(stmt)
                if isinstance(c, ast.Call)
            }
            return (called - _NOT_QUERIES) ^ OUR_CALLS
    return {"overview() not found in ui/loaders.py"}


def ours(url: str, today: date) -> tuple[dict[str, Any], dict[str, float]]:
    """Exactly what `load` does; returns the data and the seconds of each call."""
    spent: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        out = fn()
        spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
        return out

    with read_session(url) as s:
        thresholds = timed("get_thresholds", lambda: get_thresholds(s))
        last = timed("last_meeting", lambda: qo.last_meeting(s, today))
        since = datetime.combine(last["held_on"], dtime(0), tzinfo=UTC) if last else None
        record = timed("record_of", lambda: qs.record_of(s, int(last["id"]))) if last else None
        if record is not None:
            timed("movement", lambda: qs.movement(s, record, None))
        figures = timed("agency_figures", lambda: qo.agency_figures(s, today))
        data = {
            "headline": timed("headline_of", lambda: qo.headline_of(s, figures)),
            "cards": timed(
                "agency_scorecards",
                lambda: qo.agency_scorecards(s, today, thresholds, figures=figures),
            ),
            "late": timed("overdue_rows", lambda: qo.overdue_rows(s, today, limit=50)),
            "last": last,
            "changes": timed("changes_since", lambda: qo.changes_since(s, since))
            if since
            else None,
            "no_service": timed(
                "neighborhoods_without_active_service",
                lambda: qo.neighborhoods_without_active_service(s),
            ),
            "hoods": timed("neighborhood_count", lambda: qo.neighborhood_count(s)),
            "gaps": timed("largest_gaps", lambda: qo.largest_gaps(s, limit=8)),
            "by_agency": timed("status_summary_of", lambda: status_summary_of(figures)),
            "daily": timed("completion_by_month", lambda: qo.completion_by_month(s)),
            "thresholds": thresholds,
            "sample": timed("shows_sample_data", lambda: shows_sample_data(s)),
        }
    return data, spent


def _utc(series: pd.Series) -> pd.Series:
    """Timestamps as UTC (SQLite hands back text, PostgreSQL aware datetimes)."""
    out = pd.to_datetime(series, utc=True, format="mixed")
    return out


def naive(url: str, today: date) -> dict[str, Any]:
    """Everything loaded whole into pandas, the same figures computed there."""
    with get_engine(url).connect() as conn:
        t = {name: pd.read_sql(f"SELECT * FROM {name}", conn) for name in TABLES}
    with read_session(url) as s:  # one small settings row, as the page reads it
        thresholds = get_thresholds(s)

    a = t["assignment"]
    a = a[~a["withdrawn"].astype(bool)]
    res = t["resolution"][["id", "due_date"]].rename(columns={"id": "resolution_id"})
    a = a.merge(res, on="resolution_id", how="inner")
    due = pd.to_datetime(a["planned_date"]).fillna(pd.to_datetime(a["due_date"]))
    not_done = a["status"] != AssignmentStatus.DONE.value
    overdue = not_done & (due < pd.Timestamp(today))
    reported = _utc(a["reported_at"])
    stale_since = pd.Timestamp(
        datetime.combine(today - timedelta(days=STALE_DAYS), dtime(0), tzinfo=UTC)
    )
    verified = a["verification"].isin(
        [Verification.DOCUMENT_SEEN.value, Verification.FIELD_VERIFIED.value]
    )
    headline = {
        "resolutions": int(a["resolution_id"].nunique()),
        "rows": len(a),
        "done_verified": int(((a["status"] == AssignmentStatus.DONE.value) & verified).sum()),
        **{s.value: int((a["status"] == s.value).sum()) for s in AssignmentStatus},
        "overdue": int(overdue.sum()),
        "stale": int((not_done & (reported.isna() | (reported < stale_since))).sum()),
        "meetings": len(t["meeting"]),
    }

    # Scorecards: one row per agency with live rows.
    ev = t["evidence"]
    with_docs = set(ev.loc[~ev["withdrawn"].astype(bool), "assignment_id"]) if len(ev) else set()
    a = a.assign(
        _done=(~not_done).astype(int),
        _overdue=overdue.astype(int),
        _evidence=((a["evidence_url"].fillna("") != "") | a["id"].isin(with_docs)).astype(int),
        _reported=reported,
    )
    g = a.groupby("agency_id").agg(
        rows=("id", "size"),
        done=("_done", "sum"),
        overdue=("_overdue", "sum"),
        with_evidence=("_evidence", "sum"),
        last_update=("_reported", "max"),
    )
    names = t["agency"].set_index("id")["short_name"]
    cards = (
        g.join(names)
        .reset_index()
        .rename(columns={"agency_id": "agency_id", "short_name": "agency"})
    )
    days = [None if pd.isna(d) else (today - d.date()).days for d in cards["last_update"]]
    cards["share_done"] = cards["done"] / cards["rows"]
    cards["rag"] = [
        rag_for(sd, int(o), d, thresholds)
        for sd, o, d in zip(cards["share_done"], cards["overdue"], days, strict=True)
    ]

    # Changes since the last meeting held on or before today.
    m = t["meeting"]
    m = m.assign(held_on=pd.to_datetime(m["held_on"]))
    past = m[m["held_on"] <= pd.Timestamp(today)].sort_values(["held_on", "number"])
    changes = None
    if len(past):
        since = pd.Timestamp(past.iloc[-1]["held_on"]).tz_localize(UTC)
        h = t["history_entry"]
        h = h[(h["entity"] == "assignment") & (_utc(h["changed_at"]) >= since)]
        status = h["field"] == "status"
        ns = AssignmentStatus.NOT_STARTED.value
        changes = {
            "completed": h.loc[
                status & (h["new_value"] == AssignmentStatus.DONE.value), "entity_id"
            ].nunique(),
            "started": h.loc[
                status & (h["old_value"] == ns) & (h["new_value"] != ns), "entity_id"
            ].nunique(),
            "moved": h.loc[
                (h["field"] == "planned_date") & h["old_value"].notna(), "entity_id"
            ].nunique(),
            "since_meeting_rows_changed": h["entity_id"].nunique(),
        }
        changes = {k: int(v) for k, v in changes.items()}
    return {"headline": headline, "cards": cards, "changes": changes}


def _agree(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Where the naive answer differs from ours (empty when they agree)."""
    problems = []
    if mine["headline"] != theirs["headline"]:
        problems.append(f"headline {mine['headline']} != {theirs['headline']}")
    if mine["changes"] != theirs["changes"]:
        problems.append(f"changes {mine['changes']} != {theirs['changes']}")
    a = mine["cards"].set_index("agency_id")[["rows", "done", "overdue", "with_evidence", "rag"]]
    b = theirs["cards"].set_index("agency_id")[["rows", "done", "overdue", "with_evidence", "rag"]]
    if not a.sort_index().astype(str).equals(b.sort_index().astype(str)):
        problems.append("scorecards differ")
    return problems


def compare(url: str, today: date, repeat: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Median seconds of ours and of naive over `repeat` interleaved runs (after one warm-up)."""
    t_ours: list[float] = []
    t_naive: list[float] = []
    per_query: dict[str, list[float]] = {}
    problems: list[str] = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        mine, spent = ours(url, today)
        d_ours = time.perf_counter() - start
        start = time.perf_counter()
        theirs = naive(url, today)
        d_naive = time.perf_counter() - start
        if i == 0:
            problems = _agree(mine, theirs)
            continue
        t_ours.append(d_ours)
        t_naive.append(d_naive)
        for name, sec in spent.items():
            per_query.setdefault(name, []).append(sec)
        log(f"    naive run {i}/{repeat}: ours {d_ours:.3f} s, naive {d_naive:.3f} s")
    return {
        "ours": statistics.median(t_ours),
        "naive": statistics.median(t_naive),
        "per_query": {k: statistics.median(v) for k, v in per_query.items()},
        "problems": problems,
        "drift": sorted(load_drift()),
    }
