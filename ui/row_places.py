"""The neighborhoods an agency's row works in: one small form, used where rows are
edited (the liaison's full form in «دستگاه من», the secretariat's meeting editor)."""

from __future__ import annotations

import streamlit as st

from data_layer.commands.dossier import set_row_neighborhoods
from data_layer.db import read_session
from data_layer.permissions import Scope
from data_layer.queries.dossier import meeting_row_choices, row_neighborhoods
from data_layer.queries.places import list_neighborhoods
from ui.cache import loader
from ui.freshness import current_version
from ui.pickers import as_shown, distinct
from ui.run import run_command


@loader()
def hood_names(url: str, scope: Scope, version: int) -> dict[int, str]:
    """Every active neighborhood, id -> «name (county)», by priority."""
    with read_session(url) as s:
        hoods = list_neighborhoods(s)
    return distinct(
        {
            int(i): f"{n} ({c})"
            for i, n, c in zip(hoods["id"], hoods["name"], hoods["county"], strict=True)
        }
    )


@loader()
def named_by(url: str, scope: Scope, assignment_id: int, version: int) -> list[int]:
    """The neighborhoods the row names now."""
    with read_session(url) as s:
        return row_neighborhoods(s, [assignment_id]).get(assignment_id, [])


def row_places_form(url: str, scope: Scope, assignment_id: int) -> None:
    """Pick the neighborhoods a row works in, and save them (refused if changed since)."""
    version = current_version(url)
    names = hood_names(url, scope, version)
    key = f"row_places_{assignment_id}"
    shown = as_shown(key, named_by(url, scope, assignment_id, version))
    suffix = "_".join(map(str, shown)) or "none"  # fresh widgets for each list shown
    with st.form(f"{key}_{suffix}", enter_to_submit=False):
        names = distinct(names)
        chosen = st.multiselect(
            "محلات هدفی که این ردیف در آن‌ها کار می‌کند",
            list(names),
            default=[h for h in shown if h in names],
            format_func=names.__getitem__,
            placeholder="محله‌ها را برگزینید",
            key=f"{key}_pick_{suffix}",
        )
        saved = st.form_submit_button("ذخیرهٔ محلات ردیف")
    if saved:
        run_command(
            url,
            lambda s, who: set_row_neighborhoods(
                s,
                actor=who,
                assignment_id=assignment_id,
                neighborhood_ids=chosen,
                shown_ids=shown,
            ),
            done="محلات این ردیف ذخیره شد.",
            shown=key,
        )


@loader()
def meeting_rows(url: str, scope: Scope, meeting_id: int, version: int) -> dict[int, str]:
    """A meeting's live rows, id -> «مصوبه ۳ — دستگاه»."""
    with read_session(url) as s:
        return meeting_row_choices(s, meeting_id)
