"""What Streamlit would say in English, or log as a traceback, from what a person does
or types in the address bar: a file over an uploader's limit, an address that names no
page, a lock's end that no lock could have."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.steps import act, sign_in, visit

MB = 1024 * 1024
ENGLISH = ("File must be", "or smaller", "Page not found", "Error:")


def _evidence_uploader(page: Page) -> Locator:
    page.get_by_role("tab", name="فرم کامل یک ردیف").click()
    uploader = page.locator("[class*='st-key-upload_'] [data-testid='stFileUploader']")
    expect(uploader).to_be_visible()
    return uploader


def _give(uploader: Locator, name: str, size: int) -> None:
    files = [{"name": name, "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" + bytes(size)}]
    uploader.locator("input[type='file']").set_input_files(files=files)


def _drawn(element: Locator) -> str:
    return str(element.evaluate("e => getComputedStyle(e, '::after').content"))


def test_an_evidence_file_over_its_limit_is_refused_in_persian(page: Page, app_server: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, app_server, "agency02")
    visit(page, f"{app_server}/my_agency")
    uploader = _evidence_uploader(page)
    # Over the evidence limit (5 MB), within the server's: our own check says why.
    act(page, lambda: _give(uploader, "عکس-بزرگ.jpg", 6 * MB))
    refusal = page.get_by_text("بیش از ۵ مگابایت پذیرفته نمی‌شود")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("۶.۰ مگابایت")
    expect(page.get_by_role("button", name="افزودن مستند")).to_have_count(0)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert not any(word in body for word in ENGLISH), body[-400:]
    # Over the server's limit too: the browser keeps it (no run), and the line under it
    # is drawn in Persian.
    _give(uploader, "فیلم.jpg", 25 * MB)
    alert = uploader.locator("[data-testid='stFileChip'] [role='alert']")
    expect(alert).to_have_count(1)
    assert "بیش از ۵ مگابایت" in _drawn(alert), _drawn(alert)
    assert alert.evaluate("e => getComputedStyle(e).fontSize") == "0px"


def test_an_address_that_names_no_page_is_answered_in_persian(page: Page, app_server: str) -> None:
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/no_such_page")
    expect(page.get_by_text("صفحه‌ای با این نشانی وجود ندارد")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_a_lock_end_no_lock_could_have_logs_no_traceback(
    page: Page, app_server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = tmp_path_factory.getbasetemp() / "app-server.log"
    before = log.stat().st_size if log.exists() else 0
    visit(page, f"{app_server}/sign_in?e=locked&until=99999999999999999999")
    expect(page.get_by_label("نام کاربری")).to_be_visible()
    # The same server answers another page after it: its log has caught up.
    visit(page, f"{app_server}/sign_in?e=out")
    expect(page.get_by_text("از سامانه خارج شدید")).to_be_visible()
    written = Path(log).read_bytes()[before:].decode("utf-8", "replace")
    assert "Traceback" not in written and "OverflowError" not in written, written[-2000:]
