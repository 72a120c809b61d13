"""Persian lines rebuilt from positioned glyphs (a PDF's text layer, or OCR words).

A PDF draws glyphs where they appear, left to right on the page; its text, read in
that order, has every right-to-left word reversed and the words of a line in the
wrong order (what plain extraction of our own source minutes gave). Here glyphs are
grouped into lines by their vertical position, put in visual order by x, and the
visual order is turned back into logical order: the line is reversed, then every run
of left-to-right characters (digits, Latin) inside it is put back as it was.

A ZWNJ the PDF names (LibreOffice: the /ActualText of a zero-advance glyph, read by
pdf_actual_text) is a glyph that takes no room, put between the letters either side.
Two things a PDF does not keep are put back from geometry:
- spaces, where a renderer left a gap instead of drawing a space glyph;
- the zero-width non-joiner (نیم‌فاصله): it draws nothing, but the letter before it
  takes its final form, which is wider than the medial form it has when it joins
  the next letter. A mid-word letter drawn as wide as that letter at the end of a
  word (same font, same size) is followed by a ZWNJ.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from data_layer.characters import ZWNJ

__all__ = ["Glyph", "Line", "Widths", "group_lines", "logical_text", "widths_of"]

# Letters that join the letter after them: a ZWNJ after one of these is visible.
_DUAL_JOINING = set("بپتثجچحخسشصضطظعغفقکگلمنهیئيكـ")
_WIDTH_TOLERANCE = 0.012  # of the font size


@dataclass(frozen=True)
class Glyph:
    """One drawn character (or ligature: its text may be two letters) and its box."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font: str = ""
    size: float = 0.0

    @property
    def mid_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Line:
    """Glyphs of one printed line, in visual order (left to right)."""

    glyphs: list[Glyph]

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)


def _ink(glyph: Glyph) -> bool:
    return bool(glyph.text.strip())


def group_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    """Glyphs grouped into lines, top to bottom: a glyph joins the line whose band holds
    its vertical middle (raised marks such as tanwin stay on their line)."""
    lines: list[Line] = []
    for glyph in sorted((g for g in glyphs if _ink(g)), key=lambda g: (g.mid_y, g.x0)):
        line = lines[-1] if lines else None
        if line is not None and line.top <= glyph.mid_y <= line.bottom:
            line.glyphs.append(glyph)
        else:
            lines.append(Line([glyph]))
    for line in lines:
        line.glyphs = _in_visual_order(line.glyphs)
    return lines


def _in_visual_order(glyphs: list[Glyph]) -> list[Glyph]:
    """Glyphs left to right; a glyph that takes no room (a ZWNJ a PDF names through
    /ActualText, drawn where the letter before it ends, give or take a kerning) goes
    between the two glyphs whose middles are either side of it."""
    drawn = sorted((g for g in glyphs if g.x1 > g.x0), key=lambda g: g.x0)
    for mark in sorted((g for g in glyphs if g.x1 <= g.x0), key=lambda g: g.x0):
        at = next((i for i, g in enumerate(drawn) if g.mid_x > mark.x0), len(drawn))
        drawn.insert(at, mark)
    return drawn


def _direction(text: str) -> str:
    """'R' for a right-to-left letter, 'L' for a digit or Latin letter, 'N' otherwise."""
    bidi = unicodedata.bidirectional(text[0]) if text else ""
    if bidi in ("R", "AL"):
        return "R"
    if bidi in ("L", "EN", "AN"):
        return "L"
    return "N"


def _spaced(glyphs: Sequence[Glyph]) -> list[str]:
    """The glyphs' texts in visual order with a space wherever a gap shows one."""
    out: list[str] = []
    for before, glyph in zip([None, *glyphs[:-1]], glyphs, strict=True):
        if before is not None:
            size = glyph.size or (glyph.bottom - glyph.top)
            if glyph.x0 - before.x1 > 0.18 * size:
                out.append(" ")
        out.append(glyph.text)
    return out


_CLOSING = "».:؛،,;!؟?)]"
_OPENING = "«(["


def _to_logical(visual: list[str]) -> str:
    """A right-to-left line from its visual order: reversed, with runs of digits and
    Latin (and the separators between them) kept left to right. A PDF maps a mirrored
    glyph (a bracket) to the character it stands for, so nothing is mirrored here."""
    tokens = visual[::-1]
    kinds = [_direction(t) for t in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if kinds[i] != "L":
            out.append(tokens[i])
            i += 1
            continue
        j = i
        end = i
        while j < len(tokens) and kinds[j] != "R":
            if kinds[j] == "L":
                end = j
            j += 1
        out.extend(reversed(tokens[i : end + 1]))
        i = end + 1
    return _edges("".join(out))


def _edges(text: str) -> str:
    """Punctuation a left-to-right paragraph (Word's default, even for Persian) draws
    at the other edge of the line, put back: a closing mark that came out first goes
    to the end, an opening mark that came out last to the start."""
    head = len(text) - len(text.lstrip(_CLOSING + " "))
    if head and any(_direction(c) == "R" for c in text[head : head + 1]):
        text = text[head:] + text[:head].strip()
    tail = len(text) - len(text.rstrip(_OPENING + " "))
    if tail and len(text) > tail and _direction(text[-tail - 1]) == "R":
        text = text[-tail:].strip() + text[:-tail].rstrip()
    return text


def _key(glyph: Glyph, joined: bool) -> tuple[str, str, bool]:
    return (glyph.font, glyph.text, joined)


class Widths:
    """How wide each letter is drawn, per font and per whether the letter before it
    joins it: at the end of a word (its final or isolated form) and inside a word
    (mostly its medial or initial form)."""

    def __init__(self) -> None:
        self.end: dict[tuple[str, str, bool], list[float]] = defaultdict(list)
        self.mid: dict[tuple[str, str, bool], Counter[float]] = defaultdict(Counter)

    def learn(self, lines: Iterable[Line]) -> None:
        for line in lines:
            logical = line.glyphs[::-1]
            for k, glyph in enumerate(logical):
                if not glyph.size or len(glyph.text) != 1:
                    continue
                before = logical[k - 1] if k else None
                after = logical[k + 1] if k + 1 < len(logical) else None
                key = _key(glyph, _joins(before, glyph))
                if _adjacent_letter(glyph, after):
                    self.mid[key][round(_rel_width(glyph), 2)] += 1
                else:
                    self.end[key].append(_rel_width(glyph))

    def _fits(self, glyph: Glyph, joined: bool) -> tuple[bool, bool]:
        """(drawn as at a word's end, drawn in its usual mid-word form)."""
        key = _key(glyph, joined)
        width = _rel_width(glyph)
        ends = any(abs(width - w) <= _WIDTH_TOLERANCE for w in self.end.get(key, ()))
        usual = self.mid.get(key) or Counter()
        common = usual.most_common(1)
        mid = bool(common) and abs(common[0][0] - width) <= _WIDTH_TOLERANCE
        return ends, mid

    def cut_after(self, glyph: Glyph, joined: bool, after: Glyph) -> bool:
        """True when the letter `glyph` (inside a word) does not join `after`: it is
        drawn as at a word's end, or `after` is drawn as a letter nothing joins."""
        if not glyph.size or not after.size:
            return False
        ends, mid = self._fits(glyph, joined)
        score = (ends and not mid) - (mid and not ends)
        if len(after.text) == 1:
            free = any(self._fits(after, False))
            bound = any(self._fits(after, True))
            score += (free and not bound) - (bound and not free)
        return score > 0


def _rel_width(glyph: Glyph) -> float:
    return (glyph.x1 - glyph.x0) / glyph.size


def _gap(left: Glyph, right: Glyph) -> bool:
    size = right.size or (right.bottom - right.top)
    return right.x0 - left.x1 > 0.18 * size


def _adjacent_letter(glyph: Glyph, after: Glyph | None) -> bool:
    """True when `after` (the next glyph in reading order, drawn left of `glyph`) is a
    letter of the same word."""
    return after is not None and not _gap(after, glyph) and _direction(after.text) == "R"


def _joins(before: Glyph | None, glyph: Glyph) -> bool:
    return before is not None and before.text in _DUAL_JOINING and _adjacent_letter(before, glyph)


def _with_zwnj(glyphs: Sequence[Glyph], widths: Widths) -> list[Glyph]:
    """Glyphs (visual order) with a ZWNJ after every mid-word letter drawn as at the
    end of a word."""
    logical = list(glyphs[::-1])
    out: list[Glyph] = []
    joined = False
    for k, glyph in enumerate(logical):
        after = logical[k + 1] if k + 1 < len(logical) else None
        out.append(glyph)
        cut = (
            glyph.text in _DUAL_JOINING
            and _adjacent_letter(glyph, after)
            and after is not None
            and widths.cut_after(glyph, joined, after)
        )
        if cut:
            out.append(Glyph(ZWNJ, glyph.x0, glyph.x0, glyph.top, glyph.bottom))
        joined = not cut and after is not None and _joins(glyph, after)
    return out[::-1]


# The plural suffix, written after a ZWNJ when the stem ends in a joining letter (the
# usual spelling): a font may draw both forms of a letter alike (DejaVu's heh), so
# geometry alone misses some. A stem of one or two letters is left alone (تنها, بها).
_PLURAL = re.compile(rf"(?<=\w\w[{''.join(sorted(_DUAL_JOINING - {'ـ'}))}])(هایی|های|ها)(?!\w)")


def logical_text(glyphs: Sequence[Glyph], widths: Widths | None = None) -> str:
    """The text of glyphs of one line (visual order) in reading order, NFKC-normalised
    (presentation forms become letters)."""
    if widths is not None:
        glyphs = _with_zwnj(glyphs, widths)
    text = unicodedata.normalize("NFKC", _to_logical(_spaced(glyphs)))
    if widths is not None:
        text = _PLURAL.sub(ZWNJ + r"\1", text)
    return text.replace(ZWNJ + " ", " ")


def widths_of(lines: Iterable[Line]) -> Widths:
    """The final-form widths of every letter in `lines` (for `logical_text`)."""
    widths = Widths()
    widths.learn(lines)
    return widths
