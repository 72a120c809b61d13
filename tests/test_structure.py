"""The shape of the code: commands do not read files, screens do not touch the database
directly, and no module or function grows past what one can read at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ["app.py", "data_layer", "ui", "pages"]
FILE_READERS = {"csv", "openpyxl", "docx", "zipfile"}
DATABASE = {"sqlalchemy", "sqlmodel"}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def _modules(*folders: str) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        path = ROOT / folder
        found += [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    return [p for p in found if "migrations/versions" not in p.as_posix()]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            if node.module == "data_layer.db":
                names |= {f"data_layer.db.{a.name}" for a in node.names}
    return names


@pytest.mark.parametrize("path", _modules("data_layer/commands"), ids=lambda p: p.name)
def test_no_command_reads_a_file(path: Path) -> None:
    assert not _imports(path) & FILE_READERS, path


@pytest.mark.parametrize("path", _modules("pages", "ui", "app.py"), ids=lambda p: p.name)
def test_no_screen_imports_sql(path: Path) -> None:
    assert not _imports(path) & DATABASE, path


@pytest.mark.parametrize("path", _modules("pages", "app.py"), ids=lambda p: p.name)
def test_no_page_imports_a_database_session_type(path: Path) -> None:
    assert "data_layer.db.Session" not in _imports(path), path


@pytest.mark.parametrize("path", _modules("data_layer"), ids=lambda p: p.name)
def test_the_data_layer_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in _imports(path), path


@pytest.mark.parametrize("path", _modules(*PRODUCT), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_modules_and_functions_stay_short(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= MAX_MODULE_LINES, path
    long = [
        (node.name, node.end_lineno - node.lineno + 1)  # type: ignore[operator]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES  # type: ignore[operator]
    ]
    assert not long, (path, long)
