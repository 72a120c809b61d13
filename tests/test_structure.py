"""The shape of the code: layers that point one way, commands that do not read files,
screens that do not touch the database directly, and no module or function grows past
what one can read at once.

The layers, bottom first. A module imports only from its own layer or from the layers
below it; every import counts, at the top of a module, inside a function or under
TYPE_CHECKING (no circle is hidden by importing late). Two groups of one layer (web
and ui) never import each other.

 1. foundation  data_layer.clock, config, errors, characters, transport (SMTP and the
                SMS gateways): import nothing of ours
 2. words       data_layer.models (with throttle, models_messages, models_aliases and
                models_priority, its tables),
                jalali, text, labels, output, permissions: the tables, dates and digits,
                typed text, labels, the output rule, roles
 3. rules       data_layer.rules: each domain rule once (gap, lateness, completeness,
                progress, the scorecard colour), as SQL expressions and plain functions
 4. store       data_layer.db, migrate, migrations: engines, sessions, the schema
 5. queries     data_layer.queries: reads (and national.snapshot, the national snapshot's
                content, read from them)
 6. accounts    data_layer.auth, sign_in_limits: passwords, sign-in and its limits,
                access tokens (reads membership)
 7. input       data_layer.input: parsing and checking what people and files give,
                reading what exists to check against it
 8. documents   data_layer.documents, exports: what is printed or downloaded, from
                queries (and the input layer's columns, for templates)
 9. commands    data_layer.commands: writes (a letter's command renders the letter);
                data_layer.national: the link to the hub and the publications
10. setup       data_layer.setup, seed, seed_data, seed_sample, bootstrap, transfer:
                whole-database chores that run commands and seed; sender (the outbox's
                one sender; national.push, its push to the national hub); hub_pull
                (the national hub's pull of the provinces)
                one sender); tallies (recount and repair the counts the writes keep)
11. faces       web (the server's routes) | ui (pieces of screen): never each other
12. entry       pages, app.py, launcher.py: screens and the two entry points
13. bench       benchmarks
14. tests       tests (they may use the bench's generated workbooks)

So product code never imports the bench or the tests, and the bench never the tests.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ["app.py", "data_layer", "ui", "pages"]


def _dl(*names: str) -> tuple[str, ...]:
    return tuple(f"data_layer.{n}" for n in names)


# (layer, {group: module prefixes}), bottom first: see the docstring.
LAYERS: list[tuple[str, dict[str, tuple[str, ...]]]] = [
    ("foundation", {"foundation": _dl("clock", "config", "errors", "characters", "transport")}),
    (
        "words",
        {
            "words": _dl(
                "models",
                "models_enums",
                "throttle",
                "models_messages",
                "models_aliases",
                "models_dossier",
                "models_indicators",
                "models_hub",
                "models_national",
                "models_priority",
                "jalali",
                "text",
                "labels",
                "output",
                "permissions",
            )
        },
    ),
    ("rules", {"rules": _dl("rules")}),
    ("store", {"store": _dl("db", "migrate", "migrations")}),
    ("queries", {"queries": _dl("queries", "national.snapshot")}),
    ("accounts", {"accounts": _dl("auth", "sign_in_limits")}),
    ("input", {"input": _dl("input")}),
    ("documents", {"documents": _dl("documents", "exports")}),
    ("commands", {"commands": _dl("commands", "national")}),
    (
        "setup",
        {
            "setup": _dl(
                "setup",
                "seed",
                "seed_data",
                "seed_sample",
                "seed_indicators",
                "bootstrap",
                "transfer",
                "sender",
                "hub_pull",
                "national.push",
                "tallies",
            )
        },
    ),
    ("faces", {"web": ("web",), "ui": ("ui",)}),
    ("entry", {"entry": ("pages", "app", "launcher")}),
    ("bench", {"bench": ("bench",)}),
    ("tests", {"tests": ("tests",)}),
]
OURS = ("data_layer", "ui", "pages", "web", "bench", "tests", "app", "launcher")
# A package whose own __init__ is empty: the package sits at the bottom,
# while each of its modules has a layer of its own.
BARE_PACKAGES = {"data_layer"}
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


# --- layers ---------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _all_modules() -> dict[str, Path]:
    """Every Python module of ours, by dotted name (migrations' versions included)."""
    found: dict[str, Path] = {}
    for top in OURS:
        path = ROOT / top
        for file in [path.with_suffix(".py")] if not path.is_dir() else path.rglob("*.py"):
            if file.exists():
                found[_module_name(file)] = file
    return found


MODULES = _all_modules()


def _resolve(name: str) -> str | None:
    """The most specific module of ours a dotted name lands in (None: not ours)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module of ours) for every import anywhere in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: str) -> Iterator[tuple[int, str]]:
    """(line, module of ours) for every import in `source`, wherever it stands: `import
    a.b`, `from a import b` (b may be a module) and imports relative to `package`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target is not None:
                yield node.lineno, target


def _layer_of(module: str) -> tuple[int, str] | None:
    """(layer index, group) of a module: the longest prefix that names it."""
    if module in BARE_PACKAGES:
        return (0, LAYERS[0][0])
    best: tuple[int, int, str] | None = None
    for index, (_, groups) in enumerate(LAYERS):
        for group, prefixes in groups.items():
            for prefix in prefixes:
                if (module == prefix or module.startswith(prefix + ".")) and (
                    best is None or len(prefix) > best[0]
                ):
                    best = (len(prefix), index, group)
    return None if best is None else (best[1], best[2])


# module -> [(line, module it imports)]
IMPORTS = {
    module: sorted({(line, t) for line, t in _imported(path) if t != module})
    for module, path in MODULES.items()
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_has_a_layer(module: str) -> None:
    assert _layer_of(module) is not None, f"{module}: put it in a layer of LAYERS"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_up_a_layer_or_across_to_a_sibling(module: str) -> None:
    here = _layer_of(module)
    assert here is not None
    wrong = []
    for line, target in IMPORTS[module]:
        there = _layer_of(target)
        assert there is not None, f"{target}: put it in a layer of LAYERS"
        if there[0] > here[0] or (there[0] == here[0] and there[1] != here[1]):
            wrong.append(f"line {line}: {target} ({LAYERS[there[0]][0]}/{there[1]})")
    assert not wrong, f"{module} ({LAYERS[here[0]][0]}/{here[1]}) imports upwards: {wrong}"


def _circles() -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    graph = {m: {target for _, target in found} for m, found in IMPORTS.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    assert _circles() == []


def test_the_layer_check_sees_every_kind_of_import() -> None:
    """Late imports (in a function, under TYPE_CHECKING), modules named in `from … import`
    and relative imports are all seen; other people's modules are not ours."""
    source = (
        "import sqlalchemy\n"
        "from data_layer import clock\n"
        "def f():\n"
        "    from data_layer.queries.settings import get_thresholds\n"
        "if TYPE_CHECKING:\n"
        "    import ui.run\n"
        "from .resolutions import is_lead\n"
        "from . import overview\n"
    )
    found = sorted(_imports_in(source, "data_layer.queries"))
    assert found == [
        (2, "data_layer.clock"),
        (4, "data_layer.queries.settings"),
        (6, "ui.run"),
        (7, "data_layer.queries.resolutions"),
        (8, "data_layer.queries.overview"),
    ]


# --- caches and sessions --------------------------------------------------------------

SCREENS = ["app.py", "launcher.py", "ui", "pages", "web"]
SESSIONS = {"read_session", "write_session"}


def _names_called(node: ast.AST) -> Iterator[tuple[int, str]]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            f = sub.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            yield sub.lineno, name


@pytest.mark.parametrize("path", _modules(*SCREENS), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_loader_follows_the_one_cache_policy(path: Path) -> None:
    """Only ui/cache.py caches data (by count, keyed by the data version)."""
    if path == ROOT / "ui" / "cache.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "cache_data"
    ]
    assert not found, f"{path}: cache with ui.cache.loader, not st.cache_data (lines {found})"


@pytest.mark.parametrize("path", _modules(*SCREENS), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_database_session_is_opened_for_each_row(path: Path) -> None:
    """A screen reads what a loop needs in one read before it, never one read a row."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.While | ast.AsyncFor):
            body: list[ast.AST] = [*node.body, *node.orelse]
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            body = [node]
        else:
            continue
        found |= {line for part in body for line, name in _names_called(part) if name in SESSIONS}
    assert not found, f"{path}: a database session inside a loop, lines {sorted(found)}"
