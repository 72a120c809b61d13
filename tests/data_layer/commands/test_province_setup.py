"""A province adopts the dashboard: first-run setup, the agency registry and membership
over time, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from PIL import Image
from sqlalchemy import func, select
from sqlmodel import SQLModel, col

from data_layer import clock
from data_layer.commands.agencies import (
    create_agency,
    import_agencies,
    merge_agency,
    name_keys,
    retire_agency,
    set_memberships,
)
from data_layer.commands.resolutions import add_resolution
from data_layer.db import read_session, write_session
from data_layer.errors import PermissionDenied, ValidationError
from data_layer.input.agencies import AgencyInput, read_agency_file
from data_layer.input.owners import OwnerSpec
from data_layer.input.profile import ProfileInput
from data_layer.jalali import format_jalali
from data_layer.models import (
    Agency,
    AgencyMembership,
    AppSetting,
    Assignment,
    Meeting,
    ProvinceProfile,
    Role,
    User,
)
from data_layer.queries.membership import member_ids_on
from data_layer.queries.periods import report_completeness
from data_layer.queries.profile import get_profile
from data_layer.queries.resolutions import follow_up_matrix
from data_layer.rules.completeness import ReportRule
from data_layer.seed_data import MEETING_7
from data_layer.setup import AdminInput, complete_setup, needs_setup, setup_code
from tests.data_layer.commands import add_user

PROFILE = ProfileInput(
    province="خراسان جنوبی",
    governorate="استانداری خراسان جنوبی",
    group_name="کارگروه اجتماعی، فرهنگی، سلامت، زنان و خانواده استان خراسان جنوبی",
    secretary_name="مریم احمدی",
    secretary_title="مدیرکل دفتر امور اجتماعی و دبیر کارگروه",
    letterhead="جمهوری اسلامی ایران\nاستانداری خراسان جنوبی\nدفتر امور اجتماعی",
)
ADMIN = AdminInput("admin", "مدیر سامانه استان", "a-strong-password-1", "a-strong-password-1")


def _counts(url: str) -> dict[str, int]:
    with read_session(url) as s:
        return {
            t.name: int(s.execute(select(func.count()).select_from(t)).scalar_one())
            for t in SQLModel.metadata.sorted_tables
        }


# --- first-run setup ---------------------------------------------------------------------


def test_setup_creates_the_admin_and_profile_once_with_the_logged_code(bare_url: str) -> None:
    code = setup_code(bare_url)
    assert code is not None and setup_code(bare_url) == code  # one per process
    before = _counts(bare_url)
    with pytest.raises(ValidationError) as wrong, write_session(bare_url) as s:
        complete_setup(s, code="0000-0000-0000-0000", admin=ADMIN, profile=PROFILE)
    assert "کد راه‌اندازی درست نیست" in wrong.value.message
    bad_admin = AdminInput("a", "", "short", "other")
    with pytest.raises(ValidationError) as bad, write_session(bare_url) as s:
        complete_setup(s, code=code, admin=bad_admin, profile=ProfileInput("", "", ""))
    fields = {e.field for e in bad.value.errors}
    assert {"username", "password", "full_name", "province", "governorate"} <= fields
    assert _counts(bare_url) == before  # nothing half-written
    with write_session(bare_url) as s:
        user = complete_setup(s, code=code.upper().replace("-", " "), admin=ADMIN, profile=PROFILE)
    with read_session(bare_url) as s:
        assert not needs_setup(s)
        profile = get_profile(s)
        stored = s.get(User, user.id)
        codes = s.execute(
            select(func.count()).where(col(AppSetting.key).startswith("setup.code."))
        ).scalar_one()
    assert stored is not None and stored.role == Role.ADMIN.value
    assert not stored.must_change_password
    assert profile.province == "خراسان جنوبی" and profile.heading_lines[1].startswith("استانداری")
    assert profile.app_title.endswith("خراسان جنوبی")
    assert codes == 0
    assert setup_code(bare_url) is None
    with pytest.raises(PermissionDenied), write_session(bare_url) as s:
        complete_setup(s, code=code, admin=ADMIN, profile=PROFILE)


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_logo_must_be_a_real_small_image(bare_url: str) -> None:
    code = setup_code(bare_url)
    assert code is not None
    fake = ProfileInput(**{**PROFILE.__dict__, "logo_name": "logo.png", "logo": b"GIF89a..."})
    with pytest.raises(ValidationError) as raised, write_session(bare_url) as s:
        complete_setup(s, code=code, admin=ADMIN, profile=fake)
    assert "محتوای پرونده" in raised.value.message
    png = _png(120, 60)
    real = ProfileInput(**{**PROFILE.__dict__, "logo_name": "logo.png", "logo": png})
    with write_session(bare_url) as s:
        complete_setup(s, code=code, admin=ADMIN, profile=real)
    with read_session(bare_url) as s:
        row = s.get(ProvinceProfile, 1)
    assert row is not None and row.logo == png and row.logo_type == "image/png"


# --- the registry ------------------------------------------------------------------------


@pytest.fixture
def secretariat(bare_url: str):  # type: ignore[no-untyped-def]
    with write_session(bare_url) as s:
        return add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)


WELFARE = AgencyInput("اداره کل بهزیستی استان", "بهزیستی", "directorate", "مدیرکل محترم بهزیستی")


def test_duplicates_bad_periods_and_a_merge_into_itself_are_refused(
    bare_url: str, secretariat
) -> None:  # type: ignore[no-untyped-def]
    with write_session(bare_url) as s:
        welfare = create_agency(s, actor=secretariat, data=WELFARE)
    before = _counts(bare_url)
    twin = AgencyInput("اداره كل بهزيستي  استان", "بهزيستي", "directorate")  # Arabic kaf/yeh
    cases = [
        (lambda s: create_agency(s, actor=secretariat, data=twin), "همان نام دستگاه"),
        (
            lambda s: set_memberships(
                s, actor=secretariat, agency_id=welfare.id, periods=[("1403/01/01", "1402/01/01")]
            ),
            "پیش از آغازش پایان یافته",
        ),
        (
            lambda s: set_memberships(
                s,
                actor=secretariat,
                agency_id=welfare.id,
                periods=[("1401/01/01", "1402/06/01"), ("1402/05/01", None)],
            ),
            "روی هم افتاده‌اند",
        ),
        (
            lambda s: merge_agency(
                s, actor=secretariat, agency_id=welfare.id, into_id=welfare.id, reason="یکی شدند"
            ),
            "در خودش ادغام",
        ),
        (
            lambda s: set_memberships(
                s, actor=secretariat, agency_id=welfare.id, periods=[("1402/12/30", None)]
            ),
            "",  # 1402 is not a leap year: no such day
        ),
    ]
    for run, words in cases:
        with pytest.raises(ValidationError) as raised, write_session(bare_url) as s:
            run(s)
        assert words in raised.value.message
    assert _counts(bare_url) == before


def test_an_agency_that_joined_after_meeting_7_has_no_row_of_it_and_is_not_late(
    bare_url: str, secretariat
) -> None:  # type: ignore[no-untyped-def]
    joined = MEETING_7.held_on + timedelta(days=30)
    with write_session(bare_url) as s:
        welfare = create_agency(
            s, actor=secretariat, data=WELFARE, periods=[(format_jalali(joined), None)]
        )
        meeting_id = s.execute(select(Meeting.id).where(Meeting.number == 7)).scalar_one()
        add_resolution(
            s,
            actor=secretariat,
            meeting_id=meeting_id,
            number=15,
            text="همهٔ دستگاه‌های عضو گزارش دهند",
            owners=OwnerSpec(all_members=True),
            due_date=format_jalali(MEETING_7.held_on + timedelta(days=10)),
        )
    with read_session(bare_url) as s:
        assert welfare.id not in member_ids_on(s, MEETING_7.held_on)
        assert welfare.id in member_ids_on(s, joined)
        rows = s.execute(
            select(func.count()).where(col(Assignment.agency_id) == welfare.id)
        ).scalar_one()
        late = follow_up_matrix(s, meeting_id, date(2026, 1, 1))
        # Report completeness: counted only for the periods it was a member.
        grid = report_completeness(
            s, rule=ReportRule("season", 10), periods=[(1402, 2), (1402, 4)], today=date(2026, 1, 1)
        )
    assert rows == 0
    assert welfare.id not in set(late["agency_id"])
    mine = grid[grid["agency_id"] == welfare.id]
    assert list(mine["period_no"]) == [4]  # summer 1402 was before it joined


def test_retire_and_merge_keep_rows_and_move_open_ones(bare_url: str, secretariat) -> None:  # type: ignore[no-untyped-def]
    with write_session(bare_url) as s:
        edu = s.execute(select(Agency).where(Agency.short_name == "آموزش و پرورش")).scalar_one()
        kanoon = s.execute(
            select(Agency).where(Agency.short_name == "کانون پرورش فکری")
        ).scalar_one()
        liaison = add_user(s, "kanoon", "رابط کانون", Role.AGENCY_EDITOR.value, kanoon.id)
        open_rows = s.execute(
            select(func.count()).where(
                col(Assignment.agency_id) == kanoon.id, col(Assignment.withdrawn).is_(False)
            )
        ).scalar_one()
        shared = s.execute(
            select(func.count()).where(
                col(Assignment.agency_id) == edu.id,
                col(Assignment.resolution_id).in_(
                    select(Assignment.resolution_id).where(Assignment.agency_id == kanoon.id)
                ),
            )
        ).scalar_one()
    with write_session(bare_url) as s:
        moved = merge_agency(
            s, actor=secretariat, agency_id=kanoon.id, into_id=edu.id, reason="ادغام سازمانی"
        )
    assert moved == open_rows - shared
    with read_session(bare_url) as s:
        gone = s.get(Agency, kanoon.id)
        user = s.get(User, liaison.user_id)
        left = s.execute(
            select(func.count()).where(
                col(Assignment.agency_id) == kanoon.id, col(Assignment.withdrawn).is_(False)
            )
        ).scalar_one()
        kept = s.execute(
            select(func.count()).where(col(Assignment.agency_id) == kanoon.id)
        ).scalar_one()
        assert kanoon.id not in member_ids_on(s, clock.today() + timedelta(days=1))
    assert gone is not None and not gone.active and gone.merged_into_id == edu.id
    assert user is not None and not user.active
    assert left == 0 and kept == open_rows  # withdrawn, never deleted
    with write_session(bare_url) as s:
        retire_agency(s, actor=secretariat, agency_id=edu.id, reason="از کارگروه بیرون رفت")
    with read_session(bare_url) as s:
        periods = s.execute(
            select(AgencyMembership.member_to).where(AgencyMembership.agency_id == edu.id)
        ).scalars()
        assert all(p is not None for p in periods)
        assert edu.id in member_ids_on(s, MEETING_7.held_on)  # it was a member then


def _member_list(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["نام کامل دستگاه", "نام کوتاه", "نوع دستگاه", "عنوان مخاطب نامه", "عضو از"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_member_list_import_goes_in_whole_or_not_at_all(bare_url: str, secretariat) -> None:  # type: ignore[no-untyped-def]
    good = [
        ["اداره کل بهزیستی استان", "بهزیستی", "اداره کل", "مدیرکل محترم بهزیستی استان", None],
        ["شهرداری مرکز استان", "شهرداری", "شهرداری", None, "۱۴۰۳/۰۱/۰۱"],
    ]
    bad = [*good, ["آموزش و پرورش", "آموزش و پرورش", "اداره کل", None, "1402/13/01"]]
    with read_session(bare_url) as s:
        refused = read_agency_file("members.xlsx", _member_list(bad), name_keys(s))
    assert {e.row for e in refused.errors} == {4}
    assert any("همان نام دستگاه" in e.message for e in refused.errors)
    assert any(e.field == "عضو از" for e in refused.errors)
    before = _counts(bare_url)
    with pytest.raises(ValidationError), write_session(bare_url) as s:
        import_agencies(s, actor=secretariat, preview=refused)
    assert _counts(bare_url) == before
    with read_session(bare_url) as s:
        preview = read_agency_file("members.xlsx", _member_list(good), name_keys(s))
    with write_session(bare_url) as s:
        assert import_agencies(s, actor=secretariat, preview=preview) == 2
    with read_session(bare_url) as s:
        city = s.execute(select(Agency).where(Agency.short_name == "شهرداری")).scalar_one()
        assert city.id not in member_ids_on(s, date(2024, 1, 1))  # joined 1403/01/01
        assert city.id in member_ids_on(s, date(2024, 6, 1))
