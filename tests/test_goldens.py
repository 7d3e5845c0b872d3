"""The golden files themselves: each keeps its input, reproduces from it, and one command rewrites
them all (tests/golden.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.golden import ROOT, golden_files, read_golden, regenerate, shown_by

TESTS = ROOT / "tests"
REWRITE_ALL = "LSTMSHAPE_UPDATE=1 python -m pytest -m golden"


def test_every_golden_file_keeps_the_command_line_that_made_it() -> None:
    files = golden_files()
    assert len(files) >= 60
    for path in files:
        stored = read_golden(path)
        assert stored.args, path
        assert stored.output, path


@pytest.mark.parametrize(
    "name",
    ["mission_table.txt", "check_mixed.txt", "i18n/ja/error.plain.txt", "diagram_mission.txt"],
)
def test_a_golden_is_made_again_from_its_stored_input(name: str, tmp_path: Path) -> None:
    """``python -m tests.golden`` rewrites a golden from its stored input alone: here a copy of
    one, with its output spoiled, comes back as the file is."""
    path = TESTS / "golden" / name
    stored = read_golden(path)
    assert shown_by(stored.args, stored.shown) == stored.output
    copy = tmp_path / path.name
    copy.write_text(path.read_text(encoding="utf-8") + "spoiled\n", encoding="utf-8")
    assert regenerate([copy]) == [copy]
    assert copy.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def _writers() -> dict[str, list[str]]:
    """Each test module's tests that write on LSTMSHAPE_UPDATE=1 (read UPDATE or call
    check_golden), with whether each is marked golden."""
    found: dict[str, list[str]] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test")):
                continue
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if names & {"UPDATE", "check_golden"}:
                marks = {ast.unparse(d) for d in node.decorator_list}
                found.setdefault(path.name, []).append(f"{node.name}: {'golden' in marks}")
    return found


def test_every_golden_writing_test_is_marked_so_one_command_rewrites_them_all() -> None:
    writers = _writers()
    assert {"test_cli.py", "test_check.py", "test_i18n.py", "test_inspect_cli.py"} <= set(writers)
    assert {"test_pictures.py", "test_docs.py", "test_cli_snapshot.py"} <= set(writers)
    unmarked = [f"{name}: {test}" for name, tests in writers.items() for test in tests]
    assert [line for line in unmarked if line.endswith("False")] == []
    assert REWRITE_ALL in (ROOT / "docs" / "development.md").read_text(encoding="utf-8")


def test_no_test_module_keeps_its_own_update_switch() -> None:
    """LSTMSHAPE_UPDATE is read in one place (tests/golden.py)."""
    for path in sorted(TESTS.glob("*.py")):
        if path.name not in ("golden.py", "test_goldens.py"):
            assert 'LSTMSHAPE_UPDATE")' not in path.read_text(encoding="utf-8"), path
