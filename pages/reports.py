"""گزارش عملکرد: which agency sent its periodic report, on time, late or not at all."""

from __future__ import annotations

import streamlit as st

from data_layer.commands.settings import set_report_rule
from data_layer.db import read_session
from data_layer.jalali import format_jalali, format_jalali_datetime, format_number, local_today
from data_layer.labels import PERIOD_KIND_LABELS
from data_layer.permissions import Action, Readable
from data_layer.queries import periods as qp
from data_layer.queries.settings import get_report_rule
from ui.html import Html, show
from ui.numbers import number_field
from ui.pickers import as_shown
from ui.run import run_command
from ui.session import page_reader
from ui.theme import page_title

STATES = {
    "on_time": ("●", "به‌موقع", "rp-ok"),
    "late": ("▲", "با تأخیر", "rp-late"),
    "missing": ("■", "ارسال‌نشده", "rp-missing"),
    "pending": ("○", "در مهلت", "rp-pending"),
}

url, reader = page_reader(Readable.REPORTS)
today = local_today()
with read_session(url) as s:
    rule = get_report_rule(s)
    periods = qp.recent_periods(rule, today, count=5)
    grid = qp.report_completeness(s, rule=rule, periods=periods, today=today)

page_title(
    "گزارش عملکرد دستگاه‌ها",
    f"مصوبه ۵: گزارش {PERIOD_KIND_LABELS[rule.period_kind]}، تا"
    f" {format_number(rule.days_after_period_end)} روز پس از پایان هر دوره",
    "گزارش‌ها نمونه است." if not grid.empty and grid["submitted_at"].notna().any() else None,
)
counts = grid["state"].value_counts()
tiles = st.columns(4)
for i, (state, (sym, word, _cls)) in enumerate(STATES.items()):
    tiles[i].metric(f"{sym} {word}", format_number(int(counts.get(state, 0))))

labels = grid.drop_duplicates(["period_year", "period_no"])[
    ["period_year", "period_no", "label", "deadline"]
]
head = Html('<th class="agency">دستگاه</th>') + Html("").join(
    Html('<th title="مهلت: {}">{}</th>').format(format_jalali(p["deadline"]), p["label"])
    for _, p in labels.iterrows()
)
body = []
for _agency, grp in grid.groupby("agency_id", sort=False):
    cells = {(int(r["period_year"]), int(r["period_no"])): r for _, r in grp.iterrows()}
    tds = [Html('<th class="agency" scope="row">{}</th>').format(grp["agency"].iloc[0])]
    for _, p in labels.iterrows():
        r = cells[(int(p["period_year"]), int(p["period_no"]))]
        sym, word, cls = STATES[r["state"]]
        tds.append(
            Html('<td class="rp {}" title="مهلت {} — ارسال: {}" data-state="{}">{} {}</td>').format(
                cls,
                format_jalali(r["deadline"]),
                format_jalali_datetime(r["submitted_at"]),
                r["state"],
                sym,
                word,
            )
        )
    body.append(Html("<tr>{}</tr>").format(Html("").join(tds)))
show(
    Html(
        '<div class="matrix-wrap"><table class="matrix reports" dir="rtl">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>"
    ).format(head, Html("").join(body))
)

if reader.may(Action.MANAGE_SETTINGS):
    was = as_shown("report_rule", rule)  # the rule as the secretariat first saw it
    k = f"{was.period_kind}_{was.days_after_period_end}"
    with st.form(f"report_rule_{k}", enter_to_submit=False):
        st.markdown("**قاعدهٔ مهلت**")
        a, b = st.columns(2)
        kind = a.selectbox(
            "دورهٔ گزارش",
            list(PERIOD_KIND_LABELS),
            index=list(PERIOD_KIND_LABELS).index(was.period_kind),
            format_func=PERIOD_KIND_LABELS.__getitem__,
            key=f"rule_kind_{k}",
        )
        days = number_field(
            b, "مهلت پس از پایان دوره (روز)", was.days_after_period_end, key=f"rule_days_{k}"
        )
        if st.form_submit_button("ذخیرهٔ قاعده", type="primary"):
            run_command(
                url,
                lambda s, who: set_report_rule(
                    s, actor=who, period_kind=kind, days_after_period_end=days, expected=was
                ),
                done="قاعدهٔ مهلت گزارش ذخیره شد.",
                shown="report_rule",
            )
