"""The map of the code in docs/development.md, made from the tree: it cannot go stale.

    python tools/layout_map.py           rewrite the map in docs/development.md
    python tools/layout_map.py --check   exit 1, with the differences, if the map is not the tree's

Every folder of the package is listed with the first paragraph of its ``__init__.py``'s docstring
and the names of the files it holds; each top-level module with its docstring's first paragraph;
a folder that holds data (no
``__init__.py``) with the sentence ``DATA`` gives it and the names it holds; the repository's other
folders with ``REPOSITORY``'s sentence. A module or package without a docstring, or a folder
without a sentence, is an error: say what it holds where it is. tests/test_layout_map.py holds the map
to the tree.
"""

from __future__ import annotations

import ast
import difflib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lstmshape"
PAGE = ROOT / "docs" / "development.md"
BEGIN = "<!-- layout map: made by python tools/layout_map.py from the tree; do not edit by hand -->"
END = "<!-- end of the layout map -->"

# Folders of the package that hold data, not code: what each holds.
DATA = {
    "lstmshape/locale": "The translations: one folder per language, with a catalog (.po) per area "
    "of the tool and the language's glossary of terms (docs/languages.md).",
    "lstmshape/schemas": "The JSON Schema of each command's JSON output; the tests validate every "
    "JSON they produce against them.",
}
# The repository's folders outside the package.
REPOSITORY = {
    ".ci": "What CI runs from a clean clone (run): the tests, the quality gates, the lowest Typer "
    "and Rich.",
    "benchmarks": "Performance, measured side by side with the alternative (medians, ratios; "
    "docs/performance.md).",
    "docs": "The documentation pages (a site with mkdocs); every console example is run by "
    "tests/test_docs.py.",
    "examples": "Files the documentation's examples read: spec files, a checkpoint, a training log, "
    "a model.",
    "tests": "The tests; torch is the oracle (tests/test_against_torch.py); golden files keep their "
    "input (tests/golden.py).",
    "tools": "Scripts that make or check what the repository holds: catalogs, torch's sentences, "
    "the CLI snapshot, this map.",
}


def summary(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if not doc:
        raise SystemExit(f"{path.relative_to(ROOT)} has no docstring: say what it holds")
    return " ".join(doc.split("\n\n", 1)[0].split())


def _tracked() -> set[str]:
    """The files git tracks (a fresh module not yet added counts too: the tree as it is)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {name for name in listed if (ROOT / name).exists()}


def folders(files: set[str]) -> list[str]:
    """Every folder of the package that holds a tracked file, outer first."""
    found = set()
    for name in files:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            found.add("/".join(parts[:depth]))
    return sorted(f for f in found if f == "lstmshape" or f.startswith("lstmshape/"))


def _in_data(folder: str) -> bool:
    return any(folder == data or folder.startswith(data + "/") for data in DATA)


def _folder_lines(folder: str, files: set[str]) -> list[str]:
    here = sorted(name for name in files if name.rsplit("/", 1)[0] == folder)
    if folder in DATA:
        inside = set()
        for name in files:
            if name.startswith(folder + "/"):
                rest = name.removeprefix(folder + "/")
                inside.add(rest.split("/")[0] + ("/" if "/" in rest else ""))
        listed = ", ".join(f"`{name}`" for name in sorted(inside))
        return [f"- `{folder}/`: {DATA[folder]} Holds: {listed}."]
    init = f"{folder}/__init__.py"
    if init not in files:
        raise SystemExit(f"{folder}/ has no __init__.py and no sentence in DATA: say what it holds")
    for name in here:
        if name.endswith(".py"):
            summary(ROOT / name)  # every module says what it holds, listed or not
    modules = ", ".join(f"`{name.rsplit('/', 1)[1]}`" for name in here if name != init)
    return [f"- `{folder}/`: {summary(ROOT / init)}", *([f"  ({modules})"] if modules else [])]


def layout_map(files: set[str] | None = None) -> str:
    """The map, as docs/development.md holds it between its two marker lines."""
    files = _tracked() if files is None else files
    files = {name for name in files if "__pycache__" not in name}
    lines = [BEGIN]
    for folder in folders(files):
        if folder == "lstmshape":
            top = sorted(n for n in files if n.count("/") == 1 and n.startswith("lstmshape/"))
            lines.append(f"- `lstmshape/`: {summary(PACKAGE / '__init__.py')}")
            for name in top:
                if name.endswith(".py") and not name.endswith("__init__.py"):
                    lines.append(f"  - `{name.split('/')[1]}`: {summary(ROOT / name)}")
            continue
        if _in_data(folder) and folder not in DATA:
            continue  # listed by its data folder
        lines += _folder_lines(folder, files)
    top_level = sorted({name.split("/")[0] for name in files if "/" in name} - {"lstmshape"})
    for folder in top_level:
        if folder not in REPOSITORY:
            raise SystemExit(f"{folder}/ has no sentence in REPOSITORY: say what it holds")
        lines.append(f"- `{folder}/`: {REPOSITORY[folder]}")
    lines.append(END)
    return "\n".join(lines) + "\n"


def page_with_map(page: str, made: str) -> str:
    """``page`` with its map (the lines between BEGIN and END, both kept) replaced by ``made``."""
    start, end = page.index(BEGIN), page.index(END) + len(END) + 1
    return page[:start] + made + page[end:]


def main() -> int:
    page = PAGE.read_text(encoding="utf-8")
    made = page_with_map(page, layout_map())
    if "--check" in sys.argv[1:]:
        if made == page:
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                page.splitlines(keepends=True), made.splitlines(keepends=True), "now", "the tree's"
            )
        )
        print("docs/development.md's map is not the tree's: run python tools/layout_map.py")
        return 1
    PAGE.write_text(made, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
