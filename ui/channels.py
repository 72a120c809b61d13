"""«حساب من»: where the person adds an email or mobile, and confirms it with a code."""

from __future__ import annotations

import streamlit as st

from data_layer import sender
from data_layer.commands.channels import (
    CODE_TRIES,
    Confirmation,
    add_channel,
    confirm_channel,
    remove_channel,
)
from data_layer.config import mail_settings, sms_settings
from data_layer.db import read_session
from data_layer.jalali import format_number, to_fa_digits
from data_layer.output import inert
from data_layer.permissions import Actor
from data_layer.queries.channels import channels_of
from ui.run import Command, flash, run_command

KINDS = {
    "email": ("ایمیل", "نشانی ایمیل", "name@example.ir"),
    "sms": ("پیامک", "شمارهٔ همراه", "۰۹۱۲۳۴۵۶۷۸۹"),
}


def _confirmed(result: Confirmation | None) -> None:
    if result is None:
        return
    if result.confirmed:
        flash("نشانی تأیید شد؛ یادآوری‌ها از این پس به آن هم فرستاده می‌شود.")
    elif result.tries_left:
        st.error(f"کد درست نیست؛ {format_number(result.tries_left)} بار دیگر می‌توانید بکوشید.")
    else:
        st.error("کد درست نیست و فرصت‌ها تمام شد؛ «فرستادن کد تازه» را بزنید.")


def _code_form(url: str, kind: str, word: str) -> None:
    with st.form(f"confirm_{kind}", enter_to_submit=False):
        code = st.text_input(f"کد {to_fa_digits(6)} رقمی فرستاده‌شده به {word}", key=f"code_{kind}")
        if st.form_submit_button("تأیید", type="primary"):
            _confirmed(
                run_command(url, lambda s, who: confirm_channel(s, actor=who, kind=kind, code=code))
            )


def _address_form(url: str, kind: str, again: bool) -> None:
    word, label, example = KINDS[kind]
    with st.form(f"set_{kind}", enter_to_submit=False):
        typed = st.text_input(label, placeholder=example, key=f"address_{kind}")
        submitted = st.form_submit_button("فرستادن کد تازه" if again else "ثبت و فرستادن کد")
    if not submitted:
        return
    if (
        run_command(url, lambda s, who: add_channel(s, actor=who, kind=kind, typed=typed))
        is not None
    ):
        sender.wake(url)
        flash(
            f"کد تأیید به {word} فرستاده می‌شود؛ آن را اینجا وارد کنید"
            f" ({format_number(CODE_TRIES)} بار فرصت، تا ۳۰ دقیقه)."
        )


def _remove(kind: str) -> Command[None]:
    """Remove one of the person's channels: a command of its own for each kind."""
    return lambda s, who: remove_channel(s, actor=who, kind=kind)


def channel_forms(url: str, actor: Actor) -> None:
    """Each channel: its state, a form to set the address, the code box while pending."""
    st.markdown("##### دریافت یادآوری با ایمیل و پیامک")
    st.caption(
        "کارتابل همیشه در سامانه است. اگر نشانی خود را بیفزایید و با کدی که برایش فرستاده"
        " می‌شود تأیید کنید، روزی یک خلاصه از کارهای سررسیده به آن هم فرستاده می‌شود."
    )
    with read_session(url) as s:
        mine = channels_of(s, actor.user_id)
    ready = {"email": mail_settings().configured, "sms": sms_settings().configured}
    for kind, (word, _, _) in KINDS.items():
        state = mine.get(kind)
        with st.container(border=True):
            if state is None:
                st.markdown(f"**{word}:** ثبت نشده")
            else:
                shown = "تأییدشده" if state.confirmed else "در انتظار تأیید"
                st.markdown(f"**{word}:** {inert(state.address)} — {shown}")
            if not ready[kind]:
                st.caption(f"ارسال {word} در این سامانه پیکربندی نشده است.")
                continue
            pending = state is not None and not state.confirmed
            if pending:
                _code_form(url, kind, word)
            _address_form(url, kind, pending)
            if state is not None and st.button(f"حذف {word}", key=f"remove_{kind}"):
                run_command(
                    url,
                    _remove(kind),
                    done=f"{word} حذف شد؛ از این پس یادآوری به آن فرستاده نمی‌شود.",
                )
