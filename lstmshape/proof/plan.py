"""How a verification proves a report: which torch runs, at what sizes, and why. Pure: no torch here.

torch can run a module two ways:

- on real tensors: every shape and every numerical fact (output's slices against h_n) is checked,
  but the data must fit in memory and the arithmetic must be done;
- on fake tensors (FakeTensorMode: shapes, no data): nothing is allocated, and the shapes are
  torch's own, from the same kernels' shape rules. nn.LSTM without proj_size is shaped at once (the
  oneDNN kernel's rule); with proj_size, and for nn.GRU and nn.RNN, torch steps through every time
  step in Python, about 2 ms per step, layer and direction.

The plan takes the fastest exact method that fits, and when a size must be made smaller to stay
fast, it says which and why, and the report says that the checks ran at that size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from math import prod

from lstmshape.errors import VerifyBudgetError
from lstmshape.explain import explain_spec
from lstmshape.explain.layout import Layout
from lstmshape.model.report import Report
from lstmshape.model.text import format_shape, size_text
from lstmshape.model.verification import Substitution
from lstmshape.parameters import INT64_MAX, totals
from lstmshape.proof import DEFAULT_BUDGET_BYTES
from lstmshape.words import Arg, words

# A real run stays well under a second up to here: matrix-multiply MACs (about 10^10 per second
# on one core), and time steps times layers times directions (about 10 microseconds each).
REAL_MACS = 10**9
REAL_STEPS = 20_000
# A fake run that steps through time stays under about 0.15 s up to this many steps times layers
# times directions.
FAKE_STEPS = 64
# The sizes a real run at full L takes for everything else: the time axis is then proven at its
# full length in a fraction of a second.
_SMALL = 1


@dataclass(frozen=True)
class PlannedRun:
    """One torch run: real or shape-only, on ``report``'s module and input (sizes as they run)."""

    method: str
    """``real`` (random data) or ``shape-only`` (fake tensors)."""
    report: Report
    """lstmshape's report at the sizes that run: what torch must agree with."""
    substitutions: tuple[Substitution, ...] = ()
    why: str = ""
    """Why this run is shape-only: what real tensors would have needed."""


def real_bytes(report: Report) -> int:
    """About what a real run allocates: tensors in and out, the gate pre-activations of one
    layer (L, N, G*H_cell), and the parameters; twice, since each layer is rerun alone."""
    spec = report.spec
    shapes = report.shapes()
    steps = prod(shapes["input"][:-1])  # L*N (L unbatched, N for a cell)
    activations = (
        sum(prod(shape) for shape in shapes.values()) + steps * spec.kind.gates * spec.H_cell
    )
    return 2 * 4 * (activations + report.num_parameters)


def _time_steps(report: Report) -> int:
    """Steps a run takes in time: L (max(lengths) packed); 1 for a cell."""
    if report.spec.kind.is_cell:
        return 1
    if report.packing is not None:
        return report.packing.longest
    return report.input_shape[_time_axis(report)]


def _time_axis(report: Report) -> int:
    return Layout.of(report.spec, report.input_shape).time_axis


def _matmul_macs(report: Report) -> int:
    weights, _ = totals(report.spec)
    return prod(report.input_shape[:-1]) * weights


def _too_big_for_real(report: Report, budget: int) -> str:
    """Why a real run of ``report`` would be too large or too slow; empty when it is not."""
    layers = 1 if report.spec.kind.is_cell else report.spec.num_layers * report.spec.D
    needed = real_bytes(report)
    if budget == 0:
        return "real tensors, with a budget of 0"
    if needed > budget:
        return f"about {size_text(needed)} of real tensors, over the {size_text(budget)} budget"
    if _matmul_macs(report) > REAL_MACS:
        return (
            f"{_matmul_macs(report):,} multiply-accumulates, over the {REAL_MACS:,} of a quick run"
        )
    steps = _time_steps(report) * layers
    if steps > REAL_STEPS:
        return (
            f"{steps:,} steps (time steps × layers × directions), over the {REAL_STEPS:,} of a "
            "quick run"
        )
    return ""


def plan(
    report: Report, budget: int = DEFAULT_BUDGET_BYTES, *, fused_lstm: bool = True
) -> tuple[PlannedRun, ...]:
    """The runs that prove ``report``: one real run when it is small; otherwise shape-only runs,
    with L made smaller where torch would step through it slowly. ``fused_lstm``: whether torch
    shapes an LSTM without proj_size at once (its oneDNN kernel is available)."""
    too_big = _too_big_for_real(report, budget)
    if not too_big:
        return (PlannedRun("real", report),)
    if report.packing is not None:
        return (_packed_real_run(report, budget),)
    _refuse_impossible_tensors(report)
    spec = report.spec
    steps_per_time = 1 if spec.kind.is_cell else spec.num_layers * spec.D
    # oneDNN's shape rule takes an LSTM at once, but only with a projection-free, non-empty input
    # (an empty batch falls back to torch's step-by-step kernel).
    fused = fused_lstm and spec.kind.name == "LSTM" and spec.proj_size == 0
    at_once = spec.kind.is_cell or (fused and prod(report.input_shape) > 0)
    length = _time_steps(report)
    shorter = max(1, FAKE_STEPS // steps_per_time)
    why = f"a real run would need {too_big}"
    if at_once or length <= shorter:
        return (PlannedRun("shape-only", report, why=why),)
    if spec.kind.name != "LSTM":
        stepping = spec.kind.name
    elif spec.proj_size:
        stepping = "LSTM with proj_size"
    elif prod(report.input_shape) == 0:
        stepping = "LSTM on an empty input"
    else:
        stepping = "LSTM without oneDNN"
    runs = [
        PlannedRun(
            "shape-only",
            _with_length(report, shorter),
            (
                Substitution(
                    "L",
                    length,
                    shorter,
                    f"on fake tensors torch's {stepping} steps through the "
                    f"time steps in Python, about 2 ms per step, layer and direction: L={length:,} "
                    f"would take about {_duration(length * steps_per_time * 0.002)}",
                ),
            ),
            why=why,
        )
    ]
    full_length = _full_length_run(report)
    if not _too_big_for_real(full_length.report, budget):
        runs.append(full_length)
    return tuple(runs)


def _refuse_impossible_tensors(report: Report) -> None:
    """A tensor of more bytes than torch's 64-bit sizes count cannot exist, even shape-only."""
    for tensor in report.tensors:
        if prod(tensor.shape) * 4 > INT64_MAX:
            raise VerifyBudgetError(
                words(
                    "{verify} cannot run this: {name} {shape} would hold more bytes than torch's "
                    "64-bit sizes can count, so torch cannot make it, even as a shape-only tensor.",
                    verify=Arg("verify"),
                    name=tensor.name,
                    shape=format_shape(tensor.shape),
                ),
                details=[
                    words(
                        "lstmshape computes the shapes without torch: the same question without "
                        "{verify}.",
                        verify=Arg("verify"),
                    )
                ],
                hint=words(
                    "Try {verify} with a smaller L or N: the shape rules do not depend on them.",
                    verify=Arg("verify"),
                ),
                subject=tensor.name,
            )


def _with_length(report: Report, length: int) -> Report:
    shape = list(report.input_shape)
    shape[_time_axis(report)] = length
    return explain_spec(report.spec, tuple(shape))


def _full_length_run(report: Report) -> PlannedRun:
    """A real run at the full L with every other size small: proves the time axis at its length."""
    spec = report.spec
    hidden = 2 if spec.proj_size else _SMALL
    small = replace(spec, input_size=_SMALL, hidden_size=hidden, proj_size=min(spec.proj_size, 1))
    shape = list(report.input_shape)
    shape[-1] = _SMALL
    if report.batched:
        shape[1 - _time_axis(report)] = _SMALL
    why = "a real run at the full L, small everywhere else, proves the time axis at its length"
    full = {"N": report.input_shape[1 - _time_axis(report)] if report.batched else None}
    substitutions = [
        Substitution(symbol, value, ran, why)
        for symbol, value, ran in (
            ("N", full["N"], _SMALL),
            ("H_in", spec.input_size, _SMALL),
            ("hidden_size", spec.hidden_size, hidden),
            ("proj_size", spec.proj_size, small.proj_size),
        )
        if value is not None and value != ran
    ]
    return PlannedRun("real", explain_spec(small, tuple(shape)), tuple(substitutions))


def _packed_real_run(report: Report, budget: int) -> PlannedRun:
    """Packed input runs on real tensors only: pack_padded_sequence's output shape depends on the
    lengths' values, which fake tensors do not have. The feature sizes are made small instead:
    they do not interact with the packing."""
    spec = report.spec
    hidden = min(spec.hidden_size, 8)
    small = replace(
        spec,
        input_size=min(spec.input_size, 8),
        hidden_size=hidden,
        proj_size=min(spec.proj_size, hidden - 1),
    )
    shape = (*report.input_shape[:-1], small.input_size)
    packing = report.packing
    assert packing is not None  # only called for a packed report
    smaller = explain_spec(
        small, shape, lengths=packing.lengths, enforce_sorted=packing.enforce_sorted
    )
    too_big = _too_big_for_real(smaller, budget)
    if too_big:
        raise VerifyBudgetError(
            words(
                "{verify} cannot run this packed input on real tensors: even with small feature "
                "sizes it needs {too_big}.",
                verify=Arg("verify"),
                too_big=too_big,
            ),
            details=[
                "Packed input runs on real tensors only: pack_padded_sequence's shapes depend on "
                "the lengths' values, which shape-only (fake) tensors do not carry."
            ],
            hint=words(
                "Try {verify} with fewer or shorter sequences (the rules do not depend on how "
                "many), or a larger {budget}.",
                verify=Arg("verify"),
                budget=Arg("verify_budget"),
            ),
            subject="lengths",
        )
    why = (
        "packed input runs on real tensors only (fake tensors carry no lengths to pack), and the "
        "feature sizes do not change the packing"
    )
    substitutions = tuple(
        Substitution(symbol, value, ran, why)
        for symbol, value, ran in (
            ("H_in", spec.input_size, small.input_size),
            ("hidden_size", spec.hidden_size, small.hidden_size),
            ("proj_size", spec.proj_size, small.proj_size),
        )
        if value != ran
    )
    return PlannedRun("real", smaller, substitutions)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:,.0f} h"
