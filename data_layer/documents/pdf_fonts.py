"""PDF-only copies of the Vazirmatn fonts, built so a PDF's text layer reads back right.

Vazirmatn draws «لا», «هٔ», «آ» … as one ligature glyph. A PDF maps each glyph to its
text (ToUnicode), so a ligature maps to two letters, and readers disagree on their
order: pypdf keeps them as written («لا»), poppler (pdftotext, evince, okular) spreads
them left to right over the glyph and then reverses the right-to-left line («ال»).

In the copies built here every ligature over Arabic-script letters becomes one glyph
per letter, each mapped to its one letter. The shaper still picks the joining forms
and still matches the ligature's letters; instead of merging them it substitutes each
in place (a chained context lookup calling one single substitution per letter):

- the letter drawn leftmost (the ligature's last letter, right to left) gets the
  ligature's whole outline;
- the others get no outline;
- the ligature's advance is shared among them, so the line is laid out and drawn as
  before, to the pixel.

Ligatures whose result is a mark (a shadda and a fatha drawn as one) and ligatures of
Latin letters (fi, fl) stay as they are: their readers agree. The screen uses the
fonts as published; only `html.render_pdf` uses these copies.

Built by `make fonts` (scripts/build_pdf_fonts.py) into static/fonts/pdf/; where a
copy is missing, documents use the published font.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["PDF_FONTS_SUBDIR", "build_pdf_font", "build_pdf_fonts", "split_ligatures"]

PDF_FONTS_SUBDIR = "pdf"

# The code points whose glyphs (and the forms substituted from them) are Arabic script.
_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
_ZWNJ = 0x200C
_MARK_CLASS = 3  # GDEF glyph class of a mark
_BASE_CLASS = 1
_LIGATURE_TYPE = 4
_MARK_BASE_POS = 4
_MARK_LIGATURE_POS = 5


@dataclass(frozen=True)
class _Ligature:
    components: tuple[str, ...]  # in logical order: the first letter first
    glyph: str


def _arabic_glyphs(font: Any) -> set[str]:
    """Glyphs of Arabic code points and every glyph a single substitution makes of them."""
    cmap = font.getBestCmap()
    glyphs = {g for cp, g in cmap.items() if any(lo <= cp <= hi for lo, hi in _ARABIC_RANGES)}
    singles: list[dict[str, str]] = []
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in _subtables(lookup):
            if sub.LookupType == 1:
                singles.append(sub.mapping)
    grown = True
    while grown:
        before = len(glyphs)
        for mapping in singles:
            glyphs.update(out for src, out in mapping.items() if src in glyphs)
        grown = len(glyphs) > before
    return glyphs


def _subtables(lookup: Any) -> list[Any]:
    """A lookup's subtables, the extension wrappers (GSUB 7, GPOS 9) opened. Each has
    its own LookupType."""
    subs = []
    for sub in lookup.SubTable:
        subs.append(sub.ExtSubTable if hasattr(sub, "ExtSubTable") else sub)
    return subs


def _new_lookup(lookup_type: int, flag: int, subtables: list[Any]) -> Any:
    from fontTools.ttLib.tables import otTables as ot  # type: ignore[import-untyped]

    lookup = ot.Lookup()
    lookup.LookupType = lookup_type
    lookup.LookupFlag = flag
    lookup.SubTable = subtables
    lookup.SubTableCount = len(subtables)
    return lookup


def _single(mapping: dict[str, str]) -> Any:
    from fontTools.ttLib.tables import otTables as ot

    sub = ot.SingleSubst()
    sub.mapping = mapping
    return sub


def _ligature_subtable(ligatures: Iterable[_Ligature]) -> Any:
    from fontTools.ttLib.tables import otTables as ot

    sub = ot.LigatureSubst()
    sub.ligatures = {}
    for lig in ligatures:
        entry = ot.Ligature()
        entry.LigGlyph = lig.glyph
        entry.Component = list(lig.components[1:])
        entry.CompCount = len(lig.components)
        sub.ligatures.setdefault(lig.components[0], []).append(entry)
    return sub


def _chain_rule(components: tuple[str, ...], lookup_indices: list[int]) -> Any:
    """Match `components` in a row and apply lookup_indices[i] at the i-th of them."""
    from fontTools.ttLib.tables import otTables as ot

    sub = ot.ChainContextSubst()
    sub.Format = 3
    sub.BacktrackCoverage = []
    sub.LookAheadCoverage = []
    sub.InputCoverage = []
    for glyph in components:
        coverage = ot.Coverage()
        coverage.glyphs = [glyph]
        sub.InputCoverage.append(coverage)
    sub.SubstLookupRecord = []
    for position, index in enumerate(lookup_indices):
        record = ot.SubstLookupRecord()
        record.SequenceIndex = position
        record.LookupListIndex = index
        sub.SubstLookupRecord.append(record)
    sub.BacktrackGlyphCount = sub.LookAheadGlyphCount = 0
    sub.InputGlyphCount = len(components)
    sub.SubstCount = len(lookup_indices)
    return sub


def _add_parts(font: Any, lig: _Ligature, serial: int) -> list[tuple[str, int]]:
    """One new glyph per letter of `lig`: the last carries the outline, advances shared.
    Returns each part with its origin's distance from the ligature's (right to left:
    the parts of the later letters lie to its left)."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph  # type: ignore[import-untyped]

    glyf, hmtx = font["glyf"], font["hmtx"]
    gdef = font["GDEF"].table.GlyphClassDef.classDefs
    advance, lsb = hmtx[lig.glyph]
    n = len(lig.components)
    # A mark keeps no advance of its own (as when drawn alone): the letters share it.
    letters = [i for i, c in enumerate(lig.components) if gdef.get(c) != _MARK_CLASS] or [0]
    shares = [0] * n
    for i in letters:
        shares[i] = advance // len(letters)
    shares[letters[-1]] += advance - sum(shares)
    names = []
    for i, share in enumerate(shares):
        name = f"{lig.glyph}.part{i + 1}.{serial}"
        if i == letters[-1]:  # the leftmost letter: the whole ligature, same origin
            glyph = copy.deepcopy(glyf[lig.glyph])
            metrics = (share, lsb)
        else:
            glyph = Glyph()
            glyph.numberOfContours = 0
            metrics = (share, 0)
        font.glyphOrder.append(name)
        glyf.glyphs[name] = glyph
        hmtx.metrics[name] = metrics
        gdef[name] = _BASE_CLASS
        names.append((name, sum(shares[i + 1 :])))
    return names


def split_ligatures(font: Any) -> int:
    """Turn `font`'s Arabic-script ligatures into one glyph a letter (see the module
    docstring), in place; returns how many ligatures were split."""
    arabic = _arabic_glyphs(font)
    gdef = font["GDEF"].table.GlyphClassDef.classDefs
    lookups = font["GSUB"].table.LookupList.Lookup
    font.glyphOrder = list(font.getGlyphOrder())
    split = 0
    placed: dict[str, list[list[tuple[str, int]]]] = {}
    for index in range(len(lookups)):
        lookup = lookups[index]
        subs = _subtables(lookup)
        if not subs or subs[0].LookupType != _LIGATURE_TYPE:
            continue
        ordered = [
            _Ligature((first, *entry.Component), entry.LigGlyph)
            for sub in subs
            for first, entries in sub.ligatures.items()
            for entry in entries
        ]
        if not any(_splits(lig, arabic, gdef) for lig in ordered):
            continue
        rules = []
        for lig in ordered:
            if _splits(lig, arabic, gdef):
                parts = _add_parts(font, lig, split)
                placed.setdefault(lig.glyph, []).append(parts)
                called = []
                for component, (part, _) in zip(lig.components, parts, strict=True):
                    lookups.append(_new_lookup(1, 0, [_single({component: part})]))
                    called.append(len(lookups) - 1)
                split += 1
            else:  # kept: the chain calls a ligature lookup holding only it
                lookups.append(
                    _new_lookup(_LIGATURE_TYPE, lookup.LookupFlag, [_ligature_subtable([lig])])
                )
                called = [len(lookups) - 1]
            rules.append(_chain_rule(lig.components, called))
        lookups[index] = _new_lookup(6, lookup.LookupFlag, rules)
    _keep_zwnj(font, lookups)
    _attach_marks(font, placed)
    font["GSUB"].table.LookupList.LookupCount = len(lookups)
    font.setGlyphOrder(font.glyphOrder)
    font["glyf"].glyphOrder = font.glyphOrder
    return split


def _attach_marks(font: Any, placed: dict[str, list[list[tuple[str, int]]]]) -> None:
    """Give each part the anchors its letter had on the ligature, so a mark on «لاً» or
    on «ۀ» sits where it did: for every mark-to-ligature or mark-to-base subtable that
    holds a split ligature, a mark-to-base lookup over its parts, in the same features."""
    from fontTools.ttLib.tables import otTables as ot

    lookups = font["GPOS"].table.LookupList.Lookup
    order = {name: i for i, name in enumerate(font.glyphOrder)}
    added: dict[int, list[int]] = {}
    for index in range(len(lookups)):
        lookup = lookups[index]
        for sub in _subtables(lookup):
            records = _part_anchors(sub, placed)
            if not records:
                continue
            records.sort(key=lambda record: order[record[0]])  # the coverage's order
            new = ot.MarkBasePos()
            new.Format = 1
            new.MarkCoverage, new.MarkArray, new.ClassCount = (
                sub.MarkCoverage,
                sub.MarkArray,
                sub.ClassCount,
            )
            new.BaseCoverage = ot.Coverage()
            new.BaseCoverage.glyphs = [name for name, _ in records]
            new.BaseArray = ot.BaseArray()
            new.BaseArray.BaseRecord = []
            for _, anchors in records:
                record = ot.BaseRecord()
                record.BaseAnchor = anchors
                new.BaseArray.BaseRecord.append(record)
            new.BaseArray.BaseCount = len(records)
            positioned = _new_lookup(_MARK_BASE_POS, lookup.LookupFlag, [new])
            if getattr(lookup, "MarkFilteringSet", None) is not None:
                positioned.MarkFilteringSet = lookup.MarkFilteringSet
            lookups.append(positioned)
            added.setdefault(index, []).append(len(lookups) - 1)
    for record in font["GPOS"].table.FeatureList.FeatureRecord:
        indices = record.Feature.LookupListIndex
        for index in list(indices):
            indices.extend(added.get(index, []))
        record.Feature.LookupCount = len(indices)
    font["GPOS"].table.LookupList.LookupCount = len(lookups)


def _part_anchors(sub: Any, placed: dict[str, list[list[tuple[str, int]]]]) -> list[Any]:
    """(part, its anchor per mark class) for the split ligatures that `sub` positions
    marks on: the letter's own anchor on a mark-to-ligature subtable, the ligature's on
    a mark-to-base one; moved by the part's distance from the ligature's origin."""
    if sub.LookupType == _MARK_LIGATURE_POS:
        coverage, attach = sub.LigatureCoverage.glyphs, sub.LigatureArray.LigatureAttach
    elif sub.LookupType == _MARK_BASE_POS:
        coverage, attach = sub.BaseCoverage.glyphs, sub.BaseArray.BaseRecord
    else:
        return []
    records = []
    for position, glyph in enumerate(coverage):
        for parts in placed.get(glyph, []):
            for i, (name, offset) in enumerate(parts):
                if sub.LookupType == _MARK_LIGATURE_POS:
                    components = attach[position].ComponentRecord
                    anchors = components[min(i, len(components) - 1)].LigatureAnchor
                else:
                    anchors = attach[position].BaseAnchor
                records.append((name, [_moved(a, offset) for a in anchors]))
    return records


def _moved(anchor: Any, offset: int) -> Any:
    if anchor is None:
        return None
    from fontTools.ttLib.tables import otTables as ot

    moved = ot.Anchor()
    moved.Format = 1
    moved.XCoordinate = anchor.XCoordinate - offset
    moved.YCoordinate = anchor.YCoordinate
    return moved


def _keep_zwnj(font: Any, lookups: list[Any]) -> None:
    """Substitute the ZWNJ glyph by an equal copy: the shaper hides a default-ignorable
    character (no glyph reaches the PDF, so no reader gets the ZWNJ back) unless GSUB
    has substituted it. Added to every `ccmp` feature, so it applies in every script."""
    zwnj = font.getBestCmap().get(_ZWNJ)
    if zwnj is None:
        return
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    name = f"{zwnj}.kept"
    glyph = Glyph()
    glyph.numberOfContours = 0
    font.glyphOrder.append(name)
    font["glyf"].glyphs[name] = glyph
    font["hmtx"].metrics[name] = font["hmtx"][zwnj]
    font["GDEF"].table.GlyphClassDef.classDefs[name] = _BASE_CLASS
    lookups.append(_new_lookup(1, 0, [_single({zwnj: name})]))
    for record in font["GSUB"].table.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(len(lookups) - 1)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)


def _splits(lig: _Ligature, arabic: set[str], gdef: dict[str, int]) -> bool:
    return any(c in arabic for c in lig.components) and gdef.get(lig.glyph) != _MARK_CLASS


def build_pdf_font(source: Path, target: Path) -> int:
    """Write the PDF copy of the TTF `source` to `target`; returns the ligatures split."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(source)
    split = split_ligatures(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    return split


def build_pdf_fonts(fonts_dir: Path) -> list[Path]:
    """Build fonts_dir/pdf/<name>.ttf for every Vazirmatn TTF of `fonts_dir`."""
    built = []
    for source in sorted(fonts_dir.glob("Vazirmatn-*.ttf")):
        target = fonts_dir / PDF_FONTS_SUBDIR / source.name
        build_pdf_font(source, target)
        built.append(target)
    return built
