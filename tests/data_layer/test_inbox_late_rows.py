"""A liaison's rows in «کارتابل» read only what it lists: the oldest LATE_LISTED late
rows of each agency are chosen and the rest counted in SQL, and the items are exactly
the ones the former code made by reading every late row (kept here as the reference).

The sample is reshaped at random (seeded) so that two agencies hold more late
rows than are listed, beside returned rows (late and not), rows due soon and today,
done and withdrawn rows, and rows with no date at all; `agencies_items` and
`agency_items` are compared with the reference for several days and due-day settings.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from sqlalchemy import and_, or_, select, update
from sqlmodel import Session, col

from data_layer.db import read_session, write_session
from data_layer.models import Agency, AppSetting, Assignment, Meeting, Resolution, Verification
from data_layer.queries import inbox
from data_layer.queries.inbox import (
    DUE_DAYS_KEY,
    LATE_LISTED,
    InboxItem,
    agencies_items,
    agency_items,
    get_due_days,
)
from data_layer.rules.lateness import effective_due, is_overdue, not_done
from tests.conftest import AS_OF

DAYS = [AS_OF, AS_OF + timedelta(days=4), AS_OF - timedelta(days=20), AS_OF + timedelta(days=45)]


def _reference_rows(
    session: Session, agency_ids: Sequence[int], today: date, days: int
) -> dict[int, list[InboxItem]]:
    """The former `_row_items`: every returned, late and soon-due row read, the late
    ones beyond LATE_LISTED counted in Python."""
    returned = col(Assignment.verification) == Verification.REJECTED.value
    due = effective_due()
    soon = and_(not_done(), due >= today, due <= today + timedelta(days=days))
    stmt = (
        select(
            col(Assignment.agency_id),
            col(Assignment.id),
            col(Meeting.number),
            col(Resolution.number),
            col(Resolution.text),
            col(Assignment.verification_note),
            returned,
            is_overdue(today),
            due,
        )
        .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
        .join(Meeting, col(Meeting.id) == col(Resolution.meeting_id))
        .where(
            col(Assignment.agency_id).in_(list(agency_ids)),
            col(Assignment.withdrawn).is_(False),
            or_(returned, is_overdue(today), soon),
        )
        .order_by(due, col(Meeting.number), col(Resolution.number))
    )
    found: dict[int, dict[str, list[InboxItem]]] = {
        a: {"returned": [], "late": [], "due": []} for a in agency_ids
    }
    more: dict[int, int] = dict.fromkeys(agency_ids, 0)
    for agency_id, row_id, meeting, number, text, note, back, late, on in session.execute(
        stmt
    ).all():
        kind = "returned" if back else "late" if late else "due"
        shown = found[int(agency_id)][kind]
        if kind == "late" and len(shown) >= LATE_LISTED:
            more[int(agency_id)] += 1
            continue
        shown.append(inbox._row_item(kind, int(row_id), meeting, number, text, note, on, today))
    return {a: inbox._with_summary(kinds, more[a]) for a, kinds in found.items()}


def _reference(
    session: Session, agency_ids: Sequence[int], today: date
) -> dict[int, list[InboxItem]]:
    """The former `agencies_items`."""
    days = get_due_days(session)
    reports = inbox._reports_due(session, today, days)
    rows = _reference_rows(session, agency_ids, today, days)
    return {a: rows[a] + inbox._letter_items(session, a) + reports.get(a, []) for a in agency_ids}


def _reshape(url: str) -> None:
    """Every row given a random state: a status (done among them), a planned date near
    AS_OF (many on the same day, so meeting and number order them) or none, returned
    with a reason or not, withdrawn or not; a few resolutions lose their due date so
    that some rows have no date at all. Agencies 2 and 3 are given a row on every
    resolution (made in the resolutions' reverse order), late mostly on one day, so
    that the meeting and the number decide which are listed; each meeting's
    resolutions are numbered in reverse of their ids."""
    rng = random.Random(22)
    with write_session(url) as s:
        resolutions = s.exec(select(Resolution).order_by(col(Resolution.id))).scalars().all()  # type: ignore[call-overload]
        for heavy in (2, 3):
            has = set(
                s.exec(  # type: ignore[call-overload]
                    select(col(Assignment.resolution_id)).where(col(Assignment.agency_id) == heavy)
                )
                .scalars()
                .all()
            )
            s.add_all(
                Assignment(resolution_id=int(r.id or 0), agency_id=heavy)
                for r in reversed(resolutions)  # ids against the resolutions' order
                if r.id not in has
            )
        s.flush()
        # each meeting's resolutions numbered in reverse, so that no order of the rows'
        # or resolutions' ids stands in for the order by number
        ends: dict[int, list[int]] = {}
        for r in resolutions:
            ends.setdefault(r.meeting_id, []).append(r.number)
        for stage in ("aside", "reversed"):
            for r in resolutions:
                low, high = min(ends[r.meeting_id]), max(ends[r.meeting_id])
                first = r.number if stage == "aside" else r.number - 100_000
                number = first + 100_000 if stage == "aside" else low + high - first
                s.execute(
                    update(Resolution).where(col(Resolution.id) == r.id).values(number=number)
                )
                r.number = number
        for r in rng.sample(list(resolutions), k=max(len(resolutions) // 8, 1)):
            s.execute(update(Resolution).where(col(Resolution.id) == r.id).values(due_date=None))
        for row in s.exec(select(Assignment).order_by(col(Assignment.id))).scalars().all():  # type: ignore[call-overload]
            heavy = row.agency_id in (2, 3)
            done = rng.random() < (0.05 if heavy else 0.2)
            row.status = "done" if done else rng.choice(["in_progress", "blocked"])
            row.planned_date = (
                None
                if rng.random() < 0.15
                else AS_OF
                + timedelta(
                    days=rng.choice([-9, -5, -5, -5, -2]) if heavy else rng.randint(-30, 50)
                )
            )
            if rng.random() < 0.1:
                row.verification, row.verification_note = "rejected", f"سند ناقص <b>{row.id}</b>"
            else:
                row.verification, row.verification_note = "unverified", ""
            row.withdrawn = rng.random() < 0.05
            s.add(row)


def _count(url: str, today: date, *where: object) -> dict[int, int]:
    with read_session(url) as s:
        stmt = (
            select(col(Assignment.agency_id))
            .join(Resolution, col(Resolution.id) == col(Assignment.resolution_id))
            .where(*where)  # type: ignore[arg-type]
        )
        found: dict[int, int] = {}
        for (a,) in s.execute(stmt).all():
            found[int(a)] = found.get(int(a), 0) + 1
    return found


def test_the_late_rows_listed_and_counted_in_sql_are_the_former_items(seeded_url: str) -> None:
    _reshape(seeded_url)
    live = col(Assignment.withdrawn).is_(False)
    late = _count(
        seeded_url, AS_OF, live, is_overdue(AS_OF), col(Assignment.verification) != "rejected"
    )
    assert len([a for a, n in late.items() if n > LATE_LISTED + 1]) >= 2, late
    # every kind of row the inbox tells apart is there
    assert _count(seeded_url, AS_OF, live, col(Assignment.verification) == "rejected")
    assert _count(seeded_url, AS_OF, live, effective_due() == AS_OF, not_done())
    assert _count(seeded_url, AS_OF, live, effective_due().is_(None))
    assert _count(seeded_url, AS_OF, col(Assignment.status) == "done")
    assert _count(seeded_url, AS_OF, col(Assignment.withdrawn).is_(True))
    with read_session(seeded_url) as s:
        agencies = [int(a) for a in s.exec(select(Agency.id)).scalars().all()]  # type: ignore[call-overload]
    for due_days in (None, 0, 15):
        if due_days is not None:
            with write_session(seeded_url) as s:
                s.merge(AppSetting(key=DUE_DAYS_KEY, value=json.dumps(due_days)))
        for day in DAYS:
            with read_session(seeded_url) as s:
                expected = _reference(s, agencies, day)
                assert agencies_items(s, agencies, day) == expected
                # a subset, in another order, and each agency alone
                some = agencies[::-3]
                assert agencies_items(s, some, day) == {a: expected[a] for a in some}
                if due_days is None:  # each agency alone: the heavy ones and a few others
                    for a in {2, 3, *agencies[::7]}:
                        assert agency_items(s, a, day) == expected[a]
            summaries = [
                i for items in expected.values() for i in items if i.kind == "late" and i.ref == 0
            ]
            if day == AS_OF:
                assert len(summaries) >= 2  # the count of the rest is exercised


@pytest.mark.parametrize("kind", ["returned", "late", "due"])
def test_each_kind_of_row_still_opens_its_row(seeded_url: str, kind: str) -> None:
    _reshape(seeded_url)
    with read_session(seeded_url) as s:
        agencies = [int(a) for a in s.exec(select(Agency.id)).scalars().all()]  # type: ignore[call-overload]
        found = agencies_items(s, agencies, AS_OF)
    items = [i for a in agencies for i in found[a] if i.kind == kind and i.ref]
    assert items
    assert all(i.link == f"/my_agency?row={i.ref}" for i in items)
