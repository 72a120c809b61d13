"""Who is looking: the person of the sign-in cookie, a kiosk link, or anyone (when the
secretariat lets anyone read) — resolved again on every run of every page, from the
cookies of the browser connection, never from session state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from data_layer import auth
from data_layer.config import get_settings
from data_layer.db import Session, read_session, write_session
from data_layer.errors import PermissionDenied, SessionExpired
from data_layer.models import AccessKind
from data_layer.output import inert
from data_layer.permissions import (
    PROVINCE,
    PUBLIC,
    Actor,
    Readable,
    Reader,
    can_read,
    read_refusal,
)
from data_layer.queries.access import anonymous_read
from ui.html import Html, show

NOTICE_KEY = "auth_notice"


def request_cookies() -> dict[str, str]:
    """The cookies of this browser connection (HttpOnly ones included)."""
    return dict(st.context.cookies.to_dict())


def _token() -> str | None:
    return request_cookies().get(auth.SESSION_COOKIE) or None


def current_actor(url: str) -> Actor | None:
    """The signed-in person, or None (an ended sign-in leaves a notice to show)."""
    token = _token()
    if not token:
        return None
    try:
        return auth.resolve_session_url(url, token=token)
    except SessionExpired as e:
        st.session_state[NOTICE_KEY] = e.message
        return None


def _anyone_reads(url: str) -> bool:
    # Read on every run (one row by its key): a changed setting holds at once, on
    # every replica.
    with read_session(url) as s:
        return anonymous_read(s) == "everyone"


def current_reader(url: str) -> Reader | None:
    """The person, else a live kiosk link, else anyone if allowed; None if nobody."""
    actor = current_actor(url)
    if actor is not None:
        return Reader.person(actor)
    kiosk = request_cookies().get(auth.KIOSK_COOKIE)
    if kiosk:
        row = auth.resolve_access_token(url, kind=AccessKind.KIOSK.value, token=kiosk)
        if row is not None:
            return Reader.kiosk(row.scope)
    if _anyone_reads(url):
        return Reader.anyone()
    return None


_OWNER = "_state_owner"


def _owner(reader: Reader | None) -> str:
    if reader is None:
        return "nobody"
    if reader.actor is not None:
        return f"session:{reader.actor.session_id}"
    return f"{reader.kind}:{reader.kiosk_page}"


def keep_state_for(reader: Reader | None) -> None:
    """Session state belongs to one reader. When another one runs this Streamlit session
    (signed out in another tab, or a browser replaying its session id), everything the
    previous reader left in it (snapshots, picks, typed values) is dropped first."""
    owner = _owner(reader)
    kept = st.session_state.get(_OWNER)
    if kept is not None and kept != owner:
        notice = st.session_state.get(NOTICE_KEY)
        for key in list(st.session_state.keys()):
            del st.session_state[key]
        if notice:
            st.session_state[NOTICE_KEY] = notice
    st.session_state[_OWNER] = owner


def _here() -> str:
    """This page's path and query (a link's ?row=…), to come back to after signing in."""
    from urllib.parse import urlencode, urlsplit

    path = urlsplit(st.context.url or "/").path or "/"
    query = urlencode(st.query_params.to_dict())  # st.context.url leaves the query out
    return f"{path}?{query}" if query else path


def csrf_field() -> Html:
    """The hidden field every form posting to the server carries."""
    token = request_cookies().get(auth.CSRF_COOKIE, "")
    return Html('<input type="hidden" name="csrf" value="{}">').format(token)


def sign_in_form(next_path: str = "/") -> None:
    """The sign-in form; it posts to the server, which sets the HttpOnly cookie."""
    if not request_cookies().get(auth.CSRF_COOKIE):
        st.warning("صفحه را یک بار دوباره بارگذاری کنید تا فرم ورود آماده شود.")
        return
    show(
        Html(
            '<form class="wg-form" method="post" action="/auth/sign-in">{}'
            '<input type="hidden" name="next" value="{}">'
            '<label for="wg-username">نام کاربری</label>'
            '<input id="wg-username" name="username" autocomplete="username" required dir="ltr">'
            '<label for="wg-password">گذرواژه</label>'
            '<input id="wg-password" name="password" type="password"'
            ' autocomplete="current-password" required dir="ltr">'
            '<button type="submit">ورود</button></form>'
        ).format(csrf_field(), next_path)
    )


def sign_out_form() -> None:
    """A button that ends this sign-in (in every tab) on the server."""
    show(
        Html(
            '<form class="wg-form wg-inline" method="post" action="/auth/sign-out">{}'
            '<button type="submit">خروج از سامانه</button></form>'
        ).format(csrf_field())
    )


def require_read(url: str, what: Readable) -> Reader:
    """Stop the page unless this reader may read `what` over its own scope: a person is
    told why not; anyone else is offered the sign-in form."""
    reader = current_reader(url)
    scope = reader.scope if reader is not None else PROVINCE
    if can_read(reader, what, scope):
        assert reader is not None
        return reader
    refusal = read_refusal(reader, what, scope)
    if reader is not None and reader.actor is not None:
        st.error(inert(refusal))
    elif what in PUBLIC:
        st.info(inert(refusal))
        sign_in_form(_here())
    else:
        st.warning(inert(st.session_state.pop(NOTICE_KEY, None) or refusal))
        sign_in_form(_here())
    st.stop()
    raise AssertionError  # st.stop() does not return


def page_reader(what: Readable) -> tuple[str, Reader]:
    """The database URL and the reader of a page showing `what` (the page stops
    unless that reader may read it)."""
    url = get_settings().database_url
    return url, require_read(url, what)


def page_person(what: Readable) -> tuple[str, Actor]:
    """`page_reader` for what only a signed-in person reads: the URL and that person."""
    url, reader = page_reader(what)
    if reader.actor is None:  # can_read gave a person's page to someone else
        raise PermissionDenied(read_refusal(None, what, reader.scope))
    return url, reader.actor


@contextmanager
def acting(url: str) -> Iterator[tuple[Session, Actor]]:
    """One write transaction for the signed-in person, who is checked again inside it."""
    token = _token()
    if not token:
        raise SessionExpired()
    with write_session(url) as session:
        yield session, auth.resolve_session(session, token=token)
