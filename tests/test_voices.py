"""Every error kind in all three voices: the command line's options, the spec file's keys, Python's
keyword arguments. The library's own text names torch's arguments, never a command-line flag."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstmshape import LstmShapeError, explain
from lstmshape.cli.voice import COMMAND_LINE, OPTIONS, SWITCHES
from lstmshape.commands.check import KEYS, SpecVoice
from lstmshape.i18n.words import Fix
from tests.conftest import invoke

SPEC = SpecVoice(COMMAND_LINE, (*KEYS, "expect"))
FLAG = re.compile(
    "|".join(re.escape(f) for f in [*OPTIONS.values(), *(flag for flag, _ in SWITCHES.values())])
    + r"(?![\w-])"
)

# One case per kind of error: explain()'s arguments, then the "Try" line in each voice.
CASES: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "unreadable value": (
        {"input": "4,,10", "hidden_size": 20},
        "Try --input 4,3,10.",
        "Try input = [4, 3, 10].",
        "Try input=(4, 3, 10).",
    ),
    "module torch refuses": (
        {"input": (4, 3, 10), "hidden_size": 20, "proj_size": 20},
        "Try --proj-size 10 (1 to 19), or 0 for no projection.",
        "Try proj_size = 10 (1 to 19), or 0 for no projection.",
        "Try proj_size=10 (1 to 19), or 0 for no projection.",
    ),
    "argument the class lacks": (
        {"input": (4, 3, 10), "hidden_size": 20, "module": "GRU", "proj_size": 0},
        "Try without --proj-size, or --module LSTM.",
        'Try without proj_size, or module = "LSTM".',
        "Try without proj_size, or module='LSTM'.",
    ),
    "tensor that does not fit": (
        {"input": (4, 3, 10), "hidden_size": 20, "num_layers": 2, "h_0": (1, 3, 20)},
        "Try --h0 2,3,20.",
        "Try h_0 = [2, 3, 20].",
        "Try h_0=(2, 3, 20).",
    ),
    "two states at once": (
        {"input": (4, 3, 10), "hidden_size": 20, "h_0": (1, 20), "c_0": (1, 20)},
        "Try --h0 1,3,20 --c0 1,3,20.",
        "Try h_0 = [1, 3, 20], c_0 = [1, 3, 20].",
        "Try h_0=(1, 3, 20), c_0=(1, 3, 20).",
    ),
    "packing": (
        {"input": (4, 3, 10), "hidden_size": 20, "lengths": (1, 4, 3)},
        "Try --unsorted (enforce_sorted=False), or sort the batch by length.",
        "Try enforce_sorted = false, or sort the batch by length.",
        "Try enforce_sorted=False, or sort the batch by length.",
    ),
    "a cell's own argument": (
        {"input": (3, 10), "hidden_size": 20, "module": "LSTMCell", "num_layers": 1},
        "Try without --layers, or --module LSTM.",
        'Try without num_layers, or module = "LSTM".',
        "Try without num_layers, or module='LSTM'.",
    ),
}


def _argv(arguments: dict[str, Any]) -> list[str]:
    """The same question on the command line, written by the command line's own voice."""
    argv = []
    for name, value in arguments.items():
        if name == "hidden_size":
            argv += ["--hidden", str(value)]
        elif name == "input" and isinstance(value, str):
            argv += ["--input", value]
        else:
            argv += COMMAND_LINE.change(Fix.of({name: value}).changes[0]).split(" ", 1)
    return argv


def _spec_file(arguments: dict[str, Any], path: Path) -> Path:
    lines = ["[a]"] + [f"{SPEC.change(Fix.of({k: v}).changes[0])}" for k, v in arguments.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_each_error_kind_in_three_voices(case: str, tmp_path: Path) -> None:
    arguments, command_line, spec_file, python = CASES[case]
    with pytest.raises(LstmShapeError) as caught:
        explain(**arguments)
    error = caught.value
    assert str(error).splitlines()[-1] == f"  {python}"
    assert error.lines(COMMAND_LINE)[-1] == f"  {command_line}"
    assert error.lines(SPEC)[-1] == f"  {spec_file}"
    cli = invoke(_argv(arguments))
    assert (cli.exit_code, cli.stderr.splitlines()[-1]) == (error.exit_code, f"  {command_line}")
    checked = invoke(["check", str(_spec_file(arguments, tmp_path / "spec.toml"))])
    assert checked.exit_code == error.exit_code
    if case == "unreadable value":  # the file's reader says it, with the file and the key
        assert "[a] input: '4,,10': axis 1 is empty" in checked.stderr
    else:
        assert checked.stderr.splitlines()[-1] == f"  {spec_file}", checked.stderr


def test_a_verify_error_names_the_option_or_the_function(monkeypatch: pytest.MonkeyPatch) -> None:
    import lstmshape

    monkeypatch.setitem(sys.modules, "torch", None)  # any 'import torch' now fails
    with pytest.raises(LstmShapeError) as caught:
        lstmshape.verify(explain((4, 3, 10), 20))
    assert str(caught.value).startswith("verify() runs a real torch forward pass")
    assert caught.value.lines(COMMAND_LINE)[0].startswith("--verify runs a real torch forward pass")


ARGUMENTS = st.fixed_dictionaries(
    {
        "input": st.one_of(
            st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple),
            st.sampled_from(["4,,10", "4,x,10", "", "(4, 3, 10)", "-1,3", "2.5,3"]),
        ),
        "hidden_size": st.integers(-2, 8),
    },
    optional={
        "module": st.sampled_from(["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"]),
        "num_layers": st.integers(0, 3),
        "proj_size": st.integers(-1, 4),
        "bidirectional": st.booleans(),
        "batch_first": st.booleans(),
        "nonlinearity": st.sampled_from(["tanh", "relu", "sigmoid"]),
        "input_size": st.integers(0, 6),
        "h_0": st.lists(st.integers(0, 6), max_size=4).map(tuple),
        "c_0": st.lists(st.integers(0, 6), max_size=4).map(tuple),
        "lengths": st.lists(st.integers(-1, 6), min_size=1, max_size=4).map(tuple),
        "enforce_sorted": st.booleans(),
        "expect": st.sampled_from([{"h_n": (1, 2, 3)}, {"hn": "1,2"}, {"bogus": (1,)}]),
    },
)


@given(ARGUMENTS)
def test_the_library_never_names_a_command_line_flag(arguments: dict[str, Any]) -> None:
    try:
        report = explain(**arguments)
    except LstmShapeError as error:
        said = "\n".join([str(error), *(str(fix) for fix in error.fixes)])
    else:
        failures = [str(failure) for failure in report.failures()]
        said = "\n".join([*failures, str(report.to_dict())])
    assert not FLAG.search(said), said


def test_a_failed_expectation_in_three_voices(tmp_path: Path) -> None:
    (failure,) = explain((4, 3, 10), 20, expect={"h_n": (2, 3, 20)}).failures()
    tail = "or change the module's arguments."
    assert str(failure).splitlines()[-1] == f"  Try h_n=(1, 3, 20), {tail}"
    assert failure.lines(SPEC)[-1] == f"  Try expect.h_n = [1, 3, 20], {tail}"
    cli = invoke(["--input", "4,3,10", "--hidden", "20", "--expect", "h_n=2,3,20"])
    assert (cli.exit_code, cli.stderr.splitlines()[-1]) == (1, f"  Try --expect h_n=1,3,20, {tail}")
