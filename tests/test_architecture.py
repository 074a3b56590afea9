"""The shape of the core: imports flow one way, and the core never imports Streamlit.

Read from the source with ``ast`` (lazy imports inside functions count too), so the
rules hold for every import, not just the ones that run at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "mapapp"
UI_PACKAGES = ("streamlit", "streamlit_folium")
MAX_LINES = 450
# Rooms still too big, at most as big as they are now (a ratchet: issue 17 splits
# them; a module may shrink, never grow, and leaves this list once under MAX_LINES).
OVERSIZED: dict[str, int] = {}


def _modules() -> dict[str, Path]:
    return {p.stem: p for p in sorted(CORE.glob("*.py")) if p.stem != "__init__"}


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """Return the ``mapapp`` modules and the top-level packages ``path`` imports."""
    core, packages = set(), set()
    names = set(_modules())
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                packages.add(top)
                if top == "mapapp" and rest:
                    core.add(rest.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top, _, rest = node.module.partition(".")
            packages.add(top)
            if top == "mapapp":
                if rest:
                    core.add(rest.split(".")[0])
                else:
                    core |= {a.name for a in node.names if a.name in names}
    return core, packages


def import_graph() -> dict[str, set[str]]:
    """Return each core module's imports of other core modules."""
    return {name: _imports(path)[0] - {name} for name, path in _modules().items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_core_modules():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("name", sorted(_modules()))
def test_the_core_never_imports_streamlit(name):
    _, packages = _imports(_modules()[name])
    assert not packages & set(UI_PACKAGES), f"mapapp/{name}.py imports Streamlit"


@pytest.mark.parametrize("name", sorted(_modules()))
def test_no_core_module_is_a_big_room(name):
    lines = len(_modules()[name].read_text().splitlines())
    limit = OVERSIZED.get(name, MAX_LINES)
    assert lines <= limit, f"mapapp/{name}.py has {lines} lines (at most {limit})"


def test_the_oversized_list_holds_only_oversized_modules():
    for name in OVERSIZED:
        lines = len(_modules()[name].read_text().splitlines())
        assert lines > MAX_LINES, (
            f"mapapp/{name}.py is small now: drop it from the list"
        )


@pytest.mark.parametrize("rule", ["ID_PATTERN", "URL_PATTERN", "LANG_PATTERN"])
def test_each_rule_of_a_field_is_written_once(rule):
    """A field's pattern is written in ``model`` only; every other module names it."""
    from mapapp import model

    text = getattr(model, rule)
    holders = [
        name
        for name, path in _modules().items()
        if text in path.read_text(encoding="utf-8")
    ]
    assert holders == ["model"]
