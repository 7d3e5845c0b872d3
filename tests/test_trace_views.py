"""A trace as a user meets it: a layer's later calls named as ``--expect`` and ``assert_shapes``
take them (``decoder#2``), a layer called 200 times folded into a table or two (the JSON whole),
expected shapes whose names are slips refused with the names the model has, a model with no
recurrent layer answered as such, and the same notes in every view. Each fix shown is applied."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstmshape
from lstmshape.results.trace import TracedCall
from lstmshape.views.trace import shown_calls
from tests.conftest import CliResult, unwrapped
from tests.strategies import torch

Run = Callable[..., CliResult]
SPELLER = "trace examples.models:speller --input 8 --input-dtype long"
TAGGER = "trace examples.models:tagger --input 8,5 --input-dtype long"

pytestmark = pytest.mark.usefixtures("at_the_root")


class Twice(torch.nn.Module):
    """One LSTM run on two sequences of other lengths: two calls that differ."""

    def __init__(self, width: int = 10) -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(10, 20)
        self.width = width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        first, _ = self.lstm(x)
        second, _ = self.lstm(torch.zeros(2, x.shape[1], self.width))
        return torch.cat([first, second])


def test_a_layers_second_call_is_named_as_expect_and_assert_shapes_name_it(run: Run) -> None:
    trace = lstmshape.trace(Twice(), torch.randn(5, 3, 10))
    assert [c.label for c in trace.calls] == ["lstm", "lstm#2"]
    assert "lstm#2: nn.LSTM(10, 20)" in str(trace).splitlines()
    assert trace.shapes()["lstm#2"]["output"] == (2, 3, 20)
    assert trace.call("lstm", 2).received.input == (2, 3, 10)
    trace.assert_shapes({"lstm#2.output": (2, 3, 20), "lstm.h_n": (1, 3, 20)})
    with pytest.raises(lstmshape.ExpectationError, match=r"lstm#2\.output  \(2, 3, 21\)"):
        trace.assert_shapes({"lstm#2.output": (2, 3, 21)})
    # A later call that fails is named the same way.
    failed = lstmshape.trace(Twice(width=7), torch.randn(5, 3, 10))
    assert failed.failure is not None
    assert str(failed.failure.error).startswith("lstm#2, nn.LSTM(10, 20), failed on (2, 3, 7).")
    # And on the command line: the speller's second to 200th calls.
    ok = run(SPELLER + " --expect cell#2.h_1=8,64 --expect cell#200.c_1=8,64 --format plain")
    assert ok.exit_code == 0, ok.stderr
    assert "cell#2 to #200, 199 identical calls: nn.LSTMCell(32, 64)" in ok.stdout.splitlines()


def test_a_cell_stepped_200_times_is_two_tables_and_the_json_keeps_every_call(run: Run) -> None:
    plain = run(SPELLER + " --format plain")
    assert plain.exit_code == 0, plain.stderr
    lines = plain.stdout.splitlines()
    assert lines[0] == "Speller on (8,) int64: 200 recurrent calls, ok"
    titles = [line for line in lines if ": nn.LSTMCell(" in line]
    # The first call had no state (zeros, not passed): it differs from the 199 after it.
    assert titles == [
        "cell: nn.LSTMCell(32, 64)",
        "cell#2 to #200, 199 identical calls: nn.LSTMCell(32, 64)",
    ]
    assert len(lines) < 30
    for fmt in ("table", "markdown"):
        shown = run(f"{SPELLER} --format {fmt}").stdout
        assert shown.count("nn.LSTMCell(32, 64)") == 2, fmt
        assert "cell#2 to #200, 199 identical calls" in shown
    data = json.loads(run(SPELLER + " --format json").stdout)
    assert [c["call"] for c in data["calls"]] == list(range(1, 201))


Calls = list[tuple[int, int]]


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1)), max_size=30))
def test_folding_covers_every_call_once_alike_and_in_order(steps: Calls) -> None:
    """Random call sequences of three layers, two kinds of call each: each table is a run of one
    layer's calls that follow each other and are alike, the longest such run, in call order."""
    calls = _calls(steps)
    shown = shown_calls(calls)
    covered = [(s.call.path, s.call.call + k) for s in shown for k in range(s.calls)]
    assert sorted(covered) == sorted((c.path, c.call) for c in calls)
    by_name = {(c.path, c.call): c for c in calls}
    for table in shown:
        run = [by_name[(table.call.path, table.call.call + k)] for k in range(table.calls)]
        assert all(c.received == table.call.received for c in run)
        after = by_name.get((table.call.path, table.call.call + table.calls))
        # The run is the longest: the layer's next call, if any, is not alike (it has a table).
        assert after is None or after.received != table.call.received
    firsts = [calls.index(s.call) for s in shown]
    assert firsts == sorted(firsts)


_BASE: list[TracedCall] = []


def _calls(steps: Calls) -> list[TracedCall]:
    if not _BASE:
        _BASE.append(lstmshape.trace(torch.nn.LSTMCell(4, 5), torch.randn(3, 4)).calls[0])
    base = _BASE[0]
    numbers: dict[str, int] = {}
    out = []
    for layer, variant in steps:
        path = f"cell{layer}"
        numbers[path] = numbers.get(path, 0) + 1
        received = replace(base.received, input=(3 + variant, 4))
        out.append(replace(base, path=path, call=numbers[path], received=received))
    return out


def test_an_expected_shape_held_by_200_calls_is_one_row_and_its_fix_passes(run: Run) -> None:
    wrong = run(SPELLER + " --expect cell.h_1=8,63 --format plain")
    assert wrong.exit_code == 1
    assert wrong.stderr.splitlines() == [
        "Error: cell.h_1 is (8, 64), not the expected (8, 63).",
        "  Try --expect cell.h_1=8,64, or change the model.",
    ]
    assert "cell.h_1  (8, 63)  (8, 64)  MISMATCH" in wrong.stdout.splitlines()
    fixed = run(SPELLER + " --expect cell.h_1=8,64 --format plain")
    assert fixed.exit_code == 0, fixed.stderr
    assert "cell.h_1  (8, 64)  (8, 64)  ok" in fixed.stdout.splitlines()


@pytest.mark.parametrize(
    ("expect", "first", "hint", "fixed"),
    [
        ("lsm.h_n=2,8,128", "Error: Cannot expect a shape for 'lsm.h_n': Tagger has no recurrent layer 'lsm'.",
         "  Try --expect lstm.h_n=2,8,128 (did you mean lstm.h_n?).", "lstm.h_n=2,8,128"),
        ("encoder.lstm.h_n=2,8,128", "Error: Cannot expect a shape for 'encoder.lstm.h_n': Tagger has no recurrent layer 'encoder.lstm'.",
         "  Try --expect lstm.h_n=2,8,128 (did you mean lstm.h_n?).", "lstm.h_n=2,8,128"),
        ("lstm.h_1=2,8,128", "Error: Cannot expect a shape for 'lstm.h_1': lstm (LSTM) has no tensor h_1.",
         "  Try --expect lstm.h_n=2,8,128 (did you mean lstm.h_n?).", "lstm.h_n=2,8,128"),
        ("lstm.hn=2,8,128", "Error: 'lstm.hn' does not end in a tensor's name: write LAYER.TENSOR, e.g. encoder.lstm.h_n.",
         "  Try lstm.h_n (did you mean it?).", "lstm.h_n=2,8,128"),
    ],
)  # fmt: skip
def test_an_expected_name_that_is_a_slip_exits_2_naming_the_real_one(
    run: Run, expect: str, first: str, hint: str, fixed: str
) -> None:
    result = run(f"{TAGGER} --expect {expect}")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = unwrapped(result.stderr).splitlines()
    assert (lines[0], lines[-1]) == (first, hint)
    applied = run(f"{TAGGER} --expect {fixed}")
    assert applied.exit_code == 0, applied.stderr


def test_a_cell_has_no_h_n_and_the_fix_keeps_the_call(run: Run) -> None:
    result = run(SPELLER + " --expect cell#2.h_n=8,64")
    assert result.exit_code == 2
    assert unwrapped(result.stderr).splitlines() == [
        "Error: Cannot expect a shape for 'cell#2.h_n': cell (LSTMCell) has no tensor h_n.",
        "  Its tensors: input, h_0, c_0, h_1, c_1.",
        "  Try --expect cell#2.h_1=8,64 (did you mean cell#2.h_1?).",
    ]
    assert run(SPELLER + " --expect cell#2.h_1=8,64").exit_code == 0


def test_a_layer_held_but_not_called_so_is_an_answer_not_a_slip(run: Run) -> None:
    beyond = run(SPELLER + " --expect cell#201.h_1=8,64")
    assert beyond.exit_code == 1
    assert unwrapped(beyond.stderr).splitlines()[:2] == [
        "Error: cell#201.h_1 was not traced: the forward pass gave that layer no such call or "
        "tensor.",
        "  cell was called 200 times.",
    ]
    assert run(SPELLER + " --expect cell#200.h_1=8,64").exit_code == 0
    trace = lstmshape.trace(Twice(), torch.randn(5, 3, 10))
    with pytest.raises(lstmshape.UnreadableValueError, match=r"did you mean lstm\.h_n\?"):
        trace.assert_shapes({"lstn.h_n": (1, 3, 20)})
    with pytest.raises(lstmshape.ExpectationError, match=r"lstm#3\.h_n +\(1, 3, 20\) +not traced"):
        trace.assert_shapes({"lstm#3.h_n": (1, 3, 20)})


def test_a_model_with_no_recurrent_layer_says_so_and_exits_1(run: Run, user_code: Path) -> None:
    (user_code / "usermodels_plain.py").write_text(
        "import torch\n\n\ndef build():\n    return torch.nn.Sequential(torch.nn.Linear(5, 3))\n"
    )
    result = run("trace usermodels_plain:build --input 4,5 --format plain")
    assert result.exit_code == 1
    assert (
        result.stdout.splitlines()[0] == "Sequential on (4, 5) float32: no recurrent call, not ok"
    )
    assert unwrapped(result.stderr).splitlines() == [
        "Error: Sequential's forward pass called no recurrent layer: nothing was traced.",
        "  Sequential holds no recurrent layer (nn.LSTM, GRU, RNN or a cell).",
    ]
    skipped = lstmshape.trace(Skipping(), torch.randn(4, 5))
    assert not skipped.ok
    assert skipped.summary() == "Skipping on (4, 5) float32: no recurrent call, not ok"
    (error,) = skipped.failures()
    assert error.exit_code == 1
    assert str(error).splitlines()[1] == "  Never called: gru (GRU)."


class Skipping(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.gru = torch.nn.GRU(5, 3)

    def forward(self, x: torch.Tensor) -> Any:
        return x * 2


def test_every_text_view_shows_the_expected_shapes_and_the_notes(run: Run) -> None:
    expect = " --expect lstm.h_n=2,8,128"
    markdown = run(TAGGER + expect + " --format markdown").stdout.splitlines()
    assert "#### Expected" in markdown
    assert "| lstm.h_n | (2, 8, 128) | (2, 8, 128) | ok |" in markdown
    for fmt in ("plain", "markdown", "table"):
        shown = run(TAGGER + expect + f" --format {fmt}").stdout
        assert "called at examples/models.py:25:" in shown, fmt
        assert "Expected" in shown, fmt


def test_the_table_view_sets_the_failed_layer_apart(run: Run, user_code: Path) -> None:
    """A blank line between how it ran and what failed, as in the plain view."""
    (user_code / "usermodels_narrow.py").write_text(
        "import torch\n\n\ndef build():\n    return torch.nn.LSTM(10, 20)\n"
    )
    result = run("trace usermodels_narrow:build --input 5,3,7")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Failed: "))
    assert lines[at - 1] == ""


class Stepper(torch.nn.Module):
    """A GRUCell stepped five times; from the third step on it is fed 9 features, not 8."""

    def __init__(self) -> None:
        super().__init__()
        self.cell = torch.nn.GRUCell(8, 16)

    def forward(self, x: torch.Tensor) -> Any:
        h = None
        for step in range(5):
            h = self.cell(x if step < 2 else torch.zeros(x.shape[0], 9), h)
        return h


def test_the_heading_names_what_failed_and_counts_what_differs() -> None:
    x = torch.randn(4, 8)
    with pytest.raises(RuntimeError, match="input_size") as torch_says:
        Stepper()(x)
    trace = lstmshape.trace(Stepper(), x)
    assert trace.failure is not None
    assert trace.failure.torch_says == str(torch_says.value)
    assert trace.summary() == "Stepper on (4, 8) float32: 3 recurrent calls, cell#3 failed"
    assert "Failed: cell#3 (GRUCell), the error says why." in str(trace).splitlines()
    assert str(trace.failure.error).startswith("cell#3, nn.GRUCell(8, 16), failed on (4, 9)")
    ok = lstmshape.trace(torch.nn.GRUCell(8, 16), x)
    one = ok.expecting({".h_1": (4, 15)})
    assert one.summary().endswith(": 1 recurrent call, 1 shape differs from the expected")
    two = ok.expecting({".h_1": (4, 15), ".h_0": (4, 1)})
    assert two.summary().endswith(": 1 recurrent call, 2 shapes differ from the expected")
    assert ok.expecting({".h_1": (4, 16)}).summary().endswith(": 1 recurrent call, ok")


def test_a_failure_in_the_models_own_forward_is_named_so() -> None:
    class Reshaping(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = torch.nn.GRU(10, 20)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.gru(x)[1].view(3, -1, 7)

    trace = lstmshape.trace(Reshaping(), torch.randn(4, 3, 10))
    assert trace.summary().endswith(": 1 recurrent call, Reshaping's forward failed")


class Dropping(torch.nn.Module):
    """An LSTM of one layer with dropout, called three times: torch warns when building it."""

    def __init__(self) -> None:
        super().__init__()
        with pytest.warns(UserWarning, match="dropout") as warned:
            self.lstm = torch.nn.LSTM(10, 20, dropout=0.5)
        assert len(warned) == 1

    def forward(self, x: torch.Tensor) -> Any:
        for _ in range(3):
            x = self.lstm(x)[0][1:, :, :10]  # one step shorter each time: three tables
        return x


def test_what_torch_warns_of_is_said_once_under_the_layer_in_every_view(
    run: Run, user_code: Path
) -> None:
    """The trace keeps torch's warnings from the user (pytest turns one into an error here): the
    one that carries meaning is said in lstmshape's words, once per layer, in every view."""
    (user_code / "usermodels_dropping.py").write_text(
        "from tests.test_trace_views import Dropping\n\n\ndef build():\n    return Dropping()\n"
    )
    note = "dropout=0.5 does nothing with num_layers=1"
    for fmt in ("plain", "markdown", "table"):
        result = run(f"trace usermodels_dropping:build --input 4,3,10 --format {fmt}")
        assert result.exit_code == 0, unwrapped(result.stderr)
        assert result.stdout.count(note) == 1, fmt
    plain = run("trace usermodels_dropping:build --input 4,3,10 --format plain").stdout
    assert max(len(line) for line in plain.splitlines()) <= 100
    data = json.loads(run("trace usermodels_dropping:build --input 4,3,10 --format json").stdout)
    for call in data["calls"]:
        assert "dropout_single_layer" in [n["id"] for n in call["report"]["notes"]]


class Keyworded(torch.nn.Module):
    """forward takes a keyword and returns a dict of a tensor and a tuple."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(8, 16)

    def forward(self, x: torch.Tensor, *, scale: float = 1.0) -> dict[str, Any]:
        out, (h, c) = self.lstm(x * scale)
        return {"out": out, "state": (h, c)}


def test_a_forward_with_keywords_and_a_dict_result_traces() -> None:
    x = torch.randn(3, 4, 8)
    real = Keyworded()(x, scale=2.0)
    trace = lstmshape.trace(Keyworded(), x, scale=2.0)
    assert trace.ok
    assert trace.summary() == "Keyworded on (3, 4, 8) float32, scale=2.0: 1 recurrent call, ok"
    assert trace.shapes()["lstm"]["output"] == tuple(real["out"].shape)
    assert trace.shapes()["lstm"]["c_n"] == tuple(real["state"][1].shape)


def test_a_model_built_at_import_is_traced_and_torchs_warning_kept_out(
    run: Run, user_code: Path
) -> None:
    """``module:model``, a model made at import, is the model; torch's warning at that import is
    said in lstmshape's words; the layer that is the whole model is named by its class."""
    (user_code / "usermodels_instance.py").write_text(
        "import torch\n\nmodel = torch.nn.LSTM(10, 20, dropout=0.5)\n"
    )
    result = run("trace usermodels_instance:model --input 4,3,10 --format plain")
    assert result.exit_code == 0, unwrapped(result.stderr)
    assert result.stderr == ""
    lines = unwrapped(result.stdout).splitlines()
    assert lines[0] == "LSTM on (4, 3, 10) float32: 1 recurrent call, ok"
    assert "LSTM: nn.LSTM(10, 20, dropout=0.5)" in lines
    assert any(
        line.startswith(
            "  dropout=0.5 does nothing with num_layers=1: torch applies dropout to the outputs of"
            " every layer"
        )
        for line in lines
    )
    wrong = run("trace usermodels_instance:model --input 4,3,10 --expect h_n=1,3,21")
    assert wrong.exit_code == 1
    assert wrong.stderr.splitlines() == [
        "Error: h_n is (1, 3, 20), not the expected (1, 3, 21).",
        "  Try --expect h_n=1,3,20, or change the model.",
    ]
    assert run("trace usermodels_instance:model --input 4,3,10 --expect h_n=1,3,20").exit_code == 0
