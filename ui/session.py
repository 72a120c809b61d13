"""Who is signed in: the token lives in this browser session, the rest in the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from data_layer import auth
from data_layer.db import Session, write_session
from data_layer.errors import SessionExpired
from data_layer.labels import ROLE_LABELS
from data_layer.permissions import Actor

TOKEN_KEY = "auth_token"
NOTICE_KEY = "auth_notice"


def current_actor(url: str) -> Actor | None:
    """The signed-in person, or None (an expired sign-in leaves a notice to show)."""
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return None
    try:
        return auth.resolve_session_url(url, token=token)
    except SessionExpired as e:
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state[NOTICE_KEY] = e.message
        return None


def require_actor(url: str, roles: set[str]) -> Actor:
    """Stop the page unless someone with one of these roles is signed in."""
    actor = current_actor(url)
    if actor is None:
        st.warning(st.session_state.pop(NOTICE_KEY, None) or "برای این صفحه ابتدا وارد شوید.")
        st.page_link("views/sign_in.py", label="ورود به سامانه", icon=":material/login:")
        st.stop()
    if actor.role not in roles:
        allowed = "، ".join(ROLE_LABELS[r] for r in sorted(roles))
        st.error(f"این صفحه برای {allowed} است؛ حساب شما «{ROLE_LABELS[actor.role]}» است.")
        st.stop()
    return actor


@contextmanager
def acting(url: str) -> Iterator[tuple[Session, Actor]]:
    """One write transaction for the signed-in person, who is checked again inside it."""
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        raise SessionExpired()
    with write_session(url) as session:
        yield session, auth.resolve_session(session, token=token)


def sign_out(url: str) -> None:
    """End the sign-in here and in the database."""
    token = st.session_state.pop(TOKEN_KEY, None)
    if token:
        with write_session(url) as session:
            auth.sign_out(session, token=token)
