"""What a real run costs, and the limits that keep it at about a second: pure, no torch here.

The plan (:mod:`lstmshape.proof.plan`) runs real tensors only within these limits; the numbers are
measured (the README's Performance section, ``benchmarks/verify_scale.py`` and
``benchmarks/verify_memory.py``) on one core, as verify runs.
"""

from __future__ import annotations

from math import prod

from lstmshape.commands.explain.layout import Layout
from lstmshape.i18n import tr
from lstmshape.i18n.text import size_text
from lstmshape.proof.numerics import LOOP_STEPS
from lstmshape.results.report import Report

# A real run stays well under a second up to here: matrix-multiply MACs (about 10^10 per second
# on one core in float32, half that in float64; the reruns go through them twice more), and time
# steps times layers times directions (about 10 microseconds each, three times over).
REAL_MACS = 5 * 10**8
REAL_STEPS = 10_000
# torch builds and runs a module layer by layer in Python, and its constructor takes time that
# grows with the square of num_layers (each parameter set scans the list of all of them). A real
# run takes about 0.5 ms a layer and direction (build, float32 pass, float64 reruns), a fake one
# about 1.5 ms (3 ms where it steps): beyond these, num_layers is made smaller.
REAL_LAYERS = 512


def real_bytes(report: Report) -> int:
    """An upper bound of the memory a real run takes at its peak, as the process's resident size
    (tests/test_process.py holds it; benchmarks/verify_memory.py: random samples peak at about
    80% of it at most).

    The float32 run holds the parameters, the tensors in and out, and oneDNN's copy of an LSTM's
    weights. The float64 reruns that follow hold more: the parameters at twice the size (and the
    largest in both sizes while it is converted), the tensors in float64 (and the float32 input
    while it is converted), and for each layer its gate pre-activations (both directions), its
    output step by step and stacked, the previous layer's output, and one step's gates and their
    nonlinearities. torch also keeps about a kilobyte per time step and layer-direction while it
    steps.
    """
    spec = report.spec
    largest = max((p.numel for p in report.parameters), default=0)
    tensors = sum(prod(shape) for shape in report.shapes().values())
    batch = batch_size(report)
    if spec.kind.is_cell:
        # The loop of LOOP_STEPS steps against the sequence module: its input is LOOP_STEPS x's;
        # each step's h is kept, stacked, and held against the module's output.
        steps = LOOP_STEPS * batch
        tensors += steps * spec.input_size
        layers = 1
        layer = steps * (spec.kind.gates * spec.H_cell + 6 * spec.H_out)
    else:
        steps = prod(report.input_shape[:-1])  # L*N (L unbatched)
        layers = spec.num_layers * spec.D
        layer = steps * spec.D * (spec.kind.gates * spec.H_cell + 4 * spec.H_out)
    step = batch * spec.D * 4 * spec.kind.gates * spec.H_cell
    held = (
        8 * report.num_parameters
        + 8 * largest
        + 12 * tensors
        + 8 * (layer + step)
        + _STEP_BYTES * time_steps(report) * layers
    )
    # The allocator does not always reuse what was freed (a float32 block cannot hold the float64
    # tensor that replaces it): the process's peak runs up to 20% over what is held at once.
    return held * 4 // 3 + _FIXED_BYTES


# What torch keeps per time step and layer-direction while it steps, and allocates whatever the
# sizes (measured; see real_bytes).
_STEP_BYTES = 1536
_FIXED_BYTES = 16 * 1024**2


def batch_size(report: Report) -> int:
    """N, or 1 for an unbatched input."""
    if not report.batched:
        return 1
    return report.input_shape[0 if report.spec.kind.is_cell else 1 - time_axis(report)]


def time_steps(report: Report) -> int:
    """Steps a run takes in time: L (max(lengths) packed); 1 for a cell."""
    if report.spec.kind.is_cell:
        return 1
    if report.packing is not None:
        return report.packing.longest
    return report.input_shape[time_axis(report)]


def time_axis(report: Report) -> int:
    return Layout.of(report.spec, report.input_shape).time_axis


def matmul_macs(report: Report) -> int:
    weights = sum(p.numel for p in report.parameters if p.name.startswith("weight"))
    return prod(report.input_shape[:-1]) * weights


def layers_run(report: Report) -> int:
    """Layers times directions: how many layers torch builds and runs one after another."""
    return 1 if report.spec.kind.is_cell else report.spec.num_layers * report.spec.D


def over_budget(report: Report, budget: int) -> str:
    """Why real tensors of ``report`` would not fit ``budget``; empty when they would."""
    if budget == 0:
        return tr("real tensors, with a budget of 0")
    needed = real_bytes(report)
    if needed > budget:
        return tr(
            "about {size} of real tensors, over the {budget} budget",
            size=size_text(needed),
            budget=size_text(budget),
        )
    return ""


def too_slow_for_real(report: Report) -> str:
    """Why a real run of ``report`` would not be quick, whatever the budget; empty when it is."""
    if matmul_macs(report) > REAL_MACS:
        return tr(
            "{macs} multiply-accumulates, over the {most} of a quick run",
            macs=f"{matmul_macs(report):,}",
            most=f"{REAL_MACS:,}",
        )
    steps = time_steps(report) * layers_run(report)
    if steps > REAL_STEPS:
        return tr(
            "{steps} steps (time steps × layers × directions), over the {most} of a quick run",
            steps=f"{steps:,}",
            most=f"{REAL_STEPS:,}",
        )
    if layers_run(report) > REAL_LAYERS:
        return tr(
            "{layers} layers × directions, over the {most} of a quick run",
            layers=f"{layers_run(report):,}",
            most=f"{REAL_LAYERS:,}",
        )
    return ""


def too_big_for_real(report: Report, budget: int) -> str:
    """Why a real run of ``report`` would be too large or too slow; empty when it is not."""
    return over_budget(report, budget) or too_slow_for_real(report)
