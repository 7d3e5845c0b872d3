"""``trace --deploy``: the traced model built for real, with example inputs of the traced shapes,
then deployed as :func:`lstmshape.deploy.traced.deploy_trace` deploys a model and its inputs."""

from __future__ import annotations

from typing import Any

from lstmshape.commands.trace import _quiet
from lstmshape.commands.trace.building import _real
from lstmshape.commands.trace.examples import made_inputs
from lstmshape.deploy.traced import deploy_trace
from lstmshape.proof import DEFAULT_BUDGET_BYTES, import_torch
from lstmshape.results.trace import Trace


def deploy_built(
    trace: Trace,
    factory: Any,
    reference: str,
    inputs: list[tuple[tuple[int, ...], str]],
    make_inputs: Any = None,
    *,
    verify: bool = False,
) -> Trace:
    """``trace --deploy``: the model built for real by ``factory`` (seed 0) and example inputs of
    the traced shapes (floats from a normal distribution, integers 0 or 1, or what
    ``make_inputs`` makes of the shapes), then :func:`deploy_trace`."""
    with _quiet():
        torch = import_torch()
        model = _real(torch, factory, reference, 0)
        shapes = [shape for shape, _ in inputs]
        if make_inputs is not None:
            name = getattr(make_inputs, "__qualname__", "inputs")
            args = made_inputs(torch, make_inputs, name, shapes, 0, DEFAULT_BUDGET_BYTES)
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(0)
                args = tuple(_example(torch, shape, dtype) for shape, dtype in inputs)
    return deploy_trace(trace, model, args, verify=verify)


def _example(torch: Any, shape: tuple[int, ...], dtype: str) -> Any:
    kind = getattr(torch, dtype)
    if kind.is_floating_point:
        return torch.randn(shape, dtype=kind)
    if kind == torch.bool:
        return torch.zeros(shape, dtype=kind)
    return torch.randint(0, 2, shape, dtype=kind)  # 0 and 1: token ids any embedding holds
