"""«تنظیمات»: who may read without signing in, kiosk links (the secretariat) and data-feed
tokens (the administrator). A new link or token is shown once; only its hash is kept."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer.commands.access import (
    create_access_token,
    revoke_access_token,
    set_anonymous_read,
)
from data_layer.db import read_session
from data_layer.jalali import format_jalali_datetime
from data_layer.models import AccessKind
from data_layer.output import inert
from data_layer.queries.access import KIOSK_SCOPES, READ_CHOICES, access_tokens, anonymous_read
from ui.pickers import as_shown, pick
from ui.run import run_command

__all__ = ["anonymous_read_form", "tokens_section"]

_JUST_MADE = "access_just_made"
_FEEDS = ("coverage", "gaps", "deliveries", "capacity", "indicators")


def anonymous_read_form(url: str) -> None:
    """The secretariat's choice of who may read without signing in."""
    with read_session(url) as s:
        now = as_shown("anonymous_read", anonymous_read(s))
    with st.form(f"anonymous_read_{now}", enter_to_submit=False):
        choice = st.radio(
            "چه کسی بدون ورود می‌تواند داشبورد را ببیند؟",
            list(READ_CHOICES),
            index=list(READ_CHOICES).index(now),
            format_func=READ_CHOICES.__getitem__,
            key=f"anon_read_{now}",
        )
        if st.form_submit_button("ذخیره", type="primary"):
            run_command(
                url,
                lambda s, who: set_anonymous_read(s, actor=who, value=choice, expected=now),
                done="تنظیم خواندن بدون ورود ذخیره شد.",
                shown="anonymous_read",
            )


def _table(rows: list[dict[str, object]], kiosk: bool) -> None:
    frame = pd.DataFrame(
        {
            "وضعیت": ["باطل شده" if r["revoked_at"] else "فعال" for r in rows],
            "آخرین استفاده": [format_jalali_datetime(r["last_used_at"]) for r in rows],  # type: ignore[arg-type]
            "ساخته شده": [format_jalali_datetime(r["created_at"]) for r in rows],  # type: ignore[arg-type]
            **({"صفحه": [KIOSK_SCOPES.get(str(r["scope"]), "—") for r in rows]} if kiosk else {}),
            "نام": [r["name"] for r in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _label(row: dict[str, object], kiosk: bool) -> str:
    """A link or token as the revoke picker names it: its name, its page, when it was
    made (two of one name told apart; ui.pickers.distinct adds the row if even that
    agrees)."""
    made = format_jalali_datetime(row["created_at"])  # type: ignore[arg-type]
    page = f" — {KIOSK_SCOPES.get(str(row['scope']), '—')}" if kiosk else ""
    return f"{row['name']}{page} — ساخته {made}"


def _just_made(kind: str) -> None:
    made = st.session_state.pop(_JUST_MADE, None)
    if not made or made[0] != kind:
        return
    if kind == AccessKind.FEED.value:
        st.success(
            inert(
                "ساخته شد. این کلید فقط همین یک بار نشان داده می‌شود؛ آن را نگه دارید."
                " ابزار بیرونی آن را در سرآیند Authorization می‌فرستد (نه در نشانی، تا در"
                " گزارش‌های کارگزار نماند) و این نشانی‌ها را می‌خواند:"
            )
        )
    else:
        st.success(inert("ساخته شد. این نشانی فقط همین یک بار نشان داده می‌شود؛ آن را نگه دارید:"))
    for line in made[1]:
        st.code(line, language=None, wrap_lines=True)


def tokens_section(url: str, kind: str) -> None:
    """Kiosk links (kind 'kiosk') or feed tokens ('feed'): list, make, revoke."""
    kiosk = kind == AccessKind.KIOSK.value
    with read_session(url) as s:
        rows = access_tokens(s, kind)
    _just_made(kind)
    if rows:
        _table(rows, kiosk)
    else:
        st.caption("هنوز چیزی ساخته نشده است.")
    with st.form(f"new_{kind}", enter_to_submit=False, clear_on_submit=True):
        a, b = st.columns([2, 1])
        name = a.text_input("نام (مثلاً «لپ‌تاپ سالن شهدای گمنام»)", key=f"{kind}_name")
        scope = (
            b.selectbox(
                "صفحه",
                list(KIOSK_SCOPES),
                format_func=KIOSK_SCOPES.__getitem__,
                key=f"{kind}_scope",
            )
            if kiosk
            else ""
        )
        if st.form_submit_button("ساخت پیوند" if kiosk else "ساخت کلید", type="primary"):
            made = run_command(
                url,
                lambda s, who: create_access_token(s, actor=who, kind=kind, name=name, scope=scope),
            )
            if made is not None:
                token = made[1]
                # A feed's key travels in a header, never in an address (which access
                # logs and proxies keep): the screen hands out only the header form.
                lines = (
                    [f"/kiosk/{token}"]
                    if kiosk
                    else [f"Authorization: Bearer {token}"]
                    + [f"/api/feeds/{feed}.csv" for feed in _FEEDS]
                )
                st.session_state[_JUST_MADE] = (kind, lines)
                st.rerun()
    live = {int(r["id"]): (_label(r, kiosk), None) for r in rows if not r["revoked_at"]}
    if live:
        a, b = st.columns([3, 1])
        with a:
            chosen = pick("باطل کردن", live, key=f"{kind}_revoke_pick")
        if b.button("باطل کن", key=f"{kind}_revoke") and chosen is not None:
            run_command(
                url,
                lambda s, who: revoke_access_token(s, actor=who, token_id=chosen.id),
                done=lambda stopped: (
                    "باطل شد؛ از این لحظه کار نمی‌کند."
                    if stopped
                    else "این مورد پیش‌تر باطل شده بود؛ چیزی تغییر نکرد."
                ),
                shown=f"{kind}_revoke_pick",
            )
