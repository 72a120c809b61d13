"""پوشش خدمت: which target neighborhood gets which service, against the need norms."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from data_layer.config import get_settings
from data_layer.db import read_session
from data_layer.jalali import format_amount, format_number, to_fa_digits
from data_layer.labels import DELIVERY_STATUS_LABELS, NEIGHBORHOOD_KIND_LABELS
from data_layer.output import inert, inert_attr, inert_html
from data_layer.queries import coverage as qc
from data_layer.queries.agencies import list_agencies
from data_layer.queries.meta import shows_sample_data
from data_layer.queries.places import list_counties, neighborhood_coordinates
from ui.charts import FONT
from ui.exports import export_buttons
from ui.freshness import current_version, keep_fresh
from ui.numbers import number_field, whole_or
from ui.session import require_reader
from ui.theme import page_title

CACHE_SECONDS = 600  # a memory bound: freshness comes from the version key
LEVELS = {
    "met": ("●", "تأمین", "lv-met"),
    "partial": ("◐", "ناقص", "lv-partial"),
    "none": ("○", "ندارد", "lv-none"),
    "served": ("✔", "دارد (بی‌هنجار)", "lv-served"),
    "no_norm": ("—", "بی‌هنجار", "lv-nonorm"),
}


@st.cache_data(ttl=CACHE_SECONDS, show_spinner="در حال خواندن…")
def load(
    url: str,
    county_ids: tuple[int, ...],
    kinds: tuple[str, ...],
    max_priority: int | None,
    agency_id: int | None,
    version: int,
) -> dict[str, Any]:
    """The filtered coverage matrix and the pickers' options."""
    with read_session(url) as s:
        counties = list_counties(s)
        return {
            "cells": qc.coverage_matrix(
                s,
                county_ids=list(county_ids) or None,
                kinds=list(kinds) or None,
                max_priority=max_priority,
                agency_id=agency_id,
            ),
            "counties": counties["name"].tolist(),
            "county_ids": dict(zip(counties["name"], counties["id"].astype(int), strict=True)),
            "agencies": list_agencies(s),
            "sample": shows_sample_data(s),
        }


def matrix_html(cells: pd.DataFrame) -> str:
    """Neighborhoods as rows (right), services as columns; level by symbol and word."""
    services = cells[["service_type_id", "service"]].drop_duplicates()
    head = '<th class="agency">محله</th>' + "".join(
        f"<th>{inert_html(s)}</th>" for s in services["service"]
    )
    body = []
    order = cells.sort_values(["priority_rank", "population"], ascending=[True, False])
    for hood_id, grp in order.groupby("neighborhood_id", sort=False):
        first = grp.iloc[0]
        by_service = {int(r["service_type_id"]): r for _, r in grp.iterrows()}
        tds = [
            f'<th class="agency" scope="row">{inert_html(first["neighborhood"])}'
            f" <small>({inert_html(first['county'])})</small></th>"
        ]
        for sid in services["service_type_id"]:
            r = by_service[int(sid)]
            sym, word, cls = LEVELS[r["level"]]
            need = "—" if pd.isna(r["need"]) else format_amount(r["need"])
            title = (
                f"{r['service']} در {r['neighborhood']}: {word}\nنیاز {need}،"
                f" موجود {format_amount(r['delivered'])} {r['unit']}،"
                f" {format_number(int(r['agencies']))} دستگاه"
            )
            tip = inert_attr(title)
            tds.append(
                f'<td class="lv {cls}" title="{tip}" data-level="{r["level"]}">{sym} {word}</td>'
            )
        body.append(f"<tr data-hood='{int(hood_id)}'>{''.join(tds)}</tr>")
    return (
        '<div class="matrix-wrap"><table class="matrix coverage" dir="rtl">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


MAP_NAMES = 40  # at most this many dots carry their name (the most populous)
MAX_ROWS = 150  # a province-sized matrix; past that, the filters narrow it down


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def view(
    url: str,
    county_ids: tuple[int, ...],
    kinds: tuple[str, ...],
    max_priority: int | None,
    agency_id: int | None,
    version: int,
) -> dict[str, Any]:
    """What the screen draws from the filtered matrix, built once per filter and data
    version for every session: the figures, the matrix's HTML, the names, the map."""
    cells = load(url, county_ids, kinds, max_priority, agency_id, version)["cells"]
    if cells.empty:
        return {"empty": True}
    firsts = cells.drop_duplicates("neighborhood_id").sort_values(
        ["priority_rank", "population"], ascending=[True, False]
    )
    served = cells["level"].isin(["met", "partial", "served"])
    anything = served.groupby(cells["neighborhood_id"]).any()
    shown = cells
    if len(firsts) > MAX_ROWS:
        shown = cells[cells["neighborhood_id"].isin(firsts["neighborhood_id"].head(MAX_ROWS))]
    return {
        "empty": False,
        "hoods": len(firsts),
        "nothing": int((~anything).sum()),
        "met": int((cells["level"] == "met").sum()),
        "none": int((cells["level"] == "none").sum()),
        "matrix": matrix_html(shown),
        "names": {
            int(i): f"{n} ({c})"
            for i, n, c in zip(
                firsts["neighborhood_id"], firsts["neighborhood"], firsts["county"], strict=True
            )
        },
        "map": map_frame(cells, coordinates(url, version)),
    }


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def coordinates(url: str, version: int) -> dict[int, tuple[float, float]]:
    """Every neighborhood's position, read once per data version."""
    with read_session(url) as s:
        return neighborhood_coordinates(s)


def map_frame(cells: pd.DataFrame, where: dict[int, tuple[float, float]]) -> pd.DataFrame:
    """One row per placed neighborhood: position, population, services not covered."""
    keys = ["neighborhood_id", "neighborhood", "county", "population"]
    per = (
        cells.assign(missing=(cells["level"] == "none").astype(int))
        .groupby(keys, as_index=False)["missing"]
        .sum()
    )
    per = per[per["neighborhood_id"].isin(list(where))].copy()
    if per.empty:
        return per
    per["lat"] = [where[int(h)][0] for h in per["neighborhood_id"]]
    per["lon"] = [where[int(h)][1] for h in per["neighborhood_id"]]
    per["خدمات بدون پوشش"] = per["missing"].map(format_number)
    per["جمعیت"] = per["population"].map(format_number)
    per["named"] = per["population"].rank(ascending=False, method="first") <= MAP_NAMES
    return per


def map_chart(per: pd.DataFrame) -> alt.LayerChart | None:
    """Neighborhoods placed by their coordinates (no map tiles: works offline), the most
    populous named; the legend's counts in Persian digits."""
    if per.empty:
        return None
    counts = sorted(per["missing"].unique())
    labels = [format_number(int(n)) for n in counts]
    base = alt.Chart(per).encode(longitude="lon:Q", latitude="lat:Q")
    dots = base.mark_circle(opacity=0.8, stroke="#0b1220", strokeWidth=0.5).encode(
        size=alt.Size("population:Q", legend=None, scale=alt.Scale(range=[60, 900])),
        color=alt.Color(
            "خدمات بدون پوشش:O",
            sort=labels,
            scale=alt.Scale(scheme="reds", domain=labels),
            legend=alt.Legend(title="خدمات بدون پوشش", orient="top-right"),
        ),
        tooltip=["neighborhood:N", "county:N", "جمعیت:N", "خدمات بدون پوشش:N"],
    )
    names = (
        base.transform_filter(alt.datum.named)
        .mark_text(dy=-14, fontSize=12, color="#0b1220")
        .encode(text="neighborhood:N")
    )
    return (
        alt.layer(dots, names)
        .project("mercator")
        .properties(height=380)
        .configure(font=FONT)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=13)
    )


url = get_settings().database_url
require_reader(url, "coverage")
top = st.container()
f = st.columns([1.4, 1.2, 0.8, 1.4])
version = current_version(url)
base = load(url, (), (), None, None, version)
counties = f[0].multiselect("شهرستان", base["counties"], placeholder="همه", key="cov_counties")
kinds = f[1].multiselect(
    "نوع محله",
    list(NEIGHBORHOOD_KIND_LABELS),
    format_func=NEIGHBORHOOD_KIND_LABELS.__getitem__,
    placeholder="همه",
    key="cov_kinds",
)
max_priority = whole_or(
    number_field(f[2], "اولویت تا (۰: همه)", 0, key="cov_priority"), 0, low=0, high=100_000
)
agencies = base["agencies"]
agency_names = dict(zip(agencies["id"].astype(int), agencies["short_name"], strict=True))
agency = f[3].selectbox(
    "فقط خدمات دستگاه",
    [None, *agency_names],
    format_func=lambda a: "همه دستگاه‌ها" if a is None else agency_names[a],
    key="cov_agency",
)
county_ids = tuple(base["county_ids"][c] for c in counties)
filters = (county_ids, tuple(kinds), int(max_priority) or None, agency, version)
data, seen = load(url, *filters), view(url, *filters)
cells = data["cells"]
with top:
    page_title(
        "پوشش خدمت در محلات هدف",
        "هر خانه: آنچه ارائه می‌شود در برابر نیاز (هنجار هر هزار نفر × جمعیت)",
        "محلات، خدمات و ارائه‌ها نمونه است." if data["sample"] else None,
    )

if seen["empty"]:
    st.info("هیچ محله‌ای با این پالایه‌ها پیدا نشد.")
    st.stop()
k = st.columns(4)
k[0].metric("محلات", format_number(seen["hoods"]))
k[1].metric("بدون هیچ خدمت", format_number(seen["nothing"]))
k[2].metric("خانه‌های تأمین‌شده", format_number(seen["met"]))
k[3].metric("خانه‌های بدون خدمت", format_number(seen["none"]))
legend = " ".join(
    f'<span class="lv {cls}">{sym} {word}</span>' for sym, word, cls in LEVELS.values()
)
st.markdown(f'<div class="legend">راهنما: {legend}</div>', unsafe_allow_html=True)
if seen["hoods"] > MAX_ROWS:
    st.caption(
        f"{format_number(MAX_ROWS)} محلهٔ نخست به ترتیب اولویت نشان داده شده‌اند؛ برای دیدن بقیه"
        " شهرستان یا نوع محله را انتخاب کنید."
    )
st.markdown(seen["matrix"], unsafe_allow_html=True)

st.markdown("##### یک محله")
names = seen["names"]
chosen = st.selectbox("محله", list(names), format_func=names.__getitem__, key="cov_hood")
with read_session(url) as s:
    profile = qc.neighborhood_profile(s, int(chosen))
    served = qc.neighborhood_deliveries(s, int(chosen))
if profile:
    kind = NEIGHBORHOOD_KIND_LABELS.get(profile["kind"], profile["kind"])
    facts = [
        f"شهرستان {profile['county']}",
        f"نوع: {kind}",
        f"جمعیت {format_number(profile['population'])}",
        f"خانوار {format_number(profile['households'])}",
        f"اولویت {to_fa_digits(profile['priority_rank']) if profile['priority_rank'] else '—'}",
        "دفتر تسهیل‌گری دارد" if profile["has_facilitation_office"] else "بدون دفتر تسهیل‌گری",
        "دفتر تحول اجتماعی دارد"
        if profile["has_transformation_office"]
        else "بدون دفتر تحول اجتماعی",
    ]
    st.markdown(" — ".join(inert(x) for x in facts))
    mine = cells[cells["neighborhood_id"] == chosen]
    missing = mine[mine["level"].isin(["none", "partial"])]
    if missing.empty:
        st.success("همهٔ خدمات دارای هنجار در این محله تأمین است.")
    else:
        st.warning(
            inert(
                "کمبود: "
                + "، ".join(
                    f"{r['service']} ({LEVELS[r['level']][1]}؛ نیاز {format_amount(r['need'])}،"
                    f" موجود {format_amount(r['delivered'])} {r['unit']})"
                    for _, r in missing.iterrows()
                )
            )
        )
    if served.empty:
        st.caption("هیچ دستگاهی در این محله خدمتی ثبت نکرده است.")
    else:
        shown = pd.DataFrame(
            {
                "وضعیت": [DELIVERY_STATUS_LABELS.get(x, x) for x in served["status"]],
                "دوره": [
                    qc.delivery_period_label(a, b)
                    for a, b in zip(served["period_start"], served["period_end"], strict=True)
                ],
                "بهره‌مندان": served["beneficiaries"].map(format_number),
                "مقدار": [
                    f"{format_amount(u)} {n}"
                    for u, n in zip(served["units"], served["unit"], strict=True)
                ],
                "خدمت": served["service"],
                "دستگاه": served["agency"],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")

chart = map_chart(seen["map"])
if chart is not None:
    st.markdown("##### نقشهٔ محلات (بدون نقشهٔ پایه؛ اندازه = جمعیت، رنگ = خدمات بدون پوشش)")
    st.altair_chart(chart, width="stretch")

export_buttons(url, key="coverage")

keep_fresh(url, version)
