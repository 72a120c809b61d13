"""کمبود ظرفیت: need against delivery, and each agency's capacity serving target areas."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.jalali import format_amount, format_number, format_percent
from data_layer.output import inert
from data_layer.permissions import Readable
from ui import loaders
from ui.county import county_note
from ui.exports import export_buttons
from ui.freshness import current_version, keep_fresh
from ui.session import page_reader
from ui.theme import page_title


def gap_frame(df: pd.DataFrame, first: list[tuple[str, str]]) -> pd.DataFrame:
    """Persian columns, right-most first (the grid lays columns out left to right)."""
    out = {
        "دستگاه متولی": df["owner_agency"].fillna("—") if "owner_agency" in df else None,
        "برآورده‌نشده": (100 * df["unmet_share"]).map(format_percent),
        "کمبود": df["gap"].map(lambda v: format_amount(v)),
        "موجود": df["delivered"].map(lambda v: format_amount(v)),
        "نیاز": df["need"].map(lambda v: format_amount(v)),
    }
    for column, label in reversed(first):
        out[label] = df[column]
    return pd.DataFrame({k: v for k, v in out.items() if v is not None})


url, reader = page_reader(Readable.GAPS)
version = current_version(url)
data = loaders.gaps(url, reader.scope, version)
page_title(
    "کمبود ظرفیت",
    "نیاز = هنجار هر هزار نفر × جمعیت محله؛ کمبود = نیاز − آنچه دستگاه‌ها در محله ارائه می‌کنند",
    "محلات، خدمات و ظرفیت‌ها نمونه است." if data["sample"] else None,
)
county_note(url, reader)
svc = data["service"]
if not svc.empty:
    k = st.columns(3)
    k[0].metric("خدمات دارای کمبود", format_number(int((svc["gap"] > 0).sum())))
    worst = svc.iloc[0]
    k[1].metric("بیشترین کمبود", inert(worst["service"]))
    k[2].metric(
        "متولی آن",
        inert(worst.get("owner_agency") or "—"),
        f"{format_percent(100 * worst['unmet_share'])} برآورده‌نشده",
        delta_color="off",
    )

by_service, by_county, by_hood, ratios = st.tabs(
    ["به تفکیک خدمت", "به تفکیک شهرستان", "به تفکیک محله", "نسبت خدمت دستگاه‌ها (مصوبه ۴)"]
)
with by_service:
    st.dataframe(
        gap_frame(svc, [("service", "خدمت"), ("unit", "واحد")]), hide_index=True, width="stretch"
    )
with by_county:
    st.dataframe(
        gap_frame(data["county"], [("county", "شهرستان")]), hide_index=True, width="stretch"
    )
with by_hood:
    hoods = data["neighborhood"]
    st.caption(f"{format_number(len(hoods))} کمبود بزرگ‌تر، از بیشترین")
    st.dataframe(
        gap_frame(
            hoods,
            [("neighborhood", "محله"), ("county", "شهرستان"), ("service", "خدمت")],
        ),
        hide_index=True,
        width="stretch",
    )
with ratios:
    r = data["ratios"]
    if r is None:
        st.info(
            "ظرفیت دستگاه‌ها در کل استان سنجیده می‌شود و رقمی از یک شهرستان نیست؛"
            " دبیرخانه آن را در نمای استان می‌بیند."
        )
    elif r.empty:
        st.info("هنوز دستگاهی ظرفیت خود را ثبت نکرده است.")
    else:
        st.caption(
            "ظرفیت هر دستگاه در کل استان در برابر سهمی که به محلات هدف اختصاص داده است؛"
            " کمترین نسبت بالاتر."
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "ارائه‌شده در محلات هدف": r["delivered_in_targets"].map(
                        lambda v: format_amount(v)
                    ),
                    "نسبت خدمت": [
                        "—" if pd.isna(x) else format_percent(100 * x) for x in r["ratio"]
                    ],
                    "در محلات هدف": r["target_units"].map(lambda v: format_amount(v)),
                    "ظرفیت کل": r["total_units"].map(lambda v: format_amount(v)),
                    "واحد": r["unit"],
                    "خدمت": r["service"],
                    "دستگاه": r["agency"],
                }
            ),
            hide_index=True,
            width="stretch",
        )

export_buttons(url, reader, key="gaps")

keep_fresh(url, version)
