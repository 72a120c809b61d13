"""Tables of a neighborhood's condition over time (issue 25): the indicator catalogue
(شاخص), each neighborhood's baseline and target for an indicator (مبنا / هدف), and
the values reported per period, verified like the agencies' claims.

Periods are Jalali: a season (1-4) of a year, or a whole year (number 0).
Every change to an indicator, a target or a value goes to `history_entry`
(entities "indicator", "indicator_target", "indicator_value").
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from data_layer.models import Verification, _in, utcnow


class IndicatorDirection(StrEnum):
    """Which way is better."""

    HIGHER = "higher"  # بالاتر بهتر
    LOWER = "lower"  # پایین‌تر بهتر


class IndicatorPeriod(StrEnum):
    """How often an indicator is measured."""

    SEASON = "season"
    YEAR = "year"


class IndicatorMeasure(StrEnum):
    """A count (whole number ≥ 0), a rate (numerator / denominator × per, ≥ 0) or a
    percentage (a rate per 100 that stays within 0-100)."""

    COUNT = "count"
    RATE = "rate"
    PERCENT = "percent"


class Indicator(SQLModel, table=True):
    """An indicator of the catalogue, kept by the secretariat, reported by one agency."""

    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(_in("direction", IndicatorDirection), name="ck_indicator_direction"),
        CheckConstraint(_in("period_kind", IndicatorPeriod), name="ck_indicator_period"),
        CheckConstraint(_in("measure", IndicatorMeasure), name="ck_indicator_measure"),
        CheckConstraint("per_multiplier > 0", name="ck_indicator_per"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    unit: str = Field(default="", max_length=60)
    direction: str = Field(default=IndicatorDirection.HIGHER.value, max_length=10)
    period_kind: str = Field(default=IndicatorPeriod.SEASON.value, max_length=10)
    agency_id: int = Field(foreign_key="agency.id", index=True)  # who reports it
    measure: str = Field(default=IndicatorMeasure.COUNT.value, max_length=10)
    numerator_label: str = Field(default="", max_length=200)  # a rate's «صورت»
    denominator_label: str = Field(default="", max_length=200)  # a rate's «مخرج»
    per_multiplier: float = 1  # e.g. 1000 for «per 1,000 residents»; 100 for a percentage
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    is_sample: bool = False


class IndicatorTarget(SQLModel, table=True):
    """A neighborhood's baseline for an indicator (a value in a period) and its target
    value with the date it should be reached by."""

    __tablename__ = "indicator_target"
    __table_args__ = (
        UniqueConstraint("neighborhood_id", "indicator_id", name="uq_indicator_target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    neighborhood_id: int = Field(foreign_key="neighborhood.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    baseline_value: float
    baseline_year: int  # Jalali year of the baseline's period
    baseline_no: int  # its season (1-4), or 0 for a yearly indicator
    baseline_end: date  # the last day of that period (the rule's starting point)
    target_value: float
    target_on: date
    note: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    is_sample: bool = False


class IndicatorValue(SQLModel, table=True):
    """One neighborhood's value of one indicator for one period, with who reported it,
    when, from what source, and the secretariat's verification."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint(
            "neighborhood_id", "indicator_id", "period_year", "period_no", name="uq_indicator_value"
        ),
        CheckConstraint(_in("verification", Verification), name="ck_indicator_value_verification"),
        CheckConstraint("denominator IS NULL OR denominator > 0", name="ck_indicator_value_den"),
        Index("ix_indicator_value_indicator_period", "indicator_id", "period_year", "period_no"),
        # The values awaiting verification, the longest waiting first (inbox, verify tab).
        Index("ix_indicator_value_awaiting", "verification", "reported_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    neighborhood_id: int = Field(foreign_key="neighborhood.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    period_year: int
    period_no: int  # season 1-4, or 0 for a year
    period_end: date  # the period's last day, for ordering and the status rule
    value: float
    numerator: float | None = None
    denominator: float | None = None
    source: str = Field(default="", max_length=300)  # «فرم دستگاه», «اکسل: name.xlsx»
    note: str = Field(default="", max_length=1000)
    verification: str = Field(default=Verification.UNVERIFIED.value, max_length=20)
    verification_note: str = Field(default="", max_length=1000)
    verified_at: datetime | None = None
    verified_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    reported_at: datetime = Field(default_factory=utcnow)
    reported_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    is_sample: bool = False


class IndicatorStanding(SQLModel, table=True):
    """Where one neighborhood's indicator stands, kept by every write that can move it
    (a value saved, imported or ruled on; a target set; the indicator's direction
    changed): the status of data_layer/rules/indicators.py, the latest two counted
    values and whether the latest moved the wrong way. The overview and the projector
    count from it, so their reads do not grow with the values stored."""

    __tablename__ = "indicator_standing"
    __table_args__ = (
        Index("ix_indicator_standing_status", "status"),
        # An indicator's newest period, and its wrong-way moves there, from the index alone.
        Index("ix_indicator_standing_newest", "indicator_id", "latest_end", "wrong_way"),
    )

    neighborhood_id: int = Field(foreign_key="neighborhood.id", primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    has_target: bool = False
    status: str = Field(max_length=10)  # IndicatorStatus; no_data without a target
    latest_year: int | None = None
    latest_no: int | None = None
    latest_end: date | None = None
    latest_value: float | None = None
    previous_year: int | None = None
    previous_no: int | None = None
    previous_value: float | None = None
    wrong_way: bool = False
