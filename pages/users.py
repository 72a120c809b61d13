"""کاربران: the administrator creates accounts, resets passwords, (de)activates."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
import streamlit as st

from data_layer.commands.accounts import (
    create_user,
    reset_password,
    set_user_active,
    set_user_role,
)
from data_layer.db import read_session
from data_layer.jalali import format_jalali_datetime
from data_layer.labels import ROLE_LABELS
from data_layer.output import inert
from data_layer.permissions import Readable
from data_layer.queries.agencies import list_agencies
from data_layer.queries.places import list_counties
from data_layer.queries.users import list_users
from ui.people_import import people_import_tab
from ui.pickers import distinct, pick
from ui.reissue import reissue_tab
from ui.run import run_command
from ui.session import page_person
from ui.theme import page_title

url, actor = page_person(Readable.USERS)
page_title("کاربران", "حساب‌های کاربری، نقش‌ها، دستگاه هر کارشناس رابط و شهرستان هر فرمانداری")

with read_session(url) as s:
    users = pd.DataFrame(list_users(s))
    agencies = list_agencies(s)
    counties = list_counties(s)
agency_names = distinct(dict(zip(agencies["id"].astype(int), agencies["short_name"], strict=True)))
county_names = distinct(dict(zip(counties["id"].astype(int), counties["name"], strict=True)))

shown = pd.DataFrame(
    {
        "آخرین ورود": [format_jalali_datetime(t) for t in users["last_login_at"]],
        "وضعیت": [
            ("فعال" if a else "غیرفعال") + (" — قفل" if pd.notna(lock) and lock is not None else "")
            for a, lock in zip(users["active"], users["locked_until"], strict=True)
        ],
        "دستگاه / شهرستان": users["agency"].fillna(users["county"]).fillna("—"),
        "نقش": [ROLE_LABELS.get(r, r) for r in users["role"]],
        "نام": users["full_name"],
        "نام کاربری": users["username"],
    }
)
st.dataframe(shown, hide_index=True, width="stretch")

new_tab, bulk_tab, reset_tab, reissue, active_tab, role_tab = st.tabs(
    [
        "حساب تازه",
        "ورود رابط‌ها از اکسل",
        "بازنشانی گذرواژه",
        "صدور دوبارهٔ گذرواژه‌ها",
        "فعال / غیرفعال",
        "تغییر نقش",
    ]
)
accounts = {
    int(u["id"]): (f"{u['full_name']} ({u['username']})", int(u["version"]))
    for _, u in users.iterrows()
}
by_id = users.set_index("id")

with new_tab, st.form("new_user", enter_to_submit=False):
    a, b = st.columns(2)
    username = a.text_input("نام کاربری (حروف لاتین کوچک، رقم، . _ -)", key="nu_username")
    full_name = b.text_input("نام و نام خانوادگی", key="nu_full_name")
    role = a.selectbox("نقش", list(ROLE_LABELS), format_func=ROLE_LABELS.__getitem__, key="nu_role")
    agency = b.selectbox(
        "دستگاه (فقط برای کارشناس رابط)",
        [None, *agency_names],
        format_func=lambda i: "—" if i is None else agency_names[i],
        key="nu_agency",
    )
    county = b.selectbox(
        "شهرستان (فقط برای فرمانداری)",
        [None, *county_names],
        format_func=lambda i: "—" if i is None else county_names[i],
        key="nu_county",
    )
    password = st.text_input(
        "گذرواژه (خالی بگذارید تا ساخته شود)", type="password", key="nu_password"
    )
    if st.form_submit_button("ساخت حساب", type="primary"):
        made = run_command(
            url,
            lambda s, who: create_user(
                s,
                actor=who,
                username=username,
                full_name=full_name,
                role=role,
                agency_id=agency,
                county_id=county,
                password=password or None,
            ),
        )
        if made is not None:
            st.success(
                inert(
                    f"حساب «{made[0].username}» ساخته شد. این گذرواژه فقط همین یک بار نشان داده"
                    " می‌شود؛ کاربر باید در نخستین ورود آن را عوض کند."
                )
            )
            st.code(made[1], language=None)

with bulk_tab:
    people_import_tab(url)

with reset_tab:
    target = pick("کاربر", accounts, key="reset_user")
    if st.button("ساخت گذرواژهٔ تازه", key="reset_go") and target is not None:
        uid, uversion = target.id, target.version
        plain = run_command(
            url,
            lambda s, who: reset_password(s, actor=who, user_id=uid, expected_version=uversion),
            shown="reset_user",
        )
        if plain is not None:
            st.success("گذرواژهٔ تازه (فقط همین یک بار نشان داده می‌شود)؛ ورودهای کاربر پایان یافت:")
            st.code(plain, language=None)

with reissue:
    reissue_tab(url, users, agency_names)

with active_tab:
    target = pick("کاربر", accounts, key="active_user")
    if target is not None and not target.gone:
        is_active = bool(by_id.loc[target.id, "active"])
        if st.button("غیرفعال کردن" if is_active else "فعال کردن", key="active_go"):
            uid, uversion = target.id, target.version
            run_command(
                url,
                lambda s, who: set_user_active(
                    s,
                    actor=who,
                    user_id=uid,
                    active=not is_active,
                    expected_version=uversion,
                ),
                done="حساب فعال شد."
                if not is_active
                else "حساب غیرفعال شد و همهٔ ورودهای آن پایان یافت.",
                shown="active_user",
            )

with role_tab:
    target = pick("کاربر", accounts, key="role_user")
    if target is not None and not target.gone:
        row = cast("pd.Series[Any]", by_id.loc[target.id])  # one row: the ids are unique
        with st.form(f"role_{target.id}_{target.version}", enter_to_submit=False):
            a, b = st.columns(2)
            roles = list(ROLE_LABELS)
            new_role = a.selectbox(
                "نقش تازه",
                roles,
                index=roles.index(row["role"]),
                format_func=ROLE_LABELS.__getitem__,
                key=f"role_new_{target.id}_{target.version}",
            )
            agency_ids = [None, *agency_names]
            current = None if pd.isna(row["agency_id"]) else int(row["agency_id"])
            current = current if current in agency_names else None
            new_agency = b.selectbox(
                "دستگاه (فقط برای کارشناس رابط)",
                agency_ids,
                index=agency_ids.index(current),
                format_func=lambda i: "—" if i is None else agency_names[i],
                key=f"role_agency_{target.id}_{target.version}",
            )
            county_ids = [None, *county_names]
            now_county = None if pd.isna(row["county_id"]) else int(row["county_id"])
            now_county = now_county if now_county in county_names else None
            new_county = b.selectbox(
                "شهرستان (فقط برای فرمانداری)",
                county_ids,
                index=county_ids.index(now_county),
                format_func=lambda i: "—" if i is None else county_names[i],
                key=f"role_county_{target.id}_{target.version}",
            )
            if st.form_submit_button("تغییر نقش", type="primary"):
                uid, uversion = target.id, target.version
                run_command(
                    url,
                    lambda s, who: set_user_role(
                        s,
                        actor=who,
                        user_id=uid,
                        role=new_role,
                        agency_id=new_agency,
                        county_id=new_county,
                        expected_version=uversion,
                    ),
                    done=lambda changed: (
                        "نقش تغییر کرد و همهٔ ورودهای کاربر پایان یافت."
                        if changed
                        else "تغییری نبود."
                    ),
                    shown="role_user",
                )
