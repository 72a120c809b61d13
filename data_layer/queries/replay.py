"""The state of every agency row as of any moment, replayed from its history.

Every command that changes a reported field of a row writes one history entry
(`commands/history.py`): the field, its value before and after, and when. So the
value of a field at a moment is the "after" of its last entry up to then, the
"before" of its first entry after then when none came earlier, and its live value
when it never changed. A row exists from its meeting's day, or from the moment it
was added to a resolution later (a new owner, a merge).

The replay is proved against the live table: as of now, every row equals the row
stored (`tests/data_layer/test_replay.py`, on the sample and the 100× data).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, and_, func, literal, select, union_all
from sqlmodel import Session, col

from data_layer import clock
from data_layer.models import Assignment, HistoryEntry, Meeting, Resolution

__all__ = ["FIELDS", "differences", "live_state", "meeting_moment", "state_as_of"]

# The fields a follow-up figure is made of, and how each is read back from history.
FIELDS: dict[str, Any] = {
    "status": lambda v: v,
    "progress": lambda v: pd.Series(pd.to_numeric(v), index=v.index).astype(int),
    "planned_date": lambda v: pd.Series(
        [None if pd.isna(x) else date.fromisoformat(str(x)) for x in v], index=v.index, dtype=object
    ),
    "verification": lambda v: v,
    "withdrawn": lambda v: v.isin(["True", "true", "1"]),
}
KEYS = ["assignment_id", "resolution_id", "agency_id", "meeting_id", "due_date"]
COLUMNS = [*KEYS, *FIELDS]


def meeting_moment(held_on: date, start_time: str | None) -> datetime:
    """The moment a meeting began (Tehran time), as aware UTC: its start time, else 08:00."""
    try:
        hour, minute = (int(p) for p in (start_time or "08:00").split(":"))
        at = time(hour, minute)
    except ValueError:
        at = time(8, 0)
    return datetime.combine(held_on, at, tzinfo=clock.LOCAL_TZ).astimezone(UTC)


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


def live_state(session: Session, *, assignment_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Every row as stored now, in the replay's columns."""
    stmt = select(
        col(Assignment.id),
        col(Assignment.resolution_id),
        col(Assignment.agency_id),
        col(Resolution.meeting_id),
        col(Resolution.due_date),
        *(getattr(Assignment, f) for f in FIELDS),
    ).join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
    if assignment_ids is not None:
        stmt = stmt.where(col(Assignment.id).in_(list(assignment_ids)))
    rows = session.connection().execute(stmt.order_by(col(Assignment.id))).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)


def _values_at(session: Session, at: datetime) -> pd.DataFrame:
    """Per (row, field) that ever changed, its value at `at`: the "after" of the last
    change up to then, else the "before" of the first change after then.

    Two window queries pick one entry per (row, field) on each side of the moment, so
    only those entries leave the database (not the whole history)."""
    h = HistoryEntry
    mine = and_(col(h.entity) == "assignment", col(h.field).in_(list(FIELDS)))
    key = (col(h.entity_id), col(h.field))

    def side(value: Any, when: ColumnElement[bool], order: list[Any], rank: int) -> Any:
        ranked = (
            select(
                *key,
                value.label("value"),
                literal(rank).label("side"),
                func.row_number().over(partition_by=key, order_by=order).label("rn"),
            )
            .where(mine, when)
            .subquery()
        )
        return select(ranked.c.entity_id, ranked.c.field, ranked.c.value, ranked.c.side).where(
            ranked.c.rn == 1
        )

    before = side(
        col(h.new_value), col(h.changed_at) <= at, [col(h.changed_at).desc(), col(h.id).desc()], 0
    )
    after = side(col(h.old_value), col(h.changed_at) > at, [col(h.changed_at), col(h.id)], 1)
    rows = session.connection().execute(union_all(before, after)).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["assignment_id", "field", "value", "side"]
    )
    return frame.sort_values("side").drop_duplicates(["assignment_id", "field"], keep="first")


def _added_later(session: Session) -> pd.Series:
    """Rows a person added to a resolution after its meeting (a new owner, a merge), and
    when. An imported past row ("created" with a snapshot of its state) is not one: it
    is known from its meeting's day."""
    h = HistoryEntry
    rows = (
        session.connection()
        .execute(
            select(col(h.entity_id), func.min(col(h.changed_at)))
            .where(
                col(h.entity) == "assignment",
                col(h.field) == "created",
                func.coalesce(func.substr(col(h.new_value), 1, 1), "") != "{",
            )
            .group_by(col(h.entity_id))
        )
        .all()
    )
    if not rows:
        return pd.Series(dtype="datetime64[ns, UTC]")
    ids, moments = zip(*rows, strict=True)
    return _utc(pd.Series(moments, index=pd.Index(ids, name="assignment_id")))


def _born(session: Session) -> pd.Series:
    """When each row came to exist: its meeting's start, or when it was added later."""
    starts = {
        int(i): meeting_moment(held, start)
        for i, held, start in session.execute(
            select(col(Meeting.id), col(Meeting.held_on), col(Meeting.start_time))
        ).all()
    }
    rows = (
        session.connection()
        .execute(
            select(col(Assignment.id), col(Resolution.meeting_id)).join(
                Resolution, col(Resolution.id) == col(Assignment.resolution_id)
            )
        )
        .all()
    )
    if not rows:
        return pd.Series(dtype="datetime64[ns, UTC]")
    ids, meeting_ids = zip(*rows, strict=True)
    born = _utc(pd.Series(meeting_ids, index=pd.Index(ids, name="assignment_id")).map(starts))
    later = _added_later(session)
    later = later[later.index.isin(born.index)]
    if not later.empty:
        born.loc[later.index] = later.where(later > born.loc[later.index], born.loc[later.index])
    return born


def state_as_of(session: Session, moment: datetime) -> pd.DataFrame:
    """Every row that existed at `moment` (aware), with its fields as they stood then."""
    if moment.tzinfo is None:
        raise ValueError("state_as_of needs an aware moment")
    live = live_state(session).set_index("assignment_id", drop=False)
    if live.empty:
        return live.reset_index(drop=True)
    born = _born(session)
    at = pd.Timestamp(moment).tz_convert(UTC)
    state = live.loc[live.index.isin(born.index[born <= at])].copy()
    values = _values_at(session, moment)
    values = values[values["assignment_id"].isin(state.index)]
    for field, parse in FIELDS.items():
        picked = values[values["field"] == field]
        if picked.empty:
            continue
        parsed = parse(picked.set_index("assignment_id")["value"])
        state[field] = state[field].astype(object)
        state.loc[parsed.index, field] = parsed
    state["progress"] = state["progress"].astype(int)
    state["withdrawn"] = state["withdrawn"].astype(bool)
    return state.reset_index(drop=True)


def differences(replayed: pd.DataFrame, live: pd.DataFrame) -> pd.DataFrame:
    """The (row, field) pairs where a replay as of now disagrees with the live table,
    and the rows one side has and the other has not: empty when history is whole."""
    left = replayed.set_index("assignment_id")
    right = live.set_index("assignment_id")
    found: list[tuple[int, str, object, object]] = [
        (int(i), "exists", i in left.index, i in right.index)
        for i in left.index.symmetric_difference(right.index)
    ]
    both = left.index.intersection(right.index)
    for field in FIELDS:
        a, b = left.loc[both, field], right.loc[both, field]
        differ = ~((a == b) | (a.isna() & b.isna()))
        found += [(int(i), field, a[i], b[i]) for i in both[differ.to_numpy()]]
    return pd.DataFrame(found, columns=["assignment_id", "field", "replayed", "live"])
