"""Resolution 2 on the neighborhoods page: the county governorate proposes its
neighborhoods' priority order; the secretariat accepts it or returns it with a reason.

Every form names its proposal by id and by the version it showed (kept with
ui.pickers.as_shown), so a decision taken meanwhile in another tab refuses it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.priorities import (
    REASON_MAX,
    decide_priority_proposal,
    propose_priority_order,
)
from data_layer.db import read_session
from data_layer.jalali import format_jalali_datetime, to_fa_digits
from data_layer.models_priority import PROPOSAL_STATE_LABELS, ProposalState
from data_layer.output import inert
from data_layer.permissions import Action, Reader, Scope
from data_layer.queries import priorities as qp
from data_layer.queries.priorities import Proposal
from ui.cache import loader
from ui.freshness import current_version
from ui.pickers import as_shown, distinct
from ui.run import run_command


@loader()
def _county(url: str, scope: Scope, version: int) -> list[Proposal]:
    """The reader's county's proposals (none for the province's readers)."""
    if scope.county_id is None:
        return []
    with read_session(url) as s:
        return qp.county_proposals(s, scope.county_id)


@loader()
def _waiting(url: str, scope: Scope, version: int) -> list[Proposal]:
    with read_session(url) as s:
        return qp.waiting_proposals(s) if scope.county_id is None else []


@loader()
def _every(url: str, scope: Scope, version: int) -> list[Proposal]:
    with read_session(url) as s:
        return qp.every_proposal(s) if scope.county_id is None else []


@loader()
def _accepted(url: str, scope: Scope, version: int) -> list[Proposal]:
    """Each county's accepted order (the reader's own county's only, for a county)."""
    with read_session(url) as s:
        return qp.accepted_orders(s, scope.county_id)


def order_frame(p: Proposal) -> pd.DataFrame:
    """A proposal's order as a table, rank on the right."""
    return pd.DataFrame(
        {
            "دلیل": [x.reason for x in p.places],
            "محله": [x.neighborhood for x in p.places],
            "اولویت": [to_fa_digits(x.rank) for x in p.places],
        }
    )


def _about(p: Proposal) -> str:
    """Who sent it and when, and the decision, in one line."""
    line = (
        f"فرستاده: {p.sent_by}، {format_jalali_datetime(p.sent_at)} — "
        f"{PROPOSAL_STATE_LABELS.get(p.state, p.state)}"
    )
    if p.decided_at is not None:
        line += f" ({p.decided_by}، {format_jalali_datetime(p.decided_at)})"
    if p.decision_reason:
        line += f" — دلیل دبیرخانه: {p.decision_reason}"
    return line


def history(proposals: list[Proposal]) -> None:
    """Every proposal, newest first, with its decision."""
    if not proposals:
        st.caption("هنوز پیشنهادی فرستاده نشده است.")
        return
    for p in proposals:
        title = f"پیشنهاد {to_fa_digits(p.id)} فرمانداری {p.county} — {_about(p)}"
        with st.expander(inert(title)):
            st.dataframe(order_frame(p), hide_index=True, width="stretch")


def accepted_order(url: str, scope: Scope) -> None:
    """The accepted order of each county the reader covers."""
    orders = _accepted(url, scope, current_version(url))
    if not orders:
        st.caption("هنوز اولویت‌بندی پذیرفته‌شده‌ای نیست.")
    for p in orders:
        st.markdown(
            f"**{inert(p.county)}** — پذیرفته در {inert(format_jalali_datetime(p.decided_at))}"
        )
        st.dataframe(order_frame(p), hide_index=True, width="stretch")


def _proposal_form(url: str, hoods: pd.DataFrame, revises: Proposal | None) -> None:
    """The county's order: neighborhoods picked in priority order, a reason for each."""
    names = distinct({int(i): str(n) for i, n in zip(hoods["id"], hoods["name"], strict=True)})
    start = [x.neighborhood_id for x in revises.places] if revises is not None else []
    key = f"prio_order_{revises.id if revises else 'new'}"
    order = st.multiselect(
        "محلات را به ترتیب اولویت برگزینید (نخستین برگزیده: بالاترین اولویت)",
        list(names),
        default=[i for i in start if i in names],
        format_func=names.__getitem__,
        placeholder="محله‌ای را برگزینید",
        key=key,
    )
    said = {x.neighborhood_id: x.reason for x in revises.places} if revises else {}
    reasons: dict[int, str] = {}
    for n, hood in enumerate(order, start=1):
        reasons[hood] = st.text_input(
            f"دلیل اولویت {to_fa_digits(n)}: {names[hood]}",
            value=said.get(hood, ""),
            max_chars=REASON_MAX,
            key=f"{key}_reason_{hood}",
        )
    seen = (revises.id, revises.version) if revises is not None else None
    label = "فرستادن پیشنهاد بازنگری‌شده" if revises else "فرستادن پیشنهاد به دبیرخانه"
    if st.button(label, type="primary", key=f"{key}_send"):
        items = [(h, reasons[h]) for h in order]
        run_command(
            url,
            lambda s, who: propose_priority_order(s, actor=who, items=items, revises=seen),
            done="پیشنهاد اولویت محلات به دبیرخانه فرستاده شد.",
            forget=[key],
            shown=f"prio_rev_{revises.id}" if revises is not None else None,
        )


def county_tab(url: str, reader: Reader, hoods: pd.DataFrame) -> None:
    """A county governorate's side: its accepted order, its proposal and its history."""
    proposals = _county(url, reader.scope, current_version(url))
    st.markdown("##### اولویت‌بندی پذیرفته‌شده")
    accepted_order(url, reader.scope)
    latest = proposals[0] if proposals else None
    st.markdown("##### پیشنهاد اولویت‌بندی (مصوبه ۲)")
    if latest is not None and latest.state == ProposalState.PENDING.value:
        st.info("پیشنهاد شما در انتظار بررسی دبیرخانه است.")
    elif not reader.may(Action.PROPOSE_PRIORITY):
        st.caption("پیشنهاد اولویت با فرمانداری شهرستان است.")
    elif hoods.empty:
        st.caption("این شهرستان محلهٔ هدف فعالی ندارد.")
    else:
        returned = latest if latest is not None and latest.state == "returned" else None
        shown: Any = as_shown(f"prio_rev_{returned.id}", returned) if returned else None
        if shown is not None:
            st.warning(inert(f"دبیرخانه پیشنهاد را برگرداند: {shown.decision_reason}"))
        _proposal_form(url, hoods, shown)
    st.markdown("##### پیشنهادهای پیشین")
    history(proposals)


def _decision(url: str, p: Proposal) -> None:
    """One waiting proposal, as first shown, with its accept and return buttons."""
    st.markdown(f"**فرمانداری {inert(p.county)}** — {inert(_about(p))}")
    st.dataframe(order_frame(p), hide_index=True, width="stretch")
    why = st.text_area("دلیل (برای برگرداندن لازم است)", key=f"prio_why_{p.id}")
    a, b = st.columns(2)
    pid, pv = p.id, p.version
    if a.button("پذیرفتن", type="primary", key=f"prio_accept_{pid}"):
        run_command(
            url,
            lambda s, who: decide_priority_proposal(
                s, actor=who, proposal_id=pid, expected_version=pv, accept=True
            ),
            done=f"اولویت‌بندی فرمانداری {p.county} پذیرفته شد.",
            shown=f"prio_dec_{pid}",
        )
    if b.button("برگرداندن", key=f"prio_return_{pid}"):
        run_command(
            url,
            lambda s, who: decide_priority_proposal(
                s, actor=who, proposal_id=pid, expected_version=pv, accept=False, reason=why
            ),
            done=f"پیشنهاد فرمانداری {p.county} با دلیل برگردانده شد.",
            shown=f"prio_dec_{pid}",
        )


def secretariat_tab(url: str, reader: Reader) -> None:
    """The secretariat's side: waiting proposals to accept or return, accepted orders."""
    version = current_version(url)
    if reader.may(Action.DECIDE_PRIORITY):
        waiting = _waiting(url, reader.scope, version)
        st.markdown("##### در انتظار بررسی")
        if not waiting:
            st.caption("پیشنهادی در انتظار بررسی نیست.")
        for now in waiting:
            _decision(url, as_shown(f"prio_dec_{now.id}", now))
    st.markdown("##### اولویت‌بندی پذیرفته‌شدهٔ شهرستان‌ها")
    accepted_order(url, reader.scope)
    if reader.may(Action.DECIDE_PRIORITY):  # names of who sent and decided: not for anyone
        st.markdown("##### همهٔ پیشنهادها و تصمیم‌ها")
        history(_every(url, reader.scope, version))
