"""The torch runs of a verification: the module built and run on real or fake tensors.

torch is imported by the caller and passed in; nothing here imports it at module level.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lstmshape.commands.explain.cell_notes import sequence_spec
from lstmshape.errors import VerificationError
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import format_shape
from lstmshape.i18n.typography import clauses
from lstmshape.i18n.words import Arg, words
from lstmshape.proof.numerics import (
    LOOP_STEPS,
    as_tuple,
    call,
    check_cell_loop,
    check_fact,
    check_layers,
    run_packed,
    state_arg,
    to_float64,
)
from lstmshape.proof.plan import PlannedRun
from lstmshape.results.report import Report
from lstmshape.results.verification import FactCheck, Run, TensorCheck
from lstmshape.torchfacts.spec import ModuleSpec

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
            words(
                "torch refused what lstmshape accepted: {call} on input {shape}.",
                call=report.spec.torch_call(),
                shape=format_shape(report.input_shape),
            ),
            torch_says=str(error),
            hint=words(
                "Try again without {verify}, and please report this as a bug.", verify=Arg("verify")
            ),
        ) from error


def _sizes(run: PlannedRun) -> str:
    """``at full size``, or ``with L=8 instead of 100,000: why``; then why the run is shape-only."""
    if not run.substitutions:
        sizes = tr("at full size")
    else:
        whys: dict[str, list[str]] = {}
        for s in run.substitutions:
            whys.setdefault(s.why, []).append(s.text())
        because = [
            tr("{sizes}: {why}", sizes=enumerated(texts), why=why) for why, texts in whys.items()
        ]
        sizes = tr("with {substitutions}", substitutions=clauses(because))
    return tr("{sizes} ({why})", sizes=sizes, why=run.why) if run.why else sizes


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
    how = tr(
        "torch {version}: {call} on fake tensors (FakeTensorMode: shapes, no data), float32 on "
        "the CPU, one forward pass on input {shape} and {states}, {sizes}.",
        version=torch.__version__,
        call=spec.torch_call(),
        shape=format_shape(report.input_shape),
        states=enumerated(spec.kind.state_names),
        sizes=_sizes(run),
    )
    not_run = tr(
        "fake tensors carry no numbers, so the numerical checks ({checks}) did not run",
        checks=_checks(report),
    )
    return _compared(run, how, produced, torch_parameters, count, facts_not_run=not_run)


def _compared(
    run: PlannedRun,
    how: str,
    produced: dict[str, tuple[int, ...]],
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
        tensors=tuple(TensorCheck(t.name, t.shape, produced[t.name]) for t in report.tensors),
        parameters_ok=_parameters_agree(report, torch_parameters),
        num_parameters=report.num_parameters,
        torch_parameters=torch_parameters,
        torch_num_parameters=torch_count,
        facts=facts,
        facts_not_run=facts_not_run,
        checks=_checks(report),
    )


def _parameters_agree(report: Report, torch_parameters: tuple[tuple[str, Shape], ...]) -> bool:
    """torch registered the parameters the report lists, in its order, and every other one with
    the shape lstmshape's rule gives it (a deep stack's report lists layers 0, 1 and the last)."""
    listed = tuple((p.name, p.shape) for p in report.parameters)
    names = {name for name, _ in listed}
    return tuple(entry for entry in torch_parameters if entry[0] in names) == listed and (
        torch_parameters == tuple((p.name, p.shape) for p in report.spec.parameters())
    )


def _checks(report: Report) -> str:
    """What a real run's numerical checks compare, in words."""
    if report.spec.kind.is_cell:
        return tr("the cell's loop against its sequence module, in float64")
    if report.packing is not None:
        return tr(
            "each sequence's step of padded_output against h_n, each layer run alone in float64"
        )
    return tr("output's slices against h_n, each layer run alone in float64")


def _produced(
    spec: ModuleSpec,
    x: torch.Tensor,
    states: tuple[torch.Tensor, ...],
    output: torch.Tensor | None,
    finals: tuple[torch.Tensor, ...],
) -> dict[str, tuple[int, ...]]:
    """The shape of each tensor a forward pass took and gave, by its name in the report."""
    produced = {"input": x, **dict(zip(spec.kind.state_names, states, strict=True))}
    if output is not None:
        produced["output"] = output
    produced.update(zip(spec.kind.final_names, finals, strict=True))
    return {name: tuple(tensor.shape) for name, tensor in produced.items()}


def run_real(torch: Any, run: PlannedRun, seed: int) -> Run:
    """Run the module on random float32 data: every shape, every parameter and each stated fact;
    then the reruns in float64 (each layer alone, or the cell's loop)."""
    report = run.report
    spec = report.spec
    torch.manual_seed(seed)
    inputs = {t.name: t.shape for t in report.tensors if t.role == "input"}
    with _torch_refusal(report), torch.no_grad():
        module = getattr(torch.nn, spec.kind.name)(**spec.constructor_kwargs()).eval()
        torch_parameters = tuple((name, tuple(p.shape)) for name, p in module.named_parameters())
        count = sum(int(p.numel()) for p in module.parameters())
        x = torch.randn(*inputs["input"])
        states = tuple(torch.randn(*inputs[name]) for name in spec.kind.state_names)
        shapes, facts = _forward(torch, report, module, x, states)
        # The float32 tensors are dropped before the float64 ones are made: only one set is held.
        x, states = x.double(), tuple(s.double() for s in states)
        if spec.kind.is_cell:
            reruns = check_cell_loop(torch, report, to_float64(torch, module), x, states)
        else:
            reruns = check_layers(torch, report, to_float64(torch, module), x, states)
    checked = (*facts, *reruns)
    how = tr(
        "torch {version}: {call} in eval mode, float32 on the CPU, one forward pass on random "
        "input {shape} and {states} (seed {seed}), {sizes}; {then}.",
        version=torch.__version__,
        call=spec.torch_call(),
        shape=format_shape(report.input_shape),
        states=enumerated(spec.kind.state_names),
        seed=seed,
        sizes=_sizes(run),
        then=_then(spec),
    )
    return _compared(
        run,
        how,
        shapes,
        torch_parameters,
        count,
        facts=checked,
        facts_not_run="" if checked else _why_nothing_compared(report),
    )


def _forward(
    torch: Any, report: Report, module: Any, x: torch.Tensor, states: tuple[torch.Tensor, ...]
) -> tuple[dict[str, Any], list[FactCheck]]:
    """One float32 forward pass as the report's path runs it (cell, packed or padded): the shape
    of every tensor it took and gave, and the stated facts checked on its output."""
    spec = report.spec
    if spec.kind.is_cell:
        return _produced(spec, x, states, None, call(module, x, states)), []
    packed: dict[str, Any] = {}
    if report.packing is not None:
        packed, finals = run_packed(torch, report, module, x, states)
        output = packed["padded_output"]
    else:
        output, raw = module(x, state_arg(states))
        finals = as_tuple(raw)
    shapes = _produced(spec, x, states, None if packed else output, finals)
    for name in ("input", "output"):
        if packed:
            shapes[f"{name}.data"] = tuple(packed[name].data.shape)
            shapes[f"{name}.batch_sizes"] = tuple(packed[name].batch_sizes.shape)
    if packed:
        shapes["padded_output"] = tuple(output.shape)
    lengths = report.packing.lengths if report.packing is not None else ()
    facts = [check_fact(torch, fact, output, finals[0], lengths) for fact in report.facts]
    return shapes, [fact for fact in facts if fact is not None]


def _why_nothing_compared(report: Report) -> str:
    """Why a real run compared no number: an empty batch, or a cell with no sequence module."""
    spec = report.spec
    if spec.kind.is_cell and sequence_spec(spec) is None:
        return tr(
            "torch builds no {call} (its sizes must be at least 1), so the cell's loop against "
            "its sequence module did not run",
            call=f"nn.{spec.kind.sequence_module}({spec.input_size}, {spec.hidden_size})",
        )
    return tr(
        "input {shape} is an empty batch (N=0): there are no numbers to compare, so the "
        "numerical checks ({checks}) did not run",
        shape=format_shape(report.input_shape),
        checks=_checks(report),
    )


def _then(spec: ModuleSpec) -> str:
    """What a real run does after the forward pass, in words."""
    sequence = sequence_spec(spec) if spec.kind.is_cell else None
    if sequence is not None:
        return tr(
            "then the cell looped over {steps} steps against {call} with its weights, both in "
            "float64",
            steps=LOOP_STEPS,
            call=sequence.torch_call(),
        )
    if spec.kind.is_cell:
        return tr("no sequence module to loop it against (torch builds none with a size of 0)")
    return tr("then the module and each layer alone rerun in float64 to check the h_n rows")
