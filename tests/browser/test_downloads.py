"""Two export buttons clicked one right after the other both download, each file under
the one naming rule (Persian words, the Jalali date in Latin digits). A download button
no longer asks for a script run: the run one click started used to replace the page's
elements while the other download was under way and cancel it (1 try in 3), so the
test also checks, on the websocket, that no click asked for a run."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Download, Page, expect

from data_layer.documents.names import jalali_stamp
from data_layer.jalali import local_today
from tests.browser.conftest import runs
from tests.browser.steps import act, sign_in, visit

ROUNDS = 3


def test_two_exports_clicked_quickly_both_arrive(
    page: Page, app_server: str, tmp_path: Path
) -> None:
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/coverage")
    act(page, page.get_by_role("button", name="ساخت پرونده‌های اکسل و CSV").click)
    workbook = page.get_by_role("button", name="اکسل (همه)")
    first_csv = page.get_by_role("button", name=re.compile("^CSV ")).first
    expect(workbook).to_be_visible()
    stamp = jalali_stamp(local_today())
    arrived: list[Download] = []

    def keep(download: Download) -> None:
        arrived.append(download)

    page.on("download", keep)
    before = runs(page).mark()  # (page loads, runs asked for) before the clicks
    for round_ in range(1, ROUNDS + 1):
        workbook.click()
        first_csv.click()
        while len(arrived) < 2 * round_:
            page.wait_for_event("download")  # a cancelled download never comes: time-out
        for download in arrived[-2:]:
            assert download.failure() is None
            saved = tmp_path / f"{round_}-{download.suggested_filename}"
            download.save_as(saved)
            name = download.suggested_filename
            assert re.fullmatch(rf"[\w\u200c-]+-{stamp}\.(xlsx|csv)", name), name
            assert not re.search("[a-z]", name.rsplit(".", 1)[0]), name  # Persian words
            head = saved.read_bytes()[:3]
            assert head == (b"PK\x03" if name.endswith(".xlsx") else b"\xef\xbb\xbf"), name
    assert runs(page).mark() == before, "a download button asked for a script run"
    names = sorted({d.suggested_filename for d in arrived})
    assert len(names) == 2, names
