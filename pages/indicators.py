"""شاخص‌ها: the secretariat keeps the indicator catalogue, each neighborhood's baseline and
target, imports values from a spreadsheet and verifies the values agencies report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.commands.indicators import (
    DIRECTION_LABELS,
    MEASURE_LABELS,
    PERIOD_LABELS,
    IndicatorInput,
    TargetInput,
    create_indicator,
    set_indicator_target,
    update_indicator,
    verify_indicator_value,
)
from data_layer.db import read_session
from data_layer.jalali import format_jalali, format_jalali_datetime, format_number
from data_layer.labels import VERIFICATION_LABELS
from data_layer.models import Verification
from data_layer.output import inert
from data_layer.permissions import Readable
from data_layer.queries.agencies import list_agencies
from data_layer.queries.indicator_forms import target_of, values_to_verify
from data_layer.queries.indicators import indicator_catalogue
from data_layer.queries.places import list_neighborhoods
from data_layer.rules import indicators as rule
from ui.indicator_values import typed_number, values_import
from ui.jalali_picker import date_field
from ui.pickers import as_shown, distinct, pick
from ui.run import run_command
from ui.session import page_person
from ui.theme import page_title

url, actor = page_person(Readable.INDICATORS)
with read_session(url) as s:
    catalogue = indicator_catalogue(s, include_inactive=True)
    agencies = list_agencies(s)
    hoods = list_neighborhoods(s)
page_title(
    "شاخص‌های محلات هدف",
    "فهرست شاخص‌ها، مبنا و هدف هر محله، ورود مقادیر از اکسل و بررسی مقادیر گزارش‌شده.",
    "بخشی از شاخص‌ها دادهٔ نمونه است." if bool(catalogue["is_sample"].any()) else None,
)
TABS = ["فهرست شاخص‌ها", "مبنا و هدف", "ورود از اکسل", "بررسی مقادیر"]
# The inbox opens the verification tab (?tab=verify), on one value (&value=id).
opened = st.query_params.get("value", "")
OPENED = int(opened) if opened.isdigit() else None
verify_first = OPENED is not None or st.query_params.get("tab") == "verify"
listing, targets, importing, verifying = st.tabs(TABS, default=TABS[3] if verify_first else None)


def indicator_form(key: str, row: dict[str, object] | None) -> IndicatorInput | None:
    """The catalogue form (empty for a new indicator); the input when submitted."""
    names = {int(i): n for i, n in zip(agencies["id"], agencies["short_name"], strict=True)}
    if row is not None and int(str(row["agency_id"])) not in names:
        names[int(str(row["agency_id"]))] = str(row["agency"])
    with st.form(key, enter_to_submit=False):
        a, b = st.columns(2)
        name = a.text_input("نام شاخص", value=str(row["name"]) if row else "", key=f"{key}_name")
        unit = b.text_input("واحد", value=str(row["unit"]) if row else "", key=f"{key}_unit")
        definition = st.text_area(
            "تعریف", value=str(row["definition"]) if row else "", key=f"{key}_definition"
        )
        choice = {
            "direction": (DIRECTION_LABELS, "جهت بهبود"),
            "period_kind": (PERIOD_LABELS, "دورهٔ سنجش"),
            "measure": (MEASURE_LABELS, "نوع شاخص"),
        }
        picked: dict[str, str] = {}
        for (field, (labels, title)), where in zip(choice.items(), st.columns(3), strict=True):
            options = list(labels)
            index = options.index(str(row[field])) if row else 0
            labels = distinct(labels)
            picked[field] = where.selectbox(
                title, options, index=index, format_func=labels.__getitem__, key=f"{key}_{field}"
            )
        agency_ids = list(names)
        names = distinct(names)
        agency = a.selectbox(
            "دستگاه گزارش‌دهنده",
            agency_ids,
            index=agency_ids.index(int(str(row["agency_id"]))) if row else 0,
            format_func=names.__getitem__,
            key=f"{key}_agency",
        )
        per = b.text_input(
            "ضریب نسبت (مثلاً ۱۰۰۰ برای «در هر هزار نفر»)",
            value=format_number(row["per_multiplier"]) if row else "۱",  # type: ignore[arg-type]
            key=f"{key}_per",
        )
        numerator = a.text_input(
            "صورت (برای نسبت)", value=str(row["numerator_label"]) if row else "", key=f"{key}_num"
        )
        denominator = b.text_input(
            "مخرج (برای نسبت)", value=str(row["denominator_label"]) if row else "", key=f"{key}_den"
        )
        if not st.form_submit_button("ذخیرهٔ شاخص" if row else "افزودن شاخص", type="primary"):
            return None
    return IndicatorInput(
        name,
        definition,
        unit,
        picked["direction"],
        picked["period_kind"],
        agency,
        picked["measure"],
        numerator,
        denominator,
        per.replace("٬", ""),
    )


with listing:
    if catalogue.empty:
        st.info("هنوز شاخصی تعریف نشده است.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "فعال": ["بله" if a else "خیر" for a in catalogue["active"]],
                    "دستگاه": catalogue["agency"],
                    "دوره": catalogue["period_kind"].map(PERIOD_LABELS.get),
                    "جهت بهبود": catalogue["direction"].map(DIRECTION_LABELS.get),
                    "نوع": catalogue["measure"].map(MEASURE_LABELS.get),
                    "واحد": catalogue["unit"],
                    "شاخص": catalogue["name"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    with st.expander("افزودن شاخص تازه"):
        typed = indicator_form("ind_new", None)
        if typed is not None:
            new: IndicatorInput = typed
            run_command(
                url,
                lambda s, who: create_indicator(s, actor=who, data=new),
                done="شاخص افزوده شد.",
            )
    if not catalogue.empty:
        options = {
            int(r["indicator_id"]): (str(r["name"]), int(r["version"]))
            for _, r in catalogue.iterrows()
        }
        chosen = pick("ویرایش شاخص", options, key="ind_edit_pick")
        if chosen is not None:
            found = catalogue.set_index("indicator_id").loc[chosen.id].to_dict()
            row = as_shown("ind_edit", {str(k): v for k, v in found.items()})
            assert row is not None
            edit_id, version = chosen.id, int(row["version"])
            active = st.checkbox("فعال", value=bool(row["active"]), key=f"ind_active_{edit_id}")
            typed = indicator_form(f"ind_edit_{edit_id}_{version}", row)
            if typed is not None:
                changed: IndicatorInput = typed
                run_command(
                    url,
                    lambda s, who: update_indicator(
                        s,
                        actor=who,
                        indicator_id=edit_id,
                        expected_version=version,
                        data=changed,
                        active=active,
                    ),
                    done="شاخص ذخیره شد.",
                    shown="ind_edit",
                )

with targets:
    live_hoods = hoods[hoods["active"]]
    live_inds = catalogue[catalogue["active"]]
    hood_options = {
        int(i): (f"{n} ({c})", None)
        for i, n, c in zip(live_hoods["id"], live_hoods["name"], live_hoods["county"], strict=True)
    }
    ind_options = {
        int(i): (str(n), None)
        for i, n in zip(live_inds["indicator_id"], live_inds["name"], strict=True)
    }
    a, b = st.columns(2)
    with a:
        hood = pick("محله", hood_options, key="tg_hood", first=True)
    with b:
        ind = pick("شاخص", ind_options, key="tg_ind", first=True)
    if hood is not None and ind is not None:
        spec = live_inds.set_index("indicator_id").loc[ind.id]
        hood_id, ind_id, kind = hood.id, ind.id, str(spec["period_kind"])
        key = f"tg_{hood_id}_{ind_id}"
        with read_session(url) as s:
            current = as_shown(key, target_of(s, hood_id, ind_id))
        target_version = None if current is None else int(current["version"])
        if current is None:
            st.caption("برای این محله و این شاخص هنوز مبنا و هدفی ثبت نشده است.")
        else:
            st.caption(
                "مبنا: "
                + rule.period_label(kind, current["baseline_year"], current["baseline_no"])
                + f" — هدف تا {format_jalali(current['target_on'])}"
            )
        with st.form(f"{key}_{target_version}", enter_to_submit=False):
            c1, c2 = st.columns(2)
            base = c1.text_input(
                "مقدار مبنا",
                value="" if current is None else typed_number(current["baseline_value"]),
                key=f"{key}_{target_version}_base",
            )
            period = c2.text_input(
                "دورهٔ مبنا (مانند «زمستان ۱۴۰۳» یا «۱۴۰۳»)",
                value=""
                if current is None
                else rule.period_label(
                    kind, current["baseline_year"], current["baseline_no"]
                ).removeprefix("سال "),
                key=f"{key}_{target_version}_period",
            )
            goal = c1.text_input(
                "مقدار هدف",
                value="" if current is None else typed_number(current["target_value"]),
                key=f"{key}_{target_version}_goal",
            )
            target_on = date_field(
                c2,
                "تاریخ هدف",
                current["target_on"] if current else None,
                key=f"{key}_{target_version}_on",
            )
            note = st.text_input(
                "توضیح",
                value="" if current is None else current["note"],
                key=f"{key}_{target_version}_note",
            )
            if st.form_submit_button("ذخیرهٔ مبنا و هدف", type="primary"):
                target = TargetInput(
                    base.replace("٬", ""), period, goal.replace("٬", ""), target_on, note
                )
                run_command(
                    url,
                    lambda s, who: set_indicator_target(
                        s,
                        actor=who,
                        neighborhood_id=hood_id,
                        indicator_id=ind_id,
                        expected_version=target_version,
                        data=target,
                    ),
                    done="مبنا و هدف ذخیره شد.",
                    shown=key,
                )

with importing:
    values_import(url, actor, key="ind_import")

with verifying:
    with read_session(url) as s:
        pending, total = values_to_verify(s, opened=OPENED)
    st.metric("مقادیر بررسی‌نشده", format_number(total))
    awaits = OPENED in set(pending["value_id"])
    if OPENED is not None and not awaits and st.session_state.get("iv_opened") != OPENED:
        st.info("مقداری که باز کردید دیگر در انتظار بررسی نیست.")
    elif awaits and st.session_state.get("iv_opened") != OPENED:
        st.session_state["iv_opened"] = st.session_state["iv_verify_pick"] = OPENED
    if pending.empty:
        st.info("مقدار بررسی‌نشده‌ای نیست.")
    else:
        labels = {
            int(r["value_id"]): (
                f"{r['indicator']} — {r['neighborhood']} ({r['county']}) — "
                f"{rule.period_label(r['period_kind'], r['period_year'], r['period_no'])} — "
                f"{format_number(r['value'], 2)} {r['unit']} — {r['agency']}",
                int(r["version"]),
            )
            for _, r in pending.iterrows()
        }
        chosen_value = pick("مقدار", labels, key="iv_verify_pick", first=True)
        if chosen_value is not None:
            value_id, value_version = chosen_value.id, int(chosen_value.version or 0)
            r = pending.set_index("value_id").loc[value_id]
            st.caption(
                f"گزارش‌شده در {format_jalali_datetime(r['reported_at'].to_pydatetime())}؛ منبع: "
                + inert(r["source"])
                + (f"؛ توضیح: {inert(r['note'])}" if r["note"] else "")
            )
            verdicts = {
                k: v for k, v in VERIFICATION_LABELS.items() if k != Verification.UNVERIFIED
            }
            with st.form(
                f"iv_verify_{chosen_value.id}_{chosen_value.version}", enter_to_submit=False
            ):
                verdicts = distinct(verdicts)
                verdict = st.selectbox(
                    "نتیجهٔ بررسی",
                    list(verdicts),
                    format_func=verdicts.__getitem__,
                    key=f"iv_verdict_{chosen_value.id}",
                )
                why = st.text_input("توضیح (برای رد لازم است)", key=f"iv_why_{chosen_value.id}")
                if st.form_submit_button("ثبت نتیجه", type="primary"):
                    run_command(
                        url,
                        lambda s, who: verify_indicator_value(
                            s,
                            actor=who,
                            value_id=value_id,
                            expected_version=value_version,
                            verdict=verdict,
                            note=why,
                        ),
                        done="نتیجهٔ بررسی ثبت شد.",
                        shown="iv_verify_pick",
                    )
