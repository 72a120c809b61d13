"""The daily digest as it is sent: a Persian email (plain text and right-to-left HTML,
each item with its link) and an SMS of at most 134 characters with one link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from data_layer.documents.html import Safe, el, esc, join, void
from data_layer.jalali import format_jalali, format_number
from data_layer.queries.digests import SMS_LIMIT, DigestSettings
from data_layer.queries.inbox import InboxItem, things_due

INBOX_PATH = "/inbox"
ACCOUNT_PATH = "/account"


@dataclass(frozen=True)
class Email:
    """An email's three parts."""

    subject: str
    text: str
    html: str


def _values(name: str, count: int, day: date, link: str = "") -> dict[str, str]:
    return {"name": name, "count": format_number(count), "date": format_jalali(day), "link": link}


def digest_email(
    settings: DigestSettings, *, name: str, items: Sequence[InboxItem], day: date, base: str
) -> Email:
    """The email: the intro, then every item with its full link, then how to stop."""
    values = _values(name, things_due(items), day)
    subject = settings.templates["subject"].format_map(values)
    intro = settings.templates["intro"].format_map(values)
    lines = [intro, ""]
    for item in items:
        lines += [f"• {item.title}", f"  {item.detail}", f"  {base}{item.link}", ""]
    lines += [f"کارتابل: {base}{INBOX_PATH}", f"تنظیم یا قطع این پیام‌ها: {base}{ACCOUNT_PATH}"]
    rows = join(
        el(
            "li",
            el("a", item.title, attrs={"href": f"{base}{item.link}"}),
            void("br"),
            el("small", item.detail),
            attrs={"style": "margin-bottom:.6em"},
        )
        for item in items
    )
    body = join(
        [
            el("p", intro),
            el("ul", rows),
            el(
                "p",
                el("a", "کارتابل در داشبورد", attrs={"href": f"{base}{INBOX_PATH}"}),
                " — ",
                el("a", "تنظیم یا قطع این پیام‌ها", attrs={"href": f"{base}{ACCOUNT_PATH}"}),
            ),
        ]
    )
    html = Safe(
        '<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{esc(subject)}</title></head>"
        '<body dir="rtl" style="direction:rtl;text-align:right;'
        "font-family:Tahoma,'Vazirmatn',sans-serif;line-height:1.8\">"
        f"{body}</body></html>"
    )
    return Email(subject=subject, text="\n".join(lines), html=html)


def digest_sms(settings: DigestSettings, *, name: str, count: int, day: date, base: str) -> str:
    """The SMS: the template filled in, the name shortened if need be to stay within
    134 characters; the link is never cut."""
    link = f"{base}{INBOX_PATH}"
    template = settings.templates["sms"]
    text = template.format_map(_values(name, count, day, link))
    short = name
    while len(text) > SMS_LIMIT and short:
        short = short[:-1]
        text = template.format_map(_values(short + "…" if short else "", count, day, link))
    if len(text) > SMS_LIMIT:
        raise ValueError("the SMS template does not fit in 134 characters with this link")
    return text
