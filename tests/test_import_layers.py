"""Imports point one way: no cycle among the modules of `dashboard` (deferred imports inside
functions count too: a deferred import that dodges a cycle is still a cycle), the layers fixed
in issue 10 stay fixed, and each of their modules imports on its own in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((ROOT / "dashboard").rglob("*.py"))}


def _imports(module: str) -> set[str]:
    """The `dashboard` modules `module` imports, anywhere in it (not under TYPE_CHECKING)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [base, *(f"{base}.{a.name}" for a in child.names)]
            for name in names:
                while name and name not in MODULES:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    found.add(name)
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


GRAPH = {m: _imports(m) for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            strong(v)
    return out


def test_no_import_cycles():
    assert _cycles(GRAPH) == []


def test_the_cycle_check_sees_a_deferred_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def _reaches(module: str) -> set[str]:
    seen, todo = set(), [module]
    while todo:
        for dep in GRAPH[todo.pop()] - seen:
            seen.add(dep)
            todo.append(dep)
    return seen


def test_layers_point_one_way():
    # Colours are constants below every layer.
    assert GRAPH["dashboard.colours"] == set()
    # The selector needs only the data model and the view.
    assert _reaches("dashboard.filters") <= {"dashboard.data.model", "dashboard.view",
                                             "dashboard.data", "dashboard"}
    # The payload builder reads colours from the constants, not from the figures.
    assert not any(m.startswith("dashboard.figures") for m in _reaches("dashboard.timeline"))
    # Callback modules share input parsing through callbacks.inputs only.
    callbacks = {m for m in MODULES if m.startswith("dashboard.callbacks.")}
    for module in callbacks - {"dashboard.callbacks.inputs"}:
        assert GRAPH[module] & callbacks <= {"dashboard.callbacks.inputs"}, module
    # Scaling knows nothing of slide composition.
    assert "dashboard.export.compose" not in _reaches("dashboard.export.scale")


@pytest.mark.parametrize("module", ["dashboard.colours", "dashboard.filters",
                                    "dashboard.timeline", "dashboard.figures.theme",
                                    "dashboard.figures.palette", "dashboard.callbacks.inputs",
                                    "dashboard.export.scale", "dashboard.export.compose",
                                    "dashboard.ids"])
def test_module_imports_alone_in_a_fresh_interpreter(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
