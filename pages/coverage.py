"""پوشش خدمت: which target neighborhood gets which service, against the need norms."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from data_layer.db import read_session
from data_layer.jalali import format_amount, format_number, to_fa_digits
from data_layer.labels import DELIVERY_STATUS_LABELS, NEIGHBORHOOD_KIND_LABELS
from data_layer.output import inert
from data_layer.permissions import Readable
from data_layer.queries import coverage as qc
from data_layer.queries.periods import delivery_period_label
from ui.charts import FONT
from ui.county import county_note
from ui.coverage_view import LEVELS, MAX_ROWS, NAME_LIFT, load, view
from ui.exports import export_buttons
from ui.freshness import current_version, keep_fresh
from ui.html import Html, show
from ui.numbers import number_field, whole_or
from ui.pickers import distinct
from ui.session import page_reader
from ui.theme import page_title


def map_chart(per: pd.DataFrame) -> alt.LayerChart | None:
    """Neighborhoods placed by their coordinates (no map tiles: works offline), the most
    populous named; the legend's counts in Persian digits."""
    if per.empty:
        return None
    counts = sorted(per["missing"].unique())
    labels = [format_number(int(n)) for n in counts]
    per = per.assign(
        توضیح=[
            f"{n}، {c}: جمعیت {p}، {m} خدمت بدون پوشش"
            for n, c, p, m in zip(
                per["neighborhood"],
                per["county"],
                per["جمعیت"],
                per["خدمات بدون پوشش"],
                strict=True,
            )
        ]
    )
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
        description="توضیح:N",  # what a screen reader says of the dot (Persian)
    )
    names = (
        base.transform_filter(alt.datum.named)
        .mark_text(dy=-NAME_LIFT, fontSize=12, color="#0b1220")
        .encode(text="neighborhood:N", description="neighborhood:N")
    )
    layered: alt.LayerChart = (
        alt.layer(dots, names)
        .project("mercator")
        .properties(height=380)
        .properties(description="نقشهٔ محلات هدف: اندازه جمعیت و رنگ شمار خدمات بدون پوشش")
        .configure(font=FONT)
        # Vega's generated axis and legend sentences are English: the caption says it.
        .configure_axis(aria=False)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=13, aria=False)
    )
    return layered


url, reader = page_reader(Readable.COVERAGE)
top = st.container()
f = st.columns([1.4, 1.2, 0.8, 1.4])
version = current_version(url)
base = load(url, reader.scope, (), (), None, None, version)
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
agency_names = distinct(dict(zip(agencies["id"].astype(int), agencies["short_name"], strict=True)))
agency = f[3].selectbox(
    "فقط خدمات دستگاه",
    [None, *agency_names],
    format_func=lambda a: "همه دستگاه‌ها" if a is None else agency_names[a],
    key="cov_agency",
)
county_ids = tuple(base["county_ids"][c] for c in counties)
filters = (reader.scope, county_ids, tuple(kinds), int(max_priority) or None, agency, version)
data, seen = load(url, *filters), view(url, *filters)
cells = data["cells"]
with top:
    page_title(
        "پوشش خدمت در محلات هدف",
        "هر خانه: آنچه ارائه می‌شود در برابر نیاز (هنجار هر هزار نفر × جمعیت)",
        "محلات، خدمات و ارائه‌ها نمونه است." if data["sample"] else None,
    )
    county_note(url, reader)

if seen["empty"]:
    st.info("هیچ محله‌ای با این پالایه‌ها پیدا نشد.")
    st.stop()
k = st.columns(4)
k[0].metric("محلات", format_number(seen["hoods"]))
k[1].metric("بدون هیچ خدمت", format_number(seen["nothing"]))
k[2].metric("خانه‌های تأمین‌شده", format_number(seen["met"]))
k[3].metric("خانه‌های بدون خدمت", format_number(seen["none"]))
legend = Html(" ").join(
    Html('<span class="lv {}">{} {}</span>').format(cls, sym, word)
    for sym, word, cls in LEVELS.values()
)
show(Html('<div class="legend">راهنما: {}</div>').format(legend))
if seen["hoods"] > MAX_ROWS:
    st.caption(
        f"{format_number(MAX_ROWS)} محلهٔ نخست به ترتیب اولویت نشان داده شده‌اند؛ برای دیدن بقیه"
        " شهرستان یا نوع محله را انتخاب کنید."
    )
show(seen["matrix"])

st.markdown("##### یک محله")
names = distinct(seen["names"])
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
    st.page_link(
        "pages/dossier.py",
        label="پرونده کامل این محله",
        icon=":material/folder_open:",
        query_params={"id": str(chosen)},
    )
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
                    delivery_period_label(a, b)
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

export_buttons(url, reader, key="coverage")

keep_fresh(url, version)
