"""Where L and N sit in the input, and the states' shapes that follow: worked out once, used by all."""

from __future__ import annotations

from typing import NamedTuple

from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


class Layout(NamedTuple):
    """Where L and N sit in an input of rank 2 or 3 for this module."""

    input_shape: Shape
    batched: bool
    time_axis: int
    """The axis of L in input and output: 1 with batch_first on batched input, else 0."""
    length: int
    """L."""
    batch: int
    """N; 1 for unbatched input, which torch gives a batch of one inside."""

    @classmethod
    def of(cls, spec: ModuleSpec, input_shape: Shape) -> Layout:
        """The layout of ``input_shape`` (rank 2 or 3) for ``spec``."""
        batched = len(input_shape) == 3
        time_axis = 1 if batched and spec.batch_first else 0
        batch = input_shape[1 - time_axis] if batched else 1
        return cls(input_shape, batched, time_axis, input_shape[time_axis], batch)


def state_shapes(spec: ModuleSpec, input_shape: Shape) -> dict[str, Shape]:
    """The shapes of the initial states the module needs for this input (h_0, and c_0 for an LSTM)."""
    if spec.kind.is_cell:
        batch = input_shape[:1] if len(input_shape) == 2 else ()
        cell = {"h_0": (*batch, spec.H_out)}
        if spec.kind.has_cell_state:
            cell["c_0"] = (*batch, spec.H_cell)
        return cell
    layout = Layout.of(spec, input_shape)
    rows = spec.D * spec.num_layers
    batch = (layout.batch,) if layout.batched else ()
    shapes = {"h_0": (rows, *batch, spec.H_out)}
    if spec.kind.has_cell_state:
        shapes["c_0"] = (rows, *batch, spec.H_cell)
    return shapes


def state_views(spec: ModuleSpec, layout: Layout) -> dict[str, Shape]:
    """The shapes that separate layers and directions: h_n.view(num_layers, D, N, H_out), ..."""
    batch = (layout.batch,) if layout.batched else ()
    views = {"h_n": (spec.num_layers, spec.D, *batch, spec.H_out)}
    if spec.kind.has_cell_state:
        views["c_n"] = (spec.num_layers, spec.D, *batch, spec.H_cell)
    return views
