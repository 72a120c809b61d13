"""Streamlit's own words a person reads are Persian: the file uploader (its button, its
limit, and a file of the wrong type refused in Persian, not by Streamlit in English)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import screenshot_path
from tests.browser.steps import act, open_from_menu, open_tab, sign_in

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
FILE_TYPES = re.compile(r"\b(xlsx|csv|pdf)\b")
READ = """e => {
    const copy = e.cloneNode(true);  // the text, without icon names and the file input
    copy.querySelectorAll('[data-testid=stIconMaterial], input').forEach(n => n.remove());
    document.body.appendChild(copy);
    const text = copy.innerText;
    copy.remove();
    const drawn = [...e.querySelectorAll('*')]  // what the stylesheet writes in
        .map(n => getComputedStyle(n, '::after').content)
        .filter(c => c && c !== 'none' && c !== 'normal');
    return [text, ...drawn].join(' ');
}"""


def _read(uploader: Locator) -> str:
    """What a person reads in an uploader: its visible text and the text CSS draws."""
    return str(uploader.evaluate(READ))


def test_the_uploader_speaks_persian_and_a_wrong_file_is_refused_in_persian(
    page: Page, app_server: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, app_server, "dabir")
    open_from_menu(page, "مدیریت", "دستگاه‌ها")
    panel = open_tab(page, "ورود از اکسل")
    uploader = panel.locator("[data-testid='stFileUploader']")
    text = _read(uploader)
    assert "بارگذاری" in text and "حداکثر ۵ مگابایت" in text, text
    assert not LATIN_WORD.search(FILE_TYPES.sub("", text)), text
    uploader.screenshot(path=str(screenshot_path("uploader-1280.png")))
    # A file of another type reaches our reader, which says why in Persian.
    act(
        page,
        lambda: uploader.locator("input[type='file']").set_input_files(
            files=[{"name": "members.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
        ),
    )
    problem = panel.locator("[data-testid='stAlert']").first
    expect(problem).to_contain_text("پرونده")
    assert not LATIN_WORD.search(FILE_TYPES.sub("", problem.inner_text())), problem.inner_text()
