"""Status chips: colour plus symbol plus label, so nothing relies on colour alone."""

from __future__ import annotations

from data_layer.jalali import format_percent
from data_layer.labels import OVERDUE_LABEL, STATUS_LABELS
from data_layer.models import AssignmentStatus
from data_layer.output import inert_attr, inert_html

STATUS_SYMBOLS: dict[str, str] = {
    AssignmentStatus.DONE: "✔",
    AssignmentStatus.IN_PROGRESS: "◐",
    AssignmentStatus.NOT_STARTED: "○",
    AssignmentStatus.BLOCKED: "■",
    AssignmentStatus.NEEDS_FOLLOW_UP: "!",
}


def chip(status: str, text: str | None = None) -> str:
    """A coloured chip with the status symbol and a text (its label by default)."""
    label = STATUS_LABELS.get(status, status)
    body = inert_html(label if text is None else text)
    return (
        f'<span class="st-chip st-{inert_html(status)}" title="{inert_attr(label)}">'
        f"{STATUS_SYMBOLS.get(status, '')} {body}</span>"
    )


def progress_chip(status: str, progress: int) -> str:
    """A chip showing the symbol and progress (for matrix cells)."""
    return chip(status, format_percent(progress))


def legend_html() -> str:
    """Every status chip with its label, and the overdue outline."""
    chips = " ".join(chip(s) for s in STATUS_LABELS)
    return (
        f'<div class="legend"><span>راهنما:</span> {chips} '
        f'<span class="late-mark">{OVERDUE_LABEL} (کادر قرمز)</span>'
        '<span class="v-ok-mark">تأییدشدهٔ دبیرخانه (زیرخط)</span>'
        '<span class="v-rejected-mark">ردشدهٔ دبیرخانه (خط‌خورده)</span></div>'
    )
