"""The province profile's fields, drawn inside a form (setup and «تنظیمات»)."""

from __future__ import annotations

import streamlit as st

from data_layer.input.profile import LOGO_TYPES, MAX_LOGO_BYTES, ProfileInput
from data_layer.jalali import to_fa_digits
from data_layer.labels import GROUP_NAME_BASE
from data_layer.queries.profile import Profile
from ui.html import Html, data_url
from ui.uploads import uploader

MAX_LOGO_MB = max(1, MAX_LOGO_BYTES // 1024 // 1024)


def logo_html(profile: Profile, height: int = 64) -> Html:
    """The stored logo as an inline image (bytes the app itself holds), or nothing."""
    if not profile.logo or not profile.logo_type.startswith("image/"):
        return Html()
    return Html('<img class="profile-logo" alt="{}" height="{}" src="{}">').format(
        profile.governorate, height, data_url(profile.logo_type, profile.logo)
    )


def profile_fields(prefix: str, current: Profile) -> ProfileInput:
    """Every field of the profile, pre-filled with `current`; to be called inside st.form."""
    a, b = st.columns(2)
    province = a.text_input("نام استان", current.province, key=f"{prefix}_province")
    governorate = b.text_input(
        "نام استانداری (در سربرگ و نامه‌ها)",
        current.governorate if current.is_set else "",
        placeholder="مثلاً استانداری خراسان جنوبی",
        key=f"{prefix}_governorate",
    )
    group_name = st.text_input(
        "نام کامل کارگروه",
        current.group_name if current.is_set else GROUP_NAME_BASE,
        help="نام استان در پایان نام کارگروه افزوده می‌شود اگر نوشته نشده باشد.",
        key=f"{prefix}_group",
    )
    c, d = st.columns(2)
    secretary_name = c.text_input(
        "نام دبیر کارگروه (امضای نامه‌ها)", current.secretary_name, key=f"{prefix}_sec_name"
    )
    secretary_title = d.text_input(
        "سمت دبیر کارگروه", current.secretary_title, key=f"{prefix}_sec_title"
    )
    letterhead = st.text_area(
        "سطرهای سربرگ (هر سطر در یک خط، حداکثر ۵ سطر)",
        "\n".join(current.letterhead),
        placeholder="جمهوری اسلامی ایران\nاستانداری …\nدفتر امور اجتماعی",
        key=f"{prefix}_letterhead",
    )
    logo = uploader(
        f"نشان (لوگو) برای سربرگ — png یا jpg، حداکثر {to_fa_digits(MAX_LOGO_MB)} مگابایت"
        " (اختیاری)",
        types=[t.lstrip(".") for t in LOGO_TYPES],
        key=f"{prefix}_logo",
        max_mb=MAX_LOGO_MB,
    )
    drop = False
    if current.logo:
        drop = st.checkbox("نشان کنونی برداشته شود", key=f"{prefix}_drop_logo")
    return ProfileInput(
        province=province,
        governorate=governorate,
        group_name=group_name,
        secretary_name=secretary_name,
        secretary_title=secretary_title,
        letterhead=letterhead,
        logo_name=logo.name if logo is not None else "",
        logo=logo.getvalue() if logo is not None else None,
        drop_logo=drop,
    )
