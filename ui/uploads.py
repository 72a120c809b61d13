"""The file uploader in Persian: Streamlit writes "Upload" and "5MB per file • XLSX" in
English; assets/app.css puts «بارگذاری» on the button, and each uploader made here
says its own limit and types in Persian («حداکثر ۵ مگابایت — xlsx، csv»)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from data_layer.jalali import format_number
from data_layer.output import css_text

__all__ = ["uploader"]

_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _hint(max_mb: int, types: Sequence[str] | None) -> str:
    hint = f"حداکثر {format_number(max_mb)} مگابایت"
    return f"{hint} — {'، '.join(t.lstrip('.') for t in types)}" if types else hint


def uploader(
    label: str, *, key: str, max_mb: int, types: Sequence[str] | None = None
) -> UploadedFile | None:
    """st.file_uploader whose size limit (Streamlit's and ours) is `max_mb`, its hint in
    Persian under the button.

    `types` only go into the hint: Streamlit is not told them, since it would refuse
    another type in English; the reader behind each uploader refuses it in Persian.
    """
    if not _SAFE_KEY.fullmatch(key):
        raise ValueError(f"an uploader key must be a CSS-safe word, not {key!r}")
    st.html(
        f"<style>.st-key-{key} [data-testid='stFileUploaderDropzoneInstructions'] > div::after"
        f" {{ content: {css_text(_hint(max_mb, types))}; }}</style>"
    )
    return st.file_uploader(label, key=key, max_upload_size=max_mb)
