"""The long code of lstmshape: every module over 400 lines and every function over 60.

    python tools/long_code.py

Each is either split or has its reason in docs/development.md ("Long modules and functions"),
which tests/test_long_code.py holds to this list: a module or function that grows past its
bound fails the tests until it is split or its reason is written.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lstmshape"
MODULE_LINES = 400
FUNCTION_LINES = 60


def long_code(package: Path = PACKAGE) -> list[tuple[str, int]]:
    """Each long module (``lstmshape/cli/app.py``) and function (``lstmshape/cli/app.py:explain``,
    a method as ``Class.name``),
    with its length in lines, in path order."""
    found: list[tuple[str, int]] = []
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MODULE_LINES:
            found.append((name, lines))
        found += [(f"{name}:{where}", length) for where, length in _long_functions(ast.parse(text))]
    return found


def _long_functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, int]]:
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES:
                found.append((prefix + node.name, length))
            found += _long_functions(node, prefix + node.name + ".")
        elif isinstance(node, ast.ClassDef):
            found += _long_functions(node, prefix + node.name + ".")
    return found


def main() -> int:
    for name, lines in long_code():
        print(f"{lines:5d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
