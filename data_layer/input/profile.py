"""The province profile as typed at first-run setup and in «تنظیمات»."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from data_layer.input.check import Check
from data_layer.jalali import format_number
from data_layer.labels import group_name_for

__all__ = [
    "LOGO_TYPES",
    "MAX_LOGO_BYTES",
    "MAX_LOGO_PIXELS",
    "PROFILE_LABELS",
    "ProfileInput",
    "validate_profile",
]

MAX_LOGO_BYTES = 1024 * 1024
LOGO_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
# A logo prints 16 mm high; a few megapixels is plenty, and what a file of a
# megabyte may expand to once decoded is bounded before anything decodes it.
MAX_LOGO_PIXELS = 4_000_000
MAX_LETTERHEAD_LINES = 5
PROFILE_LABELS: dict[str, str] = {
    "province": "نام استان",
    "governorate": "نام استانداری",
    "group_name": "نام کامل کارگروه",
    "secretary_name": "نام دبیر کارگروه",
    "secretary_title": "سمت دبیر کارگروه",
    "letterhead": "سطرهای سربرگ",
    "logo": "نشان (لوگو)",
}


@dataclass(frozen=True)
class ProfileInput:
    """What the form holds; `logo` None keeps the stored one, b"" with `drop_logo` removes it."""

    province: str
    governorate: str
    group_name: str
    secretary_name: str = ""
    secretary_title: str = ""
    letterhead: str = ""
    logo_name: str = ""
    logo: bytes | None = None
    drop_logo: bool = False


def validate_profile(data: ProfileInput, check: Check) -> dict[str, Any]:
    """Column values of the profile; problems go to `check`."""
    clean: dict[str, Any] = {
        "province": check.text("province", data.province, limit=80, required=True, min_length=2),
        "governorate": check.text(
            "governorate", data.governorate, limit=200, required=True, min_length=2
        ),
        "group_name": check.text(
            "group_name",
            group_name_for(data.province, data.group_name),
            limit=300,
            required=True,
            min_length=5,
        ),
        "secretary_name": check.text("secretary_name", data.secretary_name, limit=120),
        "secretary_title": check.text("secretary_title", data.secretary_title, limit=200),
        "letterhead": check.text("letterhead", data.letterhead, limit=600, multiline=True),
    }
    lines = [line for line in clean["letterhead"].splitlines() if line.strip()]
    if len(lines) > MAX_LETTERHEAD_LINES:
        check.add(
            "letterhead",
            f"سربرگ حداکثر {format_number(MAX_LETTERHEAD_LINES)} سطر دارد؛"
            f" {format_number(len(lines))} سطر نوشته شده است. سطرها را کمتر کنید.",
        )
    clean["letterhead"] = "\n".join(lines)
    if data.logo:
        kind = check.upload(
            "logo", data.logo_name, data.logo, types=LOGO_TYPES, max_bytes=MAX_LOGO_BYTES
        )
        if kind is not None and _logo_fits(data.logo, check):
            clean["logo"], clean["logo_type"] = data.logo, kind
    elif data.drop_logo:
        clean["logo"], clean["logo_type"] = None, ""
    return clean


def _logo_fits(logo: bytes, check: Check) -> bool:
    """The logo's pixel size, read from its header (nothing is decoded), is within
    MAX_LOGO_PIXELS; otherwise the problem goes to `check`."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(logo)) as image:  # reads the header only
            width, height = image.size
    except Exception:  # a file from outside: any failure means "unreadable"
        check.add("logo", "تصویر نشان خوانا نیست؛ آن را دوباره با قالب png یا jpg ذخیره کنید.")
        return False
    if width * height > MAX_LOGO_PIXELS:
        check.add(
            "logo",
            f"تصویر نشان {format_number(width)}×{format_number(height)} نقطه است؛ حداکثر"
            f" {format_number(MAX_LOGO_PIXELS)} نقطه (مثلاً ۲۰۰۰×۲۰۰۰) پذیرفته می‌شود."
            " آن را کوچک‌تر ذخیره کنید.",
        )
        return False
    return True
