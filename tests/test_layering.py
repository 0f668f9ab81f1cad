"""The data flow is one-way: ingest -> store -> publish -> render -> files/HTTP.

Every module's imports (lazy ones inside functions included) are read with
``ast`` and held against one table with a row per package, the table of
STYLE.md and of the README's Layout section. A shortcut (a renderer
reading the store, the scheduler pinging hubs itself) fails CI, and so
does a cycle between two modules, even inside one package.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "syndicator"

#: The modules that may stand at the package's top level: cross-cutting
#: concerns every layer may use, and the package's own entry points.
CROSS_CUTTING = {"errors", "files", "logs", "metrics"}
TOP_LEVEL = CROSS_CUTTING | {"__init__", "__main__"}

#: package -> the packages it may import. Every package may import the
#: cross-cutting modules and the root (for ``__version__``).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "files": set(),
    "logs": set(),
    "metrics": set(),
    "model": set(),
    "config": {"model"},
    "ingest": {"model", "config"},
    "store": {"model", "config"},
    "render": {"model", "config"},
    "publish": {"store", "render", "model", "config"},
    "integrations": {"store", "render", "model", "config"},
    "actions": {"publish", "integrations", "ingest", "store", "render", "model", "config"},
    "web": {"actions", "publish", "integrations", "ingest", "store", "render", "model", "config"},
    "cli": {
        "web",
        "actions",
        "publish",
        "integrations",
        "ingest",
        "store",
        "render",
        "model",
        "config",
    },
    "__main__": {"cli"},
    "__init__": set(),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _package(module: str) -> str:
    """The table's row of a module: its first name below ``syndicator``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _import_time_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes that run when a module is imported: not function bodies, not
    ``if TYPE_CHECKING:`` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for stmt in node.orelse for n in [stmt, *_import_time_nodes(stmt)])
            continue
        yield node
        yield from _import_time_nodes(node)


def _targets(module: str, path: Path, *, at_import: bool = False) -> Iterator[str]:
    """The syndicator modules ``module`` imports, each resolved to a module.

    :param at_import: only the imports that run when ``module`` is imported
        (by default also those inside functions, which run later).
    """
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _import_time_nodes(tree) if at_import else ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "syndicator":
                    yield alias.name
            continue
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = module.split(".")
            if not is_package:
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            origin = ".".join([*base, *([node.module] if node.module else [])])
        else:
            origin = node.module or ""
        if origin.split(".")[0] != "syndicator":
            continue
        for alias in node.names:
            sub = f"{origin}.{alias.name}"
            yield sub if sub in MODULES else origin


def _graph(*, at_import: bool = False) -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        targets = set(_targets(module, path, at_import=at_import))
        unknown = targets - MODULES.keys()
        assert not unknown, f"{module} imports what does not exist: {sorted(unknown)}"
        graph[module] = targets - {module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_top_level_holds_only_the_cross_cutting_modules() -> None:
    loose = {p.stem for p in PACKAGE.glob("*.py")} - TOP_LEVEL
    assert not loose, f"modules at the top of syndicator/ that belong in a package: {loose}"


def test_every_package_has_a_row_in_the_table() -> None:
    packages = {_package(m) for m in MODULES}
    assert packages <= ALLOWED.keys(), packages - ALLOWED.keys()


def test_packages_import_only_downstream_packages() -> None:
    problems = []
    for module, targets in _graph().items():
        row = _package(module)
        allowed = ALLOWED[row] | CROSS_CUTTING | {row, "__init__"}
        for target in sorted(targets):
            if _package(target) not in allowed:
                problems.append(f"{module} imports {target}")
    assert not problems, "\n".join(problems)


def test_no_module_import_cycle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    """The check above is worth something only if it can fail."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_renderers_do_not_read_the_clock() -> None:
    for path in sorted((PACKAGE / "render").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert ".now(" not in text and "time.time(" not in text, path


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _importable_modules() -> list[str]:
    """Every module whose fresh import is a sequence of its own.

    Left out: ``__main__`` and Alembic's scripts (they run under Alembic),
    and a module its own package's ``__init__`` loads as it is imported:
    importing it first runs that ``__init__`` first, which is exactly the
    fresh import of the package, tried on its own.
    """
    graph = _graph(at_import=True)
    names = []
    for name in MODULES:
        if name.endswith("__main__") or (
            ".migrations." in name and not name.endswith(".migrations")
        ):
            continue
        parent = name.rpartition(".")[0]
        if MODULES[name].name != "__init__.py" and name in _reachable(graph, parent):
            continue
        names.append(name)
    return names


def test_the_fresh_import_check_keeps_what_no_package_loads() -> None:
    """The modules left out are covered by their package's import; the rest are tried."""
    names = set(_importable_modules())
    assert "syndicator.web.server" in names  # granian's worker starts from it alone
    assert "syndicator.web.wsgi" in names
    assert "syndicator.model" in names and "syndicator.model.cells" not in names


def test_every_module_imports_on_its_own() -> None:
    """Each module imports in a fresh interpreter, first thing.

    A granian worker starts from ``syndicator.web.server`` alone, so a
    module that works only because another one happened to be imported
    before it (feedgen.util needs lxml.etree loaded) breaks the server,
    not the tests.
    """
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-c", f"import {name}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in _importable_modules()
    }
    failures = {}
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            failures[name] = err.strip().splitlines()[-1:]
    assert len(procs) > 25  # the packages and the modules no package loads
    assert not failures, failures
