"""A sequence module (LSTM, GRU, RNN) on a padded or unbatched input: the report's parts."""

from __future__ import annotations

from collections.abc import Mapping

from lstmshape.commands.explain.expectations import with_expectations
from lstmshape.commands.explain.forward import check_tensors
from lstmshape.commands.explain.layout import Layout
from lstmshape.commands.explain.notes import sequence_notes
from lstmshape.i18n import tr
from lstmshape.results.report import Dim, Fact, Report, Symbol, Tensor
from lstmshape.torchfacts.parameters import listed_parameters
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def explain_sequence(
    spec: ModuleSpec,
    input_shape: Shape,
    *,
    h_0: Shape | None,
    c_0: Shape | None,
    expect: tuple[tuple[str, Shape], ...],
) -> Report:
    """Explain a sequence module on ``input_shape``, after checking the tensors as torch does."""
    check_tensors(spec, input_shape, h_0=h_0, c_0=c_0)
    layout = Layout.of(spec, input_shape)
    facts = sequence_facts(spec, layout)
    report = Report(
        spec=spec,
        input_shape=input_shape,
        batched=layout.batched,
        symbols=sequence_symbols(spec, layout),
        tensors=sequence_tensors(
            spec, layout, given={"h_0": h_0 is not None, "c_0": c_0 is not None}
        ),
        parameters=listed_parameters(spec),
        facts=facts,
        notes=sequence_notes(spec, layout, facts, h_0=h_0, c_0=c_0),
    )
    return with_expectations(report, expect)


def sequence_symbols(spec: ModuleSpec, layout: Layout) -> tuple[Symbol, ...]:
    symbols = [
        Symbol("L", layout.length, tr("sequence length: input axis {axis}", axis=layout.time_axis))
    ]
    if layout.batched:
        symbols.append(
            Symbol(
                "N", layout.batch, tr("batch size: input axis {axis}", axis=1 - layout.time_axis)
            )
        )
    symbols += [
        Symbol("H_in", spec.input_size, tr("input_size: input's last axis")),
    ]
    if spec.kind.has_cell_state:
        symbols.append(Symbol("H_cell", spec.H_cell, "hidden_size"))
    if spec.proj_size > 0:
        h_out_source = "proj_size (> 0)"
    elif spec.kind.supports_proj_size:
        h_out_source = "hidden_size (proj_size=0)"
    else:
        h_out_source = "hidden_size"
    symbols += [
        Symbol("H_out", spec.H_out, h_out_source),
        Symbol("D", spec.D, f"bidirectional={spec.bidirectional}"),
        Symbol("num_layers", spec.num_layers, "num_layers"),
    ]
    return tuple(symbols)


def sequence_tensors(
    spec: ModuleSpec, layout: Layout, given: Mapping[str, bool]
) -> tuple[Tensor, ...]:
    seq = Dim("L", layout.length, "L")
    batch = [Dim("N", layout.batch, "N")] if layout.batched else []
    rows = Dim(
        "D*num_layers", spec.D * spec.num_layers, f"D={spec.D} × num_layers={spec.num_layers}"
    )
    h_out = Dim("H_out", spec.H_out, "proj_size" if spec.proj_size > 0 else "hidden_size")
    h_cell = Dim("H_cell", spec.H_cell, "hidden_size")
    features = Dim("D*H_out", spec.D * spec.H_out, f"D={spec.D} × H_out={spec.H_out}")
    h_in = Dim("H_in", spec.input_size, "input_size")

    def time_major(*last: Dim) -> tuple[Dim, ...]:
        if layout.time_axis == 1:
            return (*batch, seq, *last)
        return (seq, *batch, *last)

    output_meaning = (
        tr("last layer's h_t at every step, both directions")
        if spec.D == 2
        else tr("last layer's h_t at every step")
    )
    tensors = [
        Tensor("input", "input", time_major(h_in), tr("the sequence, step by step")),
        Tensor(
            "h_0",
            "input",
            (rows, *batch, h_out),
            state_meaning(tr("initial hidden state"), given["h_0"]),
            given=given["h_0"],
        ),
    ]
    if spec.kind.has_cell_state:
        tensors.append(
            Tensor(
                "c_0",
                "input",
                (rows, *batch, h_cell),
                state_meaning(tr("initial cell state"), given["c_0"]),
                given=given["c_0"],
            )
        )
    tensors += [
        Tensor("output", "output", time_major(features), output_meaning),
        Tensor("h_n", "output", (rows, *batch, h_out), tr("final hidden state, every layer")),
    ]
    if spec.kind.has_cell_state:
        tensors.append(
            Tensor("c_n", "output", (rows, *batch, h_cell), tr("final cell state, every layer"))
        )
    return tuple(tensors)


def sequence_facts(spec: ModuleSpec, layout: Layout) -> tuple[Fact, ...]:
    rank = 3 if layout.batched else 2
    if spec.D == 1:
        return (Fact("forward", layout.time_axis, -1, None, -1, rank),)
    h = spec.H_out
    return (
        Fact("forward", layout.time_axis, -1, (0, h), -2, rank),
        Fact("reverse", layout.time_axis, 0, (h, 2 * h), -1, rank),
    )


def state_meaning(what: str, given: bool) -> str:
    """An initial state's meaning (``what``, translated): the zeros torch makes, or the user's
    state, which fits."""
    if given:
        return tr("{what}, given: it fits", what=what)
    return tr("{what} (zeros if omitted)", what=what)
