"""The «دستگاه من» tabs where an agency reports services, capacity and its periodic report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.capacity import set_capacity
from data_layer.commands.deliveries import DeliveryInput, record_delivery, withdraw_delivery
from data_layer.commands.reports import submit_report
from data_layer.db import read_data_version, read_session
from data_layer.jalali import (
    format_amount,
    format_jalali_datetime,
    format_number,
    local_today,
    to_fa_digits,
    to_jalali,
)
from data_layer.labels import DELIVERY_STATUS_LABELS
from data_layer.permissions import Actor, Scope
from data_layer.queries import coverage as qc
from data_layer.queries import periods as qp
from data_layer.queries.places import list_neighborhoods, list_service_types
from data_layer.queries.reports import report_for
from data_layer.queries.settings import get_report_rule
from ui.cache import loader
from ui.numbers import number_field
from ui.pickers import as_shown, distinct, pick
from ui.run import run_command


def _typed(value: float) -> str:
    """A stored amount as a person would type it (no rounding, no separators)."""
    return to_fa_digits(int(value) if float(value).is_integer() else value)


SEASONS = {None: "کل سال", 1: "بهار", 2: "تابستان", 3: "پاییز", 4: "زمستان"}


def _deliveries_table(rows: pd.DataFrame) -> None:
    """The agency's deliveries, the reader's first column last (the grid runs left to right)."""
    if rows.empty:
        st.info("دستگاه شما هنوز خدمتی در محلات هدف ثبت نکرده است.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "وضعیت": [DELIVERY_STATUS_LABELS.get(x, x) for x in rows["status"]],
                "بهره‌مندان": rows["beneficiaries"].map(format_number),
                "مقدار": [
                    f"{format_amount(u)} {n}"
                    for u, n in zip(rows["units"], rows["unit"], strict=True)
                ],
                "دوره": [
                    qp.delivery_period_label(a, b)
                    for a, b in zip(rows["period_start"], rows["period_end"], strict=True)
                ],
                "خدمت": rows["service"],
                "محله": [
                    f"{n} ({c})" for n, c in zip(rows["neighborhood"], rows["county"], strict=True)
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _new_delivery(url: str, agency_id: int, hoods: pd.DataFrame, services: pd.DataFrame) -> None:
    """The form that records a delivery."""
    hood_names = distinct(
        {
            int(i): f"{name} ({county})"
            for i, name, county in zip(hoods["id"], hoods["name"], hoods["county"], strict=True)
        }
    )
    service_names = distinct(
        {
            int(i): f"{name} ({unit})"
            for i, name, unit in zip(
                services["id"], services["name"], services["unit"], strict=True
            )
        }
    )
    with st.form("delivery_new", enter_to_submit=False):
        st.markdown("**ثبت خدمت تازه**")
        a, b = st.columns(2)
        hood = a.selectbox(
            "محله", list(hood_names), format_func=hood_names.__getitem__, key="dl_hood"
        )
        service = b.selectbox(
            "خدمت", list(service_names), format_func=service_names.__getitem__, key="dl_service"
        )
        year = number_field(a, "سال (شمسی)", to_jalali(local_today()).year, key="dl_year")
        season = b.selectbox(
            "دوره", list(SEASONS), format_func=SEASONS.__getitem__, key="dl_season"
        )
        units = a.text_input("مقدار (به واحد خدمت)", key="dl_units")
        people = b.text_input("تعداد بهره‌مندان", value="۰", key="dl_people")
        status = a.selectbox(
            "وضعیت",
            list(DELIVERY_STATUS_LABELS),
            index=1,
            format_func=DELIVERY_STATUS_LABELS.__getitem__,
            key="dl_status",
        )
        note = b.text_input("توضیح (اختیاری)", key="dl_note")
        if not st.form_submit_button("ثبت خدمت", type="primary"):
            return
    data = DeliveryInput(
        neighborhood_id=hood,
        service_type_id=service,
        year=year,
        season=season,
        units=units,
        beneficiaries=people,
        status=status,
        note=note,
    )
    run_command(
        url,
        lambda s, who: record_delivery(s, actor=who, agency_id=agency_id, data=data),
        done="خدمت ثبت شد و در پوشش محله دیده می‌شود.",
    )


def withdraw_label(row: Mapping[str, Any] | pd.Series[Any]) -> str:
    """A delivery as the withdrawal picker names it: what tells it from a namesake, its
    amount and its status, after its service, place and period (and, if even those
    agree, its row; see ui.pickers.distinct)."""
    return " — ".join(
        (
            row["service"],
            row["neighborhood"],
            qp.delivery_period_label(row["period_start"], row["period_end"]),
            f"{format_amount(row['units'])} {row['unit']}",
            DELIVERY_STATUS_LABELS.get(row["status"], row["status"]),
        )
    )


def _withdraw_delivery(url: str, rows: pd.DataFrame) -> None:
    """Take back one of the agency's deliveries, with a reason."""
    options = {int(r["id"]): (withdraw_label(r), int(r["version"])) for _, r in rows.iterrows()}
    a, b, c = st.columns([3, 3, 1])
    with a:
        target = pick("پس‌گرفتن ردیف", options, key="dl_withdraw_pick")
    why = b.text_input("دلیل", key="dl_withdraw_why")
    if c.button("پس‌گرفتن", key="dl_withdraw"):
        if target is None:
            st.warning("ردیفی را که پس می‌گیرید از فهرست انتخاب کنید.")
            return
        run_command(
            url,
            lambda s, who: withdraw_delivery(
                s,
                actor=who,
                delivery_id=target.id,
                reason=why,
                expected_version=target.version,
            ),
            done="ردیف پس گرفته شد؛ در تاریخچه می‌ماند.",
            shown="dl_withdraw_pick",
        )


@loader()
def _places(
    url: str, scope: Scope, version: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Neighborhoods, services and every agency's capacity ratios, shared by all agencies."""
    with read_session(url) as s:
        return list_neighborhoods(s), list_service_types(s), qc.service_ratios(s)


@loader()
def _deliveries(url: str, scope: Scope, agency_id: int, version: int) -> pd.DataFrame:
    with read_session(url) as s:
        return qc.delivery_rows(s, agency_id=agency_id)


def deliveries_tab(url: str, actor: Actor) -> None:
    """The agency's services in target neighborhoods (who does what where)."""
    agency_id = int(actor.agency_id or 0)
    version = read_data_version(url)
    rows = _deliveries(url, actor.scope, agency_id, version)
    hoods, services, _ratios = _places(url, actor.scope, version)
    st.caption(
        "هر ردیف: کدام خدمت، در کدام محله، در چه دوره‌ای و به چه میزان. «برنامه‌ریزی‌شده» هنوز در"
        " پوشش شمرده نمی‌شود؛ «فعال» و «تکمیل‌شده» شمرده می‌شوند."
    )
    _deliveries_table(rows)
    _new_delivery(url, agency_id, hoods, services)
    if not rows.empty:
        _withdraw_delivery(url, rows)


def capacity_tab(url: str, actor: Actor) -> None:
    """What the agency has of each service in the province, and how much serves targets."""
    agency_id = int(actor.agency_id or 0)
    _hoods, services, ratios = _places(url, actor.scope, read_data_version(url))
    mine = ratios[ratios["agency_id"] == agency_id].set_index("service_type_id")
    st.caption("مصوبه ۴: ظرفیت کل دستگاه در استان و سهمی که به محلات هدف اختصاص دارد (نسبت خدمت).")
    names = {int(r["id"]): (f"{r['name']} ({r['unit']})", None) for _, r in services.iterrows()}
    picked = pick("خدمت", names, key="cap_service", first=True)
    if picked is None:
        return
    service = picked.id
    key = f"cap_{service}"
    fresh = None if service not in mine.index else mine.loc[service].to_dict()
    row = as_shown(key, fresh)  # the figures as the person first saw them
    version = None if row is None else int(row["version"])
    with st.form(f"{key}_{version}", enter_to_submit=False):
        a, b = st.columns(2)
        total = a.text_input(
            "ظرفیت کل در استان",
            value="" if row is None else _typed(row["total_units"]),
            key=f"cap_total_{service}_{version}",
        )
        target = b.text_input(
            "سهم محلات هدف",
            value="" if row is None else _typed(row["target_units"]),
            key=f"cap_target_{service}_{version}",
        )
        if st.form_submit_button("ذخیرهٔ ظرفیت", type="primary"):
            run_command(
                url,
                lambda s, who: set_capacity(
                    s,
                    actor=who,
                    agency_id=agency_id,
                    service_type_id=service,
                    total_units=total,
                    target_units=target,
                    expected_version=version,
                ),
                shown=key,
                done="ظرفیت ذخیره شد.",
            )
    if not mine.empty:
        st.dataframe(
            pd.DataFrame(
                {
                    "نسبت خدمت": [
                        "—" if pd.isna(x) else f"{format_number(round(100 * x))}٪"
                        for x in mine["ratio"]
                    ],
                    "در محلات هدف": mine["target_units"].map(lambda v: format_amount(v)),
                    "ظرفیت کل": mine["total_units"].map(lambda v: format_amount(v)),
                    "خدمت": mine["service"],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def report_tab(url: str, actor: Actor) -> None:
    """Resolution 5: the agency's periodic performance report."""
    agency_id = int(actor.agency_id or 0)
    today = local_today()
    with read_session(url) as s:
        rule = get_report_rule(s)
        periods = qp.recent_periods(rule, today, count=4)
        state = qp.report_completeness(s, rule=rule, periods=periods, today=today)
    mine = state[state["agency_id"] == agency_id]
    labels = {(int(r["period_year"]), int(r["period_no"])): r for _, r in mine.iterrows()}
    states = {"on_time": "به‌موقع", "late": "با تأخیر", "missing": "ارسال‌نشده", "pending": "در مهلت"}
    period_names = distinct(
        {
            p: f"{labels[p]['label']} — {states[labels[p]['state']]}" if p in labels else str(p)
            for p in reversed(periods)
        }
    )
    pick = st.selectbox(
        "دوره", list(period_names), format_func=period_names.__getitem__, key="rep_period"
    )
    if pick in labels and pd.notna(labels[pick]["submitted_at"]):
        st.caption(
            f"ارسال‌شده در {format_jalali_datetime(labels[pick]['submitted_at'])}؛"
            " ارسال دوباره جایگزین متن می‌شود و در تاریخچه می‌ماند."
        )
    _report_form(url, agency_id, rule.period_kind, pick)


def _report_form(url: str, agency_id: int, kind: str, pick: tuple[int, int]) -> None:
    """The report of one period: its text and two figures, sent (again) in one go."""
    with read_session(url) as s:
        sent = report_for(
            s, agency_id=agency_id, period_kind=kind, period_year=pick[0], period_no=pick[1]
        )
    key = f"rep_{pick[0]}_{pick[1]}"
    sent = as_shown(key, sent)  # the report as the person first saw it
    version = None if sent is None else int(sent["version"])
    figures = {} if sent is None else sent["figures"]
    k = f"{pick[0]}_{pick[1]}_{version}"
    with st.form(f"report_{k}", enter_to_submit=False):
        body = st.text_area(
            "شرح عملکرد در محلات هدف",
            value="" if sent is None else sent["body"],
            key=f"rep_body_{k}",
            height=160,
        )
        a, b = st.columns(2)
        people = a.text_input(
            "تعداد بهره‌مندان", value=str(figures.get("بهره‌مندان", "")), key=f"rep_people_{k}"
        )
        actions = b.text_input(
            "تعداد اقدامات", value=str(figures.get("اقدامات", "")), key=f"rep_actions_{k}"
        )
        if not st.form_submit_button("ارسال گزارش", type="primary"):
            return
    typed: dict[str, object] = {n: v for n, v in (("بهره‌مندان", people), ("اقدامات", actions)) if v}
    run_command(
        url,
        lambda s, who: submit_report(
            s,
            actor=who,
            agency_id=agency_id,
            period_kind=kind,
            period_year=pick[0],
            period_no=pick[1],
            body=body,
            figures=typed,
            expected_version=version,
        ),
        done="گزارش ارسال شد.",
        shown=key,
    )
