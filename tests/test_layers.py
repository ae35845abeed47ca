"""The module map of the README holds: imports point down the layers, never up, and never in a
circle (imports inside functions count too)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sociale_kaart", "frameworks", "providers")

# The layers of the README's module map, bottom first. A module belongs to the first layer
# one of whose prefixes it starts with.
TOP = 5
LAYERS = [
    (TOP, ("sociale_kaart.settings", "sociale_kaart.urls", "sociale_kaart.wsgi")),
    (TOP, ("sociale_kaart.apps",)),
    (4, ("providers.monitor",)),
    (3, ("providers.matrix", "providers.templatetags.matrix_tags")),
    (3, ("providers.paths",)),
    (3, ("providers.management.commands.export_matrix",)),
    (3, ("providers.hsds",)),
    (2, ("providers",)),
    (1, ("frameworks",)),
    (0, ("sociale_kaart",)),
]


def layer_of(module: str) -> int:
    for layer, prefixes in LAYERS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return layer
    raise AssertionError(f"{module} is in no layer of the module map")


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(p for p in [*parts, base] if p)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in names:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                targets.add(target)
    return targets


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def test_no_module_imports_a_higher_layer(graph):
    upward = [
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_the_bottom_layer_imports_no_app():
    bottom = [m for m in project_modules() if layer_of(m) == 0]
    assert "sociale_kaart.cache" in bottom and "sociale_kaart.spreadsheets" in bottom
    modules = project_modules()
    for module in bottom:
        for target in imports_of(module, modules[module], set(modules)):
            assert target.startswith("sociale_kaart."), f"{module} imports {target}"


def test_there_is_no_import_circle(graph):
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    assert circles == []
