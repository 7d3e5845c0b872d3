"""The import contract: lstmshape's layers, from the real import graph of its source.

Every ``import`` and ``from ... import`` of a module counts, wherever it is written: at the top,
inside a function (a lazy import is still a dependency) and under ``if TYPE_CHECKING:`` (an
annotation is a dependency too: no module may name a type of a layer above its own). The root
package's lazy public names (``_LAZY`` in ``lstmshape/__init__.py``) count as imports of the
modules they name. torch, onnx, safetensors, Typer, Rich and every other package outside lstmshape
are outside the graph.

Cycles: no folder cycle, whatever the import; no module cycle among the imports that run (top
level or inside a function). Two modules of one folder whose types name each other, one of them
under ``if TYPE_CHECKING:`` (ModuleSpec, whose constructor calls ``validate(spec: ModuleSpec)``)
never import each other at run time, so that is not counted as a module cycle.

An import names the modules it imports: ``import lstmshape.a.b`` is an edge to ``lstmshape.a.b``;
``from lstmshape.a import b`` is an edge to ``lstmshape.a``, and to ``lstmshape.a.b`` too when that
is a module. The parent packages Python runs on the way to ``lstmshape.a.b`` are not counted (every
module would need the root), as import-linter does not count them.

Run ``python tests/test_layers.py`` to print the order and the cycles, if any.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lstmshape"

# The layers, bottom to top: a module may import from its own unit or a unit of a LOWER layer,
# never from a layer above, and never from another unit of its own layer. A unit is a folder (a
# subpackage), or a top-level module; "lstmshape" is the root package's __init__ alone.
LAYERS: tuple[tuple[str, ...], ...] = (
    # leaves: a constant, a docstring, the hooks the root installs for lower layers
    ("lstmshape.version", "lstmshape.commands", "lstmshape.hooks"),
    ("lstmshape.i18n",),  # tr, the catalogs, words, text
    ("lstmshape.errors",),
    ("lstmshape.torchfacts",),  # what torch is: the family, the rules, sentences, parameters
    ("lstmshape.reading",),
    ("lstmshape.results",),
    ("lstmshape.commands.explain",),
    ("lstmshape.proof",),  # --verify
    ("lstmshape.deploy",),  # --deploy
    ("lstmshape.commands.inspect",),
    ("lstmshape.commands.why",),  # a pasted load_state_dict error reads its keys as inspect does
    ("lstmshape.commands.trace", "lstmshape.commands.check"),
    ("lstmshape.views",),
    ("lstmshape.api",),
    # The explain and trace questions as typed, and the command line's voice: both front ends'.
    ("lstmshape.options",),
    # Two front ends, side by side, so that neither imports the other: the command line, and the
    # %lstmshape magic, which takes the command line's options but builds on the library API and
    # the views, never on cli/.
    ("lstmshape.cli", "lstmshape.notebook"),
    # The package's face (re-exports, %load_ext's hook, the hooks it installs below) and
    # `python -m lstmshape`: nothing inside the package imports either.
    ("lstmshape", "lstmshape.__main__"),
)

# The only places a module is imported by a name in a string: the root package's lazy public
# names (counted above) and `lstmshape trace MODULE:FACTORY`, which imports the user's module.
DYNAMIC_IMPORTS = {"lstmshape": 1, "lstmshape.commands.trace.factory": 1}


@dataclass(frozen=True)
class Import:
    """One import in the source: who imports what, where."""

    importer: str
    imported: str
    path: Path
    line: int
    typing_only: bool = False
    """Under ``if TYPE_CHECKING:``: never run."""

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node: ast.AST, importer: str, path: Path, known: set[str]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        module = _absolute(node, importer, path.name == "__init__.py")
        yield module  # named, and run first, even when what it gives is a submodule
        for alias in node.names:
            if f"{module}.{alias.name}" in known:
                yield f"{module}.{alias.name}"


def _lazy_names(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """The modules of the root package's ``_LAZY`` table, each with its line."""
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "_LAZY":
            assert isinstance(node, (ast.Assign, ast.AnnAssign))
            assert isinstance(node.value, ast.Dict)
            for value in node.value.values:
                assert isinstance(value, ast.Constant)
                assert isinstance(value.value, str)
                yield value.value, value.lineno


def _typing_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes under an ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            found |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return found


def imports() -> list[Import]:
    """Every import of one lstmshape module by another, lazy and TYPE_CHECKING ones included."""
    found = modules()
    known = set(found)
    edges: dict[Import, None] = {}  # in source order, once each
    for importer, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        typing_only = _typing_only(tree)
        for node in ast.walk(tree):
            for target in _targets(node, importer, path, known):
                if target in known and target != importer:
                    edge = Import(importer, target, path, node.lineno, id(node) in typing_only)
                    edges[edge] = None
        if importer == "lstmshape":
            for target, line in _lazy_names(tree):
                assert target in known, f"_LAZY names {target}, which is not a module"
                edges[Import(importer, target, path, line)] = None
    return list(edges)


def unit_of(module: str) -> str:
    """The unit (folder or top-level module) a module belongs to: the longest that holds it."""
    units = [u for layer in LAYERS for u in layer if module == u or module.startswith(u + ".")]
    if not units:
        raise AssertionError(f"{module} is in no layer of tests/test_layers.py's LAYERS")
    return max(units, key=len)


def layer_of(unit: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if unit in layer)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for child in sorted(graph.get(node, ())):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(component) > 1:
                found.append(sorted(component))

    for start in sorted(graph):
        if start not in index:
            visit(start)
    return found


def module_graph(edges: list[Import]) -> dict[str, set[str]]:
    """Each module's imports that run."""
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if not edge.typing_only:
            graph[edge.importer].add(edge.imported)
    return graph


def unit_graph(edges: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if unit_of(edge.importer) != unit_of(edge.imported):
            graph[unit_of(edge.importer)].add(unit_of(edge.imported))
    return graph


def _one_cycle(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest cycle through the component's first member: [a, b, ..., a]."""
    start, members = component[0], set(component)
    came: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph.get(node, ())):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came[path[-1]])
                return [*reversed(path), start]
            if child in members and child not in came:
                came[child] = node
                queue.append(child)
    raise AssertionError(f"no cycle through {start}")


def _said(component: list[str], edges: list[Import], unit: bool) -> str:
    """A cycle said as the imports that make it, each with its file and line."""

    def name(module: str) -> str:
        return unit_of(module) if unit else module

    counted = [e for e in edges if unit or not e.typing_only]
    graph = unit_graph(counted) if unit else module_graph(counted)
    cycle = _one_cycle(component, graph)
    lines = []
    for here, there in pairwise(cycle):
        edge = next(e for e in counted if name(e.importer) == here and name(e.imported) == there)
        lines.append(f"  {edge.where()}: {here} imports {there} ({edge.imported})")
    return "{" + ", ".join(component) + "}, for one:\n" + "\n".join(lines)


def order() -> str:
    """The layer order, top first, as docs/development.md prints it."""
    return "\n".join(
        f"{len(LAYERS) - i:>2}. " + ", ".join(f"`{u}`" for u in layer)
        for i, layer in enumerate(reversed(LAYERS))
    )


def test_every_module_is_in_a_layer() -> None:
    for module in modules():
        unit_of(module)


def test_no_module_imports_a_layer_above_its_own() -> None:
    wrong = []
    for edge in imports():
        here, there = unit_of(edge.importer), unit_of(edge.imported)
        if here != there and layer_of(there) >= layer_of(here):
            where = "above" if layer_of(there) > layer_of(here) else "beside"
            wrong.append(
                f"{edge.where()}: {edge.importer} imports {edge.imported}: {here}"
                f" (layer {layer_of(here) + 1}) may not import {there}"
                f" (layer {layer_of(there) + 1}, {where} it)"
            )
    assert not wrong, "imports against the layers (tests/test_layers.py's LAYERS):\n" + "\n".join(
        wrong
    )


def test_no_module_cycle() -> None:
    edges = imports()
    found = cycles(module_graph(edges))
    assert not found, "module cycles:\n" + "\n".join(_said(c, edges, unit=False) for c in found)


def test_no_folder_cycle() -> None:
    edges = imports()
    found = cycles(unit_graph(edges))
    assert not found, "folder cycles:\n" + "\n".join(_said(c, edges, unit=True) for c in found)


def _dynamic_imports(tree: ast.Module) -> int:
    calls = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            calls += called in ("importlib.import_module", "import_module", "__import__")
    return calls


def test_no_module_is_imported_by_a_name_in_a_string() -> None:
    """Only the root's lazy names (counted as imports) and the user's factory module are imported
    by name: an import string would hide an edge from this contract."""
    found = {}
    for module, path in modules().items():
        calls = _dynamic_imports(ast.parse(path.read_text(encoding="utf-8")))
        if calls:
            found[module] = calls
    assert found == DYNAMIC_IMPORTS


def test_development_md_prints_the_order() -> None:
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    assert order() in text, "docs/development.md's layer order is not LAYERS:\n" + order()


@pytest.mark.parametrize(
    ("edge", "message"),
    [
        (
            Import("lstmshape.results.shown", "lstmshape.views.notebook", PACKAGE, 1),
            "lstmshape.results (layer 6) may not import lstmshape.views (layer 13, above it)",
        ),
    ],
)
def test_an_upward_import_is_named(
    edge: Import, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contract fails on an upward import, naming its file, line and the two layers."""
    monkeypatch.setattr(sys.modules[__name__], "imports", lambda: [edge])
    with pytest.raises(AssertionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        test_no_module_imports_a_layer_above_its_own()


def test_a_cycle_is_named() -> None:
    edges = [
        Import("lstmshape.i18n", "lstmshape.errors", PACKAGE / "i18n" / "__init__.py", 3),
        Import("lstmshape.errors", "lstmshape.i18n", PACKAGE / "errors.py", 5),
    ]
    (component,) = cycles(module_graph(edges))
    said = _said(component, edges, unit=False)
    assert said.splitlines() == [
        "{lstmshape.errors, lstmshape.i18n}, for one:",
        "  lstmshape/errors.py:5: lstmshape.errors imports lstmshape.i18n (lstmshape.i18n)",
        "  lstmshape/i18n/__init__.py:3: lstmshape.i18n imports lstmshape.errors"
        " (lstmshape.errors)",
    ]


if __name__ == "__main__":
    edges = imports()
    print("Layers, top first:\n" + order())
    print("folder cycles:", cycles(unit_graph(edges)))
    print("module cycles:", cycles(module_graph(edges)))
    annotated = [replace(edge, typing_only=False) for edge in edges]
    print("module cycles, TYPE_CHECKING imports counted too:", cycles(module_graph(annotated)))
