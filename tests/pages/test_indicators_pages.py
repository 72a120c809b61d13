"""«شاخص‌ها» (the secretariat) and «دستگاه من»'s indicator grid through AppTest, on the
sample province (SQLite and PostgreSQL): define, set a target, report, verify, and
a stale grid refused; hostile text in every indicator field stays text."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session, write_session
from data_layer.models_indicators import Indicator, IndicatorTarget, IndicatorValue
from tests.hostile import plant_indicators, raw_markup
from tests.pages.conftest import page_html, press, shown, sign_in

PAGE = "pages/indicators.py"
MY_AGENCY = "pages/my_agency.py"


def _secretariat(make_app: Callable[[str], AppTest], url: str) -> AppTest:
    return sign_in(make_app(url).run(), "dabir", then=PAGE)


def test_the_secretariat_defines_an_indicator_and_sets_a_target(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _secretariat(make_app, seeded_url)
    assert "شاخص‌های محلات هدف" in page_html(at)
    at.text_input(key="ind_new_name").input("نرخ پوشش بیمه")
    at.text_input(key="ind_new_unit").input("درصد")
    at.selectbox(key="ind_new_measure").set_value("percent")
    press(at, "افزودن شاخص", form="ind_new").run()
    assert not at.exception
    with read_session(seeded_url) as s:
        made = s.execute(
            select(Indicator).where(col(Indicator.name) == "نرخ پوشش بیمه")
        ).scalar_one()
        assert (made.measure, made.per_multiplier) == ("percent", 100.0)
    # the target form of the new indicator, for the first neighborhood
    at.selectbox(key="tg_ind").set_value(made.id).run()
    hood = int(at.selectbox(key="tg_hood").value)
    k = f"tg_{hood}_{made.id}_None"
    at.text_input(key=f"{k}_base").input("۴۰")
    at.text_input(key=f"{k}_period").input("زمستان ۱۴۰۳")
    at.text_input(key=f"{k}_goal").input("۶۰")
    at.text_input(key=f"{k}_on").input("۱۴۰۷/۱۲/۲۹")
    press(at, "ذخیرهٔ مبنا و هدف", form=f"tg_{hood}_{made.id}").run()
    assert not at.exception
    with read_session(seeded_url) as s:
        target = s.execute(
            select(IndicatorTarget).where(col(IndicatorTarget.indicator_id) == made.id)
        ).scalar_one()
    assert (target.baseline_value, target.target_value, target.baseline_no) == (40, 60, 4)


def test_a_bad_target_is_a_persian_message_and_nothing_is_written(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _secretariat(make_app, seeded_url)
    ind, hood = int(at.selectbox(key="tg_ind").value), int(at.selectbox(key="tg_hood").value)
    with read_session(seeded_url) as s:
        before = s.execute(select(IndicatorTarget).order_by(col(IndicatorTarget.id))).all()
    version = next(
        str(k).split("_")[3]
        for k in at.session_state
        if str(k).startswith(f"tg_{hood}_{ind}_") and str(k).endswith("_on")
    )
    k = f"tg_{hood}_{ind}_{version}"
    at.text_input(key=f"{k}_on").input("۱۴۰۰/۰۱/۰۱")  # before the baseline
    press(at, "ذخیرهٔ مبنا و هدف", form=k).run()
    assert not at.exception
    assert any("تاریخ هدف" in e.value for e in at.error)
    with read_session(seeded_url) as s:
        assert s.execute(select(IndicatorTarget).order_by(col(IndicatorTarget.id))).all() == before


def test_the_secretariat_verifies_a_value(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = _secretariat(make_app, seeded_url)
    value_id = int(at.selectbox(key="iv_verify_pick").value)
    at.selectbox(key=f"iv_verdict_{value_id}").set_value("field_verified")
    press(at, "ثبت نتیجه", form=f"iv_verify_{value_id}").run()
    assert not at.exception
    with read_session(seeded_url) as s:
        row = s.get(IndicatorValue, value_id)
        assert row is not None and row.verification == "field_verified"


def _edit_grid(monkeypatch: pytest.MonkeyPatch, column: str, value: str, row: int = 0) -> None:
    import streamlit

    real = streamlit.data_editor

    def edited(data: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
        real(data, **kwargs)  # type: ignore[arg-type]
        if column not in data.columns:  # another grid of the page
            return data
        out = data.copy()
        out.iloc[row, out.columns.get_loc(column)] = value
        return out

    monkeypatch.setattr(streamlit, "data_editor", edited)


def _grid_value(at: AppTest) -> tuple[int, int]:
    """(neighborhood, indicator) of the first row of the liaison's grid."""
    key = next(
        str(k)
        for k in at.session_state
        if str(k).startswith("iv_grid_") and not str(k).endswith("_editor")
    )
    grid = at.session_state[key]
    first = grid[0].iloc[0]
    return int(first["neighborhood_id"]), int(first["indicator_id"])


def test_the_liaison_reports_a_period_in_one_grid(
    make_app: Callable[[str], AppTest], seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = sign_in(make_app(seeded_url).run(), "agency02", then=MY_AGENCY)
    at.selectbox(key="iv_period").set_value(("season", 1405, 3)).run()
    hood, ind = _grid_value(at)
    _edit_grid(monkeypatch, "مقدار", "۷")
    at.button(key="iv_save").click().run()
    assert not at.exception
    assert any("ذخیره شد" in s.value for s in at.success)
    with read_session(seeded_url) as s:
        row = s.execute(
            select(IndicatorValue).where(
                col(IndicatorValue.neighborhood_id) == hood,
                col(IndicatorValue.indicator_id) == ind,
                col(IndicatorValue.period_year) == 1405,
                col(IndicatorValue.period_no) == 3,
            )
        ).scalar_one()
    assert (row.value, row.source, row.verification) == (7.0, "جدول «دستگاه من»", "unverified")


def test_a_grid_shown_before_another_save_is_refused(
    make_app: Callable[[str], AppTest], seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from data_layer.commands.indicators import save_indicator_values
    from data_layer.input.indicator_values import ValueRow
    from tests.hostile import _actor

    at = sign_in(make_app(seeded_url).run(), "agency02", then=MY_AGENCY)
    at.selectbox(key="iv_period").set_value(("season", 1405, 3)).run()
    hood, ind = _grid_value(at)
    with write_session(seeded_url) as s:  # a colleague, in another tab, saves first
        save_indicator_values(
            s, actor=_actor(s, "agency02"), rows=[ValueRow(hood, ind, (1405, 3), value=3)]
        )
    _edit_grid(monkeypatch, "مقدار", "۸")
    at.button(key="iv_save").click().run()
    assert not at.exception
    assert any("کاربر دیگری" in e.value for e in at.error)
    with read_session(seeded_url) as s:
        values = (
            s.execute(
                select(IndicatorValue.value).where(
                    col(IndicatorValue.neighborhood_id) == hood,
                    col(IndicatorValue.indicator_id) == ind,
                    col(IndicatorValue.period_year) == 1405,
                    col(IndicatorValue.period_no) == 3,
                )
            )
            .scalars()
            .all()
        )
    assert list(values) == [3.0]


def test_hostile_indicator_text_stays_text_on_both_screens(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    p = plant_indicators(seeded_url)
    with read_session(seeded_url) as s:
        value_id = s.execute(
            select(IndicatorValue.id).where(col(IndicatorValue.indicator_id) == p.indicator_id)
        ).scalar_one()
    at = _secretariat(make_app, seeded_url)
    at.query_params["value"] = str(value_id)  # opened as the inbox opens it
    at.switch_page(PAGE).run()
    assert at.selectbox(key="iv_verify_pick").value == value_id
    at.selectbox(key="tg_ind").set_value(p.indicator_id).run()
    at.selectbox(key="tg_hood").set_value(p.neighborhood_id).run()
    assert not at.exception
    body = page_html(at) + "\n".join(c.value for c in at.caption)
    assert raw_markup(body) == []
    assert any(p.texts["value_note"][:20] in shown(c.value) for c in at.caption)
    liaison = sign_in(make_app(seeded_url).run(), "agency02", then=MY_AGENCY)
    liaison.selectbox(key="iv_period").set_value(("season", 1405, 1)).run()
    assert not liaison.exception
    assert raw_markup(page_html(liaison)) == []
