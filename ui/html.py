"""Screen HTML that escapes by default.

A fragment of screen HTML is an `Html`: markupsafe's `Markup`, whose escaping is the
project's output rule (data_layer.output.inert). Its templates are ours; whatever is
put into one — what people typed and our own plain strings alike — goes in as text
unless it is itself `Html`:

    Html('<td class="{}" title="{}">{}</td>').format(level, tooltip, name)

In `format`, a value inside a tag (an attribute value) is escaped for an attribute
(line breaks as &#10;), one between tags as text (line breaks as <br>); `+`, `join`
and `%` put plain strings in as text. Only a string literal (or a module's constant)
may be marked as markup with `Html(...)`, which tests/test_screen_html.py enforces,
and `show` is the one place screen HTML reaches Streamlit.
"""

from __future__ import annotations

import base64
import re
import string
from collections.abc import Mapping, Sequence
from typing import Any, Self

import streamlit as st
from markupsafe import Markup

from data_layer.output import inert

__all__ = ["Html", "data_url", "show", "stylesheet"]

_FIELDS = string.Formatter()
_IMAGE_TYPE = re.compile(r"image/[a-z0-9.+-]+")
_ATTRIBUTE_BREAKERS = re.compile("[\"'<>]")  # what markup inside an attribute may not hold


def _inside_tag(literal: str, was_inside: bool) -> bool:
    """Whether the template is inside a tag after this literal piece of it."""
    opened, closed = literal.rfind("<"), literal.rfind(">")
    if opened == closed:  # neither: no change
        return was_inside
    return opened > closed


def _fill(template: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    """`template` with every field escaped for where it stands (attribute or text)."""
    out: list[str] = []
    inside, auto = False, 0
    for literal, field, spec, conversion in _FIELDS.parse(template):
        out.append(literal)
        inside = _inside_tag(literal, inside)
        if field is None:
            continue
        if field == "":
            field, auto = str(auto), auto + 1
        value, _ = _FIELDS.get_field(field, args, kwargs)
        if conversion:
            value = _FIELDS.convert_field(value, conversion)
        if hasattr(value, "__html__"):
            markup = value.__html__()
            if spec or (inside and _ATTRIBUTE_BREAKERS.search(markup)):
                raise ValueError("markup goes in unformatted, and never breaks out of an attribute")
            out.append(markup)
        else:
            text = "" if value is None else format(value, spec or "")
            out.append(inert(text, context="attribute" if inside else "html"))
    return "".join(out)


class Html(Markup):
    """A fragment of screen HTML: our markup, with everything put into it escaped."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any, /) -> Self:
        """`s` as a fragment: itself if it is markup, else its text made inert."""
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(inert(s, context="html"))

    def format(self, *args: Any, **kwargs: Any) -> Self:
        """The template with each value escaped for its place (attribute or text)."""
        return self.__class__(_fill(self, args, kwargs))

    def format_map(self, mapping: Mapping[str, Any], /) -> Self:  # type: ignore[override]
        """`format` with the values of a mapping."""
        return self.__class__(_fill(self, (), mapping))


def stylesheet(css: str) -> Html:
    """Our own stylesheet (a file of assets/) as a <style> element."""
    if "</" in css:
        raise ValueError("a stylesheet cannot close its own element")
    return Html("<style>") + Markup(css) + Html("</style>")


def data_url(media_type: str, content: bytes) -> Html:
    """An image we hold as a data: URL for an attribute (base64 needs no escaping)."""
    if not _IMAGE_TYPE.fullmatch(media_type):
        raise ValueError(f"not an image type: {media_type!r}")
    return Html(f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}")


def show(fragment: Html | str, where: Any = None) -> None:
    """Draw screen HTML (in `where`, a column or container; the page by default).

    Plain text is shown as text: only an `Html` fragment is drawn as markup.
    """
    (where or st).markdown(Html.escape(fragment), unsafe_allow_html=True)
