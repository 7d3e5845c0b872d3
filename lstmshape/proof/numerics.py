"""The numerical checks of a real run: output's slices against h_n, each layer run alone, and a
cell looped against its sequence module. torch is passed in by the caller.

The facts (output's slices against h_n) are checked on the float32 run itself: they are the same
numbers in torch, so they agree exactly. The reruns (each layer alone, the cell's loop) compute the
same function through other kernels, which round differently: in float32 two correct kernels
differ by about H_in times float32's epsilon (1e-5 for a GRUCell with H_in=10,000, which a fixed
1e-5 tolerance called a disagreement). So the reruns, and the module they are held against, run in
float64, where rounding is 2^29 times smaller: a correct module stays many orders of magnitude
within the tolerance, and a wrong claim (another row, another slice) is off by the size of the
values themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from lstmshape.commands.explain.cell_notes import sequence_spec
from lstmshape.i18n import tr
from lstmshape.results.report import Fact, Report
from lstmshape.results.verification import ATOL, FactCheck

if TYPE_CHECKING:
    import torch

# How many steps the cell is looped over to prove it computes its sequence module.
LOOP_STEPS = 3


def check_fact(
    torch: Any, fact: Fact, output: torch.Tensor, h_n: torch.Tensor, lengths: tuple[int, ...]
) -> FactCheck | None:
    """The stated fact, checked on the run's own output and h_n (None if both are empty)."""

    def sliced(part: torch.Tensor) -> torch.Tensor:
        if fact.features is None:
            return part
        start, stop = fact.features
        return part[..., start:stop]

    if not fact.per_sequence:
        return compare(
            torch, fact.text(), sliced(output.select(fact.time_axis, fact.step)), h_n[fact.h_n_row]
        )
    # Packed: sequence i's slice is at its own step, lengths[i] - 1 (or 0), of padded_output.
    batch_axis = 1 - fact.time_axis
    parts = [
        sliced(output.select(batch_axis, i).select(0, length - 1 if fact.step == -1 else 0))
        for i, length in enumerate(lengths)
    ]
    return compare(torch, fact.text(), torch.stack(parts), h_n[fact.h_n_row])


def run_packed(
    torch: Any, report: Report, module: Any, x: torch.Tensor, states: tuple[torch.Tensor, ...]
) -> tuple[dict[str, Any], tuple[torch.Tensor, ...]]:
    """Pack x with the report's lengths, run the module, and pad its output back, as users do."""
    rnn_utils = torch.nn.utils.rnn
    packing = report.packing
    assert packing is not None  # only called for a packed report
    batch_first = report.spec.batch_first
    packed_input = rnn_utils.pack_padded_sequence(
        x, list(packing.lengths), batch_first=batch_first, enforce_sorted=packing.enforce_sorted
    )
    packed_output, finals = module(packed_input, state_arg(states))
    padded_output, _ = rnn_utils.pad_packed_sequence(packed_output, batch_first=batch_first)
    return {
        "input": packed_input,
        "output": packed_output,
        "padded_output": padded_output,
    }, as_tuple(finals)


def to_float64(torch: Any, module: Any) -> Any:
    """The module itself, its parameters turned to float64 one at a time.

    In place, so that at most one float32 parameter is copied at a time: ``module.double()`` keeps
    every float32 parameter alive until the last is converted (1.5 times the memory).
    """
    for name in [name for name, _ in module.named_parameters()]:
        double = getattr(module, name).detach().double()
        setattr(module, name, torch.nn.Parameter(double, requires_grad=False))
    return module


def _shell(torch: Any, module_class: Any, kwargs: dict[str, Any]) -> Any:
    """A module of that class built on the meta device (no memory, no random init): its
    parameters are then set to tensors of another module, shared, not copied."""
    return module_class(**kwargs, device="meta", dtype=torch.float64).eval()


def check_layers(
    torch: Any, report: Report, module: Any, x: Any, states: tuple[torch.Tensor, ...]
) -> list[FactCheck]:
    """Run each layer alone, with the full module's weights, to prove h_n[k*D + d] is layer k, d.

    ``module`` (in float64) runs on ``x`` and ``states`` first; then layer k gets the previous
    layer's output (eval mode: no dropout between layers) and the rows [k*D, (k+1)*D) of the initial
    states, and its final states must equal the same rows of h_n and c_n. One single-layer module is
    built per input width and given each layer's weights in turn: linear in num_layers.
    """
    spec = report.spec
    d = spec.D
    if report.packing is not None:
        packed, finals = run_packed(torch, report, module, x, states)
        layer_input: Any = packed["input"]
        del packed
    else:
        finals = as_tuple(module(x, state_arg(states))[1])  # its output is not needed: freed
        layer_input = x
    singles: dict[int, Any] = {}
    checks = []
    for k, names in enumerate(_names_by_layer(report)):
        # A packed input (PackedSequence) keeps its features on the last axis of its data.
        width = getattr(layer_input, "data", layer_input).shape[-1]
        if width not in singles:
            kwargs = spec.constructor_kwargs()
            kwargs.update(input_size=width, num_layers=1, dropout=0.0)
            singles[width] = _shell(torch, type(module), kwargs)
        single = singles[width]
        for name in names:
            setattr(single, name.replace(f"_l{k}", "_l0", 1), getattr(module, name))
        rows = slice(k * d, (k + 1) * d)
        layer_input, layer_finals = single(layer_input, state_arg(tuple(s[rows] for s in states)))
        for name, mine, full in zip(
            spec.kind.final_names, as_tuple(layer_finals), finals, strict=True
        ):
            where = f"{name}[{k * d}:{(k + 1) * d}]" if d == 2 else f"{name}[{k}]"
            label = tr("{rows} == layer {layer} run alone", rows=where, layer=k)
            check = compare(torch, label, mine, full[rows])
            if check is not None:
                checks.append(check)
    return checks


def _names_by_layer(report: Report) -> Iterator[list[str]]:
    """The parameter names of each layer, in order: one pass over the parameters, not one a layer."""
    layers: list[list[str]] = [[] for _ in range(report.spec.num_layers)]
    for p in report.spec.parameters():  # every layer: a deep report lists a few
        layers[p.layer].append(p.name)
    return iter(layers)


def state_arg(states: tuple[torch.Tensor, ...]) -> Any:
    """The states as the class takes them: the tuple (h_0, c_0) of an LSTM, else h_0 alone."""
    return states if len(states) > 1 else states[0]


def as_tuple(value: Any) -> tuple[Any, ...]:
    """What a module returns as its states, always as a tuple: (h_n, c_n) or (h_n,)."""
    return value if isinstance(value, tuple) else (value,)


def call(module: Any, x: torch.Tensor, states: tuple[torch.Tensor, ...]) -> tuple[Any, ...]:
    """A cell's call, with its states as the class takes them; what it returns, as a tuple."""
    return as_tuple(module(x, state_arg(states)))


def check_cell_loop(
    torch: Any, report: Report, cell: Any, x: torch.Tensor, states: tuple[torch.Tensor, ...]
) -> list[FactCheck]:
    """Prove the note: the cell looped over a sequence computes the one-layer sequence module.

    The sequence module gets the cell's weights (weight_ih -> weight_ih_l0, ...) and a random
    sequence of x's shape; the loop's final states must equal its h_n[0] (c_n[0]), and each step's
    h its output[t]. ``cell``, ``x`` and ``states`` are in float64.
    """
    sequence = sequence_spec(report.spec)
    if sequence is None:
        return []
    module = _shell(torch, getattr(torch.nn, sequence.kind.name), sequence.constructor_kwargs())
    for p in report.parameters:
        setattr(module, f"{p.name}_l0", getattr(cell, p.name))
    xs = torch.randn(LOOP_STEPS, *x.shape, dtype=torch.float64)
    output, finals = module(xs, state_arg(tuple(s.unsqueeze(0) for s in states)))
    finals = as_tuple(finals)
    carried = states
    steps = []
    for x_t in xs:
        carried = call(cell, x_t, carried)
        steps.append(carried[0])
    named = sequence.torch_call()
    label = tr("loop of {steps} steps: each h == output[t] of {call}", steps=LOOP_STEPS, call=named)
    checks = [compare(torch, label, torch.stack(steps), output)]
    for name, mine, theirs in zip(("h", "c"), carried, finals, strict=False):
        label = tr(
            "loop: final {name} == {final} of {call}", name=name, final=f"{name}_n[0]", call=named
        )
        checks.append(compare(torch, label, mine, theirs[0]))
    return [check for check in checks if check is not None]


def compare(torch: Any, label: str, a: torch.Tensor, b: torch.Tensor) -> FactCheck | None:
    """Whether ``a`` equals ``b`` within the tolerance, as a labelled check; None when both are
    empty (an empty batch): there is no number to compare, and an empty check proves nothing.

    The tolerance is ATOL, times the largest value when that is over 1: rounding is relative.
    """
    if a.shape != b.shape:
        return FactCheck(label, False, float("inf"))
    if a.numel() == 0:
        return None
    diff = float((a - b).abs().max())
    tolerance = ATOL * max(1.0, float(b.abs().max()))
    # A NaN difference holds nowhere: `diff <= tolerance` is False for it.
    return FactCheck(label, diff <= tolerance, diff, tolerance)
