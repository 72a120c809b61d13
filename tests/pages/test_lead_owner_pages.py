"""The lead owner on screen (AppTest): the resolution form's «مسئول اصلی» picker, the
weight in «تنظیمات», and the weighted progress said so on «مصوبات»."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Agency, Assignment, Meeting, Resolution
from data_layer.queries.settings import get_lead_weight
from tests.pages.conftest import press, sign_in

KANOON = "کانون پرورش فکری کودکان و نوجوانان"
EDUCATION = "اداره کل آموزش و پرورش"
WELFARE = "اداره کل بهزیستی استان"


def _new_resolution(at: AppTest, url: str, owners: list[str], lead: str) -> int:
    """Fill the resolution form of meeting 7 as resolution 15; the meeting's id."""
    with read_session(url) as s:
        meeting = s.exec(select(Meeting).where(Meeting.number == 7)).one()
        ids = {a.name: a.id for a in s.exec(select(Agency))}
    assert meeting.id is not None
    k = meeting.id
    at.selectbox(key="mt_pick").set_value(k).run()
    at.text_input(key=f"mr_no_{k}").input("15")
    at.text_area(key=f"mr_text_{k}").input("تجهیز کتابخانه‌های سیار محلات هدف")
    at.multiselect(key=f"mr_owners_{k}").set_value([ids[n] for n in owners])
    at.selectbox(key=f"mr_lead_{k}_new").set_value(ids[lead])
    press(at, "ذخیرهٔ مصوبه", form=f"mt_res_{k}").run()
    return k


def _resolution_15(url: str) -> Resolution | None:
    with read_session(url) as s:
        return s.exec(
            select(Resolution)
            .join(Meeting, Meeting.id == Resolution.meeting_id)  # type: ignore[arg-type]
            .where(Meeting.number == 7, Resolution.number == 15)
        ).first()


def test_the_form_records_a_lead_and_refuses_one_outside_the_owners(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/meetings.py")
    with read_session(seeded_url) as s:
        rows_before = s.exec(select(func.count()).select_from(Assignment)).one()
    _new_resolution(at, seeded_url, [KANOON, EDUCATION], WELFARE)
    assert at.error and "«مسئول اصلی»" in at.error[0].value
    assert _resolution_15(seeded_url) is None
    with read_session(seeded_url) as s:
        assert s.exec(select(func.count()).select_from(Assignment)).one() == rows_before

    _new_resolution(at, seeded_url, [KANOON, EDUCATION], KANOON)
    assert not at.error, [e.value for e in at.error]
    res = _resolution_15(seeded_url)
    assert res is not None
    with read_session(seeded_url) as s:
        kanoon = s.exec(select(Agency).where(Agency.name == KANOON)).one()
    assert res.lead_agency_id == kanoon.id


def test_the_secretariat_sets_the_weight_and_the_resolutions_page_says_it(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/settings.py")
    assert any("مسئول اصلی × ۲" in c.value for c in at.caption)
    at.text_input(key="lead_weight:2").input("۴")
    press(at, "ذخیرهٔ وزن", form="lead_weight_2").run()
    assert not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        assert get_lead_weight(s) == 4
    at.switch_page("pages/resolutions.py").run()
    assert not at.exception
    assert any("مسئول اصلی × ۴" in c.value for c in at.caption)
