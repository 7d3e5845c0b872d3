"""Spec + input shape -> report. Pure functions: no torch, no rich.

The tensor checks run in the order torch's ``LSTM.forward`` runs them (input rank, state ranks, input
width, hidden[0], hidden[1], sequence length) and carry torch's exact sentence, so the first fault
lstmshape reports is the one torch would raise for the same tensors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from lstmshape.errors import InvalidModuleError, TensorMismatchError, UnreadableValueError
from lstmshape.kinds import KINDS, LSTM, ModuleKind
from lstmshape.parsing import parse_module
from lstmshape.report import (
    Dim,
    Expectation,
    Fact,
    Note,
    Packing,
    Report,
    Symbol,
    Tensor,
    format_shape,
)
from lstmshape.spec import ModuleSpec

Shape = tuple[int, ...]
Expected = Mapping[str, Sequence[int]] | Iterable[tuple[str, Sequence[int]]]


def explain(
    input: Sequence[int],
    hidden_size: int,
    *,
    input_size: int | None = None,
    num_layers: int = 1,
    bias: bool = True,
    batch_first: bool = False,
    dropout: float = 0.0,
    bidirectional: bool = False,
    proj_size: int = 0,
    nonlinearity: str = "tanh",
    h_0: Sequence[int] | None = None,
    c_0: Sequence[int] | None = None,
    expect: Expected | None = None,
    module: str | ModuleKind = LSTM,
    lengths: Sequence[int] | None = None,
    enforce_sorted: bool = True,
) -> Report:
    """Explain every tensor of ``nn.LSTM(input_size, hidden_size, ...)`` applied to ``input``.

    ``module`` is ``"LSTM"`` (default), ``"GRU"``, ``"RNN"`` or a cell (``"LSTMCell"``, ...), in
    any letter case; ``nonlinearity`` is RNN's. ``lengths`` packs the padded input with
    pack_padded_sequence (``enforce_sorted`` as there).

    ``input`` is the input tensor's shape; ``input_size`` defaults to its last dimension. ``h_0`` and
    ``c_0`` are the shapes of the initial states you mean to pass, checked against the module.
    ``expect`` gives the shapes you expect, as a mapping or (name, shape) pairs; the comparisons are
    in ``report.expectations`` and any mismatch in ``report.failures()``.

    Raises :class:`InvalidModuleError` for arguments torch would refuse and
    :class:`TensorMismatchError` for a tensor that does not fit the module.
    """
    kind = module if isinstance(module, ModuleKind) else parse_module(module)
    input_shape = tuple(input)
    derived = input_size is None
    if input_size is None:
        input_size = input_shape[-1] if input_shape else 0
    try:
        spec = ModuleSpec(
            input_size=input_size,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bias=bias,
            batch_first=batch_first,
            dropout=dropout,
            bidirectional=bidirectional,
            proj_size=proj_size,
            nonlinearity=nonlinearity,
            kind=kind,
        )
    except InvalidModuleError as error:
        if derived and error.argument == "input_size" and input_size <= 0:
            # The user gave no input_size: the fault is the input's last axis, so say that.
            _check_input_rank(kind, input_shape)
            error.details += (
                f"input_size is taken from the input's last axis: {format_shape(input_shape)}.",
            )
            error.hint = "Try an --input whose last axis (H_in) is at least 1, such as 4,3,10."
        raise
    return explain_spec(
        spec,
        input_shape,
        h_0=None if h_0 is None else tuple(h_0),
        c_0=None if c_0 is None else tuple(c_0),
        expect=expect,
        lengths=lengths,
        enforce_sorted=enforce_sorted,
    )


def explain_spec(
    spec: ModuleSpec,
    input_shape: Shape,
    *,
    h_0: Shape | None = None,
    c_0: Shape | None = None,
    expect: Expected | None = None,
    lengths: Sequence[int] | None = None,
    enforce_sorted: bool = True,
) -> Report:
    """Explain ``spec`` applied to an input of ``input_shape``; see :func:`explain`."""
    if c_0 is not None and not spec.kind.has_cell_state:
        final = spec.kind.final_names[0]
        raise UnreadableValueError(
            f"{spec.kind.A} has no cell state, so there is no c_0 to pass.",
            details=[
                f"It takes (input, h_0) and returns {final} {'after output' if final == 'h_n' else 'alone'}."
            ],
            hint=f"Try without --c0, or --module {'LSTMCell' if spec.kind.is_cell else 'LSTM'}.",
        )
    if lengths is not None:
        return explain_packed(
            spec,
            input_shape,
            lengths,
            enforce_sorted=enforce_sorted,
            h_0=h_0,
            c_0=c_0,
            expect=expect,
        )
    if spec.kind.is_cell:
        return explain_cell(spec, input_shape, h_0=h_0, c_0=c_0, expect=expect)
    check_tensors(spec, input_shape, h_0=h_0, c_0=c_0)
    layout = Layout.of(spec, input_shape)
    facts = _facts(spec, layout)
    report = Report(
        spec=spec,
        input_shape=input_shape,
        batched=layout.batched,
        symbols=_symbols(spec, layout),
        tensors=_tensors(spec, layout, given={"h_0": h_0 is not None, "c_0": c_0 is not None}),
        parameters=spec.parameters(),
        facts=facts,
        notes=_notes(spec, layout, facts, h_0=h_0, c_0=c_0),
    )
    if expect:
        report = with_expectations(report, expect)
    return report


@dataclass(frozen=True)
class Layout:
    """Where L and N sit in an input of rank 2 or 3 for this module: worked out once, used by all."""

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


# --- checks, in torch's order -------------------------------------------------------------------


def check_tensors(
    spec: ModuleSpec, input_shape: Shape, *, h_0: Shape | None = None, c_0: Shape | None = None
) -> None:
    """Raise :class:`TensorMismatchError` for the first fault torch's forward() would raise.

    A state left out (``None``) is the zeros torch makes; when only one of h_0 and c_0 is given, the
    other is taken to be of the right shape, so that torch's wording can be predicted exactly.
    """
    _check_input_rank(spec.kind, input_shape)
    layout = Layout.of(spec, input_shape)
    expected = state_shapes(spec, input_shape)
    given = {"h_0": h_0, "c_0": c_0}
    if any(given[name] is not None for name in spec.kind.state_names):
        _check_state_ranks(spec, layout, given, expected)
    if input_shape[-1] != spec.input_size:
        width = input_shape[-1]
        fitting = _shape_arg((*input_shape[:-1], spec.input_size))
        raise TensorMismatchError(
            f"The input has {width} features per step (last axis of {format_shape(input_shape)}), "
            f"but input_size is {spec.input_size}.",
            details=[f"H_in = input_size = {spec.input_size} is the width of each time step."],
            torch_says=f"input.size(-1) must be equal to input_size. "
            f"Expected {spec.input_size}, got {width}",
            # torch builds no module with input_size=0, so never suggest it.
            hint=f"Try --input-size {width} to build the module for this input, or --input "
            f"{fitting}."
            if width > 0
            else f"Try --input {fitting}.",
        )
    for position, name in enumerate(spec.kind.state_names):
        shape = given[name]
        if shape is not None and shape != expected[name]:
            raise _state_size_error(spec, layout, name, position, shape, expected[name])
    if layout.length == 0:
        ones = list(input_shape)
        ones[layout.time_axis] = 1
        raise TensorMismatchError(
            f"The input has no time steps: L = 0 (axis {layout.time_axis} of "
            f"{format_shape(input_shape)}).",
            details=["A recurrent layer needs at least one step to produce h_n."],
            torch_says="Expected sequence length to be larger than 0 in RNN",
            hint=f"Try --input {','.join(map(str, ones))}.",
        )


def _check_input_rank(kind: ModuleKind, input_shape: Shape) -> None:
    rank = len(input_shape)
    if rank in (2, 3):
        return
    raise TensorMismatchError(
        f"The input has {rank} dimension{'s' if rank != 1 else ''} {format_shape(input_shape)}, "
        f"but {kind.a} takes 3 (batched) or 2 (unbatched).",
        details=[
            "Batched: (L, N, H_in), or (N, L, H_in) with batch_first=True. Unbatched: (L, H_in)."
        ],
        torch_says=kind.input_rank_error.format(name=kind.name, rank=rank),
        hint="Try --input 4,3,10 (L=4 steps, N=3 sequences, H_in=10 features).",
    )


def _batched(spec: ModuleSpec, length: int, width: int) -> str:
    """An unbatched (L, H_in) input given a batch of one, in the layout the module reads."""
    return f"1,{length},{width}" if spec.batch_first else f"{length},1,{width}"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "")


def _shape_arg(shape: Shape) -> str:
    return ",".join(map(str, shape))


def _check_state_ranks(
    spec: ModuleSpec,
    layout: Layout,
    given: Mapping[str, Shape | None],
    expected: Mapping[str, Shape],
) -> None:
    names = spec.kind.state_names
    want = 3 if layout.batched else 2
    # torch reads both ranks at once; a state left out counts as the right one.
    shapes = {name: _or(given[name], expected[name]) for name in names}
    wrong = [name for name in names if len(shapes[name]) != want]
    if not wrong:
        return
    name = wrong[0]
    shape = shapes[name]
    rank_list = ", ".join(f"{len(shapes[n])}-D" for n in names)
    fixes = " ".join(f"{_flag(n)} {_shape_arg(expected[n])}" for n in wrong)
    input_shape = layout.input_shape
    kind_of_input = "batched 3-D" if layout.batched else "unbatched 2-D"
    if len(names) == 1:
        torch_says = (
            f"For {kind_of_input} input, hx should also be {want}-D but got {len(shape)}-D tensor"
        )
    else:
        torch_says = (
            f"For {kind_of_input} input, hx and cx should also be {want}-D but got ({rank_list}) "
            "tensors"
        )
    if layout.batched:
        states = ", ".join(f"{n} {format_shape(expected[n])}" for n in names)
        details = [
            f"Batched input {format_shape(input_shape)} needs 3-D states (D*num_layers, N, H): "
            f"{states}."
        ]
        hint = f"Try {fixes}."
    else:
        details = [
            f"Unbatched input {format_shape(input_shape)} needs 2-D states (D*num_layers, H), "
            "with no batch axis."
        ]
        hint = f"Try {fixes}"
        if all(len(given[n] or ()) == 3 for n in names if given[n] is not None):
            # States built for a batch: giving the input a batch axis of 1 fits them instead.
            length, width = input_shape
            hint += f", or give the input a batch axis: --input {_batched(spec, length, width)}"
        hint += "."
    raise TensorMismatchError(
        f"{name} has shape {format_shape(shape)} ({len(shape)}-D), but "
        f"{'batched' if layout.batched else 'unbatched'} input needs {want}-D states: "
        f"{format_shape(expected[name])}.",
        details=details,
        torch_says=torch_says,
        hint=hint,
    )


def _or(given: Shape | None, default: Shape) -> Shape:
    """A state's shape as given, or the right one when it was left out (an empty () is given)."""
    return default if given is None else given


def _state_size_error(
    spec: ModuleSpec, layout: Layout, name: str, position: int, shape: Shape, right: Shape
) -> TensorMismatchError:
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
    details = [f"{name} is {shown} with {values}{width_symbol}={width}."]
    details.extend(_diagnose_state(spec, layout, name, shape, right))
    # torch compares the unbatched states after unsqueeze(1), so its sentence shows 3-D sizes.
    torch_expected = right if layout.batched else (right[0], 1, right[1])
    torch_got = shape if layout.batched else (shape[0], 1, shape[1])
    return TensorMismatchError(
        f"{name} has shape {format_shape(shape)} but this {spec.kind.name} expects "
        f"{format_shape(right)}.",
        details=details,
        torch_says=f"Expected {_hidden_label(spec, position)} size {format_shape(torch_expected)}, "
        f"got {list(torch_got)}",
        hint=f"Try {_flag(name)} {_shape_arg(right)}.",
    )


def _hidden_label(spec: ModuleSpec, position: int) -> str:
    # torch names the states of an LSTM hidden[0] and hidden[1]; a GRU's or RNN's is "hidden".
    return f"hidden[{position}]" if spec.kind.has_cell_state else "hidden"


def _diagnose_state(
    spec: ModuleSpec, layout: Layout, name: str, shape: Shape, right: Shape
) -> list[str]:
    """Name the likely cause of a state of the wrong size (the common mistakes in USERS.md)."""
    causes: list[str] = []
    if not shape or not right:
        return causes  # a 0-d state has no rows to compare
    rows, want_rows = shape[0], right[0]
    if rows != want_rows:
        if spec.D == 2 and rows == spec.num_layers:
            causes.append(
                f"It has num_layers={rows} rows; a bidirectional {spec.kind.name} needs one row per "
                f"layer and direction: D*num_layers = 2*{spec.num_layers} = {want_rows}."
            )
        elif spec.D == 1 and rows == 2 * spec.num_layers:
            causes.append(
                f"It has 2*num_layers = {rows} rows, as for a bidirectional {spec.kind.name}; "
                "this one has one direction (add --bidirectional if that was meant)."
            )
        else:
            causes.append(
                f"Its first axis is D*num_layers = {spec.D}*{spec.num_layers} = {want_rows}, "
                "one row per layer and direction."
            )
    if layout.batched and shape[1] != right[1]:
        causes.extend(_diagnose_batch(spec, layout, name, shape))
    got_w, want_w = shape[-1], right[-1]
    if got_w != want_w:
        if name == "h_0" and spec.proj_size > 0 and got_w == spec.hidden_size:
            causes.append(
                f"With proj_size={spec.proj_size}, h_0 has H_out = proj_size = {spec.proj_size} "
                f"features; only c_0 keeps hidden_size = {spec.hidden_size}."
            )
        elif name == "c_0" and spec.proj_size > 0 and got_w == spec.proj_size:
            causes.append(
                f"c_0 keeps H_cell = hidden_size = {spec.hidden_size} features; proj_size="
                f"{spec.proj_size} shrinks h only."
            )
        else:
            symbol = "H_out" if name == "h_0" else "H_cell"
            causes.append(f"Its last axis is {symbol} = {want_w}.")
    return causes


def _diagnose_batch(spec: ModuleSpec, layout: Layout, name: str, shape: Shape) -> list[str]:
    got_n, want_n = shape[1], layout.batch
    input_shape = layout.input_shape
    if spec.batch_first and shape[0] == want_n and shape[1] == spec.D * spec.num_layers:
        return [
            f"batch_first=True reorders input and output only: {name} keeps N in the middle, "
            f"(D*num_layers, N, ...)."
        ]
    if not spec.batch_first and got_n == input_shape[0]:
        return [
            f"Its batch axis is {got_n}, the input's first axis: is the input (N, L, H_in)? "
            f"Without batch_first=True torch reads {format_shape(input_shape)} as "
            f"L={input_shape[0]}, N={input_shape[1]} (add --batch-first)."
        ]
    source = "x.size(0)" if spec.batch_first else "x.size(1)"
    cause = f"{name} was built for a batch of {got_n}, but the input has N = {want_n}."
    if got_n > want_n:
        cause += " (The last batch of an epoch is often smaller.)"
    return [cause, f"Build it from the input: torch.zeros(..., {source}, ...)."]


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


# --- the report's parts -------------------------------------------------------------------------


def _symbols(spec: ModuleSpec, layout: Layout) -> tuple[Symbol, ...]:
    symbols = [Symbol("L", layout.length, f"sequence length: input axis {layout.time_axis}")]
    if layout.batched:
        symbols.append(Symbol("N", layout.batch, f"batch size: input axis {1 - layout.time_axis}"))
    symbols += [
        Symbol("H_in", spec.input_size, "input_size: input's last axis"),
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


def _tensors(spec: ModuleSpec, layout: Layout, given: Mapping[str, bool]) -> tuple[Tensor, ...]:
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

    directions = ", both directions" if spec.D == 2 else ""
    tensors = [
        Tensor("input", "input", time_major(h_in), "the sequence, step by step"),
        Tensor(
            "h_0",
            "input",
            (rows, *batch, h_out),
            "initial hidden state (zeros if omitted)",
            given=given["h_0"],
        ),
    ]
    if spec.kind.has_cell_state:
        tensors.append(
            Tensor(
                "c_0",
                "input",
                (rows, *batch, h_cell),
                "initial cell state (zeros if omitted)",
                given=given["c_0"],
            )
        )
    tensors += [
        Tensor(
            "output", "output", time_major(features), f"last layer's h_t at every step{directions}"
        ),
        Tensor("h_n", "output", (rows, *batch, h_out), "final hidden state, every layer"),
    ]
    if spec.kind.has_cell_state:
        tensors.append(
            Tensor("c_n", "output", (rows, *batch, h_cell), "final cell state, every layer")
        )
    return tuple(tensors)


def _facts(spec: ModuleSpec, layout: Layout) -> tuple[Fact, ...]:
    rank = 3 if layout.batched else 2
    if spec.D == 1:
        return (Fact("forward", layout.time_axis, -1, None, -1, rank),)
    h = spec.H_out
    return (
        Fact("forward", layout.time_axis, -1, (0, h), -2, rank),
        Fact("reverse", layout.time_axis, 0, (h, 2 * h), -1, rank),
    )


def _notes(
    spec: ModuleSpec,
    layout: Layout,
    facts: tuple[Fact, ...],
    *,
    h_0: Shape | None,
    c_0: Shape | None,
    packed: bool = False,
) -> tuple[Note, ...]:
    input_shape = layout.input_shape
    states = [*spec.kind.state_names, *spec.kind.final_names]
    notes: list[Note] = []
    if layout.batched and spec.batch_first:
        notes.append(
            Note(
                "batch_first_states",
                f"batch_first=True reorders input and output only: {_listed(states)} keep N "
                f"in the middle, (D*num_layers, N, H) = ({spec.D * spec.num_layers}, "
                f"{layout.batch}, ...).",
            )
        )
    elif layout.batched:
        notes.append(
            Note(
                "time_first",
                f"batch_first=False: torch reads {format_shape(input_shape)} as L={layout.length} "
                f"steps of N={layout.batch} sequences. If your tensor is (batch, seq, feature), pass "
                "batch_first=True (--batch-first): without it torch silently swaps N and L.",
            )
        )
    else:
        needed = state_shapes(spec, input_shape)
        notes.append(
            Note(
                "unbatched",
                "Unbatched input (L, H_in): torch adds a batch of 1 inside and removes it again, so "
                f"the states are 2-D (D*num_layers, H), here h_0 {format_shape(needed['h_0'])}, "
                f"and output is (L, D*H_out) = {format_shape((layout.length, spec.D * spec.H_out))}."
                + (" batch_first is ignored for unbatched input." if spec.batch_first else ""),
            )
        )
    if layout.batched and layout.batch == 0:
        notes.append(
            Note("empty_batch", "N=0: torch accepts an empty batch and returns empty tensors.")
        )
    if spec.proj_size > 0:
        later = (
            f" Layers above the first take D*H_out = {spec.D * spec.H_out} inputs "
            f"(weight_ih_l1 is {format_shape((spec.kind.gates * spec.H_cell, spec.D * spec.H_out))})."
            if spec.num_layers > 1
            else ""
        )
        notes.append(
            Note(
                "proj_size",
                f"proj_size={spec.proj_size}: h_0, h_n and output use H_out = proj_size = "
                f"{spec.proj_size}, while c_0 and c_n keep H_cell = hidden_size = {spec.H_cell}. "
                f"weight_hr_l{{k}} {format_shape((spec.proj_size, spec.H_cell))} projects each h_t."
                + later,
            )
        )
    if spec.D == 2:
        h = spec.H_out
        notes.append(
            Note(
                "bidirectional_output",
                f"output's last axis is D*H_out = {2 * h}: [..., :{h}] is the forward direction, "
                f"[..., {h}:] the backward one, at every step.",
            )
        )
    notes.append(_correspondence_note(spec, facts))
    notes.append(_gates_note(spec))
    notes.append(_layout_note(spec, layout))
    notes.append(_last_layer_note(spec, layout))
    if spec.dropout > 0 and spec.num_layers == 1:
        notes.append(
            Note(
                "dropout_single_layer",
                f"dropout={spec.dropout} does nothing with num_layers=1: torch applies dropout to "
                "the outputs of every layer but the last, and warns when there is only one.",
            )
        )
    elif spec.dropout > 0:
        notes.append(
            Note(
                "dropout",
                f"dropout={spec.dropout} zeroes elements of the output of every layer but the last "
                f"({_layer_range(spec.num_layers - 1)}) in training mode; it changes no shape.",
            )
        )
    given = {"h_0": h_0, "c_0": c_0}
    passed = [n for n in spec.kind.state_names if given[n] is not None]
    if len(spec.kind.state_names) == 2 and len(passed) == 1:
        notes.append(_state_tuple_note(spec, layout, passed[0], given[passed[0]] or (), packed))
    return tuple(notes)


def _state_tuple_note(
    spec: ModuleSpec, layout: Layout, passed: str, shape: Shape, packed: bool
) -> Note:
    """torch takes the states as one tuple; say exactly how passing one tensor alone fails."""
    name = spec.kind.name
    missing = "c_0" if passed == "h_0" else "h_0"
    text = (
        f"{spec.kind.A} takes its states as one tuple: {name.lower()}(input, (h_0, c_0)). Only "
        f"{passed} was given; {missing} is shown as it must be."
    )
    # On packed input torch fails elsewhere, in words that depend on the path: none quoted.
    failure = None if packed else single_state_failure(layout.batched, shape)
    if failure:
        text += f" Passing {passed} alone, {name.lower()}(input, {passed}), fails with: {failure}"
    return Note("state_tuple", text)


def single_state_failure(batched: bool, shape: Shape) -> str | None:
    """What torch raises when one state tensor of ``shape`` is passed where the (h_0, c_0) tuple
    belongs: it indexes the tensor, reading shape[1:] twice, or fails at index 1.

    None when torch would not fail at that point (a state of the wrong rank to begin with).
    """
    want = 3 if batched else 2
    if len(shape) != want:
        return None
    if shape[0] < 2:
        # torch reads hx[0] and then, for its message, hx[1]: the first missing row fails.
        return f"index {shape[0]} is out of bounds for dimension 0 with size {shape[0]}"
    rank = f"{want - 1}-D"
    kind = "batched 3-D" if batched else "unbatched 2-D"
    return f"For {kind} input, hx and cx should also be {want}-D but got ({rank}, {rank}) tensors"


def _correspondence_note(spec: ModuleSpec, facts: tuple[Fact, ...]) -> Note:
    if spec.D == 1:
        fact = facts[0]
        text = (
            f"{fact.text()}: the last step of output is the last layer's final hidden state "
            "(output holds the last layer only)."
        )
    else:
        forward, reverse = facts
        text = (
            f"{forward.text()} (the forward direction ends at the last step) and "
            f"{reverse.text()} (the backward direction ends at step 0). So the last step of output "
            "is not the final state of both directions."
        )
    return Note("output_h_n", text)


def _gates_note(spec: ModuleSpec) -> Note:
    kind = spec.kind
    h = kind.width_symbol
    k = "" if kind.is_cell else "_l{k}"
    if kind.gates == 1:
        return Note(
            "gates",
            f"{kind.A} has no gates: weight_ih{k} and weight_hh{k} have {h} = {spec.H_cell} "
            f"rows, and h_t = {spec.nonlinearity}(W_ih x_t + W_hh h_(t-1)"
            + (" + b_ih + b_hh)." if spec.bias else ")."),
        )
    gates = ", ".join(kind.gate_names)
    return Note(
        "gates",
        f"weight_ih{k} and weight_hh{k} stack the {kind.gates} gates ({gates}) along their "
        f"first axis: {kind.gates}*{h} = {kind.gates * spec.H_cell} rows, {h} = "
        f"{spec.H_cell} for each gate.",
    )


def _listed(names: Sequence[str]) -> str:
    """ "h_0, c_0, h_n and c_n"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _layer_range(count: int) -> str:
    return "layer 0" if count == 1 else f"layers 0 to {count - 1}"


def state_views(spec: ModuleSpec, layout: Layout) -> dict[str, Shape]:
    """The shapes that separate layers and directions: h_n.view(num_layers, D, N, H_out), ..."""
    batch = (layout.batch,) if layout.batched else ()
    views = {"h_n": (spec.num_layers, spec.D, *batch, spec.H_out)}
    if spec.kind.has_cell_state:
        views["c_n"] = (spec.num_layers, spec.D, *batch, spec.H_cell)
    return views


def _layout_note(spec: ModuleSpec, layout: Layout) -> Note:
    if spec.D == 1:
        order = "h_n[k] is layer k"
    else:
        order = "h_n[2*k] is layer k forward, h_n[2*k + 1] layer k backward"
    views = state_views(spec, layout)
    n = ", N" if layout.batched else ""
    text = (
        f"h_n rows are layer*D + direction: {order}. h_n.view(num_layers, D{n}, H_out) = "
        f"view{format_shape(views['h_n'])} separates layers and directions"
    )
    if "c_n" in views and views["c_n"] == views["h_n"]:
        text += ", and c_n alike."
    elif "c_n" in views:
        text += f"; c_n.view(num_layers, D{n}, H_cell) = view{format_shape(views['c_n'])}."
    else:
        text += "."
    return Note("h_n_layout", text)


def _last_layer_note(spec: ModuleSpec, layout: Layout) -> Note:
    lead = (layout.batch,) if layout.batched else ()
    if spec.D == 1:
        return Note(
            "last_layer_state",
            "For a classifier, the last layer's final state is h_n[-1], shape "
            f"{format_shape((*lead, spec.H_out))}.",
        )
    dim = 1 if layout.batched else 0
    text = (
        f"For a classifier, the last layer's final state is torch.cat([h_n[-2], h_n[-1]], "
        f"dim={dim}), shape {format_shape((*lead, 2 * spec.H_out))}."
    )
    if spec.num_layers > 1:
        text += (
            f" Not h_n[0] and h_n[1]: with num_layers={spec.num_layers} those are layer 0's "
            "forward and backward states."
        )
    return Note("last_layer_state", text)


def with_expectations(report: Report, expect: Expected) -> Report:
    """The report with each expected shape compared to the computed one (repeats are all kept)."""
    names = tuple(t.name for t in report.tensors)
    pairs = expect.items() if isinstance(expect, Mapping) else expect
    results = []
    for name, shape in pairs:
        if name not in names:
            raise UnreadableValueError(
                f"Cannot expect a shape for {name!r}: this {report.module} has no such tensor.",
                details=[f"Its tensors are {', '.join(names)}."],
                hint="Try one of those names.",
            )
        results.append(Expectation(name, tuple(shape), report.tensor(name).shape))
    return replace(report, expectations=tuple(results))


# --- cells: one time step per call --------------------------------------------------------------


def explain_cell(
    spec: ModuleSpec,
    input_shape: Shape,
    *,
    h_0: Shape | None = None,
    c_0: Shape | None = None,
    expect: Expected | None = None,
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
        Tensor("input", "input", (*batch, h_in), "one time step of every sequence"),
        Tensor("h_0", "input", (*batch, h_out), "hidden state before the step (zeros if omitted)",
               given=given["h_0"]),
    ]  # fmt: skip
    if spec.kind.has_cell_state:
        tensors.append(
            Tensor("c_0", "input", (*batch, h_cell), "cell state before the step (zeros if omitted)",
                   given=given["c_0"])
        )  # fmt: skip
    tensors.append(Tensor("h_1", "output", (*batch, h_out), "hidden state after the step"))
    if spec.kind.has_cell_state:
        tensors.append(Tensor("c_1", "output", (*batch, h_cell), "cell state after the step"))
    symbols = [Symbol("N", input_shape[0], "batch size: input axis 0")] if batched else []
    symbols.append(Symbol("H_in", spec.input_size, "input_size: input's last axis"))
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
        notes=_cell_notes(spec, input_shape, h_0=h_0, c_0=c_0),
    )
    if expect:
        report = with_expectations(report, expect)
    return report


def check_cell_tensors(
    spec: ModuleSpec, input_shape: Shape, *, h_0: Shape | None = None, c_0: Shape | None = None
) -> None:
    """Raise :class:`TensorMismatchError` for the first fault a cell's forward() would raise.

    The order is torch's: input rank and each state's rank (Python), then, after a batch axis of 1
    is added to unbatched tensors, the input's width and each state's batch and width (C++).
    """
    kind = spec.kind
    rank = len(input_shape)
    if rank not in (1, 2):
        steps = (
            f" For a sequence {format_shape(input_shape)}, loop over its first axis, or use "
            f"nn.{kind.sequence_module}."
            if rank == 3
            else ""
        )
        raise TensorMismatchError(
            f"The input has {rank} dimension{'s' if rank != 1 else ''} "
            f"{format_shape(input_shape)}, but {kind.a} takes 2 (batched) or 1 (unbatched).",
            details=["A cell takes one time step: (N, H_in), or (H_in) unbatched." + steps],
            torch_says=kind.input_rank_error.format(name=kind.name, rank=rank),
            hint=f"Try --input {_shape_arg(input_shape[-2:])}."
            if rank == 3
            else "Try --input 3,10 (N=3 sequences, H_in=10 features).",
        )
    batched = rank == 2
    right = state_shapes(spec, input_shape)
    given = {"h_0": h_0, "c_0": c_0}
    passed = any(given[n] is not None for n in kind.state_names)
    shapes = {n: _or(given[n], right[n]) for n in kind.state_names}
    if passed:
        for idx, name in enumerate(kind.state_names):
            if len(shapes[name]) not in (1, 2):
                raise TensorMismatchError(
                    f"{name} has shape {format_shape(shapes[name])} ({len(shapes[name])}-D), but "
                    f"{kind.a}'s states are (N, H) or (H): {format_shape(right[name])}.",
                    details=["A cell keeps one state per sequence: no layer or direction axis."],
                    torch_says=kind.state_rank_error.format(idx=idx, rank=len(shapes[name])),
                    hint=f"Try {_flag(name)} {_shape_arg(right[name])}.",
                )
    # torch gives unbatched tensors a batch axis of 1, then checks in C++.
    x = input_shape if batched else (1, *input_shape)
    if x[1] != spec.input_size:
        fitting = _shape_arg((*input_shape[:-1], spec.input_size))
        raise TensorMismatchError(
            f"The input has {x[1]} features (last axis of {format_shape(input_shape)}), but "
            f"input_size is {spec.input_size}.",
            details=[f"H_in = input_size = {spec.input_size} is the width of each step."],
            torch_says=f"input has inconsistent input_size: got {x[1]} expected {spec.input_size}",
            hint=f"Try --input-size {x[1]} to build the cell for this input, or --input {fitting}.",
        )
    if not passed:
        return
    for idx, name in enumerate(kind.state_names):
        shape = shapes[name]
        hx = shape if batched else (1, *shape)
        if shape == right[name]:
            continue
        if hx[0] != x[0]:
            says = f"Input batch size {x[0]} doesn't match hidden{idx} batch size {hx[0]}"
        elif len(hx) < 2:
            says = "Dimension out of range (expected to be in range of [-1, 0], but got 1)"
        elif hx[1] != spec.hidden_size:
            says = f"hidden{idx} has inconsistent hidden_size: got {hx[1]}, expected {spec.hidden_size}"
        else:
            # torch checks only the first two axes: this state reaches its kernel unchecked.
            raise TensorMismatchError(
                f"{name} has shape {format_shape(shape)} but this {kind.name} expects "
                f"{format_shape(right[name])}.",
                details=[
                    f"Unbatched input {format_shape(input_shape)} needs a 1-D {name}.",
                    "torch does not catch this one: it checks only a state's first two axes "
                    "against the input, so this state reaches its kernel, which fails with an "
                    "unrelated message or worse.",
                ],
                hint=f"Try {_flag(name)} {_shape_arg(right[name])}.",
            )
        if len(shape) != len(right[name]):
            # torch has no rank check between input and states: the fault surfaces as a size.
            cause = (
                f"{'Batched' if batched else 'Unbatched'} input {format_shape(input_shape)} needs "
                f"{len(right[name])}-D states; {name} is {len(shape)}-D."
            )
        elif shape[0] != right[name][0] and batched:
            cause = f"{name} was built for a batch of {shape[0]}, but the input has N = {x[0]}."
        else:
            cause = f"Its last axis is hidden_size = {spec.hidden_size}."
        raise TensorMismatchError(
            f"{name} has shape {format_shape(shape)} but this {kind.name} expects "
            f"{format_shape(right[name])}.",
            details=[cause],
            torch_says=says,
            hint=f"Try {_flag(name)} {_shape_arg(right[name])}.",
        )


def _cell_notes(
    spec: ModuleSpec, input_shape: Shape, *, h_0: Shape | None, c_0: Shape | None
) -> tuple[Note, ...]:
    kind = spec.kind
    seq = kind.sequence_module
    batched = len(input_shape) == 2
    n = f"N={input_shape[0]} sequences" if batched else "one sequence"
    notes = [
        Note(
            "one_step",
            f"{kind.A} runs one time step per call: input {format_shape(input_shape)} is one step "
            f"of {n}, not a sequence. There is no num_layers, bidirectional, batch_first, "
            "proj_size or dropout: stack cells yourself to get layers.",
        )
    ]
    if kind.has_cell_state:
        loop = "h, c = h_0, c_0\nfor x_t in x: h, c = cell(x_t, (h, c))"
        same = "h and c equal h_n[0] and c_n[0]"
        returns = (
            "cell(input, (h_0, c_0)) returns the tuple (h_1, c_1), where nn.LSTM returns "
            "(output, (h_n, c_n))."
        )
    else:
        loop = "h = h_0\nfor x_t in x: h = cell(x_t, h)"
        same = "h equals h_n[0]"
        returns = f"cell(input, h_0) returns h_1 alone, where nn.{seq} returns (output, h_n)."
    lead = "L, N, H_in" if batched else "L, H_in"
    sequence = sequence_spec(spec)
    if sequence is None:
        same_as = (
            f" nn.{seq} has no counterpart here: torch builds no {seq} with a size of 0, though it "
            "builds this cell."
        )
    else:
        same_as = (
            f" Then {same} of {sequence.torch_call()} with the same weights (weight_ih_l0 = "
            "cell.weight_ih, ...), and each step's h equals that output[t]."
        )
    notes.append(
        Note(
            "cell_loop",
            f"To run a sequence x of shape ({lead}), loop: {loop.replace(chr(10), '; ')}."
            + same_as,
        )
    )
    notes.append(Note("cell_returns", returns))
    if not batched:
        notes.append(
            Note(
                "unbatched",
                f"Unbatched input (H_in): torch adds a batch of 1 inside and removes it again, so "
                f"the states are 1-D, here h_0 {format_shape((spec.H_out,))}.",
            )
        )
    notes.append(_gates_note(spec))
    given = {"h_0": h_0, "c_0": c_0}
    passed = [s for s in kind.state_names if given[s] is not None]
    if kind.has_cell_state and len(passed) == 1:
        missing = "c_0" if passed[0] == "h_0" else "h_0"
        text = (
            f"{kind.A} takes its states as one tuple: cell(input, (h_0, c_0)). Only {passed[0]} "
            f"was given; {missing} is shown as it must be."
        )
        failure = single_cell_state_failure(batched, spec.hidden_size)
        if failure:
            text += f" Passing {passed[0]} alone fails with: {failure}"
        notes.append(Note("state_tuple", text))
    return tuple(notes)


def sequence_spec(spec: ModuleSpec) -> ModuleSpec | None:
    """The one-layer sequence module that a cell, looped over time, computes: LSTMCell -> LSTM.

    None when torch builds no such module: a cell accepts sizes of 0, the sequence modules do not.
    """
    try:
        return ModuleSpec(
            input_size=spec.input_size,
            hidden_size=spec.hidden_size,
            bias=spec.bias,
            nonlinearity=spec.nonlinearity,
            kind=KINDS[spec.kind.sequence_module],
        )
    except InvalidModuleError:
        return None


def single_cell_state_failure(batched: bool, hidden_size: int) -> str | None:
    """What torch raises when one state tensor is passed to an LSTMCell instead of the tuple."""
    if batched:
        return "lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor"
    if hidden_size == 0:
        return None
    # LSTMCell iterates over the tensor as if it were the tuple: its items are 0-D.
    return "LSTMCell: Expected hx[0] to be 1D or 2D, got 0D instead"


# --- padded batches packed with pack_padded_sequence --------------------------------------------

_SORTED = (
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
    "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
    "requirement if you do not need ONNX exportability."
)


def explain_packed(
    spec: ModuleSpec,
    input_shape: Shape,
    lengths: Sequence[int],
    *,
    enforce_sorted: bool = True,
    h_0: Shape | None = None,
    c_0: Shape | None = None,
    expect: Expected | None = None,
) -> Report:
    """Explain ``spec`` on a padded batch of ``input_shape`` packed with ``lengths``."""
    check_packing(spec, input_shape, lengths, enforce_sorted)
    layout = Layout.of(spec, input_shape)
    packing = Packing(tuple(lengths), enforce_sorted)
    check_packed_tensors(spec, layout, packing, h_0=h_0, c_0=c_0)
    total = Dim("sum(lengths)", packing.total, " + ".join(map(str, packing.lengths)))
    longest = Dim("max(lengths)", packing.longest, f"max{format_shape(packing.lengths)}")
    h_in = Dim("H_in", spec.input_size, "input_size")
    features = Dim("D*H_out", spec.D * spec.H_out, f"D={spec.D} × H_out={spec.H_out}")
    batch = Dim("N", layout.batch, "len(lengths)")
    plain = _tensors(spec, layout, given={"h_0": h_0 is not None, "c_0": c_0 is not None})
    by_name = {t.name: t for t in plain}
    padded = (longest, batch, features) if layout.time_axis == 0 else (batch, longest, features)
    tensors = (
        by_name["input"],
        Tensor("input.data", "input", (total, h_in), "the valid steps, stacked step by step"),
        Tensor("input.batch_sizes", "input", (longest,), "sequences still running at each step"),
        *(by_name[name] for name in spec.kind.state_names),
        Tensor("output.data", "output", (total, features), "last layer's h_t at every valid step"),
        Tensor("output.batch_sizes", "output", (longest,), "the same batch_sizes as the input"),
        *(
            replace(by_name[name], meaning=f"{by_name[name].meaning}, at each sequence's own end")
            for name in spec.kind.final_names
        ),
        Tensor("padded_output", "output", padded, "pad_packed_sequence(output)[0], zero-padded"),
    )
    facts = tuple(replace(f, per_sequence=True) for f in _facts(spec, layout))
    symbols = (
        *_symbols(spec, layout),
        Symbol("sum(lengths)", packing.total, "valid steps of all sequences"),
        Symbol("max(lengths)", packing.longest, "steps of the longest sequence"),
    )
    notes = [
        n
        for n in _notes(spec, layout, facts, h_0=h_0, c_0=c_0, packed=True)
        if n.id not in ("output_h_n", "last_layer_state")
    ]
    report = Report(
        spec=spec,
        input_shape=input_shape,
        batched=True,
        symbols=symbols,
        tensors=tensors,
        parameters=spec.parameters(),
        facts=facts,
        notes=(*_packed_notes(spec, layout, packing, facts), *notes),
        packing=packing,
    )
    if expect:
        report = with_expectations(report, expect)
    return report


def check_packing(
    spec: ModuleSpec, input_shape: Shape, lengths: Sequence[int], enforce_sorted: bool
) -> None:
    """Raise for what pack_padded_sequence refuses, in its order and words, and for lengths past
    the end of the input, which it does not check."""
    if spec.kind.is_cell:
        raise UnreadableValueError(
            f"--lengths packs a batch of sequences, but {spec.kind.a} takes one step per call.",
            hint=f"Try leaving out --lengths, or --module {spec.kind.sequence_module} with a padded "
            "batch (L, N, H_in).",
        )
    _check_input_rank(spec.kind, input_shape)
    if len(input_shape) != 3:
        raise TensorMismatchError(
            f"--lengths needs a batched input (L, N, H_in); {format_shape(input_shape)} is one "
            "unbatched sequence.",
            details=["pack_padded_sequence packs several sequences of different lengths."],
            hint=f"Try --input {_batched(spec, *input_shape)} --lengths {input_shape[0]}.",
        )
    layout = Layout.of(spec, input_shape)
    n = layout.batch
    if not enforce_sorted and len(lengths) != n:
        # torch first reorders the batch by the lengths (index_select), before any other check.
        _refuse_unsorted_count(lengths, n, layout)
    if 0 in input_shape:
        raise TensorMismatchError(
            f"The input {format_shape(input_shape)} is empty: there is nothing to pack.",
            torch_says="Cannot pack empty tensors.",
            hint="Try an --input with no axis of size 0.",
        )
    if len(lengths) != n:
        raise TensorMismatchError(
            f"--lengths gives {len(lengths)} lengths for a batch of N = {n} sequences.",
            details=["One length per sequence: the number of its valid (unpadded) steps."],
            torch_says=f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
            f"(batch_size={n})",
            hint=f"Try --lengths {_shape_arg(_example_lengths(n, layout.length))} (one per sequence).",
        )
    # enforce_sorted=False sorts the lengths first; torch then checks only the last (smallest) one.
    checked = list(lengths) if enforce_sorted else sorted(lengths, reverse=True)
    if checked[-1] <= 0:
        raise TensorMismatchError(
            f"--lengths {_shape_arg(tuple(lengths))}: every sequence needs at least one step.",
            torch_says="Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0",
            hint=f"Try --lengths {_shape_arg(tuple(max(n, 1) for n in lengths))}.",
        )
    if enforce_sorted and any(a < b for a, b in pairwise(lengths)):
        raise TensorMismatchError(
            f"--lengths {_shape_arg(tuple(lengths))} is not in decreasing order, and "
            "enforce_sorted=True needs it to be.",
            details=["torch then needs the batch sorted longest first."],
            torch_says=_SORTED,
            hint="Try --unsorted (enforce_sorted=False), or sort the batch by length.",
        )
    if max(lengths) > layout.length:
        raise TensorMismatchError(
            f"--lengths {_shape_arg(tuple(lengths))}: a sequence of {max(lengths)} steps does not "
            f"fit in an input of L = {layout.length} steps.",
            details=[
                "torch does not catch this one: pack_padded_sequence reads past the end of the "
                "input and packs whatever memory lies there."
            ],
            hint=f"Try --lengths {_shape_arg(tuple(min(n, layout.length) for n in lengths))}.",
        )


def _refuse_unsorted_count(lengths: Sequence[int], n: int, layout: Layout) -> None:
    fix = (
        f"--lengths {_shape_arg(_example_lengths(n, layout.length))} (one per sequence)"
        if n
        else "an --input with at least one sequence"
    )
    if len(lengths) > n:
        # torch.sort orders equal lengths by position here; the first index past the batch fails.
        outside = _first_outside(lengths, n)
        raise TensorMismatchError(
            f"--lengths gives {len(lengths)} lengths for a batch of N = {n} sequences.",
            details=[
                "With enforce_sorted=False torch reorders the batch by the lengths first, and "
                "fails there, picking a sequence that does not exist"
                + (
                    "."
                    if outside is not None or n == 0 or layout.time_axis == 1
                    else " ('INDICES element is out of DATA bounds', naming an index that depends "
                    "on how it orders equal lengths)."
                )
            ],
            # index_select words it by the axis it selects on: the batch's, 0 with batch_first.
            torch_says=_INDEX_EMPTY_AXIS
            if n == 0
            else "index out of range in self"
            if layout.time_axis == 1
            else None
            if outside is None
            else f"INDICES element is out of DATA bounds, id={outside} axis_dim={n}",
            hint=f"Try {fix}.",
        )
    raise TensorMismatchError(
        f"--lengths gives {len(lengths)} lengths for a batch of N = {n} sequences.",
        details=[
            "torch does not catch this one: with enforce_sorted=False it reorders the batch by "
            "the lengths first, keeps that many sequences and drops the others without a word."
        ],
        hint=f"Try {fix}.",
    )


def _short(values: tuple[int, ...]) -> str:
    """A list as Python prints it, with the middle of a long one left out."""
    if len(values) <= 12:
        return str(list(values))
    head = ", ".join(map(str, values[:6]))
    return f"[{head}, ..., {values[-2]}, {values[-1]}] ({len(values)} values)"


def _example_lengths(n: int, length: int) -> tuple[int, ...]:
    return tuple(max(length - i, 1) for i in range(n))


def check_packed_tensors(
    spec: ModuleSpec, layout: Layout, packing: Packing, *, h_0: Shape | None, c_0: Shape | None
) -> None:
    """The input's width and the states, as a packed forward pass meets them.

    nn.GRU and nn.RNN check them in Python (after reordering the states when enforce_sorted=False);
    nn.LSTM does not check them at all on packed input: its kernel fails later, with unrelated
    messages. lstmshape quotes torch only where torch has a sentence for the fault.
    """
    kind = spec.kind
    checked_by_torch = not kind.has_cell_state
    width = layout.input_shape[-1]
    if width != spec.input_size:
        raise TensorMismatchError(
            f"The input has {width} features per step (last axis of "
            f"{format_shape(layout.input_shape)}), but input_size is {spec.input_size}.",
            details=[f"H_in = input_size = {spec.input_size} is the width of each time step."]
            + ([] if checked_by_torch else [_LSTM_PACKED]),
            torch_says=f"input.size(-1) must be equal to input_size. Expected {spec.input_size}, "
            f"got {width}"
            if checked_by_torch
            else None,
            hint=f"Try --input-size {width} to build the module for this input.",
        )
    right = state_shapes(spec, layout.input_shape)
    given = {"h_0": h_0, "c_0": c_0}
    for name in kind.state_names:
        shape = given[name]
        if shape is None or shape == right[name]:
            continue
        details = [
            f"{name} is (D*num_layers, N, H) with N = len(lengths) = {len(packing.lengths)}, "
            "in the batch's original order."
        ]
        says: str | None = None
        if not checked_by_torch:
            details.append(_LSTM_PACKED)
        elif packing.enforce_sorted:
            says = f"Expected hidden size {format_shape(right[name])}, got {list(shape)}"
        else:
            n = len(packing.lengths)
            unknowable = (
                len(shape) > 1
                and 0 < shape[1] < n
                and _first_outside(packing.lengths, shape[1]) is None
            )
            says = (
                None
                if unknowable
                else _reordered_state_failure(shape, right[name], packing.lengths)
            )
            if says is not None:
                details.append(
                    "With enforce_sorted=False torch first reorders h_0 along its axis 1 by the "
                    "lengths (index_select), then checks it."
                )
            elif not unknowable:
                details.append(
                    "torch does not catch this one: with enforce_sorted=False it reorders h_0 "
                    "first, keeping N of its rows, and the result fits."
                )
            else:
                details.append(
                    "With enforce_sorted=False torch first reorders h_0 by the lengths and fails "
                    "there: 'INDICES element is out of DATA bounds', naming an index that depends "
                    "on how it orders equal lengths."
                )
        raise TensorMismatchError(
            f"{name} has shape {format_shape(shape)} but this {kind.name} expects "
            f"{format_shape(right[name])}.",
            details=details,
            torch_says=says,
            hint=f"Try {_flag(name)} {_shape_arg(right[name])}.",
        )


def _first_outside(lengths: Sequence[int], bound: int) -> int | None:
    """The first index >= bound in torch's sorted_indices for ``lengths`` (longest first): what
    index_select names when it fails. None when equal lengths make torch's order unpredictable."""
    if len(set(lengths)) < len(lengths):
        return None
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return next((i for i in order if i >= bound), None)


def _reordered_state_failure(shape: Shape, right: Shape, lengths: Sequence[int]) -> str | None:
    """What torch raises for a GRU's or RNN's h_0 of ``shape`` on unsorted packed input: it applies
    index_select(1, sorted_indices) first. None when torch says nothing (the reordered state fits)
    or when which index it names cannot be known (equal lengths)."""
    n = len(lengths)
    if len(shape) < 2:
        return "Dimension out of range (expected to be in range of [-1, 0], but got 1)"
    if shape[1] == 0:
        return _INDEX_EMPTY_AXIS
    if shape[1] < n:
        outside = _first_outside(lengths, shape[1])
        if outside is None:
            return None
        return f"INDICES element is out of DATA bounds, id={outside} axis_dim={shape[1]}"
    reordered = (shape[0], n, *shape[2:])
    if reordered == right:
        return None
    return f"Expected hidden size {format_shape(right)}, got {list(reordered)}"


_INDEX_EMPTY_AXIS = "index_select(): self indexing axis dim should be positive"

_LSTM_PACKED = (
    "torch does not catch this one clearly: on packed input nn.LSTM checks neither its input's "
    "width nor its states, so its kernel fails later with an unrelated message (or, with "
    "enforce_sorted=False, keeps N of a larger h_0's rows without a word)."
)


def _packed_notes(
    spec: ModuleSpec, layout: Layout, packing: Packing, facts: tuple[Fact, ...]
) -> list[Note]:
    lengths = ", ".join(map(str, packing.lengths))
    bf = ", batch_first=True" if spec.batch_first else ""
    notes = [
        Note(
            "packed",
            f"pack_padded_sequence(input, lengths=[{lengths}]{bf}"
            f"{', enforce_sorted=False' if not packing.enforce_sorted else ''}) keeps the "
            f"{packing.total} valid steps: data ({packing.total}, H_in) stacks them step by step, "
            f"and batch_sizes = {_short(packing.batch_sizes)} counts the sequences still running at "
            "each step. lengths must be a list or a CPU tensor.",
        )
    ]
    if spec.D == 1:
        text = (
            f"{facts[0].text()}: each sequence's final state is at its own last valid step. "
            "padded_output[-1] is not: for a shorter sequence it is padding (zeros)."
        )
    else:
        text = (
            f"{facts[0].text()} (forward, at each sequence's own last step) and {facts[1].text()} "
            "(backward, at step 0)."
        )
    notes.append(Note("packed_output_h_n", text))
    longer = (
        f", not L = {layout.length}: pass total_length={layout.length} to get L back"
        if packing.longest < layout.length
        else ""
    )
    notes.append(
        Note(
            "pad_packed",
            f"pad_packed_sequence(output{bf}) gives back padded_output and lengths; it has "
            f"max(lengths) = {packing.longest} steps{longer}. Steps past a sequence's length are 0.",
        )
    )
    cls = "h_n[-1]" if spec.D == 1 else "torch.cat([h_n[-2], h_n[-1]], dim=1)"
    order = (
        "enforce_sorted=False: torch sorts the batch by length inside and restores the order, so "
        "h_n[:, i] is sequence i and h_0 is given in the original order."
        if not packing.enforce_sorted
        else "enforce_sorted=True needs the lengths in decreasing order (they are)."
    )
    notes.append(
        Note(
            "packed_order",
            f"{order} For a classifier, {cls} holds every sequence's state at its own last step.",
        )
    )
    return notes
