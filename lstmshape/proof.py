"""The proof: build the real torch module, run it, and compare with the report.

This is the only module that imports torch, and only inside :func:`verify`, so that explaining a shape
never pays torch's start-up (about a second). It is not called verify.py: importing a submodule sets
it as an attribute of the package, which would replace the function ``lstmshape.verify``.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from math import prod
from typing import TYPE_CHECKING, Any

from lstmshape.errors import TorchNotInstalledError, VerificationError, VerifyBudgetError
from lstmshape.report import (
    ATOL,
    Fact,
    FactCheck,
    Report,
    TensorCheck,
    Verification,
    format_shape,
)
from lstmshape.shapes import sequence_spec

if TYPE_CHECKING:
    import torch

# Real tensors are allocated for the forward pass; past this many bytes --verify refuses rather than
# exhaust the machine's memory.
MEMORY_BUDGET_BYTES = 2 * 1024**3


def verify(report: Report, *, seed: int = 0) -> Report:
    """Run ``report``'s module in torch and return the report with ``verification`` filled in.

    Builds the module in eval mode (so dropout cannot perturb the numerical checks), runs one
    forward pass on random float32 input and states of the computed shapes, and compares every
    tensor shape, every parameter name and shape, and each stated fact. Raises
    :class:`TorchNotInstalledError` without torch and :class:`VerificationError` if torch refuses
    what lstmshape accepted.
    """
    _check_budget(report)
    # torch's import and constructor warnings (NumPy missing, dropout with one layer) are not for the
    # user in torch's words: the report states what matters of them in its own notes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch = _import_torch()
        return _run(torch, report, seed)


def _import_torch() -> Any:
    try:
        import torch
    except ImportError as error:
        raise TorchNotInstalledError(
            "--verify runs a real torch forward pass, but torch is not installed.",
            details=[f"Importing torch failed: {error}."],
            hint="Try pip install 'lstmshape[torch]' (or pip install torch), or leave out --verify.",
        ) from error
    except OSError as error:  # a broken install: a shared library missing or unloadable
        raise TorchNotInstalledError(
            "--verify runs a real torch forward pass, but torch is installed and cannot be loaded.",
            details=[f"Importing torch failed: {error}."],
            hint="Try reinstalling torch (pip install --force-reinstall torch), or leave out --verify.",
        ) from error
    return torch


def _check_budget(report: Report) -> None:
    spec = report.spec
    parameters = report.num_parameters
    shapes = report.shapes()
    steps = prod(shapes["input"][:-1])  # L*N (L unbatched, N for a cell)
    # Tensors in and out, plus the gate pre-activations torch holds for one layer, (L, N, G*H_cell).
    activations = (
        sum(prod(shape) for shape in shapes.values()) + steps * spec.kind.gates * spec.H_cell
    )
    # The layer-by-layer rerun holds a second copy of the activations and parameters.
    needed = 2 * 4 * (activations + parameters)
    if needed <= MEMORY_BUDGET_BYTES:
        return
    if 4 * parameters > MEMORY_BUDGET_BYTES:
        cause = f"the parameters alone are {_size(4 * parameters)} in float32"
        hint = (
            "Try --verify with a smaller --hidden or --input-size: the rules do not depend on them."
        )
    else:
        cause = f"the tensors of the forward pass are {_size(4 * activations)} in float32"
        hint = "Try --verify with a smaller L or N: the shape rules do not depend on them."
    raise VerifyBudgetError(
        f"--verify would allocate about {_size(needed)} of real tensors, over its "
        f"{_size(MEMORY_BUDGET_BYTES)} budget: {cause}.",
        details=["lstmshape computes the shapes without torch: the same command without --verify."],
        hint=hint,
    )


def _size(nbytes: int) -> str:
    gib = nbytes / 1024**3
    return f"{gib:.1f} GiB" if gib < 1e6 else f"{gib:.2g} GiB"


def _run(torch: Any, report: Report, seed: int) -> Report:
    spec = report.spec
    torch.manual_seed(seed)
    module_class = getattr(torch.nn, spec.kind.name)
    inputs = {t.name: t.shape for t in report.tensors if t.role == "input"}
    try:
        module = module_class(**spec.constructor_kwargs()).eval()
        x = torch.randn(*inputs["input"])
        states = tuple(torch.randn(*inputs[name]) for name in spec.kind.state_names)
        with torch.no_grad():
            packed: dict[str, Any] = {}
            if spec.kind.is_cell:
                output = None
                finals = _call(module, x, states)
                layer_checks = _check_cell_loop(torch, report, module, x, states)
            elif report.packing is not None:
                packed, finals = _run_packed(torch, report, module, x, states)
                output = packed["padded_output"]
                layer_checks = _check_layers(torch, report, module, packed["input"], states, finals)
            else:
                output, finals = module(x, _state_arg(states))
                finals = _as_tuple(finals)
                layer_checks = _check_layers(torch, report, module, x, states, finals)
    except (RuntimeError, ValueError) as error:
        # lstmshape's checks passed, so this is lstmshape's bug, not the user's: say so plainly.
        raise VerificationError(
            f"torch refused what lstmshape accepted: {spec.torch_call()} on input "
            f"{format_shape(report.input_shape)}.",
            torch_says=str(error),
            hint="Try the same command without --verify, and please report this as a bug.",
        ) from error

    produced = {"input": x}
    if output is not None:
        produced["output"] = output
    if packed:
        produced.update(
            {
                "input.data": packed["input"].data,
                "input.batch_sizes": packed["input"].batch_sizes,
                "output.data": packed["output"].data,
                "output.batch_sizes": packed["output"].batch_sizes,
                "padded_output": packed["padded_output"],
            }
        )
    produced.update(zip(spec.kind.state_names, states, strict=True))
    produced.update(zip(spec.kind.final_names, finals, strict=True))
    tensors = tuple(
        TensorCheck(t.name, t.shape, tuple(produced[t.name].shape)) for t in report.tensors
    )
    torch_parameters = tuple((name, tuple(p.shape)) for name, p in module.named_parameters())
    lengths = report.packing.lengths if report.packing is not None else ()
    facts = (
        tuple(_check_fact(torch, fact, output, finals[0], lengths) for fact in report.facts)
        if output is not None
        else ()
    )
    sequence = sequence_spec(spec) if spec.kind.is_cell else None
    if sequence is not None:
        then = (
            f"then the cell looped over {_LOOP_STEPS} steps against {sequence.torch_call()} "
            "with its weights."
        )
    elif spec.kind.is_cell:
        then = "no sequence module to loop it against (torch builds none with a size of 0)."
    else:
        then = "then each layer run alone to check the h_n rows."
    verification = Verification(
        torch_version=str(torch.__version__),
        method=(
            f"torch {torch.__version__}: {spec.torch_call()} in eval mode, float32 on the CPU, one "
            f"forward pass on random input and {', '.join(spec.kind.state_names)} of the computed "
            f"shapes (seed {seed}); {then}"
        ),
        tensors=tensors,
        parameters_ok=torch_parameters == tuple((p.name, p.shape) for p in report.parameters),
        torch_parameters=torch_parameters,
        torch_num_parameters=sum(int(p.numel()) for p in module.parameters()),
        facts=(*facts, *layer_checks),
    )
    return replace(report, verification=verification)


def _check_fact(
    torch: Any, fact: Fact, output: torch.Tensor, h_n: torch.Tensor, lengths: tuple[int, ...]
) -> FactCheck:
    def sliced(part: torch.Tensor) -> torch.Tensor:
        if fact.features is None:
            return part
        start, stop = fact.features
        return part[..., start:stop]

    if not fact.per_sequence:
        return _compare(
            torch, fact.text(), sliced(output.select(fact.time_axis, fact.step)), h_n[fact.h_n_row]
        )
    # Packed: sequence i's slice is at its own step, lengths[i] - 1 (or 0), of padded_output.
    batch_axis = 1 - fact.time_axis
    parts = [
        sliced(output.select(batch_axis, i).select(0, length - 1 if fact.step == -1 else 0))
        for i, length in enumerate(lengths)
    ]
    return _compare(torch, fact.text(), torch.stack(parts), h_n[fact.h_n_row])


def _run_packed(
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
    packed_output, finals = module(packed_input, _state_arg(states))
    padded_output, _ = rnn_utils.pad_packed_sequence(packed_output, batch_first=batch_first)
    return {
        "input": packed_input,
        "output": packed_output,
        "padded_output": padded_output,
    }, _as_tuple(finals)


def _check_layers(
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
                for p in report.parameters
                if p.layer == k
            }
        )
        rows = slice(k * d, (k + 1) * d)
        layer_states = tuple(s[rows] for s in states)
        layer_input, layer_finals = single(layer_input, _state_arg(layer_states))
        layer_finals = _as_tuple(layer_finals)
        for name, mine, full in zip(spec.kind.final_names, layer_finals, finals, strict=True):
            where = f"{name}[{k * d}:{(k + 1) * d}]" if d == 2 else f"{name}[{k}]"
            label = f"{where} == layer {k} run alone"
            checks.append(_compare(torch, label, mine, full[rows]))
    return checks


# How many steps the cell is looped over to prove it computes its sequence module.
_LOOP_STEPS = 3


def _state_arg(states: tuple[torch.Tensor, ...]) -> Any:
    """The states as the class takes them: the tuple (h_0, c_0) of an LSTM, else h_0 alone."""
    return states if len(states) > 1 else states[0]


def _as_tuple(value: Any) -> tuple[Any, ...]:
    """What a module returns as its states, always as a tuple: (h_n, c_n) or (h_n,)."""
    return value if isinstance(value, tuple) else (value,)


def _call(module: Any, x: torch.Tensor, states: tuple[torch.Tensor, ...]) -> tuple[Any, ...]:
    """A cell's call, with its states as the class takes them; what it returns, as a tuple."""
    return _as_tuple(module(x, _state_arg(states)))


def _check_cell_loop(
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
    xs = torch.randn(_LOOP_STEPS, *x.shape)
    output, finals = module(xs, _state_arg(tuple(s.unsqueeze(0) for s in states)))
    finals = _as_tuple(finals)
    carried = states
    steps = []
    for x_t in xs:
        carried = _call(cell, x_t, carried)
        steps.append(carried[0])
    call = sequence.torch_call()
    checks = [_compare(torch, f"loop of {_LOOP_STEPS} steps: each h == output[t] of {call}",
                       torch.stack(steps), output)]  # fmt: skip
    for name, mine, theirs in zip(("h", "c"), carried, finals, strict=False):
        checks.append(
            _compare(torch, f"loop: final {name} == {name}_n[0] of {call}", mine, theirs[0])
        )
    return checks


def _compare(torch: Any, label: str, a: torch.Tensor, b: torch.Tensor) -> FactCheck:
    if a.shape != b.shape:
        return FactCheck(label, False, float("inf"))
    diff = float((a - b).abs().max()) if a.numel() else 0.0
    return FactCheck(label, diff <= ATOL, diff)
