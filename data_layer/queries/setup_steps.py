"""What a new province still has to do before the dashboard shows anything: computed from
the data each time, so a step leaves the list once it is done (and the list once all are)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlmodel import Session, col

from data_layer.models import Agency, Meeting, Role, User

__all__ = ["SetupStep", "remaining_setup_steps"]


@dataclass(frozen=True)
class SetupStep:
    """One step: the page (url path) where it is done, what to do there, and who does it."""

    page: str
    title: str
    how: str
    who: str


STEPS = (
    SetupStep(
        "agencies",
        "دستگاه‌های عضو را ثبت کنید",
        "«دستگاه‌ها» › «ورود از اکسل» (الگو در همان‌جا) یا «دستگاه تازه».",
        Role.SECRETARIAT.value,
    ),
    SetupStep(
        "users",
        "حساب دبیرخانه را بسازید",
        "«کاربران» › «کاربر تازه» با نقش دبیرخانه.",
        Role.ADMIN.value,
    ),
    SetupStep(
        "users",
        "رابط‌های دستگاه‌ها را وارد کنید و برگه‌های ورودشان را بدهید",
        "«کاربران» › «ورود رابط‌ها از اکسل»؛ پس از ساخت حساب‌ها برگه‌های ورود را چاپ کنید.",
        Role.ADMIN.value,
    ),
    SetupStep(
        "meetings",
        "نخستین جلسه و مصوباتش را ثبت کنید",
        "«جلسات» › «جلسهٔ تازه»، یا مصوبات را از صورتجلسه وارد کنید.",
        Role.SECRETARIAT.value,
    ),
)


def _any(session: Session, *where: object) -> bool:
    return bool(session.execute(select(exists().where(*where))).scalar())  # type: ignore[arg-type]


def remaining_setup_steps(session: Session) -> list[SetupStep]:
    """The steps not done yet, in order (sample rows count: the sample province is set up)."""
    done = (
        _any(session, col(Agency.active).is_(True)),
        _any(session, col(User.active).is_(True), col(User.role) == Role.SECRETARIAT.value),
        _any(session, col(User.active).is_(True), col(User.role) == Role.AGENCY_EDITOR.value),
        _any(session, col(Meeting.id).is_not(None)),
    )
    return [step for step, finished in zip(STEPS, done, strict=True) if not finished]
