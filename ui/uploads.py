"""The file uploader in Persian: Streamlit writes "Upload" and "5MB per file • XLSX" in
English; assets/app.css puts «بارگذاری» on the button, and each uploader made here
says its own limit and types in Persian («حداکثر ۵ مگابایت — xlsx، csv»).

Sizes: Streamlit refuses a file over its limit in English ("File must be 5.0MB or
smaller."). So each uploader lets through what the server takes (server.maxUploadSize
in .streamlit/config.toml) and refuses a file over its own limit itself, in Persian,
naming both sizes; a file over the server's limit too never leaves the browser, and
the line Streamlit writes under it is drawn in Persian by this uploader's style."""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from data_layer.jalali import format_number, to_fa_digits
from data_layer.output import css_text, inert

__all__ = ["uploader"]

_SAFE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_MB = 1024 * 1024


def _hint(max_mb: int, types: Sequence[str] | None) -> str:
    hint = f"حداکثر {format_number(max_mb)} مگابایت"
    return f"{hint} — {'، '.join(t.lstrip('.') for t in types)}" if types else hint


def uploader(
    label: str, *, key: str, max_mb: int, types: Sequence[str] | None = None
) -> UploadedFile | None:
    """st.file_uploader whose size limit is `max_mb`, its hint in Persian under the
    button; a larger file is refused here in Persian and None returned.

    `types` only go into the hint: Streamlit is not told them, since it would refuse
    another type in English; the reader behind each uploader refuses it in Persian.
    """
    if not _SAFE_KEY.fullmatch(key):
        raise ValueError(f"an uploader key must be a CSS-safe word, not {key!r}")
    ceiling = max(max_mb, server_limit_mb())
    refused = (
        f"بارگذاری نشد: حجم پرونده بیش از {format_number(max_mb)} مگابایت است یا ارتباط قطع شد."
    )
    chip = f".st-key-{key} [data-testid='stFileChip'] [role='alert']"
    st.html(
        f"<style>.st-key-{key} [data-testid='stFileUploaderDropzoneInstructions'] > div::after"
        f" {{ content: {css_text(_hint(max_mb, types))}; }}"
        f" {chip} {{ font-size: 0; }}"
        f" {chip}::after {{ content: {css_text(refused)}; font-size: .8rem; }}</style>"
    )
    upload = st.file_uploader(label, key=key, max_upload_size=ceiling)
    if upload is not None and upload.size > max_mb * _MB:
        st.error(inert(too_large(upload.name, upload.size, max_mb)))
        return None
    return upload


def server_limit_mb() -> int:
    """The largest upload the server takes, in megabytes (server.maxUploadSize)."""
    return int(st.get_option("server.maxUploadSize"))


def too_large(name: str, size: int, max_mb: int) -> str:
    """The refusal of a file over an uploader's limit, with both sizes."""
    shown = to_fa_digits(f"{size / _MB:.1f}")
    return (
        f"پروندهٔ «{name}» {shown} مگابایت است و بیش از {format_number(max_mb)} مگابایت"
        " پذیرفته نمی‌شود؛ آن را کوچک‌تر کنید (مثلاً عکس را با اندازهٔ کوچک‌تر ذخیره کنید)"
        " و دوباره بارگذاری کنید."
    )
