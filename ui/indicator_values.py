"""Indicator values: the liaison's grid of one period (every neighborhood × every indicator
the agency reports of that period's kind) and the spreadsheet import, shared by «دستگاه من»
and the secretariat's «شاخص‌ها» page.

The grid is read once per period into this session (a snapshot with each value's id and
version); a save names each changed cell's value by those, so a value someone else saved
since is refused, and «خواندن دوباره» reads the grid again.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from data_layer import clock
from data_layer.commands.indicators import import_indicator_values, save_indicator_values
from data_layer.db import read_session
from data_layer.documents.templates import indicator_values_template_xlsx
from data_layer.input.indicator_values import VALUE_IMPORT, ImportPreview, ValueRow, read_value_keys
from data_layer.jalali import format_number, to_fa_digits
from data_layer.labels import VERIFICATION_LABELS
from data_layer.models_indicators import IndicatorPeriod
from data_layer.permissions import Actor
from data_layer.queries.indicators import agency_value_grid
from data_layer.rules import indicators as rule
from ui.imports import ImportScreen, import_tab
from ui.pickers import distinct
from ui.run import run_command

__all__ = ["period_choices", "typed_number", "values_import", "values_tab"]

EDITABLE = ["مقدار", "صورت", "مخرج", "توضیح"]
FIELDS = {"مقدار": "value", "صورت": "numerator", "مخرج": "denominator", "توضیح": "note"}


def period_choices(today: Any) -> dict[tuple[str, int, int], str]:
    """The periods a value may be reported for: the current season and the seven before
    it, then the current year and the three before it (newest first)."""
    seasons = rule.previous_periods(IndicatorPeriod.SEASON, today, 8)
    years = rule.previous_periods(IndicatorPeriod.YEAR, today, 4)
    out = {
        (IndicatorPeriod.SEASON.value, y, n): rule.period_label("season", y, n) for y, n in seasons
    }
    out |= {(IndicatorPeriod.YEAR.value, y, n): rule.period_label("year", y, n) for y, n in years}
    return out


def typed_number(value: object) -> str:
    """A stored number as a person would type it, in Persian digits; blank for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return to_fa_digits(int(number) if number.is_integer() else round(number, 4))


def _grid_view(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid as the person edits it: the first column a Persian reader needs last
    (the grid runs left to right), figures as text so they show in Persian digits."""
    return pd.DataFrame(
        {
            "تأیید": [
                VERIFICATION_LABELS.get(v, "") if isinstance(v, str) else "—"
                for v in grid["verification"]
            ],
            "توضیح": [n if isinstance(n, str) else "" for n in grid["note"]],
            "مخرج": grid["denominator"].map(typed_number),
            "صورت": grid["numerator"].map(typed_number),
            "مقدار": grid["value"].map(typed_number),
            "واحد": grid["unit"],
            "شاخص": grid["indicator"],
            "محله": [
                f"{n} ({c})" for n, c in zip(grid["neighborhood"], grid["county"], strict=True)
            ],
        }
    )


def _changed_rows(
    grid: pd.DataFrame, view: pd.DataFrame, edited: pd.DataFrame, period: tuple[int, int]
) -> tuple[list[ValueRow], list[int]]:
    """A ValueRow for every grid row whose figures or note changed, with its row number."""
    rows, numbers = [], []
    for i in range(len(grid)):
        before = {c: str(view.iloc[i][c] or "").strip() for c in EDITABLE}
        after = {c: str(edited.iloc[i][c] or "").strip() for c in EDITABLE}
        if before == after:
            continue
        g = grid.iloc[i]
        stored = g["value_id"]
        has = stored is not None and not (isinstance(stored, float) and math.isnan(stored))
        rows.append(
            ValueRow(
                neighborhood=int(g["neighborhood_id"]),
                indicator=int(g["indicator_id"]),
                period=period,
                value_id=int(stored) if has else None,
                expected_version=int(g["version"]) if has else None,
                **{FIELDS[c]: (after[c] or None) if c != "توضیح" else after[c] for c in EDITABLE},
            )
        )
        numbers.append(i + 1)
    return rows, numbers


def values_tab(url: str, actor: Actor, *, key: str = "iv") -> None:
    """One period's grid of the agency's indicators for every neighborhood, saved at once."""
    choices = period_choices(clock.today())
    choices = distinct(choices)
    chosen = st.selectbox(
        "دوره", list(choices), format_func=choices.__getitem__, key=f"{key}_period"
    )
    kind, year, number = chosen
    snapshot = f"{key}_grid_{actor.agency_id}_{kind}_{year}_{number}"
    if snapshot not in st.session_state or st.button(
        "خواندن دوباره", key=f"{key}_reload", icon=":material/refresh:"
    ):
        with read_session(url) as s:
            grid = agency_value_grid(s, int(actor.agency_id or 0), kind, year, number)
        st.session_state[snapshot] = (grid, _grid_view(grid))
    grid, view = st.session_state[snapshot]
    if grid.empty:
        st.info(f"دستگاه شما شاخص {'فصلی' if kind == 'season' else 'سالانه'}ی برای گزارش ندارد.")
        return
    st.caption(
        "برای شاخص نسبتی یا درصدی یا «مقدار» را بنویسید یا «صورت» و «مخرج» را؛ همهٔ ردیف‌ها با هم"
        " ذخیره می‌شوند یا هیچ‌کدام. مقداری که تغییر کند دوباره به بررسی دبیرخانه می‌رود."
    )
    edited = st.data_editor(
        view,
        key=f"{snapshot}_editor",
        hide_index=True,
        disabled=["تأیید", "واحد", "شاخص", "محله"],
        num_rows="fixed",
        width="stretch",
        column_config={c: st.column_config.TextColumn(alignment="right") for c in view.columns},
    )
    if st.button("ذخیرهٔ مقادیر", type="primary", key=f"{key}_save"):
        rows, numbers = _changed_rows(grid, view, edited, (year, number))
        if not rows:
            st.info("تغییری در جدول نیست.")
            return
        run_command(
            url,
            lambda s, who: save_indicator_values(s, actor=who, rows=rows, numbers=numbers),
            done=lambda n: f"{format_number(n)} مقدار ذخیره شد.",
            forget=[snapshot],
        )


def _template_rows(url: str, agency_id: int | None) -> list[tuple[object, ...]]:
    """The agency's neighborhoods × indicators of the current season, for the template."""
    today = clock.today()
    (year, number), *_ = rule.previous_periods(IndicatorPeriod.SEASON, today, 1)
    if agency_id is None:
        return []
    with read_session(url) as s:
        grid = agency_value_grid(s, agency_id, IndicatorPeriod.SEASON.value, year, number)
    label = rule.period_label("season", year, number)
    return [(r["county"], r["neighborhood"], r["indicator"], label) for _, r in grid.iterrows()]


def _show(preview: ImportPreview) -> None:
    st.success(
        f"{format_number(len(preview.clean))} مقدار بی‌اشکال است:"
        f" {format_number(preview.new_count)} مقدار تازه و"
        f" {format_number(preview.changed_count)} مقدار که جایگزین مقدار ثبت‌شده می‌شود."
    )


def values_import(url: str, actor: Actor, *, key: str = "iv_import") -> None:
    """The spreadsheet import of values (the liaison: its own indicators; the secretariat:
    any)."""
    agency = None if actor.agency_id is None else int(actor.agency_id)
    screen: ImportScreen[ImportPreview, int] = ImportScreen(
        key=key,
        intro=lambda columns: (
            f"پرونده‌ای با ستون‌های {columns}. الگو با محله‌ها و شاخص‌های دستگاه شما برای فصل"
            " جاری پر شده است؛ هر سطر یک مقدار. تا وقتی سطری اشکال دارد هیچ مقداری ثبت نمی‌شود."
        ),
        template=lambda: indicator_values_template_xlsx(_template_rows(url, agency)),
        template_file="indicator-values.xlsx",
        sheet=VALUE_IMPORT,
        show=_show,
        button="ثبت مقادیر",
        command=import_indicator_values,
        done=lambda n: f"{format_number(n)} مقدار ثبت شد.",
        context=lambda s: read_value_keys(s, today=clock.today(), agency_id=agency),
    )
    import_tab(url, screen)
