"""Owner matching with difflib against rapidfuzz, on the seed's owner texts and variants.

    python -m bench.matching

The corpus: the 14 owner texts of the minutes of 1402/07/29, every agency's name and
short name with one and two random letter edits, neighbouring pairs of agencies
written as one cell, and a few unknown names. Both similarity functions are run
through the same matcher (a fresh matcher per text, and one matcher for a whole
file), and the decisions are compared text by text.
"""

from __future__ import annotations

import difflib
import random
import statistics
import time
from collections.abc import Callable

from rapidfuzz.distance import Indel

import data_layer.input.owners as owners
from data_layer import seed_data
from data_layer.queries.agencies import AgencyRef


def difflib_ratio(a: str, b: str) -> float:
    """difflib's ratio, skipped below 0.8 by its cheap upper bounds (the old matcher)."""
    sm = difflib.SequenceMatcher(None, a, b)
    if sm.real_quick_ratio() < 0.8 or sm.quick_ratio() < 0.8:
        return 0.0
    return sm.ratio()


def rapidfuzz_ratio(a: str, b: str) -> float:
    """rapidfuzz's normalised Indel similarity (the matcher's choice)."""
    return float(Indel.normalized_similarity(a, b, score_cutoff=0.8))


def corpus() -> list[str]:
    """The owner texts to match."""
    rnd = random.Random(7)

    def edit(text: str) -> str:
        chars = list(text)
        i = rnd.randrange(len(chars))
        op = rnd.choice("dis")
        if op == "d":
            del chars[i]
        elif op == "i":
            chars.insert(i, rnd.choice("ابپتسشکگیو"))
        else:
            chars[i] = rnd.choice("ابپتسشکگیو")
        return "".join(chars)

    texts = [r.owners_as_written for r in seed_data.MEETING_7.resolutions]
    for a in seed_data.AGENCIES:
        for name in (a.name, a.short_name):
            texts += [name, edit(name), edit(edit(name))]
    pairs = zip(seed_data.AGENCIES, seed_data.AGENCIES[1:], strict=False)
    texts += [f"{a.short_name} / {b.short_name}" for a, b in pairs]
    return [*texts, "اداره کل هواشناسی استان", "وزارت کشور/ اداره کل هواشناسی استان"]


def decisions(ratio: Callable[[str, str], float], texts: list[str]) -> tuple[list[object], float]:
    """What the matcher decides for every text, and the median seconds over five runs."""
    refs = [
        AgencyRef(i, a.name, a.short_name, a.aliases, a.is_member)
        for i, a in enumerate(seed_data.AGENCIES, start=1)
    ]
    owners._ratio = ratio  # type: ignore[assignment]
    times, out = [], []
    for _ in range(5):
        matcher = owners.owner_matcher(refs)
        start = time.perf_counter()
        out = []
        for text in texts:
            matcher._cache.clear()
            m = matcher.match(text)
            out.append((m.all_members, m.matched, m.unmatched, sorted(m.suggestions.items())))
        times.append(time.perf_counter() - start)
    return out, statistics.median(times)


def main() -> None:
    """Print the comparison."""
    texts = corpus()
    old, old_s = decisions(difflib_ratio, texts)
    new, new_s = decisions(rapidfuzz_ratio, texts)
    owners._ratio = rapidfuzz_ratio  # type: ignore[assignment]
    differ = sum(a != b for a, b in zip(old, new, strict=True))
    print(f"{len(texts)} owner texts, one matcher for all (as an import uses it)")
    print(f"difflib   {1000 * old_s / len(texts):6.2f} ms a text")
    print(f"rapidfuzz {1000 * new_s / len(texts):6.2f} ms a text ({old_s / new_s:.1f}x faster)")
    print(f"texts decided differently: {differ}")


if __name__ == "__main__":
    main()
