"""Page-wide look: RTL, fonts, shared CSS, the title block and the sample badge."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from data_layer.labels import SAMPLE_BADGE
from ui.html import Html, show, stylesheet
from ui.run import show_flash
from ui.screen_reader import persian_names

_CSS = Path(__file__).resolve().parents[1] / "assets" / "app.css"


@cache
def _css() -> str:
    return _CSS.read_text(encoding="utf-8")


def apply_theme() -> None:
    """Inject the app's stylesheet (once per script run)."""
    show(stylesheet(_css()))
    persian_names()


def sample_badge_html(tooltip: str) -> Html:
    """The «دادهٔ نمونه» badge, with what exactly is sample in its tooltip."""
    return Html('<span class="badge badge-sample" title="{}">{}</span>').format(
        tooltip, SAMPLE_BADGE
    )


def page_title(title: str, subtitle: str = "", sample_note: str | None = None) -> None:
    """The page heading (a sample badge beside it when the page shows sample data), then the
    message the last action left, if any."""
    badge = Html()
    if sample_note:
        badge = sample_badge_html(sample_note)
        badge += Html('<span class="sample-note">{}</span>').format(sample_note)
    html = Html('<div class="app-title"><h1>{}</h1>{}</div>').format(title, badge)
    if subtitle:
        html += Html('<p class="app-subtitle">{}</p>').format(subtitle)
    show(html)
    show_flash()
