"""The administrator's «ورود رابط‌ها از اکسل» tab: one liaison per agency from a
spreadsheet, every account made at once, then each agency's sign-in sheet (PDF).

The one-time passwords live only in what the import returned: the sheets are built
right after it and kept in the session for the next run of the page alone, which
shows their download buttons once. Any later run has forgotten them; a lost
password is replaced with «بازنشانی گذرواژه».
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_layer.auth import one_time_passwords
from data_layer.commands.people import import_people
from data_layer.config import sign_in_address
from data_layer.db import Session, read_session
from data_layer.documents.credentials import (
    CredentialSheet,
    NewAccount,
    credential_sheets,
    credentials_zip,
)
from data_layer.documents.names import file_name, jalali_stamp
from data_layer.documents.people_template import people_template_xlsx
from data_layer.input.people import PEOPLE_IMPORT, ImportPreview
from data_layer.jalali import format_number, local_today, to_fa_digits
from data_layer.output import inert
from data_layer.permissions import Actor
from data_layer.queries.profile import get_profile
from ui.imports import NOT_READ, ImportScreen, import_tab
from ui.run import attempt

__all__ = [
    "Made",
    "ask_address",
    "build_sheets",
    "passwords_with_progress",
    "people_import_tab",
    "show_sheets",
]

_MADE = "people_import_made"  # what the import made, for the next run only
_ADDRESS = "people_address"  # the sign-in address the sheets print
_PASSWORDS = "people_passwords"  # hashed before the transaction, for its command


@dataclass(frozen=True)
class Made:
    """The accounts an import made and their sheets (None when the PDFs failed)."""

    accounts: list[NewAccount]
    sheets: list[CredentialSheet] | None
    archive: bytes | None


def printed_address(typed: str) -> str:
    """The address the sheets print (see config.sign_in_address): typed, configured, or
    this page's own, never a loopback default; "" when none is known."""
    return sign_in_address(typed, st.context.url or "")


def show_sheets(made: Made, headline: str, key: str = "people") -> None:
    """The sheets' download buttons, shown this once, under `headline`."""
    st.success(headline)
    st.warning(
        "گذرواژه‌های یک‌بارمصرف فقط همین حالا در دسترس‌اند و در سامانه نگه داشته نمی‌شوند؛"
        " پیش از هر کار دیگری در این صفحه برگه‌ها را دریافت کنید. پس از آن، گذرواژهٔ هر"
        " حساب را فقط با «بازنشانی گذرواژه» می‌توان از نو ساخت."
    )
    if made.sheets is None or made.archive is None:
        st.error("ساخت برگه‌های PDF ممکن نشد؛ گذرواژه‌ها را از این جدول بردارید:")
        st.dataframe(
            pd.DataFrame([a._asdict() for a in made.accounts]).rename(
                columns={
                    "agency": "دستگاه",
                    "full_name": "نام",
                    "username": "نام کاربری",
                    "password": "گذرواژهٔ یک‌بارمصرف",
                }
            ),
            hide_index=True,
        )
        return
    st.download_button(
        "دریافت برگه‌های همهٔ دستگاه‌ها (zip)",
        made.archive,
        file_name=file_name("برگه‌های ورود", jalali_stamp(local_today()), ext="zip"),
        mime="application/zip",
        type="primary",
        on_click="ignore",
        key=f"{key}_sheets_zip",
    )
    with st.expander("برگهٔ هر دستگاه جداگانه"):
        for position, sheet in enumerate(made.sheets, start=1):
            st.download_button(
                inert(sheet.agency),
                sheet.pdf,
                file_name=sheet.file_name,
                mime="application/pdf",
                on_click="ignore",
                key=f"{key}_sheet_{position}",
            )


def _show_preview(preview: ImportPreview) -> None:
    """The rows ready to be made."""
    st.success(f"{format_number(len(preview.clean))} رابط بی‌خطا آمادهٔ ساخت حساب است.")
    st.dataframe(
        pd.DataFrame(
            {
                "تلفن همراه": [to_fa_digits(c["phone"]) or "—" for c in preview.clean],
                "دستگاه": [c["agency"] for c in preview.clean],
                "نام کاربری": [c["username"] for c in preview.clean],
                "نام و نام خانوادگی": [c["full_name"] for c in preview.clean],
                "ردیف": [to_fa_digits(n) for n in preview.row_numbers],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _ask_address(preview: ImportPreview) -> None:
    """The sign-in address printed on the sheets (kept under _ADDRESS)."""
    ask_address(_ADDRESS)


def ask_address(key: str) -> str:
    """The sign-in address the sheets will print, asked for (kept under `key`)."""
    typed = st.text_input(
        "نشانی ورود به سامانه (روی برگه‌ها چاپ می‌شود)",
        max_chars=200,
        placeholder=printed_address("") or "مثلاً https://dashboard.example.ir/",
        key=key,
    )
    if not printed_address(typed):
        st.warning(
            "نشانی ورود سامانه تعیین نشده است (این صفحه با نشانی‌ای باز شده که فقط روی خود"
            " سرور کار می‌کند). نشانی‌ای را که رابط‌ها از رایانهٔ خود باز می‌کنند بالا بنویسید؛"
            " وگرنه برگه‌ها می‌نویسند که نشانی هنوز تعیین نشده است."
        )
    return printed_address(typed)


def build_sheets(url: str, accounts: list[NewAccount], address: str) -> Made:
    """The accounts' sign-in sheets and their zip, or the accounts alone if the PDFs fail."""

    def build() -> tuple[list[CredentialSheet], bytes]:
        with read_session(url) as s:
            profile = get_profile(s)
        sheets = credential_sheets(profile, accounts, sign_in_url=address)
        return sheets, credentials_zip(sheets)

    built = attempt(build)
    if built is None:
        return Made(accounts, None, None)
    return Made(accounts, *built)


def _hash_passwords(preview: ImportPreview) -> None:
    """Every account's one-time password, hashed before the transaction with a progress
    bar (kept under _PASSWORDS for the command)."""
    st.session_state[_PASSWORDS] = passwords_with_progress(len(preview.clean))


def passwords_with_progress(total: int) -> list[tuple[str, str]]:
    """`total` one-time passwords and their hashes, made before a transaction, with a
    progress bar on the screen while they are hashed."""
    bar = st.progress(0.0, text=f"آماده‌سازی {format_number(total)} گذرواژهٔ یک‌بارمصرف…")

    def step(done: int, count: int) -> None:
        bar.progress(
            done / count,
            text=f"{format_number(done)} از {format_number(count)} گذرواژه آماده شد…",
        )

    made = one_time_passwords(total, progress=step)
    bar.progress(1.0, text=f"ثبت {format_number(total)} حساب…")
    return made


def _import(session: Session, *, actor: Actor, preview: ImportPreview) -> list[NewAccount]:
    passwords = st.session_state.pop(_PASSWORDS, None)
    return import_people(session, actor=actor, preview=preview, passwords=passwords)


def _screen(url: str) -> ImportScreen[ImportPreview, list[NewAccount]]:
    def keep_sheets(accounts: list[NewAccount]) -> None:
        address = printed_address(str(st.session_state.get(_ADDRESS) or ""))
        st.session_state[_MADE] = build_sheets(url, accounts, address)

    return ImportScreen(
        key="people",
        intro=lambda columns: (
            f"برای هر دستگاه یک کارشناس رابط را در پرونده‌ای با این ستون‌ها بنویسید: {columns}."
            " سامانه برای هر رابط حسابی با گذرواژهٔ یک‌بارمصرف می‌سازد که در نخستین ورود باید"
            " عوض شود، و برای هر دستگاه برگه‌ای PDF با نام کاربری و گذرواژه آماده می‌کند. اگر"
            " حتی یک ردیف خطا داشته باشد، هیچ حسابی ساخته نمی‌شود."
        ),
        template=people_template_xlsx,
        template_file=file_name("الگوی رابطان دستگاه‌ها", ext="xlsx"),
        sheet=PEOPLE_IMPORT,
        show=_show_preview,
        button="ساخت حساب‌ها",
        command=_import,
        prepare=_hash_passwords,
        done=keep_sheets,
        refused="هیچ حسابی ساخته نمی‌شود تا پرونده اصلاح شود.",
        not_read=f"{NOT_READ} و در حساب‌ها نمی‌آیند",
        before_commit=_ask_address,
    )


def people_import_tab(url: str) -> None:
    """Upload, preview, make every account, then the sheets once."""
    made = st.session_state.pop(_MADE, None)
    if isinstance(made, Made):
        show_sheets(made, f"{format_number(len(made.accounts))} حساب کارشناس رابط ساخته شد.")
    import_tab(url, _screen(url))
