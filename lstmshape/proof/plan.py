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
from math import ceil, prod

from lstmshape.commands.explain import explain_spec
from lstmshape.errors import VerifyBudgetError
from lstmshape.i18n import tr
from lstmshape.i18n.text import format_shape
from lstmshape.i18n.words import Arg, Words, fix, words
from lstmshape.proof.budget import DEFAULT_BUDGET_BYTES
from lstmshape.proof.limits import (
    REAL_LAYERS,
    REAL_STEPS,
    layers_run,
    over_budget,
    real_bytes,
    time_axis,
    time_steps,
    too_big_for_real,
    too_slow_for_real,
)
from lstmshape.results.report import Report
from lstmshape.results.verification import Substitution
from lstmshape.torchfacts.parameters import INT64_MAX

# A fake run takes about 1.5 ms a layer and direction (3 ms where it steps through time), and
# torch's constructor slows with the square of num_layers: beyond this, num_layers is made smaller
# (a real run's limit is REAL_LAYERS).
FAKE_LAYERS = 64
# The layers times directions that run when num_layers is made smaller: enough to prove layer 0, the
# layers after it (all alike) and the order of h_n's rows; few enough to read in a table.
FEWER_LAYERS = 8
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


def plan(
    report: Report, budget: int = DEFAULT_BUDGET_BYTES, *, fused_lstm: bool = True
) -> tuple[PlannedRun, ...]:
    """The runs that prove ``report``: one real run when it is small; otherwise shape-only runs,
    with L made smaller where torch would step through it slowly, and num_layers where it would
    build and run too many layers. ``fused_lstm``: whether torch shapes an LSTM without proj_size
    at once (its oneDNN kernel is available)."""
    too_big = too_big_for_real(report, budget)
    if not too_big:
        return (PlannedRun("real", report),)
    packed = report.packing is not None
    if not packed:
        _refuse_impossible_tensors(report)
    # Packed input runs on real tensors only; any other on fake ones, which take longer a layer.
    deep = _fewer_layers(report, REAL_LAYERS if packed else FAKE_LAYERS)
    if deep is not None:
        return _shallower(report, deep, budget, fused_lstm)
    if packed:
        return (_packed_real_run(report, budget),)
    spec = report.spec
    steps_per_time = 1 if spec.kind.is_cell else spec.num_layers * spec.D
    # oneDNN's shape rule takes an LSTM at once, but only with a projection-free, non-empty input
    # (an empty batch falls back to torch's step-by-step kernel).
    fused = fused_lstm and spec.kind.name == "LSTM" and spec.proj_size == 0
    at_once = spec.kind.is_cell or (fused and prod(report.input_shape) > 0)
    length = time_steps(report)
    shorter = max(1, FAKE_STEPS // steps_per_time)
    why = tr("a real run would need {reason}", reason=too_big)
    if at_once or length <= shorter:
        return (PlannedRun("shape-only", report, why=why),)
    stepping = tr(
        "on fake tensors torch's {module} steps through the time steps in Python, about 2 ms per "
        "step, layer and direction: L={length} would take about {duration}",
        module=_stepping(report),
        length=f"{length:,}",
        duration=_duration(length * steps_per_time * 0.002),
    )
    runs = [
        PlannedRun(
            "shape-only",
            _with_length(report, shorter),
            (Substitution("L", length, shorter, stepping),),
            why=why,
        )
    ]
    full_length = _full_length_run(report)
    if not too_big_for_real(full_length.report, budget):
        runs.append(full_length)
    return tuple(runs)


def _stepping(report: Report) -> str:
    """The module that torch steps through time on fake tensors, and why it steps."""
    spec = report.spec
    if spec.kind.name != "LSTM":
        return spec.kind.name
    if spec.proj_size:
        return tr("LSTM with proj_size")
    if prod(report.input_shape) == 0:
        return tr("LSTM on an empty input")
    return tr("LSTM without oneDNN")


def _fewer_layers(report: Report, most: int) -> Substitution | None:
    """num_layers made smaller when there are more than ``most`` layers times directions."""
    layers = layers_run(report)
    if layers <= most:
        return None
    spec = report.spec
    # A fake run: about 1.5 ms a layer-direction, plus the constructor's square (measured).
    seconds = layers * 0.0015 + layers**2 * 1.4e-7
    return Substitution(
        "num_layers",
        spec.num_layers,
        FEWER_LAYERS // spec.D,
        tr(
            "torch builds and runs {module} layer by layer in Python, and its constructor slows "
            "with the square of num_layers: num_layers={count} would take about {duration}; "
            "every layer after the first has the same shapes",
            module=spec.kind.name,
            count=f"{spec.num_layers:,}",
            duration=_duration(seconds),
        ),
    )


def _shallower(
    report: Report, deep: Substitution, budget: int, fused_lstm: bool
) -> tuple[PlannedRun, ...]:
    """The runs of ``report`` with num_layers made smaller (``deep``). When a real run at the full
    num_layers and L, small everywhere else, is quick, it replaces the shallower real run."""
    packing = report.packing
    shallower = explain_spec(
        replace(report.spec, num_layers=deep.ran),
        report.input_shape,
        lengths=None if packing is None else packing.lengths,
        enforce_sorted=True if packing is None else packing.enforce_sorted,
    )
    runs = [
        replace(run, substitutions=(deep, *run.substitutions))
        for run in plan(shallower, budget, fused_lstm=fused_lstm)
    ]
    if packing is None:
        full_depth = _full_length_run(report, layers=True)
        if not too_big_for_real(full_depth.report, budget):
            # The shallower plan's own small real run proves less than this one.
            runs = [r for r in runs if r.method != "real" or len(r.substitutions) == 1]
            runs.append(full_depth)
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
    shape[time_axis(report)] = length
    return explain_spec(report.spec, tuple(shape))


def _full_length_run(report: Report, *, layers: bool = False) -> PlannedRun:
    """A real run at the full L (and num_layers, with ``layers``) with every other size small:
    proves the time axis (and the stack of layers) at its length."""
    spec = report.spec
    hidden = 2 if spec.proj_size else _SMALL
    small = replace(spec, input_size=_SMALL, hidden_size=hidden, proj_size=min(spec.proj_size, 1))
    shape = list(report.input_shape)
    shape[-1] = _SMALL
    if report.batched:
        shape[1 - time_axis(report)] = _SMALL
    why = (
        tr(
            "a real run at the full L and num_layers, small everywhere else, proves them at their "
            "lengths"
        )
        if layers
        else tr(
            "a real run at the full L, small everywhere else, proves the time axis at its length"
        )
    )
    full_n = report.input_shape[1 - time_axis(report)] if report.batched else None
    substitutions = [
        Substitution(symbol, value, ran, why)
        for symbol, value, ran in (
            ("N", full_n, _SMALL),
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
    # What a larger budget cannot lift comes first: the hint then does not offer it.
    slow, memory = too_slow_for_real(smaller), over_budget(smaller, budget)
    too_big = (
        tr("{slow}, and {memory}", slow=slow, memory=memory) if slow and memory else slow or memory
    )
    if too_big:
        raise VerifyBudgetError(
            words(
                "{verify} cannot run this packed input on real tensors: even with small feature "
                "sizes it needs {too_big}.",
                verify=Arg("verify"),
                too_big=too_big,
            ),
            details=[
                words(
                    "Packed input runs on real tensors only: {function}'s shapes depend on the "
                    "lengths' values, which shape-only (fake) tensors do not carry.",
                    function="pack_padded_sequence",
                )
            ],
            hint=_packed_hint(smaller, budget),
            subject="lengths",
        )
    why = tr(
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


def _packed_hint(report: Report, budget: int) -> Words:
    """What would let a packed input run: a larger budget only when memory is what it lacks."""
    steps = time_steps(report) * layers_run(report)
    if steps > REAL_STEPS:
        return words(
            "Try {verify} with shorter sequences: max(lengths) × layers × directions at most "
            "{most} (here {steps}); the rules do not depend on the lengths.",
            verify=Arg("verify"),
            most=f"{REAL_STEPS:,}",
            steps=f"{steps:,}",
        )
    if too_slow_for_real(report):
        return words(
            "Try {verify} with fewer or shorter sequences: the rules do not depend on how many.",
            verify=Arg("verify"),
        )
    return words(
        "Try {verify} with fewer or shorter sequences (the rules do not depend on how many), or "
        "{budget}.",
        verify=Arg("verify"),
        budget=fix(verify_budget=_memory_at_least(real_bytes(report))),
    )


def _memory_at_least(nbytes: int) -> str:
    """``5.2MiB``: a size as lstmshape reads it, rounded up to a tenth of its unit."""
    for power, unit in ((4, "TiB"), (3, "GiB"), (2, "MiB"), (1, "KiB")):
        if nbytes >= 1024**power:
            return f"{ceil(nbytes * 10 / 1024**power) / 10:g}{unit}"
    return str(nbytes)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return tr("{seconds} s", seconds=f"{seconds:.0f}")
    if seconds < 7200:
        return tr("{minutes} min", minutes=f"{seconds / 60:.0f}")
    return tr("{hours} h", hours=f"{seconds / 3600:,.0f}")
