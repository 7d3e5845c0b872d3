"""The trace held against torch: random models (one to three recurrent layers among Linear layers,
batch_first, bidirectional, proj_size, packed inside forward, states passed or not, a cell at the
end), traced as users trace them, against the same hooks on a real forward pass with real data."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape.commands.trace import trace_model
from lstmshape.commands.trace.hooks import KERNEL_STEPS
from tests.conftest import validate_json
from tests.models import build, model_configs
from tests.strategies import torch


def _seen(trace: lstmshape.Trace) -> list[tuple[Any, ...]]:
    """What a trace says of each call: where, what it got, and every shape lstmshape gives it."""
    return [
        (c.path, c.call, c.module, c.received, c.report.shapes() if c.report else None)
        for c in trace.calls
    ]


# Each example traces a model twice (shape-only and real): fewer examples than the profile's.
@settings(max_examples=60)
@given(model_configs())
def test_every_traced_shape_is_what_a_real_forward_pass_gets(config: dict[str, Any]) -> None:
    model, x = build(config)
    lengths = config["lengths"]
    traced = lstmshape.trace(model, x, lengths=lengths)
    real = trace_model(model, (x,), {"lengths": lengths}, method="real")
    assert traced.failure is None, traced.failure
    assert real.failure is None, real.failure
    assert real.method == "real"
    packed = any(stage["packed"] for stage in config["stages"])
    assert traced.method == ("real" if packed else "shape-only")
    # Every call, in call order, named by its path, with what it got and its shapes.
    called = len(config["stages"]) + (config["cell"] is not None)
    assert len(real.calls) == called
    assert _seen(traced) == _seen(real)
    # The real pass's hooks saw exactly lstmshape's shapes, and so did the shape-only pass's.
    for shape_only, really in zip(traced.calls, real.calls, strict=True):
        assert really.agrees, really.torch_shapes
        assert shape_only.agrees
        assert dict(shape_only.torch_shapes).items() <= dict(really.torch_shapes).items()
        assert really.torch_shapes
    validate_json(traced.to_dict(), "trace")


@settings(max_examples=20)
@given(model_configs())
def test_the_model_is_left_as_it_was(config: dict[str, Any]) -> None:
    inner, x = build(config)
    model = Normalized(inner, config["input_size"]).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    rng = torch.random.get_rng_state()
    for method in ("auto", "shape-only", "real"):
        trace_model(model, (x,), {"lengths": config["lengths"]}, method=method)
    for name, value in model.state_dict().items():
        assert torch.equal(value, before[name]), name
    assert torch.equal(torch.random.get_rng_state(), rng)
    assert model.training
    for module in model.modules():
        assert not module._forward_hooks
        assert not module._forward_pre_hooks
        assert "forward" not in vars(module)


class Normalized(torch.nn.Module):
    """A BatchNorm first: running statistics that a forward pass in training mode would move."""

    def __init__(self, inner: torch.nn.Module, width: int) -> None:
        super().__init__()
        self.norm = torch.nn.BatchNorm1d(width)
        self.inner = inner

    def forward(self, x: torch.Tensor, lengths: list[int]) -> Any:
        x = self.norm(x.transpose(1, 2)).transpose(1, 2)
        return self.inner(torch.nn.functional.dropout(x, 0.5, training=True), lengths)


def test_a_long_sequence_through_a_gru_is_shaped_without_stepping() -> None:
    """torch's shape-only GRU kernel steps through time in Python: past a few hundred steps the
    report's shapes stand in for it, and they are what the real pass gets."""
    gru = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True)
    x = torch.randn(400, 2, 8)
    traced = lstmshape.trace(gru, x)
    real = trace_model(gru, (x,), method="real")
    assert traced.method == "shape-only"
    assert traced.calls[0].kernel == "lstmshape"
    assert real.calls[0].kernel == "torch"
    assert _seen(traced) == _seen(real)
    assert real.calls[0].agrees
    short = lstmshape.trace(gru, torch.randn(20, 2, 8))
    assert short.calls[0].kernel == "torch"


def test_a_model_on_the_meta_device_traces_there() -> None:
    with torch.device("meta"):
        model = torch.nn.Sequential(torch.nn.Linear(4096, 4096), torch.nn.LSTM(4096, 8192, 4))
    traced = lstmshape.trace(model, torch.empty(1000, 64, 4096, device="meta"))
    assert traced.method == "meta"
    assert traced.calls[0].report is not None
    assert traced.calls[0].report.shapes()["output"] == (1000, 64, 8192)
    assert traced.calls[0].agrees


@settings(max_examples=40)
@given(
    kind=st.sampled_from(["GRU", "RNN", "LSTM"]),
    steps=st.integers(0, 40),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
    dtype=st.sampled_from(["float32", "float64", "int64", "float16"]),
    weights=st.sampled_from(["float32", "float64"]),
    width=st.sampled_from([6, 7]),
    states=st.sampled_from([None, "right", "wrong"]),
)
def test_a_long_sequence_is_checked_as_torch_checks_it(
    kind: str,
    steps: int,
    layers: int,
    bidirectional: bool,
    batch_first: bool,
    dtype: str,
    weights: str,
    width: int,
    states: str | None,
) -> None:
    """Where the shape-only kernel would step through time in Python, torch still makes every
    check of its forward (dtype, input_size, the states): the trace fails where torch fails, in
    torch's words, and elsewhere has torch's shapes."""
    extra = {"proj_size": 3} if kind == "LSTM" else {}  # the LSTM that steps in Python
    d = 2 if bidirectional else 1
    module = getattr(torch.nn, kind)(
        6, 5, layers, batch_first=batch_first, bidirectional=bidirectional, **extra
    ).to(getattr(torch, weights))
    length = max(1, KERNEL_STEPS // (layers * d) + steps - 2)  # past the kernel's limit, or not
    shape = (2, length, width) if batch_first else (length, 2, width)
    x = torch.ones(shape, dtype=getattr(torch, dtype))
    args: tuple[Any, ...] = (x,)
    if states is not None:
        rows = layers * d + (states == "wrong")
        h_0 = torch.zeros(rows, 2, 3 if extra else 5, dtype=getattr(torch, weights))
        c_0 = torch.zeros(rows, 2, 5, dtype=getattr(torch, weights))
        args = (x, (h_0, c_0) if kind == "LSTM" else h_0)
    try:
        with torch.no_grad():
            output, hidden = module(*args)
    except (RuntimeError, ValueError) as error:
        said: str | None = str(error)
        real: dict[str, tuple[int, ...]] = {}
    else:
        said = None
        finals = hidden if isinstance(hidden, tuple) else (hidden,)
        names = ("h_n", "c_n")[: len(finals)]
        real = {"output": tuple(output.shape)} | {
            n: tuple(t.shape) for n, t in zip(names, finals, strict=True)
        }
    traced = trace_model(module, args, method="shape-only")
    if said is not None:
        assert traced.failure is not None
        assert traced.failure.torch_says == said
        return
    assert traced.failure is None, traced.failure
    (call,) = traced.calls
    assert call.report is not None
    assert {n: s for n, s in call.report.shapes().items() if n in real} == real
    assert call.agrees
    assert call.site is None  # the traced model is the layer: lstmshape called it
    long = length * layers * d > KERNEL_STEPS
    assert call.kernel == ("lstmshape" if long else "torch")


@settings(max_examples=30)
@given(
    kind=st.sampled_from(["LSTM", "GRU", "RNN"]),
    lengths=st.lists(st.integers(1, 6), min_size=1, max_size=4),
    enforce_sorted=st.booleans(),
    batch_first=st.booleans(),
    states=st.booleans(),
)
def test_a_packed_sequence_given_to_the_model_is_traced(
    kind: str, lengths: list[int], enforce_sorted: bool, batch_first: bool, states: bool
) -> None:
    """A PackedSequence as the model's own input: its batch_sizes are known values, kept real."""
    rnn = torch.nn.utils.rnn
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    module = getattr(torch.nn, kind)(4, 3, batch_first=batch_first)
    steps, n = max(lengths), len(lengths)
    padded = torch.randn((n, steps, 4) if batch_first else (steps, n, 4))
    packed = rnn.pack_padded_sequence(padded, lengths, batch_first, enforce_sorted)
    h_0 = torch.zeros(1, n, 3)
    args = (packed, (h_0, h_0.clone()) if kind == "LSTM" else h_0) if states else (packed,)
    with torch.no_grad():
        output, hidden = module(*args)
    traced = lstmshape.trace(module, *args)
    assert traced.failure is None, traced.failure
    (call,) = traced.calls
    assert call.received.lengths == tuple(lengths)
    assert call.agrees
    assert dict(call.torch_shapes)["output.data"] == tuple(output.data.shape)
    finals = hidden if isinstance(hidden, tuple) else (hidden,)
    assert dict(call.torch_shapes)["h_n"] == tuple(finals[0].shape)
    assert traced.inputs[0] == (
        f"packed: data ({sum(lengths)}, 4) float32, lengths [{', '.join(map(str, lengths))}]"
    )
    validate_json(traced.to_dict(), "trace")


class Direct(torch.nn.Module):
    """Calls its layer's forward itself: torch runs no hooks on that call."""

    def __init__(self, kind: str, width: int) -> None:
        super().__init__()
        self.rnn = getattr(torch.nn, kind)(width, 5)

    def forward(self, x: torch.Tensor) -> Any:
        out = self.rnn.forward(x)
        return out if isinstance(out, torch.Tensor) else out[0]


@settings(max_examples=20)
@given(
    kind=st.sampled_from(["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"]),
    width=st.integers(1, 6),
    given_width=st.integers(1, 6),
    method=st.sampled_from(["auto", "shape-only", "real"]),
)
def test_a_layers_forward_called_directly_is_traced(
    kind: str, width: int, given_width: int, method: str
) -> None:
    model = Direct(kind, width)
    x = torch.randn((3, given_width) if kind.endswith("Cell") else (4, 3, given_width))
    try:
        with torch.no_grad():
            out = model(x)
    except (RuntimeError, ValueError) as error:
        said = str(error)
        traced = trace_model(model, (x,), method=method)
        assert traced.failure is not None
        assert (traced.failure.path, traced.failure.recurrent) == ("rnn", True)
        assert traced.summary().endswith("1 recurrent call, rnn failed")
        assert method == "shape-only" or traced.failure.torch_says == said
        return
    traced = trace_model(model, (x,), method=method)
    assert traced.failure is None, traced.failure
    (call,) = traced.calls
    assert call.direct
    assert call.site is not None
    assert call.site.endswith("out = self.rnn.forward(x)")
    assert call.agrees
    assert call.report is not None
    first = "h_1" if kind.endswith("Cell") else "output"
    assert call.report.shapes()[first] == tuple(out.shape)
