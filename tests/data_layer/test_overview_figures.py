"""The overview reads its live rows once (`agency_figures`) and takes the headline, the
scorecards and the status per agency from that pass. Every figure must equal what the
three separate reads gave before: the old reads are kept here, as they were, and both
are compared on the sample province (with documents, withdrawn rows and county links
added) for several days, on SQLite and PostgreSQL, province-wide and for one county.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from data_layer.db import read_session, write_session
from data_layer.models import (
    Agency,
    Assignment,
    AssignmentStatus,
    Evidence,
    HistoryEntry,
    Meeting,
    Neighborhood,
    Resolution,
)
from data_layer.models_dossier import AssignmentNeighborhood
from data_layer.queries import overview as qo
from data_layer.queries.county import row_in_county
from data_layer.queries.resolutions import status_summary_of
from data_layer.queries.settings import get_thresholds
from data_layer.rules.completeness import share_done_of
from data_layer.rules.lateness import (
    STALE_DAYS,
    days_late,
    days_since,
    effective_due,
    is_overdue,
    is_stale,
)
from data_layer.rules.scorecard import RAG_ORDER, Thresholds, rag_for

DAYS = (date(2026, 3, 1), date(2026, 9, 15), date(2026, 11, 28), date(2027, 2, 1))


# --- the reads as they were before (reference) -------------------------------------------


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def old_headline(
    session: Session, today: date, stale_days: int = STALE_DAYS, *, county_id: int | None = None
) -> dict[str, int]:
    status = col(Assignment.status)
    figures: dict[str, ColumnElement[Any]] = {
        "resolutions": func.count(func.distinct(col(Assignment.resolution_id))),
        "rows": func.count(col(Assignment.id)),
        "done_verified": _count_if(qo.done_and_verified()),
        **{s.value: _count_if(status == s.value) for s in AssignmentStatus},
        "overdue": _count_if(is_overdue(today)),
        "stale": _count_if(is_stale(today, stale_days)),
        "meetings": select(func.count(col(Meeting.id))).scalar_subquery(),
    }
    stmt = (
        select(*(v.label(k) for k, v in figures.items()))
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .where(col(Assignment.withdrawn).is_(False), row_in_county(col(Assignment.id), county_id))
    )
    row = session.execute(stmt).one()
    return {k: int(v or 0) for k, v in zip(figures, row, strict=True)}


def old_scorecard_counts(session: Session, today: date, county_id: int | None) -> pd.DataFrame:
    docs = (
        select(col(Evidence.assignment_id).label("assignment_id"))
        .where(col(Evidence.withdrawn).is_(False))
        .group_by(col(Evidence.assignment_id))
        .subquery()
    )
    has_evidence = (col(Assignment.evidence_url) != "") | docs.c.assignment_id.is_not(None)
    stmt = (
        select(
            col(Agency.id),
            col(Agency.short_name),
            func.count(col(Assignment.id)),
            _count_if(col(Assignment.status) == AssignmentStatus.DONE.value),
            _count_if(is_overdue(today)),
            _count_if(has_evidence),
            func.max(col(Assignment.reported_at)),
        )
        .select_from(Assignment)
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .outerjoin(docs, docs.c.assignment_id == col(Assignment.id))
        .where(col(Assignment.withdrawn).is_(False), row_in_county(col(Assignment.id), county_id))
        .group_by(col(Agency.id), col(Agency.short_name))
    )
    cols = ["agency_id", "agency", "rows", "done", "overdue", "with_evidence", "last_update"]
    df = _frame(session.execute(stmt).all(), cols)
    for name in cols[2:6]:
        df[name] = df[name].astype(int)
    return df


def old_agency_scorecards(
    session: Session, today: date, thresholds: Thresholds, *, county_id: int | None = None
) -> pd.DataFrame:
    df = old_scorecard_counts(session, today, county_id)
    days = [days_since(d, today) for d in df["last_update"]]
    df["days_since_update"] = pd.Series(days, index=df.index, dtype=object)
    df["share_done"] = share_done_of(df["done"], df["rows"])
    df["share_on_time"] = (1 - df["overdue"] / df["rows"]).astype(float)
    df["share_evidence"] = (df["with_evidence"] / df["rows"]).astype(float)
    df["rag"] = [
        rag_for(s, int(o), d, thresholds)
        for s, o, d in zip(df["share_done"], df["overdue"], days, strict=True)
    ]
    letters = qo.letters_by_agency(session)
    df["letters"] = [letters.get(int(i), (0, 0))[0] for i in df["agency_id"]]
    df["unanswered"] = [letters.get(int(i), (0, 0))[1] for i in df["agency_id"]]
    df["_rank"] = df["rag"].map(RAG_ORDER)
    df = df.sort_values(
        ["_rank", "share_done", "overdue", "agency"], ascending=[True, True, False, True]
    )
    return df.drop(columns="_rank").reset_index(drop=True)


def old_agency_status_summary(
    session: Session, today: date, *, county_id: int | None = None
) -> pd.DataFrame:
    def count_status(status: AssignmentStatus) -> ColumnElement[Any]:
        return func.sum(case((col(Assignment.status) == status.value, 1), else_=0))

    stmt = (
        select(
            col(Agency.id).label("agency_id"),
            col(Agency.short_name).label("agency"),
            func.count(col(Assignment.id)).label("rows"),
            count_status(AssignmentStatus.DONE).label("done"),
            count_status(AssignmentStatus.IN_PROGRESS).label("in_progress"),
            count_status(AssignmentStatus.NOT_STARTED).label("not_started"),
            count_status(AssignmentStatus.BLOCKED).label("blocked"),
            count_status(AssignmentStatus.NEEDS_FOLLOW_UP).label("needs_follow_up"),
            func.sum(case((is_overdue(today), 1), else_=0)).label("overdue"),
            func.avg(col(Assignment.progress)).label("mean_progress"),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(col(Assignment.withdrawn) == False, row_in_county(col(Assignment.id), county_id))  # noqa: E712
        .group_by(col(Agency.id), col(Agency.short_name))
    )
    cols = ["agency_id", "agency", "rows", "done", "in_progress", "not_started", "blocked"]
    cols += ["needs_follow_up", "overdue", "mean_progress"]
    df = _frame(session.execute(stmt).all(), cols)
    for name in cols[2:-1]:
        df[name] = df[name].astype(int)
    df["mean_progress"] = df["mean_progress"].astype(float)
    df["done_share"] = share_done_of(df["done"], df["rows"])
    return df.sort_values(
        ["overdue", "done_share", "agency"], ascending=[False, True, True]
    ).reset_index(drop=True)


def old_changes_since(
    session: Session, since: datetime, *, county_id: int | None = None
) -> dict[str, int]:
    h = HistoryEntry
    is_status = col(h.field) == "status"
    not_started = AssignmentStatus.NOT_STARTED.value

    def rows_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.count(func.distinct(case((condition, col(h.entity_id)))))

    figures = {
        "completed": rows_where(and_(is_status, col(h.new_value) == AssignmentStatus.DONE.value)),
        "started": rows_where(
            and_(is_status, col(h.old_value) == not_started, col(h.new_value) != not_started)
        ),
        "moved": rows_where(and_(col(h.field) == "planned_date", col(h.old_value).is_not(None))),
        "since_meeting_rows_changed": func.count(func.distinct(col(h.entity_id))),
    }
    stmt = select(*figures.values()).where(
        col(h.entity) == "assignment",
        col(h.changed_at) >= since,
        row_in_county(col(h.entity_id), county_id),
    )
    row = session.execute(stmt).one()
    return {k: int(v or 0) for k, v in zip(figures, row, strict=True)}


def old_overdue_rows(
    session: Session, today: date, limit: int = 50, offset: int = 0, *, county_id: int | None = None
) -> pd.DataFrame:
    due = effective_due()
    stmt = (
        select(
            col(Assignment.id),
            col(Meeting.number),
            col(Resolution.number),
            col(Resolution.text),
            col(Agency.short_name),
            due,
            col(Assignment.reschedule_count),
            col(Assignment.status),
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(
            col(Assignment.withdrawn).is_(False),
            is_overdue(today),
            row_in_county(col(Assignment.id), county_id),
        )
        .order_by(due, col(Agency.short_name), col(Assignment.id))
        .limit(limit)
        .offset(offset)
    )
    cols = ["id", "meeting_number", "resolution_number", "resolution_text", "agency", "due"]
    df = _frame(session.execute(stmt).all(), [*cols, "reschedule_count", "status"])
    df.insert(6, "days_late", pd.Series([days_late(d, today) for d in df["due"]], dtype=int))
    return df


# --- the dataset ---------------------------------------------------------------------------


def _spread(url: str) -> int:
    """Documents (one withdrawn), withdrawn rows and county links on the sample province;
    returns a county whose neighbourhoods some rows name."""
    with write_session(url) as s:
        ids = [int(i) for i in s.execute(select(col(Assignment.id)).order_by("id")).scalars()]
        hoods = s.execute(
            select(col(Neighborhood.id), col(Neighborhood.county_id)).order_by("id")
        ).all()
        for n, row_id in enumerate(ids[::7]):
            s.add(
                Evidence(
                    assignment_id=row_id, filename="x.pdf", content_type="application/pdf",
                    size_bytes=1, sha256="0" * 64, content=b"x", withdrawn=n % 3 == 0,
                )
            )  # fmt: skip
        s.execute(
            update(Assignment).where(col(Assignment.id).in_(ids[3::11])).values(withdrawn=True)
        )
        for n, row_id in enumerate(ids[::3]):
            hood = hoods[n % len(hoods)]
            s.add(AssignmentNeighborhood(assignment_id=row_id, neighborhood_id=int(hood[0])))
    return int(hoods[0][1])


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-12)


@pytest.fixture
def spread(seeded_url: str) -> tuple[str, int]:
    return seeded_url, _spread(seeded_url)


@pytest.mark.parametrize("in_county", [False, True], ids=["province", "county"])
def test_one_pass_gives_every_figure_the_three_reads_gave(
    spread: tuple[str, int], in_county: bool
) -> None:
    url, county = spread
    c = county if in_county else None
    with read_session(url) as s:
        thresholds = get_thresholds(s)
        for today in DAYS:
            figures = qo.agency_figures(s, today, county_id=c)
            assert len(figures) > 0
            assert qo.headline_of(s, figures, county_id=c) == old_headline(s, today, county_id=c)
            _same(
                qo.agency_scorecards(s, today, thresholds, county_id=c, figures=figures),
                old_agency_scorecards(s, today, thresholds, county_id=c),
            )
            _same(status_summary_of(figures), old_agency_status_summary(s, today, county_id=c))
            # the reads the other screens still make give the same as before too
            assert qo.headline(s, today, county_id=c) == old_headline(s, today, county_id=c)
            _same(
                qo.agency_scorecards(s, today, thresholds, county_id=c),
                old_agency_scorecards(s, today, thresholds, county_id=c),
            )


def test_one_pass_on_an_empty_database(db_url: str) -> None:
    today = date(2026, 11, 28)
    with read_session(db_url) as s:
        figures = qo.agency_figures(s, today)
        assert qo.headline_of(s, figures) == old_headline(s, today)
        assert qo.agency_scorecards(s, today, Thresholds(), figures=figures).empty
        assert status_summary_of(figures).empty


def test_a_county_with_no_rows_counts_nothing(spread: tuple[str, int]) -> None:
    url, _ = spread
    with read_session(url) as s:
        today = datetime(2026, 11, 28, tzinfo=UTC).date()
        figures = qo.agency_figures(s, today, county_id=-1)
        assert figures.empty
        assert qo.headline_of(s, figures, county_id=-1) == old_headline(s, today, county_id=-1)


@pytest.mark.parametrize("in_county", [False, True], ids=["province", "county"])
def test_changes_since_each_meeting_as_before(spread: tuple[str, int], in_county: bool) -> None:
    url, county = spread
    c = county if in_county else None
    with write_session(url) as s:  # a rescheduled row, so «moved» is not always zero
        first = s.execute(select(col(Assignment.id)).order_by("id")).scalars().first()
        s.add(
            HistoryEntry(
                entity="assignment", entity_id=first, field="planned_date",
                old_value="2026-10-01", new_value="2026-12-01",
                changed_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
        )  # fmt: skip
    with read_session(url) as s:
        held = [d for d in s.execute(select(col(Meeting.held_on))).scalars()]
        moments = [datetime.combine(d, datetime.min.time(), tzinfo=UTC) for d in held]
        moments += [datetime(2020, 1, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)]
        moments += [datetime(2030, 1, 1, tzinfo=UTC)]
        seen = []
        for since in moments:
            found = qo.changes_since(s, since, county_id=c)
            assert found == old_changes_since(s, since, county_id=c)
            seen.append(found)
    assert any(f["moved"] for f in seen) and any(f["completed"] for f in seen)
    assert seen[-1] == dict.fromkeys(seen[-1], 0)


@pytest.mark.parametrize("in_county", [False, True], ids=["province", "county"])
def test_late_rows_pages_as_before(spread: tuple[str, int], in_county: bool) -> None:
    url, county = spread
    c = county if in_county else None
    with write_session(url) as s:  # planned dates, some tied with resolutions' due dates
        rows = s.execute(
            select(col(Assignment.id), col(Resolution.due_date))
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .order_by(col(Assignment.id))
        ).all()
        for n, (row_id, due) in enumerate(rows[::5]):
            planned = due if n % 2 and due is not None else date(2026, 1, 1 + n % 28)
            s.execute(
                update(Assignment).where(col(Assignment.id) == row_id).values(planned_date=planned)
            )
    with read_session(url) as s:
        for today in DAYS:
            total = qo.headline(s, today, county_id=c)["overdue"]
            for limit, offset in ((8, 0), (50, 0), (50, 50), (7, 13), (50, total - 3), (5, total)):
                new = qo.overdue_rows(s, today, limit=limit, offset=offset, county_id=c)
                old = old_overdue_rows(s, today, limit=limit, offset=offset, county_id=c)
                pd.testing.assert_frame_equal(new, old)
            assert total == 0 or len(qo.overdue_rows(s, today, limit=1, county_id=c)) == 1
