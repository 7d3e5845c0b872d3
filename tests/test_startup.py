"""Start-up, held without a timer: what each command imports, in a fresh interpreter.

benchmarks/startup.py measures the time (explain <= 1.10x a minimal Typer + Rich app); this file
holds its cause, deterministically: explaining loads the modules listed below and nothing else of
lstmshape's, and no module (standard library or third-party) that the minimal app does not load
itself. A module added to the explain path, or a heavy import added at a module's top, fails here:
load it inside the function that needs it, or, if explaining really needs it, add it to the list
and measure with ``python benchmarks/startup.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MISSION = ["--input", "4,3,10", "--hidden", "20"]


def listed(text: str) -> frozenset[str]:
    """The names in ``text``, separated by white space."""
    return frozenset(text.split())


ENV = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "LANG": "C", "LSTMSHAPE_LANG": "en"}

# What ``lstmshape --input 4,3,10 --hidden 20`` may load of lstmshape: the command line's explain
# command, the explain core's sequence path, the table view. Not the API front end, nor the cell
# and packed paths, nor another command, nor another view.
EXPLAIN = listed(
    """
    lstmshape lstmshape.version lstmshape.hooks
    lstmshape.cli lstmshape.cli.app lstmshape.cli.console lstmshape.cli.explain lstmshape.cli.group
    lstmshape.cli.language lstmshape.cli.options lstmshape.cli.voice lstmshape.cli.click_words
    lstmshape.cli.pipes
    lstmshape.options lstmshape.options.explain lstmshape.options.voice
    lstmshape.commands lstmshape.commands.explain lstmshape.commands.explain.diagnosis
    lstmshape.commands.explain.expectations lstmshape.commands.explain.forward
    lstmshape.commands.explain.layout lstmshape.commands.explain.mismatch
    lstmshape.commands.explain.notes lstmshape.commands.explain.sequence
    lstmshape.commands.explain.states
    lstmshape.errors lstmshape.i18n lstmshape.i18n.text lstmshape.i18n.words
    lstmshape.i18n.chosen lstmshape.i18n.lines lstmshape.i18n.numbers lstmshape.i18n.cldr
    lstmshape.i18n.typography
    lstmshape.proof lstmshape.proof.budget
    lstmshape.reading lstmshape.reading.values lstmshape.reading.language
    lstmshape.reading.names lstmshape.reading.python_values
    lstmshape.results lstmshape.results.contract lstmshape.results.report lstmshape.results.shown
    lstmshape.torchfacts lstmshape.torchfacts.accepted lstmshape.torchfacts.dtypes
    lstmshape.torchfacts.arguments lstmshape.cli.arguments
    lstmshape.torchfacts.kinds lstmshape.torchfacts.parameters lstmshape.torchfacts.rules
    lstmshape.torchfacts.sentences lstmshape.torchfacts.spec
    lstmshape.views lstmshape.views.output lstmshape.views.section lstmshape.views.sections
    lstmshape.views.table lstmshape.views.visible lstmshape.views.wrapping lstmshape.views.plain_table
    """
)
# ``lstmshape --help``: the app and its options; no command's module, no result, no view (the
# package root's hooks are installed in lstmshape.hooks, which imports nothing).
HELP = listed(
    """
    lstmshape lstmshape.version lstmshape.hooks
    lstmshape.cli lstmshape.cli.app lstmshape.cli.group lstmshape.cli.language lstmshape.cli.options
    lstmshape.cli.click_words lstmshape.cli.help_layout lstmshape.cli.pipes
    lstmshape.errors lstmshape.i18n lstmshape.i18n.text lstmshape.i18n.words
    lstmshape.i18n.chosen lstmshape.i18n.lines lstmshape.i18n.numbers lstmshape.i18n.cldr
    lstmshape.reading lstmshape.reading.values lstmshape.reading.language
    lstmshape.torchfacts lstmshape.torchfacts.accepted lstmshape.torchfacts.dtypes
    lstmshape.torchfacts.arguments lstmshape.cli.arguments
    lstmshape.torchfacts.kinds lstmshape.torchfacts.parameters lstmshape.torchfacts.rules
    lstmshape.torchfacts.sentences
    lstmshape.views lstmshape.views.output
    """
)
# Modules the minimal app does not load that explaining may: Rich's table of wide characters,
# loaded when a cell's text is wrapped (the floor's one-row table wraps nothing).
THIRD_PARTY_EXTRA = ("rich._unicode_data",)

PROBE = """
import sys
sys.argv = ["lstmshape", *{args!r}]
from lstmshape.cli import main
try:
    main()
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=open({out!r}, "w"))
"""
FLOOR_PROBE = """
import runpy, sys
sys.argv = ["floor"]
try:
    runpy.run_path({path!r}, run_name="__main__")
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=open({out!r}, "w"))
"""


def loaded(code: str, out: Path) -> set[str]:
    """The modules in sys.modules after ``code`` ran in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, env=ENV, cwd=ROOT
    )
    assert out.exists(), done.stderr
    return set(out.read_text().split())


def loaded_by(args: list[str], tmp_path: Path) -> set[str]:
    out = tmp_path / "modules.txt"
    return loaded(PROBE.format(args=args, out=str(out)), out)


def ours(modules: set[str]) -> set[str]:
    return {name for name in modules if name == "lstmshape" or name.startswith("lstmshape.")}


@pytest.fixture(scope="module")
def floor(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("floor") / "modules.txt"
    path = ROOT / "benchmarks" / "floor_app.py"
    # runpy and pkgutil are the probe's, not the app's.
    return loaded(FLOOR_PROBE.format(path=str(path), out=str(out)), out) - {"runpy", "pkgutil"}


def test_import_lstmshape_loads_nothing_but_its_root() -> None:
    """The root's public names are lazy, and the hooks it installs for lower layers go to
    lstmshape.hooks, which imports nothing: importing lstmshape loads no command, result, front
    end or view, so a command loads only what it uses."""
    code = "import sys, lstmshape; print(*sorted(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, env=ENV
    )
    assert ours(set(done.stdout.split())) == {"lstmshape", "lstmshape.hooks", "lstmshape.version"}


def test_explain_loads_only_the_explain_path(tmp_path: Path) -> None:
    modules = loaded_by(MISSION, tmp_path)
    assert "lstmshape.commands.explain.sequence" in modules  # the probe saw the explain run
    assert ours(modules) - EXPLAIN == set()


def test_explain_loads_nothing_the_minimal_app_does_not(tmp_path: Path, floor: set[str]) -> None:
    extra = {
        name
        for name in loaded_by(MISSION, tmp_path) - floor
        if not name.startswith(("lstmshape", "__editable__", *THIRD_PARTY_EXTRA))
    }
    assert extra == set(), "explaining imports what the minimal Typer + Rich app does not"


def test_help_loads_no_command(tmp_path: Path) -> None:
    """--help: the app, its options and the package's root; no command (the explain core
    included), no result, no view."""
    modules = loaded_by(["--help"], tmp_path)
    assert "lstmshape.cli.app" in modules
    assert ours(modules) - HELP == set()
    assert "lstmshape.cli.explain" not in modules
    assert "lstmshape.views.table" not in modules


@pytest.mark.parametrize(
    ("args", "own"),
    [
        (["why", "RuntimeError: input.size(-1) must be equal to input_size"], "commands.why"),
        (["inspect", "no-such-file.pt"], "commands.inspect"),
        (["check", "no-such-file.toml"], "commands.check"),
    ],
)
def test_a_command_loads_no_other_command(args: list[str], own: str, tmp_path: Path) -> None:
    """why, inspect and check load their own folder, never trace, deploy, the API, the notebook
    or another command's reader (why reads a pasted error's keys with inspect's names: allowed)."""
    modules = loaded_by(args, tmp_path)
    assert f"lstmshape.{own}" in modules
    others = ("trace", "check", "inspect.checkpoint", "why")
    refused = [f"lstmshape.commands.{name}" for name in others if not name.startswith(own[9:])]
    refused += ["lstmshape.api", "lstmshape.deploy", "lstmshape.notebook", "lstmshape.proof.runs"]
    # Nor the explain core's paths: why reads a wrong state with the one diagnosis (in
    # commands/explain/diagnosis/), never explains a sequence; inspect explains only with --input.
    core = ("sequence", "forward", "notes", "cells", "packing")
    refused += [f"lstmshape.commands.explain.{path}" for path in core]
    if own == "commands.inspect":
        refused += ["lstmshape.commands.explain", "lstmshape.options.explain"]
    assert [name for name in sorted(modules) if name.startswith(tuple(refused))] == []


def test_explaining_builds_no_command_but_naming_one_does() -> None:
    """The bare explain form never names a command, so the group does not build the commands'
    options from their signatures (about 6 ms); a command named, or the help, builds them."""
    import contextlib
    import io

    import typer.main

    from lstmshape.cli.app import app

    def run(args: list[str]) -> Any:
        group: Any = typer.main.get_command(app)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            group.main(args, prog_name="lstmshape")
        return group

    assert run(["--input", "4,3,10", "--hidden", "20"])._unbuilt is not None
    assert run(["why", "RuntimeError: input.size(-1) must be equal to input_size"])._unbuilt is None
    assert run(["--help"])._unbuilt is None
