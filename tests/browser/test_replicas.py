"""Two app replicas on one PostgreSQL: a save through one shows on the other, unasked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from data_layer.auth import SAMPLE_PASSWORD
from tests.browser.conftest import running_app, screenshot_path
from tests.browser.steps import act, sign_in, visit
from tests.conftest import Templates, _drop_postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def shared_postgres(templates: Templates) -> Iterator[str]:
    """A PostgreSQL database with the sample province, for both replicas."""
    url = templates.copy("seeded_url")
    try:
        yield url
    finally:
        _drop_postgres_database(url)


@pytest.fixture(scope="module")
def replicas(
    shared_postgres: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    logs: Path = tmp_path_factory.mktemp("replicas")
    with (
        running_app(shared_postgres, logs / "a.log", seed="none") as a,
        running_app(shared_postgres, logs / "b.log", seed="none") as b,
    ):
        yield a, b


def test_a_save_on_one_replica_appears_on_the_other_without_reloading(
    browser: Browser, replicas: tuple[str, str]
) -> None:
    replica_a, replica_b = replicas
    # Somebody in the hall watches the resolutions screen on replica B.
    watcher = browser.new_page(viewport={"width": 1366, "height": 768})
    visit(watcher, f"{replica_b}/resolutions")
    row = watcher.locator("table.matrix tbody tr").filter(has_text="آموزش و پرورش")
    cell = row.locator("td.cell[title*='مصوبه ۱۰']")
    expect(cell).to_be_visible()

    # Education's liaison reports on resolution 10 through replica A.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    visit(page, f"{replica_a}/sign_in")
    page.get_by_label("نام کاربری").fill("agency02")
    page.get_by_label("گذرواژه").fill(SAMPLE_PASSWORD)
    act(page, page.get_by_role("button", name="ورود").click)
    act(page, page.get_by_role("link", name="به‌روزرسانی ردیف‌های دستگاه من").click)
    page.get_by_role("tab", name="فرم کامل یک ردیف").click()
    box = page.get_by_role("combobox", name="ردیف", exact=True)
    box.click()
    box.fill("جلسه ۷، مصوبه ۱۰")
    act(page, lambda: page.keyboard.press("Enter"))
    form = page.locator("[data-testid='stForm']").first
    progress = form.get_by_label("پیشرفت ٪")
    expect(progress).to_have_count(1)  # the previous row's form has gone
    target = "35" if progress.input_value() not in ("35", "۳۵") else "45"
    status = form.get_by_role("combobox", name="وضعیت", exact=True)
    status.click()
    status.fill("در حال انجام")
    page.keyboard.press("Enter")
    progress.fill(target)
    act(page, form.get_by_role("button", name="ذخیرهٔ این ردیف").click)
    expect(page.get_by_text("ردیف ذخیره شد.")).to_be_visible()

    # Replica B polls the data version and redraws by itself within a few seconds.
    persian = target.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    expect(cell).to_have_attribute("title", re.compile(f"پیشرفت {persian}٪"), timeout=20_000)
    watcher.screenshot(path=str(screenshot_path("replica-b-after-save-1366.png")))


NGINX = Path("/usr/sbin/nginx")
TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf.template"


@pytest.fixture(scope="module")
def behind_nginx(
    replicas: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The repo's nginx configuration in front of both replicas, on a free port."""
    import os
    import shutil
    import subprocess
    from string import Template

    from bench.app_server import free_port, wait_healthy
    from tests.browser.conftest import IN_CI

    binary = shutil.which("nginx") or (str(NGINX) if NGINX.exists() else None)
    if binary is None:
        if IN_CI:
            pytest.fail("nginx is not installed; .ci/run installs it with apt-get")
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    root = tmp_path_factory.mktemp("nginx")
    (root / "temp").mkdir()
    port = free_port()
    ports = [r.rsplit(":", 1)[1] for r in replicas]
    conf = root / "nginx.conf"
    conf.write_text(
        Template(TEMPLATE.read_text()).safe_substitute(
            NGINX_PID=root / "nginx.pid",
            NGINX_LOG_DIR=root,
            NGINX_TEMP_DIR=root / "temp",
            REPLICA_1_PORT=ports[0],
            REPLICA_2_PORT=ports[1],
            LISTEN_PORT=port,
        )
    )
    check = subprocess.run([binary, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(
        [binary, "-c", str(conf), "-g", "daemon off;"], env={**os.environ}, cwd=root
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, timeout=30)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_repos_nginx_config_serves_the_app_with_its_websocket(
    browser: Browser, behind_nginx: str
) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{behind_nginx}/api/health", timeout=10) as r:
        assert r.status == 200 and json.loads(r.read())["database"] == "ok"
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    visit(page, f"{behind_nginx}/")
    # The headline figures (the overview's first .kpis; the second counts targets).
    expect(page.locator(".kpis", has_text="انجام و تأییدشده")).to_be_visible()
    expect(page.get_by_role("heading", name="نمای کلی پیگیری مصوبات")).to_be_visible()
    # Signing in through the proxy: the form's Origin matches the Host nginx passes on.
    sign_in(page, behind_nginx, "agency02")
    visit(page, f"{behind_nginx}/my_agency")
    expect(page.get_by_role("heading", name="دستگاه من — آموزش و پرورش")).to_be_visible()


def test_the_health_script_tells_up_from_down(replicas: tuple[str, str]) -> None:
    import subprocess

    from bench.app_server import free_port

    script = Path(__file__).resolve().parents[2] / "deploy" / "health.sh"
    port = replicas[0].rsplit(":", 1)[1]
    assert subprocess.run(["sh", str(script), port], check=False).returncode == 0
    closed = str(free_port())
    assert subprocess.run(["sh", str(script), closed], check=False).returncode == 2
