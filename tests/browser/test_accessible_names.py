"""What a screen reader meets on the main pages: every accessible name in the browser's
accessibility tree is Persian (but a few product terms), and focus is visible on the top
menu."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.steps import sign_in, visit

# Product terms a Persian reader meets as they are written (file kinds, feed formats).
ALLOWED = {"HXL", "CSV", "PDF", "PNG", "SVG", "XLSX", "XLS", "DOCX", "JPG", "JPEG", "EXCEL", "WORD"}
ALLOWED |= {"SMS"}
PAGES = ["overview", "inbox", "resolutions", "meetings", "coverage", "gaps", "letters", "users"]
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")


def _names(page: Page) -> set[str]:
    """Every name the accessibility tree gives a node that is not ignored."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    # And every name the page's markup gives, read or not by this tree (hidden ones too).
    names = set(
        page.evaluate(
            """() => [...document.querySelectorAll('[aria-label], [title], [alt]')]
                .flatMap(e => ['aria-label', 'title', 'alt'].map(a => e.getAttribute(a)))
                .filter(Boolean)"""
        )
    )
    for node in nodes:
        if node.get("ignored"):
            continue
        name = str((node.get("name") or {}).get("value") or "").strip()
        if name:
            names.add(name)
    return names


def english_names(page: Page) -> dict[str, list[str]]:
    """Names holding a Latin word outside the allowed terms (name -> its words)."""
    found = {}
    for name in _names(page):
        words = [w for w in LATIN_WORD.findall(name) if w.upper() not in ALLOWED]
        # Usernames and addresses are the person's own Latin text, not the app's words.
        if words and not re.fullmatch(r"[\w.@:/\-()؀-ۿ\s]*[a-z0-9._-]+\)?", name):
            found[name] = words
    return found


@pytest.mark.parametrize("who", ["dabir", "agency02"])
def test_no_english_name_reaches_a_screen_reader(page: Page, app_server: str, who: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, app_server, who)
    seen: dict[str, dict[str, list[str]]] = {}
    for slug in PAGES if who == "dabir" else ["inbox", "my_agency", "overview"]:
        visit(page, f"{app_server}/{slug}")
        english = english_names(page)
        if english:
            seen[slug] = english
    assert not seen, seen


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_focus_is_visible_on_the_top_menu_and_the_current_page(page: Page, app_server: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/overview")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    rings: dict[str, tuple[str, float, tuple[int, int, int], bool]] = {}
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const e = document.activeElement;
              if (!e || !e.closest('header, nav, [data-testid="stToolbar"]')) return null;
              const s = getComputedStyle(e);
              return {name: (e.innerText || e.getAttribute('aria-label') || '').trim(),
                      style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                      color: s.outlineColor, current: e.getAttribute('aria-current') === 'page'
                        || !!e.closest('[aria-current="page"]')};
            }"""
        )
        if focused and focused["name"]:
            rgb = tuple(int(x) for x in re.findall(r"\d+", focused["color"])[:3])
            rings[focused["name"]] = (focused["style"], focused["width"], rgb, focused["current"])
    assert len(rings) >= 4, rings  # the menu's sections and links were reached by Tab
    for name, (style, width, rgb, _) in rings.items():
        assert style != "none" and width >= 2, (name, style, width)
        assert _contrast(rgb, (255, 255, 255)) >= 3, (name, rgb)
    assert any(current for *_, current in rings.values()) or "نمای کلی" in rings, rings
