"""The command line: every option, format and error path, with exit code, stdout and stderr."""

from __future__ import annotations

import importlib.abc
import importlib.metadata
import json
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CliResult, invoke, unwrapped
from tests.golden import check_golden, golden

Run = Callable[..., CliResult]
MISSION = "--input 4,3,10 --hidden 20 --layers 2"

# Rendered output, compared byte for byte at 80 columns with no colour. LSTMSHAPE_UPDATE=1 rewrites.
GOLDEN_CASES = {
    "mission_table": MISSION,
    "mission_markdown": f"{MISSION} --format markdown",
    "mission_plain": f"{MISSION} --format plain",
    "mission_json": f"{MISSION} --format json",
    "mission_verify": f"{MISSION} --verify",
    "bidirectional_proj_batch_first": "--input 3,4,10 --hidden 20 --layers 2 --bidirectional "
    "--proj-size 5 --batch-first",
    "unbatched_batch_first_dropout": "--input 7,3 --hidden 5 --batch-first --dropout 0.5",
    "expect_plain": f"{MISSION} --format plain --expect output=4,3,20 --expect h_n=2,3,20",
    "deep_stack_plain": "--input 4,3,10 --hidden 20 --layers 6 --format plain",
    "gru_bidirectional_table": "--module gru --input 4,3,10 --hidden 20 --layers 2 --bidirectional",
    "rnn_relu_batch_first_plain": "--module RNN --nonlinearity relu --input 3,4,10 --hidden 20 "
    "--batch-first --format plain",
    "lstmcell_table": "--module LSTMCell --input 3,10 --hidden 20",
    "grucell_unbatched_plain": "--module grucell --input 10 --hidden 20 --h0 20 --format plain",
    "lstmcell_verify_plain": "--module LSTMCell --input 3,10 --hidden 20 --verify --format plain",
    "packed_unsorted_bidirectional_plain": "--input 5,3,10 --hidden 20 --lengths 2,5,3 --unsorted "
    "--bidirectional --format plain",
    "packed_gru_batch_first_verify": "--module GRU --input 3,5,10 --hidden 20 --lengths 4,3,1 "
    "--batch-first --verify",
    "mission_cost": f"{MISSION} --cost",
    "mission_cost_markdown": f"{MISSION} --dtype bfloat16 --format markdown",
    "packed_unsorted_cost_plain": "--module GRU --input 5,3,10 --hidden 20 --lengths 2,5,3 "
    "--unsorted --cost --format plain",
    "deep_cell_cost_plain": "--module RNNCell --input 10 --hidden 20 --no-bias --cost --format plain",
    "large_gru_verify": "--module GRU --input 100000,512,4096 --hidden 8192 --layers 4 "
    "--bidirectional --verify --cost",
    "long_proj_verify_plain": "--input 2000,64,512 --hidden 1024 --proj-size 128 --layers 2 "
    "--verify --format plain",
    "deep_gru_verify_plain": "--module GRU --input 4,3,10 --hidden 20 --layers 5000 --verify "
    "--format plain",
    "empty_batch_verify_plain": "--input 3,0,10 --hidden 20 --verify --format plain",
    "wide_grucell_verify_plain": "--module GRUCell --input 3,10000 --hidden 64 --verify "
    "--format plain",
}


@golden
@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_output(run: Run, name: str) -> None:
    result = run(GOLDEN_CASES[name])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    check_golden(name, GOLDEN_CASES[name], result.stdout)


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize(
    "args",
    [
        "--input 100000,512,64 --hidden 8 --layers 4 --bidirectional --proj-size 3 --batch-first",
        "--input 50,32,128 --hidden 256 --layers 3 --bidirectional --verify",
        f"{MISSION} --expect output=4,3,20",
        "--module GRU --input 100000,512,4096 --hidden 8192 --layers 6 --bidirectional --verify "
        "--cost --dtype float64",
    ],
)
def test_table_never_cuts_a_cell(args: str, columns: int) -> None:
    # Rich cuts a cell that does not fit with an ellipsis; words may wrap, but nothing is cut.
    result = invoke(args, columns=columns)
    assert result.exit_code == 0
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= columns


@pytest.mark.parametrize(
    ("args", "shapes"),
    [
        ("-i 4x3x10 -H 20 -l 2", {"output": [4, 3, 20], "h_n": [2, 3, 20]}),
        ("--input '(4, 3, 10)' --hidden 20 -b", {"output": [4, 3, 40], "h_n": [2, 3, 20]}),
        ("--input [4,3,10] --hidden 20 -p 5", {"h_n": [1, 3, 5], "c_n": [1, 3, 20]}),
        ("--input 3,4,10 --hidden 20 --batch-first", {"output": [3, 4, 20], "h_n": [1, 3, 20]}),
        ("--input 4,3,8 --hidden 20 --input-size 8", {"input": [4, 3, 8]}),
        ("--input 4,10 --hidden 20", {"output": [4, 20], "h_n": [1, 20]}),
        ("--input 4,3,10 --hidden 20 --h0 1,3,20 --c0 1,3,20", {"h_0": [1, 3, 20]}),
    ],
)
def test_options_reach_the_report(run: Run, args: str, shapes: dict[str, list[int]]) -> None:
    result = run(f"{args} --format json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    for name, shape in shapes.items():
        assert data["tensors"][name]["shape"] == shape


@pytest.mark.parametrize(
    ("args", "config", "tensors", "num_parameters"),
    [
        (
            "--module GRU",
            {"input_size": 10, "hidden_size": 20, "num_layers": 1, "bias": True,
             "batch_first": False, "dropout": 0.0, "bidirectional": False},
            ["input", "h_0", "output", "h_n"],
            1920,
        ),
        (
            "--module rnn --nonlinearity relu",
            {"input_size": 10, "hidden_size": 20, "num_layers": 1, "nonlinearity": "relu",
             "bias": True, "batch_first": False, "dropout": 0.0, "bidirectional": False},
            ["input", "h_0", "output", "h_n"],
            640,
        ),
    ],
)  # fmt: skip
def test_gru_and_rnn_json(
    run: Run, args: str, config: dict[str, object], tensors: list[str], num_parameters: int
) -> None:
    data = json.loads(run(f"--input 4,3,10 --hidden 20 {args} --format json").stdout)
    assert data["module"] == args.split()[1].upper()
    assert data["config"] == config
    assert list(data["tensors"]) == tensors
    assert data["num_parameters"] == num_parameters
    assert "H_cell" not in data["symbols"]


def test_packed_json(run: Run) -> None:
    data = json.loads(
        run("--input 5,3,10 --hidden 20 --lengths 4,3,1 -e output.data=8,20 -f json").stdout
    )
    assert data["packed"] == {
        "lengths": [4, 3, 1],
        "enforce_sorted": True,
        "sum_lengths": 8,
        "max_length": 4,
        "batch_sizes": [3, 2, 2, 1],
        "batch_sizes_runs": [[3, 1], [2, 2], [1, 1]],
    }
    assert {name: t["shape"] for name, t in data["tensors"].items()} == {
        "input": [5, 3, 10],
        "input.data": [8, 10],
        "input.batch_sizes": [4],
        "h_0": [1, 3, 20],
        "c_0": [1, 3, 20],
        "output.data": [8, 20],
        "output.batch_sizes": [4],
        "h_n": [1, 3, 20],
        "c_n": [1, 3, 20],
        "padded_output": [4, 3, 20],
    }
    assert data["facts"] == ["padded_output[lengths[i] - 1, i] == h_n[-1][i]"]
    assert data["expectations"][0]["ok"] is True
    pad = next(n["text"] for n in data["notes"] if n["id"] == "pad_packed")
    assert "not L = 5: pass total_length=5 to get L back" in pad


def test_cell_json(run: Run) -> None:
    data = json.loads(run("--module LSTMCell --input 3,10 --hidden 20 --no-bias -f json").stdout)
    assert data["module"] == "LSTMCell"
    assert data["config"] == {"input_size": 10, "hidden_size": 20, "bias": False}
    assert {name: t["shape"] for name, t in data["tensors"].items()} == {
        "input": [3, 10],
        "h_0": [3, 20],
        "c_0": [3, 20],
        "h_1": [3, 20],
        "c_1": [3, 20],
    }
    assert list(data["parameters"]) == ["weight_ih", "weight_hh"]
    assert data["facts"] == []
    assert [n["id"] for n in data["notes"]] == ["one_step", "cell_loop", "cell_returns", "gates"]


def test_flags_reach_the_config(run: Run) -> None:
    data = json.loads(
        run("--input 4,3,10 --hidden 20 --layers 3 --no-bias --dropout 0.1 -f JSON").stdout
    )
    assert data["config"] == {
        "input_size": 10,
        "hidden_size": 20,
        "num_layers": 3,
        "bias": False,
        "batch_first": False,
        "dropout": 0.1,
        "bidirectional": False,
        "proj_size": 0,
    }
    assert all(not name.startswith("bias_") for name in data["parameters"])


def test_json_contract(run: Run) -> None:
    data = json.loads(run(f"{MISSION} --format json --verify").stdout)
    assert data["schema"] == 2
    assert data["module"] == "LSTM"
    assert data["batched"] is True
    assert data["num_parameters"] == 5920
    assert data["tensors"]["h_n"]["shape"] == [2, 3, 20]
    assert data["tensors"]["h_n"]["dims"][0] == {
        "symbol": "D*num_layers",
        "size": 2,
        "derivation": "D=1 × num_layers=2",
    }
    assert data["parameters"]["weight_ih_l1"]["shape"] == [80, 20]
    assert {n["id"] for n in data["notes"]} >= {"output_h_n", "h_n_layout", "last_layer_state"}
    assert data["verified"]["ok"] is True
    assert data["verified"]["exact"] is True
    assert data["verified"]["numerical_checks"] is True
    (real,) = data["verified"]["runs"]
    assert (real["method"], real["substituted"], real["facts_not_run"]) == ("real", [], None)
    assert real["num_parameters"] == {"computed": 5920, "torch": 5920}
    assert real["tensors"]["c_n"] == {
        "computed": [2, 3, 20],
        "torch": [2, 3, 20],
        "ok": True,
    }
    assert data["ok"] is True


def test_given_states_are_marked(run: Run) -> None:
    data = json.loads(run(f"{MISSION} --h0 2,3,20 --format json").stdout)
    assert data["tensors"]["h_0"]["given"] is True
    assert data["tensors"]["c_0"]["given"] is False
    assert "state_tuple" in {n["id"] for n in data["notes"]}


def test_expectation_failure_exits_1_with_report_on_stdout(run: Run) -> None:
    result = run(f"{MISSION} --expect output=4,3,40 --expect h_n=2,3,20 --format json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert [e["ok"] for e in data["expectations"]] == [False, True]
    assert result.stderr == (
        "Error: output is (4, 3, 20), not the expected (4, 3, 40).\n"
        "  output is (L, N, D*H_out) with L=4, N=3, D*H_out=20 (D=1 × H_out=20).\n"
        "  Try --expect output=4,3,20, or change the module's arguments.\n"
    )


def test_version_and_help(run: Run) -> None:
    assert run("--version").stdout.startswith("lstmshape ")
    help_text = run("--help").stdout
    for option in ("--input", "--hidden", "--layers", "--bidirectional", "--batch-first",
                   "--proj-size", "--dropout", "--no-bias", "--input-size", "--h0", "--c0",
                   "--expect", "--verify", "--format"):  # fmt: skip
        assert option in help_text
    no_args = run("")  # the short help on stderr, which points to --help
    assert (no_args.exit_code, no_args.stdout) == (2, "")
    assert "Try 'lstmshape --help'" in no_args.stderr


# Every error path: exit code and the exact message on stderr, nothing on stdout.
ERRORS = {
    "--input 4,,10 --hidden 20": (
        2,
        "Error: --input '4,,10': axis 1 is empty.\n"
        "  A shape is whole numbers such as 4,3,10, 4x3x10, (4, 3, 10) or [4,3,10].\n"
        "  Try --input 4,3,10.\n",
    ),
    "--input 4,3,10 --hidden -3": (
        2,
        "Error: hidden_size=-3: the hidden state needs at least 1 feature.\n"
        "  torch says: hidden_size must be greater than zero\n"
        "  Try --hidden 20.\n",
    ),
    "--input 4,3,10 --hidden abc": (
        2,
        "Error: --hidden 'abc' is not a number.\n"
        "  --hidden takes a whole number.\n"
        "  Try --hidden 20.\n",
    ),
    "--input 4,3,10 --hidden 20 --dropout 2": (
        2,
        "Error: dropout=2.0 is outside [0, 1]: it is the probability of zeroing an\n"
        "    element.\n"
        "  torch says: dropout should be a number in range [0, 1] representing the\n"
        "    probability of an element being zeroed\n"
        "  Try --dropout 0.2 (or 0 for no dropout).\n",
    ),
    "--input 4,3,10 --hidden 20 --layers 0": (
        2,
        "Error: num_layers=0: an LSTM needs at least one layer.\n"
        "  torch says: num_layers must be greater than zero\n"
        "  Try --layers 1.\n",
    ),
    "--input 4,3,10 --hidden 20 --proj-size 20": (
        2,
        "Error: proj_size=20 is not smaller than hidden_size=20.\n"
        "  The projection shrinks h from hidden_size to proj_size features.\n"
        "  torch says: proj_size has to be smaller than hidden_size\n"
        "  Try --proj-size 10 (1 to 19), or 0 for no projection.\n",
    ),
    "--input 4,3,10 --hidden 20 --proj-size -1": (
        2,
        "Error: proj_size=-1 is negative.\n"
        "  proj_size=0 disables the projection; a positive value projects h.\n"
        "  torch says: proj_size should be a positive integer or zero to disable\n"
        "    projections\n"
        "  Try --proj-size 0.\n",
    ),
    "--input 4,3,0 --hidden 20": (
        2,
        "Error: input_size=0: the input's features (H_in) must be at least 1.\n"
        "  input_size is taken from the input's last axis: (4, 3, 0).\n"
        "  torch says: input_size must be greater than zero\n"
        "  Try an --input whose last axis (H_in) is at least 1, such as 4,3,10.\n",
    ),
    "--input 4,3,0 --hidden 20 --input-size 10": (
        1,
        "Error: The input has 0 features per step (last axis of (4, 3, 0)), but\n"
        "    input_size is 10.\n"
        "  H_in = input_size = 10 is the width of each time step.\n"
        "  torch says: input.size(-1) must be equal to input_size. Expected 10, got 0\n"
        "  Try --input 4,3,10.\n",
    ),
    "--input 4,3,10 --hidden 1099511627776": (
        2,
        "Error: weight_hh_l0 would have shape (4398046511104, 1099511627776), more than\n"
        "    torch's 64-bit sizes can count: no device can hold it.\n"
        "  torch names it so on the meta device (shapes only); on a real device,\n"
        "    allocating the parameters before it may fail first, for lack of memory.\n"
        "  torch says: Storage size calculation overflowed with\n"
        "    sizes=[4398046511104, 1099511627776]\n"
        "  Try smaller sizes.\n",
    ),
    "--input 4,3,10 --hidden 99999999999999999999": (
        2,
        "Error: --hidden '99999999999999999999' is over torch's largest size (2**63 - 1).\n"
        "  --hidden takes a whole number.\n"
        "  Try --hidden 20.\n",
    ),
    "--module GRU --input 4,3,10 --hidden 20 --proj-size 0": (
        2,
        "Error: --proj-size 0: only an LSTM projects its hidden state.\n"
        "  torch says: proj_size argument is only supported for LSTM, not RNN or GRU\n"
        "  Try without --proj-size, or --module LSTM.\n",
    ),
    "--module RNN --input 4,3,10 --hidden 20 --nonlinearity sigmoid": (
        2,
        "Error: nonlinearity='sigmoid': an RNN applies tanh or relu.\n"
        "  torch says: Unknown nonlinearity 'sigmoid'. Select from 'tanh' or 'relu'.\n"
        "  Try --nonlinearity tanh (the default) or --nonlinearity relu.\n",
    ),
    "--module GRU --input 4,3,10 --hidden 20 --nonlinearity relu": (
        2,
        "Error: --nonlinearity relu is nn.RNN's argument; a GRU has none.\n"
        "  torch says: RNNBase.__init__() got an unexpected keyword argument\n"
        "    'nonlinearity'\n"
        "  Try without --nonlinearity, or --module RNN.\n",
    ),
    "--module CNN --input 4,3,10 --hidden 20": (
        2,
        "Error: --module 'CNN' is not one of LSTM, GRU, RNN, LSTMCell, GRUCell, RNNCell.\n"
        "  Try --module LSTM, or GRU, RNN, LSTMCell, GRUCell, RNNCell.\n",
    ),
    "--module GRU --input 4,3,10 --hidden 20 --c0 1,3,20": (
        2,
        "Error: A GRU has no cell state, so there is no c_0 to pass.\n"
        "  It takes (input, h_0) and returns h_n after output.\n"
        "  Try without --c0, or --module LSTM.\n",
    ),
    "--module RNNCell --input 3,10 --hidden 20 --c0 3,20": (
        2,
        "Error: An RNNCell has no cell state, so there is no c_0 to pass.\n"
        "  It takes (input, h_0) and returns h_1 alone.\n"
        "  Try without --c0, or --module LSTMCell.\n",
    ),
    "--module LSTMCell --input 3,10 --hidden 20 --layers 1": (
        2,
        "Error: An LSTMCell has no num_layers: a cell runs one time step of one layer, in\n"
        "    one direction, each call.\n"
        "  torch says: LSTMCell.__init__() got an unexpected keyword argument\n"
        "    'num_layers'\n"
        "  Try without --layers, or --module LSTM.\n",
    ),
    "--module GRUCell --input 3,10 --hidden 20 --nonlinearity relu": (
        2,
        "Error: --nonlinearity relu is nn.RNNCell's argument; a GRUCell has none.\n"
        "  torch says: GRUCell.__init__() got an unexpected keyword argument\n"
        "    'nonlinearity'\n"
        "  Try without --nonlinearity, or --module RNNCell.\n",
    ),
    "--input 4,x,10 --hidden 20": (
        2,
        "Error: --input '4,x,10': axis 1 is 'x', not a number.\n"
        "  A shape is whole numbers such as 4,3,10, 4x3x10, (4, 3, 10) or [4,3,10].\n"
        "  Try --input 4,3,10.\n",
    ),
    "--input 3,4,10 --hidden 20 --batch-first --lengths 4,3,x": (
        2,
        "Error: --lengths '4,3,x': length 2 is 'x', not a number.\n"
        "  Lengths are whole numbers, one per sequence, such as 5,3,2.\n"
        "  Try --lengths 4,4,4.\n",
    ),
    "--module GRU --input 4,3,10 --hidden 20 --expect c_n=1,3,20": (
        2,
        "Error: --expect 'c_n=1,3,20': this module has no tensor named 'c_n'.\n"
        "  A name is one of input, h_0, output, h_n, or a parameter such as weight_ih_l0.\n"
        "  Try --expect h_n=1,3,20 (did you mean h_n?).\n",
    ),
    "--module gru --input 4,3,10 --hidden 20 --h0 1,20": (
        1,
        "Error: h_0 has shape (1, 20) (2-D), but batched input needs 3-D states: (1, 3, 20).\n"
        "  Batched input (4, 3, 10) needs 3-D states (D*num_layers, N, H): h_0 (1, 3, 20).\n"
        "  h_0 is (1, 20): (D*num_layers, H_out) without the batch axis, as for unbatched "
        "input; this input is a batch of N = 3.\n"
        "  torch says: For batched 3-D input, hx should also be 3-D but got 2-D tensor\n"
        "  Try --h0 1,3,20.\n",
    ),
    "--module RNN --input 4,8,10 --hidden 20 --h0 1,32,20": (
        1,
        "Error: h_0 has shape (1, 32, 20) but this RNN expects (1, 8, 20).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=1, num_layers=1, N=8, H_out=20.\n"
        "  h_0 was built for a batch of 32, and this input has 8 sequences: the last batch of "
        "an epoch is often smaller.\n"
        "  torch says: Expected hidden size (1, 8, 20), got [1, 32, 20]\n"
        "  Try --h0 1,8,20.\n",
    ),
    "--module RNN --input 4,3,10,1 --hidden 20 --input-size 1": (
        1,
        "Error: The input has 4 dimensions (4, 3, 10, 1), but an RNN takes 3 (batched) or\n"
        "    2 (unbatched).\n"
        "  Batched: (L, N, H_in), or (N, L, H_in) with batch_first=True. Unbatched:\n"
        "    (L, H_in).\n"
        "  torch says: RNN: Expected input to be 2D or 3D, got 4D tensor instead\n"
        "  Try --input 4,3,10 (L=4 steps, N=3 sequences, H_in=10 features).\n",
    ),
    "--module lstmcell --input 4,3,10 --hidden 20": (
        1,
        "Error: The input has 3 dimensions (4, 3, 10), but an LSTMCell takes 2 (batched)\n"
        "    or 1 (unbatched).\n"
        "  A cell takes one time step: (N, H_in), or (H_in) unbatched. For a sequence\n"
        "    (4, 3, 10), loop over its first axis, or use nn.LSTM.\n"
        "  torch says: LSTMCell: Expected input to be 1D or 2D, got 3D instead\n"
        "  Try --input 3,10.\n",
    ),
    "--module LSTMCell --input 3,10 --hidden 20 --layers 2": (
        2,
        "Error: An LSTMCell has no num_layers: a cell runs one time step of one layer, in\n"
        "    one direction, each call.\n"
        "  torch says: LSTMCell.__init__() got an unexpected keyword argument\n"
        "    'num_layers'\n"
        "  Try without --layers, or --module LSTM.\n",
    ),
    "--module GRUCell --input 3,10 --hidden 20 --batch-first": (
        2,
        "Error: A GRUCell has no batch_first: a cell runs one time step of one layer, in\n"
        "    one direction, each call.\n"
        "  torch says: GRUCell.__init__() got an unexpected keyword argument\n"
        "    'batch_first'\n"
        "  Try without --batch-first, or --module GRU.\n",
    ),
    "--module RNNCell --input 3,10 --hidden 20 --proj-size 2": (
        2,
        "Error: An RNNCell has no proj_size: a cell runs one time step of one layer, in\n"
        "    one direction, each call.\n"
        "  torch says: RNNCell.__init__() got an unexpected keyword argument 'proj_size'\n"
        "  Try without --proj-size, or --module RNN.\n",
    ),
    "--module LSTMCell --input 3,10 --hidden 20 --h0 2,20": (
        1,
        "Error: h_0 has shape (2, 20) but this LSTMCell expects (3, 20).\n"
        "  h_0 was built for a batch of 2, but the input has N = 3.\n"
        "  torch says: Input batch size 3 doesn't match hidden0 batch size 2\n"
        "  Try --h0 3,20.\n",
    ),
    "--module LSTMCell --input 3,10 --hidden 20 --c0 3,19": (
        1,
        "Error: c_0 has shape (3, 19) but this LSTMCell expects (3, 20).\n"
        "  A cell's states are (N, 20).\n"
        "  torch says: hidden1 has inconsistent hidden_size: got 19, expected 20\n"
        "  Try --c0 3,20.\n",
    ),
    "--module GRUCell --input 10 --hidden 20 --h0 1,20": (
        1,
        "Error: h_0 has shape (1, 20) but this GRUCell expects (20,).\n"
        "  Unbatched input (10,) needs 1-D states; h_0 is 2-D.\n"
        "  torch says: hidden0 has inconsistent hidden_size: got 1, expected 20\n"
        "  Try --h0 20.\n",
    ),
    "--module GRUCell --input 10 --hidden 20 --h0 20,1": (
        1,
        "Error: h_0 has shape (20, 1) but this GRUCell expects (20,).\n"
        "  Unbatched input (10,) needs a 1-D h_0.\n"
        "  torch does not catch this one: it checks only a state's first two axes against\n"
        "    the input, so this state reaches its kernel, which fails with an unrelated\n"
        "    message or worse.\n"
        "  Try --h0 20.\n",
    ),
    "--module RNNCell --input 3,8 --hidden 20 --input-size 10": (
        1,
        "Error: The input has 8 features (last axis of (3, 8)), but input_size is 10.\n"
        "  H_in = input_size = 10 is the width of each step.\n"
        "  torch says: input has inconsistent input_size: got 8 expected 10\n"
        "  Try --input-size 8 to build the cell for this input, or --input 3,10.\n",
    ),
    "--input 4,3,10 --hidden 20 --lengths 4,3": (
        1,
        "Error: --lengths gives 2 lengths for a batch of N = 3 sequences.\n"
        "  One length per sequence: the number of its valid (unpadded) steps.\n"
        "  torch says: Expected `len(lengths)` to be equal to batch_size, but got 2\n"
        "    (batch_size=3)\n"
        "  Try --lengths 4,3,2 (one per sequence).\n",
    ),
    "--input 4,3,10 --hidden 20 --lengths 4,3,0": (
        1,
        "Error: --lengths 4,3,0: every sequence needs at least one step.\n"
        "  torch says: Length of all samples has to be greater than 0, but found an\n"
        "    element in 'lengths' that is <= 0\n"
        "  Try --lengths 4,3,1.\n",
    ),
    "--input 4,3,10 --hidden 20 --lengths 1,4,3": (
        1,
        "Error: --lengths 1,4,3 is not in decreasing order, and enforce_sorted=True needs\n"
        "    it to be.\n"
        "  torch then needs the batch sorted longest first.\n"
        "  torch says: `lengths` array must be sorted in decreasing order when\n"
        "    `enforce_sorted` is True. You can pass `enforce_sorted=False` to\n"
        "    pack_padded_sequence and/or pack_sequence to sidestep this requirement if\n"
        "    you do not need ONNX exportability.\n"
        "  Try --unsorted (enforce_sorted=False), or sort the batch by length.\n",
    ),
    "--input 4,3,10 --hidden 20 --lengths 6,3,1": (
        1,
        "Error: --lengths 6,3,1: a sequence of 6 steps does not fit in an input of L = 4\n"
        "    steps.\n"
        "  torch does not refuse this when packing: pack_padded_sequence keeps the 4\n"
        "    steps the input has, 8 rows where the lengths add up to 10, while\n"
        "    batch_sizes counts 6 steps; the forward pass then fails reading rows that\n"
        "    are not there.\n"
        "  torch says: start (8) + length (1) exceeds dimension size (8).\n"
        "  Try --lengths 4,3,1.\n",
    ),
    "--input 4,3,10 --hidden 20 --lengths 4,3 --unsorted": (
        1,
        "Error: --lengths gives 2 lengths for a batch of N = 3 sequences.\n"
        "  torch does not catch this one: with enforce_sorted=False it reorders the batch\n"
        "    by the lengths first, keeps that many sequences and drops the others without\n"
        "    a word.\n"
        "  Try --lengths 4,3,2 (one per sequence).\n",
    ),
    "--input 4,3,10 --hidden 20 --lengths 4,3,1 --module GRU --h0 1,4,20": (
        1,
        "Error: h_0 has shape (1, 4, 20) but this GRU expects (1, 3, 20).\n"
        "  h_0 is (D*num_layers, N, H) with N = len(lengths) = 3, in the batch's original\n"
        "    order.\n"
        "  torch says: Expected hidden size (1, 3, 20), got [1, 4, 20]\n"
        "  Try --h0 1,3,20.\n",
    ),
    "--input 4,10 --hidden 20 --lengths 4": (
        1,
        "Error: --lengths needs a batched input (L, N, H_in); (4, 10) is one unbatched\n"
        "    sequence.\n"
        "  pack_padded_sequence packs several sequences of different lengths.\n"
        "  Try --input 4,1,10 --lengths 4.\n",
    ),
    "--input 3,10 --hidden 20 --module LSTMCell --lengths 3": (
        2,
        "Error: --lengths packs a batch of sequences, but an LSTMCell takes one step per\n"
        "    call.\n"
        "  Try without --lengths, or --module LSTM with a padded batch (L, N, H_in).\n",
    ),
    "--input 4,3,10 --hidden 20 --unsorted": (
        2,
        "Error: --unsorted is pack_padded_sequence's enforce_sorted=False: it needs\n"
        "    --lengths.\n"
        "  Try adding --lengths with one length per sequence, or without --unsorted.\n",
    ),
    "--input 4,3,10 --hidden 20 --dropout nan": (
        2,
        "Error: --dropout 'nan' is not a finite number.\n"
        "  --dropout takes a number such as 0.2.\n"
        "  Try --dropout 0.2.\n",
    ),
    "--input 4,3,10 --hidden 20 --expect hidden=1": (
        2,
        "Error: --expect 'hidden=1': this module has no tensor named 'hidden'.\n"
        "  A name is one of input, h_0, c_0, output, h_n, c_n, or a parameter such as\n"
        "    weight_ih_l0.\n"
        "  Try one of those names.\n",
    ),
    "--input 4,3,10 --hidden 20 --layers 2 --bidirectional --h0 1,3,20": (
        1,
        "Error: h_0 has shape (1, 3, 20) but this LSTM expects (4, 3, 20).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=2, num_layers=2, N=3, H_out=20.\n"
        "  The first axis is D*num_layers = 4: one row per layer and direction.\n"
        "  torch says: Expected hidden[0] size (4, 3, 20), got [1, 3, 20]\n"
        "  Try --h0 4,3,20.\n",
    ),
    "--input 4,3,10 --hidden 20 --layers 2 --bidirectional --h0 2,3,20": (
        1,
        "Error: h_0 has shape (2, 3, 20) but this LSTM expects (4, 3, 20).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=2, num_layers=2, N=3, H_out=20.\n"
        "  A bidirectional module needs D*num_layers = 4 rows, two per layer; 2 rows count one "
        "direction only.\n"
        "  torch says: Expected hidden[0] size (4, 3, 20), got [2, 3, 20]\n"
        "  Try --h0 4,3,20.\n",
    ),
    "--input 4,3,10 --hidden 20 --h0 2,3,20": (
        1,
        "Error: h_0 has shape (2, 3, 20) but this LSTM expects (1, 3, 20).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=1, num_layers=1, N=3, H_out=20.\n"
        "  2 rows are two per layer, as for a bidirectional module (or twice the layers); this "
        "one has D*num_layers = 1.\n"
        "  torch says: Expected hidden[0] size (1, 3, 20), got [2, 3, 20]\n"
        "  Try --h0 1,3,20.\n",
    ),
    "--input 4,8,256 --hidden 256 --h0 1,32,256": (
        1,
        "Error: h_0 has shape (1, 32, 256) but this LSTM expects (1, 8, 256).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=1, num_layers=1, N=8, H_out=256.\n"
        "  h_0 was built for a batch of 32, and this input has 8 sequences: the last batch of "
        "an epoch is often smaller.\n"
        "  torch says: Expected hidden[0] size (1, 8, 256), got [1, 32, 256]\n"
        "  Try --h0 1,8,256.\n",
    ),
    "--input 3,4,10 --hidden 20 --h0 1,3,20": (
        1,
        "Error: h_0 has shape (1, 3, 20) but this LSTM expects (1, 4, 20).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=1, num_layers=1, N=4, H_out=20.\n"
        "  torch reads the input (3, 4, 10) as (L, N, H_in) (batch_first=False), so N = 4; h_0 "
        "was built for 3, the axis torch reads as L. If the data is (N, L, H_in), batch_first "
        "is forgotten; if not, h_0 was built from the wrong axis.\n"
        "  torch says: Expected hidden[0] size (1, 4, 20), got [1, 3, 20]\n"
        "  Try --batch-first.\n",
    ),
    "--input 3,4,10 --hidden 20 --batch-first --h0 3,1,20": (
        1,
        "Error: h_0 has shape (3, 1, 20) but this LSTM expects (1, 3, 20).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=1, num_layers=1, N=3, H_out=20.\n"
        "  h_0 is (3, 1, 20): (N, D*num_layers, H), laid out batch first like the input; "
        "batch_first applies to the input and output only, never to the states.\n"
        "  torch says: Expected hidden[0] size (1, 3, 20), got [3, 1, 20]\n"
        "  Try --h0 1,3,20.\n",
    ),
    "--input 4,3,10 --hidden 20 --proj-size 5 --h0 1,3,20": (
        1,
        "Error: h_0 has shape (1, 3, 20) but this LSTM expects (1, 3, 5).\n"
        "  h_0 is (D*num_layers, N, H_out) with D=1, num_layers=1, N=3, H_out=5.\n"
        "  With proj_size = 5, h_0 has H_out = proj_size features; 20 is hidden_size, which "
        "only c_0 keeps.\n"
        "  torch says: Expected hidden[0] size (1, 3, 5), got [1, 3, 20]\n"
        "  Try --h0 1,3,5.\n",
    ),
    "--input 4,3,10 --hidden 20 --proj-size 5 --c0 1,3,5": (
        1,
        "Error: c_0 has shape (1, 3, 5) but this LSTM expects (1, 3, 20).\n"
        "  c_0 is (D*num_layers, N, H_cell) with D=1, num_layers=1, N=3, H_cell=20.\n"
        "  c_0 keeps hidden_size = 20 features; proj_size = 5 shrinks h only.\n"
        "  torch says: Expected hidden[1] size (1, 3, 20), got [1, 3, 5]\n"
        "  Try --c0 1,3,20.\n",
    ),
    "--input 4,10 --hidden 20 --layers 2 --h0 2,1,20": (
        1,
        "Error: h_0 has shape (2, 1, 20) (3-D), but unbatched input needs 2-D states: (2, "
        "20).\n"
        "  Unbatched input (4, 10) needs 2-D states (D*num_layers, H), with no batch axis.\n"
        "  Unbatched input (L, H_in) takes 2-D states (D*num_layers, H): h_0 has a batch axis "
        "the input lacks. If it is a batch of 1, squeeze it, or give the input its batch "
        "axis.\n"
        "  torch says: For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 2-D) "
        "tensors\n"
        "  Try --h0 2,20, or give the input a batch axis: --input 4,1,10.\n",
    ),
    "--input 4,3,10 --hidden 20 --h0 1,20 --c0 1,20": (
        1,
        "Error: h_0 has shape (1, 20) (2-D), but batched input needs 3-D states: (1, 3, 20).\n"
        "  Batched input (4, 3, 10) needs 3-D states (D*num_layers, N, H): h_0 (1, 3, 20), c_0 "
        "(1, 3, 20).\n"
        "  h_0 is (1, 20): (D*num_layers, H_out) without the batch axis, as for unbatched "
        "input; this input is a batch of N = 3.\n"
        "  torch says: For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) "
        "tensors\n"
        "  Try --h0 1,3,20 --c0 1,3,20.\n",
    ),
    "--input 4,10 --hidden 20 --h0 20": (
        1,
        "Error: h_0 has shape (20,) (1-D), but unbatched input needs 2-D states: (1, 20).\n"
        "  Unbatched input (4, 10) needs 2-D states (D*num_layers, H), with no batch axis.\n"
        "  Unbatched input takes 2-D states (D*num_layers, H): h_0 was built without the layer "
        "axis.\n"
        "  torch says: For unbatched 2-D input, hx and cx should also be 2-D but got (1-D, 2-D) "
        "tensors\n"
        "  Try --h0 1,20.\n",
    ),
    "--input 4,10 --hidden 20 --h0 2,20": (
        1,
        "Error: h_0 has shape (2, 20) but this LSTM expects (1, 20).\n"
        "  h_0 is (D*num_layers, H_out) with D=1, num_layers=1, H_out=20.\n"
        "  2 rows are two per layer, as for a bidirectional module (or twice the layers); this "
        "one has D*num_layers = 1.\n"
        "  torch says: Expected hidden[0] size (1, 1, 20), got [2, 1, 20]\n"
        "  Try --h0 1,20.\n",
    ),
    "--input 4,3,8 --hidden 20 --input-size 10": (
        1,
        "Error: The input has 8 features per step (last axis of (4, 3, 8)), but\n"
        "    input_size is 10.\n"
        "  H_in = input_size = 10 is the width of each time step.\n"
        "  torch says: input.size(-1) must be equal to input_size. Expected 10, got 8\n"
        "  Try --input-size 8 to build the module for this input, or --input 4,3,10.\n",
    ),
    "--input 0,3,10 --hidden 20": (
        1,
        "Error: The input has no time steps: L = 0 (axis 0 of (0, 3, 10)).\n"
        "  A recurrent layer needs at least one step to produce h_n.\n"
        "  torch says: Expected sequence length to be larger than 0 in RNN\n"
        "  Try --input 1,3,10.\n",
    ),
    "--input 3,0,10 --hidden 20 --batch-first": (
        1,
        "Error: The input has no time steps: L = 0 (axis 1 of (3, 0, 10)).\n"
        "  A recurrent layer needs at least one step to produce h_n.\n"
        "  torch says: Expected sequence length to be larger than 0 in RNN\n"
        "  Try --input 3,1,10.\n",
    ),
    "--input 4,3,10,1 --hidden 20 --input-size 1": (
        1,
        "Error: The input has 4 dimensions (4, 3, 10, 1), but an LSTM takes 3 (batched)\n"
        "    or 2 (unbatched).\n"
        "  Batched: (L, N, H_in), or (N, L, H_in) with batch_first=True. Unbatched:\n"
        "    (L, H_in).\n"
        "  torch says: LSTM: Expected input to be 2D or 3D, got 4D instead\n"
        "  Try --input 4,3,10 (L=4 steps, N=3 sequences, H_in=10 features).\n",
    ),
}


@pytest.mark.parametrize("args", list(ERRORS))
def test_error_paths(run: Run, args: str) -> None:
    code, stderr = ERRORS[args]
    result = run(args)
    # The words; tests/test_layout.py holds how they are wrapped (some entries are kept wrapped at
    # 80 columns, as the tool prints them).
    said = (result.exit_code, unwrapped(result.stderr), result.stdout)
    assert said == (code, unwrapped(stderr), "")


# Following the "Try ..." line of an error must clear it: no hint may send the user in a circle.
# Exempt: hints that can only show an example, not the user's own numbers.
GENERIC_HINTS = {
    "--input 4,3,10,1 --hidden 20 --input-size 1",
    "--module RNN --input 4,3,10,1 --hidden 20 --input-size 1",
}


def _hinted(stderr: str) -> list[tuple[str, str]]:
    """The options of the first suggestion on the Try line: "Try --h0 1,3,20 --c0 1,3,20."."""
    line = next(line for line in stderr.splitlines() if line.strip().startswith("Try "))
    first = re.split(r",? or | to | \(", line.strip()[4:])[0].rstrip(".,")
    return re.findall(r"(--[a-z0-9-]+)[ =](\S+)", first) if first.startswith("--") else []


@pytest.mark.parametrize(
    "args", [a for a in ERRORS if _hinted(ERRORS[a][1]) and a not in GENERIC_HINTS]
)
def test_following_the_hint_clears_the_error(args: str) -> None:
    argv = shlex.split(args)
    for option, value in _hinted(ERRORS[args][1]):
        if option in argv:
            argv[argv.index(option) + 1] = value
        else:
            argv += [option, value]
    result = invoke(argv)
    assert result.exit_code == 0, (argv, result.stderr)


def test_every_repeated_expectation_is_checked(run: Run) -> None:
    result = run(f"{MISSION} -e h_n=2,3,20 -e h_n=9,9,9 --format json")
    assert result.exit_code == 1
    assert [e["ok"] for e in json.loads(result.stdout)["expectations"]] == [True, False]
    assert result.stderr.startswith("Error: h_n is (2, 3, 20), not the expected (9, 9, 9).\n")


class BrokenTorch(importlib.abc.MetaPathFinder):
    """A torch that is installed and cannot be loaded (a missing shared library)."""

    def find_spec(self, name: str, *args: object) -> None:
        if name == "torch":
            raise OSError("libtorch_cpu.so: cannot open shared object file")


@pytest.fixture
def broken_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(sys, "meta_path", [BrokenTorch(), *sys.meta_path])


@pytest.mark.usefixtures("broken_torch")
def test_broken_torch_is_an_error_not_a_traceback(run: Run) -> None:
    result = run(f"{MISSION} --verify")
    assert result.exit_code == 2
    assert unwrapped(result.stderr).startswith(
        "Error: --verify runs a real torch forward pass, but torch is installed and cannot be "
        "loaded.\n  Importing torch failed: libtorch_cpu.so: cannot open shared object file.\n"
    )
    # The same torch, from the index it came from: the installed one is PyTorch's CPU build.
    installed = importlib.metadata.version("torch")
    assert installed.endswith("+cpu")
    assert unwrapped(result.stderr).endswith(
        f"  Try reinstalling the same torch: pip install --force-reinstall torch=={installed} "
        "--index-url https://download.pytorch.org/whl/cpu, or without --verify.\n"
    )


@pytest.mark.usefixtures("broken_torch")
def test_reinstalling_a_torch_from_pypi_warns_of_its_size(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lstmshape.proof

    monkeypatch.setattr(lstmshape.proof, "_installed_torch", lambda: "2.5.1")
    lines = unwrapped(run(f"{MISSION} --verify").stderr).splitlines()
    assert lines[2] == (
        "  torch 2.5.1 came from PyPI: on Linux that is a CUDA build, and reinstalling it "
        "downloads its NVIDIA libraries again, several gigabytes. torch's CPU build, all that "
        "--verify needs, installs with pip install torch --index-url "
        "https://download.pytorch.org/whl/cpu."
    )
    assert lines[3] == (
        "  Try reinstalling the same torch: pip install --force-reinstall torch==2.5.1, or "
        "without --verify."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("--hidden 20", "Missing option '--input'"),
        ("--input 4,3,10", "Missing option '--hidden'"),
        (f"{MISSION} --format xml", "'xml' is not one of table, json, markdown, plain, code."),
        (f"{MISSION} --bogus", "No such option: --bogus"),
    ],
)
def test_usage_errors_exit_2(run: Run, args: str, message: str) -> None:
    result = run(args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in " ".join(result.stderr.replace("│", " ").split())


def test_verify_refuses_packed_input_too_large_for_real_tensors(run: Run) -> None:
    lengths = ",".join(["30000"] * 4)
    result = run(f"--input 30000,4,10 --hidden 20 --lengths {lengths} --verify")
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr) == (
        "Error: --verify cannot run this packed input on real tensors: even with small feature "
        "sizes it needs 30,000 steps (time steps × layers × directions), over the 10,000 of a "
        "quick run.\n"
        "  Packed input runs on real tensors only: pack_padded_sequence's shapes depend on the "
        "lengths' values, which shape-only (fake) tensors do not carry.\n"
        "  Try --verify with shorter sequences: max(lengths) × layers × directions at most 10,000 "
        "(here 30,000); the rules do not depend on the lengths.\n"
    )


def test_verify_offers_the_budget_a_packed_input_needs(run: Run) -> None:
    packed = "--input 200,4,10 --hidden 20 --lengths 200,200,200,200 --verify"
    result = run(f"{packed} --verify-budget 1KiB")
    assert result.exit_code == 2
    hint = re.fullmatch(
        r"  Try --verify with fewer or shorter sequences \(the rules do not depend on how many\), "
        r"or --verify-budget (\d+\.?\d*MiB)\.",
        unwrapped(result.stderr).splitlines()[-1],
    )
    assert hint is not None, result.stderr
    followed = run(f"{packed} --verify-budget {hint[1]} --format json")
    assert followed.exit_code == 0, followed.stderr
    assert json.loads(followed.stdout)["verified"]["runs"][0]["method"] == "real"


def test_verify_budget_needs_verify_and_a_size(run: Run) -> None:
    alone = run(f"{MISSION} --verify-budget 1GiB")
    assert (alone.exit_code, unwrapped(alone.stderr)) == (
        2,
        "Error: --verify-budget sets how much memory --verify may spend: it needs --verify.\n"
        "  Try adding --verify, or without --verify-budget.\n",
    )
    bad = run(f"{MISSION} --verify --verify-budget lots")
    assert (bad.exit_code, unwrapped(bad.stderr)) == (
        2,
        "Error: --verify-budget 'lots' is not a memory size.\n"
        "  A size is a number of bytes with an optional unit: B, KiB, MiB, GiB, TiB.\n"
        "  Try --verify-budget 512MiB, or --verify-budget 0 for shape-only tensors.\n",
    )


def test_verify_without_torch_names_the_install_command(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # any 'import torch' now fails
    result = run(f"{MISSION} --verify")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert unwrapped(result.stderr).startswith(
        "Error: --verify runs a real torch forward pass, but torch is not installed.\n"
    )
    # What it installs, and how large: the CPU build, not the CUDA build a plain pip install
    # takes on Linux; and, from a clone, the extra that pyproject.toml really declares.
    assert unwrapped(result.stderr).endswith(
        "  The line below installs torch's CPU build, all that --verify needs (a download of about "
        "200 MB on Linux). A plain pip install torch takes the newest torch for your platform: on "
        "Linux a CUDA build of several gigabytes.\n"
        "  From a clone of lstmshape that is not installed yet, pip install '.[torch]' installs "
        "lstmshape with any torch 2.x and keeps a torch already installed: run it after the line "
        "below.\n"
        "  Try pip install torch --index-url https://download.pytorch.org/whl/cpu, or without "
        "--verify.\n"
    )
    assert "lstmshape[torch]" not in result.stderr  # lstmshape is not on PyPI
    # The docs quote the Try line the tool prints, and give its CPU index for the tests' pin.
    root = Path(__file__).parent.parent
    page = (root / "docs" / "verify.md").read_text()
    (quoted,) = re.findall(r"ends with:\n\n```text\n(.*)\n```", page)
    assert quoted == unwrapped(result.stderr).splitlines()[-1]
    cpu = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
    assert cpu in page
    assert cpu in (root / "README.md").read_text()
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert re.search(r'^torch = \["torch>=2\.0"\]$', pyproject, re.M)  # the extra '.[torch]' names


TOKENS = st.sampled_from(
    ["--input", "--hidden", "--layers", "--proj-size", "--dropout", "--h0", "--c0", "--expect",
     "--input-size", "--format", "--bidirectional", "--batch-first", "--no-bias", "-i", "-H",
     "4,3,10", "4,,10", "20", "-3", "0", "abc", "2", "1.5", "nan", "output=4,3,20", "h_n=x",
     "4x3", "(4, 3, 10)", "json", "plain", "", "=", "1,3,20", "0,0,0", "99999999999999999999"]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(TOKENS, max_size=10))
def test_no_argument_list_gives_a_traceback(argv: list[str]) -> None:
    result = invoke(argv)  # re-raises anything but SystemExit
    assert result.exit_code in (0, 1, 2)
    if result.exit_code:
        assert result.stderr


def test_help_lists_the_commands_and_no_bool_metavar(run: Run) -> None:
    for args in ("--help", "-h", "check --help"):
        text = run(args, columns=120).stdout
        assert "<bool>" not in text, args
        assert "Show this message and exit." in text
    top = " ".join(run("--help", columns=120).stdout.replace("│", " ").split())
    assert "Commands" in top
    assert "check Check every module of SPEC.toml" in top
    assert "Usage: lstmshape [OPTIONS] [COMMAND [ARGS]...]" in top


def test_explaining_needs_no_command_name_and_commands_take_their_own_options(run: Run) -> None:
    assert run(MISSION).exit_code == 0
    assert run(f"{MISSION} --format json").stdout == run(f"{MISSION} -f json").stdout
    checked = run("check examples/tutorials.toml --format plain")
    assert checked.exit_code == 0, checked.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ("--input 4, 3, 10 --hidden 20", "Quote it, --input '4, 3, 10', or drop the spaces, --input 4,3,10."),
        ("--hidden 20 --input 4 3 10", "Quote it, --input '4 3 10', or drop the spaces, --input 4,3,10."),
        ("--input 4,3,10 --hidden 20 --h0 1, 3, 20", "Quote it, --h0 '1, 3, 20', or drop the spaces, --h0 1,3,20."),
    ],
)  # fmt: skip
def test_a_shape_written_with_spaces_is_said_so(run: Run, args: str, said: str) -> None:
    result = run(args, columns=200)
    assert (result.exit_code, result.stdout) == (2, "")
    assert said in " ".join(result.stderr.replace("│", " ").split())


def test_parameters_can_be_expected_like_tensors(run: Run, tmp_path: Path) -> None:
    """Users compare checkpoints' parameter shapes: --expect, spec files and assert_shapes take them."""
    ok = run(f"{MISSION} --expect weight_ih_l0=80,10 --expect weight_hh_l1=80,20 --format json")
    assert ok.exit_code == 0, ok.stderr
    assert [(e["tensor"], e["of"]) for e in json.loads(ok.stdout)["expectations"]] == [
        ("weight_ih_l0", "parameter"),
        ("weight_hh_l1", "parameter"),
    ]
    wrong = run(f"{MISSION} --expect weight_ih_l0=1024,300")
    assert wrong.exit_code == 1
    assert wrong.stderr == (
        "Error: weight_ih_l0 is (80, 10), not the expected (1024, 300).\n"
        "  weight_ih_l0 is (4*H_cell, H_in) = (80, 10) in this module.\n"
        "  Try --expect weight_ih_l0=80,10, or change the module's arguments.\n"
    )
    missing = run(f"{MISSION} --expect weight_ih_l2=80,20")
    assert missing.exit_code == 2
    assert "Try --expect weight_ih_l0=80,20 (did you mean weight_ih_l0?)." in missing.stderr
    spec = tmp_path / "spec.toml"
    spec.write_text(
        "[a]\ninput = [4, 3, 10]\nhidden_size = 20\nexpect = { weight_hh_l0 = [80, 20] }\n"
    )
    assert run(f"check {spec}").exit_code == 0


def test_a_misspelt_name_gets_the_close_one(run: Run) -> None:
    result = run(f"{MISSION} --expect out=4,3,20")
    assert result.exit_code == 2
    assert result.stderr.endswith("  Try --expect output=4,3,20 (did you mean output?).\n")
    assert "report above" not in result.stderr


def test_json_says_why_a_question_has_a_negative_answer(run: Run) -> None:
    """A tensor that does not fit exits 1 with a JSON document on stdout: CI reads why."""
    result = run(f"{MISSION} --h0 1,3,20 --format json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["ok"], data["error"]["subject"]) == (False, "h_0")
    assert (data["error"]["expected"], data["error"]["actual"]) == ([2, 3, 20], [1, 3, 20])
    assert data["error"]["fixes"] == [{"h_0": [2, 3, 20]}]
    assert data["error"]["torch_says"] == "Expected hidden[0] size (2, 3, 20), got [1, 3, 20]"
    assert result.stderr.startswith("Error: h_0 has shape (1, 3, 20)")


@pytest.mark.parametrize("columns", [0, 1, 20, 59])
def test_a_narrow_terminal_wraps_never_cuts(columns: int) -> None:
    result = invoke(f"{MISSION} --h0 2,3,20", columns=columns)
    assert result.exit_code == 0
    assert "…" not in result.stdout
    assert "(2, 3, 20)" in result.stdout
    assert "5,920" in result.stdout
    failing = invoke(f"{MISSION} --h0 1,3,20", columns=columns)
    assert failing.stderr.startswith("Error: h_0 has shape (1, 3, 20)")


def test_no_line_ends_in_spaces_when_piped(run: Run) -> None:
    for args in (
        MISSION,
        f"{MISSION} --diagram",
        f"{MISSION} --cost",
        "check examples/tutorials.toml",
    ):
        out = run(args).stdout
        assert out
        assert all(line == line.rstrip() for line in out.splitlines()), args


def test_options_that_add_to_a_view_are_shown_in_every_view(run: Run) -> None:
    """--cost is not dropped by --diagram or --format code."""
    diagram = run(f"{MISSION} --diagram --cost").stdout
    assert "layer 1 forward" in diagram
    assert "Cost: parameters (float32)" in diagram
    assert "matrix multiplies (MACs)" in diagram
    code = run(f"{MISSION} --format code --cost").stdout
    assert "# Cost in float32: 5,920 parameters (23.1 KiB)" in code
    compile(code, "snippet", "exec")


@pytest.mark.parametrize(
    "args",
    [
        "--input 4,3,10 --hidden 20 --layers 1000000 --format json --cost",
        "--input 4,3,10 --hidden 20 --layers 9223372036854775807 --cost",
        "--input 1000000000,2,1 --hidden 1 --lengths 1000000000,1000000000 --format json",
    ],
)
def test_huge_questions_are_answered_in_closed_form(run: Run, args: str) -> None:
    """A million layers or a billion steps: counts and runs in closed form, nothing listed whole."""
    result = run(args)
    assert result.exit_code == 0, result.stderr
    if "json" in args:
        data = json.loads(result.stdout)
        assert len(data["parameters"]) <= 12
        if "packed" in data:
            assert data["packed"]["batch_sizes"] is None
            assert data["packed"]["batch_sizes_runs"] == [[2, 1_000_000_000]]
        else:
            assert data["parameters_omitted"]["layers"] == [2, 999_998]
            assert data["num_parameters"] == 2560 + 999_999 * 3360
            assert data["cost"]["work"]["macs"] == 12 * (2400 + 999_999 * 3200)


def test_a_bad_spec_file_counts_what_it_does_not_list(tmp_path: Path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text("".join(f"[m{i}]\ninput = [4, 3, 10]\nhiden = 20\n" for i in range(500)))
    result = invoke(["check", str(spec)])
    assert result.exit_code == 2
    assert result.stderr.count(f"{spec}: [m") == 20  # each entry: an unknown key, a missing one
    assert "... and 980 more problems." in result.stderr
    deep = tmp_path / "deep.toml"
    deep.write_text(
        "[a]\ninput = [4, 3, 10]\nhidden_size = 20\nexpect = { h_n = "
        + "[" * 2000
        + "1"
        + "]" * 2000
        + " }\n"
    )
    nested = invoke(["check", str(deep)])
    assert (nested.exit_code, nested.stdout) == (2, "")
    assert "nested too deeply" in nested.stderr
