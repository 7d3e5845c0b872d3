"""The torch runs of a verification: the module built and run on real or fake tensors.

torch is imported by the caller and passed in; nothing here imports it at module level.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lstmshape.errors import VerificationError
from lstmshape.explain.cell_notes import sequence_spec
from lstmshape.model.report import Report
from lstmshape.model.text import format_shape
from lstmshape.model.verification import FactCheck, Run, TensorCheck
from lstmshape.proof.numerics import (
    LOOP_STEPS,
    as_tuple,
    call,
    check_cell_loop,
    check_fact,
    check_layers,
    run_packed,
    state_arg,
)
from lstmshape.proof.plan import PlannedRun
from lstmshape.spec import ModuleSpec
from lstmshape.words import Arg, words

if TYPE_CHECKING:
    import torch

Shape = tuple[int, ...]


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
            hint=words(
                "Try again without {verify}, and please report this as a bug.", verify=Arg("verify")
            ),
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


def run_shapes(torch: Any, run: PlannedRun) -> Run:
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
            output, finals = None, call(module, x, states)
        else:
            output, raw = module(x, state_arg(states))
            finals = as_tuple(raw)
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
        parameters_ok=_parameters_agree(report, torch_parameters),
        num_parameters=report.num_parameters,
        torch_parameters=torch_parameters,
        torch_num_parameters=torch_count,
        facts=facts,
        facts_not_run=facts_not_run,
    )


def _parameters_agree(report: Report, torch_parameters: tuple[tuple[str, Shape], ...]) -> bool:
    """torch registered the parameters the report lists, in its order, and every other one with
    the shape lstmshape's rule gives it (a deep stack's report lists layers 0, 1 and the last)."""
    listed = tuple((p.name, p.shape) for p in report.parameters)
    names = {name for name, _ in listed}
    return tuple(entry for entry in torch_parameters if entry[0] in names) == listed and (
        torch_parameters == tuple((p.name, p.shape) for p in report.spec.parameters())
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


def run_real(torch: Any, run: PlannedRun, seed: int) -> Run:
    """Run the module on random data: every shape, every parameter and each stated fact."""
    report = run.report
    spec = report.spec
    torch.manual_seed(seed)
    inputs = {t.name: t.shape for t in report.tensors if t.role == "input"}
    with _torch_refusal(report):
        module = getattr(torch.nn, spec.kind.name)(**spec.constructor_kwargs()).eval()
        x = torch.randn(*inputs["input"])
        states = tuple(torch.randn(*inputs[name]) for name in spec.kind.state_names)
        with torch.no_grad():
            output, finals, packed, layer_checks = _forward(torch, report, module, x, states)
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
        tuple(check_fact(torch, fact, output, finals[0], lengths) for fact in report.facts)
        if output is not None
        else ()
    )
    return _compared(
        run,
        f"torch {torch.__version__}: {spec.torch_call()} in eval mode, float32 on the CPU, one "
        f"forward pass on random input {format_shape(report.input_shape)} and "
        f"{', '.join(spec.kind.state_names)} (seed {seed}), {_sizes(run)}; {_then(spec)}.",
        produced,
        torch_parameters,
        sum(int(p.numel()) for p in module.parameters()),
        facts=(*facts, *layer_checks),
    )


def _forward(
    torch: Any, report: Report, module: Any, x: torch.Tensor, states: tuple[torch.Tensor, ...]
) -> tuple[Any, tuple[Any, ...], dict[str, Any], list[FactCheck]]:
    """One forward pass as the report's path runs it (cell, packed or padded), and the checks
    that rerun parts of it: (output, finals, packed tensors, checks)."""
    spec = report.spec
    if spec.kind.is_cell:
        return None, call(module, x, states), {}, check_cell_loop(torch, report, module, x, states)
    if report.packing is not None:
        packed, finals = run_packed(torch, report, module, x, states)
        checks = check_layers(torch, report, module, packed["input"], states, finals)
        return packed["padded_output"], finals, packed, checks
    output, raw = module(x, state_arg(states))
    finals = as_tuple(raw)
    return output, finals, {}, check_layers(torch, report, module, x, states, finals)


def _then(spec: ModuleSpec) -> str:
    """What a real run does after the forward pass, in words."""
    sequence = sequence_spec(spec) if spec.kind.is_cell else None
    if sequence is not None:
        return (
            f"then the cell looped over {LOOP_STEPS} steps against {sequence.torch_call()} "
            "with its weights"
        )
    if spec.kind.is_cell:
        return "no sequence module to loop it against (torch builds none with a size of 0)"
    return "then each layer run alone to check the h_n rows"
