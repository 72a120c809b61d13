"""Reads of one agency's performance report (for its form)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from data_layer.models import PerformanceReport


def report_for(
    session: Session, *, agency_id: int, period_kind: str, period_year: int, period_no: int
) -> dict[str, Any] | None:
    """The report an agency sent for a period (its text, figures and version), if any."""
    row = session.execute(
        select(PerformanceReport).where(
            col(PerformanceReport.agency_id) == agency_id,
            col(PerformanceReport.period_kind) == period_kind,
            col(PerformanceReport.period_year) == period_year,
            col(PerformanceReport.period_no) == period_no,
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return {
        "version": row.version,
        "body": row.body,
        "figures": json.loads(row.figures_json or "{}"),
        "submitted_at": row.submitted_at,
    }
