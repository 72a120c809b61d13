"""The sample province's figures, exactly as the rules gave them before each rule moved to
one home (data_layer/rules/, issue 21): moving a rule must not change one figure.

`figures_of(session, today)` reads every figure the overview, the projector, coverage,
gaps, reports, the follow-up matrix, the carry-over agenda, the backlog, the letters and
the meeting report show, through the same functions the screens call, and turns them into
plain JSON. `sample_figures.json` beside this file holds what they were on 2026-11-28
before the move; both databases must give exactly that.

When a rule changes on purpose, write the file again and say why in the commit:

    .venv/bin/python -m tests.data_layer.test_figures_unchanged
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
from sqlmodel import Session

from data_layer import clock

GOLDEN = Path(__file__).with_name("sample_figures.json")
AS_OF = date(2026, 11, 28)


def _value(v: Any) -> Any:
    """One cell as JSON: floats to 9 significant digits, moments in UTC, NaN/NA as None."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, datetime):
        aware = v if v.tzinfo else v.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, str | bytes):  # numpy scalars
        v = v.item()
    if isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else float(f"{v:.9g}")
    if isinstance(v, dict):
        return {str(k): _value(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0]))}
    if isinstance(v, list | tuple):
        return [_value(x) for x in v]
    if is_dataclass(v) and not isinstance(v, type):
        return _value(asdict(v))
    return repr(v)


def _frame(df: pd.DataFrame, drop: Iterable[str] = ()) -> dict[str, Any]:
    """A frame as its columns and its rows, in the order the query gave them."""
    df = df.drop(columns=[c for c in drop if c in df.columns])
    return {
        "columns": [str(c) for c in df.columns],
        "rows": [[_value(v) for v in row] for row in df.itertuples(index=False)],
    }


def _overview(s: Session, today: date) -> dict[str, Any]:
    from data_layer.queries import overview as qo
    from data_layer.queries.resolutions import agency_status_summary
    from data_layer.queries.settings import get_thresholds

    last = qo.last_meeting(s, today)
    assert last is not None
    reviewed = qo.last_meeting(s, today, with_resolutions=True)
    assert reviewed is not None
    since = datetime.combine(last["held_on"], time(0), tzinfo=UTC)
    return {
        "headline": _value(qo.headline(s, today)),
        "headline_10_days": _value(qo.headline(s, today, 10)),
        "headline_reviewed": _value(qo.headline(s, today, meeting_id=int(reviewed["id"]))),
        "scorecards": _frame(qo.agency_scorecards(s, today, get_thresholds(s))),
        "overdue_rows": _frame(qo.overdue_rows(s, today, limit=1000)),
        "changes_since_last_meeting": _value(qo.changes_since(s, since)),
        "last_meeting": _value(last),
        "reviewed_meeting": _value(reviewed),
        "without_service": _frame(qo.neighborhoods_without_active_service(s)),
        "neighborhoods": qo.neighborhood_count(s),
        "largest_gaps": _frame(qo.largest_gaps(s, limit=1000)),
        "completion_by_day": _frame(qo.completion_by_month(s)),
        "letters_by_agency": _value(qo.letters_by_agency(s)),
        "status_by_agency": _frame(agency_status_summary(s, None, today)),
    }


def _coverage(s: Session, today: date) -> dict[str, Any]:
    from data_layer.queries import coverage as qc
    from data_layer.queries import periods as qp
    from data_layer.queries.settings import get_report_rule
    from data_layer.rules.completeness import ReportRule

    matrix = qc.coverage_matrix(s)
    first_county = sorted({int(i) for i in matrix["neighborhood_id"]})[:1]
    figures: dict[str, Any] = {
        "matrix": _frame(matrix),
        "matrix_ranked_5": _frame(qc.coverage_matrix(s, max_priority=5)),
        "matrix_one_neighborhood_kind": _frame(
            qc.coverage_matrix(s, kinds=[str(matrix["kind"].iloc[0])])
        ),
        "gaps_by_neighborhood": _frame(qc.gaps(s, by="neighborhood")),
        "gaps_by_county": _frame(qc.gaps(s, by="county")),
        "gaps_by_service": _frame(qc.gaps(s, by="service")),
        "ratios": _frame(qc.service_ratios(s)),
        "deliveries": _frame(qc.delivery_rows(s)),
        "first_neighborhood": _value(qc.neighborhood_profile(s, first_county[0])),
    }
    for agency_id in sorted({int(a) for a in qc.delivery_rows(s)["agency_id"]}):
        own = qc.coverage_matrix(s, agency_id=agency_id)
        own = own[own["delivered"] > 0][
            ["neighborhood_id", "service_type_id", "delivered", "level"]
        ]
        figures[f"matrix_agency_{agency_id}"] = _frame(own)
    rule = get_report_rule(s)
    for kind in ("season", "month"):
        periods = qp.recent_periods(ReportRule(period_kind=kind), today, count=6)
        figures[f"completeness_{kind}"] = _frame(
            qp.report_completeness(
                s,
                rule=ReportRule(kind, rule.days_after_period_end),
                periods=periods,
                today=today,
            )
        )
    return figures


def _follow_up(s: Session, today: date) -> dict[str, Any]:
    from data_layer.documents.report import meeting_report_data
    from data_layer.queries import meetings as qm
    from data_layer.queries import resolutions as qr
    from data_layer.queries.assignments import agency_assignments
    from data_layer.queries.backlog import BacklogFilter, backlog_rows
    from data_layer.queries.ladder import due_board

    figures: dict[str, Any] = {"meetings": _frame(qm.meetings_table(s, today))}
    for meeting_id in sorted(int(i) for i in qr.list_meetings(s)["id"]):
        figures[f"meeting_{meeting_id}"] = {
            "resolutions": _frame(qr.meeting_resolutions(s, meeting_id)),
            "matrix": _frame(qr.follow_up_matrix(s, meeting_id, today)),
            "carry_over": _frame(qm.carry_over(s, meeting_id, today)),
            "by_agency": _frame(qr.agency_status_summary(s, meeting_id, today)),
        }
        report = meeting_report_data(s, meeting_id, today)
        figures[f"report_{meeting_id}"] = {
            "figures": _value(report.figures),
            "mean_progress": _value(report.mean_progress),
            "rows": _frame(report.rows[["id", "overdue", "days_late"]]),
            "resolutions": _frame(report.resolutions[["number", "overdue"]]),
        }
    figures["backlog_overdue"] = _frame(backlog_rows(s, today, BacklogFilter(overdue_only=True)))
    board, rows_of = due_board(s, today, every=True)
    figures["letters_due"] = _frame(board)
    figures["letter_rows"] = {
        str(a): _frame(rows[["id", "overdue", "days_late", "unreported"]])
        for a, rows in sorted(rows_of.items())
    }
    figures["agency_2_rows"] = _frame(agency_assignments(s, 2, today))
    return figures


def figures_of(session: Session, today: date) -> dict[str, Any]:
    """Every figure the screens show of the data in `session`, as plain JSON values."""
    return {
        "overview": _overview(session, today),
        "coverage": _coverage(session, today),
        "follow_up": _follow_up(session, today),
    }


def _differences(expected: Any, found: Any, where: str = "") -> list[str]:
    """Where two JSON values differ (the first few places), for a readable failure."""
    if isinstance(expected, dict) and isinstance(found, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(found)):
            if key not in found or key not in expected:
                out.append(f"{where}/{key}: only in {'expected' if key in expected else 'found'}")
            else:
                out += _differences(expected[key], found[key], f"{where}/{key}")
        return out
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        return [
            d
            for i, (e, f) in enumerate(zip(expected, found, strict=True))
            for d in _differences(e, f, f"{where}[{i}]")
        ]
    return [] if expected == found else [f"{where}: expected {expected!r}, found {found!r}"]


def test_the_sample_figures_are_the_ones_before_the_rules_moved(seeded_url: str) -> None:
    from data_layer.db import read_session

    with read_session(seeded_url) as s:
        found = json.loads(json.dumps(figures_of(s, AS_OF)))
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert found == expected, _differences(expected, found)[:20]


def _dump(value: Any, depth: int = 0) -> str:
    """JSON with one line per table row, so a changed figure is a one-line diff."""
    if isinstance(value, dict) and value:
        pad = " " * (depth + 1)
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, depth + 1)}"
            for k, v in sorted(value.items())
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        pad = " " * (depth + 1)
        rows = [pad + json.dumps(v, ensure_ascii=False) for v in value]
        return "[\n" + ",\n".join(rows) + "\n" + " " * depth + "]"
    return json.dumps(value, ensure_ascii=False)


def main() -> None:
    """Write sample_figures.json from a freshly seeded SQLite database."""
    os.environ[clock.SHIFT_ENV] = str(clock.shift_to(AS_OF))
    from data_layer.db import dispose_engine, read_session
    from data_layer.migrate import upgrade
    from data_layer.seed import seed

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'figures.db'}"
        upgrade(url)
        seed(url, sample=True, as_of=AS_OF)
        with read_session(url) as s:
            figures = figures_of(s, AS_OF)
        dispose_engine(url)
    GOLDEN.write_text(_dump(json.loads(json.dumps(figures))) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
