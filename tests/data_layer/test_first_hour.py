"""A new province's first hour, as the data layer answers it: the group's name never ends
in a dangling «استان»."""

from __future__ import annotations

from dataclasses import replace

from data_layer.db import read_session, write_session
from data_layer.input.profile import ProfileInput
from data_layer.labels import GROUP_NAME_BASE
from data_layer.models import ProvinceProfile
from data_layer.queries.profile import Profile, get_profile
from data_layer.setup import AdminInput, complete_setup, setup_code

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
