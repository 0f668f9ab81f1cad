"""The data flow is one-way: ingest -> store -> publish -> render -> web/cli.

Read every module's imports with ``ast`` and check them against the table
in STYLE.md, so a shortcut (a renderer reading the store, say) fails CI.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "syndicator"

ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "themes": {"errors"},
    "tables": {"errors"},
    "config": {"errors", "themes", "tables"},
    "cells": set(),  # the table part of the model: stdlib only
    "model": {"errors", "fields", "cells"},
    "fields": {"model", "errors"},
    "files": set(),
    "checkpoints": set(),
    "metrics": set(),
    "logs": set(),
    "ingest": {"model", "config", "errors", "ingest"},
    "lock": {"errors"},
    "migrations": {"lock", "errors"},
    "store": {"model", "config", "errors", "migrations"},
    "render": {"model", "config", "errors", "render", "themes"},
    "wechat_export": {"render", "model", "config", "errors"},
    "wechat_api": {"errors"},
    "push": {"wechat_api", "render", "model", "config", "errors"},
    "history": {"render", "model", "config", "errors", "files"},
    "passplan": {"store", "render", "model", "config", "errors", "history", "wechat_export"},
    "publish": {
        "store",
        "render",
        "model",
        "config",
        "errors",
        "files",
        "history",
        "wechat_export",
        "passplan",
        "checkpoints",
    },
    "websub": {"config", "__init__"},
    "cluster": {"publish", "store", "config", "errors", "files", "lock"},
    "planner": {"store"},
    "service": {"publish", "store", "config", "errors", "cluster", "metrics", "websub", "planner"},
    "web": {
        "publish",
        "cluster",
        "store",
        "ingest",
        "render",
        "model",
        "config",
        "errors",
        "web",
        "metrics",
    },
    "server": {"config", "errors", "web"},
    "progress": set(),
    "cli": {"*"},
    "__main__": {"cli"},
    "__init__": set(),
}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    layers = set()
    depth_base = len(path.relative_to(PACKAGE).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1
            if up < depth_base:  # a sibling inside the same subpackage
                layers.add(path.relative_to(PACKAGE).parts[0])
                continue
            target = (node.module or "").split(".")[0]
            if target:
                layers.add(target)
            else:  # "from .. import x": a module, or a package attribute
                layers.update(
                    "__init__" if alias.name.startswith("__") else alias.name
                    for alias in node.names
                )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("syndicator"):
            parts = node.module.split(".")
            layers.add(parts[1] if len(parts) > 1 else "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("syndicator."):
                    layers.add(alias.name.split(".")[1])
    return layers


def test_modules_import_only_downstream_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer(path)
        allowed = ALLOWED.get(layer)
        assert allowed is not None, f"{path}: layer {layer!r} missing from the table"
        if "*" in allowed:
            continue
        for target in _imports(path) - {layer, "__init__"}:
            if target not in allowed:
                problems.append(f"{path.relative_to(PACKAGE)} imports {target}")
    assert not problems, "\n".join(problems)


def test_nothing_imports_cli_and_only_cli_and_server_import_web() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer(path)
        imported = _imports(path)
        if layer not in ("cli", "__main__"):
            assert "cli" not in imported, path
        if layer not in ("cli", "web", "server"):
            assert "web" not in imported, path


def test_renderers_do_not_read_the_clock() -> None:
    for path in sorted((PACKAGE / "render").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert ".now(" not in text and "time.time(" not in text, path


def _module_names() -> list[str]:
    """Every module but ``__main__`` and Alembic's scripts (they run under Alembic)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] == "__main__" or (parts[1:2] == ("migrations",) and len(parts) > 2):
            continue
        names.append(".".join(parts))
    return names


def test_every_module_imports_on_its_own() -> None:
    """Each module imports in a fresh interpreter, first thing.

    A granian worker starts from ``syndicator.server`` alone, so a module
    that works only because another one happened to be imported before it
    (feedgen.util needs lxml.etree loaded) breaks the server, not the tests.
    """
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-c", f"import {name}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in _module_names()
    }
    failures = {}
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            failures[name] = err.strip().splitlines()[-1:]
    assert len(procs) > 50
    assert not failures, failures
