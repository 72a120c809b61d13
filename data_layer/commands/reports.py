"""Resolution 5: an agency submits (or resubmits) its periodic performance report."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_layer import clock
from data_layer.commands.common import conflict, rowcount, user_name
from data_layer.commands.history import History
from data_layer.errors import ConflictError, NotFound
from data_layer.input.check import Check, shown
from data_layer.input.numbers import NotANumber, parse_number
from data_layer.jalali import MAX_JALALI_YEAR, format_jalali, format_number
from data_layer.labels import PERIOD_KIND_LABELS
from data_layer.models import HistoryEntry, PerformanceReport, PeriodKind, utcnow
from data_layer.permissions import Action, Actor, require
from data_layer.queries.periods import period_bounds, period_label
from data_layer.text import tidy

__all__ = ["submit_report"]

MIN_YEAR = 1390
MAX_YEAR = min(1500, MAX_JALALI_YEAR)
BODY_MIN, BODY_MAX = 10, 5000
MAX_FIGURES = 50
FIGURE_NAME_MAX = 100
LABELS = {
    "period_kind": "نوع دوره",
    "period_year": "سال دوره",
    "period_no": "شمارهٔ دوره",
    "body": "متن گزارش",
    "figures": "ارقام گزارش",
}


def _figures(check: Check, figures: object) -> str:
    """Named numbers as JSON (names kept in the order given)."""
    if not isinstance(figures, dict):
        check.add("figures", "ارقام گزارش باید فهرستی از «عنوان: عدد» باشد.")
        return "{}"
    if len(figures) > MAX_FIGURES:
        check.add("figures", f"گزارش حداکثر {format_number(MAX_FIGURES)} رقم می‌تواند داشته باشد.")
    out: dict[str, int | float] = {}
    for key, value in figures.items():
        name = tidy(str(key))
        if not name or len(name) > FIGURE_NAME_MAX or name in out:
            check.add(
                "figures",
                f"عنوان هر رقم گزارش باید متنی یکتا از ۱ تا {format_number(FIGURE_NAME_MAX)}"
                f" نویسه باشد (نوشته شده: «{shown(key)}»).",
            )
            continue
        try:
            number = parse_number(value)
        except NotANumber:
            number = None
        if number is None:
            check.add(
                "figures",
                f"مقدار «{name}» باید عدد باشد، مثلاً ۱۲٬۵۰۰ یا ۲٫۵ (نوشته شده: «{shown(value)}»).",
            )
            continue
        out[name] = int(number) if number == number.to_integral_value() else float(number)
    return json.dumps(out, ensure_ascii=False)


def _row(
    session: Session, agency_id: int, kind: str, year: int, number: int
) -> PerformanceReport | None:
    r = PerformanceReport
    stmt = select(r).where(
        col(r.agency_id) == agency_id,
        col(r.period_kind) == kind,
        col(r.period_year) == year,
        col(r.period_no) == number,
    )
    return session.execute(stmt).scalars().first()


def _conflict(session: Session, agency_id: int, kind: str, year: int, number: int) -> ConflictError:
    session.expire_all()
    current = _row(session, agency_id, kind, year, number)
    assert current is not None
    last = session.execute(
        select(col(HistoryEntry.user_id), col(HistoryEntry.changed_at))
        .where(col(HistoryEntry.entity) == "report", col(HistoryEntry.entity_id) == current.id)
        .order_by(col(HistoryEntry.changed_at).desc(), col(HistoryEntry.id).desc())
        .limit(1)
    ).first()
    user_id, saved_at = (last[0], last[1]) if last else (current.submitted_by_id, None)
    first = format_jalali(clock.local_day(current.submitted_at)) if current.submitted_at else "—"
    return conflict(
        f"گزارش «{period_label(kind, year, number)}» این دستگاه",
        user_name(session, user_id),
        f"ثبت نخست: {first}",
        theirs={
            "body": current.body,
            "figures": json.loads(current.figures_json or "{}"),
            "version": current.version,
        },
        saved_at=saved_at or current.submitted_at,
    )


def _validate(
    kind: object, year_in: object, number_in: object, body: str, figures: object, now: datetime
) -> tuple[str, int, int, str, str]:
    check = Check(LABELS)
    period_kind = check.choice("period_kind", kind, PERIOD_KIND_LABELS)
    year = check.whole("period_year", year_in, low=MIN_YEAR, high=MAX_YEAR)
    last = 12 if period_kind == PeriodKind.MONTH else 4
    number = check.whole("period_no", number_in, low=1, high=last) if period_kind else None
    if period_kind and year is not None and number is not None:
        start, _ = period_bounds(period_kind, year, number)
        if start > clock.local_day(now):
            check.add(
                "period_no",
                f"دورهٔ «{period_label(period_kind, year, number)}» هنوز آغاز نشده است"
                f" (آغاز: {format_jalali(start)})؛ گزارش را برای دوره‌ای بنویسید که آغاز شده است.",
            )
    text = check.text(
        "body", body, limit=BODY_MAX, required=True, min_length=BODY_MIN, multiline=True
    )
    figures_json = _figures(check, figures)
    check.raise_if_any()
    assert period_kind is not None and year is not None and number is not None
    return period_kind, year, number, text, figures_json


def _first(
    session: Session,
    actor: Actor,
    agency_id: int,
    values: tuple[str, int, int, str, str],
    now: datetime,
) -> PerformanceReport:
    kind, year, number, text, figures_json = values
    row = PerformanceReport(
        agency_id=agency_id,
        period_kind=kind,
        period_year=year,
        period_no=number,
        submitted_at=now,
        body=text,
        figures_json=figures_json,
        submitted_by_id=actor.user_id,
        version=1,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise _conflict(session, agency_id, kind, year, number) from None
    History(session, actor, now).add(
        "report", row.id, "submitted", None, period_label(kind, year, number)
    )
    session.flush()
    return row


def submit_report(
    session: Session,
    *,
    actor: Actor,
    agency_id: int,
    period_kind: str,
    period_year: object,
    period_no: object,
    body: str,
    figures: dict[str, object],
    expected_version: int | None = None,
    now: datetime | None = None,
) -> PerformanceReport:
    """An agency submits (or resubmits) its report for a month or season that has started.

    The first submission sets submitted_at; a resubmission (with the version the form
    showed) keeps it, and each changed field becomes a history row.
    """
    now = now or utcnow()
    require(session, actor, Action.REPORT_SERVICES, agency_id)
    values = _validate(period_kind, period_year, period_no, body, figures, now)
    kind, year, number, text, figures_json = values
    row = _row(session, agency_id, kind, year, number)
    if row is None:
        if expected_version is not None:
            raise NotFound("گزارش این دوره پیدا نشد؛ صفحه را دوباره باز کنید.")
        return _first(session, actor, agency_id, values, now)
    if expected_version is None or row.version != expected_version:
        raise _conflict(session, agency_id, kind, year, number)
    new: dict[str, Any] = {
        k: v for k, v in (("body", text), ("figures_json", figures_json)) if getattr(row, k) != v
    }
    if row.submitted_at is None:  # a row stored without a submission: this is the first
        new.update(submitted_at=now, submitted_by_id=actor.user_id)
    if new:
        _resubmit(session, actor, row, expected_version, new, now)
    return row


def _resubmit(
    session: Session,
    actor: Actor,
    row: PerformanceReport,
    expected_version: int,
    new: dict[str, Any],
    now: datetime,
) -> None:
    """Replace a report's text and figures on the version the form showed; history a field."""
    result = session.execute(
        update(PerformanceReport)
        .where(
            col(PerformanceReport.id) == row.id, col(PerformanceReport.version) == expected_version
        )
        .values(version=expected_version + 1, **new)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise _conflict(session, row.agency_id, row.period_kind, row.period_year, row.period_no)
    for field, value in new.items():
        if field != "submitted_by_id":
            History(session, actor, now).add("report", row.id, field, getattr(row, field), value)
    session.flush()
    session.refresh(row)
