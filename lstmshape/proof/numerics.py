"""The numerical checks of a real run: output's slices against h_n, each layer run alone, and a
cell looped against its sequence module. torch is passed in by the caller."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lstmshape.explain.cell_notes import sequence_spec
from lstmshape.model.report import Fact, Report
from lstmshape.model.verification import ATOL, FactCheck

if TYPE_CHECKING:
    import torch


def check_fact(
    torch: Any, fact: Fact, output: torch.Tensor, h_n: torch.Tensor, lengths: tuple[int, ...]
) -> FactCheck:
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


def check_layers(
    torch: Any,
    report: Report,
    module: Any,
    x: torch.Tensor,
    states: tuple[torch.Tensor, ...],
    finals: tuple[torch.Tensor, ...],
) -> list[FactCheck]:
    """Run each layer alone, with the full module's weights, to prove h_n[k*D + d] is layer k, d.

    Layer k gets the previous layer's output (eval mode: no dropout between layers) and the rows
    [k*D, (k+1)*D) of the initial states; its final states must equal the same rows of h_n and c_n.
    """
    spec = report.spec
    d = spec.D
    module_class = type(module)
    layer_input = x
    checks = []
    for k in range(spec.num_layers):
        kwargs = spec.constructor_kwargs()
        # A packed input (PackedSequence) keeps its features on the last axis of its data.
        width = getattr(layer_input, "data", layer_input).shape[-1]
        kwargs.update(input_size=width, num_layers=1, dropout=0.0)
        single = module_class(**kwargs).eval()
        single.load_state_dict(
            {
                p.name.replace(f"_l{k}", "_l0", 1): getattr(module, p.name)
                for p in report.spec.parameters(range(k, k + 1))
            }
        )
        rows = slice(k * d, (k + 1) * d)
        layer_states = tuple(s[rows] for s in states)
        layer_input, layer_finals = single(layer_input, state_arg(layer_states))
        layer_finals = as_tuple(layer_finals)
        for name, mine, full in zip(spec.kind.final_names, layer_finals, finals, strict=True):
            where = f"{name}[{k * d}:{(k + 1) * d}]" if d == 2 else f"{name}[{k}]"
            label = f"{where} == layer {k} run alone"
            checks.append(compare(torch, label, mine, full[rows]))
    return checks


# How many steps the cell is looped over to prove it computes its sequence module.
LOOP_STEPS = 3


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
    h its output[t].
    """
    sequence = sequence_spec(report.spec)
    if sequence is None:
        return []
    module = getattr(torch.nn, sequence.kind.name)(**sequence.constructor_kwargs()).eval()
    module.load_state_dict({f"{p.name}_l0": getattr(cell, p.name) for p in report.parameters})
    xs = torch.randn(LOOP_STEPS, *x.shape)
    output, finals = module(xs, state_arg(tuple(s.unsqueeze(0) for s in states)))
    finals = as_tuple(finals)
    carried = states
    steps = []
    for x_t in xs:
        carried = call(cell, x_t, carried)
        steps.append(carried[0])
    named = sequence.torch_call()
    checks = [compare(torch, f"loop of {LOOP_STEPS} steps: each h == output[t] of {named}",
                      torch.stack(steps), output)]  # fmt: skip
    for name, mine, theirs in zip(("h", "c"), carried, finals, strict=False):
        checks.append(
            compare(torch, f"loop: final {name} == {name}_n[0] of {named}", mine, theirs[0])
        )
    return checks


def compare(torch: Any, label: str, a: torch.Tensor, b: torch.Tensor) -> FactCheck:
    """Whether ``a`` equals ``b`` within the tolerance, as a labelled check."""
    if a.shape != b.shape:
        return FactCheck(label, False, float("inf"))
    diff = float((a - b).abs().max()) if a.numel() else 0.0
    return FactCheck(label, diff <= ATOL, diff)
