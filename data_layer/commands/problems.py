"""A neighborhood's prioritized problems (مسئله), each with its operational plan: the
actions, the owning agency, the due date and the indicator the plan should move. The
secretariat adds, edits, reorders and removes them; every change goes to history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from data_layer.commands.common import check_version, load, rowcount
from data_layer.commands.dossier import live_neighborhood
from data_layer.commands.history import History
from data_layer.errors import ConflictError
from data_layer.input.check import Check
from data_layer.models import Agency, utcnow
from data_layer.models_dossier import NeighborhoodProblem
from data_layer.models_indicators import Indicator
from data_layer.permissions import Action, Actor, require

__all__ = ["add_problem", "edit_problem", "move_problem", "withdraw_problem"]

GONE = "این مسئله پیدا نشد یا حذف شده است؛ فهرست مسائل را دوباره ببینید."
WHAT = "این مسئله"
LABELS = {
    "title": "مسئله",
    "description": "شرح",
    "actions": "اقدامات برنامه",
    "agency_id": "دستگاه مسئول",
    "due_date": "سررسید",
    "indicator_id": "شاخص هدف",
    "reason": "دلیل حذف",
}
PLAN_FIELDS = ("title", "description", "actions", "agency_id", "due_date", "indicator_id")


def _plan(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """The problem's fields checked, or every problem at once."""
    check = Check(LABELS)
    out: dict[str, Any] = {
        "title": check.text("title", values.get("title"), limit=300, required=True),
        "description": check.text(
            "description", values.get("description"), limit=4000, multiline=True
        ),
        "actions": check.text(
            "actions", values.get("actions"), limit=4000, required=True, multiline=True
        ),
    }
    agency_id = values.get("agency_id")
    if agency_id is not None:
        agency = session.get(Agency, agency_id) if isinstance(agency_id, int) else None
        if agency is None or not agency.active:
            check.add("agency_id", "«دستگاه مسئول» پیدا نشد یا غیرفعال است؛ از فهرست برگزینید.")
    out["agency_id"] = agency_id
    day: date | None = check.date("due_date", values.get("due_date"), required=False)
    out["due_date"] = day
    indicator_id = values.get("indicator_id")
    indicator = session.get(Indicator, indicator_id) if isinstance(indicator_id, int) else None
    if indicator_id is not None and (indicator is None or not indicator.active):
        check.add("indicator_id", "«شاخص هدف» در فهرست شاخص‌ها پیدا نشد؛ از فهرست برگزینید.")
    out["indicator_id"] = indicator_id
    check.raise_if_any()
    return out


def _next_priority(session: Session, neighborhood_id: int) -> int:
    stmt = select(func.coalesce(func.max(col(NeighborhoodProblem.priority)), 0)).where(
        col(NeighborhoodProblem.neighborhood_id) == neighborhood_id,
        col(NeighborhoodProblem.withdrawn).is_(False),
    )
    return int(session.execute(stmt).scalar_one()) + 1


def add_problem(
    session: Session,
    *,
    actor: Actor,
    neighborhood_id: int,
    values: dict[str, Any],
    now: datetime | None = None,
) -> NeighborhoodProblem:
    """Add a problem with its plan, last in the neighborhood's order."""
    now = now or utcnow()
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    live_neighborhood(session, neighborhood_id)
    plan = _plan(session, values)
    problem = NeighborhoodProblem(
        neighborhood_id=neighborhood_id,
        priority=_next_priority(session, neighborhood_id),
        created_at=now,
        updated_at=now,
        updated_by_id=actor.user_id,
        **plan,
    )
    session.add(problem)
    session.flush()
    History(session, actor, now).add("problem", problem.id, "created", None, problem.title)
    return problem


def _bump(
    session: Session, problem: NeighborhoodProblem, actor: Actor, now: datetime, **values: Any
) -> None:
    """UPDATE … WHERE version = the one read: a change made in between is refused."""
    done = session.execute(
        update(NeighborhoodProblem)
        .where(
            col(NeighborhoodProblem.id) == problem.id,
            col(NeighborhoodProblem.version) == problem.version,
            col(NeighborhoodProblem.withdrawn).is_(False),
        )
        .values(
            **values,
            updated_at=now,
            updated_by_id=actor.user_id,
            version=problem.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        raise ConflictError(
            message=f"{WHAT} هم‌اکنون توسط دیگری تغییر کرد؛ چیزی ذخیره نشد. دوباره ببینید."
        )


def _loaded(
    session: Session, actor: Actor, problem_id: int, expected_version: int | None
) -> NeighborhoodProblem:
    require(session, actor, Action.MANAGE_NEIGHBORHOODS)
    problem = load(session, NeighborhoodProblem, problem_id, GONE)
    check_version(problem, expected_version, WHAT)
    return problem


def edit_problem(
    session: Session,
    *,
    actor: Actor,
    problem_id: int,
    expected_version: int | None,
    values: dict[str, Any],
    now: datetime | None = None,
) -> None:
    """Change a problem's text or plan, as the form showed it."""
    now = now or utcnow()
    problem = _loaded(session, actor, problem_id, expected_version)
    plan = _plan(session, values)
    changed = {f: v for f, v in plan.items() if getattr(problem, f) != v}
    if not changed:
        return
    History(session, actor, now).fields("problem", problem, changed)
    _bump(session, problem, actor, now, **changed)


def _live_order(session: Session, neighborhood_id: int) -> list[NeighborhoodProblem]:
    stmt = (
        select(NeighborhoodProblem)
        .where(
            col(NeighborhoodProblem.neighborhood_id) == neighborhood_id,
            col(NeighborhoodProblem.withdrawn).is_(False),
        )
        .order_by(col(NeighborhoodProblem.priority), col(NeighborhoodProblem.id))
    )
    return list(session.execute(stmt).scalars())


def move_problem(
    session: Session,
    *,
    actor: Actor,
    problem_id: int,
    expected_version: int | None,
    step: int,
    now: datetime | None = None,
) -> None:
    """Move a problem up (step -1) or down (+1) the neighborhood's order."""
    now = now or utcnow()
    problem = _loaded(session, actor, problem_id, expected_version)
    order = _live_order(session, problem.neighborhood_id)
    at = next(i for i, p in enumerate(order) if p.id == problem.id)
    to = at + (1 if step > 0 else -1)
    if not 0 <= to < len(order):
        return  # already first (or last): nothing to move
    order[at], order[to] = order[to], order[at]
    _renumber(session, actor, now, order)


def _renumber(
    session: Session, actor: Actor, now: datetime, order: list[NeighborhoodProblem]
) -> None:
    """Write priorities 1..n in `order`, each change checked against its version."""
    history = History(session, actor, now)
    for rank, p in enumerate(order, start=1):
        if p.priority != rank:
            history.add("problem", p.id, "priority", p.priority, rank)
            _bump(session, p, actor, now, priority=rank)


def withdraw_problem(
    session: Session,
    *,
    actor: Actor,
    problem_id: int,
    expected_version: int | None,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Remove a problem from the list (kept stored); those after it move up."""
    now = now or utcnow()
    problem = _loaded(session, actor, problem_id, expected_version)
    check = Check(LABELS)
    reason = check.text("reason", reason, limit=500, required=True)
    check.raise_if_any()
    History(session, actor, now).add("problem", problem.id, "withdrawn", None, "1", reason)
    _bump(session, problem, actor, now, withdrawn=True)
    session.expire_all()
    _renumber(session, actor, now, _live_order(session, problem.neighborhood_id))
