"""A new province's first hour, as the data layer answers it: the group's name never ends
in a dangling «استان»; the member list takes a short name equal to the full name (or none)
and refuses one alias on two agencies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from data_layer.commands.agencies import import_agencies, name_keys
from data_layer.config import sign_in_address
from data_layer.db import read_session, write_session
from data_layer.documents.credentials import NO_ADDRESS, NewAccount, credential_html
from data_layer.input.agencies import read_agency_file
from data_layer.input.profile import ProfileInput
from data_layer.labels import GROUP_NAME_BASE
from data_layer.models import Agency, Meeting, ProvinceProfile, Role
from data_layer.output import inert, label_text
from data_layer.permissions import Actor
from data_layer.queries.profile import Profile, get_profile
from data_layer.queries.setup_steps import remaining_setup_steps
from data_layer.setup import AdminInput, complete_setup, setup_code
from tests.data_layer.commands import add_user

PROFILE = ProfileInput(
    province="کردستان",
    governorate="استانداری کردستان",
    group_name=f"{GROUP_NAME_BASE} استان",  # what the form used to offer, as it was left
)
ADMIN = AdminInput("admin", "مدیر سامانه استان", "a-strong-password-1", "a-strong-password-1")


def test_the_default_group_name_is_a_whole_phrase() -> None:
    assert not Profile().group_name.endswith("استان")
    assert Profile().app_title == f"داشبورد پایش {GROUP_NAME_BASE}"


def test_a_group_name_left_ending_in_province_is_completed_with_its_name(bare_url: str) -> None:
    code = setup_code(bare_url)
    assert code is not None
    with write_session(bare_url) as s:
        complete_setup(s, code=code, admin=ADMIN, profile=PROFILE)
    with read_session(bare_url) as s:
        profile = get_profile(s)
        stored = s.get(ProvinceProfile, 1)
    assert stored is not None and stored.group_name == f"{GROUP_NAME_BASE} استان کردستان"
    assert profile.app_title.endswith("استان کردستان")


def test_a_blank_group_name_is_built_from_the_province(bare_url: str) -> None:
    code = setup_code(bare_url)
    assert code is not None
    with write_session(bare_url) as s:
        complete_setup(s, code=code, admin=ADMIN, profile=replace(PROFILE, group_name=""))
    with read_session(bare_url) as s:
        assert get_profile(s).group_name == f"{GROUP_NAME_BASE} استان کردستان"


def test_a_stored_dangling_name_reads_whole(bare_url: str) -> None:
    with write_session(bare_url) as s:
        s.merge(
            ProvinceProfile(
                id=1, province="ایلام", governorate="استانداری ایلام", group_name="کارگروه استان"
            )
        )
    with read_session(bare_url) as s:
        assert get_profile(s).group_name == "کارگروه استان ایلام"


# --- the member list ----------------------------------------------------------------------


@pytest.fixture
def secretariat(bare_url: str) -> Actor:
    with write_session(bare_url) as s:
        return add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)


HEADER = "نام کامل دستگاه,نام کوتاه,نوع دستگاه,نام‌های دیگر\n"


def _members(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_a_short_name_equal_to_the_full_name_or_left_blank_is_accepted(
    bare_url: str, secretariat: Actor
) -> None:
    content = _members(
        "شهرداری مرکز استان,شهرداری مرکز استان,شهرداری,",
        "اداره کل هواشناسی استان,,اداره کل,",
    )
    with read_session(bare_url) as s:
        preview = read_agency_file("members.csv", content, name_keys(s))
    assert not preview.errors, [e.message for e in preview.errors]
    with write_session(bare_url) as s:
        assert import_agencies(s, actor=secretariat, preview=preview) == 2
    with read_session(bare_url) as s:
        weather = s.exec(select(Agency).where(Agency.name == "اداره کل هواشناسی استان")).one()
    assert weather.short_name == weather.name


def test_the_same_alias_on_two_agencies_of_one_file_is_refused_by_row_and_column(
    bare_url: str,
) -> None:
    content = _members(
        "اداره کل هواشناسی استان,هواشناسی,اداره کل,اداره هوا",
        "شهرداری مرکز استان,شهرداری,شهرداری,اداره هوا؛ شهرداری مرکز",
        "اداره کل راه و شهرسازی استان,راه و شهرسازی,اداره کل,هواشناسی",
    )
    with read_session(bare_url) as s:
        preview = read_agency_file("members.csv", content, name_keys(s))
    where = {(e.row, e.field) for e in preview.errors}
    assert where == {(3, "نام‌های دیگر"), (4, "نام‌های دیگر")}, preview.errors
    assert all("سطر ۲" in e.message for e in preview.errors)  # the other row, never itself


# --- the steps left -----------------------------------------------------------------------


def test_the_setup_steps_leave_one_by_one_as_the_data_comes(db_url: str) -> None:
    def left() -> list[str]:
        with read_session(db_url) as s:
            return [step.page for step in remaining_setup_steps(s)]

    assert left() == ["agencies", "users", "users", "meetings"]  # an empty province
    with write_session(db_url) as s:
        agency = Agency(name="اداره کل بهزیستی استان", short_name="بهزیستی", kind="directorate")
        s.add(agency)
        s.flush()
        agency_id = agency.id
    assert left() == ["users", "users", "meetings"]
    with write_session(db_url) as s:
        add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
    assert left() == ["users", "meetings"]
    with write_session(db_url) as s:
        add_user(s, "behzisti", "رابط بهزیستی", Role.AGENCY_EDITOR.value, agency_id)
    assert left() == ["meetings"]
    with write_session(db_url) as s:
        s.add(Meeting(number=1, held_on=date(2026, 12, 1)))
    assert left() == []


# --- the sign-in address on the sheets ----------------------------------------------------


def test_the_sheets_address_is_typed_configured_or_the_pages_never_a_loopback_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("APP_PUBLIC_URL", raising=False)
    assert sign_in_address("", "http://127.0.0.1:8711/users") == ""
    assert sign_in_address("", "http://localhost:8501/") == ""
    assert sign_in_address("", "https://dash.ostan.ir/users") == "https://dash.ostan.ir/users/"
    monkeypatch.setenv("APP_PUBLIC_URL", "https://dashboard.ostan.ir")
    assert sign_in_address("", "http://127.0.0.1:8711/") == "https://dashboard.ostan.ir/"
    assert sign_in_address(" dashboard.kurdistan.ir ", "") == "dashboard.kurdistan.ir"
    monkeypatch.setenv("APP_PUBLIC_URL", "http://127.0.0.1:8711")
    assert sign_in_address("", "http://127.0.0.1:8711/") == ""


def test_a_sheet_with_no_address_says_it_is_not_set() -> None:
    account = NewAccount("اداره کل بهزیستی استان", "رابط بهزیستی", "behzisti", "Abcdefgh234567")
    page = credential_html(Profile(), account, sign_in_url="")
    assert NO_ADDRESS in page and "127.0.0.1" not in page


def test_a_widget_label_keeps_plain_user_text_as_typed_and_markup_inert() -> None:
    assert label_text("کمیته امداد امام خمینی (ره)") == "کمیته امداد امام خمینی (ره)"
    assert "&#40;" not in label_text("بهزیستی (استان)")
    for hostile in ("[x](javascript:alert(1))", "**پررنگ**", "<b>x</b>", "www.example.com"):
        assert label_text(hostile) == inert(hostile)
