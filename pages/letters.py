"""نامه‌ها: the chase that escalates — who is due which step today, one click for all of
them (registered, in one zip), and the letter register with each letter's reply."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import streamlit as st

from data_layer.commands.letter_mail import email_letter
from data_layer.commands.letters import (
    LetterPlan,
    issue_letters,
    mark_reply_reviewed,
    plan_letters,
    record_reply,
)
from data_layer.config import mail_settings
from data_layer.db import read_session
from data_layer.documents.letters import letter_file_name
from data_layer.documents.names import file_name, jalali_stamp
from data_layer.jalali import (
    format_jalali,
    format_jalali_datetime,
    format_number,
    local_today,
    to_fa_digits,
)
from data_layer.models import Letter
from data_layer.output import inert
from data_layer.permissions import Readable
from data_layer.queries import ladder as ql
from data_layer.queries.ladder import STEP_TITLES
from data_layer.queries.messages import last_letter_addresses, letter_deliveries
from ui.jalali_picker import date_field
from ui.pickers import as_shown, distinct, pick
from ui.run import attempt, flash, run_command
from ui.session import page_person
from ui.theme import page_title
from ui.uploads import uploader

url, actor = page_person(Readable.LETTERS)
today = local_today()
ZIP_KEY = "letters_issued"


def _zip(letters: list[tuple[str, str, bytes]]) -> bytes:
    """One PDF per letter: نامه-<year>-<serial>-<agency>.pdf (documents/names.py)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, short_name, pdf in letters:
            archive.writestr(letter_file_name(number, short_name), pdf)
    return buffer.getvalue()


def _issue(agency_ids: list[int], names: dict[int, str]) -> None:
    """Build the letters (a read), then number and register them (one short write)."""

    total = format_number(len(agency_ids))
    bar = st.progress(0.0, text=f"ساخت {total} نامه…")

    def built(done: int, of: int) -> None:
        bar.progress(done / of, text=f"نامهٔ {format_number(done)} از {total} ساخته شد…")

    def build() -> list[LetterPlan]:
        with read_session(url) as s:
            return plan_letters(s, today=today, agency_ids=agency_ids, on_progress=built)

    plans = attempt(build)
    bar.empty()
    if not plans:
        return
    sent = run_command(url, lambda s, who: issue_letters(s, actor=who, plans=plans, today=today))
    if sent is None:
        return
    files = [(ql.letter_number(x.year, x.serial), names.get(x.agency_id, ""), x.pdf) for x in sent]
    st.session_state[ZIP_KEY] = (today, _zip(files), len(files))
    flash(f"{format_number(len(files))} نامه شماره گرفت و در دفتر نامه‌ها ثبت شد.")


def _last_letters(frame: pd.DataFrame) -> list[str]:
    """«۱۴۰۵/۱۲ (۱۴۰۵/۰۹/۱۰)» per agency, or a dash."""
    return [
        f"{n} ({format_jalali(d)})" if n else "—"
        for n, d in zip(frame["last_number"], frame["last_issued_on"], strict=True)
    ]


def _ladder_caption(ladder: ql.Ladder) -> None:
    days = "، ".join(
        f"{STEP_TITLES[n]}: {to_fa_digits(ladder.step(n).days)} روز" for n in (1, 2, 3)
    )
    st.caption(
        f"پلکان پیگیری ({days}). یادآوری‌ها به کارشناس رابط دستگاه و گام سوم به رئیس دستگاه با"
        " رونوشت به رئیس کارگروه است؛ فاصله‌ها و متن هر گام در «تنظیمات» است."
    )


def _issued_zip() -> None:
    """The zip of the letters this person just sent (today's)."""
    issued = st.session_state.get(ZIP_KEY)
    if issued and issued[0] == today:
        st.download_button(
            f"دریافت zip {format_number(issued[2])} نامهٔ ثبت‌شده",
            issued[1],
            file_name=file_name("نامه‌های پیگیری", jalali_stamp(today), ext="zip"),
            mime="application/zip",
            key="ld_zip",
            icon=":material/download:",
            on_click="ignore",
        )


def _due_list(due: pd.DataFrame) -> None:
    """Who is due which step; one batch for all of them, or one agency's letter."""
    names = distinct(dict(zip(due["agency_id"].astype(int), due["short_name"], strict=True)))
    st.dataframe(
        pd.DataFrame(
            {
                "آخرین نامه": _last_letters(due),
                "بیشترین تأخیر (روز)": due["worst_days_late"].map(format_number),
                "ردیف‌های نامه": due["rows"].map(format_number),
                "گام سررسید": due["step"].map(STEP_TITLES.__getitem__),
                "دستگاه": due["name"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if st.button(
        f"ساخت و ثبت همهٔ {format_number(len(due))} نامهٔ سررسید",
        key="ld_all",
        type="primary",
        icon=":material/outgoing_mail:",
    ):
        _issue(list(names), names)
    a, b = st.columns([3, 1])
    one = a.selectbox(
        "یا نامهٔ یک دستگاه",
        list(names),
        format_func=names.__getitem__,
        index=None,
        placeholder="دستگاه را انتخاب کنید",
        key="ld_one_pick",
    )
    if b.button("ساخت و ثبت این نامه", key="ld_one", disabled=one is None):
        _issue([int(one)], names)  # type: ignore[arg-type]


def due_tab() -> None:
    """Who is due which step today, and who waits for what."""
    with read_session(url) as s:
        board = ql.due_today(s, today, every=True)
        ladder = ql.get_ladder(s)
    due = board[board["step"] > 0]
    waiting = board[board["step"] == 0]
    _ladder_caption(ladder)
    _issued_zip()
    if due.empty:
        st.success("امروز هیچ دستگاهی به گام تازه‌ای از پیگیری نرسیده است.")
    else:
        _due_list(due)
    if not waiting.empty:
        with st.expander(f"در انتظار پاسخ یا مهلت ({format_number(len(waiting))} دستگاه)"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "وضعیت": waiting["waiting"],
                        "آخرین نامه": _last_letters(waiting),
                        "دستگاه": waiting["name"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def _reply_form(letter: Letter) -> None:
    """The reply, drawn from the letter as this person first saw it: a reply another
    tab recorded since makes this one's save refused, not silently lost."""
    memory = f"lr_{letter.id}"
    version, replied_on, reply_text = as_shown(
        memory, (letter.version, letter.replied_on, letter.reply_text)
    )
    key = f"lr_{letter.id}_{version}"
    with st.form(key, enter_to_submit=False):
        a, b = st.columns([1, 2])
        day = date_field(a, "تاریخ پاسخ", replied_on or today, key=f"{key}_day")
        text = b.text_area("متن یا خلاصهٔ پاسخ", reply_text, key=f"{key}_text", height=90)
        file = uploader(
            "پیوست پاسخ (اختیاری)",
            key=f"{key}_file",
            max_mb=5,
            types=(".pdf", ".jpg", ".png", ".docx"),
        )
        go = st.form_submit_button("ثبت پاسخ" if not replied_on else "اصلاح پاسخ")
    if go:
        content = file.getvalue() if file is not None else None
        run_command(
            url,
            lambda s, who: record_reply(
                s,
                actor=who,
                letter_id=int(letter.id or 0),
                expected_version=version,
                replied_on=day,
                text=text,
                filename=file.name if file is not None else "",
                content=content,
                today=today,
            ),
            done="پاسخ نامه ثبت شد.",
            shown=memory,
        )


def _review(letter: Letter) -> None:
    """A recorded reply, read and acted on: it leaves the secretariat's inbox. The
    version is the one the reply form shows, so a reply corrected since is read first."""
    if letter.replied_on is None:
        return
    if letter.reply_reviewed_at is not None:
        st.caption(f"پاسخ در {format_jalali_datetime(letter.reply_reviewed_at)} بررسی شد.")
        return
    memory = f"lr_{letter.id}"
    version, _, _ = as_shown(memory, (letter.version, letter.replied_on, letter.reply_text))
    st.info("این پاسخ هنوز بررسی نشده است و در کارتابل دبیرخانه می‌ماند.")
    if st.button("پاسخ بررسی شد", key=f"lr_{letter.id}_reviewed"):
        run_command(
            url,
            lambda s, who: mark_reply_reviewed(
                s, actor=who, letter_id=int(letter.id or 0), expected_version=version
            ),
            done="بررسی پاسخ ثبت شد و از کارتابل بیرون رفت.",
            shown=memory,
        )


def _register_table(register: pd.DataFrame) -> None:
    with read_session(url) as s:
        sent = letter_deliveries(s)
    mailed = [sent.get(int(i), {}) for i in register["id"]]
    unanswered = register["replied_on"].isna()
    c = st.columns(3)
    c[0].metric("نامه‌های ثبت‌شده", format_number(len(register)))
    c[1].metric("بی‌پاسخ", format_number(int(unanswered.sum())))
    c[2].metric(
        "گذشته از مهلت پاسخ",
        format_number(int((unanswered & (register["reply_by"] < today)).sum())),
    )
    st.dataframe(
        pd.DataFrame(
            {
                "شناسهٔ پیام": [m.get("message_id", "") for m in mailed],
                "ارسال": [
                    f"{DELIVERY[m['state']]}: {m['address']}" if m else "چاپی" for m in mailed
                ],
                "پاسخ": [
                    format_jalali(d) if pd.notna(d) else "بی‌پاسخ" for d in register["replied_on"]
                ],
                "مهلت پاسخ": register["reply_by"].map(format_jalali),
                "ردیف": register["rows"].map(format_number),
                "گام": register["step"].map(STEP_TITLES.__getitem__),
                "گیرنده": register["addressee"],
                "تاریخ": register["issued_on"].map(format_jalali),
                "شماره": register["number"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _one_letter(letter: Letter, rows: int, agency: str) -> None:
    """A letter's number, recipient and step, its PDF as sent, its reply's file."""
    st.markdown(
        f"**{inert(ql.letter_number(letter.year, letter.serial))}** — {inert(letter.addressee)}"
        f" — {STEP_TITLES[letter.step]} — {format_number(rows)} ردیف"
    )
    a, b = st.columns(2)
    a.download_button(
        "دریافت نامه (PDF)",
        letter.pdf,
        file_name=letter_file_name(f"{letter.year}/{letter.serial}", agency),
        mime="application/pdf",
        key=f"lr_pdf_{letter.id}",
        on_click="ignore",
    )
    if letter.reply_file:
        b.download_button(
            "دریافت پیوست پاسخ",
            letter.reply_file,
            file_name=letter.reply_filename or "reply",
            mime=letter.reply_type or "application/octet-stream",
            key=f"lr_reply_{letter.id}",
            on_click="ignore",
        )


DELIVERY = {
    "queued": "در صف ایمیل",
    "sending": "در حال ارسال",
    "sent": "فرستاده شد",
    "failed": "ناموفق",
}


def _email_form(letter: Letter) -> None:
    """Send the letter by email (the chair in copy at the last step)."""
    if not mail_settings().configured:
        st.caption("ارسال ایمیل پیکربندی نشده است؛ نامه چاپی فرستاده می‌شود.")
        return
    with read_session(url) as s:
        to, chair = last_letter_addresses(s, letter.agency_id)
    key = f"lm_{letter.id}"
    with st.form(key, enter_to_submit=False):
        a, b = st.columns(2)
        typed = a.text_input("ایمیل گیرنده", to, key=f"{key}_to")
        copy = (
            b.text_input("ایمیل رئیس کارگروه (رونوشت)", chair, key=f"{key}_chair")
            if letter.step == 3
            else ""
        )
        go = st.form_submit_button("ارسال نامه با ایمیل (PDF پیوست)")
    if go:
        run_command(
            url,
            lambda s, who: email_letter(
                s, actor=who, letter_id=int(letter.id or 0), to=typed, chair=copy
            ),
            done=lambda address: f"نامه برای {address} در صف ارسال ایمیل گذاشته شد.",
        )


def register_tab() -> None:
    """Every letter on record, newest first; one letter's rows, file and reply."""
    with read_session(url) as s:
        register = ql.letter_register(s)
    if register.empty:
        st.info("هنوز نامه‌ای در دفتر ثبت نشده است.")
        return
    _register_table(register)
    options = {
        int(r["id"]): (
            f"{r['number']} — {r['agency']} — {format_jalali(r['issued_on'])}",
            int(r["version"]),
        )
        for r in register.to_dict("records")
    }
    # A reply in the inbox opens its letter here (?letter=id).
    if OPENED in options and st.session_state.get("lr_opened") != OPENED:
        st.session_state["lr_opened"] = st.session_state["lr_pick"] = OPENED
    chosen = pick("یک نامه", options, key="lr_pick", placeholder="نامه را انتخاب کنید")
    if chosen is None:
        return
    with read_session(url) as s:
        letter = s.get(Letter, chosen.id)
        named = ql.letter_rows_of(s, chosen.id)
    if letter is None or chosen.gone:
        st.warning("این نامه دیگر در دفتر نیست؛ صفحه را دوباره باز کنید.")
        return
    agency = str(register.loc[register["id"] == chosen.id, "agency"].iloc[0])
    _one_letter(letter, len(named), agency)
    _email_form(letter)
    _reply_form(letter)
    _review(letter)


page_title("نامه‌های پیگیری", "پلکان پیگیری، دفتر نامه‌ها و پاسخ دستگاه‌ها")
opened = st.query_params.get("letter", "")
OPENED = int(opened) if opened.isdigit() else None
TABS = ["سررسید امروز", "دفتر نامه‌ها"]
due, register = st.tabs(TABS, default=TABS[1] if OPENED is not None else None)
with due:
    due_tab()
with register:
    register_tab()
