"""A printed document reads nothing but our own fonts and the stored logo: text typed
into an agency's short name (which the letter's footer prints from the stylesheet)
can neither close the style nor make the renderer attach a server file or fetch an
address. On SQLite and PostgreSQL through `seeded_url`; `pdfdetach` (poppler) lists
what a PDF carries.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from data_layer.db import read_session, write_session
from data_layer.documents import html as html_doc
from data_layer.documents.html import document, el, refused_fetch, render_pdf
from data_layer.documents.letters import follow_up_letter_pdf, letter_html
from data_layer.models import Agency
from data_layer.output import css_text
from tests.conftest import AS_OF
from tests.data_layer.test_documents import EDUCATION, _require


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = b"root:x:0:0:root:/root:/bin/sh\n"
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server that records every path asked of it."""
    seen: list[str] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def _payloads(port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    return [
        "y</style><a rel=attachment href=file:///etc/passwd>p</a>",
        f"x</style><img src={base}/img>",
        f'x"; }} body {{ background: url({base}/css) }} x {{ content: "',
        f"x</style><link rel=stylesheet href={base}/link><style>",
        "y</STYLE ><a rel=attachment href=/etc/hostname>p</a>",
    ]


def _attachments(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [_require("pdfdetach"), "-list", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_hostile_short_names_attach_nothing_and_fetch_nothing(
    seeded_url: str, tmp_path: Path, listener: tuple[int, list[str]]
) -> None:
    port, seen = listener
    for payload in _payloads(port):
        with write_session(seeded_url) as session:
            agency = session.scalars(select(Agency).where(col(Agency.name) == EDUCATION)).one()
            agency.short_name = payload
            agency_id = agency.id
            assert agency_id is not None
        with read_session(seeded_url) as session:
            page = letter_html(session, agency_id=agency_id, today=AS_OF)
            pdf = follow_up_letter_pdf(session, agency_id=agency_id, today=AS_OF)
        # One <style> element, closed once; nothing typed opened another element.
        assert page.lower().count("</style") == 1, payload
        assert "<a " not in page and "<img" not in page and "<link" not in page
        listing = _attachments(pdf, tmp_path)
        assert re.match(r"0 embedded files", listing), (payload, listing)
        assert b"root:" not in pdf
    assert seen == []


def test_the_renderer_fetches_only_our_fonts_and_an_image_logo(
    tmp_path: Path, listener: tuple[int, list[str]]
) -> None:
    port, seen = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    # Markup a document builder could never produce, to test the fetcher alone.
    body = (
        f'<a rel="attachment" href="{secret.as_uri()}">a</a>'
        f'<a rel="attachment" href="http://127.0.0.1:{port}/att">b</a>'
        f'<img src="http://127.0.0.1:{port}/img">'
        '<a rel="attachment" href="data:text/plain,hello">c</a>'
    )
    html = document("t", el("p", "متن")).replace("<body>", "<body>" + body)
    pdf = render_pdf(html)
    assert re.match(r"0 embedded files", _attachments(pdf, tmp_path))
    assert seen == []
    for font in html_doc.FONTS_DIR.glob("Vazirmatn-*.ttf"):
        assert refused_fetch(font.resolve().as_uri()) is None
    assert refused_fetch("data:image/png;base64,iVBORw0KGgo=") is None
    for url in (
        "file:///etc/passwd",
        (html_doc.FONTS_DIR / ".." / ".." / "data_layer" / "config.py").as_uri(),
        "file://other-host/etc/passwd",
        f"http://127.0.0.1:{port}/x",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "data:text/html,<b>x</b>",
        "data:image/svg+xml,<svg/>",
    ):
        assert refused_fetch(url) is not None, url


@pytest.mark.parametrize(
    "text",
    ['a"b', "a\\b", "</style>", "</STYLE >", "x;}@import url(x);", "خط\nدوم", "<!--", "]]>"],
)
def test_css_text_never_leaves_its_string(text: str) -> None:
    css = css_text(text)
    inner = css[1:-1]
    assert css[0] == css[-1] == '"'
    for ch in "\"'<>;{}()\n@/!":
        assert ch not in inner, (text, css)
