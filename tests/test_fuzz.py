"""No input ends in a traceback: the command line, spec files and the Python API, fuzzed with a
fixed seed (Hypothesis, derandomized). A user's mistake is always one of lstmshape's errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmshape import (
    LstmShapeError,
    ModuleSpec,
    UnreadableValueError,
    assert_shapes,
    cost_of,
    explain,
)
from tests.conftest import invoke, unwrapped

HUGE = "9" * 5000  # past int()'s 4,300 digits
VALUES = st.sampled_from(
    ["4,3,10", "4,,10", "20", "-3", "-0", "0", "abc", "2", "1.5", "nan", "inf", HUGE, "２０", "²",
     "4, 3, 10", "(10,)", "[4,3,10]", "torch.Size([4, 3, 10])", "", "=", "1,3,20", "0,0,0",
     "99999999999999999999", "h_n=1,3,20", "hn=" + HUGE, "weight_ih_l0=80,10", "out=1",
     "5,3,2", "3,10", "10", "GRU", "lstmcell", "relu", "sigmoid", "512MiB", HUGE + "GiB", "1e400"]
)  # fmt: skip
OPTIONS = st.sampled_from(
    ["--input", "--hidden", "--layers", "--proj-size", "--dropout", "--h0", "--c0", "--expect",
     "--input-size", "--lengths", "--module", "--nonlinearity", "--dtype", "--verify-budget"]
)  # fmt: skip
FLAGS = st.sampled_from(
    ["--bidirectional", "--batch-first", "--no-bias", "--unsorted", "--cost", "--diagram"]
)
FORMATS = st.sampled_from(["table", "json", "markdown", "plain", "code"])


@settings(max_examples=400)
@given(
    st.lists(st.tuples(OPTIONS, VALUES), max_size=8),
    st.lists(FLAGS, max_size=3),
    FORMATS,
)
def test_the_command_line_never_raises(
    pairs: list[tuple[str, str]], flags: list[str], fmt: str
) -> None:
    argv = ["--input", "4,3,10", "--hidden", "20", "--format", fmt, *flags]
    for option, value in pairs:
        argv += [option, value]
    result = invoke(argv)  # re-raises anything but SystemExit
    assert result.exit_code in (0, 1, 2)
    if result.exit_code:
        assert unwrapped(result.stderr)
    assert "Traceback" not in unwrapped(result.stderr)


TOML_VALUES = st.one_of(
    st.integers(-3, 30),
    st.just(10**30),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(['"4,3,10"', '"x"', '"GRU"', '"tanh"', f'"{HUGE}"', '"(10,)"']),
    st.lists(st.integers(-1, 12), max_size=5).map(lambda v: "[" + ", ".join(map(str, v)) + "]"),
    st.sampled_from(["[[1]]", "{ a = 1 }", "[" * 600 + "1" + "]" * 600, '["a"]', "[1.5]"]),
).map(lambda v: str(v).lower() if isinstance(v, bool) else str(v))
KEYS = st.sampled_from(
    ["module", "input", "hidden_size", "input_size", "num_layers", "bias", "batch_first",
     "dropout", "bidirectional", "proj_size", "nonlinearity", "h_0", "c_0", "lengths",
     "enforce_sorted", "hidden", "expect"]
)  # fmt: skip


@settings(max_examples=200)
@given(entries=st.lists(st.dictionaries(KEYS, TOML_VALUES, max_size=6), min_size=1, max_size=3))
def test_spec_files_never_raise(entries: list[dict[str, str]], tmp_path_factory: Any) -> None:
    spec: Path = tmp_path_factory.mktemp("spec") / "spec.toml"
    lines = []
    for number, entry in enumerate(entries):
        lines.append(f"[e{number}]")
        lines += [f"{key} = {value}" for key, value in entry.items()]
    spec.write_text("\n".join(lines) + "\n")
    result = invoke(["check", str(spec)])
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in unwrapped(result.stderr)


class Weird:
    """An object of no use as an argument."""


ODD = st.sampled_from(
    [None, "4,3,10", "x", 2.5, math.nan, math.inf, -1, 0, True, 10**30, HUGE, (4.5, 3, 10),
     (4, 3, 10), [4, 3], {"a": 1}, Weird(), b"4,3", (True, 3, 10), ((4,), 3, 10), "0.5", (), 3]
)  # fmt: skip
API_ARGUMENTS = (
    "input", "hidden_size", "input_size", "num_layers", "bias", "batch_first", "dropout",
    "bidirectional", "proj_size", "nonlinearity", "h_0", "c_0", "expect", "module", "lengths",
    "enforce_sorted",
)  # fmt: skip


@settings(max_examples=600)
@given(st.sampled_from(API_ARGUMENTS), ODD)
def test_the_api_refuses_any_wrong_value_with_its_own_error(argument: str, value: Any) -> None:
    arguments: dict[str, Any] = {"input": (4, 3, 10), "hidden_size": 20, argument: value}
    if argument == "expect" and not isinstance(value, dict):
        arguments["expect"] = {"h_n": value}
    import json

    try:
        said = json.dumps(explain(**arguments).to_dict())  # what is accepted serialises
    except LstmShapeError as error:
        said = str(error)
    assert said


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: explain((4.5, 3, 10), 20), "input=(4.5, 3, 10) is not a shape: axis 0 is 4.5"),
        (lambda: explain(None, 20), "input=None is not a shape"),
        (lambda: explain((4, 3, 10), 20, dropout="0.5"), "dropout='0.5' is not a probability"),
        (lambda: explain((4, 3, 10), 20, lengths=3), "lengths=3 is not a shape"),
        (lambda: explain((4, 3, 10), 20, expect={"h_n": None}), "expect.h_n=None is not a shape"),
        (lambda: explain((4, 3, 10), 20, module=None), "module=None is not one of LSTM"),
        (lambda: explain((4, 3, 10), 20.0), "hidden_size=20.0 is not a whole number"),
        (lambda: explain((4, 3, 10), True), "hidden_size=True is not a whole number"),
        (lambda: explain((4, 3, 10), 20, num_layers=math.nan), "num_layers=nan is not a whole"),
        (lambda: cost_of(explain((4, 3, 10), 20), dtype="int8"), "dtype='int8' is not one of"),
        (lambda: ModuleSpec(10, 20, kind="CNN"), "module='CNN' is not one of"),  # type: ignore[arg-type]
        (lambda: assert_shapes(ModuleSpec(10, 20), (4, 3, 10), output=(4.9, 3, 20)), "axis 0 is 4.9"),
    ],
)  # fmt: skip
def test_api_errors_name_the_argument(call: Any, message: str) -> None:
    with pytest.raises(LstmShapeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_numpy_integers_are_sizes_and_serialise_as_ints() -> None:
    import json

    import numpy as np

    # An array passed as the input is a tensor: its shape is meant; lengths are values.
    sizes = (np.int64(4), np.int32(3), 10)
    report = explain(sizes, np.int64(20), lengths=np.array([4, 3, 2]), h_0=np.zeros((1, 3, 20)))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["input_shape"] == [4, 3, 10]
    assert data["config"]["hidden_size"] == 20
    assert data["packed"]["lengths"] == [4, 3, 2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("--input -0,3,10 --hidden 20", "L = 0"),  # -0 is 0, as for every other number
        ("--input 4,3,10 --hidden -0", "hidden_size=0:"),
        ("--input 4,3,10 --hidden ２０", "not a whole number in ASCII digits"),
        ("--input 4,3,10 --hidden ²", "not a whole number in ASCII digits"),
        ("--input ４,3,10 --hidden 20", "axis 0 is '４', not a whole number in ASCII digits"),
        (f"--input 4,3,10 --hidden {HUGE}", "over torch's largest size"),
        (f"--input 4,3,{HUGE} --hidden 20", "over torch's largest size"),
        (f"--input 4,3,10 --hidden 20 --h0 1,3,{HUGE}", "over torch's largest size"),
        (f"--input 4,3,10 --hidden 20 --lengths {HUGE}", "over torch's largest size"),
        (f"--input 4,3,10 --hidden 20 --expect h_n={HUGE}", "over torch's largest size"),
        (f"--input 4,3,10 --hidden 20 --verify --verify-budget {HUGE}", "is not a memory size"),
    ],
)
def test_one_rule_for_whole_numbers(args: str, message: str) -> None:
    result = invoke(args.split())
    assert result.exit_code in (1, 2)
    assert message in unwrapped(result.stderr)
    assert len(unwrapped(result.stderr)) < 2000  # a 5,000-digit number is not echoed whole


def test_a_module_torch_refuses_before_the_input_is_said_first() -> None:
    """torch builds the module before it sees the input: input_size=0 is refused at exit 2."""
    result = invoke(["--module", "GRU", "--input", "0", "--hidden", "3"])
    assert result.exit_code == 2
    assert "torch says: input_size must be greater than zero" in unwrapped(result.stderr)


def test_an_unreadable_value_is_an_unreadable_value_error() -> None:
    with pytest.raises(UnreadableValueError, match="not a whole number in ASCII digits"):
        explain("4,３,10", 20)


def test_a_cell_torch_builds_but_cannot_run_says_when_torch_fails() -> None:
    result = invoke(
        ["--module", "RNNCell", "--input", "3,10", "--hidden", "20", "--nonlinearity", "sigmoid"]
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert "torch builds this cell, but its forward pass raises, at the first step." in unwrapped(
        result.stderr
    )
    assert "torch says: Unknown nonlinearity: sigmoid" in unwrapped(result.stderr)


def test_a_length_past_the_input_says_what_torch_does() -> None:
    """pack_padded_sequence packs what the input has; the forward pass then fails (the sentence is
    held against torch's own in tests/test_against_torch.py)."""
    result = invoke(["--input", "4,2,3", "--hidden", "4", "--lengths", "5,3"])
    assert result.exit_code == 1
    assert "keeps the 4 steps the input has, 7 rows where the lengths add up to 8" in unwrapped(
        result.stderr
    )
    assert "torch says: start (7) + length (1) exceeds dimension size (7)." in unwrapped(
        result.stderr
    )
