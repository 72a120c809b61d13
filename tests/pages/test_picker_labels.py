"""Every picker that lists rows or tokens labels them through `ui.pickers.distinct`.

Streamlit's selectbox, radio and multiselect send the choice back as its label and
map it to an option by a dict: of two options with one label the last always wins
(issue 20: withdrawing the first of two look-alike deliveries withdrew the other).
This reads every such call in pages/ and ui/ and checks where its labels come from.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui.pickers import distinct

ROOT = Path(__file__).resolve().parents[2]
PICKERS = {"selectbox", "radio", "multiselect"}
FILES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])
# Labels that cannot repeat by construction: each slide title starts with its number;
# a page of the late rows is named by its own number ("page n of pages").
NUMBERED = {("pages/projector.py", "titles"), ("pages/overview.py", "pages")}


def _distinct_names(tree: ast.AST) -> set[str]:
    """Names the module binds to distinct(...) (or to a pick of them)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call | ast.Tuple):
            calls = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            targets = node.targets[0]
            names = targets.elts if isinstance(targets, ast.Tuple) else [targets]
            for target, call in zip(names, calls, strict=False):
                f = call.func if isinstance(call, ast.Call) else None
                if isinstance(f, ast.Name) and f.id == "distinct" and isinstance(target, ast.Name):
                    found.add(target.id)
    return found


def _label_sources(call: ast.Call) -> set[str]:
    """The variables a picker's format_func reads its labels from (constants and the
    lambda's own argument left out)."""
    func = next((k.value for k in call.keywords if k.arg == "format_func"), None)
    if func is None:
        return set()  # the options are their own labels: equal labels, equal values
    own = {a.arg for a in func.args.args} if isinstance(func, ast.Lambda) else set()
    return {
        n.id
        for n in ast.walk(func)
        if isinstance(n, ast.Name) and n.id not in own and not n.id.isupper()
    } - {"str", "int", "format_number", "to_fa_digits"}


def _calls() -> list[tuple[str, int, set[str], set[str]]]:
    found = []
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = _distinct_names(tree)
        name = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in PICKERS
            ):
                sources = _label_sources(node) - {v for f, v in NUMBERED if f == name}
                found.append((name, node.lineno, sources, bound))
    return found


CALLS = _calls()


def test_the_check_finds_the_pickers() -> None:
    assert len(CALLS) >= 30


@pytest.mark.parametrize(
    ("path", "line", "sources", "bound"), CALLS, ids=[f"{c[0]}:{c[1]}" for c in CALLS]
)
def test_every_picker_labels_its_rows_through_distinct(
    path: str, line: int, sources: set[str], bound: set[str]
) -> None:
    loose = sources - bound
    assert not loose, f"{path}:{line}: label {sorted(loose)} through ui.pickers.distinct"


def test_distinct_gives_look_alikes_their_row_and_keeps_the_rest() -> None:
    same = "خانه فرهنگ محله — کوی فرهنگیان — سال ۱۴۰۵"
    labels = distinct({12: same, 7: same, 3: "کتابخانه"})
    assert labels == {12: f"{same} (ردیف ۱۲)", 7: f"{same} (ردیف ۷)", 3: "کتابخانه"}
    hostile = distinct({1: "الف", 2: "الف", 3: "الف (ردیف ۱)"})
    assert len(set(hostile.values())) == 3
