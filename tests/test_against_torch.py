"""Torch is the oracle: over a wide random space, every shape, parameter, count, acceptance and
error message lstmshape states is compared with what torch really does.

These tests import torch at module level on purpose: without torch they fail, never skip.
They compare with torch directly, not through lstmshape.proof, so a bug there cannot hide one here.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lstmshape import ModuleSpec, explain
from lstmshape.commands.explain.cell_notes import single_cell_state_failure
from lstmshape.commands.explain.layout import Layout, state_shapes, state_views
from lstmshape.commands.explain.notes import single_state_failure
from lstmshape.errors import InvalidModuleError, LstmShapeError, TensorMismatchError
from lstmshape.i18n.text import format_shape
from lstmshape.torchfacts.kinds import KINDS
from tests.conftest import import_torch
from tests.strategies import build, call, configs, packed_configs, run_packed, spec_of

torch = import_torch()
Shape = tuple[int, ...]


ALL_AT_ONCE = {
    "module": "LSTM",
    "input": (5, 3, 7),
    "hidden_size": 9,
    "num_layers": 3,
    "bias": False,
    "batch_first": True,
    "dropout": 0.25,
    "bidirectional": True,
    "proj_size": 4,
}


@given(configs(), st.booleans())
@example(ALL_AT_ONCE, True)
@example({**ALL_AT_ONCE, "input": (5, 7)}, False)
def test_every_shape_and_parameter_matches_torch(config: dict[str, Any], pass_states: bool) -> None:
    report = explain(**config)
    kind = report.spec.kind
    module = build(report.spec)
    x = torch.randn(*config["input"])
    computed = report.shapes()
    states = tuple(torch.randn(*computed[name]) for name in kind.state_names)
    with torch.no_grad():
        output, finals = call(module, x, states if pass_states else None)

    assert computed == {
        "input": tuple(x.shape),
        **{name: tuple(t.shape) for name, t in zip(kind.state_names, states, strict=True)},
        **({} if output is None else {"output": tuple(output.shape)}),
        **{name: tuple(t.shape) for name, t in zip(kind.final_names, finals, strict=True)},
    }
    assert [(p.name, p.shape) for p in report.parameters] == [
        (name, tuple(p.shape)) for name, p in module.named_parameters()
    ]
    assert report.num_parameters == sum(p.numel() for p in module.parameters())
    # Every stated fact holds on torch's numbers (h_n and output are the same values: exact).
    for fact in report.facts:
        part = output.select(fact.time_axis, fact.step)
        if fact.features is not None:
            part = part[..., fact.features[0] : fact.features[1]]
        assert torch.equal(part, finals[0][fact.h_n_row]), fact.text()


@given(configs())
def test_notes_claims_hold_in_torch(config: dict[str, Any]) -> None:
    """What the notes state beyond the facts: the views that split h_n and c_n by layer and
    direction, and how torch fails when one state tensor is passed instead of the tuple."""
    report = explain(**config)
    spec = report.spec
    layout = None if spec.kind.is_cell else Layout.of(spec, report.input_shape)
    module = build(spec)
    x = torch.randn(*report.input_shape)
    shapes = report.shapes()
    states = tuple(torch.randn(*shapes[name]) for name in spec.kind.state_names)
    with torch.no_grad():
        _, finals = call(module, x, states)
    if spec.kind.is_cell:
        if spec.kind.has_cell_state:
            stated = single_cell_state_failure(len(report.input_shape) == 2, spec.hidden_size)
            assert _failure(lambda: module(x, states[0])) == stated
        return
    views = state_views(spec, layout)
    # The view is legal, and [k, d] is row k*D + d (the layout the notes state).
    for name, final in zip(spec.kind.final_names, finals, strict=True):
        view = final.view(*views[name])
        for k in range(spec.num_layers):
            for d in range(spec.D):
                assert torch.equal(view[k, d], final[k * spec.D + d])
    assert f"view{format_shape(views['h_n'])}" in next(
        n.text for n in report.notes if n.id == "h_n_layout"
    )
    if spec.kind.has_cell_state:
        # lstm(x, h_0) instead of lstm(x, (h_0, c_0)): torch indexes h_0 and fails as stated.
        stated = single_state_failure(layout.batched, shapes["h_0"])
        assert _failure(lambda: module(x, states[0])) == stated


def _failure(run: Any) -> str | None:
    """What torch raises when run() runs, in its words; None if it does not fail."""
    try:
        with torch.no_grad():
            run()
    except (RuntimeError, IndexError, TypeError, ValueError) as error:
        return str(error)
    return None


@given(configs())
def test_dims_multiply_out_from_their_symbols(config: dict[str, Any]) -> None:
    report = explain(**config)
    symbols = {s.name: s.value for s in report.symbols}
    for tensor in report.tensors:
        for dim in tensor.dims:
            value = 1
            for factor in dim.symbol.split("*"):
                value *= symbols[factor]
            assert value == dim.size, (tensor.name, dim)


# --- the constructor: torch refuses exactly what lstmshape refuses, in torch's words -------------


def sizes(**given: Any) -> dict[str, Any]:
    """A constructor example: torch's defaults, but for ``given``."""
    defaults = {"module": "LSTM", "nonlinearity": "tanh", "num_layers": 1, "proj_size": 0}
    return {**defaults, "dropout": 0.0, "bidirectional": False, **given}


@given(
    module=st.sampled_from(list(KINDS)),
    nonlinearity=st.sampled_from(["tanh", "relu", "sigmoid"]),
    input_size=st.integers(-2, 6),
    hidden_size=st.integers(-2, 6),
    num_layers=st.integers(-1, 3),
    proj_size=st.integers(-2, 7),
    dropout=st.sampled_from([-0.5, 0.0, 0.5, 1.0, 1.5]),
    bidirectional=st.booleans(),
)
@example(**sizes(input_size=10, hidden_size=2**40))
@example(**sizes(input_size=2**62, hidden_size=4))
@example(**sizes(module="GRU", input_size=3, hidden_size=2**62, num_layers=2, bidirectional=True))
@example(
    **sizes(input_size=3, hidden_size=2**31, num_layers=2, proj_size=2**30, bidirectional=True)
)
@example(**sizes(input_size=3, hidden_size=2**29, num_layers=2, bidirectional=True))
@example(**sizes(module="LSTMCell", input_size=0, hidden_size=0))
@example(**sizes(module="RNNCell", nonlinearity="sigmoid", input_size=3, hidden_size=2))
@example(**sizes(module="GRUCell", input_size=-2, hidden_size=5))
def test_constructor_rules_match_torch(module: str, nonlinearity: str, **kwargs: Any) -> None:
    kind = KINDS[module]
    # lstmshape's defaults mean "not passed": pass an argument to torch only where a user would.
    torch_kwargs = {"input_size": kwargs["input_size"], "hidden_size": kwargs["hidden_size"]}
    for name, default in (("num_layers", 1), ("dropout", 0.0), ("bidirectional", False)):
        if not kind.is_cell or kwargs[name] != default:
            torch_kwargs[name] = kwargs[name]
    if kind.supports_proj_size or kwargs["proj_size"] != 0:
        torch_kwargs["proj_size"] = kwargs["proj_size"]
    if kind.has_nonlinearity or nonlinearity != "tanh":
        torch_kwargs["nonlinearity"] = nonlinearity
    torch_error = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The meta device runs torch's size checks without allocating a byte.
            built = getattr(torch.nn, module)(**torch_kwargs, device="meta")
        if kind.is_cell:
            # A cell checks its nonlinearity only when it runs.
            built.to_empty(device="cpu")(torch.zeros(1, kwargs["input_size"]))
    except (ValueError, TypeError, RuntimeError) as error:
        torch_error = str(error).splitlines()[0]  # some carry a C++ trace after the first line
    try:
        ModuleSpec(**kwargs, nonlinearity=nonlinearity, kind=kind)
        ours = None
    except InvalidModuleError as error:
        ours = error.torch_says
    assert ours == torch_error


# --- the forward pass: torch refuses exactly the tensors lstmshape refuses -----------------------


@st.composite
def near_shapes(draw: st.DrawFn, right: Shape) -> Shape:
    """A shape near ``right``: itself, one axis off, or another rank."""
    choice = draw(st.sampled_from(["same", "axis", "rank"]))
    if choice == "same":
        return right
    if choice == "axis":
        i = draw(st.integers(0, len(right) - 1))
        return (*right[:i], draw(st.integers(0, 9)), *right[i + 1 :])
    return tuple(draw(st.lists(st.integers(0, 6), min_size=1, max_size=4)))


def right_states(spec: ModuleSpec, shape: Shape) -> dict[str, Shape]:
    """The states lstmshape takes a left-out one to be (any, when the input's rank already fails)."""
    ranks = (1, 2) if spec.kind.is_cell else (2, 3)
    return state_shapes(spec, shape) if len(shape) in ranks else {"h_0": (1, 1), "c_0": (1, 1)}


@st.composite
def tensor_cases(draw: st.DrawFn) -> tuple[dict[str, Any], Shape | None, Shape | None]:
    config = draw(configs())
    config["input_size"] = draw(st.sampled_from([config["input"][-1], draw(st.integers(1, 9))]))
    if draw(st.booleans()):
        config["input"] = tuple(draw(st.lists(st.integers(0, 5), min_size=1, max_size=4)))
    shape = config["input"]
    spec = spec_of(config)
    right = right_states(spec, shape)
    h_0 = draw(st.none() | near_shapes(right["h_0"]))
    c_0 = draw(st.none() | near_shapes(right["c_0"])) if spec.kind.has_cell_state else None
    return config, h_0, c_0


@given(tensor_cases())
@example(({"input": (4, 3, 10), "hidden_size": 20, "num_layers": 2}, (1, 3, 20), None))
@example(({"input": (4, 10), "hidden_size": 20, "num_layers": 2}, (2, 1, 20), (2, 1, 20)))
@example(({"input": (4, 3, 10), "hidden_size": 20}, (1, 20), None))
@example(({"input": (0, 3, 10), "hidden_size": 20}, None, None))
@example(({"input": (4, 3, 10, 1), "hidden_size": 20, "input_size": 1}, None, None))
@example(({"input": (4, 3, 8), "hidden_size": 20, "input_size": 10}, None, None))
@example(({"module": "GRU", "input": (4, 3, 10), "hidden_size": 20}, (1, 20), None))
@example(({"module": "RNN", "input": (4, 10), "hidden_size": 20}, (1, 1, 20), None))
@example(
    ({"module": "RNN", "input": (4, 3, 10, 1), "hidden_size": 20, "input_size": 1}, None, None)
)
@example(({"module": "GRU", "input": (4, 3, 10), "hidden_size": 20}, (1, 2, 20), None))
@example(({"module": "GRUCell", "input": (10,), "hidden_size": 20}, (1, 20), None))
@example(({"module": "LSTMCell", "input": (3, 10), "hidden_size": 20}, (3,), None))
@example(({"module": "LSTMCell", "input": (3, 10), "hidden_size": 20}, (3, 20), (2, 20)))
@example(({"module": "RNNCell", "input": (3, 10, 1), "hidden_size": 20}, None, None))
@example(({"module": "GRUCell", "input": (10,), "hidden_size": 20}, (20, 1), None))
# A state with no rows at all (the one diagnosis once divided by its row count: CI found it).
@example(({"module": "GRU", "input": (1, 1), "hidden_size": 1, "bias": False}, (0, 1), None))
def test_tensor_checks_match_torch(case: tuple[dict[str, Any], Shape | None, Shape | None]) -> None:
    config, h_0, c_0 = case
    input_shape = config["input"]
    ours: str | None = None
    refusal = ""
    try:
        explain(**config, h_0=h_0, c_0=c_0)
    except TensorMismatchError as error:  # exit code 1: the module is valid, a tensor does not fit
        ours, refusal = error.torch_says, str(error)
    if refusal and ours is None:
        # lstmshape refuses what torch does not check (a cell state of the wrong rank that passes
        # torch's two-axis checks): running torch on it could corrupt memory.
        assert "torch does not catch this one" in refusal
        return

    spec = spec_of(config)
    module = build(spec)
    names = spec.kind.state_names
    if h_0 is None and c_0 is None:
        hx = None
    else:
        # lstmshape's rule for a state left out: the zeros of the right shape.
        right = right_states(spec, input_shape)
        given = {"h_0": h_0, "c_0": c_0}
        hx = tuple(torch.zeros(*(given[n] or right[n])) for n in names)
    theirs: str | None = None
    try:
        with torch.no_grad():
            call(module, torch.zeros(*input_shape), hx)
    except (RuntimeError, ValueError, IndexError) as error:
        theirs = str(error)
    assert ours == theirs


# --- padded batches packed with pack_padded_sequence ---------------------------------------------


@given(packed_configs())
@example(
    {"module": "LSTM", "input": (5, 3, 4), "hidden_size": 6, "num_layers": 2, "bidirectional": True,
     "proj_size": 2, "lengths": (2, 5, 3), "enforce_sorted": False}
)  # fmt: skip
def test_packed_shapes_and_facts_match_torch(config: dict[str, Any]) -> None:
    report = explain(**config)
    spec = report.spec
    states = tuple(torch.randn(*report.shapes()[name]) for name in spec.kind.state_names)
    with torch.no_grad():
        packed, output, finals, padded, lengths = run_packed(spec, config, states)
    assert report.shapes() == {
        "input": config["input"],
        "input.data": tuple(packed.data.shape),
        "input.batch_sizes": tuple(packed.batch_sizes.shape),
        **{name: tuple(t.shape) for name, t in zip(spec.kind.state_names, states, strict=True)},
        "output.data": tuple(output.data.shape),
        "output.batch_sizes": tuple(output.batch_sizes.shape),
        **{name: tuple(t.shape) for name, t in zip(spec.kind.final_names, finals, strict=True)},
        "padded_output": tuple(padded.shape),
    }
    assert report.packing is not None
    assert list(report.packing.batch_sizes) == packed.batch_sizes.tolist()
    assert list(report.packing.lengths) == lengths.tolist()
    # Each stated fact holds for every sequence, at its own step: exact.
    batch_axis = 1 - spec.batch_first
    for fact in report.facts:
        for i, n in enumerate(config["lengths"]):
            part = padded.select(batch_axis, i).select(0, n - 1 if fact.step == -1 else 0)
            if fact.features is not None:
                part = part[..., fact.features[0] : fact.features[1]]
            assert torch.equal(part, finals[0][fact.h_n_row][i]), (fact.text(), i)


@st.composite
def bad_lengths(draw: st.DrawFn) -> dict[str, Any]:
    config = draw(packed_configs())
    length = config["input"][1 if config["batch_first"] else 0]
    lengths = list(config["lengths"])
    fault = draw(st.sampled_from(["count", "zero", "order", "long", "empty"]))
    if fault == "count":
        lengths = lengths[:-1] if len(lengths) > 1 else [*lengths, 1]
    elif fault == "zero":
        lengths[draw(st.integers(0, len(lengths) - 1))] = draw(st.integers(-2, 0))
    elif fault == "order":
        lengths = lengths[::-1]
    elif fault == "long":
        lengths[draw(st.integers(0, len(lengths) - 1))] = length + draw(st.integers(1, 3))
    else:
        shape = list(config["input"])
        shape[0 if config["batch_first"] else 1] = 0
        config["input"], lengths = tuple(shape), []
    return {**config, "lengths": tuple(lengths)}


@given(bad_lengths())
def test_packing_refusals_match_torch(config: dict[str, Any]) -> None:
    ours: str | None = None
    refusal = ""
    try:
        explain(**config)
    except TensorMismatchError as error:
        ours, refusal = error.torch_says, str(error)
    spec = spec_of(config)
    if refusal and ours is None and "torch does not catch this one" not in refusal:
        # Too many unsorted lengths, some equal: torch fails reordering, naming an unknowable index.
        with pytest.raises(RuntimeError, match="INDICES element is out of DATA bounds"):
            run_packed(spec, config, None)
        return
    if refusal and ours is None:
        # Lengths past L (torch packs memory past the input's end: not run), or, unsorted, too few
        # lengths: torch drops the other sequences, and really says nothing.
        assert "torch does not catch this one" in refusal
        if max(config["lengths"], default=0) <= config["input"][1 if config["batch_first"] else 0]:
            run_packed(spec, config, None)
        return
    try:
        run_packed(spec, config, None)
        theirs = None
    except (RuntimeError, IndexError) as error:
        theirs = str(error)
    assert ours == theirs


@given(packed_configs(), st.data())
def test_packed_state_checks_agree_with_torch(config: dict[str, Any], data: st.DataObject) -> None:
    spec = spec_of(config)
    right = state_shapes(spec, config["input"])
    h_0 = data.draw(st.none() | near_shapes(right["h_0"]))
    c_0 = data.draw(st.none() | near_shapes(right["c_0"])) if spec.kind.has_cell_state else None
    ours: str | None = None
    refusal = ""
    try:
        explain(**config, h_0=h_0, c_0=c_0)
    except TensorMismatchError as error:
        ours, refusal = error.torch_says, str(error)
    given = {"h_0": h_0, "c_0": c_0}
    states = tuple(torch.zeros(*(given[n] or right[n])) for n in spec.kind.state_names)
    if refusal and ours is None and spec.kind.has_cell_state:
        # nn.LSTM checks no state of packed input: its kernel fails later, or reads what it gets.
        # lstmshape refuses; torch is not run on such states.
        assert "torch does not catch this one clearly" in refusal
        return
    theirs: str | None = None
    try:
        with torch.no_grad():
            run_packed(spec, config, None if h_0 is None and c_0 is None else states)
    except (RuntimeError, IndexError) as error:
        theirs = str(error)
    if refusal and ours is None and "depends on how it orders equal lengths" in refusal:
        assert theirs is not None
        assert theirs.startswith("INDICES element is out of DATA bounds")
        return
    if refusal and ours is None:
        # A GRU's or RNN's larger h_0 on unsorted input: torch really does accept it silently.
        assert "torch does not catch this one" in refusal
        assert theirs is None
        return
    assert ours == theirs


@pytest.mark.parametrize("module", list(KINDS))
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("empty", ["h_0", "c_0"])
def test_an_empty_state_shape_fails_as_in_torch(module: str, batched: bool, empty: str) -> None:
    """A 0-d state, (), is a given state of the wrong rank, not a state left out."""
    kind = KINDS[module]
    if empty not in kind.state_names:
        return
    cell = kind.is_cell
    shape = ((3, 5) if batched else (5,)) if cell else ((4, 3, 5) if batched else (4, 5))
    with pytest.raises(TensorMismatchError) as ours:
        explain(shape, 5, module=module, **{empty: ()})
    report_states = explain(shape, 5, module=module).shapes()
    states = tuple(
        torch.zeros(()) if name == empty else torch.zeros(*report_states[name])
        for name in kind.state_names
    )
    module_ = build(spec_of({"input": shape, "hidden_size": 5, "module": module}))
    with pytest.raises((RuntimeError, ValueError)) as theirs:
        call(module_, torch.zeros(*shape), states)
    assert ours.value.torch_says == str(theirs.value)


@given(
    module=st.sampled_from(list(KINDS)),
    argument=st.sampled_from(
        ["input_size", "hidden_size", "num_layers", "proj_size", "bias", "batch_first",
         "bidirectional", "dropout"]
    ),
    value=st.sampled_from([2.5, True, False, 1, 0, "20", "0.5", float("nan"), None]),
)  # fmt: skip
def test_every_quoted_constructor_sentence_is_torchs(
    module: str, argument: str, value: Any
) -> None:
    """Arguments of the wrong type: lstmshape refuses them with the argument named, and quotes
    torch only with the sentence torch itself raises for the same call."""
    kind = KINDS[module]
    kwargs: dict[str, Any] = {"input_size": 10, "hidden_size": 20, argument: value}
    try:
        ModuleSpec(**kwargs, kind=kind)
        return
    except LstmShapeError as error:
        ours = error.torch_says
    if ours is None:
        return  # torch builds it, or fails later in words lstmshape does not claim
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((TypeError, ValueError, RuntimeError)) as caught:
            getattr(torch.nn, module)(**kwargs, device="meta")
    assert str(caught.value).splitlines()[0] == ours
