"""The projector deck and the overview in a real Chromium.

Every slide of both decks (by resolution, by agency) at two projector resolutions:
no scrollbar, nothing clipped, no text under 24 px, contrast of 7:1 or more, no
chrome; the deck moves by itself, with its buttons and with its picker; the
overview's headline figures and first table fit the first screen, and a phone
never scrolls sideways.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot_path, wait_for_app
from tests.browser.steps import visit

PROJECTOR_VIEWPORTS = [(1280, 720), (1024, 768)]
MODES = ["resolution", "agency"]
MIN_FONT_PX = 24.0
MIN_CONTRAST = 7.0
FA_TO_EN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
EN_TO_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# One pass over the page. Text = every visible element in stMain with a direct
# non-blank text node, plus every input (its value, or its placeholder when empty).
# Contrast: WCAG 2 ratio of the text colour over the composited background of the
# ancestors (the page itself is white). Also: which boxes scroll, whether the deck
# or anything inside it clips its content (a 3-line clamp with its ellipsis is by
# design; a box squeezed below it is not), visible chrome, text under the counter.
MEASURE_JS = r"""
() => {
  const main = document.querySelector("[data-testid='stMain']");
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || '');
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) =>
    [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
    }
    let c = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) c = over(layers[i], c);
    return c;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const visible = (el) => {
    if (el.offsetParent === null && el.getClientRects().length === 0) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || parseFloat(s.opacity) === 0) return false;
    }
    if (getComputedStyle(el).visibility !== 'visible') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const ownText = (el) => [...el.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
  const describe = (el) => el.tagName.toLowerCase()
    + (el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : '')
    + (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '');

  const texts = [];
  for (const el of main.querySelectorAll('*')) {
    const isInput = el.tagName === 'INPUT' && el.type !== 'hidden';
    const text = isInput ? (el.value || el.placeholder || '') : ownText(el);
    if (!text.trim() || !visible(el)) continue;
    const s = getComputedStyle(el);
    let fg = parse(s.color);
    if (isInput && !el.value) {
      const ph = getComputedStyle(el, '::placeholder');
      fg = parse(ph.color);
      fg[3] *= parseFloat(ph.opacity || '1');
    }
    const bg = background(el);
    texts.push({
      el: describe(el), text: text.slice(0, 40), size: parseFloat(s.fontSize),
      contrast: Math.round(ratio(over(fg, bg), bg) * 100) / 100,
      color: `rgba(${fg.map((v) => Math.round(v * 100) / 100).join(', ')})`,
      background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
    });
  }

  const boxes = [main, document.querySelector("[data-testid='stAppScrollToBottomContainer']")]
    .filter(Boolean)
    .map((e) => ({ el: e.getAttribute('data-testid'), scrollHeight: e.scrollHeight,
      clientHeight: e.clientHeight, scrollWidth: e.scrollWidth, clientWidth: e.clientWidth }));

  const deck = document.querySelector('.deck');
  const clipped = [];
  const underCounter = [];
  if (deck) {
    for (const e of [deck, ...deck.querySelectorAll('*')]) {
      const s = getComputedStyle(e);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const lh = parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize);
      const clamp = parseInt(s.webkitLineClamp, 10);
      if (clamp > 0 && Math.round(e.clientHeight / lh) >= clamp) continue;
      // Glyphs may poke a few px past their line box; a hidden line is far more.
      const slack = e === deck ? 1 : Math.max(2, lh / 4);
      if (e.scrollHeight > e.clientHeight + slack || e.scrollWidth > e.clientWidth + slack) {
        clipped.push({
          el: describe(e), text: e.textContent.slice(0, 40),
          scrollHeight: e.scrollHeight, clientHeight: e.clientHeight,
          scrollWidth: e.scrollWidth, clientWidth: e.clientWidth,
        });
      }
    }
    const counter = deck.querySelector('.pcount');
    if (counter) {
      // Line boxes are taller than the ink; a few px of touching is not overlap.
      const c = counter.getBoundingClientRect();
      const inset = 4;
      const walker = document.createTreeWalker(deck, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim() || counter.contains(n)) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const b of range.getClientRects()) {
          if (b.left < c.right - inset && b.right > c.left + inset
              && b.top < c.bottom - inset && b.bottom > c.top + inset) {
            underCounter.push(n.textContent.trim().slice(0, 40));
          }
        }
      }
    }
  }

  const chrome = [...document.querySelectorAll(
    "[data-testid='stHeader'], [data-testid='stToolbar'], [data-testid='stTopNav'],"
    + " [data-testid='stTopNavLink'], [data-testid='stSidebar'], [data-testid='stSidebarNav'],"
    + " header, nav")].filter(visible).map(describe);

  const minBy = (k) => texts.reduce((m, t) => (m === null || t[k] < m[k] ? t : m), null);
  return {
    texts: texts.length, minSize: minBy('size'), minContrast: minBy('contrast'),
    small: texts.filter((t) => t.size < __MIN_FONT__),
    lowContrast: texts.filter((t) => t.contrast < __MIN_CONTRAST__),
    document: { scrollHeight: document.scrollingElement.scrollHeight, innerHeight,
      scrollWidth: document.scrollingElement.scrollWidth, innerWidth },
    boxes,
    deck: deck ? { scrollHeight: deck.scrollHeight, clientHeight: deck.clientHeight,
      scrollWidth: deck.scrollWidth, clientWidth: deck.clientWidth } : null,
    clipped, underCounter, chrome,
  };
}
""".replace("__MIN_FONT__", str(MIN_FONT_PX)).replace("__MIN_CONTRAST__", str(MIN_CONTRAST))

# (width, mode, slide) -> file; the scorecards slide is found by its table.
SHOTS = {
    (1280, "resolution", 1): "projector-cover-1280x720.png",
    (1280, "resolution", 2): "projector-resolution-1280x720.png",
    (1024, "agency", 2): "projector-agency-1024x768.png",
}
SCORECARDS_SHOT = (1280, "resolution", "projector-scorecards-1280x720.png")


def _counter(page: Page) -> tuple[int, int]:
    """The deck's «N / M» counter as two integers."""
    shown, total = page.locator(".pcount").inner_text().translate(FA_TO_EN).split("/")
    return int(shown), int(total)


def _fa_counter(n: int, m: int) -> str:
    return f"{n} / {m}".translate(EN_TO_FA)


def _problems(r: dict[str, Any]) -> list[str]:
    """Every rule a measured slide breaks, as readable lines."""
    out = []
    doc = r["document"]
    if doc["scrollHeight"] > doc["innerHeight"] or doc["scrollWidth"] > doc["innerWidth"]:
        out.append(f"the page scrolls: {doc}")
    out += [
        f"{b['el']} scrolls: {b}"
        for b in r["boxes"]
        if b["scrollHeight"] > b["clientHeight"] + 1 or b["scrollWidth"] > b["clientWidth"] + 1
    ]
    deck = r["deck"]
    if deck is None:
        out.append("no .deck on the page")
    out += [f"clipped content: {c}" for c in r["clipped"]]
    out += [f"text under {MIN_FONT_PX:g} px: {t}" for t in r["small"]]
    out += [f"contrast under {MIN_CONTRAST:g}:1: {t}" for t in r["lowContrast"]]
    out += [f"chrome visible: {c}" for c in r["chrome"]]
    out += [f"text under the counter: {t!r}" for t in r["underCounter"]]
    return out


@pytest.fixture(scope="module")
def measured() -> Iterator[dict[str, dict[str, float]]]:
    """Smallest font size and contrast per viewport, printed once the module is done."""
    results: dict[str, dict[str, float]] = {}
    yield results
    parts = [
        f"{vp}: min font {v['font']:g} px, min contrast {v['contrast']:.2f}:1"
        for vp, v in sorted(results.items())
    ]
    if parts:
        print("\nprojector readability — " + "; ".join(parts))


@pytest.mark.parametrize("by", MODES)
@pytest.mark.parametrize(("width", "height"), PROJECTOR_VIEWPORTS)
def test_every_slide_fits_and_reads_from_the_back_of_the_room(
    page: Page,
    app_server: str,
    measured: dict[str, dict[str, float]],
    width: int,
    height: int,
    by: str,
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    visit(page, f"{app_server}/projector?slide=1&by={by}")
    first, total = _counter(page)
    assert first == 1
    assert total >= 5  # cover, at least one item, scorecards, coverage, gaps

    problems: dict[str, list[int]] = {}  # each problem once, with the slides it is on
    shots: list[str] = []
    for n in range(1, total + 1):
        if n > 1:
            visit(page, f"{app_server}/projector?slide={n}&by={by}")
        expect(page.locator(".pcount")).to_have_text(_fa_counter(n, total))
        r = page.evaluate(MEASURE_JS)
        assert r["texts"] > 0, f"slide {n}: no text measured"
        seen = measured.setdefault(f"{width}x{height}", {"font": 1e9, "contrast": 1e9})
        seen["font"] = min(seen["font"], r["minSize"]["size"])
        seen["contrast"] = min(seen["contrast"], r["minContrast"]["contrast"])
        for p in _problems(r):
            problems.setdefault(p, []).append(n)

        shot = SHOTS.get((width, by, n))
        if (width, by) == SCORECARDS_SHOT[:2] and page.locator(".deck table.scorecards").count():
            shot = SCORECARDS_SHOT[2]
        if shot:
            page.screenshot(path=str(screenshot_path(shot)))
            shots.append(shot)

    seen = measured[f"{width}x{height}"]
    print(
        f"\n{width}x{height} by={by}: {total} slides, min font {seen['font']:g} px,"
        f" min contrast {seen['contrast']:.2f}:1 (all slides so far at this size)"
    )
    assert not problems, "\n".join(f"by={by}, slides {s}: {p}" for p, s in problems.items())
    wanted = [f for (w, b, _), f in SHOTS.items() if (w, b) == (width, by)]
    if (width, by) == SCORECARDS_SHOT[:2]:
        wanted.append(SCORECARDS_SHOT[2])
    assert sorted(shots) == sorted(wanted), "a screenshot's slide was not found"


def test_auto_advance_moves_on_without_a_click(page: Page, app_server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    visit(page, f"{app_server}/projector?slide=2&auto=3")
    shown, total = _counter(page)
    assert shown == 2
    started = time.monotonic()
    expect(page.locator(".pcount")).to_have_text(_fa_counter(3, total), timeout=8_000)
    assert time.monotonic() - started <= 8.5
    expect(page.get_by_role("switch", name="نمایش خودکار")).to_be_checked()


def test_next_previous_and_the_picker_move_the_deck(page: Page, app_server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    visit(page, f"{app_server}/projector?slide=1&by=resolution")
    counter = page.locator(".pcount")
    _, total = _counter(page)

    page.get_by_role("button", name="◀ بعدی").click()
    expect(counter).to_have_text(_fa_counter(2, total))
    page.get_by_role("button", name="◀ بعدی").click()
    expect(counter).to_have_text(_fa_counter(3, total))
    page.get_by_role("button", name="قبلی ▶").click()
    expect(counter).to_have_text(_fa_counter(2, total))
    wait_for_app(page)

    # The scorecards slide comes right after the last resolution, then coverage,
    # gaps and the neighborhoods' indicators close the deck.
    target = total - 3
    picker = page.get_by_role("combobox", name="رفتن به")
    picker.click()
    page.get_by_role("option", name=f"{target}. کارنامهٔ دستگاه‌ها".translate(EN_TO_FA)).click()
    expect(counter).to_have_text(_fa_counter(target, total))
    expect(page.locator(".deck table.scorecards")).to_be_visible()
    wait_for_app(page)
    # The picker clears itself, ready for the next jump.
    expect(picker).to_have_value("")


def test_overview_first_screen_and_phone_width(page: Page, app_server: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    visit(page, f"{app_server}/")
    # The headline figures: the first .kpis (the second, further down, counts targets).
    expect(page.locator(".kpis")).to_have_count(2)
    kpis = page.locator(".kpis", has_text="انجام و تأییدشده").bounding_box()
    table = page.locator("table.scorecards").first.bounding_box()
    assert kpis and table
    assert page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTop") == 0
    assert kpis["y"] >= 0 and kpis["y"] + kpis["height"] <= 768, kpis
    assert table["y"] >= 0 and table["y"] + table["height"] <= 768, table
    page.screenshot(path=str(screenshot_path("overview-1366x768.png")))

    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, f"{app_server}/")
    widths = page.evaluate(
        """() => {
          const m = document.querySelector("[data-testid='stMain']");
          return {document: document.scrollingElement.scrollWidth,
                  main: m.scrollWidth, mainClient: m.clientWidth};
        }"""
    )
    # stMain is the box that scrolls in Streamlit 1.67; the page itself never does.
    assert widths["document"] <= 390 + 1, widths
    assert widths["main"] <= widths["mainClient"] + 1, widths


@pytest.mark.parametrize(("width", "height"), PROJECTOR_VIEWPORTS)
def test_a_reviewed_neighborhoods_slide_fits_and_reads(
    page: Page, app_server: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    visit(page, f"{app_server}/projector?slide=1&by=resolution")
    _, total = _counter(page)
    page.get_by_role("combobox", name="محلهٔ مورد بررسی").click()
    page.get_by_role("option").first.click()
    # The neighborhood's slide comes right after the cover, and the deck shows it.
    expect(page.locator(".pcount")).to_have_text(_fa_counter(2, total + 1))
    expect(page.locator(".deck .pproblems")).to_be_visible()
    wait_for_app(page)
    problems = _problems(page.evaluate(MEASURE_JS))
    assert not problems, "\n".join(problems)
