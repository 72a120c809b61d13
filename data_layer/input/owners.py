"""Owner matching: the «مسوول پیگیری» cell of the minutes turned into agencies.

«ادارات عضو کارگروه» is every member agency; «وزارت کشور/ کانون پرورش فکری» is two
agencies; «اداره کل آموزش و پرورش» is one, although it contains « و ». Every part
of a text that no agency was found for is kept with the reason and the agencies it
resembles, so a person can choose or remove it; nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from data_layer.queries.agencies import AgencyRef
from data_layer.text import match_key

__all__ = ["OwnerMatch", "OwnerSpec", "match_owners", "owner_matcher"]


@dataclass(frozen=True)
class OwnerSpec:
    """Who follows a resolution up: every member agency and/or listed agencies.

    `lead` is the agency id of the lead owner (مسئول اصلی), one of the owners, or
    None when no owner leads.
    """

    all_members: bool
    agency_ids: tuple[int, ...] = ()
    lead: int | None = None


@dataclass(frozen=True)
class OwnerMatch:
    """How an owner text was understood.

    `matched` holds (part of the text, agency id, 'exact' | 'alias' | 'learned' |
    'close'), 'learned' for a name remembered from an earlier file;
    `unmatched` the parts no agency was found for (an empty text gives [""]);
    `suggestions` the agencies each unmatched part might mean, best first;
    `ambiguous` the unmatched parts that are the exact name of several agencies.
    """

    all_members: bool
    matched: list[tuple[str, int, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    suggestions: dict[str, list[int]] = field(default_factory=dict)
    ambiguous: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        """True when every part was matched (and there was something to match)."""
        return not self.unmatched and (self.all_members or bool(self.matched))

    def spec(self) -> OwnerSpec | None:
        """The owners to record, or None while a part is unmatched."""
        if not self.ok:
            return None
        ids = tuple(dict.fromkeys(agency_id for _, agency_id, _ in self.matched))
        return OwnerSpec(self.all_members, ids)


_ALL_MEMBER_KEYS = frozenset(
    match_key(prefix + body)
    for prefix in ("", "کلیه ", "همه ", "تمام ", "تمامی ", "کلیه‌ی ", "همه‌ی ")
    for body in (
        "ادارات عضو کارگروه",
        "ادارات عضو",
        "دستگاه‌های عضو کارگروه",
        "دستگاه‌های عضو",
        "دستگاه های عضو",
        "اعضای کارگروه",
        "ادارات و دستگاه‌های عضو کارگروه",
        "دستگاه‌های اجرایی عضو کارگروه",
        "دستگاه‌های اجرایی عضو",
    )
)
_DIRECTORATE = match_key("اداره کل")
_PROVINCE = match_key("استان")
_LIST_SEPARATORS = re.compile(r"\s*(?:[/،,؛;|\\\n]|\s-\s)\s*")
_AND = re.compile(r"\s+و\s+")
_RANK = {"exact": 0, "alias": 1, "learned": 2, "close": 3}  # a name's best reason wins
_MAX_PARTS = 24
_MAX_SPAN = 4  # at most this many pieces of a list are tried together as one name


def _atom_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty piece of text between list separators."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _LIST_SEPARATORS.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if match_key(text[a:b])]


def _ratio(a: str, b: str) -> float:
    """Similarity 0-1 (2 x matching characters / both lengths); 0 below 0.8.

    rapidfuzz's Indel similarity: the same decisions as difflib's ratio on the seed's
    owner texts and their variants, about six times faster
    (bench/matching.py).
    """
    return float(Indel.normalized_similarity(a, b, score_cutoff=0.8))


def _variants(key: str) -> list[str]:
    """A key, and the key without a leading «اداره کل» and/or a trailing «استان»."""
    out = [key]
    stripped = key
    if stripped.startswith(_DIRECTORATE):
        stripped = stripped[len(_DIRECTORATE) :]
        out.append(stripped)
    if stripped.endswith(_PROVINCE):
        out.append(stripped[: -len(_PROVINCE)])
    if key.endswith(_PROVINCE):
        out.append(key[: -len(_PROVINCE)])
    return [k for k in dict.fromkeys(out) if len(k) >= 2]


@dataclass(frozen=True)
class _Hit:
    """What one piece of owner text resolved to."""

    all_members: bool = False
    agency_id: int | None = None
    how: str = ""
    suggestions: tuple[int, ...] = ()
    ambiguous: bool = False

    @property
    def found(self) -> bool:
        return self.all_members or self.agency_id is not None


# (unmatched atoms, 'close' matches, parts) and the parts, for the segmentation search.
_Segmentation = tuple[tuple[int, int, int], list[tuple[str, "_Hit"]]]


class OwnerMatcher:
    """Owner matching against one list of agencies (built once, used for many texts)."""

    def __init__(self, agencies: Sequence[AgencyRef]) -> None:
        self.exact: dict[str, dict[int, str]] = {}
        self.keys: dict[int, list[str]] = {}
        for ref in agencies:
            keys: list[str] = []
            for text, how in (
                (ref.name, "exact"),
                (ref.short_name, "exact"),
                *((alias, "alias") for alias in ref.aliases),
                *((name, "learned") for name in ref.learned),
            ):
                key = match_key(text)
                if not key:
                    continue
                for k in _variants(key) if how == "exact" else [key]:
                    hits = self.exact.setdefault(k, {})
                    if _RANK[how] < _RANK[hits.get(ref.id, "close")]:
                        hits[ref.id] = how
                    keys.append(k)
            self.keys[ref.id] = list(dict.fromkeys(keys))
        self._cache: dict[str, _Hit] = {}

    def resolve(self, text: str) -> _Hit:
        """One piece of text: all members, one agency, or nothing (with suggestions)."""
        key = match_key(text)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._resolve(key)
        return hit

    def _resolve(self, key: str) -> _Hit:
        if not key:
            return _Hit()
        variants = _variants(key)
        if any(k in _ALL_MEMBER_KEYS for k in variants):
            return _Hit(all_members=True, how="exact")
        for k in variants:
            hits = self.exact.get(k)
            if hits and len(hits) == 1:
                ((agency_id, how),) = hits.items()
                return _Hit(agency_id=agency_id, how=how)
            if hits:  # the same name for several agencies: let a person choose
                return _Hit(suggestions=tuple(sorted(hits)), ambiguous=True)
        scored: list[tuple[float, int]] = []
        for agency_id, keys in self.keys.items():
            ratio = max((_ratio(v, k) for v in variants for k in keys), default=0.0)
            contains = any(
                min(len(v), len(k)) >= 4 and (k in v or v in k) for v in variants for k in keys
            )
            if ratio >= 0.8 or contains:
                scored.append((ratio, agency_id))
        scored.sort(key=lambda s: (-s[0], s[1]))
        if scored and scored[0][0] >= 0.9 and (len(scored) == 1 or scored[1][0] < 0.9):
            return _Hit(agency_id=scored[0][1], how="close")
        return _Hit(suggestions=tuple(a for _, a in scored[:5]))

    def _split_and(self, text: str) -> list[tuple[str, _Hit]] | None:
        """Split on « و » into parts that all match, fewest 'close' then fewest parts."""
        atoms = [a for a in _AND.split(text) if a.strip()]
        n = len(atoms)
        if n < 2 or n > _MAX_PARTS:
            return None
        best: list[tuple[tuple[int, int], list[tuple[str, _Hit]]] | None] = [None] * (n + 1)
        best[n] = ((0, 0), [])
        for i in range(n - 1, -1, -1):
            for j in range(i + 1, min(i + _MAX_SPAN, n) + 1):
                rest = best[j]
                if rest is None or (i == 0 and j == n):
                    continue
                part = " و ".join(atoms[i:j])
                hit = self.resolve(part)
                if not hit.found:
                    continue
                cost = (rest[0][0] + (hit.how == "close"), rest[0][1] + 1)
                current = best[i]
                if current is None or cost < current[0]:
                    best[i] = (cost, [(part, hit), *rest[1]])
        first = best[0]
        return None if first is None else first[1]

    def match(self, owner_text: str) -> OwnerMatch:
        """Understand an owner text (see match_owners)."""
        text = (owner_text or "").strip()
        if not match_key(text):
            return OwnerMatch(False, [], [text], {})
        whole = self.resolve(text)
        if whole.found and whole.how != "close":
            return self._result([(text, whole)])
        spans = _atom_spans(text)
        atoms = [text[a:b] for a, b in spans]
        if len(atoms) > _MAX_PARTS:  # no search over segmentations of a very long text
            return self._result([(a, self.resolve(a)) for a in atoms])

        def joined(i: int, j: int) -> str:  # the original text of atoms i..j-1
            return text[spans[i][0] : spans[j - 1][1]]

        # Fewest unmatched atoms, then fewest 'close' matches, then fewest parts.
        n = len(atoms)
        best: list[_Segmentation | None] = [None] * (n + 1)
        best[n] = ((0, 0, 0), [])
        for i in range(n - 1, -1, -1):
            for j in range(i + 1, min(i + _MAX_SPAN, n) + 1):
                rest = best[j]
                if rest is None:
                    continue
                part = joined(i, j)
                hit = self.resolve(part)
                pieces: list[tuple[str, _Hit]]
                if hit.found:
                    pieces = [(part, hit)]
                    cost = (0, int(hit.how == "close"), 1)
                elif j == i + 1:
                    split = self._split_and(part)
                    if split is not None:
                        pieces = split
                        closes = sum(h.how == "close" for _, h in split)
                        cost = (0, closes, len(split))
                    else:
                        pieces = [(part, hit)]
                        cost = (1, 0, 1)
                else:
                    continue
                total = (rest[0][0] + cost[0], rest[0][1] + cost[1], rest[0][2] + cost[2])
                current = best[i]
                if current is None or total < current[0]:
                    best[i] = (total, pieces + rest[1])
        plan = best[0]
        assert plan is not None
        return self._result(plan[1])

    @staticmethod
    def _result(pieces: list[tuple[str, _Hit]]) -> OwnerMatch:
        all_members = False
        matched: list[tuple[str, int, str]] = []
        unmatched: list[str] = []
        suggestions: dict[str, list[int]] = {}
        ambiguous: set[str] = set()
        seen: set[int] = set()
        for part, hit in pieces:
            if hit.all_members:
                all_members = True
            elif hit.agency_id is not None:
                if hit.agency_id not in seen:
                    seen.add(hit.agency_id)
                    matched.append((part, hit.agency_id, hit.how))
            else:
                unmatched.append(part)
                suggestions[part] = list(hit.suggestions)
                if hit.ambiguous:
                    ambiguous.add(part)
        return OwnerMatch(all_members, matched, unmatched, suggestions, frozenset(ambiguous))


def owner_matcher(agencies: Sequence[AgencyRef]) -> OwnerMatcher:
    """A matcher built once for a list of agencies, to match many texts (`.match`)."""
    return OwnerMatcher(agencies)


def match_owners(owner_text: str, agencies: Sequence[AgencyRef]) -> OwnerMatch:
    """Turn an owner text of the minutes into agencies.

    Compared with match_key (Arabic ي/ك, ZWNJ and spacing do not matter). The whole
    text is tried first, then its parts split on '/', '،', ',' (and ';', '؛', line
    breaks), and only then parts split on « و » whose every piece matches, so
    «آموزش و پرورش» stays one agency. Exact: the name, short name, or the name
    without a leading «اداره کل» / trailing «استان»; alias: one of the aliases;
    close: a similarity of 0.9 or more to exactly one agency. Anything less is
    unmatched, with the agencies it resembles (ratio 0.8+, or one name containing
    the other) as suggestions.
    """
    return OwnerMatcher(agencies).match(owner_text)
