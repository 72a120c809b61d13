"""axe-core in Chromium on the main pages: no violation of WCAG 2.1 A/AA, and on
«مصوبات» the count of nodes under AAA contrast (7:1), recorded in docs/accessibility.md."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import IN_CI, ROOT
from tests.browser.steps import sign_in, visit

AXE = ROOT / ".cache" / "axe" / "axe.min.js"
AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["overview", "inbox", "resolutions", "meetings", "coverage", "gaps", "my_agency"]
# AAA contrast (7:1) on «مصوبات»: 83 nodes failed before the theme's colours were
# darkened; what is left is recorded in docs/accessibility.md. The test holds the line.
AAA_CONTRAST_AT_MOST = int(os.environ.get("AAA_CONTRAST_AT_MOST", "0"))


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        subprocess.run(["sh", str(ROOT / "scripts" / "fetch_axe.sh")], check=False)
    if not AXE.exists():
        if IN_CI:
            pytest.fail("axe-core could not be fetched (scripts/fetch_axe.sh needs npm)")
        pytest.skip("axe-core is not installed (sh scripts/fetch_axe.sh)")
    return AXE.read_text(encoding="utf-8")


def run_axe(page: Page, source: str, rules: dict[str, Any]) -> list[dict[str, Any]]:
    """axe's violations on the page as it stands."""
    page.add_script_tag(content=source)
    result = page.evaluate(
        "async (options) => (await axe.run(document, options)).violations", rules
    )
    return list(result)


def _summary(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {"id": v["id"], "n": len(v["nodes"]), "first": v["nodes"][0]["target"]}
            for v in violations
        ],
        ensure_ascii=False,
    )


@pytest.mark.parametrize("who", ["dabir", "agency02"])
def test_the_main_pages_have_no_wcag_21_aa_violation(
    page: Page, app_server: str, axe_source: str, who: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, app_server, who)
    found = {}
    for slug in PAGES if who == "dabir" else ["inbox", "my_agency", "overview"]:
        visit(page, f"{app_server}/{slug}")
        violations = run_axe(page, axe_source, {"runOnly": {"type": "tag", "values": AA}})
        if violations:
            found[slug] = _summary(violations)
    assert not found, found


def test_resolutions_reach_aaa_contrast(page: Page, app_server: str, axe_source: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, app_server, "dabir")
    visit(page, f"{app_server}/resolutions")
    violations = run_axe(
        page, axe_source, {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}}
    )
    failing = sum(len(v["nodes"]) for v in violations)
    Path(ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "aaa-contrast-resolutions.json").write_text(
        json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert failing <= AAA_CONTRAST_AT_MOST, (failing, _summary(violations))
