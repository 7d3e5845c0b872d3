"""The notes of a sequence module's report: what users keep getting wrong, with this config's numbers.

Each note appears only when it applies, and states its facts with the numbers of the configuration
at hand. Notes name torch's arguments (batch_first=True), never a front end's way of setting them.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmshape.explain.layout import Layout, state_shapes, state_views
from lstmshape.model.report import Fact, Note
from lstmshape.model.text import format_shape, plural
from lstmshape.sentences import TORCH
from lstmshape.spec import ModuleSpec

Shape = tuple[int, ...]


def sequence_notes(
    spec: ModuleSpec,
    layout: Layout,
    facts: tuple[Fact, ...],
    *,
    h_0: Shape | None,
    c_0: Shape | None,
    packed: bool = False,
) -> tuple[Note, ...]:
    """The notes of a sequence module's report, in reading order; each only where it applies."""
    notes = [_layout_of_input(spec, layout)]
    if layout.batched and layout.batch == 0:
        notes.append(
            Note("empty_batch", "N=0: torch accepts an empty batch and returns empty tensors.")
        )
    if spec.proj_size > 0:
        notes.append(_proj_size_note(spec))
    if spec.D == 2:
        h = spec.H_out
        notes.append(
            Note(
                "bidirectional_output",
                f"output's last axis is D*H_out = {2 * h}: [..., :{h}] is the forward direction, "
                f"[..., {h}:] the backward one, at every step.",
            )
        )
    notes += [
        _correspondence_note(spec, facts),
        gates_note(spec),
        _layout_note(spec, layout),
        _last_layer_note(spec, layout),
    ]
    if spec.dropout > 0:
        notes.append(_dropout_note(spec))
    given = {"h_0": h_0, "c_0": c_0}
    passed = [n for n in spec.kind.state_names if given[n] is not None]
    if len(spec.kind.state_names) == 2 and len(passed) == 1:
        notes.append(_state_tuple_note(spec, layout, passed[0], given[passed[0]] or (), packed))
    return tuple(notes)


def _layout_of_input(spec: ModuleSpec, layout: Layout) -> Note:
    """How torch reads the input's axes: batch_first, time first, or unbatched."""
    input_shape = layout.input_shape
    if layout.batched and spec.batch_first:
        states = [*spec.kind.state_names, *spec.kind.final_names]
        return Note(
            "batch_first_states",
            f"batch_first=True reorders input and output only: {_listed(states)} keep N "
            f"in the middle, (D*num_layers, N, H) = ({spec.D * spec.num_layers}, "
            f"{layout.batch}, ...).",
        )
    if layout.batched:
        return Note(
            "time_first",
            f"batch_first=False: torch reads {format_shape(input_shape)} as L={layout.length} "
            f"{plural(layout.length, 'step')} of N={layout.batch} "
            f"{plural(layout.batch, 'sequence')}. If your tensor is (batch, seq, feature), pass "
            "batch_first=True: without it torch silently swaps N and L.",
        )
    needed = state_shapes(spec, input_shape)
    return Note(
        "unbatched",
        "Unbatched input (L, H_in): torch adds a batch of 1 inside and removes it again, so "
        f"the states are 2-D (D*num_layers, H), here h_0 {format_shape(needed['h_0'])}, "
        f"and output is (L, D*H_out) = {format_shape((layout.length, spec.D * spec.H_out))}."
        + (" batch_first is ignored for unbatched input." if spec.batch_first else ""),
    )


def _proj_size_note(spec: ModuleSpec) -> Note:
    later = (
        f" Layers above the first take D*H_out = {spec.D * spec.H_out} inputs "
        f"(weight_ih_l1 is {format_shape((spec.kind.gates * spec.H_cell, spec.D * spec.H_out))})."
        if spec.num_layers > 1
        else ""
    )
    return Note(
        "proj_size",
        f"proj_size={spec.proj_size}: h_0, h_n and output use H_out = proj_size = "
        f"{spec.proj_size}, while c_0 and c_n keep H_cell = hidden_size = {spec.H_cell}. "
        f"weight_hr_l{{k}} {format_shape((spec.proj_size, spec.H_cell))} projects each h_t."
        + later,
    )


def _dropout_note(spec: ModuleSpec) -> Note:
    if spec.num_layers == 1:
        return Note(
            "dropout_single_layer",
            f"dropout={spec.dropout} does nothing with num_layers=1: torch applies dropout to "
            "the outputs of every layer but the last, and warns when there is only one.",
        )
    return Note(
        "dropout",
        f"dropout={spec.dropout} zeroes elements of the output of every layer but the last "
        f"({_layer_range(spec.num_layers - 1)}) in training mode; it changes no shape.",
    )


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
        return TORCH["single_state"].say(index=shape[0], size=shape[0])
    rank = f"{want - 1}-D"
    kind = "batched 3-D" if batched else "unbatched 2-D"
    return TORCH["states_rank"].say(input=kind, want=want, ranks=f"{rank}, {rank}")


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


def gates_note(spec: ModuleSpec) -> Note:
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


def _listed(names: Sequence[str]) -> str:
    """ "h_0, c_0, h_n and c_n"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _layer_range(count: int) -> str:
    return "layer 0" if count == 1 else f"layers 0 to {count - 1}"
