"""The notes of a cell's report: one step per call, the loop that makes a sequence module of it."""

from __future__ import annotations

from lstmshape.commands.explain.notes import gates_note
from lstmshape.errors import InvalidModuleError
from lstmshape.i18n import ntr, tr
from lstmshape.i18n.text import a_module, format_shape
from lstmshape.results.report import Note
from lstmshape.torchfacts.kinds import KINDS
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def cell_notes(
    spec: ModuleSpec, input_shape: Shape, *, h_0: Shape | None, c_0: Shape | None
) -> tuple[Note, ...]:
    """The notes of a cell's report: one step per call, the loop, what it returns."""
    batched = len(input_shape) == 2
    notes = [_one_step_note(spec, input_shape), _loop_note(spec, batched), _returns_note(spec)]
    if not batched:
        notes.append(
            Note(
                "unbatched",
                tr(
                    "Unbatched input (H_in): torch adds a batch of 1 inside and removes it again, "
                    "so the states are 1-D, here h_0 {h_0}.",
                    h_0=format_shape((spec.H_out,)),
                ),
            )
        )
    notes.append(gates_note(spec))
    given = {"h_0": h_0, "c_0": c_0}
    passed = [s for s in spec.kind.state_names if given[s] is not None]
    if spec.kind.has_cell_state and len(passed) == 1:
        notes.append(_state_tuple_note(spec, passed[0], batched))
    return tuple(notes)


def _one_step_note(spec: ModuleSpec, input_shape: Shape) -> Note:
    batched = len(input_shape) == 2
    batch = input_shape[0]
    n = ntr("N={n} sequence", "N={n} sequences", batch, n=batch) if batched else tr("one sequence")
    return Note(
        "one_step",
        tr(
            "{module} runs one time step per call: input {shape} is one step of {count}, "
            "not a sequence. There is no num_layers, bidirectional, batch_first, proj_size or "
            "dropout: stack cells yourself to get layers.",
            module=a_module(spec.kind, start=True),
            shape=format_shape(input_shape),
            count=n,
        ),
    )


def _returns_note(spec: ModuleSpec) -> Note:
    kind = spec.kind
    return Note(
        "cell_returns",
        tr(
            "{call} returns the tuple {returned}, where {module} returns {returns}.",
            call="cell(input, (h_0, c_0))",
            returned="(h_1, c_1)",
            module="nn.LSTM",
            returns="(output, (h_n, c_n))",
        )
        if kind.has_cell_state
        else tr(
            "{call} returns {returned} alone, where {module} returns {returns}.",
            call="cell(input, h_0)",
            returned="h_1",
            module=f"nn.{kind.sequence_module}",
            returns="(output, h_n)",
        ),
    )


def _state_tuple_note(spec: ModuleSpec, passed: str, batched: bool) -> Note:
    """An LSTMCell given one of its two states: the tuple it takes, and torch's failure."""
    missing = "c_0" if passed == "h_0" else "h_0"
    text = tr(
        "{module} takes its states as one tuple: {call}. Only {passed} was given; {missing} is "
        "shown as it must be.",
        module=a_module(spec.kind, start=True),
        call="cell(input, (h_0, c_0))",
        passed=passed,
        missing=missing,
    )
    failure = single_cell_state_failure(batched, spec.hidden_size)
    if failure:
        text += tr(" Passing {passed} alone fails with: {failure}", passed=passed, failure=failure)
    return Note("state_tuple", text)


def _loop_note(spec: ModuleSpec, batched: bool) -> Note:
    """The loop that runs the cell over a sequence, and the module it then equals."""
    seq = spec.kind.sequence_module
    if spec.kind.has_cell_state:
        loop = "h, c = h_0, c_0; for x_t in x: h, c = cell(x_t, (h, c))"
        same = tr("{h} and {c} equal {h_n} and {c_n}", h="h", c="c", h_n="h_n[0]", c_n="c_n[0]")
    else:
        loop = "h = h_0; for x_t in x: h = cell(x_t, h)"
        same = tr("{h} equals {h_n}", h="h", h_n="h_n[0]")
    lead = "(L, N, H_in)" if batched else "(L, H_in)"
    text = tr("To run a sequence x of shape {shape}, loop: {loop}.", shape=lead, loop=loop)
    sequence = sequence_spec(spec)
    if sequence is None:
        text += tr(
            " {module} has no counterpart here: torch builds no {name} with a size of 0, though it "
            "builds this cell.",
            module=f"nn.{seq}",
            name=seq,
        )
    else:
        text += tr(
            " Then {same} of {call} with the same weights ({weights}, ...), and each step's h "
            "equals that {output}.",
            same=same,
            call=sequence.torch_call(),
            weights="weight_ih_l0 = cell.weight_ih",
            output="output[t]",
        )
    return Note("cell_loop", text)


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
        return TORCH["lstm_cell_tuple"].say()
    if hidden_size == 0:
        return None
    # LSTMCell iterates over the tensor as if it were the tuple: its items are 0-D.
    return TORCH["lstm_cell_state_rank"].say(index=0, rank=0)
