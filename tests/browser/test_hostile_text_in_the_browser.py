"""The hostile corpus on the secretariat's screens in a real Chromium: no link, image,
script, frame or formula from it in the DOM, nothing fetched, no dialog, and the text
shown as typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import running_app, screenshot_path, wait_for_app
from tests.browser.steps import choose, open_from_menu, open_tab, sign_in, visit
from tests.conftest import Templates
from tests.hostile import Planted, plant

MEETING_7 = "جلسه ۷ — ۱۴۰۲/۰۷/۲۹"
# What the corpus could have smuggled into the page, counted in the live DOM.
PROBE = """() => {
  const bad = s => /example\\.org|127\\.0\\.0\\.1:9|javascript:/i.test(s || "");
  return {
    links: [...document.querySelectorAll("a[href]")]
      .filter(a => bad(a.getAttribute("href"))).length,
    images: [...document.querySelectorAll("img")].filter(i => bad(i.getAttribute("src"))
      || i.getAttribute("src") === "x" || i.hasAttribute("onerror")).length,
    scripts: [...document.querySelectorAll("script")]
      .filter(s => /alert\\(1\\)/.test(s.textContent)).length,
    frames: [...document.querySelectorAll("iframe")].filter(f => bad(f.getAttribute("src"))).length,
    math: document.querySelectorAll(".katex, math").length,
    handlers: [...document.querySelectorAll("*")].filter(e => [...e.attributes].some(
      a => a.name.startsWith("on"))).length,
    text: document.body.innerText.replace(/\\u2060/g, ""),
  };
}"""


@pytest.fixture(scope="module")
def hostile_server(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, Planted]]:
    url = templates.copy("seeded_url", tmp_path_factory.mktemp("hostile") / "dashboard.db")
    planted = plant(url)
    log = tmp_path_factory.getbasetemp() / "hostile-server.log"
    with running_app(url, log, seed="none") as base:
        yield base, planted


def _look(page: Page, where: str, fetched: list[str], dialogs: list[str]) -> str:
    wait_for_app(page)
    found = page.evaluate(PROBE)
    text = found.pop("text")
    assert found == dict.fromkeys(found, 0), (where, found)
    assert not fetched, (where, fetched)
    assert not dialogs, (where, dialogs)
    return str(text)


def test_the_secretariat_screens_show_the_corpus_as_text(
    page: Page, hostile_server: tuple[str, Planted]
) -> None:
    base, p = hostile_server
    fetched: list[str] = []
    dialogs: list[str] = []
    page.on(
        "request",
        lambda r: (
            fetched.append(r.url) if "127.0.0.1:9/" in r.url or "example.org" in r.url else None
        ),
    )
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, base, "dabir")

    open_from_menu(page, "پیگیری مصوبات", "بررسی گزارش‌ها")
    text = _look(page, "verification", fetched, dialogs)
    assert p.texts["next_step"] in text and p.texts["done_text"][:200] in text
    page.screenshot(path=str(screenshot_path("hostile-verification-1366.png")), full_page=True)

    open_from_menu(page, "پیگیری مصوبات", "مصوبات")
    choose(page, "جلسه", MEETING_7)
    text = _look(page, "resolutions", fetched, dialogs)
    assert p.texts["resolution"][:300] in text.replace("\n", " ")

    open_from_menu(page, "پیگیری مصوبات", "جلسات")
    panel = open_tab(page, "یک جلسه")
    choose(page, "جلسه", MEETING_7, scope=panel)
    text = _look(page, "meetings", fetched, dialogs)
    assert p.texts["place"] in text

    open_from_menu(page, "محلات هدف", "پوشش خدمت")
    text = _look(page, "coverage", fetched, dialogs)
    assert p.texts["hood"] in text

    visit(page, f"{base}/projector?slide=11&meeting=7")  # resolution 10: one owner, its text
    text = _look(page, "projector", fetched, dialogs)
    expect(page.locator(".deck")).to_contain_text("alert(1)")
    page.screenshot(path=str(screenshot_path("hostile-projector-1280.png")))
