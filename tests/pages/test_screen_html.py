"""Screen HTML escapes by default (ui/html.py): a value put into a template is text
unless it is itself markup, escaped for where it stands; only string literals are
marked as markup, and only `show` hands HTML to Streamlit."""

from __future__ import annotations

import ast
import html as stdlib_html
from pathlib import Path

import pytest

from data_layer.output import strip_bidi
from tests.hostile import CORPUS, raw_markup
from tests.pages.conftest import shown
from ui.html import Html, data_url, stylesheet

ROOT = Path(__file__).resolve().parents[2]
SCREENS = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted(p for p in (ROOT / "ui").glob("*.py") if p.name != "html.py"),
]


@pytest.mark.parametrize("typed", CORPUS)
def test_a_value_between_tags_is_text_and_inside_a_tag_an_attribute_value(typed: str) -> None:
    fragment = Html("<td title=\"{}\" data-x='{}'>{}</td>").format(typed, typed, typed)
    assert fragment.startswith('<td title="') and fragment.endswith("</td>")
    attributes, body = fragment[4:].split(">", 1)
    assert not raw_markup(fragment), raw_markup(fragment)
    # Neither quote can end an attribute early, and no tag opens inside one.
    assert attributes.count('"') == 2 and attributes.count("'") == 2, attributes
    assert "<" not in attributes
    assert "<" not in body.replace("<span></span>", "").replace("</td>", "")


def test_line_breaks_are_br_in_text_and_a_character_in_an_attribute() -> None:
    fragment = Html('<p title="{}">{}</p>').format("یک\nدو", "یک\nدو")
    assert fragment == '<p title="یک&#10;دو">یک<br>دو</p>'
    assert stdlib_html.unescape(fragment.split('"')[1]) == "یک\nدو"


def test_markup_goes_in_as_markup_and_plain_strings_as_text_whatever_the_operator() -> None:
    bold = Html("<b>{}</b>").format("x")
    assert Html("<p>{}</p>").format(bold) == "<p><b>x</b></p>"
    assert Html("<p>") + "<b>" == "<p>&#60;<span></span>b&#62;<span></span>"
    assert "<b>" + Html("<p>") == "&#60;<span></span>b&#62;<span></span><p>"
    assert Html("").join(["<i>", bold]) == "&#60;<span></span>i&#62;<span></span><b>x</b>"
    assert Html("<p>{} {}</p>").format(None, 3) == "<p> 3</p>"
    assert Html('<span style="width:{:.0f}%">').format(45.4) == '<span style="width:45%">'


def test_markup_never_breaks_out_of_an_attribute() -> None:
    with pytest.raises(ValueError):
        Html('<a title="{}">').format(Html('x" onmouseover="alert(1)'))
    assert Html('<img src="{}">').format(data_url("image/png", b"\x89PNG")) == (
        '<img src="data:image/png;base64,iVBORw==">'
    )
    with pytest.raises(ValueError):
        data_url('image/png"><script>', b"")


def test_a_stylesheet_cannot_end_its_own_element() -> None:
    assert stylesheet(".a > b { color: red; }") == "<style>.a > b { color: red; }</style>"
    with pytest.raises(ValueError):
        stylesheet("</style><script>alert(1)</script>")


@pytest.mark.parametrize("typed", CORPUS)
def test_text_escaped_by_default_reads_as_typed(typed: str) -> None:
    for template in ("<p>{}</p>", '<p title="{}"></p>'):
        shown_text = shown(Html(template).format(typed))
        assert shown_text == template.format(strip_bidi(typed))  # bidi controls dropped


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_only_literals_are_marked_as_markup_and_only_show_draws_html(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in source, f"{path}: screen HTML goes through ui.html.show"
    assert "inert_html" not in source and "inert_attr" not in source, path
    for call in _calls(path):
        if _name(call) not in ("Html", "Markup"):
            continue
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        assert _name(call) == "Html" and not call.keywords, where
        for arg in call.args:
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            constant = isinstance(arg, ast.Name) and arg.id.isupper()
            assert literal or constant, f"{where}: Html() marks only a literal as markup"
