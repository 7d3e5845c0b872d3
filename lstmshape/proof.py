"""The proof: build the torch module, run it on real or fake tensors, and compare with the report.

This is the only module that imports torch, and only inside :func:`verify`, so that explaining a shape
never pays torch's start-up (about a second). It is not called verify.py: importing a submodule sets
it as an attribute of the package, which would replace the function ``lstmshape.verify``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lstmshape.errors import TorchNotInstalledError, VerificationError
from lstmshape.methods import DEFAULT_BUDGET_BYTES, PlannedRun, plan
from lstmshape.report import (
    ATOL,
    Fact,
    FactCheck,
    Report,
    Run,
    TensorCheck,
    Verification,
    format_shape,
)
from lstmshape.shapes import sequence_spec
from lstmshape.spec import ModuleSpec

if TYPE_CHECKING:
    import torch


def verify(report: Report, *, seed: int = 0, budget: int = DEFAULT_BUDGET_BYTES) -> Report:
    """Run ``report``'s module in torch and return the report with ``verification`` filled in.

    Takes the fastest exact method that fits (lstmshape.methods): real tensors when the data is
    at most ``budget`` bytes and quick to compute, otherwise shape-only (fake) tensors, with L
    made smaller where torch would step through it slowly. A real run builds the module in eval
    mode (so dropout cannot perturb the numerical checks), runs one forward pass on random float32
    input and states, and checks every shape, every parameter and each stated fact; a shape-only
    run checks the shapes and parameters. Raises :class:`TorchNotInstalledError` without torch,
    :class:`VerifyBudgetError` for packed input too large for real tensors, and
    :class:`VerificationError` if torch refuses what lstmshape accepted.
    """
    plan(report, budget)  # a packed input over the budget is refused before torch's import
    # torch's import and constructor warnings (NumPy missing, dropout with one layer, oneDNN and
    # proj_size) are not for the user in torch's words: the report states what matters of them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch = _import_torch()
        mkldnn = torch.backends.mkldnn
        runs = plan(report, budget, fused_lstm=mkldnn.is_available() and mkldnn.enabled)
        done = tuple(
            _run(torch, run, seed) if run.method == "real" else _run_shapes(torch, run)
            for run in runs
        )
    return replace(report, verification=Verification(str(torch.__version__), done))


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


@contextmanager
def _torch_refusal(report: Report) -> Iterator[None]:
    try:
        yield
    except (RuntimeError, ValueError) as error:
        # lstmshape's checks passed, so this is lstmshape's bug, not the user's: say so plainly.
        raise VerificationError(
            f"torch refused what lstmshape accepted: {report.spec.torch_call()} on input "
            f"{format_shape(report.input_shape)}.",
            torch_says=str(error),
            hint="Try the same command without --verify, and please report this as a bug.",
        ) from error


def _sizes(run: PlannedRun) -> str:
    why = f" ({run.why})" if run.why else ""
    if not run.substitutions:
        return f"at full size{why}"
    whys: dict[str, list[str]] = {}
    for s in run.substitutions:
        whys.setdefault(s.why, []).append(s.text())
    return (
        "with "
        + "; ".join(f"{', '.join(texts)}: {because}" for because, texts in whys.items())
        + why
    )


def _run_shapes(torch: Any, run: PlannedRun) -> Run:
    """Run the module on fake tensors: torch's shapes, with no data allocated."""
    import logging

    from torch._subclasses.fake_tensor import FakeTensorMode

    # torch logs a traceback for an op it cannot shape before raising; the error is said once, by us.
    logging.getLogger("torch._subclasses.fake_tensor").setLevel(logging.CRITICAL)

    report = run.report
    spec = report.spec
    inputs = {t.name: t.shape for t in report.tensors if t.role == "input"}
    with _torch_refusal(report), FakeTensorMode(), torch.no_grad():
        module = getattr(torch.nn, spec.kind.name)(**spec.constructor_kwargs()).eval()
        x = torch.empty(*inputs["input"])
        states = tuple(torch.empty(*inputs[name]) for name in spec.kind.state_names)
        if spec.kind.is_cell:
            output, finals = None, _call(module, x, states)
        else:
            output, raw = module(x, _state_arg(states))
            finals = _as_tuple(raw)
        produced = _produced(spec, x, states, output, finals)
        torch_parameters = tuple((name, tuple(p.shape)) for name, p in module.named_parameters())
        count = sum(int(p.numel()) for p in module.parameters())
    checks = (
        "the cell's loop against its sequence module"
        if spec.kind.is_cell
        else "output's slices against h_n, each layer run alone"
    )
    return _compared(
        run,
        f"torch {torch.__version__}: {spec.torch_call()} on fake tensors (FakeTensorMode: shapes, "
        f"no data), float32 on the CPU, one forward pass on input "
        f"{format_shape(report.input_shape)} and {', '.join(spec.kind.state_names)}, "
        f"{_sizes(run)}.",
        produced,
        torch_parameters,
        count,
        facts_not_run=f"fake tensors carry no numbers, so the numerical checks ({checks}) did "
        "not run",
    )


def _compared(
    run: PlannedRun,
    how: str,
    produced: dict[str, Any],
    torch_parameters: tuple[tuple[str, tuple[int, ...]], ...],
    torch_count: int,
    facts: tuple[FactCheck, ...] = (),
    facts_not_run: str = "",
) -> Run:
    """What one run produced, compared with lstmshape's report at the sizes it ran."""
    report = run.report
    return Run(
        method=run.method,
        how=how,
        input_shape=report.input_shape,
        substitutions=run.substitutions,
        tensors=tuple(
            TensorCheck(t.name, t.shape, tuple(produced[t.name].shape)) for t in report.tensors
        ),
        parameters_ok=torch_parameters == tuple((p.name, p.shape) for p in report.parameters),
        num_parameters=report.num_parameters,
        torch_parameters=torch_parameters,
        torch_num_parameters=torch_count,
        facts=facts,
        facts_not_run=facts_not_run,
    )


def _produced(
    spec: ModuleSpec,
    x: torch.Tensor,
    states: tuple[torch.Tensor, ...],
    output: torch.Tensor | None,
    finals: tuple[torch.Tensor, ...],
) -> dict[str, Any]:
    produced: dict[str, Any] = {"input": x}
    if output is not None:
        produced["output"] = output
    produced.update(zip(spec.kind.state_names, states, strict=True))
    produced.update(zip(spec.kind.final_names, finals, strict=True))
    return produced


def _run(torch: Any, run: PlannedRun, seed: int) -> Run:
    report = run.report
    spec = report.spec
    torch.manual_seed(seed)
    module_class = getattr(torch.nn, spec.kind.name)
    inputs = {t.name: t.shape for t in report.tensors if t.role == "input"}
    with _torch_refusal(report):
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

    produced = _produced(spec, x, states, None if packed else output, finals)
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
            "with its weights"
        )
    elif spec.kind.is_cell:
        then = "no sequence module to loop it against (torch builds none with a size of 0)"
    else:
        then = "then each layer run alone to check the h_n rows"
    return _compared(
        run,
        f"torch {torch.__version__}: {spec.torch_call()} in eval mode, float32 on the CPU, one "
        f"forward pass on random input {format_shape(report.input_shape)} and "
        f"{', '.join(spec.kind.state_names)} (seed {seed}), {_sizes(run)}; {then}.",
        produced,
        torch_parameters,
        sum(int(p.numel()) for p in module.parameters()),
        facts=(*facts, *layer_checks),
    )


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
