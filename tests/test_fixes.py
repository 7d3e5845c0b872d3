"""Every printed fix is a claim: applied to the call it fixes, torch must accept the result, and the
user must get what they meant (the batch and the time axis of their data, not swapped).

Each example starts from what the user means (a module, and data whose N and L are known), makes
one of the mistakes users make (USERS.md), and applies each fix lstmshape proposes.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstmshape import LstmShapeError, TensorMismatchError, explain
from lstmshape.commands.explain.layout import Layout, state_shapes
from lstmshape.i18n.words import Fix
from lstmshape.results.report import Report
from tests.strategies import build, call, run_packed, spec_of, torch

SEQUENCE = ["LSTM", "GRU", "RNN"]
CELLS = ["LSTMCell", "GRUCell", "RNNCell"]


@st.composite
def meant(draw: st.DrawFn) -> dict[str, Any]:
    """What the user means: a sequence module and batched data of known N and L (N != L, so that a
    swap of the two shows)."""
    module = draw(st.sampled_from(SEQUENCE))
    hidden = draw(st.integers(2, 12))
    batch, length = draw(st.lists(st.integers(1, 9), min_size=2, max_size=2, unique=True))
    width = draw(st.integers(1, 12))
    batch_first = draw(st.booleans())
    config: dict[str, Any] = {
        "module": module,
        "input": (batch, length, width) if batch_first else (length, batch, width),
        "hidden_size": hidden,
        "num_layers": draw(st.integers(1, 3)),
        "bidirectional": draw(st.booleans()),
        "batch_first": batch_first,
    }
    if module == "LSTM" and draw(st.booleans()):
        config["proj_size"] = draw(st.integers(1, hidden - 1))
    return config


def states_for(config: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    return state_shapes(spec_of(config), config["input"])


def _sizes(config: dict[str, Any]) -> tuple[int, int]:
    """(N, L) of a batched sequence call."""
    layout = Layout.of(spec_of(config), config["input"])
    return layout.batch, layout.length


@st.composite
def mistakes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(what the user means, the faulty call they make, the mistake's name)."""
    truth = draw(meant())
    right = states_for(truth)
    batch, length = _sizes(truth)
    mistake = draw(
        st.sampled_from(
            ["batch", "forgot_batch_first", "rows", "width", "embedding", "conv", "state_rank"]
        )
    )
    call_: dict[str, Any] = dict(truth)
    states = dict(right)
    if mistake == "batch":  # a state built for another batch (often the last, smaller one)
        other = draw(st.integers(1, 12).filter(lambda n: n not in (batch, length)))
        states = {name: (s[0], other, s[2]) for name, s in right.items()}
    elif mistake == "forgot_batch_first":  # batch_first left out, or set where it should not be
        call_["batch_first"] = not truth["batch_first"]
    elif mistake == "rows":
        rows = draw(st.integers(1, 7).filter(lambda r: r != right["h_0"][0]))
        states = {name: (rows, *s[1:]) for name, s in right.items()}
    elif mistake == "width":
        states = {name: (*s[:-1], s[-1] + 1) for name, s in right.items()}
    elif mistake == "embedding":  # the data is wider (or narrower) than input_size
        # Not N or L: an input_size equal to another axis could be channels-first data.
        call_["input_size"] = draw(
            st.integers(1, 14).filter(lambda c: c not in (truth["input"][-1], batch, length))
        )
    elif mistake == "conv":  # Conv1d's (N, C, L) data, C = input_size
        call_["input_size"] = truth["input"][-1]
        channels = truth["input"][-1]
        if channels in (batch, length):
            channels = max(batch, length) + 1
            call_["input_size"] = channels
            truth = {**truth, "input": (*truth["input"][:-1], channels)}
        call_["input"] = (batch, channels, length)
    else:  # 2-D states for batched input
        states = {name: (s[0], s[2]) for name, s in right.items()}
    passed = draw(st.sampled_from(["h_0", "both"] if "c_0" in right else ["h_0"]))
    call_["h_0"] = states["h_0"]
    if passed == "both":
        call_["c_0"] = states["c_0"]
    return truth, call_, mistake


def torch_accepts(report: Report, arguments: dict[str, Any]) -> None:
    """Run the call's module in torch with the call's tensors: it must not raise."""
    spec = report.spec
    given = [arguments.get(name) for name in spec.kind.state_names]
    states = tuple(
        torch.zeros(*(shape if shape is not None else report.tensor(name).shape))
        for name, shape in zip(spec.kind.state_names, given, strict=True)
    )
    passed = states if any(g is not None for g in given) else None
    with torch.no_grad():
        if report.packing is not None:
            config = {
                "input": report.input_shape,
                "lengths": report.packing.lengths,
                "enforce_sorted": report.packing.enforce_sorted,
            }
            run_packed(spec, config, passed)
        else:
            call(build(spec), torch.zeros(*report.input_shape), passed)


@given(mistakes())
def test_every_fix_keeps_the_users_batch_and_time_axes(
    example: tuple[dict[str, Any], dict[str, Any], str],
) -> None:
    truth, faulty, mistake = example
    with pytest.raises(TensorMismatchError) as caught:
        explain(**faulty)
    fixes = caught.value.fixes
    assert fixes, str(caught.value)
    for fix in fixes:
        fixed = fix.applied_to(faulty)
        report = explain(**fixed)  # the fix clears the error ...
        torch_accepts(report, fixed)  # ... torch agrees ...
        layout = Layout.of(report.spec, report.input_shape)
        # ... and N and L are the user's, not swapped.
        assert (layout.batch, layout.length) == _sizes(truth), (mistake, str(caught.value), fix)


def _first_fix(arguments: dict[str, Any]) -> Fix:
    with pytest.raises(LstmShapeError) as caught:
        explain(**arguments)
    return caught.value.fixes[0]


def test_a_forgotten_batch_first_is_fixed_by_batch_first_not_by_a_state_that_keeps_the_swap() -> (
    None
):
    fix = _first_fix({"input": (8, 32, 300), "hidden_size": 256, "h_0": (1, 8, 256)})
    assert fix == Fix.of({"batch_first": True})


def test_a_wrong_batch_first_is_fixed_by_dropping_it() -> None:
    fix = _first_fix(
        {"input": (10, 32, 300), "hidden_size": 256, "batch_first": True, "h_0": (1, 32, 256)}
    )
    assert fix == Fix.of({"batch_first": None})


def test_channels_first_data_is_transposed_not_resized() -> None:
    arguments = {
        "input": (32, 300, 50),
        "hidden_size": 256,
        "input_size": 300,
        "batch_first": True,
    }
    assert _first_fix(arguments) == Fix.of({"input": (32, 50, 300)})


@st.composite
def cell_mistakes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    module = draw(st.sampled_from(CELLS))
    batch = draw(st.integers(1, 9))
    width = draw(st.integers(1, 9))
    hidden = draw(st.integers(1, 9))
    truth: dict[str, Any] = {"module": module, "input": (batch, width), "hidden_size": hidden}
    faulty = dict(truth)
    if draw(st.booleans()):
        faulty["h_0"] = (draw(st.integers(1, 12).filter(lambda n: n != batch)), hidden)
    else:
        faulty["input_size"] = width + 1
    return truth, faulty


@given(cell_mistakes())
def test_every_cell_fix_keeps_the_batch(example: tuple[dict[str, Any], dict[str, Any]]) -> None:
    truth, faulty = example
    with pytest.raises(TensorMismatchError) as caught:
        explain(**faulty)
    for fix in caught.value.fixes:
        fixed = fix.applied_to(faulty)
        report = explain(**fixed)
        torch_accepts(report, fixed)
        assert report.input_shape[0] == truth["input"][0]


@st.composite
def packing_mistakes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    truth = draw(meant())
    batch, length = _sizes(truth)
    lengths = draw(st.lists(st.integers(1, length), min_size=batch, max_size=batch))
    truth = {**truth, "lengths": tuple(sorted(lengths, reverse=True))}
    mistake = draw(st.sampled_from(["order", "count", "zero", "too_long"]))
    faulty = dict(truth)
    if mistake == "order" and len(set(lengths)) > 1:
        faulty["lengths"] = tuple(sorted(lengths))
    elif mistake == "count":
        faulty["lengths"] = (*truth["lengths"], 1)
    elif mistake == "zero":
        faulty["lengths"] = (*truth["lengths"][:-1], 0)
    else:
        faulty["lengths"] = (length + 1, *truth["lengths"][1:])
    return truth, faulty


@given(packing_mistakes())
def test_every_packing_fix_keeps_the_batch(example: tuple[dict[str, Any], dict[str, Any]]) -> None:
    truth, faulty = example
    if faulty == truth:
        return  # lengths all equal: nothing out of order
    with pytest.raises(TensorMismatchError) as caught:
        explain(**faulty)
    for fix in caught.value.fixes:
        fixed = fix.applied_to(faulty)
        report = explain(**fixed)
        torch_accepts(report, fixed)
        layout = Layout.of(report.spec, report.input_shape)
        assert (layout.batch, layout.length) == _sizes(truth)
