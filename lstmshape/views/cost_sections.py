"""The cost sections of the report's views: parameters per layer, memory, and work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lstmshape.i18n import N_, tr
from lstmshape.i18n.numbers import digits, number
from lstmshape.i18n.text import format_shape, size_text
from lstmshape.i18n.typography import clauses, labelled
from lstmshape.views.section import Section, listed_layers

if TYPE_CHECKING:
    from lstmshape.results.cost import Cost


def cost_sections(cost: Cost) -> list[Section]:
    """Parameters per layer and direction, the memory of each tensor, and the work."""
    return [_parameters(cost), _memory(cost), _work(cost)]


def _parameters(cost: Cost) -> Section:
    def row(label: str, parameters: int, weights: int) -> tuple[str, ...]:
        return (label, number(parameters), size_text(parameters * cost.itemsize), number(weights))

    last = cost.layers[-1].layer
    shown = set(listed_layers(last + 1))
    listed = [layer for layer in cost.layers if layer.layer in shown]
    rows = [
        row(_direction(layer.layer, layer.direction), layer.parameters, layer.weights)
        for layer in listed
    ]
    if len(shown) < last + 1:
        # The layers not shown, in closed form: the totals less the layers shown.
        position = len([layer for layer in listed if layer.layer < 2])
        rows.insert(
            position,
            row(
                tr("... 2 to {last}", last=last - 1),
                cost.num_parameters - sum(layer.parameters for layer in listed),
                cost.weights - sum(layer.weights for layer in listed),
            ),
        )
    rows.append(row(tr("total"), cost.num_parameters, cost.weights))
    return Section(
        tr("Cost: parameters ({dtype})", dtype=cost.dtype),
        (tr("layer"), tr("parameters"), tr("memory"), tr("MACs per step")),
        tuple(rows),
        caption=tr(
            "Each weight matrix meets one vector per step: a step's MACs are the weights' count. "
            "Steps per layer and direction: {steps}.",
            steps=cost.steps_formula,
        ),
        numeric=(1, 2, 3),
        part="cost",
    )


def _direction(layer: int, direction: str) -> str:
    """``0 forward``: a layer and its direction (parameters.py's ``forward`` or ``reverse``)."""
    if direction == "reverse":
        return tr("{index} reverse", index=layer)
    return tr("{index} forward", index=layer)


def _memory(cost: Cost) -> Section:
    yes, no = tr("yes"), tr("no")
    return Section(
        tr("Cost: memory ({dtype})", dtype=cost.dtype),
        (tr("tensor"), tr("shape"), tr("memory"), tr("returned")),
        tuple(
            (
                t.name,
                format_shape(t.shape),
                size_text(t.nbytes) + (f" {t.dtype}" if t.dtype != cost.dtype else ""),
                yes if t.returned else no,
            )
            for t in cost.tensors
        ),
        caption=tr(
            "forward returns {returned}; the parameters hold {parameters}.",
            returned=size_text(cost.returned_bytes),
            parameters=size_text(cost.parameter_bytes),
        ),
        numeric=(2,),
        shapes=(1,),
        part="cost",
    )


def _work(cost: Cost) -> Section:
    elementwise = clauses(labelled(_elementwise(what), number(n)) for what, n in cost.elementwise)
    per_unit = cost.elementwise_per_step // cost.units if cost.units else 0
    return Section(
        tr("Cost: work of one forward pass"),
        (tr("work"), tr("count"), tr("how it is counted")),
        (
            (tr("matrix multiplies (MACs)"), _count(cost.macs), tr("weights × steps")),
            (tr("FLOPs"), _count(cost.flops), tr("2 × MACs")),
            (
                tr("bias additions"),
                _count(cost.bias_additions),
                tr("biases × steps")
                if any(layer.biases for layer in cost.layers)
                else tr("none: bias=False"),
            ),
            (
                tr("element-wise gate work"),
                _count(cost.elementwise_operations),
                tr(
                    "{work} per step, layer and direction",
                    work=f"{per_unit}×{cost.units}",
                ),
            ),
            (tr("torchinfo's Mult-Adds"), _count(cost.torchinfo_macs), cost.torchinfo_formula),
        ),
        caption=tr(
            "MACs count the matrix multiplies only, as torch's FlopCounterMode does (its FLOPs / "
            "2); counters that add biases or gate work report more. Element-wise work per unit "
            "of hidden_size and step: {elementwise}.",
            elementwise=elementwise,
        ),
        numeric=(1,),
        words=(0, 2),
        part="cost",
    )


# The element-wise work of each module (kinds.py), as the cost's caption says it: its formulas
# stay, its words are translated. Every kind's entries are here (tests/test_cost.py holds it).
ELEMENTWISE_WORDS = {
    "W_i*x + W_h*h for the 4 gates": N_("{formula} for the 4 gates"),
    "W_i*x + W_h*h for r and z": N_("{formula} for r and z"),
    "the nonlinearity (tanh or relu)": N_("the nonlinearity (tanh or relu)"),
}


def _elementwise(what: str) -> str:
    """One part of a step's element-wise work, in the language spoken: its words translated."""
    template = ELEMENTWISE_WORDS.get(what)
    if template is None:
        return what  # a formula alone: sigmoid(i, f, o), tanh(g), tanh(c')
    return tr(template, formula=what.partition(" for ")[0])  # i18n: extracted where made


_SI = ((10**18, "E"), (10**15, "P"), (10**12, "T"), (10**9, "G"), (10**6, "M"))


def _count(n: int) -> str:
    """``67,200``; from a million on, with its order of magnitude: ``3,454,186,045,440 (3.45 T)``."""
    for scale, unit in _SI:
        if n >= scale:
            return f"{number(n)} ({digits(f'{n / scale:.3g}')} {unit})"
    return number(n)
