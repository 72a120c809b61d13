"""Steps the browser journeys share: signing in, the menu, pickers and tabs."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document
from playwright.sync_api import Locator, Page, expect

from data_layer.auth import SAMPLE_PASSWORD
from data_layer.jalali import to_fa_digits
from data_layer.seed_data import MEETING_7
from tests.browser.conftest import runs, wait_for_app

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visit(page: Page, url: str) -> None:
    """Open a URL and wait until the app has run on it (not the page before it)."""
    mark = runs(page).mark()
    page.goto(url)
    wait_for_app(page, after=mark)


def act(page: Page, action: Callable[[], object]) -> None:
    """Do something that asks for a script run (a click, Enter) and wait for that run."""
    mark = runs(page).mark()
    action()
    wait_for_app(page, after=mark)


def sign_in(page: Page, base: str, username: str, password: str = SAMPLE_PASSWORD) -> None:
    """Sign in on the sign-in page and wait until the menu offers «حساب من»."""
    visit(page, f"{base}/sign_in")
    page.get_by_label("نام کاربری").fill(username, timeout=8000)
    page.get_by_label("گذرواژه").fill(password)
    act(page, page.get_by_role("button", name="ورود").click)  # the server answers; a new load
    expect(page.get_by_role("link", name="حساب من")).to_be_visible()


def open_from_menu(page: Page, section: str, item: str) -> None:
    """Open a screen from a section of the top menu (no reload: the sign-in stays)."""
    page.get_by_role("navigation").get_by_text(section, exact=True).click()
    act(page, page.get_by_role("menuitem", name=item).click)


def choose(page: Page, label: str, option: str, scope: Locator | None = None) -> None:
    """Pick an option of a select by typing it, and wait for the run it asks for (none
    inside a form). Enter is pressed once the filtered list shows the option: pressed
    earlier it picks nothing while the typed text still shows, and a form then sends the
    old choice. Leaving the box puts back what is really chosen, so the last check sees
    the choice, not the typing."""
    box = (scope or page).get_by_role("combobox", name=label, exact=True)
    if box.input_value() == option:
        return  # already chosen: no run is asked for
    # An expander just opened still grows for a moment; a list opened while the box
    # moves shuts again, or is drawn anew on every frame: wait for the page to be still.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    box.click()
    # The select filters its options as one types: the last letter is typed as a key,
    # which opens the filtered list even where the whole text set at once left it shut.
    box.fill(option[:-1])
    box.press_sequentially(option[-1])
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    if box.locator("xpath=ancestor::*[@data-testid='stForm']").count():
        page.keyboard.press("Enter")  # inside a form: nothing runs until it is submitted
    else:
        act(page, lambda: page.keyboard.press("Enter"))
    box.blur()
    expect(box).to_have_value(option)


def open_tab(page: Page, name: str) -> Locator:
    """Click a tab and return its panel."""
    page.get_by_role("tab", name=name, exact=True).click()
    panel = page.get_by_role("tabpanel", name=name, exact=True)
    expect(panel).to_be_visible()
    return panel


def expect_on_tab(page: Page, name: str) -> None:
    """The tab the user was on is still the open one (a rerun must not switch tabs)."""
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute(
        "aria-selected", "true"
    )


def upload(panel: Locator, name: str, content: bytes, mime: str = DOCX) -> None:
    """Hand a file to the uploader in `panel` (as a person choosing it would)."""
    panel.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )


def minutes_docx(owners: dict[int, str] | None = None) -> bytes:
    """The 7th meeting's resolutions table as the secretariat types it in Word (a title,
    then number, text and owners); `owners` replaces some resolutions' owner text."""
    doc = Document()
    doc.add_paragraph("صورتجلسهٔ کارگروه اجتماعی، فرهنگی، سلامت، زنان و خانواده")
    table = doc.add_table(rows=1, cols=3)
    for cell, title in zip(
        table.rows[0].cells, ("شماره مصوبه", "شرح مصوبه", "مسوول پیگیری"), strict=True
    ):
        cell.text = title
    for r in MEETING_7.resolutions:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = to_fa_digits(r.number), r.text
        cells[2].text = (owners or {}).get(r.number, r.owners_as_written)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
