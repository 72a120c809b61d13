"""The one screen flow of the imports (ui/imports.py) through AppTest, on the two tabs
no other page test drives: «محلات هدف» and «دستگاه‌ها» › «ورود از اکسل»."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from data_layer.db import read_session
from data_layer.models import Agency, HistoryEntry, Neighborhood
from tests.pages.conftest import messages, shown, sign_in

CSV = "text/csv"
HOODS = "شهرستان,نام محله,جمعیت,نوع,یادداشت\n"


def _counts(url: str) -> tuple[int, int, int]:
    with read_session(url) as s:
        return (
            s.exec(select(func.count()).select_from(Neighborhood)).one(),
            s.exec(select(func.count()).select_from(Agency)).one(),
            s.exec(select(func.count()).select_from(HistoryEntry)).one(),
        )


def _upload(at: AppTest, key: str, name: str, content: str) -> AppTest:
    at.file_uploader(key=key).set_value((name, content.encode("utf-8"), CSV))
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_neighborhoods_file_goes_in_whole_then_the_uploader_is_fresh(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/neighborhoods.py")
    assert at.download_button(key="hood_template").label == "دریافت الگوی اکسل"
    rows = "مرکز استان,کوی نو یک,1200,حاد,از بازدید\nبهاران,کوی نو دو,۸۰۰,حاشیه‌نشین,\n"
    _upload(at, "hood_file_0", "محلات.csv", HOODS + rows)
    assert not at.error, messages(at.error)
    assert any("«یادداشت»" in m for m in messages(at.info))  # not read, and said so
    assert any("۲ ردیف بی‌خطا" in m for m in messages(at.success))
    before = _counts(seeded_url)

    at.button(key="hood_import").click().run()

    assert not at.exception and not at.error, messages(at.error)
    assert any("۲ محله وارد شد." in m for m in messages(at.success))
    after = _counts(seeded_url)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (2, 0, 2)
    assert [u.key for u in at.file_uploader] == ["hood_file_1"]  # not read (and refused) again
    assert at.file_uploader[0].value is None
    assert not [b for b in at.button if b.key == "hood_import"]


def test_a_file_with_one_bad_row_shows_every_problem_and_writes_nothing(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/neighborhoods.py")
    rows = "مرکز استان,کوی نو یک,1200,حاد,\nبهاران,,-5,حاد,\n"
    before = _counts(seeded_url)

    _upload(at, "hood_file_0", "محلات.csv", HOODS + rows)

    assert any("۲ خطا؛ هیچ ردیفی وارد نمی‌شود" in m for m in messages(at.error))
    [table] = [d.value for d in at.dataframe if "سطر" in d.value.columns]
    assert list(table["سطر"]) == ["۳", "۳"]
    assert list(table["ستون"]) == ["نام محله", "جمعیت"]
    assert not [b for b in at.button if b.key == "hood_import"]
    assert _counts(seeded_url) == before


def test_a_reader_who_may_not_edit_sees_the_preview_but_cannot_import(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/agencies.py")
    members = "نام کامل دستگاه,نام کوتاه,نوع دستگاه\nاداره کل هواشناسی استان,هواشناسی,اداره کل\n"
    before = _counts(seeded_url)

    _upload(at, "agency_file_0", "اعضا.csv", members)

    assert not at.error, messages(at.error)
    assert any("۱ دستگاه بی‌خطا" in m for m in messages(at.success))
    assert at.button(key="agency_import").disabled
    assert _counts(seeded_url) == before


def test_each_tab_names_the_columns_its_import_reads(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/neighborhoods.py")
    required = "«شهرستان»، «نام محله»، «جمعیت»، «نوع» (الزامی)"
    optional = "«عرض جغرافیایی»، «طول جغرافیایی» (اختیاری)"
    assert any(required in t and optional in t for t in map(shown, at.markdown.values))
    at.switch_page("pages/agencies.py").run()
    required = "«نام کامل دستگاه»، «نوع دستگاه» (الزامی)"
    optional = "«نام کوتاه»، «عنوان مخاطب نامه»"  # a short name left blank is the full name
    assert any(
        required in t and optional in t and "«ترتیب» (اختیاری)" in t
        for t in map(shown, at.markdown.values)
    )
