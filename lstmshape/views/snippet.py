"""The report as a runnable PyTorch snippet (the code format), for tutorials and tests.

The snippet builds the module, makes the input and states of the computed shapes, runs the forward
pass, and asserts every shape (with a comment naming each axis) and each stated fact. It is a view
of the report like the others: the tests execute it with torch for random configurations.
"""

from __future__ import annotations

from lstmshape.i18n import tr
from lstmshape.i18n.numbers import number
from lstmshape.i18n.text import format_shape, size_text
from lstmshape.i18n.typography import labelled
from lstmshape.results.cost import Cost
from lstmshape.results.packing import Packing
from lstmshape.results.report import Fact, Report, Tensor
from lstmshape.version import __version__


def to_code(report: Report) -> str:
    """A runnable Python snippet that builds, runs and asserts ``report``'s module."""
    spec = report.spec
    kind = spec.kind
    name = kind.name.lower()
    packing = report.packing
    lines = [
        "# "
        + tr(
            "{call} on input {shape}: every shape, asserted ({tool})",
            call=spec.torch_call(),
            shape=format_shape(report.input_shape),
            tool=f"lstmshape {__version__}",
        ),
        "import torch",
        "from torch import nn",
    ]
    if packing is not None:
        lines.append("from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence")
    lines += ["", "torch.manual_seed(0)", f"{name} = {spec.torch_call()}", ""]

    tensors = {t.name: t for t in report.tensors}
    lines += [*_axes(tensors["input"]), f"x = torch.randn{_args(tensors['input'].shape)}"]
    for state in kind.state_names:
        lines += [*_axes(tensors[state]), f"{state} = torch.zeros{_args(tensors[state].shape)}"]
    states = (
        kind.state_names[0] if len(kind.state_names) == 1 else f"({', '.join(kind.state_names)})"
    )
    finals = kind.final_names[0] if len(kind.final_names) == 1 else ", ".join(kind.final_names)
    lines.append("")

    if kind.is_cell:
        lines.append(f"{finals} = {name}(x, {states})")
    elif packing is None:
        returned = finals if len(kind.final_names) == 1 else f"({finals})"
        lines.append(f"output, {returned} = {name}(x, {states})")
    else:
        returned = finals if len(kind.final_names) == 1 else f"({finals})"
        lines += [
            f"lengths = {list(packing.lengths)}",
            "packed = pack_padded_sequence(x, lengths, "
            f"batch_first={spec.batch_first}, enforce_sorted={packing.enforce_sorted})",
            _assert("packed.data", tensors["input.data"]),
            _assert("packed.batch_sizes", tensors["input.batch_sizes"]),
            _batch_sizes_assert(packing),
            f"output, {returned} = {name}(packed, {states})",
            "padded_output, output_lengths = pad_packed_sequence(output, "
            f"batch_first={spec.batch_first})",
        ]
    lines.append("")

    asserted = {"input": "x", **{s: s for s in kind.state_names}}
    for tensor in report.tensors:
        if tensor.role != "output":
            continue
        if packing is not None and tensor.name.startswith("input."):
            continue
        lines.append(_assert(asserted.get(tensor.name, tensor.name), tensor))
    lines += _after(report)
    return "\n".join(lines) + "\n"


def _after(report: Report) -> list[str]:
    """What follows the asserts: the facts the notes state, the cost and torch's verdict."""
    lines: list[str] = []
    if report.facts:
        lines.append("")
        lines.append("# " + tr("What the notes state: output's slices are rows of h_n."))
        lines += [_fact(fact) for fact in report.facts]
    if report.cost is not None:
        lines += ["", *cost_comments(report.cost)]
    if report.verification is not None:
        # --verify with --format code: the verdict travels with the snippet, as comments.
        from lstmshape.views.verify_sections import verdict_comments

        lines += ["", *verdict_comments(report.verification)]
    return lines


def cost_comments(cost: Cost) -> list[str]:
    """The cost as comments: what the snippet's forward pass holds and does."""
    return [
        "# "
        + tr(
            "Cost in {dtype}: {count} parameters ({size}); forward returns {returned}.",
            dtype=cost.dtype,
            count=number(cost.num_parameters),
            size=size_text(cost.parameter_bytes),
            returned=size_text(cost.returned_bytes),
        ),
        "# "
        + tr(
            "Work: {macs} MACs of matrix multiplies ({flops} FLOPs),",
            macs=number(cost.macs),
            flops=number(cost.flops),
        ),
        "#   "
        + tr(
            "{biases} bias additions, {elementwise} element-wise operations.",
            biases=number(cost.bias_additions),
            elementwise=number(cost.elementwise_operations),
        ),
    ]


def _batch_sizes_assert(packing: Packing) -> str:
    """batch_sizes' values, asserted whole when short, as runs (value, steps) when long."""
    if packing.longest <= 64:
        return f"assert packed.batch_sizes.tolist() == {list(packing.batch_sizes)}"
    runs = [list(run) for run in packing.runs()]
    return (
        "assert [list(r) for r in zip(*(t.tolist() for t in torch.unique_consecutive("
        f"packed.batch_sizes, return_counts=True)))] == {runs}"
    )


def _args(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _axes(tensor: Tensor) -> list[str]:
    """The comment above a tensor: its formula, and what each axis is."""
    return [
        "# "
        + tr(
            "{name}: {formula} with {axes}",
            name=tensor.name,
            formula=tensor.formula,
            axes=_axis_words(tensor),
        )
    ]


def _axis_words(tensor: Tensor) -> str:
    return ", ".join(
        d.label() + (f" ({d.derivation})" if d.derivation != d.symbol else "") for d in tensor.dims
    )


def _assert(expression: str, tensor: Tensor) -> str:
    shape = format_shape(tensor.shape)
    return (
        f"assert {expression}.shape == {shape}  # {labelled(tensor.formula, _axis_words(tensor))}"
    )


def _fact(fact: Fact) -> str:
    if not fact.per_sequence:
        return f"assert torch.equal({fact.output_expr()}, {fact.h_n_expr()})"
    # Packed: each sequence ends at its own step, lengths[i] - 1.
    return (
        f"assert all(torch.equal({fact.output_expr()}, {fact.h_n_expr()}) "
        "for i in range(len(lengths)))"
    )
