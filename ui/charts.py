"""Altair charts with Persian labels, the Vazirmatn font and Jalali time labels."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from data_layer.characters import ASCII_DIGITS, PERSIAN_DIGITS
from data_layer.jalali import JALALI_MONTHS, format_number, to_fa_digits, to_jalali
from data_layer.labels import STATUS_LABELS

FONT = "Vazirmatn, Tahoma, 'DejaVu Sans', sans-serif"
# A Vega expression that writes an axis label's digits in Persian.
FA_DIGITS_EXPR = "datum.label"
for _ascii, _fa in zip(ASCII_DIGITS, PERSIAN_DIGITS, strict=True):
    FA_DIGITS_EXPR = f"replace({FA_DIGITS_EXPR}, /{_ascii}/g, '{_fa}')"

STATUS_COLORS = {
    "done": "#136530",
    "in_progress": "#1a51a6",
    "needs_follow_up": "#f5c542",
    "blocked": "#a3221b",
    "not_started": "#c7ccd3",
}


LEGEND_ROOM = 40  # px above the plot for the one-line legend


def _style(chart: alt.Chart | alt.LayerChart) -> alt.Chart | alt.LayerChart:
    """One font everywhere; the legend above the plot (outside it, so it covers no bar),
    right-aligned, read right to left."""
    styled: alt.Chart | alt.LayerChart = (
        chart.configure(font=FONT)
        # Vega writes English sentences for axes and legends ("X-axis for a discrete
        # scale…"): off; each bar says itself in Persian (its `description`).
        .configure_axis(
            labelFont=FONT, titleFont=FONT, labelFontSize=13, titleFontSize=13, aria=False
        )
        .configure_legend(
            labelFont=FONT,
            titleFont=FONT,
            labelFontSize=13,
            orient="top",
            direction="horizontal",
            title=None,
            offset=10,
            aria=False,
        )
        .configure_view(strokeWidth=0)
    )
    return styled


def status_by_agency(summary: pd.DataFrame) -> alt.Chart | alt.LayerChart:
    """Each agency's rows as one bar, split by status (first status on the right)."""
    statuses = list(STATUS_COLORS)
    long = summary.melt(
        id_vars=["agency"], value_vars=statuses, var_name="status", value_name="count"
    )
    long["وضعیت"] = long["status"].map(STATUS_LABELS)
    long["order"] = long["status"].map({s: i for i, s in enumerate(statuses)})
    long["ردیف‌ها"] = long["count"].map(format_number).astype(str)  # str even when empty
    long["توضیح"] = (
        long["agency"].astype(str)
        + "، "
        + long["وضعیت"].astype(str)
        + ": "
        + long["ردیف‌ها"]
        + " ردیف"
    )
    labels = [STATUS_LABELS[s] for s in statuses]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            # Reversed x: bars grow from the right, as a Persian reader expects.
            x=alt.X(
                "count:Q", stack="normalize", title=None, axis=None, scale=alt.Scale(reverse=True)
            ),
            y=alt.Y(
                "agency:N",
                sort=list(summary["agency"]),
                title=None,
                axis=alt.Axis(orient="right", labelLimit=220),
            ),
            color=alt.Color(
                "وضعیت:N",
                scale=alt.Scale(domain=labels, range=[STATUS_COLORS[s] for s in statuses]),
                # Vega lays legend entries left to right: list them reversed.
                legend=alt.Legend(values=list(reversed(labels))),
            ),
            order=alt.Order("order:Q"),
            tooltip=["agency:N", "وضعیت:N", "ردیف‌ها:N"],
            description="توضیح:N",
        )
        # 22 px a bar, plus room for the legend above (the height is the whole chart's).
        .properties(height=max(180, 22 * len(summary)) + LEGEND_ROOM)
    )
    return _style(chart)


def monthly_completions(daily: pd.DataFrame) -> pd.DataFrame:
    """Daily completions summed into the last 12 Jalali months (cache this)."""
    if daily.empty:
        return pd.DataFrame({"month": [], "label": [], "completed": []})
    j = [to_jalali(d) for d in daily["changed_on"]]
    frame = pd.DataFrame(
        {
            "month": [f"{x.year:04d}-{x.month:02d}" for x in j],
            "label": [f"{JALALI_MONTHS[x.month - 1]} {to_fa_digits(x.year)}" for x in j],
            "completed": daily["completed"].astype(int),
        }
    )
    # as_index=False: the sum is a frame with the group columns (the stubs say Series).
    monthly = cast(
        pd.DataFrame, frame.groupby(["month", "label"], as_index=False)["completed"].sum()
    )
    return monthly.sort_values("month").tail(12)


def completions_by_month(monthly: pd.DataFrame) -> alt.Chart | alt.LayerChart:
    """Rows completed per Jalali month; labels computed here, not Vega's Gregorian axis."""
    frame = monthly.copy()
    frame["تعداد"] = frame["completed"].map(format_number).astype(str)  # str even when empty
    frame["توضیح"] = frame["label"].astype(str) + ": " + frame["تعداد"] + " ردیف انجام شد"
    order = list(frame["label"])
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#136530")
        .encode(
            # Time runs right to left: the newest month is on the left.
            x=alt.X("label:N", sort=list(reversed(order)), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "completed:Q",
                title=None,
                axis=alt.Axis(orient="right", format="d", labelExpr=FA_DIGITS_EXPR),
            ),
            tooltip=[alt.Tooltip("label:N", title="ماه"), alt.Tooltip("تعداد:N")],
            description="توضیح:N",
        )
        .properties(height=220)
    )
    return _style(chart)
