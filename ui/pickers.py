"""A picker that keeps what the person chose, and labels that never collide.

Streamlit's selectbox falls back to another option when the chosen one leaves its
list (another tab withdrew that row, say), and an action would then hit the wrong
row. `pick` remembers the chosen id and the version the row had when it was shown;
a choice that left the list stays chosen (and says so), so the command refuses it.

Streamlit's pickers (selectbox, radio, multiselect) send the browser's choice back
as its label and map it to an option through a dict of labels: of two options with
the same label, the last one is always chosen. Every picker that lists rows or
tokens therefore labels them through `distinct`, which numbers any label that is
still shared after what tells the rows apart (date, units, status) was put in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from data_layer.jalali import to_fa_digits
from ui.run import shown_key

__all__ = ["Picked", "as_shown", "distinct", "forget", "pick"]

GONE = " (دیگر در فهرست نیست)"


@dataclass(frozen=True)
class Picked:
    """The row a person chose: its id, its version as shown, whether it left the list."""

    id: int
    version: int | None
    gone: bool = False


K = TypeVar("K", bound=Hashable)


def distinct(labels: Mapping[K, str]) -> dict[K, str]:
    """The labels of options (id -> label), each one different from every other: a label
    two options share gets its row's id, «(ردیف ۱۲)». The id, never a running number,
    so a label never moves to another row when a namesake comes or goes (the choice
    is then dropped, not carried over to the other row)."""
    out = dict(labels)
    while len(set(out.values())) < len(out):  # again if a name already read like that
        shared = Counter(out.values())
        out = {
            k: t if shared[t] == 1 else f"{t} (ردیف {to_fa_digits(str(k))})" for k, t in out.items()
        }
    return out


def agency_choices(agencies: pd.DataFrame) -> dict[int, str]:
    """An agency picker's labels (id -> label): the short name, then the full name when it
    differs, so typing either finds the agency; each label different from every other."""
    return distinct(
        {
            int(i): short if not full or full == short else f"{short} — {full}"
            for i, short, full in zip(
                agencies["id"], agencies["short_name"], agencies["name"], strict=True
            )
        }
    )


def _memory(key: str) -> str:
    return shown_key(key)


def forget(key: str) -> None:
    """Drop what a picker remembers (after its row was refused as changed or gone)."""
    st.session_state.pop(_memory(key), None)


def pick(
    label: str,
    options: Mapping[int, tuple[str, int | None]],
    *,
    key: str,
    first: bool = False,
    placeholder: str = "انتخاب کنید",
) -> Picked | None:
    """Choose one of `options` (id -> (label, version)); None until something is chosen.

    With `first`, the first option is chosen until the person chooses another.
    """
    memory = _memory(key)
    kept: tuple[int, str, int | None] | None = st.session_state.get(memory)
    ids = list(options)
    labels = {i: text for i, (text, _) in options.items()}
    if kept is not None and kept[0] not in options:
        ids.append(kept[0])
        labels[kept[0]] = kept[1] + GONE
    labels = distinct(labels)
    shown = dict(options)  # what this run shows: the person chooses from it

    def remember() -> None:
        value = st.session_state.get(key)
        st.session_state[memory] = (
            (value, shown[value][0], shown[value][1]) if value in shown else None
        )

    value = st.selectbox(
        label,
        ids,
        index=0 if first and ids else None,
        format_func=labels.__getitem__,
        key=key,
        on_change=remember,
        placeholder=placeholder,
    )
    if value is None:
        return None
    if kept is None or kept[0] != value:
        kept = (value, labels[value], options[value][1] if value in options else None)
        st.session_state[memory] = kept
    return Picked(int(value), kept[2], value not in options)


T = TypeVar("T")


def as_shown(key: str, current: T) -> T:
    """What a form showed when the person first saw it: `current` the first time, then
    the same value until `forget(key)` (or run_command(..., shown=key)) drops it.

    Keep the row itself (its version with it) and draw the form from what this
    returns: a form drawn again after someone else's save still shows, and names
    the version of, what the person is editing, so saving it is refused, not applied
    over the other save.
    """
    memory = _memory(key)
    if memory not in st.session_state:
        st.session_state[memory] = current
    kept: T = st.session_state[memory]
    return kept
