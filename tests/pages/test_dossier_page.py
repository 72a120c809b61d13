"""«پرونده محله» through AppTest: opened by id, its sections, the secretariat's forms,
the Persian not-found, and the rows that name a neighborhood from «دستگاه من»."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Assignment
from data_layer.models_dossier import NeighborhoodProblem
from data_layer.queries.dossier import row_neighborhoods
from data_layer.queries.indicators import neighborhood_indicators
from tests.dossier_world import furnish, plant_dossier
from tests.pages.conftest import messages, page_html, press, sign_in
from tests.pages.test_hostile_text_on_screens import assert_inert

DOSSIER = "pages/dossier.py"


def _open(at: AppTest, hood_id: object) -> AppTest:
    at.query_params["id"] = str(hood_id)
    at.switch_page(DOSSIER).run()
    assert not at.exception, at.exception
    return at


def test_the_dossier_shows_every_section_of_its_neighborhood(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    hood = furnish(seeded_url)
    at = _open(sign_in(make_app(seeded_url).run(), "chair"), hood.id)
    html = page_html(at)
    assert f"پرونده محله {hood.name}" in "\n".join(m.value for m in at.markdown) + html
    assert "نرخ ترک تحصیل" in html and "دور از هدف" in html  # 9.5 against 7.3 expected
    assert "بدتر از دورهٔ پیش" in html
    assert "پیمایش محله" in html and "دفتر تسهیل‌گری" in html
    assert "کمبود فضای آموزشی" in html and "ساخت دو کلاس تا پایان سال" in html
    with read_session(seeded_url) as s:
        shown = neighborhood_indicators(s, hood.id)
    charts = at.get("vega_lite_chart")  # one trend chart an indicator
    assert len(charts) == len(shown) >= 1
    targeted = [i for i in shown if i.target_value is not None]
    dashed = [c for c in charts if "strokeDash" in c.proto.spec]  # a target's dashed line
    assert len(dashed) == len(targeted) >= 1
    assert [b.label for b in at.get("download_button")][:1] == ["دریافت پرونده (PDF)"]
    # a viewer reads; the secretariat's forms are not there
    assert not [b for b in at.button if b.label == "افزودن مسئله"]


def test_an_unknown_id_says_so_in_persian(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _open(sign_in(make_app(seeded_url).run(), "chair"), 99999)
    assert any("محله‌ای با این شناسه پیدا نشد" in m for m in messages(at.warning))
    at = _open(make_app(seeded_url).run(), "abc")
    assert not at.exception


def test_the_secretariat_adds_and_reorders_problems_on_the_page(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    hood = furnish(seeded_url)
    at = _open(sign_in(make_app(seeded_url).run(), "dabir"), hood.id)
    at.text_input(key="pnew_t").input("نبود فضای ورزشی")
    at.text_area(key="pnew_p").input("زمین چمن کوچک در بوستان محله")
    at.text_input(key="pnew_due").input("۱۴۰۶/۰۳/۳۱")
    next(b for b in at.button if b.label == "افزودن مسئله").click().run()
    assert not at.exception and not at.error, messages(at.error)
    with read_session(seeded_url) as s:
        rows = s.exec(select(NeighborhoodProblem).order_by(NeighborhoodProblem.priority)).all()
        assert [r.title for r in rows] == ["کمبود فضای آموزشی", "نبود فضای ورزشی"]
        new_id = rows[1].id
    at.button(key=f"up_{new_id}").click().run()
    assert not at.error, messages(at.error)
    with read_session(seeded_url) as s:
        rows = s.exec(select(NeighborhoodProblem).order_by(NeighborhoodProblem.priority)).all()
        assert [r.title for r in rows] == ["نبود فضای ورزشی", "کمبود فضای آموزشی"]
    # a bad plan: refused in Persian, nothing written
    at.text_input(key="pnew_t").input("بی‌برنامه")
    at.text_area(key="pnew_p").input("")
    next(b for b in at.button if b.label == "افزودن مسئله").click().run()
    assert any("اقدامات برنامه" in m for m in messages(at.error))
    with read_session(seeded_url) as s:
        assert len(s.exec(select(NeighborhoodProblem)).all()) == 2


def test_the_liaison_names_its_rows_neighborhoods_and_the_dossier_lists_the_row(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    hood = furnish(seeded_url)
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    row_id = int(at.selectbox(key="detail_row").value)
    picker = next(m for m in at.multiselect if str(m.key).startswith(f"row_places_{row_id}_pick"))
    picker.select(hood.id)
    press(at, "ذخیرهٔ محلات ردیف").run()
    assert not at.exception and not at.error, messages(at.error)
    with read_session(seeded_url) as s:
        assert row_neighborhoods(s, [row_id]) == {row_id: [hood.id]}
    at = _open(at, hood.id)
    assert not [c for c in at.caption if "هنوز ردیفی" in c.value]
    assert "agency02" not in page_html(at)  # the row is listed by its agency's name
    with read_session(seeded_url) as s:
        assert s.get(Assignment, row_id) is not None


def test_hostile_text_in_every_new_field_stays_text_on_the_dossier_and_the_slide(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    hood = plant_dossier(seeded_url)
    at = _open(sign_in(make_app(seeded_url).run(), "dabir"), hood.id)
    assert "alert(1)" in assert_inert(at, "dossier")  # the corpus is there, as text
    at.query_params.clear()
    at.query_params["hood"] = str(hood.id)
    at.switch_page("pages/projector.py").run()
    assert not at.exception
    assert "alert(1)" in assert_inert(at, "the neighborhood's slide")
