"""The map of the code cannot go stale: docs/development.md's is tools/layout_map.py's, made from the
tree; the README points to it; every path the docs, CI and the tools cite exists."""

from __future__ import annotations

import re
import subprocess

from tools.layout_map import BEGIN, END, PAGE, ROOT, layout_map

README = ROOT / "README.md"
# Where paths are cited for a reader (or run, for .ci/run).
CITING = [ROOT / ".ci" / "run", README, *sorted((ROOT / "docs").glob("*.md"))]
CITING += sorted((ROOT / "tools").glob("*.py"))
# A path of the repository's own: from one of its folders, or a test file by its name. A component
# in capitals (LANG, AREA) is a placeholder.
OWN = re.compile(
    r"(?<![\w./-])((?:lstmshape|tests|tools|benchmarks|docs|examples|\.ci)/[\w./-]*[\w/]"
    r"|test_\w+\.py)"
)
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]+\b")
PACKAGE_FOLDERS = ("api", "cli", "commands", "deploy", "i18n", "proof", "reading", "results")
PACKAGE_FOLDERS += ("torchfacts", "views", "schemas", "locale")
# A path inside the package, said from the package (``cli/options.py``, ``commands/why/``).
INSIDE = re.compile(rf"(?<![\w./-])((?:{'|'.join(PACKAGE_FOLDERS)})/[\w./-]*[\w/])")


def test_the_map_in_the_docs_is_the_trees() -> None:
    page = PAGE.read_text(encoding="utf-8")
    shown = page[page.index(BEGIN) : page.index(END) + len(END) + 1]
    assert shown == layout_map(), (
        "docs/development.md's map is not the tree's: run python tools/layout_map.py"
    )


def test_every_folder_and_top_level_module_is_on_the_map() -> None:
    made = layout_map()
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    package = [name for name in listed if name.startswith("lstmshape/")]
    folders = {name.rsplit("/", 1)[0] for name in package}
    for folder in sorted(folders):
        if not folder.startswith(("lstmshape/locale/", "lstmshape/schemas/")):
            assert f"- `{folder}/`:" in made, folder
    for name in package:
        if name.count("/") == 1 and name.endswith(".py") and not name.endswith("__init__.py"):
            assert f"`{name.split('/')[1]}`:" in made, name
    for folder in {name.split("/")[0] for name in listed if "/" in name}:
        assert f"- `{folder}/`:" in made, folder


def test_the_readme_points_to_the_map() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out\n", 1)[1].split("\n## ", 1)[0]
    assert "(docs/development.md)" in section
    assert len(section.strip().splitlines()) <= 4  # a pointer, not a second map


def _exists(cited: str) -> bool:
    if cited.startswith("test_"):
        return (ROOT / "tests" / cited).exists()
    pattern = PLACEHOLDER.sub("*", cited.rstrip("/"))
    return any(ROOT.glob(pattern))


def test_every_path_cited_exists() -> None:
    stale = []
    for path in CITING:
        text = path.read_text(encoding="utf-8")
        for match in OWN.finditer(text):
            if not _exists(match.group(1)):
                stale.append(f"{path.relative_to(ROOT)}: {match.group(1)}")
        for match in INSIDE.finditer(text):
            if not _exists(f"lstmshape/{match.group(1)}"):
                stale.append(f"{path.relative_to(ROOT)}: {match.group(1)}")
    assert stale == []


def test_the_stale_path_check_can_fail() -> None:
    assert _exists("tests/test_layout_map.py")
    assert _exists("lstmshape/locale/LANG/glossary.toml")
    assert _exists("lstmshape/locale/LANG/AREA.po")
    assert not _exists("tests/test_explain_checks.py")
    assert not _exists("lstmshape/torch_errors/")
