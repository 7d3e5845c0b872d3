"""The cost sections of the report's views: parameters per layer, memory, and work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lstmshape.model.text import format_shape, size_text
from lstmshape.views.section import Section, listed_layers

if TYPE_CHECKING:
    from lstmshape.model.cost import Cost


def cost_sections(cost: Cost) -> list[Section]:
    """Parameters per layer and direction, the memory of each tensor, and the work."""
    return [_parameters(cost), _memory(cost), _work(cost)]


def _parameters(cost: Cost) -> Section:
    def row(label: str, parameters: int, weights: int) -> tuple[str, ...]:
        return (label, f"{parameters:,}", size_text(parameters * cost.itemsize), f"{weights:,}")

    last = cost.layers[-1].layer
    shown = set(listed_layers(last + 1))
    listed = [layer for layer in cost.layers if layer.layer in shown]
    rows = [
        row(f"{layer.layer} {layer.direction}", layer.parameters, layer.weights) for layer in listed
    ]
    if len(shown) < last + 1:
        # The layers not shown, in closed form: the totals less the layers shown.
        position = len([layer for layer in listed if layer.layer < 2])
        rows.insert(
            position,
            row(
                f"... 2 to {last - 1}",
                cost.num_parameters - sum(layer.parameters for layer in listed),
                cost.weights - sum(layer.weights for layer in listed),
            ),
        )
    rows.append(row("total", cost.num_parameters, cost.weights))
    return Section(
        f"Cost: parameters ({cost.dtype})",
        ("layer", "parameters", "memory", "MACs per step"),
        tuple(rows),
        caption="Each weight matrix meets one vector per step: a step's MACs are the weights' "
        f"count. Steps per layer and direction: {cost.steps_formula}.",
        numeric=(1, 2, 3),
    )


def _memory(cost: Cost) -> Section:
    return Section(
        f"Cost: memory ({cost.dtype})",
        ("tensor", "shape", "memory", "returned"),
        tuple(
            (
                t.name,
                format_shape(t.shape),
                size_text(t.nbytes) + (f" {t.dtype}" if t.dtype != cost.dtype else ""),
                "yes" if t.returned else "no",
            )
            for t in cost.tensors
        ),
        caption=f"forward returns {size_text(cost.returned_bytes)}; the parameters hold "
        f"{size_text(cost.parameter_bytes)}.",
        numeric=(2,),
    )


def _work(cost: Cost) -> Section:
    elementwise = "; ".join(f"{what}: {n}" for what, n in cost.elementwise)
    return Section(
        "Cost: work of one forward pass",
        ("work", "count", "how it is counted"),
        (
            ("matrix multiplies (MACs)", _count(cost.macs), "weights × steps"),
            ("FLOPs", _count(cost.flops), "2 × MACs"),
            (
                "bias additions",
                _count(cost.bias_additions),
                "biases × steps"
                if any(layer.biases for layer in cost.layers)
                else "none: bias=False",
            ),
            (
                "element-wise gate work",
                _count(cost.elementwise_operations),
                f"{cost.elementwise_per_step // cost.units if cost.units else 0}"
                f"×{cost.units} per step, layer and direction",
            ),
            ("torchinfo's Mult-Adds", _count(cost.torchinfo_macs), cost.torchinfo_formula),
        ),
        caption="MACs count the matrix multiplies only, as torch's FlopCounterMode does (its "
        "FLOPs / 2); counters that add biases or gate work report more. Element-wise work per "
        f"unit of hidden_size and step: {elementwise}.",
        numeric=(1,),
        words=(0, 2),
    )


_SI = ((10**18, "E"), (10**15, "P"), (10**12, "T"), (10**9, "G"), (10**6, "M"))


def _count(n: int) -> str:
    """``67,200``; from a million on, with its order of magnitude: ``3,454,186,045,440 (3.45 T)``."""
    for scale, unit in _SI:
        if n >= scale:
            return f"{n:,} ({n / scale:.3g} {unit})"
    return f"{n:,}"
