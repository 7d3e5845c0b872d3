"""A cell (LSTMCell, GRUCell, RNNCell): one time step per call, checked in torch's order."""

from __future__ import annotations

from lstmshape.commands.explain.cell_forward import check_cell_tensors
from lstmshape.commands.explain.cell_notes import cell_notes
from lstmshape.commands.explain.expectations import with_expectations
from lstmshape.commands.explain.sequence import state_meaning
from lstmshape.i18n import tr
from lstmshape.results.report import Dim, Report, Symbol, Tensor
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def explain_cell(
    spec: ModuleSpec,
    input_shape: Shape,
    *,
    h_0: Shape | None = None,
    c_0: Shape | None = None,
    expect: tuple[tuple[str, Shape], ...] = (),
) -> Report:
    """Explain a cell (LSTMCell, GRUCell, RNNCell) applied to one step of input."""
    check_cell_tensors(spec, input_shape, h_0=h_0, c_0=c_0)
    batched = len(input_shape) == 2
    batch = [Dim("N", input_shape[0], "N")] if batched else []
    h_in = Dim("H_in", spec.input_size, "input_size")
    h_out = Dim("H_out", spec.H_out, "hidden_size")
    h_cell = Dim("H_cell", spec.H_cell, "hidden_size")
    given = {"h_0": h_0 is not None, "c_0": c_0 is not None}
    tensors = [
        Tensor("input", "input", (*batch, h_in), tr("one time step of every sequence")),
        Tensor("h_0", "input", (*batch, h_out),
               state_meaning(tr("hidden state before the step"), given["h_0"]),
               given=given["h_0"]),
    ]  # fmt: skip
    if spec.kind.has_cell_state:
        tensors.append(
            Tensor("c_0", "input", (*batch, h_cell),
                   state_meaning(tr("cell state before the step"), given["c_0"]),
                   given=given["c_0"])
        )  # fmt: skip
    tensors.append(Tensor("h_1", "output", (*batch, h_out), tr("hidden state after the step")))
    if spec.kind.has_cell_state:
        tensors.append(Tensor("c_1", "output", (*batch, h_cell), tr("cell state after the step")))
    symbols = (
        [Symbol("N", input_shape[0], tr("batch size: input axis {axis}", axis=0))]
        if batched
        else []
    )
    symbols.append(Symbol("H_in", spec.input_size, tr("input_size: input's last axis")))
    if spec.kind.has_cell_state:
        symbols.append(Symbol("H_cell", spec.H_cell, "hidden_size"))
    symbols.append(Symbol("H_out", spec.H_out, "hidden_size"))
    report = Report(
        spec=spec,
        input_shape=input_shape,
        batched=batched,
        symbols=tuple(symbols),
        tensors=tuple(tensors),
        parameters=spec.parameters(),
        facts=(),
        notes=cell_notes(spec, input_shape, h_0=h_0, c_0=c_0),
    )
    return with_expectations(report, expect)
