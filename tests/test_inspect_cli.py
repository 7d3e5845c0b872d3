"""lstmshape inspect on the command line: every format, --input, --expect, --against and the
arguments given, their exit codes, and every fix printed applied to see that it does what it says."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import lstmshape
from lstmshape import explain
from lstmshape.i18n import speaking
from tests.conftest import CliResult, invoke, unwrapped, validate_json
from tests.golden import check_golden, golden
from tests.strategies import torch

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/seq2seq.pt"


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the example's path is shown as given, as in the README


def run(args: str) -> CliResult:
    return invoke(shlex.split(args))


def tried(result: CliResult) -> str:
    """The command line's "Try ..." fix of the last error, as the user would type it."""
    line = unwrapped(result.stderr).splitlines()[-1].strip()
    assert line.startswith("Try "), unwrapped(result.stderr)
    return line.removeprefix("Try ").removeprefix("adding ").rstrip(".")


@golden
@pytest.mark.parametrize("fmt", ["table", "plain", "markdown", "json"])
def test_the_example_in_every_format(fmt: str) -> None:
    args = f"inspect {EXAMPLE} --format {fmt}"
    result = run(args)
    assert (result.exit_code, unwrapped(result.stderr)) == (0, "")
    check_golden(f"inspect_example_{fmt}", args, result.stdout)


def test_json_is_the_apis_and_the_contract_has_its_keys() -> None:
    data = json.loads(run(f"inspect {EXAMPLE} -f json").stdout)
    assert data == lstmshape.inspect_checkpoint(EXAMPLE).to_dict()
    assert {"schema", "modules", "unsafe", "other_tensors"} <= data.keys()
    encoder = data["modules"][0]
    assert {"name", "module", "config", "num_parameters", "parameters"} <= encoder.keys()
    assert (encoder["name"], encoder["module"], encoder["state_dict"]) == (
        "encoder",
        "LSTM",
        ["model"],
    )
    assert encoder["config"] == {"input_size": 16, "hidden_size": 24, "num_layers": 2, "bias": True,
                                 "bidirectional": True, "proj_size": 0}  # fmt: skip
    assert encoder["parameters"]["weight_ih_l1"] == {
        "key": "encoder.weight_ih_l1", "shape": [96, 48], "dtype": "float32", "numel": 4608,
    }  # fmt: skip
    assert (data["unsafe"], data["other_tensors"], data["ok"]) == ([], 3, True)


def test_an_inspection_in_another_language_keeps_its_data_and_says_its_text_there(
    tmp_path: Path,
) -> None:
    """lang="fr": the JSON's ids, names, calls and shapes are the English one's; the heading, the
    tables and the errors (a bad file named first) are French."""
    english = lstmshape.inspect_checkpoint(EXAMPLE, lang="en")
    french = lstmshape.inspect_checkpoint(EXAMPLE, lang="fr")
    assert (english.lang, french.lang) == ("en", "fr")
    data = french.to_dict()
    validate_json(data, "inspect")
    assert data == {**english.to_dict(), "lang": "fr"}
    shown = str(french)  # the plain view, in the inspection's language
    assert shown.startswith(f"{EXAMPLE}\u00a0: format zip de torch.save, 23 tenseurs, 2 modules ")
    assert "nn.LSTM(16, 24, num_layers=2, bidirectional=True)" in shown
    assert "paramètre" in shown
    assert "parameter " not in shown
    assert run(f"inspect {EXAMPLE} -f json --lang fr").stdout == json.dumps(data, indent=2) + "\n"
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(lstmshape.CheckpointError, match="empty") as refused:
        lstmshape.inspect_checkpoint(tmp_path / "empty.pt", lang="fr")
    with speaking("fr"):
        assert (
            refused.value.lines()[0]
            == f"{tmp_path / 'empty.pt'}\u00a0: le fichier est vide (0 octet)."
        )
    with pytest.raises(lstmshape.UnreadableValueError, match="lstmshape speaks"):
        lstmshape.inspect_checkpoint(EXAMPLE, lang="de")


def test_input_explains_a_module_as_the_main_command_does() -> None:
    inspected = run(f"inspect {EXAMPLE} -n encoder --input 4,3,16 --batch-first -f plain")
    direct = run("--input 4,3,16 --hidden 24 --layers 2 --bidirectional --batch-first -f plain")
    assert inspected.exit_code == direct.exit_code == 0
    assert inspected.stdout.endswith("\n\n" + direct.stdout)
    data = json.loads(run(f"inspect {EXAMPLE} -n decoder --input 5,48 --h0 1,24 -f json").stdout)
    assert data["explained"] == {
        "module": "decoder",
        "report": explain((5, 48), 24, module="GRU", h_0=(1, 24)).to_dict(),
    }


def test_expectations_on_arguments_and_tensors() -> None:
    passed = run(f"inspect {EXAMPLE} -e encoder.hidden_size=24 -e decoder.module=gru "
                 "-e encoder.bidirectional=true -f plain")  # fmt: skip
    assert (passed.exit_code, passed.stderr) == (0, "")
    assert "encoder  bidirectional  True      True    ok" in passed.stdout
    failed = run(f"inspect {EXAMPLE} -e encoder.hidden_size=256 -f json")
    assert failed.exit_code == 1
    assert failed.stderr == (
        "Error: encoder has hidden_size=24, not the expected 256.\n"
        "  Try --expect encoder.hidden_size=24, or the checkpoint you meant.\n"
    )
    assert json.loads(failed.stdout)["expectations"] == [
        {"module": "encoder", "argument": "hidden_size", "expected": 256, "actual": 24, "ok": False}
    ]
    assert run(f"inspect {EXAMPLE} -e {tried(failed).split(',')[0].split()[1]}").exit_code == 0
    shapes = run(f"inspect {EXAMPLE} -n decoder --input 5,2,48 -e h_n=2,2,24")
    assert shapes.exit_code == 1
    assert tried(shapes) == "--expect h_n=1,2,24"
    assert run(f"inspect {EXAMPLE} -n decoder --input 5,2,48 {tried(shapes)}").exit_code == 0


@pytest.mark.parametrize(
    ("args", "first_line", "kept"),
    [
        ("-e hidden_size=24", "Error: Which module? The checkpoint has several recurrent modules.", ""),
        ("-e lstm.hidden_size=24", "Error: The checkpoint has no recurrent module named 'lstm'.", ""),
        ("-e h_n=4,3,24", "Error: --expect 'h_n=4,3,24' names a tensor: its shape depends on the input, so it needs --input.", "-e h_n=4,3,24"),
        ("--input 4,3,16", f"Error: {EXAMPLE} holds 2 recurrent modules: which one?", "--input 4,3,16"),
        ("-n lstm --input 4,3,16", f"Error: {EXAMPLE} has no recurrent module named 'lstm'.", "--input 4,3,16"),
    ],
)  # fmt: skip
def test_a_module_or_input_to_name_and_the_fix_that_names_it(
    args: str, first_line: str, kept: str
) -> None:
    result = run(f"inspect {EXAMPLE} {args}")
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr).splitlines()[0] == first_line
    # The fix, typed in place of what was wrong (the rest of the command kept).
    fixed = run(f"inspect {EXAMPLE} {kept} {tried(result)}")
    assert (fixed.exit_code, fixed.stderr) == (0, ""), fixed.stderr


def test_an_input_that_does_not_fit_is_fixed_by_the_tensors_never_the_module() -> None:
    wrong = run(f"inspect {EXAMPLE} -n encoder --input 4,3,8")
    assert wrong.exit_code == 1
    assert wrong.stderr.splitlines()[-1] == "  Try --input 4,3,16."  # not --input-size 8
    assert run(f"inspect {EXAMPLE} -n encoder {tried(wrong)}").exit_code == 0
    states = run(f"inspect {EXAMPLE} -n encoder --input 4,3,16 --h0 2,3,24")
    assert tried(states) == "--h0 4,3,24"
    assert run(f"inspect {EXAMPLE} -n encoder --input 4,3,16 {tried(states)}").exit_code == 0
    nonlinear = run(f"inspect {EXAMPLE} -n decoder --input 4,3,48 --nonlinearity relu")
    assert tried(nonlinear) == "without --nonlinearity"  # not --module RNN
    assert run(f"inspect {EXAMPLE} -n decoder --input 4,3,48").exit_code == 0


def test_against_the_arguments_meant() -> None:
    same = run(f"inspect {EXAMPLE} -n encoder --hidden 24 --layers 2 --bidirectional -f plain")
    assert (same.exit_code, same.stderr) == (0, "")
    assert "encoder  every argument  same" in same.stdout
    differs = run(f"inspect {EXAMPLE} -n encoder --hidden 32 --layers 2 --bidirectional -f plain")
    assert differs.exit_code == 1
    assert unwrapped(differs.stderr).splitlines()[0] == (
        f"Error: encoder: hidden_size is 24 in {EXAMPLE}, 32 in the arguments given."
    )
    # The call it proposes loads the checkpoint's state_dict into torch's module, strictly.
    call = tried(differs).removesuffix(f" to load {EXAMPLE}")
    module = eval(call, {"nn": torch.nn})
    state = torch.load(EXAMPLE, weights_only=True)["model"]
    module.load_state_dict({k.removeprefix("encoder."): v for k, v in state.items()
                            if k.startswith("encoder.")}, strict=True)  # fmt: skip
    needs_hidden = run(f"inspect {EXAMPLE} -n encoder --layers 2 --bidirectional")
    assert needs_hidden.exit_code == 2
    assert tried(needs_hidden) == "--hidden 24"
    fixed = run(f"inspect {EXAMPLE} -n encoder --layers 2 --bidirectional {tried(needs_hidden)}")
    assert (fixed.exit_code, fixed.stderr) == (0, "")
    refused = run(f"inspect {EXAMPLE} -n decoder --hidden 24 --module GRUCell --layers 1")
    assert refused.exit_code == 2
    assert unwrapped(refused.stderr).splitlines()[-1] == "  Try without --layers, or --module GRU."


def _save(path: Path, model: torch.nn.Module) -> str:
    torch.save(model.state_dict(), path)
    return str(path)


def test_against_another_checkpoint(tmp_path: Path) -> None:
    torch.manual_seed(0)
    ours = _save(tmp_path / "ours.pt", torch.nn.ModuleDict({"lstm": torch.nn.LSTM(300, 256)}))
    theirs = _save(tmp_path / "theirs.pt", torch.nn.ModuleDict({"lstm": torch.nn.LSTM(300, 128)}))
    again = _save(tmp_path / "again.pt", torch.nn.ModuleDict({"lstm": torch.nn.LSTM(300, 256)}))
    assert run(f"inspect {ours} --against {again}").exit_code == 0
    # The temporary paths head the comparison's columns: wide enough for them, a table (at 80
    # it is written as blocks, tests/test_layout.py).
    result = invoke(shlex.split(f"inspect {ours} --against {theirs} -f plain"), columns=250)
    assert result.exit_code == 1
    assert "lstm    hidden_size  256" in result.stdout
    assert "lstm.weight_ih_l0  (1024, 300)" in result.stdout
    assert (
        unwrapped(result.stderr).splitlines()[0]
        == f"Error: lstm: hidden_size is 256 in {ours}, 128 in {theirs}."
    )
    # What load_state_dict says for the same two files: the key and the two shapes lstmshape shows.
    with pytest.raises(
        RuntimeError, match=r"size mismatch for lstm\.weight_ih_l0: .*\[1024, 300\].*\[512, 300\]"
    ):
        torch.nn.ModuleDict({"lstm": torch.nn.LSTM(300, 128)}).load_state_dict(torch.load(ours))
    other = _save(tmp_path / "other.pt", torch.nn.ModuleDict({"gru": torch.nn.GRU(3, 4)}))
    missing = run(f"inspect {ours} --against {other}")
    assert missing.exit_code == 1
    assert f"Error: {ours} has recurrent modules that {other} has not: lstm." in unwrapped(
        missing.stderr
    )
    both = run(f"inspect {ours} --against {other} --hidden 4")
    assert both.exit_code == 2
    assert tried(both) == "--against alone"


def test_inconsistent_weights_are_shown_and_exit_1(tmp_path: Path) -> None:
    state = torch.nn.LSTM(10, 20, num_layers=3).state_dict()
    torch.save(
        {f"enc.{k}": v for k, v in state.items() if not k.endswith("_l1")}, tmp_path / "cut.pt"
    )
    # Wide enough that nothing wraps: the error's own four-column line is held as it is.
    result = invoke(shlex.split(f"inspect {tmp_path / 'cut.pt'} -f plain"), columns=200)
    assert result.exit_code == 1
    assert "enc: no torch module has these parameters" in result.stdout
    assert result.stderr == (
        "Error: enc: no torch module has these 8 parameters together.\n"
        "  Nearest: nn.LSTM(10, 20, num_layers=3):\n"
        "    no parameter of layer 1 (missing: every weight and bias of it)\n"
        "  Try the whole state_dict (a sharded checkpoint spreads a module over its shards), or a "
        "copy saved again.\n"
    )


def test_no_recurrent_module_is_said(tmp_path: Path) -> None:
    torch.save(torch.nn.Linear(3, 2).state_dict(), tmp_path / "linear.pt")
    result = run(f"inspect {tmp_path / 'linear.pt'} -f plain")
    assert (result.exit_code, unwrapped(result.stderr)) == (0, "")
    assert "No recurrent module: no key ends in weight_ih_l{k}" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        "-f table", "-f json", "-f markdown -e encoder.num_layers=2",
        "-f plain -n encoder --input 4,3,16 --cost", f"--against {EXAMPLE}",
        "-n decoder --hidden 24 --module gru --input-size 48",
    ],
)  # fmt: skip
def test_inspect_leaves_torch_out_of_sys_modules(args: str) -> None:
    code = (
        "import sys\nfrom lstmshape.cli import app\n"
        f"try:\n    app(['inspect', {EXAMPLE!r}, *{shlex.split(args)!r}])\n"
        "except SystemExit as done:\n    assert done.code == 0, done.code\n"
        "print('torch' in sys.modules, 'safetensors' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False)  # fmt: skip
    assert result.stdout.split()[-2:] == ["False", "False"], unwrapped(result.stderr)


def test_importing_lstmshape_loads_no_checkpoint_reader() -> None:
    code = "import sys, lstmshape; print('lstmshape.commands.inspect.checkpoint' in sys.modules, 'zipfile' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["False", "False"]


def test_the_docs_json_is_the_examples() -> None:
    """docs/inspect.md shows the example's JSON, one parameter of the encoder kept: the rest is real."""
    import re

    shown = re.search(r"```json\n(.*?)```", (ROOT / "docs" / "inspect.md").read_text(), re.S)
    assert shown is not None
    documented = json.loads(shown[1])
    real = json.loads(run(f"inspect {EXAMPLE} -f json").stdout)
    [encoder] = documented["modules"]
    assert encoder["parameters"].items() <= real["modules"][0]["parameters"].items()
    assert {**real["modules"][0], "parameters": encoder["parameters"]} == encoder
    assert {**real, "modules": documented["modules"]} == documented


def test_help_names_inspect_and_its_options() -> None:
    top = " ".join(invoke(["--help"], columns=120).stdout.replace("│", " ").split())
    assert "inspect Which recurrent modules CHECKPOINT holds" in top
    helped = invoke(["inspect", "--help"], columns=120).stdout
    assert "<bool>" not in helped
    for option in ("--module-name", "--against", "--expect", "--hidden", "--input", "--format"):
        assert option in helped
