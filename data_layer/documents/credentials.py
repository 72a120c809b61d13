"""Sign-in sheets: one A4 Persian page per agency with its liaison's one-time password.

The administrator prints (or sends) each agency its sheet right after the import
made the accounts (data_layer/commands/people.py); the passwords exist only in
what that import returned, so the sheets are built once from it and never again.

What people typed for the sheet (names, the username, the address) reaches the
markup only through `inert_html`; the letterhead comes from the letters' own
`org_block` and `logo_img` (escaped by `el`), so every document is headed alike. The
username and password are shown exactly as stored, left to right in a monospace
face; every other number is in Persian digits.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from data_layer.auth import MIN_PASSWORD_LENGTH
from data_layer.documents.html import Safe, document, el, join, render_pdf, void
from data_layer.documents.letters import logo_img, org_block
from data_layer.documents.names import file_name
from data_layer.jalali import format_jalali, local_today, to_fa_digits
from data_layer.output import inert_html
from data_layer.queries.profile import Profile

__all__ = [
    "CredentialSheet",
    "NewAccount",
    "credential_file_name",
    "credential_html",
    "credential_pdf",
    "credential_sheets",
    "credentials_zip",
]


class NewAccount(NamedTuple):
    """An account the people import made (data_layer/commands/people.py), with the
    one-time password its sheet hands over (never stored)."""

    agency: str  # the agency's full name
    full_name: str
    username: str
    password: str


TITLE = "برگهٔ ورود به داشبورد پایش مصوبات"
_MONO = "'DejaVu Sans Mono', 'Liberation Mono', monospace"

_CSS = f"""
.head {{ text-align: center; }}
.org {{ font-weight: 700; font-size: 10.5pt; line-height: 1.7; }}
.org .secretariat {{ font-weight: 500; font-size: 9.5pt; }}
img.logo {{ display: block; margin: 0 auto 2mm auto; }}
hr.rule {{ border: none; border-top: 1pt solid #333; margin: 3mm 0 6mm 0; }}
.confidential {{ text-align: center; margin: 0 0 5mm 0; }}
table.facts td {{ padding: 1.2mm 0; font-size: 11.5pt; }}
table.facts td.label {{ font-weight: 700; width: 34%; }}
.secret-label {{ font-weight: 700; font-size: 11.5pt; margin: 5mm 0 1.5mm 0; }}
.latin {{
  direction: ltr;
  text-align: right;
  font-family: {_MONO};
}}
.username {{ font-size: 15pt; }}
.password {{
  display: block;
  direction: ltr;
  text-align: center;
  font-family: {_MONO};
  font-size: 26pt;
  font-weight: 700;
  letter-spacing: 1.5mm;
  border: 1.6pt solid #111;
  border-radius: 2mm;
  padding: 5mm 3mm;
  margin: 0 12mm 4mm 12mm;
  background: #f3f5f8;
}}
.address {{ font-size: 12pt; }}
.steps {{ margin-top: 6mm; }}
.step {{ margin: 0 0 3mm 0; font-size: 11pt; }}
.step .n {{ font-weight: 700; margin-left: 2mm; }}
.note {{ margin-top: 8mm; border-top: 0.5pt solid #aaa; padding-top: 2mm; }}
"""


@dataclass(frozen=True)
class CredentialSheet:
    """One agency's sheet: its file name in the zip and the PDF."""

    agency: str
    file_name: str
    pdf: bytes


# A sheet printed before the dashboard's address was set says so instead of guessing.
NO_ADDRESS = "هنوز تعیین نشده است؛ نشانی سامانه را از دبیرخانهٔ کارگروه بپرسید."


def _typed(value: object) -> Safe:
    """Text someone typed, made inert (see data_layer/output.py)."""
    return Safe(inert_html(value))


def _latin(value: str, cls: str) -> Safe:
    """A username or an address: its own left-to-right line, as typed, monospace."""
    return el("div", _typed(value), cls=f"latin {cls}")


def _heading(profile: Profile) -> Safe:
    """The province's logo and letterhead, as letters and reports print them."""
    return el("div", logo_img(profile), org_block(profile), cls="head")


def _facts(account: NewAccount, today: date) -> Safe:
    rows = (
        ("دستگاه", _typed(account.agency)),
        ("کارشناس رابط", _typed(account.full_name)),
        ("نقش در سامانه", "کارشناس رابط دستگاه"),
        ("تاریخ صدور", format_jalali(today)),
    )
    return el(
        "table",
        *(el("tr", el("td", f"{label}:", cls="label"), el("td", value)) for label, value in rows),
        cls="plain facts",
    )


def _steps(sign_in_url: str) -> Safe:
    where = "نشانی بالا" if sign_in_url else "نشانی‌ای که دبیرخانه اعلام کرده است"
    steps = (
        f"در {where} با نام کاربری و گذرواژهٔ یک‌بارمصرف این برگه وارد سامانه شوید.",
        "سامانه از شما می‌خواهد گذرواژه را عوض کنید؛ گذرواژهٔ تازه‌ای دست‌کم"
        f" {to_fa_digits(MIN_PASSWORD_LENGTH)} نویسه بگذارید که فقط خودتان بدانید.",
        "در بخش «دستگاه من» ردیف‌های دستگاه خود را به‌روز کنید: وضعیت، درصد پیشرفت،"
        " اقدامات انجام‌شده، تاریخ انجام و مستندات.",
    )
    return el(
        "div",
        el("h2", "سه گام برای شروع"),
        *(
            el("div", el("span", f"{to_fa_digits(n)}.", cls="n"), text, cls="step")
            for n, text in enumerate(steps, start=1)
        ),
        cls="steps",
    )


def credential_html(
    profile: Profile, account: NewAccount, *, sign_in_url: str = "", today: date | None = None
) -> str:
    """The HTML of one agency's sign-in sheet (see `credential_pdf`)."""
    today = today or local_today()
    address = (
        join([el("div", "نشانی ورود:", cls="secret-label"), _latin(sign_in_url, "address")])
        if sign_in_url
        else join([el("div", "نشانی ورود:", cls="secret-label"), el("div", NO_ADDRESS)])
    )
    body = join(
        [
            _heading(profile),
            void("hr", cls="rule"),
            el("h1", TITLE),
            el(
                "div", el("span", "محرمانه — فقط برای شخص نام‌برده", cls="badge"), cls="confidential"
            ),
            _facts(account, today),
            el("div", "نام کاربری:", cls="secret-label"),
            _latin(account.username, "username"),
            el("div", "گذرواژهٔ یک‌بارمصرف:", cls="secret-label"),
            el("div", _typed(account.password), cls="password"),
            address,
            _steps(sign_in_url),
            el(
                "p",
                "این گذرواژه فقط یک بار به کار می‌آید و در سامانه نگه داشته نمی‌شود. اگر گم شد،"
                " مدیر سامانه گذرواژهٔ تازه‌ای می‌سازد. پس از تغییر گذرواژه این برگه را از بین"
                " ببرید.",
                cls="small muted note",
            ),
        ]
    )
    footer = f"برگهٔ ورود — محرمانه — {format_jalali(today)}"
    return document(
        f"{TITLE} — {account.agency}",
        body,
        footer_note=footer,
        extra_css=_CSS,
        author=f"دبیرخانه {profile.group_name}",
    )


def credential_pdf(
    profile: Profile, account: NewAccount, *, sign_in_url: str = "", today: date | None = None
) -> bytes:
    """One agency's A4 sign-in sheet: agency, person, username, one-time password, steps."""
    return render_pdf(credential_html(profile, account, sign_in_url=sign_in_url, today=today))


def credential_file_name(position: int, agency: str) -> str:
    """برگه-ورود-<position>-<agency>.pdf (documents/names.py), unique by its position."""
    return file_name("برگه ورود", f"{position:02d}", agency, ext="pdf")


def credential_sheets(
    profile: Profile,
    accounts: Sequence[NewAccount],
    *,
    sign_in_url: str = "",
    today: date | None = None,
) -> list[CredentialSheet]:
    """Every account's sheet, in the import's order (one account per agency)."""
    today = today or local_today()
    return [
        CredentialSheet(
            account.agency,
            credential_file_name(position, account.agency),
            credential_pdf(profile, account, sign_in_url=sign_in_url, today=today),
        )
        for position, account in enumerate(accounts, start=1)
    ]


def credentials_zip(sheets: Sequence[CredentialSheet]) -> bytes:
    """A zip of the sheets, one PDF per agency under its own file name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            archive.writestr(sheet.file_name, sheet.pdf)
    return buffer.getvalue()
