"""A meeting's record (its frozen follow-up) and what moved between two records.

The record of meeting M is the follow-up as reported when M was held; it is the one
the projector and the report of the meeting reviewed at M use (the meeting before M),
labelled with its moment. "Then → now" compares a record with a later one, or with
the live rows: each row moved forward, stalled, went back, or was already done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.jalali import local_day, to_fa_digits
from data_layer.models import (
    Agency,
    AssignmentStatus,
    Meeting,
    MeetingSnapshot,
    Resolution,
    SnapshotRow,
    User,
)
from data_layer.queries.replay import live_state
from data_layer.rules.completeness import share_done_of
from data_layer.rules.progress import weighted_progress_of

__all__ = [
    "MOVEMENT_LABELS",
    "Record",
    "apply_record",
    "cell_figures",
    "movement",
    "movement_by",
    "previous_record",
    "record_by_id",
    "record_for_review",
    "record_of",
    "record_rows",
    "recount_agencies",
    "recount_resolutions",
]

DONE = AssignmentStatus.DONE.value
# How far along a status is, for "went back" when the progress figure did not move.
_RANK = {
    AssignmentStatus.NOT_STARTED.value: 0,
    AssignmentStatus.BLOCKED.value: 0,
    AssignmentStatus.NEEDS_FOLLOW_UP.value: 1,
    AssignmentStatus.IN_PROGRESS.value: 1,
    DONE: 2,
}
MOVEMENT_LABELS = {
    "forward": "پیش رفت",
    "stalled": "درجا",
    "back": "پس رفت",
    "done": "انجام‌شده از پیش",
}


@dataclass(frozen=True)
class Record:
    """One meeting's frozen follow-up: which meeting, the moment it stands for, how."""

    id: int
    meeting_id: int
    meeting_number: int
    held_on: date
    as_of: datetime
    taken_at: datetime
    how: str  # "live": taken at the meeting; "replay": rebuilt from history afterwards
    rows: int
    taken_by: str

    @property
    def as_of_day(self) -> date:
        """The working group's day the figures stand for."""
        return local_day(self.as_of)


def _records(session: Session) -> list[Record]:
    stmt = (
        select(MeetingSnapshot, col(Meeting.number), col(Meeting.held_on), col(User.full_name))
        .join(Meeting, col(Meeting.id) == col(MeetingSnapshot.meeting_id))
        .outerjoin(User, col(User.id) == col(MeetingSnapshot.taken_by_id))
        .order_by(col(Meeting.held_on), col(Meeting.number))
    )
    return [
        Record(
            id=int(snap.id or 0),
            meeting_id=snap.meeting_id,
            meeting_number=number,
            held_on=held_on,
            as_of=snap.as_of,
            taken_at=snap.taken_at,
            how=snap.how,
            rows=snap.rows,
            taken_by=name or "",
        )
        for snap, number, held_on, name in session.execute(stmt).all()
    ]


def record_by_id(session: Session, record_id: int) -> Record | None:
    """The record of that id, if any."""
    return next((r for r in _records(session) if r.id == record_id), None)


def record_of(session: Session, meeting_id: int) -> Record | None:
    """The record taken at that meeting, if any."""
    return next((r for r in _records(session) if r.meeting_id == meeting_id), None)


def record_for_review(session: Session, reviewed_meeting_id: int) -> Record | None:
    """The record that followed the reviewed meeting up: the earliest record of a
    meeting held after it (the first session that put its follow-up on record)."""
    reviewed = session.get(Meeting, reviewed_meeting_id)
    if reviewed is None:
        return None
    later = [
        r
        for r in _records(session)
        if (r.held_on, r.meeting_number) > (reviewed.held_on, reviewed.number)
    ]
    return later[0] if later else None


def previous_record(session: Session, record: Record | None, before: datetime) -> Record | None:
    """The latest record standing for a moment before `record`'s (or before `before`)."""
    limit = record.as_of if record is not None else before
    earlier = [r for r in _records(session) if r.as_of < limit and r != record]
    return max(earlier, key=lambda r: r.as_of) if earlier else None


def record_rows(session: Session, record_id: int) -> pd.DataFrame:
    """The rows of a record, in the replay's columns (withdrawn rows are not in it)."""
    s = SnapshotRow
    stmt = (
        select(
            col(s.assignment_id),
            col(s.resolution_id),
            col(s.agency_id),
            col(Resolution.meeting_id),
            col(s.due_date),
            col(s.status),
            col(s.progress),
            col(s.planned_date),
            col(s.verification),
        )
        .join(Resolution, col(Resolution.id) == col(s.resolution_id))
        .where(col(s.snapshot_id) == record_id)
        .order_by(col(s.assignment_id))
    )
    rows = session.execute(stmt).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=[
            "assignment_id",
            "resolution_id",
            "agency_id",
            "meeting_id",
            "due_date",
            "status",
            "progress",
            "planned_date",
            "verification",
        ],
    )
    frame["withdrawn"] = False
    return frame


def apply_record(cells: pd.DataFrame, rows: pd.DataFrame, as_of_day: date) -> pd.DataFrame:
    """A follow-up frame (`id` per agency row, with status, progress, due, overdue,
    verification) as it stood in a record: rows not in it are left out (added or
    withdrawn since), and overdue is judged on the record's day."""
    frozen = rows.set_index("assignment_id")
    out = cells[cells["id"].isin(frozen.index)].copy()
    if out.empty:
        return out
    take = frozen.loc[out["id"]]
    out["status"] = take["status"].to_numpy()
    out["progress"] = take["progress"].astype(int).to_numpy()
    out["verification"] = take["verification"].to_numpy()
    due = [
        p if p is not None and not pd.isna(p) else (d if d is not None and not pd.isna(d) else None)
        for p, d in zip(take["planned_date"], take["due_date"], strict=True)
    ]
    out["due"] = pd.Series(due, index=out.index, dtype=object)
    out["overdue"] = [
        bool(s != DONE and d is not None and d < as_of_day)
        for s, d in zip(out["status"], out["due"], strict=True)
    ]
    return out


def cell_figures(cells: pd.DataFrame) -> dict[str, int]:
    """The headline counts of a follow-up frame: rows, each status, overdue."""
    return {
        "rows": len(cells),
        **{st.value: int((cells["status"] == st.value).sum()) for st in AssignmentStatus},
        "overdue": int(cells["overdue"].sum()) if len(cells) else 0,
    }


def _kind(then_status: str, then_progress: int, now_status: str, now_progress: int) -> str:
    if then_status == DONE and now_status == DONE:
        return "done"
    if now_progress > then_progress or _RANK.get(now_status, 0) > _RANK.get(then_status, 0):
        return "forward"
    if now_progress < then_progress or _RANK.get(now_status, 0) < _RANK.get(then_status, 0):
        return "back"
    return "stalled"


def movement(session: Session, then: Record | None, now: Record | None) -> pd.DataFrame:
    """Per live row of `now` (a record, or the live rows when None): its status and
    progress then and now, and how it moved. A row that did not exist then starts
    from «شروع نشده» at 0 %."""
    if now is None:
        current = live_state(session)
        current = current[~current["withdrawn"].astype(bool)]
    else:
        current = record_rows(session, now.id)
    before = (record_rows(session, then.id) if then is not None else current.iloc[0:0]).set_index(
        "assignment_id"
    )
    frame = current[["assignment_id", "resolution_id", "agency_id", "meeting_id"]].copy()
    frame["now_status"] = current["status"].to_numpy()
    frame["now_progress"] = current["progress"].astype(int).to_numpy()
    known = frame["assignment_id"].isin(before.index)
    frame["new"] = ~known
    frame["then_status"] = AssignmentStatus.NOT_STARTED.value
    frame["then_progress"] = 0
    ids = frame.loc[known, "assignment_id"]
    frame.loc[known, "then_status"] = before.loc[ids, "status"].to_numpy()
    frame.loc[known, "then_progress"] = before.loc[ids, "progress"].astype(int).to_numpy()
    frame["movement"] = [
        _kind(a, int(b), c, int(d))
        for a, b, c, d in zip(
            frame["then_status"],
            frame["then_progress"],
            frame["now_status"],
            frame["now_progress"],
            strict=True,
        )
    ]
    return frame.reset_index(drop=True)


def movement_by(session: Session, moved: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts of each movement per agency (`by="agency"`) or per resolution, with the
    mean progress then and now; the most gone-back and stalled first."""
    key = "agency_id" if by == "agency" else "resolution_id"
    if moved.empty:
        cols = [key, "name", *MOVEMENT_LABELS, "rows", "then_progress", "now_progress"]
        return pd.DataFrame(columns=cols)
    counts = pd.crosstab(moved[key], moved["movement"]).reindex(
        columns=list(MOVEMENT_LABELS), fill_value=0
    )
    means = moved.groupby(key)[["then_progress", "now_progress"]].mean()
    out = counts.join(means)
    out["rows"] = counts.sum(axis=1)
    out = out.reset_index()
    out["name"] = _names(session, by, [int(i) for i in out[key]])
    return out.sort_values(["back", "stalled", "name"], ascending=[False, False, True]).reset_index(
        drop=True
    )[[key, "name", *MOVEMENT_LABELS, "rows", "then_progress", "now_progress"]]


def _names(session: Session, by: str, ids: list[int]) -> list[str]:
    if by == "agency":
        names: dict[int, Any] = dict(
            session.execute(select(col(Agency.id), col(Agency.short_name))).all()
        )
        return [str(names.get(i, "")) for i in ids]
    found = session.execute(
        select(col(Resolution.id), col(Meeting.number), col(Resolution.number)).join(
            Meeting, col(Meeting.id) == col(Resolution.meeting_id)
        )
    ).all()
    labels = {rid: (m, n) for rid, m, n in found}
    return [
        f"جلسه {to_fa_digits(labels[i][0])} — مصوبه {to_fa_digits(labels[i][1])}"
        if i in labels
        else ""
        for i in ids
    ]


# --- a meeting's report from a record ------------------------------------------------


def recount_resolutions(
    resolutions: pd.DataFrame, rows: pd.DataFrame, lead_weight: int
) -> pd.DataFrame:
    """Rows, done and weighted mean progress per resolution, from a record's rows."""
    out = resolutions.copy()
    progress = weighted_progress_of(rows, "resolution_number", lead_weight)
    counts = rows.groupby("resolution_number").size()
    done = (rows["status"] == AssignmentStatus.DONE.value).groupby(rows["resolution_number"]).sum()
    out["rows"] = [int(counts.get(n, 0)) for n in out["number"]]
    out["done"] = [int(done.get(n, 0)) for n in out["number"]]
    out["mean_progress"] = [float(progress.get(n, 0.0)) for n in out["number"]]
    return out


def recount_agencies(agencies: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """agency_status_summary's columns, counted from a record's rows; worst first."""
    names = dict(zip(agencies["agency_id"], agencies["agency"], strict=True))
    names |= dict(zip(rows["agency_id"], rows["agency"], strict=True))
    found = []
    for agency_id, grp in rows.groupby("agency_id"):
        counts = {
            status.value: int((grp["status"] == status.value).sum()) for status in AssignmentStatus
        }
        found.append(
            {
                "agency_id": agency_id,
                "agency": names.get(agency_id, ""),
                "rows": len(grp),
                **counts,
                "overdue": int(grp["overdue"].sum()),
                "mean_progress": float(grp["progress"].mean()),
            }
        )
    out = pd.DataFrame(found, columns=list(agencies.columns.drop("done_share")))
    out["done_share"] = share_done_of(out["done"], out["rows"])
    return out.sort_values(
        ["overdue", "done_share", "agency"], ascending=[False, True, True]
    ).reset_index(drop=True)
