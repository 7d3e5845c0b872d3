"""lstmshape why's fixes, applied: torch raises, why reads its text, the fix is run, and torch then
runs and gives the shapes the user meant. Never a sentence of torch's copied by hand: each is made
by making torch raise it.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from lstmshape import why
from tests.conftest import validate_json
from tests.strategies import torch

Shape = tuple[int, ...]

# A statement of a fix: "h_0 = h_0.unsqueeze(0)", "x = x.unsqueeze(0 if batch_first else 1)",
# "h_0 = torch.zeros(D * num_layers, x.size(0 if batch_first else 1), H_out)". Alternatives of one
# fix ("...; or ...") are each a statement; each is applied alone.
STATEMENT = re.compile(r"\b(h_0|c_0|x) = ([\w.]+(?:\((?:[^()]|\([^()]*\))*\)[\w.]*)*)")


def torch_error(action: Any) -> str | None:
    """What torch raises when ``action`` runs, or None when it runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            action()
        except (RuntimeError, ValueError, TypeError, IndexError) as error:
            return str(error)
    return None


def statements(fix: str) -> list[tuple[str, str]]:
    return STATEMENT.findall(fix)


def forward(module: Any, x: Any, h_0: Any, c_0: Any) -> tuple[Any, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        states = (h_0, c_0) if isinstance(module, torch.nn.LSTM) else h_0
        _, finals = module(x, states)
    return finals if isinstance(finals, tuple) else (finals,)


@st.composite
def wrong_ranks(draw: st.DrawFn) -> dict[str, Any]:
    """A sequence module, a batched, unbatched or packed input, and one state of another rank: an
    axis of the right shape dropped, or an axis of 1 added."""
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    case = {
        "module": module,
        "hidden": draw(st.integers(1, 5)),
        "layers": draw(st.integers(1, 3)),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "form": draw(st.sampled_from(["batched", "unbatched", "packed"])),
        "L": draw(st.integers(1, 4)),
        "N": draw(st.integers(1, 4)),
        "name": draw(st.sampled_from(["h_0", "c_0"] if module == "LSTM" else ["h_0"])),
    }
    rank = 2 if case["form"] == "unbatched" else 3
    case["drop"] = draw(st.booleans())
    case["axis"] = draw(st.integers(0, rank - 1 if case["drop"] else rank))
    return case


def _setup(case: dict[str, Any]) -> tuple[Any, Any, dict[str, Shape], Shape]:
    """The module, the input, the right states, and the wrong shape of the state at fault."""
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    cls = getattr(torch.nn, case["module"])
    module = cls(3, case["hidden"], num_layers=case["layers"], bidirectional=case["bidirectional"],
                 batch_first=case["batch_first"]).eval()  # fmt: skip
    length, batch = case["L"], case["N"]
    if case["form"] == "unbatched":
        x = torch.zeros(length, 3)
        right = (rows, case["hidden"])
    else:
        x = torch.zeros(*((batch, length, 3) if case["batch_first"] else (length, batch, 3)))
        right = (rows, batch, case["hidden"])
        if case["form"] == "packed":
            lengths = [length] * batch
            x = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, case["batch_first"])
    shape = list(right)
    if case["drop"]:
        del shape[case["axis"]]
    else:
        shape.insert(case["axis"], 1)
    states = {"h_0": right, "c_0": right}
    return module, x, states, tuple(shape)


def _right_for(x: Any, case: dict[str, Any]) -> Shape:
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    if isinstance(x, torch.nn.utils.rnn.PackedSequence) or x.dim() == 3:
        batch = (
            case["N"]
            if not isinstance(x, torch.Tensor)
            else x.shape[0 if case["batch_first"] else 1]
        )
        return (rows, batch, case["hidden"])
    return (rows, case["hidden"])


def _applicable(fix: str, case: dict[str, Any], wrong: Shape) -> bool:
    """A fix said under a condition (a comment) is a claim only where the condition holds."""
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    if "one layer and one direction" in fix and rows != 1:
        return False
    if "# (N, H) -> (1, N, H)" in fix and wrong != (case["N"], case["hidden"]):
        return False
    if "# (H) -> (1, H)" in fix and wrong != (case["hidden"],):
        return False
    return not ("# N = 1" in fix and (len(wrong) < 2 or wrong[1] != 1))


@given(wrong_ranks(), st.booleans())
def test_a_state_of_another_rank_is_explained_and_its_fixes_run_as_meant(
    case: dict[str, Any], told: bool
) -> None:
    module, x, right, wrong = _setup(case)
    tensors = {n: torch.zeros(*s) for n, s in right.items()}
    tensors[case["name"]] = torch.zeros(*wrong)
    text = torch_error(lambda: forward(module, x, tensors["h_0"], tensors["c_0"]))
    if text is None:
        return  # torch takes it: a packed LSTM does not check its states' ranks
    known = (
        {"module": case["module"], "num_layers": case["layers"],
         "bidirectional": case["bidirectional"], "batch_first": case["batch_first"]}
        if told else {}
    )  # fmt: skip
    result = why(text, **known)  # never a crash, whatever the ranks
    validate_json(result.to_dict(), "why")
    symbols = {"D": 2 if case["bidirectional"] else 1, "num_layers": case["layers"],
               "N": case["N"], "H_out": case["hidden"], "H_cell": case["hidden"],
               "batch_first": case["batch_first"], "torch": torch}  # fmt: skip
    applied = 0
    for explained in result.explained:
        for cause in explained.causes:
            if not _applicable(cause.fix, case, wrong):
                continue
            for target, code in statements(cause.fix):
                scope = {**symbols, **tensors, "x": x}
                scope[target] = eval(code, {}, scope)
                finals = forward(module, scope["x"], scope["h_0"], scope["c_0"])
                want = _right_for(scope["x"], case)
                assert all(tuple(f.shape) == want for f in finals), (cause.fix, text)
                applied += 1
    if result.explained and result.explained[0].subject in ("h_0", "c_0"):
        assert result.explained[0].subject == case["name"], text
        assert applied, [c.fix for e in result.explained for c in e.causes]


@given(st.sampled_from(["LSTM", "GRU", "RNN"]), st.integers(1, 3), st.booleans(),
       st.integers(1, 5), st.integers(1, 4))  # fmt: skip
def test_a_state_laid_out_batch_first_is_transposed_back(
    module: str, layers: int, bidirectional: bool, batch: int, hidden: int
) -> None:
    """batch_first lays out the input, never the states: a state built (N, D*num_layers, H) like
    the input is named, and its fix gives torch the state it takes."""
    rows = layers * (2 if bidirectional else 1)
    if rows == batch:
        return  # the same shape either way: torch runs
    cls = getattr(torch.nn, module)
    lstm = cls(3, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    x = torch.zeros(batch, 4, 3)
    right = torch.zeros(rows, batch, hidden)
    wrong = torch.zeros(batch, rows, hidden)
    text = torch_error(lambda: forward(lstm, x, wrong, right))
    assert text is not None
    (explained,) = why(text).explained
    first = explained.causes[0]
    assert (first.id, first.proven) == ("state_batch_first", False)
    ((target, code),) = statements(first.fix)
    assert target == "h_0"
    fixed = eval(code, {}, {"h_0": wrong})
    finals = forward(lstm, x, fixed, right)
    assert all(tuple(f.shape) == (rows, batch, hidden) for f in finals)


@given(st.integers(1, 6), st.integers(1, 6), st.sampled_from(["LSTM", "GRU", "RNN"]))
def test_a_smaller_last_batch_comes_first_only_when_the_state_holds_more_sequences(
    built_for: int, batch: int, module: str
) -> None:
    """h_0 built once for a batch of built_for; this input has batch sequences. torch's got is the
    state's N: a last batch smaller than the state's is got > want."""
    if built_for == batch:
        return
    cls = getattr(torch.nn, module)
    rnn = cls(3, 4)
    state = torch.zeros(1, built_for, 4)
    text = torch_error(lambda: forward(rnn, torch.zeros(5, batch, 3), state, state))
    assert text is not None
    (explained,) = why(text).explained
    ids = [cause.id for cause in explained.causes]
    assert not any(cause.proven for cause in explained.causes)
    if built_for > batch:
        assert ids[0] == "smaller_last_batch"
    else:
        assert "smaller_last_batch" not in ids
        assert "state_batch" in ids
    assert ("data_parallel" in ids) == (batch > 1 and built_for % batch == 0 and built_for > batch)


@given(st.integers(1, 4), st.integers(1, 4))
def test_a_direction_not_counted_is_proven_only_with_num_layers_said(
    layers: int, batch: int
) -> None:
    lstm = torch.nn.LSTM(3, 4, num_layers=layers, bidirectional=True)
    states = (torch.zeros(layers, batch, 4), torch.zeros(2 * layers, batch, 4))
    text = torch_error(lambda: lstm(torch.zeros(2, batch, 3), states))
    assert text is not None
    for known, proven in (({"bidirectional": True}, False),
                          ({"bidirectional": True, "num_layers": layers}, True)):  # fmt: skip
        first = why(text, **known).explained[0].causes[0]
        assert (first.id, first.proven) == ("bidirectional_not_counted", proven)


def test_a_proj_size_given_that_contradicts_a_cause_leaves_it_out() -> None:
    lstm = torch.nn.LSTM(3, 20, proj_size=5)
    text = torch_error(lambda: lstm(torch.zeros(2, 1, 3), (torch.zeros(1, 1, 20),) * 2))
    assert text is not None
    assert why(text).explained[0].causes[0].id == "proj_size_h"
    assert why(text, proj_size=5, hidden_size=20).explained[0].causes[0].proven
    ids = [cause.id for cause in why(text, proj_size=7).explained[0].causes]
    assert "proj_size_h" not in ids


@given(st.sampled_from(["LSTM", "GRU", "RNN"]), st.booleans(), st.integers(1, 3),
       st.lists(st.integers(1, 3), min_size=1, max_size=3))  # fmt: skip
def test_an_input_of_extra_axes_is_flattened_into_its_features(
    module: str, batch_first: bool, batch: int, extra: list[int]
) -> None:
    """A 4-D or 5-D input, (L, N, C, W) or (N, L, C, W): the fix folds the trailing axes into the
    features whatever the layout, and torch then runs with N sequences of L steps."""
    features = 1
    for size in extra:
        features *= size
    if len(extra) == 1:
        extra = [*extra, 1]  # at least 4 axes
    rnn = getattr(torch.nn, module)(features, 5, batch_first=batch_first)
    x = torch.zeros(*((batch, 3) if batch_first else (3, batch)), *extra)
    text = torch_error(lambda: rnn(x))
    assert text is not None
    (explained,) = why(text).explained
    ((target, code),) = statements(explained.causes[0].fix)
    fixed = eval(code, {}, {"x": x})
    output, _ = rnn(fixed)
    assert tuple(output.shape) == ((batch, 3, 5) if batch_first else (3, batch, 5))
    assert target == "x"


@given(st.sampled_from(["LSTMCell", "GRUCell", "RNNCell"]), st.integers(1, 5),
       st.integers(1, 6), st.integers(0, 1))  # fmt: skip
def test_a_cells_1d_state_with_batched_input(
    module: str, batch: int, hidden: int, which: int
) -> None:
    if batch == hidden:
        return  # a 1-D state of N values: torch reads it as a batch of N, another fault
    cell = getattr(torch.nn, module)(3, hidden)
    x = torch.zeros(batch, 3)
    states = [torch.zeros(batch, hidden), torch.zeros(batch, hidden)]
    which = which if module == "LSTMCell" else 0
    states[which] = torch.zeros(hidden)
    wanted = states if module == "LSTMCell" else states[0]
    text = torch_error(lambda: cell(x, tuple(wanted) if module == "LSTMCell" else wanted))
    assert text is not None
    (explained,) = why(text, hidden_size=hidden).explained
    first = explained.causes[0]
    assert first.id == "state_1d"
    assert not first.proven
    ((target, code),) = statements(first.fix)
    states[which] = eval(code, {"torch": torch}, {"x": x, "hidden_size": hidden})
    result = cell(x, tuple(states) if module == "LSTMCell" else states[0])
    finals = result if isinstance(result, tuple) else (result,)
    assert all(tuple(f.shape) == (batch, hidden) for f in finals)
    assert target == ("c_0" if which else "h_0")


@given(st.sampled_from(["LSTMCell", "GRUCell", "RNNCell"]),
       st.sampled_from(["num_layers", "bidirectional", "batch_first", "dropout", "proj_size"]))  # fmt: skip
def test_a_cell_given_a_sequence_modules_argument(module: str, argument: str) -> None:
    cls = getattr(torch.nn, module)
    value = {"num_layers": 2, "bidirectional": True, "batch_first": True, "dropout": 0.5,
             "proj_size": 2}[argument]  # fmt: skip
    text = torch_error(lambda: cls(3, 5, **{argument: value}))
    assert text is not None
    (explained,) = why(text).explained  # the sentence names the cell: context enough
    fix = explained.causes[0].fix
    cell_call, _, sequence = fix.partition("; or the sequence module, ")
    scope = {"nn": torch.nn, "input_size": 3, "hidden_size": 5}
    eval(cell_call, scope)(torch.zeros(2, 3))
    sequence_call = sequence.replace("=...", f"={value!r}")
    output, _ = eval(sequence_call, scope)(torch.zeros(4, 2, 3))
    assert output.shape[:2] == (4, 2)
