"""Coverage, gaps, the registry and reports through AppTest."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Neighborhood, ServiceDelivery, ServiceType
from tests.pages.conftest import messages, page_html, press, sign_in, submit_button


def _levels(at: AppTest, hood: str) -> dict[str, str]:
    row = re.search(rf"<tr data-hood='\d+'><th[^>]*>{hood} <small>.*?</tr>", page_html(at), re.S)
    assert row, f"{hood} is not in the coverage matrix"
    return dict(re.findall(r'title="([^:]+?) در [^"]*" data-level="(\w+)"', row.group(0)))


def test_coverage_matrix_shows_every_neighborhood_and_service(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page("pages/coverage.py").run()
    assert not at.exception
    html = page_html(at)
    assert html.count("<tr data-hood=") == 24
    assert set(re.findall(r'data-level="(\w+)"', html)) <= {
        "met",
        "partial",
        "none",
        "served",
        "no_norm",
    }


def test_an_agency_records_a_delivery_and_coverage_changes(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    # Education (agency02) sends teachers to the first neighborhood in its list.
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    hood_id = at.selectbox(key="dl_hood").value
    with read_session(seeded_url) as s:
        hood = s.get(Neighborhood, hood_id)
        assert hood is not None
        hood_name = hood.name
        before = len(s.exec(select(ServiceDelivery)).all())
    service = next(o for o in at.selectbox(key="dl_service").options if o.startswith("پست معلم"))
    at.selectbox(key="dl_service").select(service)
    at.text_input(key="dl_units").input("۵۰۰")
    press(at, "ثبت خدمت").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session(seeded_url) as s:
        assert len(s.exec(select(ServiceDelivery)).all()) == before + 1
    at.switch_page("pages/coverage.py").run()
    assert _levels(at, hood_name)["پست معلم"] == "met"


def test_a_delivery_with_bad_units_is_refused_and_nothing_is_written(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/my_agency.py")
    with read_session(seeded_url) as s:
        before = len(s.exec(select(ServiceDelivery)).all())
    at.text_input(key="dl_units").input("-3")
    press(at, "ثبت خدمت").run()
    assert at.error
    with read_session(seeded_url) as s:
        assert len(s.exec(select(ServiceDelivery)).all()) == before


def test_the_registry_lists_the_neighborhoods_and_the_catalogue_for_the_secretariat(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/neighborhoods.py")
    assert not at.exception
    assert "محلات هدف و خدمات" in page_html(at)
    assert at.metric[0].value == "۲۴"
    # The secretariat may save; the form's button is enabled for it.
    assert not submit_button(at, "ذخیره", form="hood_new_form").disabled


def test_the_registry_is_read_only_for_an_agency(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then="pages/neighborhoods.py")
    assert submit_button(at, "ذخیره", form="hood_new_form").disabled


def test_reports_heatmap_lists_every_member_agency(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page("pages/reports.py").run()
    assert not at.exception
    html = page_html(at)
    assert len(re.findall(r'<th class="agency" scope="row">', html)) == 24
    assert set(re.findall(r'data-state="(\w+)"', html)) <= {"on_time", "late", "missing", "pending"}


def test_the_secretariat_edits_a_neighborhood_and_a_service_on_the_page(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/neighborhoods.py")
    with read_session(seeded_url) as s:
        hood = s.exec(select(Neighborhood).order_by(Neighborhood.id)).first()  # type: ignore[arg-type]
        service = s.exec(select(ServiceType).order_by(ServiceType.id)).first()  # type: ignore[arg-type]
        assert hood is not None and service is not None
    at.selectbox(key="hood_pick").set_value(hood.id).run()
    prefix = f"hood_{hood.id}_v{hood.version}"
    at.text_input(key=f"{prefix}_pop").input("۱۲۳۴۵")
    press(at, "ذخیره", form=f"{prefix}_form").run()
    assert not at.exception and not at.error
    assert any("تغییرات ذخیره شد" in m for m in messages(at.success))
    at.selectbox(key="svc_pick").set_value(service.id).run()
    sk = f"{service.id}_v{service.version}"
    at.text_input(key=f"svc_unit_{sk}").input("کلاس درس")
    press(at, "ذخیرهٔ خدمت", form=f"svc_form_{sk}").run()
    assert not at.exception and not at.error
    with read_session(seeded_url) as s:
        after_hood = s.get(Neighborhood, hood.id)
        after_service = s.get(ServiceType, service.id)
        assert after_hood is not None and after_service is not None
        assert (after_hood.population, after_hood.version) == (12345, hood.version + 1)
        assert (after_service.unit, after_service.version) == ("کلاس درس", service.version + 1)
    # Drawn again from the saved row: a second save does not conflict with the first.
    prefix = f"hood_{hood.id}_v{hood.version + 1}"
    at.text_input(key=f"{prefix}_pop").input("۱۲۳۴۶")
    press(at, "ذخیره", form=f"{prefix}_form").run()
    assert not at.error


def test_the_coverage_map_names_its_dots_and_counts_in_persian_digits(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = make_app(seeded_url).run().switch_page("pages/coverage.py").run()
    assert not at.exception
    (chart,) = [c for c in at.get("vega_lite_chart") if "mercator" in c.proto.spec]
    spec = json.loads(chart.proto.spec)
    layers = spec["layer"]
    color = layers[0]["encoding"]["color"]
    assert color["scale"]["domain"] and all(
        re.fullmatch("[۰-۹]+", label) for label in color["scale"]["domain"]
    )
    assert color["legend"]["title"] == "خدمات بدون پوشش"
    names = layers[1]
    assert names["mark"]["type"] == "text" and names["encoding"]["text"]["field"] == "neighborhood"
    # The legend's values are the counts the sample's neighborhoods have, none left out.
    assert len(color["scale"]["domain"]) == len(set(color["scale"]["domain"]))
