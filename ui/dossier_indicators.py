"""A neighborhood's indicators on its dossier: one small trend chart each, its values by
period (Jalali labels) against the baseline and the target, with its status by mark
and word (colour never alone)."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from data_layer.jalali import format_amount, format_jalali
from data_layer.labels import VERIFICATION_LABELS
from data_layer.output import inert
from data_layer.permissions import Scope
from data_layer.queries.dossier import Dossier
from data_layer.queries.indicators import NeighborhoodIndicator
from data_layer.rules.indicators import STATUS_LABELS, STATUS_MARKS
from ui.cache import loader
from ui.charts import FA_DIGITS_EXPR, FONT
from ui.dossier_view import dossier
from ui.html import Html, show

__all__ = ["indicator_points", "indicators_section", "status_html", "trend_chart", "trend_specs"]

COLUMNS = 3
TARGET_COLOR = "#1b7f3b"
BASELINE_COLOR = "#6b7280"
VALUE_COLOR = "#1f5fbf"


def status_html(ind: NeighborhoodIndicator) -> Html:
    """The indicator's name, its status by mark and word, and baseline → target."""
    target = (
        Html("مبنا {} ({}) ← هدف {} تا {}").format(
            format_amount(ind.baseline_value),
            ind.baseline_label,
            format_amount(ind.target_value),
            format_jalali(ind.target_on),
        )
        if ind.target_id is not None
        else Html("مبنا و هدف تعیین نشده است")
    )
    wrong = (
        Html(' <span class="ind-wrong">⚠ بدتر از دورهٔ پیش</span>') if ind.moved_wrong_way else ""
    )
    return Html(
        '<div class="ind-head"><b>{}</b> <small>({})</small><br>'
        '<span class="ind-st ind-{}">{} {}</span>{}<br><small>{}</small></div>'
    ).format(
        ind.name,
        ind.unit or ind.agency,
        ind.status,
        STATUS_MARKS[ind.status],
        STATUS_LABELS[ind.status],
        wrong,
        target,
    )


def indicator_points(ind: NeighborhoodIndicator) -> pd.DataFrame:
    """The chart's points: the baseline, each period's value (rejected ones left out,
    as the status rule leaves them), and the target at its date."""
    points: list[tuple[str, float, str]] = []
    if ind.baseline_value is not None:
        points.append((ind.baseline_label, ind.baseline_value, "مبنا"))
    points += [
        (v.label, v.value, "مقدار")
        for v in ind.values
        if v.verification != "rejected" and v.label != ind.baseline_label
    ]
    if ind.target_value is not None and ind.target_on is not None:
        points.append((f"هدف {format_jalali(ind.target_on)}", ind.target_value, "هدف"))
    frame = pd.DataFrame(points, columns=["period", "value", "kind"])
    frame["shown"] = frame["value"].map(format_amount)
    frame["order"] = range(len(frame))
    return frame


def trend_chart(ind: NeighborhoodIndicator) -> alt.LayerChart:
    """Values by period as a line from the baseline, the target as a dashed line."""
    points = indicator_points(ind)
    x = alt.X(
        "period:N",
        sort=list(points["period"]),
        title=None,
        axis=alt.Axis(labelAngle=0, labelFontSize=11, labelLimit=90),
    )
    y = alt.Y(
        "value:Q",
        title=None,
        scale=alt.Scale(zero=False),
        axis=alt.Axis(labelExpr=FA_DIGITS_EXPR, tickCount=4),
    )
    measured = points[points["kind"] != "هدف"]
    line = alt.Chart(measured).mark_line(color=VALUE_COLOR, point=True).encode(x=x, y=y)
    dots = (
        alt.Chart(points)
        .mark_point(size=70, filled=True)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape("kind:N", legend=None),
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(
                    domain=["مبنا", "مقدار", "هدف"],
                    range=[BASELINE_COLOR, VALUE_COLOR, TARGET_COLOR],
                ),
            ),
            tooltip=[
                alt.Tooltip("kind:N", title="نوع"),
                alt.Tooltip("period:N", title="دوره"),
                alt.Tooltip("shown:N", title="مقدار"),
            ],
        )
    )
    layers: list[alt.Chart] = [line, dots]
    if ind.target_value is not None:
        goal = pd.DataFrame({"value": [ind.target_value]})
        layers.append(
            alt.Chart(goal)
            .mark_rule(color=TARGET_COLOR, strokeDash=[6, 4])
            .encode(y=alt.Y("value:Q"))
        )
    chart: alt.LayerChart = (
        alt.layer(*layers)
        .properties(height=170)
        .configure(font=FONT)
        .configure_axis(labelFont=FONT, labelFontSize=11)
        .configure_view(strokeWidth=0)
    )
    return chart


def values_caption(ind: NeighborhoodIndicator) -> str:
    """Each period's value in words (for those who read no chart), with its check."""
    return "؛ ".join(
        f"{v.label}: {format_amount(v.value)} ({VERIFICATION_LABELS.get(v.verification, '')})"
        for v in ind.values
    )


@loader()
def trend_specs(
    url: str, scope: Scope, neighborhood_id: int, today: date, version: int
) -> dict[int, dict[str, Any]]:
    """Each indicator's chart of the neighborhood as a Vega-Lite spec, built once per data
    version for every visitor: building eight charts with Altair took most of a visit."""
    d = dossier(url, scope, neighborhood_id, today, version)
    if d is None:
        return {}
    # Without Altair's schema check: the spec is built here, so known good.
    return {ind.indicator_id: trend_chart(ind).to_dict(validate=False) for ind in d.indicators}


def indicators_section(d: Dossier, specs: dict[int, dict[str, Any]]) -> None:
    """The neighborhood's indicators, three to a row, each with its chart in `specs`."""
    if not d.indicators:
        st.caption("برای این محله هنوز شاخصی با مبنا و هدف یا مقداری ثبت نشده است.")
        return
    for start in range(0, len(d.indicators), COLUMNS):
        cols = st.columns(COLUMNS)
        for col, ind in zip(cols, d.indicators[start : start + COLUMNS], strict=False):
            with col.container(border=True, key=f"ind_{ind.indicator_id}"):
                show(status_html(ind))
                spec = specs.get(ind.indicator_id)
                if spec is None:  # the dossier and the specs of two versions: build it here
                    spec = trend_chart(ind).to_dict(validate=False)
                st.vega_lite_chart(spec=spec, width="stretch")
                if ind.values:
                    st.caption(inert(values_caption(ind)))
