"""Status chips: colour plus symbol plus label, so nothing relies on colour alone."""

from __future__ import annotations

from data_layer.jalali import format_percent
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS
from data_layer.models import AssignmentStatus
from ui.html import Html

STATUS_SYMBOLS: dict[str, str] = {
    AssignmentStatus.DONE: "✔",
    AssignmentStatus.IN_PROGRESS: "◐",
    AssignmentStatus.NOT_STARTED: "○",
    AssignmentStatus.BLOCKED: "■",
    AssignmentStatus.NEEDS_FOLLOW_UP: "!",
}


def chip(status: str, text: str | None = None) -> Html:
    """A coloured chip with the status symbol and a text (its label by default)."""
    label = STATUS_LABELS.get(status, status)
    return Html('<span class="st-chip st-{}" title="{}">{} {}</span>').format(
        status, label, STATUS_SYMBOLS.get(status, ""), label if text is None else text
    )


def progress_chip(status: str, progress: int) -> Html:
    """A chip showing the symbol and progress (for matrix cells)."""
    return chip(status, format_percent(progress))


def legend_html() -> Html:
    """Every status chip with its label, and the overdue outline."""
    chips = Html(" ").join(chip(s) for s in STATUS_LABELS)
    return Html(
        '<div class="legend"><span>راهنما:</span> {} '
        '<span class="late-mark">{} (کادر قرمز)</span>'
        '<span class="v-ok-mark">تأییدشدهٔ دبیرخانه (زیرخط)</span>'
        '<span class="v-rejected-mark">ردشدهٔ دبیرخانه (خط‌خورده)</span></div>'
    ).format(chips, OVERDUE_LABEL)
