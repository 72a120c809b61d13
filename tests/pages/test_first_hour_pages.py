"""A new province's first hour on its screens: the meeting form, «دستگاه من» of an agency
with no rows yet, the membership grid and the owner picker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from data_layer import auth
from data_layer.db import read_session, write_session
from data_layer.models import Agency, Meeting, Role, User
from tests.data_layer.commands import add_user
from tests.pages.conftest import messages, page_html, sign_in


def test_a_new_meeting_does_not_prefill_the_samples_hall(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/meetings.py")
    assert at.text_input(key="mn_place").value == ""


def test_a_liaison_whose_agency_has_no_rows_sees_its_name(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    with write_session(seeded_url) as s:
        agency = Agency(name="اداره کل هواشناسی استان", short_name="هواشناسی", kind="directorate")
        s.add(agency)
        s.flush()
        s.add(
            User(
                username="weather",
                full_name="رابط هواشناسی",
                password_hash=auth.hash_password(auth.SAMPLE_PASSWORD),
                role=Role.AGENCY_EDITOR.value,
                agency_id=agency.id,
            )
        )
    at = sign_in(make_app(seeded_url).run(), "weather", then="pages/my_agency.py")
    assert not at.exception
    assert "دستگاه من — هواشناسی" in page_html(at)


def test_the_membership_grid_reads_from_before_to(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/agencies.py")
    picker = at.selectbox(key="agency_edit_pick")
    picker.set_value(picker.options[0]).run()
    grid = next(d for d in at.dataframe if "agency_periods_" in d.proto.id)
    # The grid draws its first column on the left: a Persian reader starts on the right.
    assert list(grid.value.columns) == ["عضو تا", "عضو از"]


def test_the_owner_picker_finds_agencies_by_full_name(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/meetings.py")
    with read_session(seeded_url) as s:
        named = s.exec(select(Agency).where(Agency.short_name == "بهزیستی")).one()
    owners = at.multiselect(key="mr_owners_" + str(_latest_meeting(seeded_url)))
    label = next(o for o in owners.options if o.startswith("بهزیستی"))
    assert named.name in label  # typing the full name finds it too
    lead = at.selectbox(key=f"mr_lead_{_latest_meeting(seeded_url)}_new")
    assert any(named.name in o for o in lead.options)


def _latest_meeting(url: str) -> int:
    with read_session(url) as s:
        meeting = s.exec(select(Meeting).order_by(col(Meeting.held_on).desc())).first()
    assert meeting is not None and meeting.id is not None
    return meeting.id


def test_after_a_members_import_the_file_is_not_checked_again_and_the_result_stays(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/agencies.py")
    members = (
        "نام کامل دستگاه,نام کوتاه,نوع دستگاه\n"
        "اداره کل هواشناسی استان,هواشناسی,اداره کل\n"
        "سازمان نظام مهندسی ساختمان استان,سازمان نظام مهندسی ساختمان استان,سایر\n"
    )
    at.file_uploader(key="agency_file_0").set_value(("اعضا.csv", members.encode(), "text/csv"))
    at.run()
    assert not at.error, messages(at.error)
    at.button(key="agency_import").click().run()
    for _ in range(2):  # the import's own rerun, then anything else the person does
        assert not at.exception and not at.error, messages(at.error)
        assert [u.key for u in at.file_uploader] == ["agency_file_1"]
        assert any("۲ دستگاه وارد شد" in m for m in messages(at.success)), messages(at.success)
        at.run()


def test_the_administrator_of_an_empty_province_sees_the_steps_left_until_done(
    make_app: Callable[[str], AppTest], db_url: str
) -> None:
    with write_session(db_url) as s:
        s.add(
            User(
                username="admin",
                full_name="مدیر سامانه",
                password_hash=auth.hash_password(auth.SAMPLE_PASSWORD),
                role=Role.ADMIN.value,
            )
        )

    def overview() -> tuple[str, list[str]]:
        at = sign_in(make_app(db_url).run(), "admin", then="pages/overview.py")
        assert not at.exception
        links = [str(e.proto.page) for e in at.get("page_link")]
        return page_html(at), links

    text, links = overview()
    assert "راه‌اندازی استان: ۴ گام مانده است" in text
    assert {"agencies", "users", "meetings"} <= set(links)
    with write_session(db_url) as s:
        agency = Agency(name="اداره کل بهزیستی استان", short_name="بهزیستی", kind="directorate")
        s.add(agency)
        s.flush()
        add_user(s, "dabir", "دبیرخانه", Role.SECRETARIAT.value)
        add_user(s, "behzisti", "رابط بهزیستی", Role.AGENCY_EDITOR.value, agency.id)
    text, links = overview()
    assert "راه‌اندازی استان: ۱ گام مانده است" in text
    assert "meetings" in links and "agencies" not in links
    with write_session(db_url) as s:
        s.add(Meeting(number=1, held_on=date(2026, 11, 1)))
    text, _ = overview()
    assert "راه‌اندازی استان" not in text


def test_the_administrator_reissues_one_agencys_liaisons_with_their_sheets(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/users.py")
    with read_session(seeded_url) as s:
        liaison = s.exec(
            select(User).where(User.role == Role.AGENCY_EDITOR.value).order_by(col(User.id))
        ).first()
    assert liaison is not None and liaison.agency_id is not None
    at.radio(key="reissue_who").set_value("agency").run()
    at.selectbox(key="reissue_agency").set_value(liaison.agency_id).run()
    at.text_input(key="reissue_address").input("https://dashboard.ostan.ir/").run()
    at.button(key="reissue_go").click().run()
    assert not at.exception and not at.error, messages(at.error)
    assert any("گذرواژهٔ یک‌بارمصرف تازه صادر شد" in m for m in messages(at.success))
    assert at.download_button(key="reissue_sheets_zip").label.endswith("(zip)")
    with read_session(seeded_url) as s:
        after = s.get(User, liaison.id)
    assert after is not None and after.must_change_password
    assert after.password_hash != liaison.password_hash
