"""How tests/conftest.py runs the suite: in CI (CI=true, as .ci/run sets it) a run in
which any test skipped fails, so a missing browser, database or tool never passes
unnoticed; under pytest-xdist each browser module's tests stay on one worker, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import pytest


def test_that_runs() -> None:
    assert True


def test_that_skips() -> None:
    pytest.skip("its tool is missing")
"""


def _run(tmp_path: Path, ci: str, *extra: str) -> subprocess.CompletedProcess[str]:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    # The project's conftest as a plugin: its hooks judge a run of the probe alone.
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", "-rs"]
    return subprocess.run(
        [*command, *extra, "--rootdir", str(tmp_path), str(probe)],
        cwd=ROOT,
        env={**env, "CI": ci},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_a_skip_fails_a_ci_run_and_says_so(tmp_path: Path, workers: list[str]) -> None:
    run = _run(tmp_path, "true", *workers)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
    assert "its tool is missing" in run.stdout
    assert "CI: 1 tests were skipped; in CI every test must run" in run.stdout


def test_outside_ci_a_skip_is_only_reported(tmp_path: Path) -> None:
    run = _run(tmp_path, "")
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
    assert "in CI every test must run" not in run.stdout


MODULE = """
import os
from pathlib import Path

import pytest


@pytest.mark.parametrize("n", range(6))
def test_step(n: int) -> None:
    with Path(os.environ["RAN_LOG"]).open("a") as log:
        log.write(f"{os.environ['PYTEST_XDIST_WORKER']} {__name__} {n}\\n")
"""


def test_each_browser_module_runs_on_one_worker_in_order(tmp_path: Path) -> None:
    root = tmp_path / "suite"
    (root / "tests" / "browser").mkdir(parents=True)
    for name in ("browser/test_first", "browser/test_second", "test_other", "test_more"):
        (root / "tests" / f"{name}.py").write_text(MODULE, encoding="utf-8")
    ran = tmp_path / "ran.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", "-n", "2"]
    run = subprocess.run(
        [*command, "--rootdir", str(root), "-p", "no:cacheprovider", str(root / "tests")],
        cwd=ROOT,
        env={**env, "CI": "", "RAN_LOG": str(ran)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "24 passed" in run.stdout
    lines = [line.split() for line in ran.read_text().splitlines()]
    for module in ("test_first", "test_second"):
        mine = [(worker, int(n)) for worker, name, n in lines if name.endswith(module)]
        assert len({worker for worker, _ in mine}) == 1, (module, mine)
        assert [n for _, n in mine] == list(range(6)), (module, mine)
