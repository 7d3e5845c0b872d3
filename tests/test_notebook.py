"""A notebook, executed headless by a real Jupyter kernel (the tests' own Python): each result
shows as its table view in HTML, print() gives the plain view, and the %lstmshape magic takes the
command line's options."""

from __future__ import annotations

import json
import random
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import unwrapped

ROOT = Path(__file__).resolve().parent.parent
CELLS = [
    "import torch\nimport lstmshape\n%load_ext lstmshape",
    "%lstmshape --input 4,3,10 --hidden 20 --layers 2",
    "lstmshape.trace(torch.nn.LSTM(10, 20, bidirectional=True), torch.randn(4, 3, 10))",
    "%lstmshape --input 4,3,10 --hidden 20 --h0 1,8,20",
    "print(lstmshape.explain((4, 3, 10), 20))",
    "%lstmshape trace examples.models:tagger --input 8,5 --input-dtype long",
]


def _run(cells: list[str], tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """``cells`` run by a real kernel, each with its outputs."""
    import nbformat
    from nbclient import NotebookClient

    kernels = tmp_path_factory.mktemp("jupyter") / "kernels" / "lstmshape-tests"
    kernels.mkdir(parents=True)
    # The kernel is this Python: the one lstmshape and torch are installed in for the tests.
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "lstmshape tests",
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        # Jupyter's own deprecation notices (zmq, datetime) are not lstmshape's to fix.
        warnings.simplefilter("ignore")
        patch.setenv("JUPYTER_PATH", str(kernels.parent.parent))
        patch.setenv("COLUMNS", "100")
        client = NotebookClient(
            notebook,
            kernel_name="lstmshape-tests",
            timeout=300,
            resources={"metadata": {"path": str(ROOT)}},
        )
        client.execute()
    ran: list[Any] = notebook.cells
    return ran


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """The notebook's cells after a run, each with its outputs."""
    return _run(CELLS, tmp_path_factory)


def _outputs(cell: Any, kind: str) -> list[Any]:
    return [o for o in cell.outputs if o.output_type == kind]


def test_the_magic_shows_the_report_as_html(executed: list[Any]) -> None:
    (result,) = _outputs(executed[1], "execute_result")
    html = result.data["text/html"]
    assert html.startswith("<pre")
    assert "(2, 3, 20)" in html
    assert "D*num_layers=2" in html
    assert "weight_ih_l1" in html
    plain = result.data["text/plain"]
    assert plain == "<Report nn.LSTM(10, 20, num_layers=2) on input (4, 3, 10): ok>"


def test_a_trace_shows_as_html(executed: list[Any]) -> None:
    (result,) = _outputs(executed[2], "execute_result")
    assert "(4, 3, 40)" in result.data["text/html"]
    assert result.data["text/plain"] == "<Trace LSTM on (4, 3, 10) float32: 1 recurrent call, ok>"
    (traced,) = _outputs(executed[5], "execute_result")
    assert (
        "lstm: nn.LSTM(64, 128, batch_first=True, bidirectional=True)" in traced.data["text/html"]
    )


def test_the_magic_says_errors_as_the_command_line_does(executed: list[Any]) -> None:
    assert not _outputs(executed[3], "execute_result")
    streams = _outputs(executed[3], "stream")
    assert {s.name for s in streams} == {"stderr"}
    # Red in the notebook (Jupyter draws the terminal's colour codes), the words as the CLI's.
    text = re.sub(r"\x1b\[[0-9;]*m", "", "".join(s.text for s in streams))
    assert (
        text.splitlines()[0] == "Error: h_0 has shape (1, 8, 20) but this LSTM expects (1, 3, 20)."
    )
    assert text.splitlines()[-1] == "  Try --h0 1,3,20."
    assert not _outputs(executed[3], "error")


def test_print_gives_the_plain_view(executed: list[Any]) -> None:
    text = "".join(s.text for s in _outputs(executed[4], "stream"))
    assert text.startswith("nn.LSTM(10, 20) on input (4, 3, 10) (batched)\n\nTensors\n")


# What the documented examples take as given: a model and its input (docs/notebooks.md's
# `model`, `tokens`), and a package `mypackage.models` whose Tagger is the example tagger.
GIVEN = """\
import sys, pathlib, tempfile, torch
_package = pathlib.Path(tempfile.mkdtemp()) / "mypackage"
_package.mkdir()
(_package / "__init__.py").write_text("")
(_package / "models.py").write_text("from examples.models import Tagger")
sys.path.insert(0, str(_package.parent))
model = torch.nn.LSTM(10, 20, batch_first=True)
tokens = torch.randn(3, 4, 10)"""
# Cells that build a result's views without showing it: each must display nothing.
SILENT = [
    "report = lstmshape.explain((4, 3, 10), 20)",
    "html = report._repr_html_()",
    "text = str(report)",
    "found = lstmshape.why('Expected hidden[0] size (1, 32, 256), got [1, 8, 256]')",
    "text = str(found) + found._repr_html_()",
    "traced = lstmshape.trace(model, tokens)",
    "text = str(traced) + traced._repr_html_()",
    "inspection = lstmshape.inspect_checkpoint('examples/seq2seq.pt')",
    "text = str(inspection) + inspection._repr_html_()",
    "from lstmshape.views.export import export",
    "kind = export(report, str(pathlib.Path(tempfile.mkdtemp()) / 'tables.svg'))",
]


def documented_cells() -> list[str]:
    """Every line of every python example of docs/notebooks.md, and every code cell of a notebook
    in the docs: each is a cell a reader would type."""
    import nbformat

    text = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    cells = [
        line.split("  #")[0]
        for block in re.findall(r"```python\n(.*?)```", text, re.DOTALL)
        for line in block.splitlines()
        if line.strip()
    ]
    for path in sorted((ROOT / "docs").rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cells += [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    return cells


def _shows(cell: str) -> str | None:
    """What a cell displays: its value (an expression), what it prints, or nothing."""
    if cell.startswith("print("):
        return "stream"
    if re.match(r"(import |from |%load_ext |\w+ = )", cell):
        return None
    return "execute_result"


def test_every_documented_example_shows_its_result_exactly_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    documented = documented_cells()
    assert len(documented) >= 6
    cells = [GIVEN, "import lstmshape", *documented, *SILENT]
    ran = _run(cells, tmp_path_factory)
    for source, cell in zip(cells, ran, strict=True):
        kinds = [output.output_type for output in cell.outputs]
        shows = _shows(source) if source not in (GIVEN,) else None
        assert kinds == ([] if shows is None else [shows]), (source, cell.outputs)


# -- the magic against the command line ------------------------------------------------------------
# The magic answers what the command line answers: for a sample of the recorded command line's
# explain and trace argument lists (tests/snapshots/cli.jsonl.gz), drawn by a fixed seed, the
# result it returns draws as the command line's table, and what it prints (an error, or what only
# the command line prints) is the command line's, byte for byte.


def _magic_cases() -> list[dict[str, Any]]:
    from tools.cli_snapshot import command_of, read

    entries = [e for e in read().entries if "stdin" not in e]
    explain = [e for e in entries if command_of(e["args"]) == "explain"]
    trace = [e for e in entries if command_of(e["args"]) == "trace"]
    traced = [e for e in trace if not {"--help", "-h"} & set(e["args"])]
    picked = random.Random(18).sample(explain, 60) + traced
    return picked + random.Random(18).sample([e for e in trace if e not in traced], 2)


def _case_id(entry: dict[str, Any]) -> str:
    return f"{entry['env']['LSTMSHAPE_LANG']}-{entry['env']['COLUMNS']}:{' '.join(entry['args'])}"


def _drawn(result: object, columns: int) -> str:
    """``result`` drawn as the command line draws it on stdout: its table at the terminal's width
    (never under the command line's narrowest, 60), in the result's language."""
    from io import StringIO

    from rich.console import Console

    from lstmshape.i18n import speaking
    from lstmshape.results.report import Report
    from lstmshape.views import render
    from lstmshape.views.trace import render_trace_format

    out = StringIO()
    console = Console(file=out, width=max(columns, 60), highlight=False)
    with speaking(getattr(result, "lang", None)):
        if isinstance(result, Report):
            render(result, "table", console)
        else:
            render_trace_format(result, "table", console)
    return out.getvalue()


@pytest.mark.parametrize("entry", _magic_cases(), ids=_case_id)
def test_the_magic_answers_as_the_command_line(
    entry: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lstmshape.errors import exit_status
    from lstmshape.notebook import run_line

    for name, value in entry["env"].items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    result = run_line(list(entry["args"]))
    printed = capsys.readouterr()
    if result is None:  # an error, or what the command line alone prints: printed as it prints it
        # An error's words; its lines are the notebook's to break (a cell's output has no COLUMNS).
        said = (printed.out, unwrapped(printed.err))
        assert said == (entry["stdout"], unwrapped(entry["stderr"]))
        return
    # A result: the command line's report (or trace), its verdict the command line's exit code.
    # Where a line breaks is the terminal's console's (the command line breaks Japanese between
    # any two characters, and keeps French's " :" with its word); every other character is held.
    drawn = _drawn(result, int(entry["env"]["COLUMNS"]))
    assert "".join(drawn.split()) == "".join(entry["stdout"].split())
    assert exit_status(result.failures()) == entry["exit_code"]  # type: ignore[attr-defined]
    assert printed.err == ""


def test_the_magic_imports_nothing_of_the_command_line() -> None:
    """The magic is a front end beside the command line, built on the library and the views: no
    import of lstmshape.cli (tests/test_layers.py puts the two in one layer, where neither may
    import the other); what only the command line prints, it runs as a separate process."""
    from tests.test_layers import imports

    imported = {i.imported for i in imports() if i.importer == "lstmshape.notebook"}
    assert imported, "the import graph lost notebook.py"
    assert not {name for name in imported if name.split(".")[:2] == ["lstmshape", "cli"]}
    assert {"lstmshape.options.explain", "lstmshape.options.trace"} <= imported


@pytest.mark.parametrize("lang", ["en", "ja", "fr", "es"])
def test_a_line_with_an_open_quote_is_said_not_raised(
    lang: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line shlex cannot split (a quote left open, as an apostrophe in a pasted sentence leaves
    it) is an error in the command line's words, not a traceback; closed as the Try line says, the
    line is the command's."""
    from lstmshape.i18n import speaking, tr
    from lstmshape.notebook import lstmshape_magic

    for name, value in {"LSTMSHAPE_LANG": lang, "COLUMNS": "80", "NO_COLOR": "1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    sentence = "Expected hidden[0] size (1, 32, 256), got [1, 8, 256]"
    assert lstmshape_magic(f"why '{sentence}") is None
    said = capsys.readouterr()
    assert said.out == ""
    first, hint = re.sub(r"\x1b\[[0-9;]*m", "", said.err).splitlines()
    assert f"%lstmshape why '{sentence}" in first
    with speaking(lang):
        assert hint == "  " + tr(
            "Try closing the quote; a text with an apostrophe (don't) goes in double quotes."
        )
    assert lstmshape_magic(f"why '{sentence}'") is None  # the quote closed
    closed = capsys.readouterr()
    assert "%lstmshape" not in closed.err
    assert "h_0" in closed.out
