"""What a county governorate's reader is told on every screen of its county."""

from __future__ import annotations

import streamlit as st

from data_layer.db import read_session
from data_layer.output import inert
from data_layer.permissions import Reader, Scope
from data_layer.queries.places import county_name
from ui.cache import loader
from ui.freshness import current_version


@loader()
def _name(url: str, scope: Scope, version: int) -> str:
    with read_session(url) as s:
        return county_name(s, scope.county_id) if scope.county_id is not None else ""


def county_note(url: str, reader: Reader) -> None:
    """For a county's reader, a line saying the screen holds its county's figures only."""
    if reader.scope.county_id is None:
        return
    name = _name(url, reader.scope, current_version(url))
    st.info(inert(f"فرمانداری {name}: همهٔ ارقام این صفحه از محلات هدف شهرستان {name} است."))
