"""The administrator's «صدور دوبارهٔ گذرواژه‌ها»: new one-time passwords for chosen people,
all liaisons of one agency, or every liaison, with their printable sign-in sheets; each
person's sessions end. For a lost bundle of sheets, not one reset per person."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.commands.accounts import reissue_passwords
from data_layer.jalali import format_number
from data_layer.models import Role
from ui.people_import import Made, ask_address, build_sheets, passwords_with_progress, show_sheets
from ui.pickers import distinct
from ui.run import run_command

__all__ = ["reissue_tab"]

_MADE = "reissue_made"  # what the last reissue made, for the next run only
WHO = {
    "people": "افراد انتخاب‌شده",
    "agency": "همهٔ رابط‌های یک دستگاه",
    "liaisons": "همهٔ رابط‌ها",
}


def chosen_people(
    users: pd.DataFrame, who: str, people: list[int], agency: int | None
) -> dict[int, int]:
    """user id -> version of the active accounts the choice names, in the list's order."""
    active = users[users["active"].astype(bool)]
    if who == "people":
        picked = active[active["id"].isin(people)]
    elif who == "agency":
        picked = active[
            (active["role"] == Role.AGENCY_EDITOR.value) & (active["agency_id"] == agency)
        ]
    else:
        picked = active[active["role"] == Role.AGENCY_EDITOR.value]
    return {int(i): int(v) for i, v in zip(picked["id"], picked["version"], strict=True)}


def reissue_tab(url: str, users: pd.DataFrame, agency_names: dict[int, str]) -> None:
    """Choose, confirm, reissue in one transaction, then the sheets once."""
    made = st.session_state.pop(_MADE, None)
    if isinstance(made, Made):
        show_sheets(
            made,
            f"برای {format_number(len(made.accounts))} نفر گذرواژهٔ یک‌بارمصرف تازه صادر شد و"
            " ورودهای پیشینشان پایان یافت.",
            key="reissue",
        )
    st.markdown(
        "برای کسانی که برگهٔ ورودشان گم شده است گذرواژهٔ یک‌بارمصرف تازه بسازید؛ گذرواژهٔ"
        " پیشین دیگر کار نمی‌کند، ورودهای بازشان بسته می‌شود و در نخستین ورود باید گذرواژه را"
        " عوض کنند."
    )
    who = st.radio("برای چه کسانی؟", list(WHO), format_func=WHO.__getitem__, key="reissue_who")
    active = users[users["active"].astype(bool)]
    labels = {int(u["id"]): f"{u['full_name']} ({u['username']})" for _, u in active.iterrows()}
    people: list[int] = []
    agency: int | None = None
    if who == "people":
        labels = distinct(labels)
        people = st.multiselect(
            "افراد",
            list(labels),
            format_func=labels.__getitem__,
            placeholder="نام یا نام کاربری را بنویسید",
            key="reissue_people",
        )
    elif who == "agency":
        agency_names = distinct(agency_names)
        agency = st.selectbox(
            "دستگاه",
            list(agency_names),
            format_func=agency_names.__getitem__,
            index=None,
            placeholder="دستگاه را انتخاب کنید",
            key="reissue_agency",
        )
    targets = chosen_people(users, who, people, agency)
    address = ask_address("reissue_address")
    st.caption(f"{format_number(len(targets))} نفر گذرواژهٔ تازه می‌گیرند.")
    if not st.button(
        "صدور گذرواژه‌های تازه و برگه‌های ورود",
        type="primary",
        disabled=not targets,
        key="reissue_go",
    ):
        return
    passwords = passwords_with_progress(len(targets))
    accounts = run_command(
        url,
        lambda s, who_acts: reissue_passwords(
            s, actor=who_acts, people=targets, passwords=passwords
        ),
    )
    if accounts is None:
        return  # run_command said why; nothing was written
    st.session_state[_MADE] = build_sheets(url, accounts, address)
    st.rerun()
