"""``lstmshape trace MODULE:FACTORY``: the user's model built on fake tensors and traced; their
import errors shown as theirs, with their traceback; --expect for CI; every format."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, unwrapped

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., CliResult]
TAGGER = "trace examples.models:tagger --input 8,5 --input-dtype long"


pytestmark = pytest.mark.usefixtures("at_the_root")


def test_a_model_traces_shape_only_with_every_tensor(run: Run) -> None:
    result = run(TAGGER + " --format plain")
    assert result.exit_code == 0, unwrapped(result.stderr)
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Tagger on (8, 5) int64: 1 recurrent call, ok"
    assert lines[1].startswith("shape-only: the model was built on fake tensors")
    assert "lstm: nn.LSTM(64, 128, batch_first=True, bidirectional=True)" in lines
    assert "output  (8, 5, 256)  N=8, L=5, D*H_out=256            agrees" in lines
    assert "  called at examples/models.py:25: output, _ = self.lstm(self.embed(tokens))" in lines


def test_expected_shapes_for_ci(run: Run) -> None:
    ok = run(TAGGER + " --expect lstm.h_n=2,8,128 --expect lstm.output=8,5,256 --format json")
    assert ok.exit_code == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert [e["ok"] for e in data["expectations"]] == [True, True]
    wrong = run(TAGGER + " --expect lstm.h_n=1,8,128")
    assert wrong.exit_code == 1
    assert wrong.stderr.splitlines() == [
        "Error: lstm.h_n is (2, 8, 128), not the expected (1, 8, 128).",
        "  Try --expect lstm.h_n=2,8,128, or change the model.",
    ]
    # The fix, applied, passes.
    assert run(TAGGER + " --expect lstm.h_n=2,8,128").exit_code == 0
    # A layer the model does not hold is a slip (exit 2), said with the layer it does hold.
    never = run(TAGGER + " --expect decoder.lstm.h_n=1,8,128")
    assert never.exit_code == 2
    assert "(did you mean lstm.h_n?)" in never.stderr


def test_a_failing_model_says_where_and_why_with_torchs_own_sentence(run: Run) -> None:
    result = run("trace examples.models:broken_tagger --input 8,5 --input-dtype long --format json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["failure"]["path"] == "head"
    # The model is small: it ran again for real, for torch's own sentence.
    assert data["method"] == "real"
    assert (
        data["failure"]["torch_says"]
        == "mat1 and mat2 shapes cannot be multiplied (40x256 and 128x9)"
    )
    assert unwrapped(result.stderr).splitlines()[0] == "Error: head (Linear) failed on (8, 5, 256)."
    assert "  Try nn.Linear(256, 9) for head, or give it 128 features." in unwrapped(result.stderr)


def test_a_packed_model_runs_for_real_and_says_why(run: Run) -> None:
    result = run("trace examples.models:seq2seq --input 4,7 --input-dtype long --format json")
    assert result.exit_code == 0, unwrapped(result.stderr)
    data = json.loads(result.stdout)
    assert data["method"] == "real"
    assert "pack_padded_sequence" in data["how"]
    assert [(c["path"], c["call"]) for c in data["calls"]] == [
        ("encoder.lstm", 1), ("decoder", 1), ("decoder", 2), ("decoder", 3),
    ]  # fmt: skip
    assert data["calls"][0]["received"]["packed"]["lengths"] == [7, 7, 7, 7]


def test_a_model_of_billions_of_parameters_traces_without_its_memory(run: Run) -> None:
    result = run("trace examples.models:large_tagger --input 64,512 --input-dtype long -f json")
    assert result.exit_code == 0, unwrapped(result.stderr)
    data = json.loads(result.stdout)
    assert data["method"] == "shape-only"
    (call,) = data["calls"]
    assert call["report"]["num_parameters"] == 805_437_440
    assert call["torch"]["output"] == [64, 512, 16384]


def test_markdown_and_table(run: Run) -> None:
    markdown = run(TAGGER + " --format markdown")
    assert markdown.stdout.startswith("**Tagger on (8, 5) int64: 1 recurrent call, ok**\n")
    assert "| output | (8, 5, 256) | N=8, L=5, D\\*H\\_out=256 | agrees |" not in markdown.stdout
    assert "| output | (8, 5, 256) | N=8, L=5, D\\*H_out=256 | agrees |" in markdown.stdout
    table = run(TAGGER)
    assert " output   (8, 5, 256)   N=8, L=5, D*H_out=256 " in table.stdout


def test_the_users_import_error_is_theirs_with_its_traceback(run: Run, user_code: Path) -> None:
    (user_code / "usermodels_a.py").write_text("import torch\n\nx = 1 / 0\n")
    result = run("trace usermodels_a:build --input 4,3")
    assert result.exit_code == 2
    lines = unwrapped(result.stderr).splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert any('usermodels_a.py", line 3, in <module>' in line for line in lines)
    assert "lstmshape" not in "\n".join(lines[: lines.index("ZeroDivisionError: division by zero")])
    assert lines[-2:] == [
        "Error: importing usermodels_a failed in your code: ZeroDivisionError: division by zero",
        "  The traceback above is your code's, not lstmshape's.",
    ]
    (user_code / "usermodels_b.py").write_text("import not_installed_anywhere\n")
    missing = run("trace usermodels_b:build --input 4,3")
    assert missing.exit_code == 2
    assert "ModuleNotFoundError: No module named 'not_installed_anywhere'" in missing.stderr
    assert "Traceback (most recent call last):" in missing.stderr


def test_the_users_factory_that_raises_or_returns_no_model(run: Run, user_code: Path) -> None:
    (user_code / "usermodels_c.py").write_text(
        "import torch\n\n"
        "def broken():\n    return torch.nn.LSTM(10, -1)\n\n"
        "def number():\n    return 3\n\n"
        "VALUE = 4\n"
    )
    broken = run("trace usermodels_c:broken --input 4,3,10")
    assert broken.exit_code == 2
    assert 'usermodels_c.py", line 4, in broken' in broken.stderr
    assert "Error: broken() failed in your code: ValueError:" in broken.stderr
    number = run("trace usermodels_c:number --input 4,3,10")
    assert unwrapped(number.stderr).splitlines() == [
        "Error: number() returned an int, not a torch.nn.Module.",
        "  Try a factory that returns the model (its class, or a function that builds it).",
    ]
    value = run("trace usermodels_c:VALUE --input 4,3,10")
    assert (
        value.stderr.splitlines()[0]
        == "Error: usermodels_c:VALUE is an int, not a function or a class."
    )
    absent = run("trace usermodels_c:build --input 4,3,10")
    assert absent.stderr.splitlines() == [
        "Error: usermodels_c has no 'build'.",
        "  It defines broken, number.",
        "  Try usermodels_c:broken.",
    ]


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        ("trace nowhere_to_be_found:build --input 4,3", "Error: No module named 'nowhere_to_be_found', in the working folder or on sys.path."),
        ("trace examples.models --input 4,3", "Error: 'examples.models' does not name a factory: write it PACKAGE.MODULE:FACTORY."),
        ("trace examples.models:tagger", "Error: lstmshape trace needs the shape of the model's input: --input."),
        ("trace examples.models:tagger --input 8,5 --input-dtype lng", "Error: --input-dtype 'lng' is not a dtype lstmshape can make inputs of."),
        ("trace examples.models:tagger --input 8,5 --input 8 --input-dtype long --input-dtype long --input-dtype long", "Error: 3 --input-dtype for 2 --input: give one for all, or one each."),
        ("trace examples.models:tagger --input 8,5 --expect lstm.hn=1,2,3", "Error: 'lstm.hn' does not end in a tensor's name: write LAYER.TENSOR, e.g. encoder.lstm.h_n."),
        ("trace examples.models:tagger --input 8,5 --expect lstm.h_n", "Error: --expect 'lstm.h_n' is not LAYER.TENSOR=SHAPE."),
        ("trace examples.models:tagger --input 4,x", "Error: --input '4,x': axis 1 is 'x', not a number."),
        ("trace examples.models:tagger --input 8,5 --expect lstm.h_n=2,x,128", "Error: --expect lstm.h_n='2,x,128': axis 1 is 'x', not a number."),
        ("trace examples.models:tagger --input 8,5 --budget lots", "Error: --budget 'lots' is not a memory size."),
    ],
)  # fmt: skip
def test_what_the_command_refuses(run: Run, args: str, first_line: str) -> None:
    result = run(args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert unwrapped(result.stderr).splitlines()[0] == first_line


def test_the_dtype_fix_is_one_the_command_takes(run: Run) -> None:
    result = run("trace examples.models:tagger --input 8,5 --input-dtype lng")
    assert (
        unwrapped(result.stderr).splitlines()[-1]
        == "  Try --input-dtype long for token ids, or float32 for vectors."
    )
    assert run("trace examples.models:tagger --input 8,5 --input-dtype long").exit_code == 0


def test_import_and_the_commands_help_leave_torch_out() -> None:
    """lstmshape.trace is a function of the torch-free package: torch loads when it runs."""
    import subprocess

    code = (
        "import sys, lstmshape\n"
        "from lstmshape.cli import app\n"
        "assert callable(lstmshape.trace) and callable(lstmshape.load_ipython_extension)\n"
        "try:\n    app(['trace', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('torch' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, unwrapped(done.stderr)
    assert unwrapped(done.stderr).strip() == "False"


DIRECT = """import torch


class Direct(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(10, 20)

    def forward(self, x):
        return self.lstm.forward(x)[0]
"""


def test_a_layers_forward_called_directly_is_traced_without_a_traceback(
    run: Run, user_code: Path
) -> None:
    (user_code / "usermodels_direct.py").write_text(DIRECT)
    ok = run("trace usermodels_direct:Direct --input 5,3,10 --format plain")
    assert ok.exit_code == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert lines[0] == "Direct on (5, 3, 10) float32: 1 recurrent call, ok"
    assert "  called at usermodels_direct.py:10: return self.lstm.forward(x)[0]" in lines
    assert any(line.startswith("  lstm.forward(...) was called directly") for line in lines)
    wrong = run("trace usermodels_direct:Direct --input 5,3,7 --format plain")
    assert wrong.exit_code == 1
    assert "Traceback" not in wrong.stderr
    assert wrong.stderr.splitlines()[:2] == [
        "Error: lstm, nn.LSTM(10, 20), failed on (5, 3, 7).",
        "  called at usermodels_direct.py:10: return self.lstm.forward(x)[0]",
    ]
