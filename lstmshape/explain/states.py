"""A sequence module's state of the wrong size: torch's sentence, the axes, and the likely cause."""

from __future__ import annotations

from lstmshape.errors import TensorMismatchError
from lstmshape.explain.diagnosis import diagnose_state
from lstmshape.explain.layout import Layout
from lstmshape.model.text import format_shape
from lstmshape.spec import ModuleSpec
from lstmshape.words import fix, words

Shape = tuple[int, ...]


def state_size_error(
    spec: ModuleSpec, layout: Layout, name: str, position: int, shape: Shape, right: Shape
) -> TensorMismatchError:
    """h_0 (or c_0) of ``shape`` where the module needs ``right``: torch's "Expected hidden[0] size"."""
    width_symbol = "H_out" if name == "h_0" else "H_cell"
    width = spec.H_out if name == "h_0" else spec.H_cell
    shown = (
        f"(D*num_layers, N, {width_symbol})"
        if layout.batched
        else f"(D*num_layers, {width_symbol})"
    )
    values = f"D={spec.D}, num_layers={spec.num_layers}, " + (
        f"N={layout.batch}, " if layout.batched else ""
    )
    # torch compares the unbatched states after unsqueeze(1), so its sentence shows 3-D sizes.
    torch_expected = right if layout.batched else (right[0], 1, right[1])
    torch_got = shape if layout.batched else (shape[0], 1, shape[1])
    return TensorMismatchError(
        f"{name} has shape {format_shape(shape)} but this {spec.kind.name} expects "
        f"{format_shape(right)}.",
        details=[
            f"{name} is {shown} with {values}{width_symbol}={width}.",
            *diagnose_state(spec, layout, name, shape, right),
        ],
        torch_says=f"Expected {hidden_label(spec, position)} size {format_shape(torch_expected)}, "
        f"got {list(torch_got)}",
        hint=words("Try {a}.", a=fix(**{name: right})),
        subject=name,
        expected=right,
        actual=shape,
    )


def hidden_label(spec: ModuleSpec, position: int) -> str:
    """How torch names a state in its sentence: an LSTM's hidden[0] and hidden[1], else hidden."""
    return f"hidden[{position}]" if spec.kind.has_cell_state else "hidden"
